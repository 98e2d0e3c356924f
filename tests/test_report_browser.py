"""`pipeline report` in a real headless browser: it loads, filters work, Arabic renders right to left;
and the site of a change (`pipeline report OLD NEW`) shows the moved line and its old -> new reason.

The browser is Debian's chromium driven by Playwright (pinned in the ``test``
extra). A machine without chromium gets it from apt (``apt-get update`` and
``apt-get install -y chromium fonts-dejavu-core``, as root); where that is not
possible the test is skipped on a developer's machine and FAILS in CI
(``CI=true``), so a green CI always means the page was really rendered. The
screenshots (an Arabic and an English document; the Arabic document's page of
a change) are saved under ``tests/artifacts/``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.cli import main as cli_main
from pipeline.config import Config
from pipeline.document import Document
from pipeline import run
from pipeline.stages.decode import Decode
from pipeline.stages.extract import Extract
from pipeline.stages.language import DocumentLanguage, LineLanguage
from pipeline.stages.normalize import Normalize
from pipeline.stages.repair import Repair

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
SCREENSHOT = ARTIFACTS / "report.png"
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
APT_PACKAGES = ("chromium", "fonts-dejavu-core")  # DejaVu Sans has the Arabic letters
APT_TIMEOUT_SECONDS = 1200
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-dev-shm-usage"]  # CI containers often have a tiny /dev/shm
VIEWPORT = {"width": 1100, "height": 800}

ENGLISH = ("Home | News | Sport\n\n"
           "The committee met on Tuesday to discuss the new budget, and its members agreed that the spending "
           "plan needed more work before the vote that is expected next month.\n\n"
           "The finance minister said a revised plan would follow within two weeks.\n\n"
           "Share on Facebook\n")
ARABIC = ("الرئيسية | أخبار | رياضة\n\n"
          "اجتمعت اللجنة يوم الثلاثاء لمناقشة الميزانية الجديدة، واتفق أعضاؤها على أن خطة الإنفاق تحتاج إلى "
          "مزيد من العمل قبل التصويت المتوقع في الشهر المقبل.\n\n"
          "اقرأ أيضا: عشرة أشياء عن الميزانية\n\n"
          "وقال وزير المالية إن الحكومة ستنشر خطة معدلة خلال أسبوعين.\n")
#: The rules of this test's pipeline: a line starting with a key is removed with that reason.
RULES = {"Home |": "navigation", "الرئيسية |": "navigation", "Share on": "share-buttons",
         "اقرأ أيضا": "related-links"}


def unavailable(message: str) -> None:
    """Fail in CI, where the browser must run; skip (with the reason) on a developer's machine."""
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"browser test cannot run in CI: {message}", pytrace=False)
    pytest.skip(message)


def ensure_chromium() -> str:
    """Debian's chromium, installed with apt when missing."""
    found = next((path for path in CHROMIUM_CANDIDATES if Path(path).is_file()), None) or shutil.which("chromium")
    if found:
        return found
    if not shutil.which("apt-get"):
        unavailable("chromium is not installed and apt-get is not available to install it")
    if os.geteuid() != 0:
        unavailable("chromium is not installed; run as root: apt-get update && apt-get install -y chromium")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", *APT_PACKAGES]):
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=APT_TIMEOUT_SECONDS)
        if result.returncode != 0:
            unavailable(f"`{' '.join(command)}` failed ({result.returncode}): {result.stderr[-2000:]}")
    found = next((path for path in CHROMIUM_CANDIDATES if Path(path).is_file()), None)
    if not found:
        unavailable("apt-get installed chromium but no chromium binary was found")
    return found


class Rules:
    name, version = "boilerplate", "test"

    def process(self, doc: Document) -> Document:
        for line in doc.lines:
            for prefix, reason in RULES.items():
                if line.text.startswith(prefix):
                    line.remove(self.name, reason)
        return doc


def test_stages(config: Config) -> list:
    return [Decode(), Extract(), Repair(), LineLanguage(), Rules(), DocumentLanguage(), Normalize()]


test_stages.__test__ = False  # a helper, not a test


@pytest.fixture(scope="module")
def browser():
    executable = ensure_chromium()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as error:
        unavailable(f"playwright is not installed (pip install -e '.[test]'): {error}")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        yield launched
        launched.close()


def clean_two_budgets(tmp_path: Path) -> tuple[Path, Path]:
    """An Arabic and an English dump in ``raw/``, cleaned into ``clean/``."""
    raw, clean = tmp_path / "raw", tmp_path / "clean"
    (raw / "ar").mkdir(parents=True)
    (raw / "en").mkdir()
    (raw / "ar" / "budget.txt").write_text(ARABIC, encoding="utf-8")
    (raw / "en" / "budget.txt").write_text(ENGLISH, encoding="utf-8")
    run(raw, clean, stages=test_stages(Config()), workers=0)
    return raw, clean


@pytest.fixture()
def page_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    raw, clean = clean_two_budgets(tmp_path)
    out = tmp_path / "report.html"
    assert cli_main(["report", str(clean), "--raw", str(raw), "--out", str(out)]) == 0
    return out


def visible_rows(page) -> list[dict[str, str]]:
    return page.evaluate("""[...document.querySelectorAll('tr[data-reason]')].filter(r => r.offsetParent !== null)
        .map(r => ({reason: r.dataset.reason, lang: r.dataset.lang, doc: r.closest('section').id}))""")


def set_filter(page, name: str, values: list[str]) -> None:
    page.click(f"fieldset:has(input[name={name}]) button:text('none')")
    for value in values:
        page.check(f"input[name={name}][value='{value}']")


def test_report_loads_filters_and_renders_arabic_right_to_left(browser, page_path: Path) -> None:
    page = browser.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(page_path.as_uri())
    assert page.locator("section.doc").count() == 2
    assert page.locator("#shown").inner_text() == "2 documents, 8 lines shown"

    # Arabic lines run right to left and hug the right edge; English lines the left edge.
    cells = page.evaluate("""[...document.querySelectorAll('td.t')].map(cell => {
        const range = document.createRange(); range.selectNodeContents(cell);
        const text = range.getBoundingClientRect(), box = cell.getBoundingClientRect();
        return {lang: cell.lang, dir: getComputedStyle(cell).direction,
                left: text.left - box.left, right: box.right - text.right};
    })""")
    arabic = [cell for cell in cells if cell["lang"] == "ar"]
    english = [cell for cell in cells if cell["lang"] == "en"]
    assert len(arabic) == 4 and len(english) == 4
    assert all(cell["dir"] == "rtl" for cell in arabic)
    assert all(cell["dir"] == "ltr" for cell in english)
    assert all(cell["right"] < 12 for cell in arabic) and any(cell["left"] > 200 for cell in arabic)
    assert all(cell["left"] < 12 for cell in english) and any(cell["right"] > 200 for cell in english)

    # Filter by reason: only navigation lines, from both documents.
    set_filter(page, "reason", ["navigation"])
    rows = visible_rows(page)
    assert sorted((row["doc"], row["reason"]) for row in rows) == [("ar/budget", "navigation"),
                                                                    ("en/budget", "navigation")]
    # Removed lines of any reason, in Arabic only: the English document disappears.
    set_filter(page, "reason", ["navigation", "related-links", "share-buttons"])
    set_filter(page, "lang", ["ar"])
    rows = visible_rows(page)
    assert sorted(row["reason"] for row in rows) == ["navigation", "related-links"]
    assert page.locator("section.doc[id='en/budget']").is_hidden()
    assert page.locator("#shown").inner_text() == "1 documents, 2 lines shown"
    # Nothing selected: nothing shown; "all" brings everything back.
    page.click("fieldset:has(input[name=lang]) button:text('none')")
    assert visible_rows(page) == [] and page.locator("section.doc:visible").count() == 0
    page.click("fieldset:has(input[name=lang]) button:text('all')")
    page.click("fieldset:has(input[name=reason]) button:text('all')")
    assert len(visible_rows(page)) == 8

    # The raw input, line by line with the same marks, right to left for Arabic.
    page.click("section[id='ar/budget'] details summary")
    raw_lines = page.locator("section[id='ar/budget'] div.raw tr")
    assert raw_lines.count() == 7
    assert page.locator("section[id='ar/budget'] div.raw tr.removed").count() == 2
    assert page.evaluate("getComputedStyle(document.querySelector(\"section[id='ar/budget'] div.raw tr.removed td+td\"))"
                         ".direction") == "rtl"
    assert errors == []

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000
    page.close()


CHANGE_SCREENSHOT = ARTIFACTS / "change.png"


class EagerRule:
    """The change under review: a rule that also removes a body line of each document."""

    name, version = "boilerplate", "test-eager"
    WORDS = ("finance minister", "وزير المالية")

    def process(self, doc: Document) -> Document:
        for line in doc.lines:
            if any(word in line.text for word in self.WORDS):
                line.remove(self.name, "eager-rule")
        return doc


@pytest.fixture()
def change_site(tmp_path: Path) -> Path:
    raw, old, new = tmp_path / "raw", tmp_path / "old", tmp_path / "new"
    (raw / "ar").mkdir(parents=True)
    (raw / "en").mkdir()
    (raw / "ar" / "budget.txt").write_text(ARABIC, encoding="utf-8")
    (raw / "en" / "budget.txt").write_text(ENGLISH, encoding="utf-8")
    run(raw, old, stages=test_stages(Config()), workers=0)
    stages = test_stages(Config())
    run(raw, new, stages=[*stages[:5], EagerRule(), *stages[5:]], workers=0)
    site = tmp_path / "site"
    assert cli_main(["report", str(old), str(new), "--out", str(site)]) == 0
    return site


def test_change_site_shows_the_moved_line_with_its_reason_side_by_side(browser, change_site: Path) -> None:
    page = browser.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto((change_site / "index.html").as_uri())
    assert "2 of 2 documents changed" in page.locator("h1").inner_text()
    assert page.locator("tr[data-direction=left]").inner_text().split("\t") == ["left the body", "eager-rule", "2"]

    # From the index to the Arabic document: the moved line, highlighted, old and new decision.
    page.click("text=ar/budget")
    moved = page.locator("tr.moved")
    assert moved.count() == 1
    assert moved.locator("td.w").inner_text() == "kept → boilerplate/eager-rule"
    assert "وزير المالية" in moved.locator("td.t").first.inner_text()
    background = page.evaluate("getComputedStyle(document.querySelector('tr.moved td.t')).backgroundColor")
    assert background == "rgb(255, 243, 196)"
    # Both sides right to left, each hugging the right edge of its column.
    sides = page.evaluate("""[...document.querySelectorAll('tr.moved td.t')].map(cell => {
        const range = document.createRange(); range.selectNodeContents(cell);
        const text = range.getBoundingClientRect(), box = cell.getBoundingClientRect();
        return {dir: getComputedStyle(cell).direction, right: box.right - text.right};})""")
    assert [side["dir"] for side in sides] == ["rtl", "rtl"] and all(side["right"] < 12 for side in sides)
    # "only changed lines" hides the unchanged ones; the moved one stays.
    assert page.locator("tr.same:visible").count() == 3
    page.check("#only")
    assert page.locator("tr.same:visible").count() == 0 and moved.is_visible()
    page.uncheck("#only")
    assert errors == []

    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(CHANGE_SCREENSHOT), full_page=True)
    assert CHANGE_SCREENSHOT.stat().st_size > 10_000
    page.close()


def test_a_paged_report_opens_from_its_index_page_by_page(browser, tmp_path: Path) -> None:
    from pipeline.review.report import write_report

    raw, clean = clean_two_budgets(tmp_path)
    out = tmp_path / "report.html"
    assert write_report(clean, out, raw, per_page=1) == (2, 2)
    page = browser.new_page(viewport=VIEWPORT)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(out.as_uri())
    assert page.locator("table.pages tbody tr").count() == 2
    page.click("text=page 1")
    assert page.locator("section.doc").count() == 1 and page.locator("#shown").inner_text() == "1 documents, 4 lines shown"
    assert page.locator("section.doc").get_attribute("id") == "ar/budget"
    page.click("a[rel=next]")
    assert page.locator("section.doc").get_attribute("id") == "en/budget"
    page.click("text=index")
    assert page.url == out.as_uri() and errors == []
    page.close()

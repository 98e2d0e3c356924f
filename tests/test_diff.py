"""`pipeline diff` and `make review`: a rule change shows exactly which lines moved, and why."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from pipeline.cli import main as cli_main
from pipeline.document import Document
from pipeline.io.write import body_digest
from pipeline.review.diff import ENTERED, LEFT, REASON, diff_trees, format_tree
from pipeline import run
from pipeline.config import Config
from pipeline.stages.decode import Decode
from pipeline.stages.extract import Extract
from pipeline.stages.language import LineLanguage
from pipeline.stages.normalize import Normalize
from pipeline.stages.repair import Repair

ENGLISH = (
    "Budget talks resume in the capital\n\n"
    "The committee met on Tuesday to discuss the new budget, and its members agreed that the spending "
    "plan needed more work before the vote that is expected next month.\n\n"
    "Read more: Ten things to know about the budget\n\n"
    "The finance minister said the government would publish a revised plan within two weeks, after "
    "talks with the opposition parties and the central bank.\n"
)
ARABIC = (
    "اجتمعت اللجنة يوم الثلاثاء لمناقشة الميزانية الجديدة، واتفق أعضاؤها على أن خطة الإنفاق تحتاج إلى "
    "مزيد من العمل قبل التصويت المتوقع في الشهر المقبل.\n\n"
    "اقرأ أيضا: عشرة أشياء يجب معرفتها عن الميزانية\n\n"
    "وقال وزير المالية إن الحكومة ستنشر خطة معدلة خلال أسبوعين بعد محادثات مع أحزاب المعارضة والبنك المركزي.\n"
)
#: The rule under review is too eager: it removes body lines that mention these words.
RULE_WORDS = ("central bank", "البنك المركزي")
RULE_REASON = "test-rule"
EN_LINE = ("The finance minister said the government would publish a revised plan within two weeks, after "
           "talks with the opposition parties and the central bank.")
AR_LINE = "وقال وزير المالية إن الحكومة ستنشر خطة معدلة خلال أسبوعين بعد محادثات مع أحزاب المعارضة والبنك المركزي."


class EagerRule:
    """A boilerplate rule added by the change under review (the real stages keep these body lines)."""

    name, version = "boilerplate", "test"

    def process(self, doc: Document) -> Document:
        for line in doc.lines:
            if any(word in line.text for word in RULE_WORDS):
                line.remove("boilerplate", RULE_REASON)
        return doc


@pytest.fixture()
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    (folder / "en").mkdir(parents=True)
    (folder / "ar").mkdir()
    (folder / "en" / "budget.txt").write_text(ENGLISH, encoding="utf-8")
    (folder / "ar" / "budget.txt").write_text(ARABIC, encoding="utf-8")
    return folder


def base_stages(config: Config) -> list:
    """A fixed pipeline without the evolving classifiers, so these tests see only the rule's effect."""
    return [Decode(), Extract(), Repair(), LineLanguage(), Normalize()]


@pytest.fixture()
def runs(raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """The same raw folder cleaned before and after adding the rule."""
    old, new = tmp_path / "old", tmp_path / "new"
    run(raw, old, stages=base_stages(Config()), workers=0)
    run(raw, new, stages=[*base_stages(Config()), EagerRule()], workers=0)
    return old, new


def move_line_out_of_body(root: Path, stem: str, reason: str) -> str:
    """Edit a sidecar pair as if the run had removed the body's first line; return that line."""
    sidecar_path, body_path = root / f"{stem}.json", root / f"{stem}.txt"
    sidecar = json.loads(sidecar_path.read_text(encoding="utf-8"))
    paragraphs = body_path.read_text(encoding="utf-8").rstrip("\n").split("\n\n")
    removed = {item["line"] for item in sidecar["removed"]}
    number = min(n for numbers in sidecar["line_languages"].values() for n in numbers if n not in removed)
    sidecar["removed"] = sorted([*sidecar["removed"], {"line": number, "text": paragraphs[0], "stage": "boilerplate",
                                                       "reason": reason}], key=lambda item: item["line"])
    sidecar["lines"]["kept"] -= 1
    sidecar["lines"]["removed"] += 1
    body = "\n\n".join(paragraphs[1:]) + "\n"
    sidecar["body_sha256"] = body_digest(body)
    for path in (sidecar_path, body_path):
        path.unlink()  # the pair may be hard links to another run's files, which must not change
    sidecar_path.write_text(json.dumps(sidecar, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")
    body_path.write_text(body, encoding="utf-8")
    return paragraphs[0]


def test_a_new_rule_shows_the_lines_that_left_the_body_with_their_reason(runs: tuple[Path, Path]) -> None:
    tree = diff_trees(*runs)
    assert [doc.stem for doc in tree.changed] == ["ar/budget", "en/budget"]
    moved = {(doc.stem, change.new.text): (change.kind, change.old.keep, change.new.reason)
             for doc in tree.changed for change in doc.lines}
    assert moved == {
        ("en/budget", EN_LINE): (LEFT, True, RULE_REASON),
        ("ar/budget", AR_LINE): (LEFT, True, RULE_REASON),
    }
    assert tree.count(LEFT) == 2 and tree.count(ENTERED) == 0
    assert dict(tree.reasons(LEFT)) == {RULE_REASON: 2}


def test_the_plain_text_report_fits_a_screen_and_names_line_reason_and_text(runs: tuple[Path, Path]) -> None:
    text = format_tree(diff_trees(*runs))
    lines = text.splitlines()
    assert "  - line 7     left body    -> boilerplate/test-rule" in text
    assert "  - line 5     left body    -> boilerplate/test-rule" in text
    assert EN_LINE[:40] in text and AR_LINE[:40] in text
    assert lines[-2] == "2 of 2 documents changed (0 added, 0 gone); 2 lines left the body, 0 entered it"
    assert lines[-1].split() == ["left", "the", "body,", "by", "new", "reason:", RULE_REASON, "2"]
    assert len(lines) < 24 and max(len(line) for line in lines) <= 120


def test_reverting_the_rule_shows_lines_entering_the_body_with_their_old_reason(runs: tuple[Path, Path]) -> None:
    old, new = runs
    tree = diff_trees(new, old)
    assert tree.count(ENTERED) == 2 and tree.count(LEFT) == 0
    assert dict(tree.reasons(ENTERED)) == {RULE_REASON: 2}
    assert "entered body <- boilerplate/test-rule" in format_tree(tree)


def test_exit_status_is_zero_when_equal_and_one_when_different(runs: tuple[Path, Path], capsys) -> None:
    old, new = runs
    assert cli_main(["diff", str(old), str(old)]) == 0
    assert "0 of 2 documents changed" in capsys.readouterr().out
    assert cli_main(["diff", str(old), str(new)]) == 1
    assert cli_main(["diff", str(old), str(old / "missing")]) == 2


def test_changed_reason_metadata_and_documents_added_or_gone(runs: tuple[Path, Path], tmp_path: Path) -> None:
    old, new = runs
    edited = tmp_path / "edited"
    shutil.copytree(new, edited)
    sidecar_path = edited / "en" / "budget.json"
    sidecar = json.loads(sidecar_path.read_text(encoding="utf-8"))
    sidecar["removed"][-1]["reason"] = "navigation"
    title, sidecar["title"] = sidecar["title"], "Another title"
    sidecar_path.write_text(json.dumps(sidecar), encoding="utf-8")
    (edited / "ar" / "budget.json").rename(edited / "ar" / "moved.json")
    (edited / "ar" / "budget.txt").rename(edited / "ar" / "moved.txt")
    tree = diff_trees(new, edited)
    by_stem = {doc.stem: doc for doc in tree.changed}
    assert by_stem["ar/budget"].state == "gone" and by_stem["ar/moved"].state == "added"
    en = by_stem["en/budget"]
    assert [change.kind for change in en.lines] == [REASON]
    assert en.lines[0].old.reason == RULE_REASON and en.lines[0].new.reason == "navigation"
    assert en.fields == [("title", title, "Another title")]
    text = format_tree(tree)
    assert "boilerplate/test-rule -> boilerplate/navigation" in text
    assert f"title: {title!r} -> 'Another title'" in text
    assert "(1 added, 1 gone)" in text


def test_make_review_shows_a_rule_change_against_the_committed_folder(raw: Path, repo_root: Path,
                                                                      tmp_path: Path) -> None:
    """`make review` re-runs the code in the tree against a committed folder; a rule change shows up."""
    committed = tmp_path / "committed"
    run(raw, committed, workers=0)  # current: what the code makes of raw/
    # -o: the venv is this test's own; don't let make re-install it (the target's name, relative to -C)
    site = tmp_path / "site"
    command = ["make", "-s", "-C", str(repo_root), "-o", ".venv/.installed-stamp", "review", f"RAW={raw}",
               f"CLEAN={committed}", f"REVIEW={site}"]
    current = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert current.returncode == 0, current.stdout + current.stderr
    assert "0 of 2 documents changed" in current.stdout
    # The committed folder was made by a rule the code no longer has: the line comes back into the body.
    line = move_line_out_of_body(committed, "en/budget", RULE_REASON)
    result = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert result.returncode != 0, result.stdout + result.stderr  # make reports the diff's 1 as 2
    assert "entered body <- boilerplate/test-rule" in result.stdout and line[:40] in result.stdout
    assert "1 of 2 documents changed (0 added, 0 gone); 0 lines left the body, 1 entered it" in result.stdout
    assert "entered the body, by old reason:   test-rule 1" in result.stdout
    # ... and it says where the page of the change is, which shows the line and its old reason.
    assert result.stdout.rstrip().endswith(f"review page: {site}/index.html")
    assert "1 of 2 documents changed" in (site / "index.html").read_text(encoding="utf-8")
    assert "boilerplate/test-rule → kept" in (site / "docs" / "000001.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("edit", ["truncated", "edited", "removed"])
def test_a_body_changed_without_its_sidecar_is_an_error_by_name(runs: tuple[Path, Path], tmp_path: Path, capsys,
                                                                edit: str) -> None:
    """Such a body used to be reported as "0 of 2 documents changed" (its lines' texts left unknown)."""
    old, _ = runs
    edited = tmp_path / "edited"
    shutil.copytree(old, edited)
    body = edited / "en" / "budget.txt"
    text = body.read_text(encoding="utf-8")
    if edit == "truncated":
        body.write_text(text[: len(text) // 2], encoding="utf-8")
    elif edit == "edited":
        body.write_text(text.replace("Tuesday", "Monday"), encoding="utf-8")  # the same paragraphs, one word changed
    else:
        body.unlink()
    assert cli_main(["diff", str(old), str(edited)]) == 2
    captured = capsys.readouterr()
    assert f"pipeline diff: error: {edited / 'en' / 'budget'}:" in captured.err
    assert "0 of 2 documents changed" in captured.out and "1 document not compared" in captured.out

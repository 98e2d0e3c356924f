"""`pipeline clean --body markdown`: headings, lists and tables come out as Markdown, the sidecar as before."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from pipeline.cli import main as cli_main
from pipeline.config import Config
from pipeline.document import Document, Line
from pipeline.io.markdown import markdown_body, render_markdown, unit_texts
from pipeline.review.diff import diff_trees
from pipeline.review.outputs import load_output
from pipeline import run
from pipeline.stages.decode import Decode
from pipeline.stages.extract import Extract, extract_html
from pipeline.stages.language import DocumentLanguage, LineLanguage
from pipeline.stages.normalize import Normalize
from pipeline.stages.repair import Repair

PARAGRAPH = ("The committee met on Tuesday to discuss the new budget, and its members agreed that the "
             "spending plan needed more work before the vote that is expected next month.")

ARTICLE = f"""<html><body><article>
<h1>Budget talks resume</h1>
<p>{PARAGRAPH}</p>
<h2>Where the money goes</h2>
<p>{PARAGRAPH}</p>
<h3>Schools and roads</h3>
<ul><li>Schools get more</li><li>Roads get less<ul><li>Rural roads most</li></ul></li></ul>
<ol><li>First vote in May</li><li>Second vote in June</li></ol>
<table><tr><th>Department</th><th>2026</th><th>2027</th></tr>
<tr><td>Health</td><td>12</td><td>14</td></tr><tr><td>A|B test</td><td>3</td><td>4</td></tr></table>
<blockquote>We will not cut the schools.</blockquote>
<p>{PARAGRAPH}</p>
</article></body></html>"""

ARABIC_TABLE = f"""<html lang="ar"><body><article>
<h2>الميزانية الجديدة</h2>
<p>اجتمعت اللجنة يوم الثلاثاء لمناقشة الميزانية الجديدة، واتفق أعضاؤها على أن خطة الإنفاق تحتاج إلى مزيد من العمل قبل التصويت المتوقع في الشهر المقبل.</p>
<table><tr><th>الوزارة</th><th>٢٠٢٦</th></tr><tr><td>الصحة</td><td>١٢</td></tr><tr><td>التعليم</td><td>٩</td></tr></table>
<p>وقال وزير المالية إن الحكومة ستنشر خطة معدلة خلال أسبوعين بعد محادثات مع أحزاب المعارضة والبنك المركزي.</p>
</article></body></html>"""

DUMP = f"""Home | News | Sport

Budget talks resume

{PARAGRAPH}

Where the money goes

{PARAGRAPH}

• Schools get more
• Roads get less

Department\t2026\t2027
Health\t12\t14
Schools\t9\t11

1. First vote in May
2. Second vote in June

{PARAGRAPH}
"""


def markdown_of_html(html: str) -> str:
    return markdown_body(extract_html(html).lines)


def test_html_headings_keep_their_levels() -> None:
    body = markdown_of_html(ARTICLE)
    assert "# Budget talks resume\n" in body
    assert "\n## Where the money goes\n" in body and "\n### Schools and roads\n" in body


def test_unordered_ordered_and_nested_lists() -> None:
    body = markdown_of_html(ARTICLE)
    assert "- Schools get more\n- Roads get less\n    - Rural roads most\n" in body
    assert "1. First vote in May\n2. Second vote in June\n" in body


def test_table_with_a_header_row_and_a_cell_holding_a_pipe() -> None:
    body = markdown_of_html(ARTICLE)
    assert ("| Department | 2026 | 2027 |\n| --- | --- | --- |\n| Health | 12 | 14 |\n| A\\|B test | 3 | 4 |\n"
            in body)
    assert "> We will not cut the schools.\n" in body
    assert "[" not in body  # no inline link syntax


def test_arabic_table() -> None:
    body = markdown_of_html(ARABIC_TABLE)
    assert "## الميزانية الجديدة\n" in body
    assert "| الوزارة | ٢٠٢٦ |\n| --- | --- |\n| الصحة | ١٢ |\n| التعليم | ٩ |\n" in body


def test_code_is_fenced_and_paragraphs_that_look_like_markup_are_escaped() -> None:
    lines = [Line(1, "x = 1", "code"), Line(2, "# not a heading"), Line(3, "3. not a list"), Line(4, "| no")]
    body = markdown_body(lines)
    assert body == "```\nx = 1\n```\n\n\\# not a heading\n\n3\\. not a list\n\n\\| no\n"
    assert unit_texts(body) == ["x = 1", "# not a heading", "3. not a list", "| no"]


def test_dump_bullet_runs_become_lists_and_tab_rows_a_table() -> None:
    from pipeline.stages.extract import split_dump
    from pipeline.stages.normalize import normalize_text

    lines = split_dump(DUMP)
    for line in lines:
        line.text = normalize_text(line.text)
    lines[0].remove("boilerplate", "navigation")
    body = render_markdown(lines, from_dump=True)
    assert "Home" not in body
    assert "\n## Where the money goes\n" in body
    assert "- Schools get more\n- Roads get less\n" in body
    assert "| Department | 2026 | 2027 |\n| --- | --- | --- |\n| Health | 12 | 14 |\n| Schools | 9 | 11 |\n" in body
    assert "1. First vote in May\n2. Second vote in June\n" in body
    # One bulleted line, or one line with a pipe, is a paragraph as it was.
    single = render_markdown([Line(1, "- 5 degrees tonight"), Line(2, "Home | News")], from_dump=True)
    assert single == "\\- 5 degrees tonight\n\nHome | News\n"


class Navigation:
    name, version = "boilerplate", "test"

    def process(self, doc: Document) -> Document:
        for line in doc.lines:
            if line.text.startswith("Home |"):
                line.remove(self.name, "navigation")
        return doc


def stages() -> list:
    return [Decode(), Extract(), Repair(), LineLanguage(), Navigation(), DocumentLanguage(), Normalize()]


@pytest.fixture()
def raw(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    (folder / "article.html").write_text(ARTICLE, encoding="utf-8")
    (folder / "arabic.html").write_text(ARABIC_TABLE, encoding="utf-8")
    (folder / "dump.txt").write_text(DUMP, encoding="utf-8")
    return folder


def test_markdown_run_keeps_the_sidecar_line_numbers_and_the_review_tools_read_it(raw: Path, tmp_path: Path) -> None:
    text, markdown = tmp_path / "text", tmp_path / "markdown"
    run(raw, text, stages=stages(), workers=0)
    run(raw, markdown, stages=stages(), workers=0, config=Config(body_format="markdown"))
    assert "| Department | 2026 | 2027 |" in (markdown / "dump.txt").read_text(encoding="utf-8")
    assert "Department 2026 2027" in (text / "dump.txt").read_text(encoding="utf-8")
    for stem in ("article", "arabic", "dump"):
        before = json.loads((text / f"{stem}.json").read_text(encoding="utf-8"))
        after = json.loads((markdown / f"{stem}.json").read_text(encoding="utf-8"))
        assert after.pop("body_format") == "markdown" and "body_format" not in before
        # Each sidecar names its own body by digest; everything else is the same.
        for folder, data in ((text, before), (markdown, after)):
            body = folder / f"{stem}.txt"
            assert data.pop("body_sha256") == hashlib.sha256(body.read_bytes()).hexdigest()
        assert after == before  # line numbers, removed lines and their reasons: all the same
        old, new = load_output(text, stem), load_output(markdown, stem)
        assert [(l.number, l.keep, l.reason) for l in old.lines] == [(l.number, l.keep, l.reason) for l in new.lines]
        assert None not in [line.text for line in new.lines]
    # HTML lines read back as the text body has them; only the dump's bullets and tab rows differ.
    tree = diff_trees(text, markdown)
    assert {doc.stem for doc in tree.changed} == {"dump"}
    assert all(change.kind == "text" for doc in tree.changed for change in doc.lines)


def test_cli_body_markdown_for_files_and_jsonl(raw: Path, tmp_path: Path) -> None:
    assert cli_main(["clean", str(raw), str(tmp_path / "files"), "--workers", "0", "--body", "markdown"]) in (0, 1)
    assert "| Department | 2026 | 2027 |" in (tmp_path / "files" / "article.txt").read_text(encoding="utf-8")
    assert cli_main(["clean", str(raw), str(tmp_path / "jsonl"), "--workers", "0", "--body", "markdown",
                     "--format", "jsonl"]) in (0, 1)
    records = {json.loads(line)["id"]: json.loads(line) for line in
               (tmp_path / "jsonl" / "documents.jsonl").read_text(encoding="utf-8").splitlines()}
    assert "| الصحة | ١٢ |" in records["arabic.html"]["text"]
    assert json.loads((tmp_path / "files" / "_run.json").read_text())["config"]["body_format"] == "markdown"


from hypothesis import given, settings, strategies as st  # noqa: E402

from pipeline.document import CODE, HEADING, LIST_ITEM, QUOTE, TABLE_ROW  # noqa: E402

#: Texts as they reach the writer: normalized (stripped, no line breaks), any characters else.
_TEXT = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30).map(
    lambda text: " ".join(text.split())).filter(bool)


@st.composite
def _lines(draw) -> list[Line]:
    lines = []
    for number in range(1, draw(st.integers(0, 12)) + 1):
        kind = draw(st.sampled_from(["p", HEADING, LIST_ITEM, TABLE_ROW, QUOTE, CODE]))
        text = draw(_TEXT)
        line = Line(number, text, kind, keep=draw(st.booleans()) or kind != "p")
        if kind == HEADING:
            line.level = draw(st.integers(0, 6))
        elif kind == LIST_ITEM:
            line.level, line.ordered = draw(st.integers(1, 3)), draw(st.booleans())
        elif kind == TABLE_ROW:
            line.cells = tuple(draw(st.lists(_TEXT, min_size=1, max_size=4)))
            line.text, line.header = " | ".join(line.cells), draw(st.booleans())
        lines.append(line)
    return lines


@settings(max_examples=300, deadline=None)
@given(_lines(), st.booleans())
def test_a_markdown_body_reads_back_one_text_per_kept_line(lines: list[Line], from_dump: bool) -> None:
    """Whatever the lines hold, the review tools find each kept line's unit in the body (its text,
    for all but a dump's bullets and rows, whose markers and separators are markup)."""
    texts = unit_texts(render_markdown(lines, from_dump))
    kept = [line.text for line in lines if line.keep]
    assert len(texts) == len(kept)
    if not from_dump:
        assert texts == kept


def test_a_dump_bullet_run_with_tabs_stays_a_list() -> None:
    from pipeline.stages.extract import split_dump

    lines = split_dump("• Schools\tmore\n• Roads\tless\n")
    assert render_markdown(lines, from_dump=True) == "- Schools\tmore\n- Roads\tless\n"

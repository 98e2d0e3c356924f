"""Reading files, sniffing HTML vs text, and extracting lines."""

from __future__ import annotations

import os
import gzip
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import pickle

from pipeline.document import (LINE_FIELDS, Document, Line, line_columns, line_numbers_by_language, lines_from_columns,
                               make_lines, removal_counts, removal_records)
from pipeline.text.structure import dump_cells
from pipeline.stages.extract import extract_html, split_dump
from pipeline.config import Limits
from pipeline.io.files import assign_output_stems, output_stem, read_document, sniff_format
from pipeline.io.source import FileSource


def read_tree(root: Path, wanted=None) -> list:
    return list(FileSource(root).documents(wanted=wanted))


@pytest.mark.parametrize("data,expected", [
    (b"<!DOCTYPE html><html><body><p>x</p></body></html>", "html"),
    (b"\xef\xbb\xbf<html lang='ar'><head>", "html"),
    (b"  <!-- saved page --> <html>", "html"),
    (b"<div><p>one</p><p>two</p><span>three</span></div>", "html"),
    (b"Home | News\nThe rule is a < b and b > c.\n", "text"),
    ("مرحبا <بالعالم>".encode(), "text"),
])
def test_sniffing_looks_at_content_not_suffix(data: bytes, expected: str) -> None:
    assert sniff_format(data) == expected


def test_an_html_page_saved_as_txt_is_read_as_html(tmp_path: Path) -> None:
    (tmp_path / "page.txt").write_bytes(b"<html><body><p>Hello there, reader.</p></body></html>")
    doc = read_document(tmp_path / "page.txt", "page.txt")
    assert doc.format == "html" and doc.id == "page.txt"


def test_gzip_bomb_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bomb.txt.gz").write_bytes(gzip.compress(b"a" * 5_000_000))
    doc = read_document(tmp_path / "bomb.txt.gz", "bomb.txt.gz", Limits(max_decompressed_bytes=1_000_000))
    assert doc.failure is not None and doc.failure.reason == "too-large"


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(b"x" * 2000)
    doc = read_document(tmp_path / "big.txt", "big.txt", Limits(max_input_bytes=1000))
    assert doc.failure is not None and doc.failure.reason == "too-large"


def test_tree_is_read_in_sorted_order_and_skips_hidden_files(tmp_path: Path) -> None:
    for name in ["b/z.txt", "a.txt", "b/a.html", ".git/x.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("Some words here.")
    assert [doc.id for doc in read_tree(tmp_path)] == ["a.txt", "b/a.html", "b/z.txt"]


def test_output_stems_drop_known_suffixes_and_keep_clashing_names_apart() -> None:
    assert output_stem("news/a.html.gz") == "news/a"
    assert output_stem("notes.v2.txt") == "notes.v2"
    assert assign_output_stems(["a.txt", "a.html", "b.txt"]) == {"a.txt": "a.txt", "a.html": "a.html", "b.txt": "b"}


def test_dump_lines_keep_source_numbers() -> None:
    lines = split_dump("Menu\n\n  First paragraph.  \n\t\nSecond.\n")
    assert [(line.number, line.text) for line in lines] == [(1, "Menu"), (3, "First paragraph."), (5, "Second.")]


def _split_dump_reference(text: str) -> list[Line]:
    """split_dump as a plain loop calling the class (what the lines kernel must equal)."""
    return [Line(number, raw.strip(), cells=dump_cells(raw.strip()) if "\t" in raw.strip() else ())
            for number, raw in enumerate(text.splitlines(), start=1) if raw.strip()]


@pytest.mark.parametrize("text", [
    "", "\n\n", "Menu\n\n  Body text.  \n", "a\r\nb\rc\x0bd\x0ce\x1cf\x85g\u2028h\u2029i",
    "name\tvalue\t\nx\t\ty\n\t\n", "\u00a0\u3000\n  عنوان المقال  \n\ud800 lone\n", "no newline at the end",
])
def test_split_dump_makes_the_lines_calling_the_class_makes(text: str) -> None:
    assert split_dump(text) == _split_dump_reference(text)


def test_lines_made_in_bulk_are_lines_and_travel_as_columns() -> None:
    made = make_lines(3, number=[1, 2, 5], text=["a", "b", "c"], kind="h", cells=[(), ("x", "y"), ()])
    assert made == [Line(1, "a", kind="h"), Line(2, "b", kind="h", cells=("x", "y")), Line(5, "c", kind="h")]
    made[0].remove("boilerplate", "navigation")
    assert (made[0].keep, made[1].keep, made[0].reason) == (False, True, "navigation")
    assert lines_from_columns(line_columns(made)) == made and lines_from_columns([]) == []
    doc = Document(id="a", source="a", lines=made)
    copied, loaded = doc.copy(), pickle.loads(pickle.dumps(doc))
    assert copied == doc == loaded and all(a is not b for a, b in zip(copied.lines + loaded.lines, made + made))
    with pytest.raises(ValueError):
        make_lines(4, number=[1, 2, 5], text="a")


@pytest.mark.parametrize("lines", [
    [Line(1, "one")],
    [Line(1, "a", lang="en"), Line(2, "b", lang="en", keep=False, stage="s", reason="r"), Line(4, "", lang="ar")],
    [Line(1, "a", keep=True), Line(2, "b", keep=1), Line(3, "c", level=1), Line(4, "d", level=True)],  # equal, not same
    [Line(1, "a", cells=("x",)), Line(2, "b", cells=("x",)), Line(3, "c", header=True, kind="tr")],
])
def test_documents_travel_with_their_constant_line_fields_once(lines: list[Line]) -> None:
    doc = Document(id="a", source="a", lines=lines)
    loaded = pickle.loads(pickle.dumps(doc))
    assert loaded == doc and [[type(getattr(line, name)) for name in LINE_FIELDS] for line in loaded.lines] == [
        [type(getattr(line, name)) for name in LINE_FIELDS] for line in lines]


@given(st.lists(st.tuples(st.integers(0, 10**6), st.text(max_size=8), st.sampled_from(["en", "ar", "und"]),
                          st.booleans(), st.sampled_from(["boilerplate", "metadata"]), st.text(max_size=4)),
                max_size=12))
def test_the_sidecar_and_manifest_line_summaries_are_the_python_loops(values: list[tuple]) -> None:
    lines = [Line(number, text, lang=lang, keep=keep, stage="" if keep else stage, reason="" if keep else reason)
             for number, text, lang, keep, stage, reason in values]
    languages: dict[str, list[int]] = {}
    for line in lines:
        languages.setdefault(line.lang, []).append(line.number)
    assert line_numbers_by_language(lines) == languages and list(line_numbers_by_language(lines)) == list(languages)
    assert removal_records(lines) == [{"line": line.number, "text": line.text, "stage": line.stage,
                                       "reason": line.reason} for line in lines if not line.keep]
    assert removal_counts(lines) == dict(sorted(Counter(line.reason for line in lines if not line.keep).items()))
    kept = [line.text for line in lines if line.keep and line.text]
    doc = Document(id="a", source="a", lines=lines)
    assert doc.body == ("\n\n".join(kept) + "\n" if kept else "")
    assert doc.kept_lines() == [line for line in lines if line.keep]
    assert doc.removed_lines() == [line for line in lines if not line.keep]


def test_html_extraction_gives_paragraphs_headings_and_metadata() -> None:
    paragraph = "The council approved the plan after a long debate that lasted well into the night. " * 3
    html = (f"<html><head><title>Council approves plan</title><meta name='author' content='Jane Roe'></head>"
            f"<body><nav><a href='/'>Home</a></nav><article><h1>Council approves plan</h1><p>{paragraph}</p>"
            f"<h2>What happens next</h2><p>{paragraph}</p><ul><li>First point of the list here.</li></ul>"
            f"</article></body></html>")
    extraction = extract_html(html)
    kinds = [line.kind for line in extraction.lines]
    assert "h" in kinds and "p" in kinds
    assert extraction.metadata["title"] == "Council approves plan"
    assert all("Home" != line.text for line in extraction.lines)


def test_full_cascade_runs_only_when_fast_mode_finds_too_little(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fast mode's article stands unless it is under FAST_MIN_SHARE of the words the page shows."""
    from pipeline.stages import extract

    story = "The council approved the plan after a long debate that lasted well into the night. " * 10
    html = f"<html><body><div>{story}</div><script>var words = '{story}';</script></body></html>"
    assert extract.visible_words(extract.trafilatura.load_html(html)) == len(story.split())  # script text unseen
    calls: list[bool] = []

    def blocks(found: str) -> object:
        def fake(tree: object, url: object, fast: bool) -> list[Line]:
            calls.append(fast)
            return [Line(0, found if fast else story.strip())]
        return fake

    monkeypatch.setattr(extract, "_trafilatura_blocks", blocks(story[:400]))  # about a third of the page: kept
    assert extract.extract_html(html).extractor == "trafilatura-fast" and calls == [True]
    calls.clear()
    monkeypatch.setattr(extract, "_trafilatura_blocks", blocks("A teaser of ten words, no more, about the council plan."))
    extraction = extract.extract_html(html)
    assert extraction.extractor == "trafilatura" and calls == [True, False]
    assert extraction.lines[0].text == story.strip()


def test_html_with_no_article_falls_back_to_visible_text() -> None:
    extraction = extract_html("<html><body><div>hello <b>world</b></div></body></html>")
    assert " ".join(line.text for line in extraction.lines) == "hello world"


def test_fallback_breaks_lines_at_blocks_and_skips_comments_and_scripts() -> None:
    from pipeline.stages.extract import _blocks_from_soup

    html = ("<html><head><title>T</title></head><body><div>Menu <span>one</span><ul><li>First</li><li>Second"
            "</li></ul>after the list<!-- a comment --></div><script>var x = 1;</script><p>Closing "
            "<b>words</b></p>tail</body></html>")
    assert [line.text for line in _blocks_from_soup(html)] == ["Menu one", "First", "Second", "after the list",
                                                            "Closing words", "tail"]


def test_fallback_reads_a_page_nested_thousands_deep() -> None:
    # Broken generators nest <div>s without closing them; the fallback walks the page once, without
    # recursion, so such a page gives its text instead of a RecursionError or a timeout.
    from pipeline.stages.extract import _blocks_from_soup

    html = "<html><body>" + "<div>" * 20_000 + "Deep text." + "</div>" * 20_000 + "<p>After.</p></body></html>"
    assert [line.text for line in _blocks_from_soup(html)] == ["Deep text.", "After."]


def test_text_beside_and_after_blocks_is_kept() -> None:
    """trafilatura leaves text directly in containers and after blocks; none of it may be lost."""
    from lxml import etree

    from pipeline.stages.extract import _blocks_from_trafilatura

    body = etree.fromstring("<body><head>Tour dates</head>Loose paragraph text.<p>FL<lb/>June 3</p>"
                            "<list><item>Item one</item></list>Tail after the list.</body>")
    assert [(line.kind, line.text) for line in _blocks_from_trafilatura(body)] == [
        ("h", "Tour dates"), ("p", "Loose paragraph text."), ("p", "FL June 3"), ("li", "Item one"),
        ("p", "Tail after the list."),
    ]


def test_reading_some_files_names_their_outputs_as_reading_all_does(tmp_path: Path) -> None:
    """A re-run that re-reads only a.txt must still write it where the full run did (a.html exists too)."""
    (tmp_path / "a.txt").write_text("Some words here.")
    (tmp_path / "a.html").write_text("<html><body><p>Hi there.</p></body></html>")
    everything = {doc.id: doc.output for doc in read_tree(tmp_path)}
    assert [(doc.id, doc.output) for doc in read_tree(tmp_path, wanted={"a.txt"}.__contains__)] == [("a.txt", everything["a.txt"])]
    assert everything["a.txt"] == "a.txt"


def test_a_file_is_read_whole_with_the_size_fstat_gave_or_any_other(tmp_path) -> None:
    from pipeline.io.files import _read_up_to

    path = tmp_path / "a.txt"
    path.write_bytes(b"x" * 70_000)
    for expected in (70_000, 10, 0, 69_999, 80_000):  # a file that grew or shrank after fstat is read as it is
        fd = os.open(path, os.O_RDONLY)
        try:
            assert _read_up_to(fd, expected, 1_000_000) == b"x" * 70_000
        finally:
            os.close(fd)
    fd = os.open(path, os.O_RDONLY)
    try:
        assert len(_read_up_to(fd, 10, 5_001)) == 5_001  # never more than the limit
    finally:
        os.close(fd)

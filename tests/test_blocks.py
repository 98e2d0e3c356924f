"""The HTML block segmenter (pipeline/html/blocks.py): what a reader of the blocks would notice."""

from __future__ import annotations

import numpy as np
import pytest

from pipeline.document import CODE, HEADING, LIST_ITEM, PARAGRAPH, QUOTE, TABLE_ROW
from pipeline.html.blocks import DOM_NAMES, segment


def texts(html: str) -> list[str]:
    return [line.text for line in segment(html).lines]


def test_paragraphs_headings_quotes_and_code_keep_their_kind_and_level() -> None:
    page = segment("<h1>Title</h1><p>One <b>bold</b> word.</p><h3>Sub</h3><blockquote>Said.</blockquote>"
                   "<pre>x = 1</pre>")
    assert [(line.kind, line.level, line.text) for line in page.lines] == [
        (HEADING, 1, "Title"), (PARAGRAPH, 0, "One bold word."), (HEADING, 3, "Sub"), (QUOTE, 0, "Said."),
        (CODE, 0, "x = 1")]
    assert [line.number for line in page.lines] == [1, 2, 3, 4, 5]


def test_nested_lists_give_depth_and_whether_the_list_is_numbered() -> None:
    page = segment("<ul><li>Fruit<ol><li>Apple</li><li>Pear</li></ol></li><li>Bread</li></ul>")
    assert [(line.kind, line.level, line.ordered, line.text) for line in page.lines] == [
        (LIST_ITEM, 1, False, "Fruit"), (LIST_ITEM, 2, True, "Apple"), (LIST_ITEM, 2, True, "Pear"),
        (LIST_ITEM, 1, False, "Bread")]


def test_a_data_table_gives_rows_with_cells_and_a_header_row() -> None:
    page = segment("<table><thead><tr><th>City</th><th>Rain</th></tr></thead>"
                   "<tr><td>Cairo</td><td>2 mm</td></tr></table>")
    assert [(line.kind, line.cells, line.header) for line in page.lines] == [
        (TABLE_ROW, ("City", "Rain"), True), (TABLE_ROW, ("Cairo", "2 mm"), False)]
    assert page.lines[1].text == "Cairo | 2 mm"


def test_a_layout_table_gives_its_paragraphs_not_one_huge_row() -> None:
    page = segment("<table><tr><td><a>Menu</a></td><td><p>First paragraph.</p><p>Second one.</p></td></tr></table>")
    assert [line.text for line in page.lines] == ["Menu", "First paragraph.", "Second one."]
    assert all(line.kind == PARAGRAPH for line in page.lines)


def test_a_line_break_inside_a_paragraph_is_a_space_but_splits_loose_text() -> None:
    assert texts("<p>One<br>two</p>") == ["One two"]
    assert texts("<div>One<br>two</div>") == ["One", "two"]


def test_scripts_styles_and_templates_are_never_text() -> None:
    assert texts("<p>Body</p><script>var x = 1;</script><style>p{}</style><template><p>T</p></template>"
                 "<noscript>Enable JS</noscript>") == ["Body"]


def test_dom_evidence_names_the_menu_the_footer_the_links_and_hidden_markup() -> None:
    page = segment("<header><nav class='main-menu'><ul><li><a href='/'>Home</a></li></ul></nav></header>"
                   "<article><div class='story-body'><p>The minister said on Monday that rain will fall.</p></div>"
                   "</article><div class='share-tools' hidden>Share this</div>"
                   "<footer id='site-footer'><p>Copyright</p></footer>")
    rows = {line.text: dict(zip(DOM_NAMES, page.X[i])) for i, line in enumerate(page.lines)}
    home, body, share, footer = (rows[key] for key in ("Home", "The minister said on Monday that rain will fall.",
                                                       "Share this", "Copyright"))
    assert home["in:nav"] == home["in:header"] == home["class:menu"] == 1.0 and home["link-density"] == 1.0
    assert body["in:article"] == body["class:content"] == 1.0 and body["in:nav"] == body["link-density"] == 0.0
    assert share["in:hidden"] == share["class:share"] == 1.0
    assert footer["in:footer"] == footer["class:footer"] == 1.0
    assert body["container-word-share"] > home["container-word-share"]


def test_the_ad_token_needs_a_whole_word() -> None:
    page = segment("<div class='header-shadow download'><p>Kept</p></div><div class='ad-slot'><p>Buy</p></div>")
    ad = page.column("class:ad")
    assert ad.tolist() == [0.0, 1.0]


def test_the_matrix_has_one_finite_row_per_line() -> None:
    page = segment("<p>a</p><div>b<span>c</span></div>")
    assert page.X.shape == (len(page.lines), len(DOM_NAMES)) and np.isfinite(page.X).all()


@pytest.mark.parametrize("html", [
    "", "   ", "<", "<p", "<html><body><p>Cut off in the mid", "<table><tr><td>a<td><p>b",
    "<div>" * 20000 + "deep text" + "</div>" * 3, "<p>nul\x00byte and \x01\x1f control</p>",
    "<p>lone \ud800 surrogate</p>", "<ul>" * 500 + "<li>x", "</p></div></body></html>", "<p>\u200f\u202e</p>",
    "plain text, no markup at all",
])
def test_bad_markup_never_raises_and_keeps_the_text_it_has(html: str) -> None:
    page = segment(html)
    assert page.X.shape == (len(page.lines), len(DOM_NAMES))
    assert all(line.text == line.text.strip() and line.text for line in page.lines)
    for word in ("deep", "Cut", "nul", "plain"):
        if word in html:
            assert any(word in line.text for line in page.lines)
    assert all("\x00" not in line.text for line in page.lines)


def _dev_pages() -> list[str]:
    """The HTML pages of the test slice (scrapinghub, Arabic dev, the encoding and fuzz cases)."""
    import gzip
    from pathlib import Path

    data = Path(__file__).parent / "data"
    pages = [gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
             for path in sorted((data / "eval" / "scrapinghub" / "html").glob("*.html.gz"))]
    pages += [path.read_bytes().decode("utf-8", "replace") for path in sorted(data.rglob("*.html"))]
    return pages


def test_the_compiled_walk_is_in_use_on_this_machine() -> None:
    """The kernel's check of Lexbor's node layout passed; the Python walk (about 2 ms a page slower)
    runs only where it fails, which a user would see only in the speed."""
    from pipeline.html import blocks

    assert blocks._KERNEL


@pytest.mark.parametrize("cut", [1, 3])
def test_the_compiled_walk_gives_the_blocks_and_features_the_python_walk_gives(cut: int) -> None:
    from pipeline.html.blocks import _segment

    pages = [page[:len(page) // cut] for page in _dev_pages()]
    pages += ["<div>" * 20000 + "deep" + "</div>" * 3, "<table><tr><td><p>a</p><td>b<tr><th>c</table><br>tail",
              "<p>lone \ud800 surrogate</p>", "<custom-tag class='menu' hidden>x</custom-tag><p style='display:none'>y",
              "<ul><li>a<menu><li>b</menu><ol><li>c</ol></ul><h4 aria-hidden=' TRUE '>h</h4>"]
    assert len(pages) > 20
    for page in pages:
        compiled, python = _segment(page, in_python=False), _segment(page, in_python=True)
        assert compiled.lines == python.lines
        assert np.array_equal(compiled.X, python.X) and np.array_equal(compiled.groups, python.groups)

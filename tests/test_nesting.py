"""Markup nested past the depth limit is cut before parsing; real pages keep every tag."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from selectolax.lexbor import LexborHTMLParser

from pipeline.chain import clean_document
from pipeline.html.nesting import DEPTH_LIMIT, cap_nesting, nesting_depth

DATA = Path(__file__).parent / "data"
ARTICLE = ("<p>The council approved the new budget on Tuesday after a long debate about school funding "
           "and the repair of the old bridge over the river.</p>")


def _tree_depth(html: str) -> int:
    """The most elements nested in Lexbor's tree of ``html`` (``<html>`` counts as 1)."""
    root = LexborHTMLParser(html).root
    deepest, stack = 0, [(root, 1)] if root else []
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        child = node.child
        while child is not None:
            if child.tag and not child.tag.startswith("-"):
                stack.append((child, depth + 1))
            child = child.next
    return deepest


def _test_pages() -> list[str]:
    pages = [gzip.decompress(path.read_bytes()).decode("utf-8", "replace")
             for path in sorted((DATA / "eval").rglob("*.html.gz"))]
    return pages + [path.read_bytes().decode("utf-8", "replace") for path in sorted(DATA.rglob("*.html"))]


def test_the_fuzzers_slow_page_is_cut_to_the_limit_and_keeps_its_article() -> None:
    # The shape of fuzz seed 7 input 160589: thousands of unclosed <section> around thousands of
    # <option> (Lexbor: 11 s on the 476 KB page). The page must come out with its article.
    html = ("<html><body><article>" + ARTICLE + "<a href='/x'>" + "<section>" * 3000 + "<select>"
            + "<option>Choice</option>" * 3000 + "</select></a>" + ARTICLE.replace("budget", "plan") + "</article>")
    doc = clean_document(html.encode(), "page.html")
    assert doc.failure is None
    # <article> and <a> open, then 510 of the <section>s; the rest, and the <select>, are cut.
    assert {"step": "deep-nesting", "detail": f"{3000 + 1 - (DEPTH_LIMIT - 2)} start tags past {DEPTH_LIMIT} open elements cut"} \
        in doc.repairs
    assert "approved the new budget" in doc.body
    assert _tree_depth(doc.html) < DEPTH_LIMIT + 10


def test_every_page_of_the_test_slice_keeps_every_tag() -> None:
    pages = _test_pages()
    assert len(pages) > 20
    for html in pages:
        assert cap_nesting(html) == (html, 0)
        # The pass follows the parser's depth: close to Lexbor's, and far below the limit.
        assert abs(nesting_depth(html) - _tree_depth(html)) <= 15
        assert nesting_depth(html) < DEPTH_LIMIT // 4


@pytest.mark.parametrize(("html", "cut"), [
    ("<div>" * 600 + "text" + "</div>" * 600, 600 - DEPTH_LIMIT),
    # End tags close what they open: twice 400 deep never passes 512.
    (("<div>" * 400 + "text" + "</div>" * 400) * 2, 0),
    # An end tag closes everything open inside its element, as the parser does.
    (("<div>" + "<span>" * 300 + "</div>") * 3, 0),
    # In HTML, <div/> opens a <div>; in SVG, <path/> opens nothing.
    ("<div/>" * 600, 600 - DEPTH_LIMIT),
    ("<svg>" + "<path d='M0 0'/>" * 600 + "</svg>", 0),
    # ... and an HTML tag inside SVG leaves it.
    ("<svg><g>" + "<div>" * 600, 600 - DEPTH_LIMIT),
    # Void elements, and elements the parser closes itself, never stay open.
    ("<br><img src=x><input>" * 600 + "<p>para" * 600 + "<li>item" * 600 + "<option>x" * 600, 0),
    ("<table><tr><td>cell" * 100, 0),
    # A script's, a style's or a comment's text holds no tags (an end tag in any case closes it).
    ("<script>" + "'<div>'" * 600 + "</SCRIPT ><style>" + "<div>" * 600 + "</style><!--" + "<div>" * 600 + "-->", 0),
    # A '>' inside a quoted attribute value does not end the tag.
    ("<div title='a > b'>" * 600, 600 - DEPTH_LIMIT),
    # <a> just inside <a> closes the first; a <form> inside a <form> is ignored.
    ("<a href=x>link" * 600 + "<form>" * 600, 0),
])
def test_the_pass_counts_open_elements_as_the_parser_keeps_them(html: str, cut: int) -> None:
    capped, count = cap_nesting(html)
    assert count == cut
    assert _tree_depth(capped) <= DEPTH_LIMIT + 8
    if cut == 0:
        assert capped is html


def test_cut_markup_keeps_every_word() -> None:
    html = "".join(f"<div class='c{i}'>word{i} " for i in range(2000))
    capped, count = cap_nesting(html)
    assert count == 2000 - DEPTH_LIMIT
    assert LexborHTMLParser(capped).body.text().split() == [f"word{i}" for i in range(2000)]

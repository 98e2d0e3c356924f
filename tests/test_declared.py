"""The HTML metadata readers that stand in for trafilatura's on the whole page give its answers.

The author search runs as CSS on Lexbor's tree (``AUTHOR_SELECTORS``) instead of trafilatura's XPath
on lxml's, and the declared fields are read from lxml's parse of the head alone (``declared_tree``):
a user who switches from trafilatura's metadata must see the same authors, titles, sites and URLs.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from trafilatura import load_html
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import extract_metainfo
from trafilatura.xpaths import AUTHOR_XPATHS

from pipeline.evaluation import corpora
from pipeline.html.blocks import parse
from pipeline.html.declared import declared_metadata, declared_tree, searched_author
from pipeline.html.evidence import page_evidence

EVAL_SLICE = Path(__file__).resolve().parent / "data" / "eval"


def _slice_pages() -> list[str]:
    pages = [page.html for page in corpora.scrapinghub(EVAL_SLICE) if page.html]
    pages += [page.html for page in corpora.wcxb(EVAL_SLICE, dumps=False) if page.html]
    return pages + [page.html for page in corpora.arabic_dev(EVAL_SLICE) if page.html]


PAGES = _slice_pages()


def _xpath_author(html: str) -> str | None:
    found = extract_metainfo(load_html(html), AUTHOR_XPATHS, len_limit=120)
    return normalize_authors(None, found) if found else None


def test_the_slice_has_pages_with_and_without_a_searched_author() -> None:
    authors = [_xpath_author(html) for html in PAGES]
    assert len(PAGES) >= 30 and sum(a is not None for a in authors) >= 10 and sum(a is None for a in authors) >= 5


@pytest.mark.parametrize("index", range(len(PAGES)))
def test_the_css_author_search_finds_trafilaturas_author(index: int) -> None:
    html = PAGES[index]
    assert searched_author(parse(html)) == _xpath_author(html)


@pytest.mark.parametrize("index", range(len(PAGES)))
def test_the_head_alone_declares_what_the_whole_page_declares(index: int) -> None:
    html = PAGES[index]
    assert declared_metadata(declared_tree(html), "https://example.org/a") == declared_metadata(
        load_html(html), "https://example.org/a")


@pytest.mark.parametrize("html, author", [
    # The first expression's match wins over an earlier one of a later expression.
    ('<p class="byline">Ann Lee</p><span class="author-name">Bo Chen</span>', "Bo Chen"),
    # Within an expression, the first in document order.
    ('<span class="authorName">Cy Diaz</span><a rel="author">Di Eve</a>', "Cy Diaz"),
    # Case counts, as in XPath: "Author" is not "author" for the first two expressions.
    ('<div class="Author">Ed Fox</div><p class="writer-box">Gil Ho</p>', "Ed Fox"),
    # Too short or too long is passed over.
    ('<span class="author">Al</span><span class="author">Ida Jo</span>', "Ida Jo"),
    ('<span class="author">' + "word " * 30 + '</span>', None),
])
def test_the_author_search_keeps_trafilaturas_order(html: str, author: str | None) -> None:
    page = f"<html><body>{html}</body></html>"
    assert searched_author(parse(page)) == author == _xpath_author(page)


def test_json_ld_in_the_body_is_read_with_the_head() -> None:
    html = ('<html><head><title>Rain | Example</title></head><body><p>Text.</p>'
            '<script type="application/ld+json">{"@context": "https://schema.org", "@type": "NewsArticle", '
            '"author": {"@type": "Person", "name": "Jane Roe"}, "headline": "Rain again"}</script></body></html>')
    declared = declared_metadata(declared_tree(html))
    assert declared == {"author": "Jane Roe", "title": "Rain again"} == declared_metadata(load_html(html))


def test_a_body_tag_in_a_script_or_comment_does_not_end_the_head() -> None:
    html = ('<html><head><script>document.write("<body>")</script><!-- <body> -->'
            '<meta name="author" content="Jane Roe"></head><body><p>Text.</p></body></html>')
    assert declared_metadata(declared_tree(html))["author"] == "Jane Roe"


def test_the_evidence_is_the_visible_text_around_the_headline_nearest_first() -> None:
    html = ("<html><head><title>Not shown</title></head><body><nav>Home</nav><p>Politics</p>"
            "<script>var x = 1;</script><h1>Rain <em>again</em></h1><style>p {}</style><p>By Jane Roe</p>"
            "<noscript><p>Enable scripts</p></noscript><p>March 3, 2024</p></body></html>")
    evidence = page_evidence(parse(html))
    assert evidence["headlines"] == ["Rain again"]
    assert evidence["near_headline"] == ["Rain", "again", "By Jane Roe", "March 3, 2024", "Politics", "Home"]

"""Extract: a document's content as numbered lines.

Text dumps are split into lines, keeping each line's 1-based source number and
dropping blank lines (they carry no decision). HTML pages go through
trafilatura (comments excluded, no deduplication, metadata on), with
beautifulsoup4 + lxml as the fallback when trafilatura finds no article; each
paragraph, heading, list item or table row becomes one line::

    >>> [(l.number, l.text) for l in split_dump("Menu\\n\\n  Body text.  \\n")]
    [(1, 'Menu'), (3, 'Body text.')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import trafilatura
from bs4 import BeautifulSoup

from pipeline.document import HEADING, LIST_ITEM, PARAGRAPH, TABLE_ROW, Document, Line

_WHITESPACE = re.compile(r"\s+")
#: trafilatura's metadata fields copied to the document, under our names.
TRAFILATURA_FIELDS = {
    "title": "title", "author": "author", "date": "date", "url": "url",
    "sitename": "site", "hostname": "host", "tags": "tags", "categories": "categories",
    "description": "description",
}
#: Elements of trafilatura's output tree and the line kind each becomes.
_BLOCK_KINDS = {"p": PARAGRAPH, "head": HEADING, "item": LIST_ITEM, "row": TABLE_ROW, "quote": PARAGRAPH, "code": PARAGRAPH}
#: Tags the fallback treats as blocks, and the kind each becomes.
_FALLBACK_BLOCKS = {"p": PARAGRAPH, "li": LIST_ITEM, "tr": TABLE_ROW, "pre": PARAGRAPH, "blockquote": PARAGRAPH,
                    **{f"h{i}": HEADING for i in range(1, 7)}}
#: Other tags that start a new line in a browser.
_BLOCK_BOUNDARIES = {"div", "section", "article", "header", "footer", "nav", "aside", "main", "td", "th", "dd", "dt",
                     "figcaption", "br", "hr", "ul", "ol", "table", "form", "address"}


#: Texts this short near a headline may be its dateline or byline.
NEAR_HEADLINE_MAX_WORDS = 12
#: How many text pieces after (and before) the first headline are kept as evidence.
TEXTS_AFTER_HEADLINE, TEXTS_BEFORE_HEADLINE = 40, 10
_INVISIBLE = {"script", "style", "noscript", "template", "svg"}
#: htmldate (through trafilatura): the publication date, from the page's markup and
#: URL, without the slow full-text search that tends to find unrelated dates.
DATE_PARAMS = {"original_date": True, "extensive_search": False}


@dataclass
class Extraction:
    lines: list[Line] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    extractor: str = ""
    # Layout evidence for the metadata stage: "headlines" (h1 texts) and
    # "near_headline" (short texts around the first h1, nearest first).
    page: dict[str, Any] = field(default_factory=dict)


def split_dump(text: str) -> list[Line]:
    """Non-blank lines of a text dump, stripped, with their source line numbers."""
    lines = []
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if stripped:
            lines.append(Line(number, stripped))
    return lines


def _squash(text: str) -> str:
    return _WHITESPACE.sub(" ", text).strip()


def _blocks_from_trafilatura(body: Any) -> list[tuple[str, str]]:
    """(kind, text) for each block of trafilatura's output tree, in order.

    Text directly inside a container (``<body>``, ``<div>``, ``<list>`` ...) and the tail after a
    block (``<head>Title</head>Paragraph text``, ``<lb/>`` runs) are paragraphs of their own; a
    line break inside a block is a space.
    """
    blocks: list[tuple[str, str]] = []

    def loose(text: str | None) -> None:
        if text and text.strip():
            blocks.append((PARAGRAPH, _squash(text)))

    def visit(element: Any) -> None:
        loose(element.text)
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag in ("list", "table", "div", "main", "body"):
                visit(child)
            elif tag == "row":
                cells = [_squash("".join(cell.itertext())) for cell in child]
                blocks.append((TABLE_ROW, " | ".join(c for c in cells if c)))
            elif tag:
                blocks.append((_BLOCK_KINDS.get(tag, PARAGRAPH), _squash("".join(child.itertext()))))
            loose(child.tail)

    for line_break in body.iter("lb"):
        line_break.tail = " " + (line_break.tail or "")
    visit(body)
    return [(kind, text) for kind, text in blocks if text]


def _blocks_from_soup(html: str) -> list[tuple[str, str]]:
    """Fallback: the page's visible text, one line per block-level element."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "template", "svg", "head"]):
        tag.decompose()
    root = soup.body or soup
    for tag in root.find_all(True):
        if tag.name in _FALLBACK_BLOCKS or tag.name in _BLOCK_BOUNDARIES:
            tag.insert_before("\n")
            tag.insert_after("\n")
    # Kinds are not known for runs of text between boundaries: call them paragraphs.
    return [(PARAGRAPH, _squash(part)) for part in root.get_text().split("\n") if part.strip()]


def page_evidence(tree: Any) -> dict[str, Any]:
    """The page's h1 headlines and the short visible texts around the first one.

    Readers take a page's title from its headline and its date from the line
    under it; trafilatura's metadata reads ``<title>`` and ``<meta>`` instead,
    which carry site suffixes and modification dates.
    """
    headlines: list[str] = []
    texts: list[str] = []
    before: list[str] = []
    first_headline = None
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag or tag in _INVISIBLE:
            continue
        if tag == "h1":
            if text := _squash(element.text_content()):
                headlines.append(text)
                if first_headline is None:
                    first_headline, before = len(texts), texts[-TEXTS_BEFORE_HEADLINE:]
        for piece in (element.text, element.tail):
            if piece and piece.strip():
                texts.append(_squash(piece))
        if first_headline is not None and len(texts) > first_headline + TEXTS_AFTER_HEADLINE:
            break
    if first_headline is None:
        return {"headlines": headlines}
    after = texts[first_headline:first_headline + TEXTS_AFTER_HEADLINE]
    near = [t for t in after + before[::-1] if len(t.split()) <= NEAR_HEADLINE_MAX_WORDS]
    return {"headlines": headlines, "near_headline": near}


def extract_html(html: str, url: str | None = None) -> Extraction:
    """The article of an HTML page as lines, with trafilatura's metadata."""
    tree = trafilatura.load_html(html)
    if tree is None:
        return Extraction(_lines(_blocks_from_soup(html)), {}, "beautifulsoup")
    page = page_evidence(tree)
    result = trafilatura.bare_extraction(
        tree, url=url, include_comments=False, deduplicate=False, with_metadata=True,
        include_tables=True, output_format="python", date_extraction_params=DATE_PARAMS,
    )
    metadata: dict[str, Any] = {}
    blocks: list[tuple[str, str]] = []
    extractor = "trafilatura"
    if result is not None:
        for source, target in TRAFILATURA_FIELDS.items():
            value = getattr(result, source, None)
            if value:
                metadata[target] = value
        if result.body is not None:
            blocks = _blocks_from_trafilatura(result.body)
    if not blocks:
        blocks = _blocks_from_soup(html)
        extractor = "beautifulsoup"
    lines = _lines(blocks)
    return Extraction(lines, metadata, extractor if lines else "", page)


def _lines(blocks: list[tuple[str, str]]) -> list[Line]:
    return [Line(number, text, kind) for number, (kind, text) in enumerate(blocks, start=1)]


class Extract:
    """Stage: ``doc.text``/``doc.html`` to ``doc.lines``; HTML metadata to ``doc.metadata``."""

    name, version = "extract", "1"

    def process(self, doc: Document) -> Document:
        if doc.format == "html":
            extraction = extract_html(doc.html, url=doc.metadata.get("url"))
            doc.lines = extraction.lines
            doc.metadata.update(extraction.metadata)
            doc.page.update(extraction.page)
            doc.note(self.name, extractor=extraction.extractor or "none")
        else:
            doc.lines = split_dump(doc.text)
        if not doc.lines:
            doc.fail(self.name, "no-text", "nothing readable was found in the document")
        return doc

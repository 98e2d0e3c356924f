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

import json
import re
from dataclasses import dataclass, field
from typing import Any

import trafilatura
from bs4 import BeautifulSoup

from pipeline.document import HEADING, LIST_ITEM, PARAGRAPH, TABLE_ROW, Document, Line
from pipeline.text.dates import MAX_DATE_LINE_CHARS, find_date, markup_date

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
#: URL, without the slow full-text search that tends to find unrelated dates (and
#: takes a copyright year for January 1st). When no date is found anywhere else,
#: :func:`first_dateline` reads the page's first dateline instead, at a tenth of the cost.
DATE_PARAMS = {"original_date": True, "extensive_search": False}
#: ``<meta>`` names and properties (lower-cased) in which a publisher declares when
#: the article was first published: Open Graph's, Dublin Core's and those news
#: CMSs write for their analytics and newsletters. Schema.org's ``datePublished``
#: is not one of them: many SEO plugins rewrite it when the article is updated,
#: and on wcxb-dev it loses to the date printed under the headline, which these win over.
PUBLISHED_META = frozenset({
    "article:published_time", "og:published_time", "og:article:published_time", "article:first_published_time",
    "parsely-pub-date", "sailthru.date", "cxenseparse:publishtime", "og:publish_date",
    "dc.date.issued", "dcterms.issued", "dcterms.created", "citation_publication_date",
})
#: ``<meta>`` keys that hold some date of the page (published, modified, created ...).
_DATE_META_KEY = re.compile(r"date|time|publish|modif|updated|created|issued", re.I)
#: JSON-LD keys holding dates of the page or its article.
_JSON_LD_DATE_KEYS = ("datePublished", "dateCreated", "dateModified")
#: Subtrees whose dates belong to the site, not the article (footers' "last updated").
_NOT_ARTICLE_DATES = "ancestor::nav or ancestor::footer or ancestor::aside"


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


def _json_ld_dates(data: Any, found: list[tuple[str, str]]) -> None:
    """(key, value) of every date in a JSON-LD document, depth first (``@graph``, lists, nested objects)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in _JSON_LD_DATE_KEYS and isinstance(value, str):
                found.append((key, value))
            elif isinstance(value, (dict, list)):
                _json_ld_dates(value, found)
    elif isinstance(data, list):
        for item in data:
            _json_ld_dates(item, found)


def date_evidence(tree: Any) -> dict[str, Any]:
    """Dates the page's markup states, for the metadata stage (dates as ``YYYY-MM-DD``).

    ``published``: the first date in a :data:`PUBLISHED_META` tag;
    ``json_ld_published``: the first JSON-LD ``datePublished``;
    ``markup_dates``: every date in ``<meta>``, JSON-LD and ``<time datetime>``,
    which tells how the page writes an ambiguous date such as 09.10.2024.
    """
    evidence: dict[str, Any] = {}
    markup: set[str] = set()
    for meta in tree.iter("meta"):
        declared = (meta.get("property") or meta.get("name") or "").strip().lower()
        key = declared or (meta.get("itemprop") or "").strip().lower()  # microdata: a date, not a declaration
        if key and _DATE_META_KEY.search(key) and (date := markup_date(meta.get("content"))):
            markup.add(date)
            if declared in PUBLISHED_META:
                evidence.setdefault("published", date)
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        found: list[tuple[str, str]] = []
        try:
            _json_ld_dates(json.loads(script.text), found)
        except (ValueError, RecursionError):
            continue  # broken JSON-LD is common; the rest of the page still counts
        for key, value in found:
            if date := markup_date(value):
                markup.add(date)
                if key == "datePublished":
                    evidence.setdefault("json_ld_published", date)
    for element in tree.iter("time"):
        if date := markup_date(element.get("datetime")):
            markup.add(date)
    if markup:
        evidence["markup_dates"] = sorted(markup)
    return evidence


def first_dateline(tree: Any) -> str | None:
    """The first full date printed on its own on the page (outside menus, asides and footers), or None."""
    for text in tree.xpath(f"//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript "
                           f"or ancestor::template or {_NOT_ARTICLE_DATES})]"):
        if len(text) > 4 * MAX_DATE_LINE_CHARS:
            continue  # prose, not a dateline (find_date would say so, after squashing it)
        if (date := find_date(_squash(text))) and len(date) == len("2000-01-01"):
            return date
    return None


def _has_full_date(texts: list[str]) -> bool:
    return any((date := find_date(text)) and len(date) == len("2000-01-01") for text in texts)


def extract_html(html: str, url: str | None = None) -> Extraction:
    """The article of an HTML page as lines, with trafilatura's metadata."""
    tree = trafilatura.load_html(html)
    if tree is None:
        return Extraction(_lines(_blocks_from_soup(html)), {}, "beautifulsoup")
    page = page_evidence(tree)
    page.update(date_evidence(tree))
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
    if not (metadata.get("date") or page.get("published") or page.get("json_ld_published")
            or _has_full_date(page.get("near_headline", []))):
        # No date in the markup or under the headline: the page's first dateline is the best guess left.
        if dateline := first_dateline(tree):
            page["first_dateline"] = dateline
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

"""Extract: a document's content as numbered lines.

Text dumps are split into lines, keeping each line's 1-based source number and
dropping blank lines (they carry no decision). An HTML page is parsed once by
selectolax and segmented into blocks (:mod:`pipeline.html.blocks`: paragraphs,
headings, list items, table rows, captions, quotes, pre), which the block model
classifies with their DOM evidence (:mod:`pipeline.html.classify`); every block
becomes a line, and a block the model removes says why (``extract:
model:dom:in:nav``). A page the model is unsure of (nothing kept, see
:class:`~pipeline.html.classify.BlockModel`) falls back to trafilatura
(comments excluded, no deduplication; fast mode first, the full cascade when
fast mode finds too little, see :data:`FAST_MIN_SHARE`), with beautifulsoup4 +
lxml when trafilatura finds no article, and its lines go to the line model.
The page is parsed once by Lexbor (selectolax) for the blocks, the evidence around
the headline and the author search (:func:`read_page`); lxml reads the metadata the
head declares (:func:`pipeline.html.declared.declared_tree`) and parses the whole
page only for what needs it: htmldate, on a page without a better date, and
trafilatura, on a page the block model falls back on::

    >>> [(l.number, l.text) for l in split_dump("Menu\\n\\n  Body text.  \\n")]
    [(1, 'Menu'), (3, 'Body text.')]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import trafilatura
from bs4 import BeautifulSoup, CData, NavigableString, Tag
from lxml import etree

from pipeline._lines import stripped_lines
from pipeline.document import CODE, HEADING, LIST_ITEM, PARAGRAPH, QUOTE, TABLE_ROW, Document, Line, make_lines
from pipeline.html.blocks import Blocks, parse, segment_tree
from pipeline.html.classify import PageVerdict, classify_pages, load_block_model
from pipeline.html.declared import declared_metadata, declared_tree, htmldate_date, searched_author
from pipeline.html.evidence import INVISIBLE, date_evidence, first_dateline, has_full_date, page_evidence, squash
from pipeline.text.bylines import near_headline_author
from pipeline.text.dates import url_date
from pipeline.text.structure import dump_cells

#: Elements of trafilatura's output tree and the line kind each becomes.
_BLOCK_KINDS = {"p": PARAGRAPH, "head": HEADING, "item": LIST_ITEM, "row": TABLE_ROW, "quote": QUOTE, "code": CODE}
#: Tags the fallback treats as blocks, and the kind each becomes.
_FALLBACK_BLOCKS = {"p": PARAGRAPH, "li": LIST_ITEM, "tr": TABLE_ROW, "pre": PARAGRAPH, "blockquote": PARAGRAPH,
                    **{f"h{i}": HEADING for i in range(1, 7)}}
#: trafilatura runs in fast mode first: its own extractor without readability and jusText to compare
#: against, at two thirds of the cost of its full cascade, and as good on most pages. When fast mode
#: returns under this share of the words the page shows, it has likely caught one box of the page
#: (a teaser, a caption, a "key points" list), and the full cascade runs. On wcxb-dev the full
#: cascade then runs on 8% of pages, and trafilatura's word F1 is 0.935 as with the full cascade on
#: every page (fast mode alone: 0.915); the pipeline's is 0.940 either way.
FAST_MIN_SHARE = 0.25
#: Other tags that start a new line in a browser.
_BLOCK_BOUNDARIES = {"div", "section", "article", "header", "footer", "nav", "aside", "main", "td", "th", "dd", "dt",
                     "figcaption", "br", "hr", "ul", "ol", "table", "form", "address"}
_LINE_BREAKING = frozenset(_FALLBACK_BLOCKS) | _BLOCK_BOUNDARIES


@dataclass
class Extraction:
    lines: list[Line] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    extractor: str = ""
    # Layout evidence for the metadata stage: "headlines" (h1 texts) and
    # "near_headline" (short texts around the first h1, nearest first).
    page: dict[str, Any] = field(default_factory=dict)


def split_dump(text: str) -> list[Line]:
    """Non-blank lines of a text dump, stripped, with their source line numbers (made in bulk:
    :func:`pipeline.document.make_lines`)."""
    numbers, texts = stripped_lines(text)
    # Tab-separated fields are kept as cells (normalizing the text turns tabs into spaces).
    cells = [dump_cells(line) if "\t" in line else () for line in texts] if "\t" in text else ()
    return make_lines(len(texts), number=numbers, text=texts, cells=cells)


def _heading_level(element: Any) -> int:
    """1-6 from trafilatura's ``rend="h2"``; 0 when it does not say."""
    rend = element.get("rend") or ""
    return int(rend[1]) if len(rend) == 2 and rend[0] == "h" and rend[1] in "123456" else 0


def _own_text(item: Any) -> str:
    """The text of a list item without the lists nested in it (their items are lines of their own)."""
    parts = [item.text or ""]
    for child in item:
        if child.tag != "list":
            parts.extend(child.itertext())
        parts.append(child.tail or "")
    return squash("".join(parts))


def _blocks_from_trafilatura(body: Any) -> list[Line]:
    """One line (numbered later) for each block of trafilatura's output tree, in order, with its structure.

    A heading keeps its level (``rend="h2"``), a list item its depth (1 at the top; the items of a
    list inside an item are lines of their own, one level deeper) and whether its list is ordered
    (``rend="ol"``), a table row its cells and whether they are all header cells (``role="head"``);
    quotes and code are kinds of their own. Text directly inside a container (``<body>``, ``<div>``,
    ``<list>`` ...) and the tail after a block (``<head>Title</head>Paragraph text``, ``<lb/>`` runs)
    are paragraphs of their own; a line break inside a block is a space.
    """
    blocks: list[Line] = []

    def loose(text: str | None) -> None:
        if text and text.strip():
            blocks.append(Line(0, squash(text)))

    def visit(element: Any, depth: int = 0, ordered: bool = False) -> None:
        loose(element.text)
        for child in element:
            tag = child.tag if isinstance(child.tag, str) else ""
            if tag == "list":
                visit(child, depth + 1, child.get("rend") == "ol")
            elif tag in ("table", "div", "main", "body"):
                visit(child, depth, ordered)
            elif tag == "item":
                blocks.append(Line(0, _own_text(child), LIST_ITEM, level=max(depth, 1), ordered=ordered))
                for nested in (grandchild for grandchild in child if grandchild.tag == "list"):
                    visit(nested, max(depth, 1) + 1, nested.get("rend") == "ol")
            elif tag == "row":
                cells = tuple(squash("".join(cell.itertext())) for cell in child if cell.tag == "cell")
                header = bool(cells) and all(cell.get("role") == "head" for cell in child if cell.tag == "cell")
                blocks.append(Line(0, " | ".join(c for c in cells if c), TABLE_ROW, cells=cells, header=header))
            elif tag:
                blocks.append(Line(0, squash("".join(child.itertext())), _BLOCK_KINDS.get(tag, PARAGRAPH),
                                   level=_heading_level(child) if tag == "head" else 0))
            loose(child.tail)

    for line_break in body.iter("lb"):
        line_break.tail = " " + (line_break.tail or "")
    visit(body)
    return [block for block in blocks if block.text]


def _soup_text_with_breaks(root: Any) -> str:
    """The text under ``root`` with a newline before and after every block element, in one pass.

    A walk in document order keeps the open elements on a stack and closes those that are not the
    next node's ancestors, so every element is opened and closed once: inserting the newlines into
    the tree instead (``insert_after``) costs a walk to each element's last descendant, which made
    a page of 10,000 nested ``<div>`` take seconds and one of 100,000 minutes.
    """
    parts: list[str] = []
    open_elements: list[Any] = []
    for node in root.descendants:
        while open_elements and node.parent is not open_elements[-1]:
            if open_elements.pop().name in _LINE_BREAKING:
                parts.append("\n")
        if isinstance(node, Tag):
            if node.name in _LINE_BREAKING:
                parts.append("\n")
            open_elements.append(node)
        elif type(node) in (NavigableString, CData):  # what get_text() reads: no comments, no doctype
            parts.append(node)
    parts += ["\n" for element in open_elements if element.name in _LINE_BREAKING]
    return "".join(parts)


def _blocks_from_soup(html: str) -> list[Line]:
    """Fallback: the page's visible text, one line per block-level element."""
    soup = BeautifulSoup(html, "lxml")
    for tag in soup(["script", "style", "noscript", "template", "svg", "head"]):
        tag.decompose()
    root = soup.body or soup
    # Kinds are not known for runs of text between boundaries: call them paragraphs.
    return [Line(0, squash(part)) for part in _soup_text_with_breaks(root).split("\n") if part.strip()]


def visible_words(tree: Any) -> int:
    """How many words of the page's body a browser shows (script and style text left out)."""
    body = tree.find("body")
    body = tree if body is None else body
    hidden = sum(len((element.text or "").split()) for element in body.iter(*INVISIBLE))
    return len(etree.tostring(body, method="text", encoding=str).split()) - hidden


def _trafilatura_blocks(tree: Any, url: str | None, fast: bool) -> list[Line]:
    result = trafilatura.bare_extraction(
        tree, url=url, fast=fast, include_comments=False, deduplicate=False, with_metadata=False,
        include_tables=True, output_format="python",
    )
    return _blocks_from_trafilatura(result.body) if result is not None and result.body is not None else []


class LxmlTree:
    """lxml's parse of a page (trafilatura's ``load_html``), made the first time it is asked for:
    most pages need none (:func:`html_metadata`). ``tree`` is None for a string trafilatura refuses,
    such as a bare fragment."""

    def __init__(self, html: str) -> None:
        self.html = html
        self._tree: Any = None
        self._parsed = False

    @property
    def tree(self) -> Any:
        if not self._parsed:
            self._tree, self._parsed = trafilatura.load_html(self.html), True
        return self._tree


def html_metadata(page: Any, lxml: LxmlTree, url: str | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The metadata a page declares, and the layout evidence around its headline; ``page`` is the
    page parsed by :func:`pipeline.html.blocks.parse`, ``lxml`` the same page for lxml's readers.

    trafilatura reads the declared fields from the head (:func:`pipeline.html.declared.declared_tree`);
    the page's own headline, byline and dateline are read off Lexbor's tree
    (:mod:`pipeline.html.evidence`). The slower searches run only when they are needed: the author
    search (:func:`pipeline.html.declared.searched_author`) for a page that declares no author and
    prints none near its headline, htmldate on lxml's parse of the whole page (then the first
    dateline, :func:`pipeline.html.evidence.first_dateline`) for a page without a better date.
    """
    declared = declared_tree(lxml.html)
    metadata = declared_metadata(declared, url) if declared is not None else {}
    evidence = page_evidence(page)
    evidence.update(date_evidence(page))
    if not metadata.get("author") and not near_headline_author(evidence.get("near_headline", [])):
        if author := searched_author(page):
            metadata["author"] = author
    if not (url_date(metadata.get("url")) or evidence.get("published") or evidence.get("json_ld_published")
            or has_full_date(evidence.get("near_headline", []))) and (tree := lxml.tree) is not None:
        # None of the better dates (pipeline.stages.metadata.publication_date): htmldate's, else the first dateline.
        if date := htmldate_date(tree, metadata.get("url")):
            metadata["date"] = date
        elif dateline := first_dateline(page):
            evidence["first_dateline"] = dateline
    return metadata, evidence


def trafilatura_lines(tree: Any, html: str, url: str | None = None) -> tuple[list[Line], str]:
    """The article of a parsed page as trafilatura extracts it (fast mode, then its full cascade when
    fast mode finds too little, :data:`FAST_MIN_SHARE`; beautifulsoup's text when it finds nothing),
    and the name of the extractor that found it."""
    blocks, extractor = _trafilatura_blocks(tree, url, fast=True), "trafilatura-fast"
    if sum(len(block.text.split()) for block in blocks) < FAST_MIN_SHARE * visible_words(tree):
        blocks, extractor = _trafilatura_blocks(tree, url, fast=False), "trafilatura"
    if not blocks:
        blocks, extractor = _blocks_from_soup(html), "beautifulsoup"
    lines = _lines(blocks)
    return lines, extractor if lines else ""


def _fallback_lines(lxml: LxmlTree, url: str | None) -> tuple[list[Line], str]:
    """trafilatura's lines (:func:`trafilatura_lines`), or beautifulsoup's when lxml gave no parse."""
    if lxml.tree is None:
        return _lines(_blocks_from_soup(lxml.html)), "beautifulsoup"
    return trafilatura_lines(lxml.tree, lxml.html, url)


def extract_html(html: str, url: str | None = None) -> Extraction:
    """The article of an HTML page as trafilatura extracts it, as lines, with the metadata its markup
    declares: the fallback extractor of :class:`Extract`, and another ingest job's way to trafilatura's
    lines for the line model."""
    lxml = LxmlTree(html)
    metadata, evidence = html_metadata(parse(html), lxml, url)
    lines, extractor = _fallback_lines(lxml, url)
    return Extraction(lines, metadata, extractor, evidence)


@dataclass
class ReadPage:
    """What :func:`read_page` reads off a page: its blocks (for the block model), its metadata and
    the evidence around its headline."""

    blocks: Blocks
    metadata: dict[str, Any]
    evidence: dict[str, Any]


def read_page(html: str, url: str | None = None) -> ReadPage:
    """A page's blocks, metadata and evidence, from one Lexbor parse (and lxml's where it is needed,
    :func:`html_metadata`)."""
    page = parse(html)
    return ReadPage(segment_tree(page), *html_metadata(page, LxmlTree(html), url))


def extract_blocks(html: str, page: ReadPage, verdict: PageVerdict, url: str | None = None) -> Extraction:
    """The article of an HTML page as the block model decided it (every block a line, the removed
    ones with their reasons), or trafilatura's when the model is unsure of the page
    (:class:`pipeline.html.classify.BlockModel`). A page's lxml parse is not kept from
    :func:`read_page` to here, as a batch's pages are all read before they are classified: the few
    pages that fall back are parsed again."""
    if verdict.unsure:
        lines, extractor = _fallback_lines(LxmlTree(html), url)
        if lines:
            return Extraction(lines, page.metadata, extractor, page.evidence)
    for line, reason in zip(page.blocks.lines, verdict.reasons):
        if reason:
            line.remove(Extract.name, reason)
    return Extraction(page.blocks.lines, page.metadata, "blocks" if page.blocks.lines else "", page.evidence)


def _lines(blocks: list[Line]) -> list[Line]:
    for number, block in enumerate(blocks, start=1):
        block.number = number
    return blocks


class Extract:
    """Stage: ``doc.text``/``doc.html`` to ``doc.lines``; HTML metadata to ``doc.metadata``.

    The HTML pages of a batch are read (:func:`read_page`) and their blocks classified together
    (:func:`pipeline.html.classify.classify_pages`); a page the block model decided is marked
    ``doc.page["blocks_classified"]``, and the boilerplate stage leaves its lines as they are. A page
    it falls back on goes on as trafilatura's lines, for the line model.
    """

    name, version = "extract", "2"

    def setup(self) -> None:
        load_block_model()

    def process(self, doc: Document) -> Document:
        return self.process_batch([doc])[0]

    def process_batch(self, docs: list[Document]) -> list[Document]:
        pages = [read_page(doc.html, doc.metadata.get("url")) for doc in docs if doc.format == "html"]
        # The pages and their verdicts, in the order of the pages (a batch of dumps alone never
        # loads the block model).
        decided = iter(zip(pages, classify_pages([page.blocks for page in pages])) if pages else ())
        for doc in docs:
            if doc.format == "html":
                extraction = extract_blocks(doc.html, *next(decided), url=doc.metadata.get("url"))
                doc.lines = extraction.lines
                doc.metadata.update(extraction.metadata)
                doc.page.update(extraction.page)
                if extraction.extractor == "blocks":
                    doc.page["blocks_classified"] = True
                doc.note(self.name, extractor=extraction.extractor or "none")
            else:
                doc.lines = split_dump(doc.text)
            if not doc.lines:
                doc.fail(self.name, "no-text", "nothing readable was found in the document")
        return docs

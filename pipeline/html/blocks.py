"""An HTML page's text as blocks, each with the DOM evidence around it.

The page is parsed once by selectolax (Lexbor, a compiled HTML5 parser: it repairs truncated and
mis-nested markup as a browser does and never raises on bad input) and walked once, in document
order, without recursion (a page of 100,000 nested ``<div>`` is walked like any other). Every
paragraph, heading (with its level), list item (with its depth and whether its list is ordered),
table row (with its cells and whether it is a header row), caption, block quote and ``<pre>``
becomes one :class:`~pipeline.document.Line`, and so does text that sits loose in a container
between such blocks. Each block also gets a row of :data:`DOM_NAMES` features: which of its
ancestors' ``class``/``id`` tokens say nav, menu, footer, comment, related, share, social, sidebar,
promo, ad, newsletter, byline, caption, breadcrumb ... (:data:`TOKEN_CLASSES`), whether it is inside
``main``/``article``/``aside``/``nav``/``header``/``footer``/``form``/a link/hidden markup, its link
density, depth and position, how many words its container holds (an article's paragraphs share
a parent that holds most of the page's words; a menu's items share one that holds few) and how much
of its container's text is link text (a teaser list's long leads sit among their headlines' links)::

    >>> page = segment("<nav class='menu'><a href='/'>Home</a></nav><h2>Rain</h2>"
    ...                "<p>It rained <a href='/x'>again</a>.</p><ul><li>One<ol><li>Two</ol></ul>")
    >>> [(line.kind, line.level, line.ordered, line.text) for line in page.lines]
    [('p', 0, False, 'Home'), ('h', 2, False, 'Rain'), ('p', 0, False, 'It rained again.'), ('li', 1, False, 'One'), ('li', 2, True, 'Two')]
    >>> [round(float(v), 2) for v in page.column("in:nav")], [round(float(v), 2) for v in page.column("link-density")]
    ([1.0, 0.0, 0.0, 0.0, 0.0], [1.0, 0.0, 0.31, 0.0, 0.0])

Text a browser does not show (``script``, ``style``, ``template`` ...) is left out; text in
hidden markup (``hidden``, ``aria-hidden``, ``display:none``) is kept but marked ``in:hidden``,
for the classifier to weigh (login pop-ups and mobile menus are hidden; so are some article bodies
revealed by script). A table whose cells hold blocks of their own is a layout table: its cells'
blocks are blocks, not one huge row.

The parser choice was measured (:mod:`pipeline.evaluation.parsers`, 892 dev pages): a bare parse +
text-block walk costs 2.40 ms a page on selectolax, 9.79 ms on resiliparse, 5.01 ms on lxml. The
whole segmentation, with every feature, costs 4.2 ms a page on the 901 dev pages with the walk in C
(:mod:`pipeline.html._walk`, checked at import against selectolax's own readings) and 6.3 ms with the
same walk in Python (:func:`_walk_in_python`, the fallback and the tests' reference); about 3 ms since
the class/id token scan is compiled too (:mod:`pipeline.html.tokens`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np

from pipeline.document import CODE, HEADING, LIST_ITEM, PARAGRAPH, QUOTE, TABLE_ROW, Line
from pipeline.html import _walk
from pipeline.html.tokens import TOKEN_CLASSES, token_flags

#: Tags whose being an ancestor (or the block itself) is a feature, as ``in:<tag>``; ``in:hidden`` and
#: ``in:link`` are hidden markup and ``<a>``.
CONTEXT_TAGS = ("main", "article", "aside", "nav", "header", "footer", "form", "figure", "table", "li", "button",
                "hidden", "link")
#: Elements a browser does not show, skipped with their subtrees.
SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "head", "iframe", "object", "embed", "canvas",
                     "math", "select", "option", "datalist", "textarea", "title", "meta", "link"})
#: Elements that are blocks, and the kind of line each becomes.
BLOCK_KINDS = {"p": PARAGRAPH, **{f"h{level}": HEADING for level in range(1, 7)}, "li": LIST_ITEM,
               "tr": TABLE_ROW, "blockquote": QUOTE, "pre": CODE, "figcaption": PARAGRAPH, "caption": PARAGRAPH,
               "dd": PARAGRAPH, "dt": PARAGRAPH, "address": PARAGRAPH, "summary": PARAGRAPH, "legend": PARAGRAPH}
#: Other elements that end the text before them and start a new block (as a browser breaks the line).
BOUNDARIES = frozenset({"div", "section", "article", "header", "footer", "nav", "aside", "main", "ul", "ol", "dl",
                        "table", "tbody", "thead", "tfoot", "form", "figure", "hr", "br", "body", "details",
                        "fieldset", "menu", "center", "label", "button", "input"})
_CAPTIONS = frozenset({"figcaption", "caption"})
_BOXES = frozenset(BLOCK_KINDS) | BOUNDARIES
_CELLS = frozenset({"td", "th"})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden")
_WHITESPACE = re.compile(r"\s+")

#: Names of the DOM features, in column order (:attr:`Blocks.X`).
DOM_NAMES = (
    *(f"class:{name}" for name in TOKEN_CLASSES), *(f"in:{tag}" for tag in CONTEXT_TAGS),
    *(f"near:{name}" for name in TOKEN_CLASSES),
    "under-top", "top-distance", "top-share",
    "class-tokens", "depth", "list-depth", "link-density", "links", "caption", "loose", "heading-level",
    "cells", "header-row", "block-position", "element-position", "words-before-share",
    "container-words", "container-blocks", "container-word-share", "outer-words", "outer-word-share",
    "container-link-density", "outer-link-density",
)
_CONTEXT_BIT = {tag: 1 << (len(TOKEN_CLASSES) + bit) for bit, tag in enumerate(CONTEXT_TAGS)}
_FLAG_BITS = len(TOKEN_CLASSES) + len(CONTEXT_TAGS)
_HIDDEN, _LINK = _CONTEXT_BIT["hidden"], _CONTEXT_BIT["link"]


@dataclass(frozen=True)
class Blocks:
    """A page's blocks as lines (numbered 1..n, in document order) and their DOM features (``X``:
    one row per line, columns :data:`DOM_NAMES`)."""

    lines: list[Line]
    X: np.ndarray
    #: Each block's container and its container's container, as element serial numbers (n, 2): blocks
    #: of one container tend to share a fate (a classifier's second stage averages over them).
    groups: np.ndarray = field(default_factory=lambda: np.zeros((0, 2), dtype=np.int64))

    def column(self, name: str) -> np.ndarray:
        """One DOM feature of every block."""
        return self.X[:, DOM_NAMES.index(name)]


class _Open:
    """A block element being read: its kind, structure and the text of its current segment."""

    __slots__ = ("tag", "kind", "level", "ordered", "parts", "context", "link_chars", "links", "cells", "cell",
                 "header", "layout", "first")

    def __init__(self, tag: str, kind: str, level: int = 0, ordered: bool = False, header: bool = False) -> None:
        self.tag, self.kind, self.level, self.ordered, self.header = tag, kind, level, ordered, header
        self.parts: list[str] = []
        #: The context of the segment's first text: (flags, depth, its block, that block's container, the
        #: container's container, its element; all four as element serial numbers).
        self.context: tuple | None = None
        self.link_chars = 0
        self.links = 0
        self.cells: list[str] = []
        self.cell: list[str] | None = None
        self.layout = False
        self.first = True


class _Walk:
    """One walk over a parsed page, collecting blocks and their evidence."""

    def __init__(self) -> None:
        self.lines: list[Line] = []
        self.rows: list[tuple] = []
        self.open: list[_Open] = [_Open("", PARAGRAPH)]  # the bottom one holds loose text
        self.serial = 0
        #: How many open table rows are read as rows (cells, not blocks): inside one, a ``<div>`` or
        #: ``<br>`` is a space, not a new block.
        self.data_rows = 0
        #: Each element's parent and own token bits, by serial number (0: no element).
        self.parents: list[int] = [0]
        self.owns: list[int] = [0]

    def elements(self) -> tuple[np.ndarray, np.ndarray]:
        return np.asarray(self.parents, dtype=np.int64), np.asarray(self.owns, dtype=np.int64)

    # ----------------------------------------------------------------- emitting

    def emit(self, block: _Open, text: str, kind: str, cells: tuple[str, ...] = (), header: bool = False) -> None:
        text = " ".join(text.split())  # runs of whitespace as one space, the ends trimmed
        if not text or block.context is None:
            return
        flags, depth, serial, parent, outer, chain = block.context
        loose = block.tag == ""
        self.lines.append(Line(len(self.lines) + 1, text, kind, level=block.level if kind in (HEADING, LIST_ITEM) else 0,
                               ordered=block.ordered if kind == LIST_ITEM else False, cells=cells, header=header))
        self.rows.append((flags, depth, serial, parent, outer, min(block.link_chars, len(text)) / len(text), block.links,
                          block.tag in _CAPTIONS, loose, len(cells), chain))

    def flush(self, block: _Open) -> None:
        """Emit the text read so far of ``block`` (a segment: the block goes on after a nested one)."""
        if block.kind == TABLE_ROW and not block.layout:
            return  # a data row is emitted whole, when it closes
        if not block.parts:  # no text yet, so no context and no link text either
            block.links = 0
            return
        self.emit(block, "".join(block.parts), PARAGRAPH if block.kind == TABLE_ROW else block.kind)
        block.parts, block.context, block.link_chars, block.links = [], None, 0, 0

    def text(self, value: str, state: tuple) -> None:
        """A text node's ``value``, read in the element whose walk state is ``state`` (see :func:`segment`)."""
        block = self.open[-1]
        if block.cell is not None and not block.layout:
            block.cell.append(value)
        if block.context is None and not value.isspace():
            flags, depth, boxes = state[0], state[1], state[2]
            block.context = (flags, depth, boxes[0], boxes[1], boxes[2], state[6])
        block.parts.append(value)
        if state[0] & _LINK:
            block.link_chars += len(value.strip())

    def close_cell(self, block: _Open) -> None:
        if block.cell is not None:
            block.cells.append(_WHITESPACE.sub(" ", "".join(block.cell)).strip())
            block.cell = None

    # ----------------------------------------------------------------- elements

    def enter(self, tag: str, list_depth: int, ordered: bool) -> None:
        top = self.open[-1]
        kind = BLOCK_KINDS.get(tag)
        if tag in ("td", "th") and top.kind == TABLE_ROW and not top.layout:
            self.close_cell(top)
            top.cell = []
            top.header = (top.header and tag == "th") if top.cells else tag == "th"
            top.parts.append(" ")
            return
        if tag == "a":
            top.links += 1
            return
        if kind is None and tag not in BOUNDARIES:
            return
        if kind is None and (tag == "br" and top.tag or tag != "table" and self.data_rows):
            top.parts.append(" ")  # a line break inside a block, a <div> inside a cell: a space
            return
        if kind is not None or tag == "table":
            for block in self.open if self.data_rows else ():
                if block.kind == TABLE_ROW and not block.layout:
                    block.layout = True  # a row whose cells hold blocks lays out the page: its cells are blocks
                    self.data_rows -= 1
                    self.close_cell(block)
        if top.parts or top.links:
            self.flush(top)
        if kind is not None:
            level = int(tag[1]) if kind == HEADING else (max(list_depth, 1) if kind == LIST_ITEM else 0)
            self.open.append(_Open(tag, kind, level, ordered))
            if kind == TABLE_ROW:
                self.data_rows += 1

    def leave(self, tag: str, in_head: bool) -> None:
        top = self.open[-1]
        if tag in ("td", "th") and top.kind == TABLE_ROW:
            if top.layout:
                self.flush(top)
            else:
                self.close_cell(top)
        elif tag in BLOCK_KINDS and top.tag == tag:
            self.open.pop()
            if top.kind == TABLE_ROW and not top.layout:
                self.data_rows -= 1
                self.close_cell(top)
                cells = tuple(top.cells)
                self.emit(top, " | ".join(cell for cell in cells if cell), TABLE_ROW, cells,
                          header=(top.header or in_head) and any(cells))
            else:
                self.flush(top)
        elif tag in BOUNDARIES and tag != "br" and not self.data_rows and (top.parts or top.links):
            self.flush(top)


def _hidden(attributes: dict) -> bool:
    if "hidden" in attributes or (attributes.get("aria-hidden") or "").strip().lower() == "true":
        return True
    return _hidden_style(attributes.get("style"))


def _hidden_style(style: str | None) -> bool:
    return bool(style) and _HIDDEN_STYLE.search(style.lower()) is not None


def parse(html: str):
    """Lexbor's parse of a page (selectolax), for :func:`segment_tree` and the readers of
    :mod:`pipeline.html.evidence`; any string gives a tree."""
    from selectolax.lexbor import LexborHTMLParser

    try:
        return LexborHTMLParser(html)
    except Exception:  # noqa: BLE001 - a string the binding cannot take (lone surrogates): its bytes, replaced
        return LexborHTMLParser(html.encode("utf-8", errors="replace"))


def tag_info(tag: str) -> tuple[int, int]:
    """What a tag is to the walk (the kernel's ``T_*`` bits) and its :data:`CONTEXT_TAGS` bit."""
    kind = BLOCK_KINDS.get(tag)
    bits = sum(bit for bit, holds in (
        (_walk.SKIPPED, tag in SKIPPED), (_walk.BOX, tag in _BOXES), (_walk.CELL, tag in _CELLS), (_walk.LINK, tag == "a"),
        (_walk.LIST, tag in ("ul", "ol", "menu")), (_walk.ORDERED, tag == "ol"), (_walk.THEAD, tag == "thead"),
        (_walk.BLOCK, kind is not None), (_walk.BOUNDARY, tag in BOUNDARIES), (_walk.TABLE, tag == "table"),
        (_walk.BR, tag == "br"), (_walk.ROW, kind == TABLE_ROW), (_walk.HEADING_TAG, kind == HEADING)) if holds)
    return bits, _CONTEXT_BIT.get(tag, 0)


#: Tag names and their :func:`tag_info` (the kernel adds the names it meets).
_TAG_INFOS: dict[str, tuple[int, int]] = {}


def _kernel_layout_matches() -> bool:
    """Whether the kernel reads a test page's nodes as selectolax does (types, names, text, links)."""
    tree = parse("<!DOCTYPE html><html><body><div class='a' id=b><p>One <a href=x>two</a></p><!-- c -->"
                  "<ul><li>three</ul><custom-tag hidden>four</custom-tag></div>tail</body></html>")
    checked = 0
    for node in tree.root.traverse(include_text=True):
        kind = 1 if node.is_element_node else 3 if node.is_text_node else None
        facts = _walk.node_facts(node.mem_id)
        if kind is not None and facts[0] != kind:
            return False
        address = lambda other: other.mem_id if other is not None else 0  # noqa: E731
        if facts[3:] != (address(node.parent), address(node.first_child), address(node.next)):
            return False
        if kind == 1 and facts[1] != node.tag or kind == 3 and facts[2] != node.text_content:
            return False
        checked += 1
    return checked > 10


def _bind_kernel() -> bool:
    """Give the walk kernel Lexbor's functions from selectolax's extension; False (the walk then
    runs in Python) when they are missing or the kernel's node layout is not selectolax's."""
    import ctypes

    from selectolax import lexbor

    try:
        library = ctypes.CDLL(lexbor.__file__)
        _walk.bind(*(ctypes.cast(getattr(library, name), ctypes.c_void_p).value or 0 for name in (
            "lxb_dom_element_qualified_name", "lxb_dom_element_attr_by_name", "lxb_dom_attr_value_noi",
            "lxb_dom_element_first_attribute_noi")))
    except (OSError, AttributeError):
        return False
    _walk.configure(_HIDDEN, _LINK, BLOCK_KINDS, tag_info)
    return _kernel_layout_matches()


_KERNEL = _bind_kernel()


def segment(html: str) -> Blocks:
    """The blocks of an HTML page and their DOM features; any string gives an answer (maybe no blocks)."""
    return segment_tree(parse(html or ""))


def segment_tree(tree) -> Blocks:
    """The blocks of a page already parsed by :func:`parse` (the tree is only read)."""
    return _segment_tree(tree, in_python=not _KERNEL)


def _segment(html: str, in_python: bool) -> Blocks:
    return _segment_tree(parse(html or ""), in_python)


def _segment_tree(tree, in_python: bool) -> Blocks:
    root = tree.body if tree is not None else None
    if root is None:
        return _finish(_Walk())
    if in_python:
        return _finish(_walk_in_python(root))
    walk = _walk.Walk()
    walk.walk(root.mem_id, _TAG_INFOS, token_flags, _hidden_style)
    return _finish(walk)


def _walk_in_python(root) -> _Walk:
    """The walk of :mod:`pipeline.html._walk`, in Python: where the kernel's layout check fails, and
    for the tests, which hold the two to the same blocks."""
    walk = _Walk()
    # Stack items: (node, the walk state of its parent's children), or (None, (tag, inside <thead>)) to
    # leave an element. A walk state is (flags, depth, (nearest three block or boundary ancestors),
    # list depth, ordered, inside <thead>, the parent's serial number). All children of an element
    # share one state.
    stack: list[tuple] = [(root, (0, 0, (0, 0, 0), 0, False, False, 0))]
    pop, push, text, enter, leave, token = stack.pop, stack.append, walk.text, walk.enter, walk.leave, token_flags
    while stack:
        node, state = pop()
        if node is None:
            leave(*state)
            continue
        if node.is_text_node:
            value = node.text_content
            if value:
                text(value, state)
            continue
        if not node.is_element_node:
            continue
        tag = node.tag or ""
        if tag in SKIPPED:
            continue
        flags, depth, boxes, list_depth, ordered, in_head, chain = state
        walk.serial += 1
        attributes = node.attributes
        own = 0
        if attributes:
            if (marks := attributes.get("class")):
                own = token(marks)
            if (marks := attributes.get("id")):
                own |= token(marks)
            if ("hidden" in attributes or "aria-hidden" in attributes or "style" in attributes) and _hidden(attributes):
                flags |= _HIDDEN
        flags |= own | _CONTEXT_BIT.get(tag, 0)
        walk.parents.append(chain)
        walk.owns.append(own)
        chain = walk.serial
        if tag == "a":
            flags |= _LINK
        if tag in ("ul", "ol", "menu"):
            list_depth, ordered = list_depth + 1, tag == "ol"
        in_head = in_head or tag == "thead"
        # Only blocks, boundaries, cells and links change what is read (the rest are inline).
        if tag in _BOXES:
            boxes = (walk.serial, boxes[0], boxes[1])
            enter(tag, list_depth, ordered)
            push((None, (tag, in_head)))
        elif tag in _CELLS:
            enter(tag, list_depth, ordered)
            push((None, (tag, in_head)))
        elif tag == "a":
            enter(tag, list_depth, ordered)
        child = node.child
        if child is None:
            continue
        children = []
        while child is not None:
            children.append(child)
            child = child.next
        state = (flags, depth + 1, boxes, list_depth, ordered, in_head, chain)
        for child in reversed(children):
            push((child, state))
    return walk


#: A block of at least this many words, not mostly link text, is prose: its words vote for the
#: elements around it as the article's container (readability's idea: its parent gets them all,
#: its grandparent half).
PROSE_WORDS, PROSE_MAX_LINK_DENSITY = 10, 0.5
#: Ancestor distances are capped here (levels).
FAR_LEVELS = 10


def _ancestry(chains: np.ndarray, parents: np.ndarray, owns: np.ndarray, words: np.ndarray,
              link_density: np.ndarray, containers: list, outers: list) -> tuple[np.ndarray, ...]:
    """Per block: 1 / (1 + levels up to the nearest ancestor of each token class) (0 when none), whether
    it is inside the page's top container (:data:`PROSE_WORDS`), how many levels below it, and the share
    of the page's prose words the top container got (``chains``: the element each block's text sits
    in; ``parents``/``owns``: each element's parent and token bits; ``containers``/``outers``: each
    block's container and the container's container; all as element serial numbers)."""
    n = len(chains)
    votes: dict[int, float] = {}
    for i in range(n):
        if words[i] >= PROSE_WORDS and link_density[i] <= PROSE_MAX_LINK_DENSITY:
            votes[containers[i]] = votes.get(containers[i], 0.0) + words[i]
            votes[outers[i]] = votes.get(outers[i], 0.0) + words[i] / 2
    top, share = -1, 0.0
    if votes:
        top = max(votes, key=lambda serial: (votes[serial], -serial))
        prose = max(float(words[(words >= PROSE_WORDS) & (link_density <= PROSE_MAX_LINK_DENSITY)].sum()), 1.0)
        share = min(votes[top] / prose, 1.0)
    near = np.zeros((n, len(TOKEN_CLASSES)))
    under = np.zeros(n)
    distance = np.full(n, float(FAR_LEVELS))
    _walk.ancestry(chains, parents, owns, near, top, under, distance, FAR_LEVELS)
    return near, under, distance, np.full(n, share)


def _finish(walk) -> Blocks:
    """The lines and their feature matrix (block context, container sums, positions)."""
    n = len(walk.lines)
    X = np.zeros((n, len(DOM_NAMES)))
    if not n:
        return Blocks([], X, np.zeros((0, 2), dtype=np.int64))
    # The walk's rows (flags, depth, serial, container, outer container, link density, links, caption,
    # loose, cells, the element holding the text), as one array: all are integers below 2**53 but the
    # link density.
    rows = np.asarray(walk.rows, dtype=np.float64)
    flags = rows[:, 0].astype(np.int64)
    bits = (flags[:, None] >> np.arange(_FLAG_BITS)) & 1
    # A block's text is squashed (single spaces, no ends: see the walk's emit), so its words are its spaces + 1.
    words = np.asarray([line.text.count(" ") + 1 for line in walk.lines], dtype=np.float64)
    total = max(float(words.sum()), 1.0)
    container = rows[:, 3].astype(np.int64)
    outer = rows[:, 4].astype(np.int64)
    link_density = rows[:, 5]

    def by_group(keys: np.ndarray, values: np.ndarray) -> np.ndarray:
        # Keys are element serial numbers (0 to walk.serial), so they index the sums themselves.
        return np.bincount(keys, weights=values)[keys]

    container_words = by_group(container, words)
    outer_words = by_group(outer, words)
    # The share of a container's words that are link text: a teaser list or a menu is mostly links even
    # where one item's lead is long prose; an article's container is not.
    link_words = link_density * words
    own_tokens = np.bitwise_count(flags & ((1 << len(TOKEN_CLASSES)) - 1)).astype(np.float64)
    levels = np.asarray([line.level for line in walk.lines], dtype=np.float64)
    kinds = np.asarray([line.kind for line in walk.lines])
    near, under_top, top_distance, top_share = _ancestry(rows[:, 10].astype(np.int64), *walk.elements(), words,
                                                         link_density, container.tolist(), outer.tolist())
    columns = [
        *(bits[:, i] for i in range(_FLAG_BITS)), *near.T, under_top, top_distance, top_share, own_tokens,
        np.log1p(rows[:, 1]), np.where(kinds == LIST_ITEM, levels, 0.0), link_density, np.log1p(rows[:, 6]),
        rows[:, 7], rows[:, 8], np.where(kinds == HEADING, levels, 0.0), rows[:, 9],
        np.asarray([line.header for line in walk.lines], dtype=np.float64),
        np.arange(n) / max(n - 1, 1), rows[:, 2] / max(walk.serial, 1),
        (np.cumsum(words) - words) / total,
        np.log1p(container_words), np.log1p(by_group(container, np.ones(n))), container_words / total,
        np.log1p(outer_words), outer_words / total,
        by_group(container, link_words) / container_words, by_group(outer, link_words) / outer_words,
    ]
    for index, values in enumerate(columns):
        X[:, index] = values
    return Blocks(walk.lines, X, np.column_stack([container, outer]))

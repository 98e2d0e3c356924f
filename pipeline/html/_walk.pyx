# cython: language_level=3, boundscheck=False, cdivision=True, initializedcheck=False
"""The block walk kernel: one pass over a Lexbor DOM in C, reading blocks as ``pipeline/html/blocks.py``
documents them (that module names the tags, token classes and features; this file follows them).

A loop no library covers. selectolax hands Python one object per node (and a dictionary of its
attributes): on the 901 dev pages, the parse takes 0.7 ms a page and the walk in Python 5.6 ms
more. Here the tree is followed through Lexbor's own pointers, and Python objects are made only
for the text that ends up in a block and for the ``class``/``id`` values the token scan reads;
segmenting a page then takes 4.2 ms instead of 6.3, about half of the rest being that token scan
(``blocks.token_flags``). The node layouts below are Lexbor's, as selectolax's ``lexbor.pxd``
declares them for the selectolax version ``pyproject.toml`` pins; the four Lexbor functions used
(an element's name, an attribute by name, its value, an element's first attribute) are looked up
in selectolax's extension at import. ``blocks._kernel_layout_matches`` checks both against
selectolax's own readings of a test page, and ``blocks.py`` walks in Python if they disagree.
"""

from libc.stdint cimport int64_t, uintptr_t
from libc.stdlib cimport free, malloc, realloc
from cpython.unicode cimport PyUnicode_DecodeUTF8

import re

import numpy as np

from pipeline.document import HEADING, LIST_ITEM, PARAGRAPH, TABLE_ROW, Line


cdef struct lexbor_str_t:
    unsigned char *data
    size_t length

cdef struct lxb_dom_node_t:
    void *events
    uintptr_t local_name
    uintptr_t prefix
    uintptr_t ns
    void *owner_document
    lxb_dom_node_t *next
    lxb_dom_node_t *prev
    lxb_dom_node_t *parent
    lxb_dom_node_t *first_child
    lxb_dom_node_t *last_child
    void *user
    int type

cdef struct lxb_dom_character_data_t:
    lxb_dom_node_t node
    lexbor_str_t data

ctypedef const unsigned char *(*name_f)(void *element, size_t *length) noexcept nogil
ctypedef void *(*attr_by_name_f)(void *element, const unsigned char *name, size_t length) noexcept nogil
ctypedef const unsigned char *(*attr_value_f)(void *attr, size_t *length) noexcept nogil
ctypedef void *(*first_attr_f)(void *element) noexcept nogil

cdef name_f _qualified_name = NULL
cdef attr_by_name_f _attr_by_name = NULL
cdef attr_value_f _attr_value = NULL
cdef first_attr_f _first_attr = NULL

_WHITESPACE = re.compile(r"\s+")
cdef int64_t HIDDEN_BIT = 0
cdef int64_t LINK_BIT = 0
cdef dict BLOCK_KINDS = {}
cdef object tag_info = None


cdef enum:
    NODE_ELEMENT = 1
    NODE_TEXT = 3

# What a tag is to the walk, as bits of its info (made once per tag name by ``blocks.tag_info``).
cdef enum:
    T_SKIPPED = 1
    T_BOX = 2
    T_CELL = 4
    T_LINK = 8
    T_LIST = 16
    T_ORDERED = 32
    T_THEAD = 64
    T_BLOCK = 128
    T_BOUNDARY = 256
    T_TABLE = 1024
    T_BR = 2048
    T_ROW = 4096
    T_HEADING = 8192


def bind(size_t qualified_name, size_t attr_by_name, size_t attr_value, size_t first_attr):
    """Give the kernel Lexbor's functions (their addresses in selectolax's extension)."""
    global _qualified_name, _attr_by_name, _attr_value, _first_attr
    _qualified_name = <name_f> <uintptr_t> qualified_name
    _attr_by_name = <attr_by_name_f> <uintptr_t> attr_by_name
    _attr_value = <attr_value_f> <uintptr_t> attr_value
    _first_attr = <first_attr_f> <uintptr_t> first_attr


cdef object _attribute(void *element, bytes name):
    """An attribute's value as selectolax gives it: None when absent or empty-valued, else str."""
    cdef size_t length = 0
    cdef const unsigned char *value
    cdef void *attr = _attr_by_name(element, <const unsigned char *> name, len(name))
    if attr == NULL:
        return None
    value = _attr_value(attr, &length)
    if value == NULL:
        return None
    return PyUnicode_DecodeUTF8(<const char *> value, length, "replace")


cdef bint _has_attribute(void *element, bytes name):
    return _attr_by_name(element, <const unsigned char *> name, len(name)) != NULL


def node_facts(size_t address):
    """(type, tag name or None, text or None, parent, first child, next) of the node at ``address``,
    read through this kernel's layout: :func:`layout_matches` compares them with selectolax's."""
    cdef lxb_dom_node_t *node = <lxb_dom_node_t *> <uintptr_t> address
    cdef size_t length = 0
    cdef const unsigned char *name
    tag = text = None
    if node.type == NODE_ELEMENT:
        name = _qualified_name(node, &length)
        tag = PyUnicode_DecodeUTF8(<const char *> name, length, "replace") if name != NULL else None
    elif node.type == NODE_TEXT:
        data = &(<lxb_dom_character_data_t *> node).data
        text = PyUnicode_DecodeUTF8(<const char *> data.data, data.length, "replace") if data.data != NULL else None
    return (node.type, tag, text, <size_t> node.parent, <size_t> node.first_child, <size_t> node.next)


cdef class _Open:
    """A block element being read (``blocks._Open``)."""

    cdef public str tag, kind
    cdef public int level
    cdef public bint ordered, header, layout
    cdef public list parts, cells
    cdef public object cell
    cdef public bint has_context
    cdef int64_t c_flags, c_depth, c_serial, c_parent, c_outer, c_chain
    cdef public Py_ssize_t link_chars, links
    cdef bint is_row, is_caption

    def __init__(self, str tag, str kind, int level=0, bint ordered=False):
        self.tag, self.kind, self.level, self.ordered, self.header = tag, kind, level, ordered, False
        self.parts = []
        self.has_context = False
        self.link_chars = 0
        self.links = 0
        self.cells = []
        self.cell = None
        self.layout = False
        self.is_row = kind == TABLE_ROW
        self.is_caption = tag == "figcaption" or tag == "caption"


cdef struct Frame:
    lxb_dom_node_t *next_child
    int64_t flags, depth, box0, box1, box2, list_depth, chain
    bint ordered, in_head, leave
    int info
    int64_t tag_slot


cdef class Walk:
    """One walk over a parsed page (``blocks._Walk``), collecting blocks, their evidence and each
    element's parent and own token bits (by serial number, for :func:`ancestry`)."""

    cdef public list lines, rows, open
    cdef public int64_t serial
    cdef int64_t data_rows
    cdef int64_t *parents
    cdef int64_t *owns
    cdef int64_t capacity

    def __cinit__(self):
        self.capacity = 1024
        self.parents = <int64_t *> malloc(self.capacity * sizeof(int64_t))
        self.owns = <int64_t *> malloc(self.capacity * sizeof(int64_t))
        if self.parents == NULL or self.owns == NULL:
            raise MemoryError()
        self.parents[0] = 0
        self.owns[0] = 0

    def __dealloc__(self):
        free(self.parents)
        free(self.owns)

    def __init__(self):
        self.lines = []
        self.rows = []
        self.open = [_Open("", PARAGRAPH)]
        self.serial = 0
        self.data_rows = 0

    cdef int _record(self, int64_t serial, int64_t parent, int64_t own) except -1:
        cdef int64_t *grown
        if serial >= self.capacity:
            self.capacity *= 2
            grown = <int64_t *> realloc(self.parents, self.capacity * sizeof(int64_t))
            if grown == NULL:
                raise MemoryError()
            self.parents = grown
            grown = <int64_t *> realloc(self.owns, self.capacity * sizeof(int64_t))
            if grown == NULL:
                raise MemoryError()
            self.owns = grown
        self.parents[serial] = parent
        self.owns[serial] = own
        return 0

    def elements(self):
        """Each element's parent serial and own token bits (index: serial; 0 is no element)."""
        n = self.serial + 1
        parents = np.empty(n, dtype=np.int64)
        owns = np.empty(n, dtype=np.int64)
        cdef int64_t[:] p = parents, o = owns
        cdef int64_t i
        for i in range(n):
            p[i] = self.parents[i]
            o[i] = self.owns[i]
        return parents, owns

    # ------------------------------------------------------------------ emitting

    cdef emit(self, _Open block, str text, str kind, tuple cells=(), bint header=False):
        text = " ".join(text.split())
        if not text or not block.has_context:
            return
        cdef bint loose = block.tag == ""
        cdef Py_ssize_t n = len(text)
        self.lines.append(Line(len(self.lines) + 1, text, kind,
                               level=block.level if (kind == HEADING or kind == LIST_ITEM) else 0,
                               ordered=block.ordered if kind == LIST_ITEM else False, cells=cells, header=header))
        self.rows.append((block.c_flags, block.c_depth, block.c_serial, block.c_parent, block.c_outer,
                          (<double> min(block.link_chars, n)) / n, block.links, block.is_caption, loose, len(cells),
                          block.c_chain))

    cdef flush(self, _Open block):
        if block.is_row and not block.layout:
            return
        if not block.parts:
            block.links = 0
            return
        self.emit(block, "".join(block.parts), PARAGRAPH if block.is_row else block.kind)
        block.parts = []
        block.has_context = False
        block.link_chars = 0
        block.links = 0

    cdef text(self, str value, Frame *state):
        cdef _Open block = self.open[-1]
        if block.cell is not None and not block.layout:
            block.cell.append(value)
        if not block.has_context and not value.isspace():
            block.has_context = True
            block.c_flags, block.c_depth = state.flags, state.depth
            block.c_serial, block.c_parent, block.c_outer = state.box0, state.box1, state.box2
            block.c_chain = state.chain
        block.parts.append(value)
        if state.flags & LINK_BIT:
            block.link_chars += len(value.strip())

    cdef close_cell(self, _Open block):
        if block.cell is not None:
            block.cells.append(_WHITESPACE.sub(" ", "".join(block.cell)).strip())
            block.cell = None

    # ------------------------------------------------------------------ elements

    cdef enter(self, str tag, int info, int64_t list_depth, bint ordered):
        cdef _Open top = self.open[-1]
        cdef _Open block
        cdef int level
        if info & T_CELL and top.is_row and not top.layout:
            self.close_cell(top)
            top.cell = []
            top.header = (top.header and tag == "th") if top.cells else tag == "th"
            top.parts.append(" ")
            return
        if info & T_LINK:
            top.links += 1
            return
        if not info & T_BLOCK and not info & T_BOUNDARY:
            return
        if not info & T_BLOCK and ((info & T_BR and top.tag != "") or (not info & T_TABLE and self.data_rows)):
            top.parts.append(" ")
            return
        if info & T_BLOCK or info & T_TABLE:
            if self.data_rows:
                for block in self.open:
                    if block.is_row and not block.layout:
                        block.layout = True
                        self.data_rows -= 1
                        self.close_cell(block)
        if top.parts or top.links:
            self.flush(top)
        if info & T_BLOCK:
            kind = BLOCK_KINDS[tag]
            if info & T_HEADING:
                level = ord(tag[1]) - 48
            elif kind == LIST_ITEM:
                level = list_depth if list_depth > 1 else 1
            else:
                level = 0
            self.open.append(_Open(tag, kind, level, ordered))
            if info & T_ROW:
                self.data_rows += 1

    cdef leave(self, str tag, int info, bint in_head):
        cdef _Open top = self.open[-1]
        cdef tuple cells
        if info & T_CELL and top.is_row:
            if top.layout:
                self.flush(top)
            else:
                self.close_cell(top)
        elif info & T_BLOCK and top.tag == tag:
            self.open.pop()
            if top.is_row and not top.layout:
                self.data_rows -= 1
                self.close_cell(top)
                cells = tuple(top.cells)
                self.emit(top, " | ".join([cell for cell in cells if cell]), TABLE_ROW, cells,
                          (top.header or in_head) and any(cells))
            else:
                self.flush(top)
        elif info & T_BOUNDARY and not info & T_BR and not self.data_rows and (top.parts or top.links):
            self.flush(top)

    # ------------------------------------------------------------------ the walk

    def walk(self, size_t root_address, dict infos, object token, object hidden):
        """Walk the element at ``root_address`` (the page's ``<body>``) and everything under it.

        ``infos`` maps tag names to (info bits, context bit) and is filled for new names by the
        caller's rules (``blocks.tag_info``); ``token`` is ``blocks.token_flags``; ``hidden`` tells
        whether an element's ``style`` value hides it."""
        cdef lxb_dom_node_t *root = <lxb_dom_node_t *> <uintptr_t> root_address
        cdef lxb_dom_node_t *node
        cdef lxb_dom_character_data_t *chars
        cdef Frame *stack
        cdef Frame *frame
        cdef Frame *top
        cdef Py_ssize_t size = 0, capacity = 256
        cdef int info
        cdef int64_t flags, own, context
        cdef size_t length = 0
        cdef const unsigned char *name
        cdef dict names = {}  # a page's tag ids -> names (ids of unknown tags are the page's own)
        cdef list tags = []
        stack = <Frame *> malloc(capacity * sizeof(Frame))
        if stack == NULL:
            raise MemoryError()
        try:
            # A sentinel frame whose only child is the root: its state is the walk's start.
            stack[0].next_child = root
            stack[0].flags = stack[0].depth = stack[0].box0 = stack[0].box1 = stack[0].box2 = 0
            stack[0].list_depth = stack[0].chain = 0
            stack[0].ordered = stack[0].in_head = stack[0].leave = False
            stack[0].info = 0
            stack[0].tag_slot = -1
            size = 1
            while size:
                top = &stack[size - 1]
                node = top.next_child
                if node == NULL:
                    if top.leave:
                        self.leave(tags[top.tag_slot], top.info, top.in_head)
                    size -= 1
                    continue
                top.next_child = node.next if size > 1 else NULL  # the root's siblings are not walked
                if node.type == NODE_TEXT:
                    chars = <lxb_dom_character_data_t *> node
                    if chars.data.data != NULL and chars.data.length:
                        self.text(PyUnicode_DecodeUTF8(<const char *> chars.data.data, chars.data.length,
                                                       "replace"), top)
                    continue
                if node.type != NODE_ELEMENT:
                    continue
                key = <size_t> node.local_name
                tag = names.get(key)
                if tag is None:
                    name = _qualified_name(node, &length)
                    tag = PyUnicode_DecodeUTF8(<const char *> name, length, "replace") if name != NULL else ""
                    names[key] = tag
                facts = infos.get(tag)
                if facts is None:
                    facts = infos[tag] = tag_info(tag)
                info = facts[0]
                if info & T_SKIPPED:
                    continue
                self.serial += 1
                flags = top.flags
                own = 0
                if _first_attr(node) != NULL:
                    marks = _attribute(node, b"class")
                    if marks:
                        own = token(marks)
                    marks = _attribute(node, b"id")
                    if marks:
                        own |= token(marks)
                    if _has_attribute(node, b"hidden") or _has_attribute(node, b"aria-hidden") \
                            or _has_attribute(node, b"style"):
                        if _has_attribute(node, b"hidden") or \
                                (_attribute(node, b"aria-hidden") or "").strip().lower() == "true" or \
                                hidden(_attribute(node, b"style")):
                            flags |= HIDDEN_BIT
                context = facts[1]
                flags |= own | context
                self._record(self.serial, top.chain, own)
                if info & T_LINK:
                    flags |= LINK_BIT
                if size == capacity:
                    capacity *= 2
                    frame = <Frame *> realloc(stack, capacity * sizeof(Frame))
                    if frame == NULL:
                        raise MemoryError()
                    stack = frame
                    top = &stack[size - 1]
                frame = &stack[size]
                frame.flags = flags
                frame.depth = top.depth + 1
                frame.box0, frame.box1, frame.box2 = top.box0, top.box1, top.box2
                frame.list_depth, frame.ordered = top.list_depth, top.ordered
                if info & T_LIST:
                    frame.list_depth, frame.ordered = top.list_depth + 1, (info & T_ORDERED) != 0
                frame.in_head = top.in_head or (info & T_THEAD) != 0
                frame.chain = self.serial
                frame.info = info
                frame.leave = False
                frame.tag_slot = -1
                if info & T_BOX or info & T_CELL:
                    if info & T_BOX:
                        frame.box0, frame.box1, frame.box2 = self.serial, top.box0, top.box1
                    self.enter(tag, info, frame.list_depth, frame.ordered)
                    frame.leave = True
                    frame.tag_slot = len(tags)
                    tags.append(tag)
                elif info & T_LINK:
                    self.enter(tag, info, frame.list_depth, frame.ordered)
                frame.next_child = node.first_child
                size += 1
        finally:
            free(stack)




def configure(int64_t hidden_bit, int64_t link_bit, dict block_kinds, object info_of):
    """The walk's names from ``blocks.py``: the two context bits, the block kinds, and ``info_of(tag)``,
    which gives a tag's (info bits, context bit)."""
    global HIDDEN_BIT, LINK_BIT, BLOCK_KINDS, tag_info
    HIDDEN_BIT, LINK_BIT, BLOCK_KINDS, tag_info = hidden_bit, link_bit, block_kinds, info_of


def ancestry(const int64_t[:] chains, const int64_t[:] parents, const int64_t[:] owns, double[:, :] near,
             int64_t top, double[:] under, double[:] distance, int far_levels):
    """Per block (``chains``: the element its text sits in), fill ``near`` with 1 / (1 + levels up
    to the nearest ancestor holding each token bit) and ``under``/``distance`` with whether the
    element ``top`` is an ancestor, and how many levels up (both capped at ``far_levels``)."""
    cdef Py_ssize_t i, n = chains.shape[0]
    cdef int64_t serial, levels, found, fresh, bit, own
    cdef int index
    for i in range(n):
        serial = chains[i]
        levels = 0
        found = 0
        while serial != 0:
            own = owns[serial]
            fresh = own & ~found
            while fresh:
                bit = fresh & -fresh
                index = 0
                while (bit >> index) != 1:
                    index += 1
                near[i, index] = 1.0 / (1.0 + (levels if levels < far_levels else far_levels))
                fresh ^= bit
            found |= own
            if serial == top:
                under[i] = 1.0
                distance[i] = levels if levels < far_levels else far_levels
            serial = parents[serial]
            levels += 1


# The tag info bits, for ``blocks.tag_info``.
SKIPPED, BOX, CELL, LINK, LIST, ORDERED, THEAD = T_SKIPPED, T_BOX, T_CELL, T_LINK, T_LIST, T_ORDERED, T_THEAD
BLOCK, BOUNDARY, TABLE, BR, ROW, HEADING_TAG = T_BLOCK, T_BOUNDARY, T_TABLE, T_BR, T_ROW, T_HEADING

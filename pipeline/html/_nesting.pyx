# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The nesting kernel: one pass over a page's tags, following the open elements an HTML5 parser
would keep, and cutting the start tags that would open past a depth limit
(``pipeline/html/nesting.py`` says why, names the limit and the tag sets, and documents them).

A loop no library covers: every parser that could tell the depth is the slow part itself. Tag
names are compared by a 64-bit FNV-1a hash of their characters, ASCII letters lowercased; this
file only follows the sets ``configure`` is given.
"""

from libc.stdint cimport uint8_t, uint64_t

cdef extern from "Python.h":
    int PyUnicode_KIND(object o)
    void* PyUnicode_DATA(object o)
    Py_UCS4 PyUnicode_READ(int kind, void* data, Py_ssize_t index)
    Py_ssize_t PyUnicode_FindChar(object o, Py_UCS4 ch, Py_ssize_t start, Py_ssize_t end, int direction) except -2

# What a tag name is (bits of the table's values); keep in step with the sets in nesting.py.
cdef enum:
    NOT_KEPT_OPEN = 1
    RAW_TEXT = 2
    FOREIGN = 4
    BREAKOUT = 8
    CLOSES_ITSELF = 16
    ONE_AT_A_TIME = 32
    PLAINTEXT = 64
    TABLE_SLOTS = 512      # a power of two, well above the names the sets hold
    MAX_DEPTH = 65536      # the most a limit may be

cdef uint64_t _keys[TABLE_SLOTS]
cdef uint8_t _kinds[TABLE_SLOTS]
cdef uint64_t _stack[MAX_DEPTH]


cdef inline bint _is_space(Py_UCS4 c):
    return c == 0x20 or c == 0x09 or c == 0x0A or c == 0x0C or c == 0x0D


cdef inline bint _is_letter(Py_UCS4 c):
    return (0x41 <= c <= 0x5A) or (0x61 <= c <= 0x7A)


cdef inline uint64_t _mix(uint64_t h, Py_UCS4 c):
    cdef uint64_t code = <uint64_t>c
    if 0x41 <= code <= 0x5A:
        code += 0x20
    return (h ^ code) * <uint64_t>0x100000001B3


cdef uint8_t _kind_of(uint64_t key):
    cdef Py_ssize_t slot = key & (TABLE_SLOTS - 1)
    while _keys[slot] != 0:
        if _keys[slot] == key:
            return _kinds[slot]
        slot = (slot + 1) & (TABLE_SLOTS - 1)
    return 0


def name_hash(str name):
    """The hash a tag name is compared by (any case)."""
    cdef uint64_t h = <uint64_t>0xCBF29CE484222325
    cdef Py_UCS4 c
    for c in name:
        h = _mix(h, c)
    return h


cdef uint64_t _BODY = name_hash("body")


def configure(frozenset not_kept_open, frozenset raw_text, frozenset foreign, frozenset breakout,
              frozenset closes_itself, frozenset one_at_a_time):
    """Fill the name table from the sets (called once, by nesting.py)."""
    cdef dict kinds = {}
    cdef uint64_t key
    cdef Py_ssize_t slot
    for names, bit in ((not_kept_open, NOT_KEPT_OPEN), (raw_text, RAW_TEXT), (foreign, FOREIGN),
                       (breakout, BREAKOUT), (closes_itself, CLOSES_ITSELF), (one_at_a_time, ONE_AT_A_TIME),
                       ({"plaintext"}, PLAINTEXT)):
        for name in names:
            kinds[name] = kinds.get(name, 0) | bit
    if len(kinds) * 2 > TABLE_SLOTS:
        raise ValueError("too many tag names for the table")
    for slot in range(TABLE_SLOTS):
        _keys[slot] = 0
    for name, bits in kinds.items():
        key = name_hash(name)
        slot = key & (TABLE_SLOTS - 1)
        while _keys[slot] != 0:
            slot = (slot + 1) & (TABLE_SLOTS - 1)
        _keys[slot] = key
        _kinds[slot] = bits


cdef Py_ssize_t _tag_end(int kind, void* data, Py_ssize_t j, Py_ssize_t n, bint* self_closing):
    """The index past a tag's ``>``, from just after its name, skipping quoted attribute values as
    the tokenizer does (``n`` when the tag never closes); sets ``self_closing`` for ``/>``."""
    cdef Py_UCS4 c, quote
    cdef bint after_equals = False
    self_closing[0] = False
    while j < n:
        c = PyUnicode_READ(kind, data, j)
        if c == 0x3E:  # >
            return j + 1
        if c == 0x2F:  # /
            self_closing[0] = j + 1 < n and PyUnicode_READ(kind, data, j + 1) == 0x3E
            after_equals = False
        elif c == 0x3D:  # =
            after_equals = True
        elif (c == 0x22 or c == 0x27) and after_equals:  # a quoted value: to its closing quote
            quote = c
            j += 1
            while j < n and PyUnicode_READ(kind, data, j) != quote:
                j += 1
            after_equals = False
        elif not _is_space(c):
            after_equals = False
        j += 1
    return n


cdef Py_ssize_t _name_end(int kind, void* data, Py_ssize_t j, Py_ssize_t n, uint64_t* key):
    """The index past a tag name starting at ``j``, and its hash in ``key``."""
    cdef Py_UCS4 c
    cdef uint64_t h = <uint64_t>0xCBF29CE484222325
    while j < n:
        c = PyUnicode_READ(kind, data, j)
        if _is_space(c) or c == 0x2F or c == 0x3E:
            break
        h = _mix(h, c)
        j += 1
    key[0] = h
    return j


cdef Py_ssize_t _raw_text_end(object text, int kind, void* data, uint64_t name, Py_ssize_t i, Py_ssize_t n):
    """The index past the end tag closing a raw-text element whose content starts at ``i``, matched
    without case as the tokenizer does (``n`` when it never closes)."""
    cdef uint64_t key
    cdef Py_ssize_t k
    cdef bint self_closing
    while True:
        i = PyUnicode_FindChar(text, 0x3C, i, n, 1)
        if i < 0:
            return n
        if i + 2 < n and PyUnicode_READ(kind, data, i + 1) == 0x2F:
            k = _name_end(kind, data, i + 2, n, &key)
            if key == name:
                return _tag_end(kind, data, k, n, &self_closing)
        i += 1


def cap_nesting(str text, Py_ssize_t limit):
    """``(cuts, deepest, body)``: the ``(start, end)`` of each start tag that would open an element
    past ``limit`` open ones, the most elements open at once (at most ``limit``), and where the first
    ``<body>`` start tag begins (-1 when there is none outside comments and raw text)."""
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t n = len(text), i = 0, j, k, index, depth = 0, foreign_at = -1, deepest = 0, body = -1
    cdef Py_UCS4 c
    cdef uint64_t key
    cdef uint8_t bits
    cdef bint end_tag, self_closing
    cdef list cuts = []
    if not 0 < limit <= MAX_DEPTH:
        raise ValueError(f"a depth limit is 1 to {MAX_DEPTH}, not {limit}")
    while True:
        i = PyUnicode_FindChar(text, 0x3C, i, n, 1)
        if i < 0 or i + 1 >= n:
            break
        c = PyUnicode_READ(kind, data, i + 1)
        if c == 0x21:  # <!: a comment to -->, or a doctype or bogus comment to >
            if i + 3 < n and PyUnicode_READ(kind, data, i + 2) == 0x2D and PyUnicode_READ(kind, data, i + 3) == 0x2D:
                j = text.find("-->", i + 4)
                i = n if j < 0 else j + 3
            else:
                j = PyUnicode_FindChar(text, 0x3E, i + 2, n, 1)
                i = n if j < 0 else j + 1
            continue
        if c == 0x3F:  # <?: a bogus comment to >
            j = PyUnicode_FindChar(text, 0x3E, i + 2, n, 1)
            i = n if j < 0 else j + 1
            continue
        end_tag = c == 0x2F
        k = i + 2 if end_tag else i + 1
        if k >= n or not _is_letter(PyUnicode_READ(kind, data, k)):
            i += 1
            continue
        j = _tag_end(kind, data, _name_end(kind, data, k, n, &key), n, &self_closing)
        if end_tag:  # closes the nearest open element of its name, and all open inside it
            index = depth - 1
            while index >= 0 and _stack[index] != key:
                index -= 1
            if index >= 0:
                depth = index
                if foreign_at >= depth:
                    foreign_at = -1
            i = j
            continue
        if key == _BODY and body < 0:
            body = i
        bits = _kind_of(key)
        if foreign_at >= 0:
            if bits & BREAKOUT:
                depth = foreign_at
                foreign_at = -1
            elif self_closing:
                i = j
                continue
        if foreign_at < 0 and bits & RAW_TEXT:
            i = n if bits & PLAINTEXT else _raw_text_end(text, kind, data, key, j, n)
            continue
        if bits & NOT_KEPT_OPEN or (bits & CLOSES_ITSELF and depth > 0 and _stack[depth - 1] == key):
            i = j
            continue
        if bits & ONE_AT_A_TIME:
            index = depth - 1
            while index >= 0 and _stack[index] != key:
                index -= 1
            if index >= 0:
                i = j
                continue
        if depth >= limit:
            cuts.append((i, j))
        else:
            if foreign_at < 0 and bits & FOREIGN:
                foreign_at = depth
            _stack[depth] = key
            depth += 1
            if depth > deepest:
                deepest = depth
        i = j
    return cuts, deepest, body

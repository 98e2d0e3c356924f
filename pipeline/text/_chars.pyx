# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The character kernel of the repair and normalize stages: one pass over a text's code points against a
table of what each character may ask for, instead of numpy arrays the size of the text (an encoding, a
``take`` and a few reductions a text, each a pass of its own).

Each function states the numpy expression it equals; ``tests/test_repair.py`` and ``tests/test_normalize.py``
compare them with the stages' reference paths on every code point and on random text:

- :func:`repair_summary`: what :func:`pipeline.stages.repair._signals` reads off its ``found`` table
  (the signals of the text, whether the Latin-1 letters stand in a run of three, the Arabic letters) and
  whether ftfy's badness pattern has any place to start (:func:`pipeline.stages.repair._badness_places`).
- :func:`normalize_lines_needing`: the lines :func:`pipeline.stages.normalize._normalized` finds in the
  table of the lines joined: those with a character that asks for the changes beyond ASCII, and those
  whose spacing ``" ".join(line.split())`` changes.
"""

from libc.stdint cimport uint8_t, uint16_t, uint32_t, uint64_t

cdef extern from "Python.h":
    int PyUnicode_KIND(object o)
    void* PyUnicode_DATA(object o)
    Py_ssize_t PyUnicode_GET_LENGTH(object o)


ctypedef fused code_unit:
    uint8_t
    uint16_t
    uint32_t


cdef struct RepairState:
    const uint8_t* signals
    const uint64_t* first
    const uint64_t* second
    const uint8_t* alone
    uint8_t latin1_bit, arabic_bit, seen
    Py_ssize_t run, arabic
    bint latin1_run, place
    uint64_t follows  # first[] of the character before
    uint32_t top  # the code points or-ed: below 128 when all are ASCII


cdef inline void _repair_step(RepairState* st, uint32_t c) noexcept nogil:
    cdef uint8_t flag = st.signals[c]
    cdef uint32_t bmp = c if c < 0x10000 else 0xFFFF
    st.seen |= flag
    st.top |= c
    if flag & st.latin1_bit:
        st.run += 1
        if st.run >= 3:
            st.latin1_run = True
    else:
        st.run = 0
    if flag & st.arabic_bit:
        st.arabic += 1
    if st.alone[bmp] or st.follows & st.second[bmp]:
        st.place = True
    st.follows = st.first[bmp]


cdef void _repair_units(RepairState* st, const code_unit* data, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    for i in range(n):
        _repair_step(st, data[i])


def repair_summary(list texts, const uint8_t[::1] signals, uint8_t latin1_bit, uint8_t arabic_bit,
                   const uint64_t[::1] first, const uint64_t[::1] second, const uint8_t[::1] alone):
    """``(or of signals[c], a run of three with latin1_bit, how many with arabic_bit, any badness place,
    all ASCII)`` over the code points ``c`` of ``"\\n".join(texts)`` (without joining them). ``signals``
    covers every code point; ``first``, ``second`` and ``alone`` the BMP, where a code point beyond it
    counts as U+FFFF (numpy's ``take(mode="clip")``)::

        badness place: alone[c[i]] or first[c[i - 1]] & second[c[i]] != 0
    """
    cdef RepairState st
    cdef Py_ssize_t line
    cdef object text
    cdef int kind
    st.signals, st.first, st.second, st.alone = &signals[0], &first[0], &second[0], &alone[0]
    st.latin1_bit, st.arabic_bit, st.seen = latin1_bit, arabic_bit, 0
    st.run = st.arabic = 0
    st.latin1_run = st.place = False
    st.follows = 0
    st.top = 0
    for line in range(len(texts)):
        if line:
            _repair_step(&st, 10)  # the line break between two texts
        text = texts[line]
        kind = PyUnicode_KIND(text)
        if kind == 1:
            _repair_units(&st, <const uint8_t*>PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text))
        elif kind == 2:
            _repair_units(&st, <const uint16_t*>PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text))
        else:
            _repair_units(&st, <const uint32_t*>PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text))
    return st.seen, st.latin1_run, st.arabic, st.place, st.top < 128


cdef struct SpacingState:
    const uint8_t* table
    uint8_t space, edge, surrogate
    uint8_t seen  # the bits of the line's characters, or-ed
    bint bad  # a plain space at the start or next to another


cdef void _spacing_units(SpacingState* st, const code_unit* data, Py_ssize_t n) noexcept nogil:
    cdef Py_ssize_t i
    cdef uint32_t c
    cdef uint8_t flag = 0
    cdef bint before_edge = True  # the start of a line is an edge
    for i in range(n):
        c = data[i]
        flag = st.table[c] if c < 0x10000 else st.surrogate
        st.seen |= flag
        if flag == st.space:
            if before_edge:
                st.bad = True
            before_edge = True
        else:
            before_edge = (flag & st.edge) != 0
    if flag == st.space:  # a space at the end (flag is 0 on an empty line)
        st.bad = True


def normalize_lines_needing(list texts, const uint8_t[::1] table, uint8_t wider, uint8_t space, uint8_t odd_space,
                            uint8_t line_break):
    """The lines of ``texts`` with a character whose ``table`` bits hold ``wider``, and the lines whose
    spacing is wrong: a character with ``odd_space``, or a plain space (bits exactly ``space``) at either
    end or next to another space; None when a line holds a ``line_break`` (the caller joins the lines with
    it). ``table`` covers the UTF-16 code units; a code point beyond the BMP is two surrogates, whose bits
    ``table[0xD800]`` are taken for it."""
    cdef list marked = [], spaced = []
    cdef Py_ssize_t line
    cdef int kind
    cdef object text
    cdef SpacingState st
    st.table, st.space, st.edge, st.surrogate = &table[0], space, space | line_break, table[0xD800]
    for line in range(len(texts)):
        text = texts[line]
        kind = PyUnicode_KIND(text)
        st.seen = 0
        st.bad = False
        if kind == 1:
            _spacing_units(&st, <const uint8_t*>PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text))
        elif kind == 2:
            _spacing_units(&st, <const uint16_t*>PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text))
        else:
            _spacing_units(&st, <const uint32_t*>PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text))
        if st.seen & line_break:
            return None
        if st.seen & wider:
            marked.append(line)
        if st.bad or st.seen & odd_space:
            spaced.append(line)
    return marked, spaced

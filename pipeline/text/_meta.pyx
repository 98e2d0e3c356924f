# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The metadata kernel: the per-line tests the metadata stage and the title ranker make on every line of
a dump's head, one compiled call for many lines instead of a regex call per line (``pipeline/text/titles.py``
and ``pipeline/stages/metadata.py`` use it and say why).

Each function states the Python expression it equals; ``tests/test_meta_kernel.py`` compares them on every
code point and on random lines:

- :func:`word_runs`: ``set(re.findall(rf"\\w{{{shortest},}}", text))``. A word character is what ``\\w``
  matches in a ``str`` pattern: ``_`` or a character ``str.isalnum`` takes (``Py_UNICODE_ISALNUM``, the
  test the ``re`` engine makes); ``findall`` finds every maximal run of them at least ``shortest`` long
  (a shorter run fails at each of its positions, a longer one is taken whole from its start).
- :func:`space_counts`: ``[text.count(" ") for text in texts]``.
- :func:`may_hold_year`: :func:`pipeline.text.dates._may_hold_year` (a digit of ``0-9``, ``٠-٩`` or
  ``۰-۹``, and four decimal digits of any script).
- :func:`starting_with`: the indices of the lines whose first character is one of ``firsts``.
- :func:`head_marks`: per line, :data:`YEAR` when it may hold a year and :data:`CREDIT` when it may be a
  byline (:func:`may_start_credit`, or a comma in it); a line without the mark is certainly not one.
- :func:`title_shape` and :func:`neighbourhood`: a title candidate's words, initials and separators, and the
  word counts around it; :func:`copies`: how often each candidate's line is on the page.
"""

cimport cython

cdef extern from "Python.h":
    int PyUnicode_KIND(object o)
    void* PyUnicode_DATA(object o)
    Py_ssize_t PyUnicode_GET_LENGTH(object o)
    Py_UCS4 PyUnicode_READ(int kind, void* data, Py_ssize_t index)
    bint Py_UNICODE_ISALNUM(Py_UCS4 ch)
    bint Py_UNICODE_ISDECIMAL(Py_UCS4 ch)
    bint Py_UNICODE_ISSPACE(Py_UCS4 ch)
    bint Py_UNICODE_ISALPHA(Py_UCS4 ch)
    bint Py_UNICODE_ISUPPER(Py_UCS4 ch)

#: Bits of :func:`head_marks`.
YEAR = 1
CREDIT = 2


# The two character classes the scans test, for the Basic Multilingual Plane, as bitmaps filled once from
# the Unicode database (a lookup there is several calls a character: an Arabic line's every letter).
cdef unsigned char _WORD_BITS[8192]
cdef unsigned char _DECIMAL_BITS[8192]


cdef void _fill_bitmaps() noexcept:
    cdef unsigned int code
    for code in range(65536):
        if code == 0x5F or Py_UNICODE_ISALNUM(code):
            _WORD_BITS[code >> 3] |= 1 << (code & 7)
        if Py_UNICODE_ISDECIMAL(code):
            _DECIMAL_BITS[code >> 3] |= 1 << (code & 7)


_fill_bitmaps()


cdef inline bint _is_word(unsigned int code) noexcept:
    """``\\w``: ``_`` or a character ``str.isalnum`` takes."""
    if code < 65536:
        return (_WORD_BITS[code >> 3] >> (code & 7)) & 1
    return Py_UNICODE_ISALNUM(code)


cdef inline bint _is_decimal(unsigned int code) noexcept:
    """``\\d``: a character ``str.isdecimal`` takes."""
    if code < 65536:
        return (_DECIMAL_BITS[code >> 3] >> (code & 7)) & 1
    return Py_UNICODE_ISDECIMAL(code)


def word_runs(str text, Py_ssize_t shortest):
    """The set of the runs of word characters of ``text`` at least ``shortest`` long."""
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0, start
    cdef set found = set()
    while i < n:
        if not _is_word(PyUnicode_READ(kind, data, i)):
            i += 1
            continue
        start = i
        i += 1
        while i < n and _is_word(PyUnicode_READ(kind, data, i)):
            i += 1
        if i - start >= shortest:
            found.add(text[start:i])
    return found


def space_counts(list texts):
    """``[text.count(" ") for text in texts]``."""
    cdef list counts = []
    cdef str text
    cdef Py_ssize_t i, n, spaces
    cdef int kind
    cdef void* data
    for text in texts:
        kind, data, n, spaces = PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text), 0
        if kind == 1:
            for i in range(n):
                spaces += (<unsigned char*>data)[i] == 0x20
        else:
            for i in range(n):
                spaces += PyUnicode_READ(kind, data, i) == 0x20
        counts.append(spaces)
    return counts


cdef inline bint _is_year_digit(unsigned int code) noexcept:
    """A digit :data:`pipeline.text.dates._ANY_DIGIT` matches: ASCII, Arabic-Indic or Persian."""
    return 0x30 <= code <= 0x39 or 0x660 <= code <= 0x669 or 0x6F0 <= code <= 0x6F9


cdef bint _may_hold_year(str text) noexcept:
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i, decimals = 0
    cdef bint listed = False
    cdef unsigned int code
    if kind == 1:  # Latin-1: its only decimal digits are ASCII
        for i in range(n):
            code = (<unsigned char*>data)[i]
            decimals += 0x30 <= code <= 0x39
            if decimals >= 4:
                return True
        return False
    for i in range(n):
        code = PyUnicode_READ(kind, data, i)
        if _is_decimal(code):
            decimals += 1
            listed = listed or _is_year_digit(code)
        if listed and decimals >= 4:
            return True
    return False


def may_hold_year(str text):
    """Whether ``text`` has a digit of ``0-9``, ``٠-٩`` or ``۰-۹`` and four decimal digits in all."""
    return _may_hold_year(text)


cdef bint _in(str chars, Py_UCS4 c) noexcept:
    cdef Py_UCS4 listed
    for listed in chars:
        if listed == c:
            return True
    return False


cdef bint _may_start_word(int kind, void* data, Py_ssize_t n, Py_ssize_t start, str word) noexcept:
    """Whether ``word`` (lower-case) may match at ``start`` case-insensitively, as the regex engine matches:
    an ASCII character matches its own lower case only; any other character may match an ASCII letter
    (K, the Kelvin sign, matches k; ı matches i), and matches a letter outside ASCII only when it is that
    letter (the credit words' others are Arabic, which has no case)."""
    cdef Py_ssize_t j, length = PyUnicode_GET_LENGTH(word)
    cdef unsigned int c, w
    if start + length > n:
        return False
    for j in range(length):
        c, w = PyUnicode_READ(kind, data, start + j), word[j]
        if c == w:
            continue
        if c < 128:
            if not (0x41 <= c <= 0x5A and (c | 0x20) == w):
                return False
        elif w >= 128:
            return False
    return True


cdef bint _may_start_credit(str text, str bullets, tuple words, str firsts) noexcept:
    """``firsts``: the words' first letters (when an ASCII character starts the line, only they may follow)."""
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text), i = 0
    cdef Py_UCS4 c
    cdef str word
    while i < n and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)):
        i += 1
    if i < n and _in(bullets, PyUnicode_READ(kind, data, i)):
        i += 1
        while i < n and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i)):
            i += 1
    if i == n:
        return False
    c = PyUnicode_READ(kind, data, i)
    if <unsigned int>c < 128 and not _in(firsts, <Py_UCS4>(<unsigned int>c | 0x20)):
        return False  # most lines: no word starts with that letter
    for word in words:
        if _may_start_word(kind, data, n, i, word):
            return True
    return False


cdef str _first_letters(tuple words):
    return "".join({word[0] for word in words})


def may_start_credit(str text, str bullets, tuple words):
    """Whether ``text`` may start with one of ``words`` (lower-case), after spaces, a bullet of ``bullets``
    and spaces, matched case-insensitively (:func:`_may_start_word`): the pattern
    ``\\s*(?:[bullets]\\s*)?(?:word|...)`` with ``re.IGNORECASE`` matches no line this turns away."""
    return _may_start_credit(text, bullets, words, _first_letters(words))


def head_marks(list texts, Py_ssize_t stop, str bullets, tuple words):
    """A byte per line of ``texts[:stop]``: :data:`YEAR` if it may hold a year, :data:`CREDIT` if it
    may start with one of the credit ``words`` (:func:`may_start_credit`) or holds a comma."""
    cdef Py_ssize_t count = min(stop, len(texts)), i
    cdef bytearray marks = bytearray(count)
    cdef str text
    cdef unsigned char mark
    cdef str firsts = _first_letters(words)
    for i in range(count):
        text = texts[i]
        mark = YEAR if _may_hold_year(text) else 0
        if _may_start_credit(text, bullets, words, firsts) or "," in text:
            mark |= CREDIT
        marks[i] = mark
    return bytes(marks)


def starting_with(list texts, str firsts):
    """The indices of the lines of ``texts`` whose first character is one of ``firsts``."""
    cdef list found = []
    cdef str text
    cdef Py_ssize_t i = 0
    for text in texts:
        if PyUnicode_GET_LENGTH(text) and _in(firsts, PyUnicode_READ(PyUnicode_KIND(text), PyUnicode_DATA(text), 0)):
            found.append(i)
        i += 1
    return found


def title_shape(str title, str separators):
    """``(words, initials, capitals, marks)`` of a title: ``len(title.split())``; how many of those words start
    with a letter (``word[0].isalpha()``) and how many of these with a capital (``.isupper()``); and how many
    separators it holds: characters of ``separators``, and slashes between spaces
    (``len(re.findall(r"\\s/\\s", title))``: a slash's spaces are not another's)."""
    cdef int kind = PyUnicode_KIND(title)
    cdef void* data = PyUnicode_DATA(title)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(title), i, free_from = 0
    cdef Py_ssize_t words = 0, initials = 0, capitals = 0, marks = 0
    cdef bint in_word = False, space
    cdef Py_UCS4 c
    for i in range(n):
        c = PyUnicode_READ(kind, data, i)
        space = Py_UNICODE_ISSPACE(c)
        if not space and not in_word:
            words += 1
            if Py_UNICODE_ISALPHA(c):
                initials += 1
                capitals += Py_UNICODE_ISUPPER(c)
        in_word = not space
        if _in(separators, c):
            marks += 1
        elif space and i >= free_from and i + 2 < n and PyUnicode_READ(kind, data, i + 1) == u"/" \
                and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i + 2)):
            marks += 1
            free_from = i + 3
    return words, initials, capitals, marks


@cython.boundscheck(True)
@cython.wraparound(True)
def neighbourhood(list counts, Py_ssize_t index, Py_ssize_t n, Py_ssize_t lookaround, Py_ssize_t menu_most,
                  Py_ssize_t prose_least):
    """``(before, after, menu_run, to_prose)`` of line ``index`` of ``n``, from ``counts``, its lines' words
    (:func:`pipeline.text.titles._neighbourhood` says what each is)."""
    cdef Py_ssize_t menu_run = 0, to_prose = 1
    while menu_run < lookaround and index > menu_run and <Py_ssize_t>counts[index - menu_run - 1] <= menu_most:
        menu_run += 1
    while to_prose < lookaround and not (index + to_prose < n and <Py_ssize_t>counts[index + to_prose] >= prose_least):
        to_prose += 1
    return (counts[index - 1] if index > 0 else 0, counts[index + 1] if index + 1 < n else 0, menu_run, to_prose)


def copies(list texts, list wanted):
    """``[texts.count(text) for text in wanted]``, comparing only strings of the same length (hashing every
    line for a ``Counter`` reads all of a page's text)."""
    cdef Py_ssize_t k = len(wanted), j
    cdef list found = [0] * k
    cdef str text, other
    for text in texts:
        for j in range(k):
            other = wanted[j]
            if PyUnicode_GET_LENGTH(text) == PyUnicode_GET_LENGTH(other) and text == other:
                found[j] += 1
    return found

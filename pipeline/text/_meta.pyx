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
- :func:`candidate_lines` and :func:`title_rows`: the title candidates of a page and their features, the loops
  of :func:`pipeline.text.titles.candidate_features` (the tests keep the Python loops they replaced and compare
  them float for float); :func:`last_lower`: the last character of a line's lower case.
- :func:`first_prose_line`: :func:`pipeline.stages.metadata.first_body_index`'s loop.
"""

cimport cython
from libc.math cimport log1p
from libc.stdlib cimport free, malloc

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


cdef set _word_runs(str text, Py_ssize_t shortest):
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


def word_runs(str text, Py_ssize_t shortest):
    """The set of the runs of word characters of ``text`` at least ``shortest`` long."""
    return _word_runs(text, shortest)


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


cdef struct Shape:
    Py_ssize_t words, initials, capitals, marks


cdef Shape _title_shape(str title, str separators) noexcept:
    cdef int kind = PyUnicode_KIND(title)
    cdef void* data = PyUnicode_DATA(title)
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(title), i, free_from = 0
    cdef Shape shape = Shape(0, 0, 0, 0)
    cdef bint in_word = False, space
    cdef Py_UCS4 c
    for i in range(n):
        c = PyUnicode_READ(kind, data, i)
        space = Py_UNICODE_ISSPACE(c)
        if not space and not in_word:
            shape.words += 1
            if Py_UNICODE_ISALPHA(c):
                shape.initials += 1
                shape.capitals += Py_UNICODE_ISUPPER(c)
        in_word = not space
        if _in(separators, c):
            shape.marks += 1
        elif space and i >= free_from and i + 2 < n and PyUnicode_READ(kind, data, i + 1) == u"/" \
                and Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i + 2)):
            shape.marks += 1
            free_from = i + 3
    return shape


def title_shape(str title, str separators):
    """``(words, initials, capitals, marks)`` of a title: ``len(title.split())``; how many of those words start
    with a letter (``word[0].isalpha()``) and how many of these with a capital (``.isupper()``); and how many
    separators it holds: characters of ``separators``, and slashes between spaces
    (``len(re.findall(r"\\s/\\s", title))``: a slash's spaces are not another's)."""
    cdef Shape shape = _title_shape(title, separators)
    return shape.words, shape.initials, shape.capitals, shape.marks


cdef struct Around:
    Py_ssize_t before, after, menu_run, to_prose


cdef Around _neighbourhood(const Py_ssize_t* counts, Py_ssize_t index, Py_ssize_t n, Py_ssize_t lookaround,
                           Py_ssize_t menu_most, Py_ssize_t prose_least) noexcept:
    """:func:`neighbourhood` on ``counts``, the words of lines ``0 .. n - 1``."""
    cdef Around around = Around(counts[index - 1] if index > 0 else 0, counts[index + 1] if index + 1 < n else 0, 0, 1)
    while around.menu_run < lookaround and index > around.menu_run and counts[index - around.menu_run - 1] <= menu_most:
        around.menu_run += 1
    while around.to_prose < lookaround and not (index + around.to_prose < n and counts[index + around.to_prose] >= prose_least):
        around.to_prose += 1
    return around


cdef Py_ssize_t* _counts_array(list counts, Py_ssize_t n) except NULL:
    """The first ``n`` of ``counts`` as a C array (free it); IndexError if there are fewer."""
    if len(counts) < n:
        raise IndexError("fewer counts than lines")
    cdef Py_ssize_t* array = <Py_ssize_t*>malloc(max(n, 1) * sizeof(Py_ssize_t))
    cdef Py_ssize_t i
    if array == NULL:
        raise MemoryError()
    for i in range(n):
        array[i] = counts[i]
    return array


def neighbourhood(list counts, Py_ssize_t index, Py_ssize_t n, Py_ssize_t lookaround, Py_ssize_t menu_most,
                  Py_ssize_t prose_least):
    """``(before, after, menu_run, to_prose)`` of line ``index`` of ``n``, from ``counts``, its lines' words (at
    least ``n`` of them; :func:`pipeline.text.titles._neighbourhood` says what each is)."""
    cdef Py_ssize_t* array = _counts_array(counts, n)
    cdef Around around = _neighbourhood(array, index, n, lookaround, menu_most, prose_least)
    free(array)
    return around.before, around.after, around.menu_run, around.to_prose


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


# --------------------------------------------------------------------------- title candidates' features

#: Bits of the filter that spares a body line's word runs the dictionary lookup: a run whose hash's bit is
#: clear is no candidate's topic word (a page's few dozen words set about 1% of them).
cdef enum:
    FILTER_WORDS = 64


cdef inline unsigned long long _mix(unsigned long long hash, unsigned int code) noexcept:
    """One step of FNV-1a over code points."""
    return (hash ^ code) * 1099511628211ULL


cdef unsigned long long _hash(str word) noexcept:
    cdef int kind = PyUnicode_KIND(word)
    cdef void* data = PyUnicode_DATA(word)
    cdef Py_ssize_t i
    cdef unsigned long long hash = 14695981039346656037ULL
    for i in range(PyUnicode_GET_LENGTH(word)):
        hash = _mix(hash, PyUnicode_READ(kind, data, i))
    return hash


cdef struct Limits:
    Py_ssize_t echo_reach, min_echo, dateline_reach, paragraphs, paragraph_words, topic_lines, topic_cap
    Py_ssize_t line_chars, shortest, lookaround, menu_most, prose_least


cdef void _count_uses(list texts, list kept, const Py_ssize_t* words, Py_ssize_t start, dict slots,
                      const unsigned long long* bloom, Py_ssize_t* uses, char* in_paragraphs, Py_ssize_t* seen_on,
                      Limits* limits) except *:
    """For each topic word in ``slots`` (word -> slot), in how many of the first ``topic_lines`` kept lines from
    ``start`` on it is a word run (``uses``), and whether it is one in one of the first ``paragraphs`` of those
    lines that have ``paragraph_words`` words (``in_paragraphs``); a line's words are those of its first
    ``line_chars`` characters, lower-cased."""
    cdef Py_ssize_t n = min(len(texts), len(kept)), index, line = 0, paragraphs = 0, i, run, length
    cdef bint paragraph
    cdef str text
    cdef int kind
    cdef void* data
    cdef unsigned long long hash
    cdef object slot
    for index in range(start, n):
        if line == limits.topic_lines:
            break
        if not kept[index]:
            continue
        paragraph = words[index] >= limits.paragraph_words and paragraphs < limits.paragraphs
        paragraphs += paragraph
        text = (<str>texts[index])[:limits.line_chars].lower()
        kind, data, length, i = PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text), 0
        while i < length:
            if not _is_word(PyUnicode_READ(kind, data, i)):
                i += 1
                continue
            run, hash = i, 14695981039346656037ULL
            while i < length and _is_word(PyUnicode_READ(kind, data, i)):
                hash = _mix(hash, PyUnicode_READ(kind, data, i))
                i += 1
            if i - run < limits.shortest or not (bloom[(hash >> 6) % FILTER_WORDS] >> (hash & 63)) & 1:
                continue
            slot = slots.get(text[run:i])
            if slot is not None and seen_on[<Py_ssize_t>slot] != line:
                seen_on[<Py_ssize_t>slot] = line
                uses[<Py_ssize_t>slot] += 1
                in_paragraphs[<Py_ssize_t>slot] |= paragraph
        line += 1


#: :func:`_last_lower` of a line whose lower case's last character its last one does not say (a final sigma).
cdef enum:
    ANY_LAST = 0x110000


cdef Py_UCS4 _last_lower(str text) except? 0x110001:
    """The last character of ``text.lower()`` (:data:`ANY_LAST` for an ending ``Σ``, which lowers to ``σ`` or ``ς``
    by what precedes it; ``str.lower`` maps every other character alone), and :data:`ANY_LAST` + 1 for ``""``."""
    cdef Py_ssize_t n = PyUnicode_GET_LENGTH(text)
    if n == 0:
        return ANY_LAST + 1
    cdef unsigned int c = PyUnicode_READ(PyUnicode_KIND(text), PyUnicode_DATA(text), n - 1)
    if c < 128:
        return (c | 0x20) if 0x41 <= c <= 0x5A else c
    if c == 0x3A3:
        return ANY_LAST
    cdef str lowered = text[n - 1:].lower()
    return PyUnicode_READ(PyUnicode_KIND(lowered), PyUnicode_DATA(lowered), PyUnicode_GET_LENGTH(lowered) - 1)


def last_lower(str text):
    """:func:`_last_lower` (for the tests)."""
    return <unsigned int>_last_lower(text)


cdef class _Reach:
    """The lines within reach of the candidates (``texts[low:high]``), lower-cased when needed: a line ends with a
    lower-cased title only if its lower case's last character is the title's (:func:`_last_lower`), which spares
    most lines, the article's paragraphs among them, their lowering."""
    cdef list texts, lowered
    cdef Py_ssize_t low, high
    cdef Py_UCS4* lasts
    cdef bint whole

    def __cinit__(self, list texts, Py_ssize_t low, Py_ssize_t high):
        cdef Py_ssize_t j
        self.texts, self.low, self.high = texts, low, min(high, len(texts))
        self.lowered = [None] * max(0, self.high - low)
        self.lasts = <Py_UCS4*>malloc((len(self.lowered) + 1) * sizeof(Py_UCS4))
        if self.lasts == NULL:
            raise MemoryError()
        self.whole = True
        for j in range(len(self.lowered)):
            text = <str>texts[low + j]
            self.lasts[j] = _last_lower(text)
            if "\n" in text:
                self.whole = False

    def __dealloc__(self):
        free(self.lasts)

    cdef str lower(self, Py_ssize_t j):
        if self.lowered[j] is None:
            self.lowered[j] = (<str>self.texts[self.low + j]).lower()
        return self.lowered[j]

    cdef bint echoes(self, str key, Py_ssize_t index, Py_ssize_t min_echo) except -1:
        """Whether a line other than line ``index`` and its copies ends with ``key``, lower-cased: ``ends.count(key +
        "\\n") > (reach.count(line) if line.endswith(key) else 0)``, ``reach`` the lines lower-cased, ``ends`` them
        joined and ended by newlines and ``line`` line ``index``'s. Without a newline inside a line (``whole``),
        that is a line ending with ``key`` and not equal to line ``index``."""
        cdef Py_ssize_t length = PyUnicode_GET_LENGTH(key), j
        if length < min_echo:
            return False
        cdef str line = self.lower(index - self.low)
        if not self.whole:
            reach = [self.lower(j) for j in range(len(self.lowered))]
            ends = "\n".join(reach) + "\n"
            return ends.count(key + "\n") > (reach.count(line) if line.endswith(key) else 0)
        cdef Py_UCS4 last = PyUnicode_READ(PyUnicode_KIND(key), PyUnicode_DATA(key), length - 1)
        for j in range(len(self.lowered)):
            if (self.lasts[j] == last or self.lasts[j] == ANY_LAST) and self.lower(j).endswith(key) \
                    and self.lower(j) != line:
                return True
        return False


def title_rows(list texts, list kept, list words, Py_ssize_t first_body, Py_ssize_t main, list candidates,
               list repeats, object is_dateline, object list_item, str separators, tuple limits, double[:, ::1] rows):
    """Fill ``rows`` with the features of the title ``candidates`` (``(index, title)``, in order of their lines) of
    the page ``texts``, in the order of :data:`pipeline.text.titles.FEATURES`, which says what each is; ``words``
    are the lines' words, ``repeats`` how often each candidate's line is on the page, ``is_dateline(index)`` and
    ``list_item(text)`` the tests of a line. ``limits`` are the constants of :mod:`pipeline.text.titles` named in
    :c:type:`Limits`. ``tests/test_meta_kernel.py`` compares the rows with the Python expressions on pages."""
    cdef Limits limit
    (limit.echo_reach, limit.min_echo, limit.dateline_reach, limit.paragraphs, limit.paragraph_words, limit.topic_lines,
     limit.topic_cap, limit.line_chars, limit.shortest, limit.lookaround, limit.menu_most, limit.prose_least) = limits
    cdef Py_ssize_t n = len(texts), k, count = len(candidates), index, slot, j, low, in_body, topic
    cdef Py_ssize_t* counts = _counts_array(words, n)
    cdef list keys = [], topics = []
    cdef dict slots = {}
    cdef unsigned long long bloom[FILTER_WORDS]
    cdef unsigned long long hash
    cdef Py_ssize_t* uses = NULL
    cdef Py_ssize_t* seen_on = NULL
    cdef char* in_paragraphs = NULL
    cdef _Reach reach
    cdef Shape shape
    cdef Around around
    cdef str title, key, word, line
    cdef set words_of
    for j in range(FILTER_WORDS):
        bloom[j] = 0
    try:
        for index, title in candidates:
            key = title.lower()
            words_of = _word_runs(key, limit.shortest)
            keys.append(key)
            topics.append(words_of)
            for word in words_of:
                if word not in slots:
                    slots[word] = len(slots)
                    hash = _hash(word)
                    bloom[(hash >> 6) % FILTER_WORDS] |= 1ULL << (hash & 63)
        uses = <Py_ssize_t*>malloc((len(slots) + 1) * sizeof(Py_ssize_t))
        seen_on = <Py_ssize_t*>malloc((len(slots) + 1) * sizeof(Py_ssize_t))
        in_paragraphs = <char*>malloc(len(slots) + 1)
        if uses == NULL or seen_on == NULL or in_paragraphs == NULL:
            raise MemoryError()
        for slot in range(len(slots)):
            uses[slot], seen_on[slot], in_paragraphs[slot] = 0, -1, 0
        _count_uses(texts, kept, counts, min(first_body, main), slots, bloom, uses, in_paragraphs, seen_on, &limit)
        if count:
            reach = _Reach(texts, max(0, <Py_ssize_t>candidates[0][0] - limit.echo_reach),
                           <Py_ssize_t>candidates[count - 1][0] + limit.echo_reach)
        for k in range(count):
            index, title = candidates[k]
            key, words_of = keys[k], topics[k]
            shape = _title_shape(title, separators)
            around = _neighbourhood(counts, index, n, limit.lookaround, limit.menu_most, limit.prose_least)
            in_body = topic = 0
            for word in words_of:
                slot = slots[word]
                in_body += in_paragraphs[slot]
                topic += min(uses[slot], limit.topic_cap)
            rows[k, 0] = shape.words
            rows[k, 1] = log1p(PyUnicode_GET_LENGTH(title))
            rows[k, 2] = <double>shape.capitals / max(1, shape.initials)
            rows[k, 3] = shape.marks
            rows[k, 4] = log1p(max(0, first_body - index))
            rows[k, 5] = min(max(0, index - first_body), limit.lookaround)
            rows[k, 6] = log1p(max(0, main - index))
            rows[k, 7] = min(max(0, index - main), limit.lookaround)
            rows[k, 8], rows[k, 9], rows[k, 10], rows[k, 11] = around.before, around.after, around.menu_run, around.to_prose
            rows[k, 12] = index > 0 and list_item(texts[index - 1]) is not None
            rows[k, 13] = 0.0
            for j in range(index + 1, min(n, index + 1 + limit.dateline_reach)):
                if is_dateline(j):
                    rows[k, 13] = 1.0
                    break
            rows[k, 14] = <Py_ssize_t>repeats[k] - 1
            rows[k, 15] = reach.echoes(key, index, limit.min_echo)
            rows[k, 16] = <double>in_body / len(words_of) if words_of else 0.0
            rows[k, 17] = in_body
            rows[k, 18] = <double>topic / len(words_of) if words_of else 0.0
            rows[k, 19] = topic
    finally:
        free(counts)
        free(uses)
        free(seen_on)
        free(in_paragraphs)


def candidate_lines(list texts, list counts, list indices, Py_ssize_t fewest, Py_ssize_t most, str sentence_end,
                    object list_item_or_url, tuple credit_words, object credit_hint, object split_title_byline,
                    object is_dateline):
    """``(index, title)`` of the lines at ``indices`` that are title candidates, in order:
    :func:`pipeline.text.titles.title_candidates`, which says what they are, with its tests of a line given
    (``list_item_or_url(text)`` and ``credit_hint(text)``, patterns' ``match`` and ``search``). A line holds
    a credit only if it holds one of ``credit_words``; a title's words are ``len(title.split())``."""
    cdef list found = []
    cdef Py_ssize_t index, words
    cdef str text, title, word
    cdef bint credit
    for index in indices:
        words = counts[index]
        if not fewest <= words <= 2 * most:
            continue
        text = texts[index]
        if list_item_or_url(text) is not None:
            continue
        title = text
        credit = False
        for word in credit_words:
            # (a word with a character wider than all of the line's is not in it)
            if PyUnicode_KIND(word) <= PyUnicode_KIND(text) and word in text:
                credit = True
                break
        if credit and credit_hint(text) is not None and (split := split_title_byline(text)):
            title = split[0]
        words = _title_shape(title, "").words
        if fewest <= words <= most and title[PyUnicode_GET_LENGTH(title) - 1] not in sentence_end \
                and not is_dateline(index):
            found.append((index, title))
    return found


cdef bint _has_words(int kind, void* data, Py_ssize_t n, Py_ssize_t least) noexcept:
    """Whether ``len(text.split()) >= least`` (a word: a run of characters that are not spaces)."""
    cdef Py_ssize_t i, words = 0
    cdef bint in_word = False, space
    if least <= 0:
        return True
    for i in range(n):
        space = Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, i))
        if not space and not in_word:
            words += 1
            if words >= least:
                return True
        in_word = not space
    return False


def first_prose_line(list texts, Py_ssize_t least_chars, Py_ssize_t least_words, str closers, str enders):
    """The index of the first line of ``texts`` with at least ``least_chars`` characters and ``least_words`` words
    (``len(text.split())``) that ends, less the ``closers`` after it (``text.rstrip(closers)``), with one of
    ``enders`` or one of them and a newline (``re.search(f"[{enders}]$", ...)``, as the pattern matches at the
    end); ``len(texts)`` if none (:func:`pipeline.stages.metadata.first_body_index`)."""
    cdef Py_ssize_t index = 0, n, end
    cdef int kind
    cdef void* data
    cdef str text
    for text in texts:
        kind, data, n = PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text)
        if n >= least_chars and _has_words(kind, data, n, least_words):
            end = n
            while end > 0 and _in(closers, PyUnicode_READ(kind, data, end - 1)):
                end -= 1
            if end >= 1 and _in(enders, PyUnicode_READ(kind, data, end - 1)) or \
                    end >= 2 and PyUnicode_READ(kind, data, end - 1) == u"\n" and _in(enders, PyUnicode_READ(kind, data, end - 2)):
                return index
        index += 1
    return index

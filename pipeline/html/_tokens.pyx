# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The token kernel: the class/id words of an element matched against the token classes, as
``TOKEN_SCAN.finditer`` would (``pipeline/html/tokens.py`` defines the classes, spells their
patterns out as steps, and says why this is compiled).

At each character of a word the alternatives are tried in the regex engine's order, but only those
whose first step can match that character there (a table per first character, one for the word's
first position and one for the others); the first that matches gives its class's bit, and the scan
goes on where it ended.
"""

from libc.stdint cimport uint32_t

cdef extern from "Python.h":
    int PyUnicode_KIND(object o)
    void* PyUnicode_DATA(object o)
    Py_UCS4 PyUnicode_READ(int kind, void* data, Py_ssize_t index)
    bint Py_UNICODE_ISALNUM(Py_UCS4 ch)

# Step kinds; keep in step with tokens.py.
cdef enum:
    LITERAL = 0
    IN_SET = 1
    NOT_IN_SET = 2
    START = 3
    END = 4
    WORD_RUN = 5
    MAX_ALTERNATIVES = 1024
    MAX_STEPS = 4096
    MAX_CHARS = 16384
    MAX_RANGES = 4096
    BUCKETS = 129          # ASCII characters, then every other character
    MAX_LISTED = 2 * BUCKETS * MAX_ALTERNATIVES

cdef int _bits[MAX_ALTERNATIVES]
cdef int _first_step[MAX_ALTERNATIVES + 1]
cdef int _step_kind[MAX_STEPS]
cdef int _step_start[MAX_STEPS]    # a literal's first character in _chars, a set's first range in _ranges
cdef int _step_length[MAX_STEPS]   # a literal's characters, a set's ranges
cdef Py_UCS4 _chars[MAX_CHARS]
cdef Py_UCS4 _low[MAX_RANGES]
cdef Py_UCS4 _high[MAX_RANGES]
# _listed[_list_start[table][bucket] : _list_start[table][bucket + 1]]: the alternatives to try there.
cdef int _list_start[2][BUCKETS + 1]
cdef int _listed[MAX_LISTED]
cdef bint _configured = False


cdef inline bint _in_ranges(int step, Py_UCS4 c):
    cdef int r
    for r in range(_step_start[step], _step_start[step] + _step_length[step]):
        if _low[r] <= c <= _high[r]:
            return True
    return False


cdef inline bint _is_word(Py_UCS4 c):
    return c == 0x5F or Py_UNICODE_ISALNUM(c)


cdef Py_ssize_t _match(int alternative, int kind, void* data, Py_ssize_t p, Py_ssize_t n):
    """Where ``alternative`` ends when matched at ``p``, or -1."""
    cdef int step, k, j, length
    for step in range(_first_step[alternative], _first_step[alternative + 1]):
        k = _step_kind[step]
        if k == LITERAL:
            length = _step_length[step]
            if p + length > n:
                return -1
            for j in range(length):
                if PyUnicode_READ(kind, data, p + j) != _chars[_step_start[step] + j]:
                    return -1
            p += length
        elif k == IN_SET or k == NOT_IN_SET:
            if p >= n or _in_ranges(step, PyUnicode_READ(kind, data, p)) != (k == IN_SET):
                return -1
            p += 1
        elif k == START:
            if p != 0:
                return -1
        elif k == END:
            if p != n:
                return -1
        else:  # WORD_RUN: the longest run (tokens.py checks that no shorter one is ever needed)
            while p < n and _is_word(PyUnicode_READ(kind, data, p)):
                p += 1
    return p


cdef bint _may_start(int alternative, bint at_start, int bucket):
    """Whether ``alternative`` may match at a position holding a character of ``bucket``."""
    cdef int step = _first_step[alternative]
    cdef int k = _step_kind[step]
    if k == START:
        return at_start and (_first_step[alternative + 1] == step + 1 or _may_start_at(step + 1, bucket))
    return _may_start_at(step, bucket)


cdef bint _may_start_at(int step, int bucket):
    cdef int k = _step_kind[step]
    cdef Py_UCS4 first
    if k == LITERAL:
        first = _chars[_step_start[step]]
        return first == <Py_UCS4>bucket if bucket < 128 else first >= 128
    if k == IN_SET or k == NOT_IN_SET:
        if bucket >= 128:
            return True  # any character past ASCII: decided when matched
        return _in_ranges(step, <Py_UCS4>bucket) == (k == IN_SET)
    if k == END:
        return False  # a position holding a character is not the end
    return True


cdef dict _cache = {}
cdef Py_ssize_t _cache_size = 0


def configure(list alternatives, Py_ssize_t cache_size):
    """Load the alternatives of ``tokens.alternatives`` (called once, by tokens.py)."""
    global _configured, _cache_size
    cdef int a = 0, s = 0, c = 0, r = 0, listed = 0, table, bucket
    if len(alternatives) > MAX_ALTERNATIVES:
        raise ValueError("too many token alternatives for the kernel")
    for bit, steps in alternatives:
        if not 0 <= bit < 32:
            raise ValueError("a token class bit is 0 to 31")
        _bits[a] = bit
        _first_step[a] = s
        for step in steps:
            if s >= MAX_STEPS:
                raise ValueError("too many token steps for the kernel")
            _step_kind[s] = step[0]
            if step[0] == LITERAL:
                if c + len(step[1]) > MAX_CHARS:
                    raise ValueError("too many token characters for the kernel")
                _step_start[s], _step_length[s] = c, len(step[1])
                for character in step[1]:
                    _chars[c] = ord(character)
                    c += 1
            elif step[0] == IN_SET or step[0] == NOT_IN_SET:
                if r + len(step[1]) > MAX_RANGES:
                    raise ValueError("too many token ranges for the kernel")
                _step_start[s], _step_length[s] = r, len(step[1])
                for low, high in step[1]:
                    _low[r], _high[r] = low, high
                    r += 1
            s += 1
        a += 1
    _first_step[a] = s
    for table in range(2):
        for bucket in range(BUCKETS):
            _list_start[table][bucket] = listed
            for alternative in range(a):
                if _may_start(alternative, table == 0, bucket):
                    _listed[listed] = alternative
                    listed += 1
        _list_start[table][BUCKETS] = listed
    _cache.clear()
    _cache_size = cache_size
    _configured = True


cdef uint32_t _scan(str word):
    cdef int kind = PyUnicode_KIND(word)
    cdef void* data = PyUnicode_DATA(word)
    cdef Py_ssize_t n = len(word), p = 0, end
    cdef int table, bucket, i
    cdef uint32_t bits = 0
    cdef Py_UCS4 c
    while p < n:
        c = PyUnicode_READ(kind, data, p)
        table = 0 if p == 0 else 1
        bucket = <int>c if c < 128 else 128
        end = -1
        for i in range(_list_start[table][bucket], _list_start[table][bucket + 1]):
            end = _match(_listed[i], kind, data, p, n)
            if end >= 0:
                bits |= <uint32_t>1 << _bits[_listed[i]]
                break
        p = end if end >= 0 else p + 1  # every alternative takes a character (tokens.py checks)
    return bits


def scan(str word):
    """The token-class bits of one lower-cased word."""
    if not _configured:
        raise RuntimeError("the token kernel is not configured")
    return _scan(word)


def scan_value(str value):
    """The token-class bits of a ``class``/``id`` value: its whitespace-separated words, lower-cased."""
    cdef uint32_t bits = 0
    if not _configured:
        raise RuntimeError("the token kernel is not configured")
    for word in value.split():
        bits |= _scan(word.lower())
    return bits


def value_flags(str value):
    """The token-class bits of a ``class``/``id`` value (:func:`scan_value`), remembered for the last
    ``cache_size`` distinct values (cleared when full): templates repeat their ``class`` values element
    after element and page after page. The walk asks once for each ``class`` and ``id`` of a page, so
    the cache is read here, without a Python call around it."""
    found = _cache.get(value)
    if found is not None:
        return found
    bits = scan_value(value)
    if len(_cache) >= _cache_size:
        _cache.clear()
    _cache[value] = bits
    return bits

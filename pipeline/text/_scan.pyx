# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The line scan kernel: one pass over the characters of many lines, counting what every later
decision needs (``pipeline/text/scan.py`` builds the tables, names the columns and documents them).

A loop no library covers: per line, character classes, three kinds of words (whitespace words;
stopword tokens; function words as ``pipeline.stages.language`` reads them), their word-list hits
by 64-bit hash, script letters, the Arabic-script letter signals, a few shapes (bullets, numeric
dates, ellipses) and the hash of the line's normal form (case-folded, leading bullets and spacing
ignored). This file only follows the tables it is given.
"""

from libc.stdint cimport int32_t, uint8_t, uint16_t, uint32_t, uint64_t
from libc.stdlib cimport free, realloc

cdef extern from *:
    int __builtin_ctzll(unsigned long long x) nogil

cdef extern from "Python.h":
    int PyUnicode_KIND(object o)
    void* PyUnicode_DATA(object o)
    Py_ssize_t PyUnicode_GET_LENGTH(object o)
    Py_UCS4 PyUnicode_READ(int kind, void* data, Py_ssize_t index)
    object PyUnicode_FromKindAndData(int kind, const void* buffer, Py_ssize_t size)

# Columns: keep in step with COLUMNS in scan.py (a test checks the count).
cdef enum:
    N_COLUMNS = 49
    C_CHARS = 0
    C_CLASS0 = 1          # 1..10: characters of classes 0..9
    C_WORDS = 11
    C_TITLE_WORDS = 12
    C_GLUED = 13
    C_FIRST = 14
    C_END = 15
    C_TAIL = 16
    C_ELLIPSIS = 17
    C_STOP_TOKENS = 18
    C_STOPWORDS = 19
    C_SAMPLE = 20
    C_SAMPLE_ASCII = 21
    C_NONASCII_LETTERS = 22
    C_ASCII_LETTERS = 23
    C_ARABIC_LETTERS = 24
    C_LATIN_LETTERS = 25
    C_LETTERS = 26
    C_ACCENTS = 27
    C_FW_WORDS = 28
    C_EN_WORDS = 29
    C_FOREIGN_WORDS = 30
    C_SIGNAL0 = 31        # 31..38: Arabic-script letter signals 1..8
    C_AR_WORDS = 39
    C_FA_WORDS = 40
    C_UR_WORDS = 41
    C_SPECIAL = 42
    C_BULLET = 43
    C_DATE = 44
    C_MONTH_WORDS = 45
    C_BYLINE = 46
    C_POLICY_WORDS = 47
    C_GATE = 48              # bits of the caller's head table that the line's first characters hit

# Character flags.
cdef enum:
    F_SPACE = 1
    F_PUNCT = 2
    F_LETTER = 4
    F_ALNUM = 8
    F_CLOSER = 16
    F_SPECIAL = 32
    F_MARK = 64
    F_BULLET = 128

# Script bits.
cdef enum:
    S_ASCII_LETTER = 1
    S_ARABIC = 2
    S_LATIN = 4
    S_ACCENT = 8

# Word-list bits.
cdef enum:
    W_STOP = 1
    W_EN = 2
    W_FOREIGN = 4
    W_AR = 8
    W_FA = 16
    W_UR = 32
    W_MONTH = 64
    W_BYLINE = 128
    W_BYLINE_FIRST = 256
    W_BY = 512
    W_POLICY = 1024

cdef enum:
    C_UPPER = 1
    C_LOWER = 2
    C_DIGIT = 3
    C_ARABIC = 4

cdef uint64_t FNV_OFFSET = 0xcbf29ce484222325ULL
cdef uint64_t FNV_PRIME = 0x100000001b3ULL


cdef inline uint64_t mix(uint64_t h, uint32_t c) noexcept nogil:
    return (h ^ c) * FNV_PRIME


cdef inline uint64_t finish(uint64_t h) noexcept nogil:
    # splitmix64's finaliser: nearby strings land far apart.
    h ^= h >> 30
    h *= 0xbf58476d1ce4e5b9ULL
    h ^= h >> 27
    h *= 0x94d049bb133111ebULL
    h ^= h >> 31
    return h


cdef inline int lookup(const uint64_t* hashes, const uint16_t* bits, Py_ssize_t count, uint64_t h) noexcept nogil:
    """The word-list bits of hash ``h``: an open-addressed table of ``count`` (a power of two) slots,
    probed from ``h``'s low bits; 0 marks an empty slot (no word hashes to 0)."""
    cdef Py_ssize_t mask = count - 1, slot
    if count == 0:
        return 0
    slot = <Py_ssize_t>(h & <uint64_t>mask)
    while hashes[slot] != 0:
        if hashes[slot] == h:
            return bits[slot]
        slot = (slot + 1) & mask
    return 0


def text_hash(str text):
    """The hash the scan gives a string made of ``text``'s code points (a word as the lists hold it,
    or a line's normal form)."""
    cdef uint64_t h = FNV_OFFSET
    cdef Py_UCS4 c
    for c in text:
        h = mix(h, c)
    return finish(h)


cdef inline uint8_t flag_of(Py_UCS4 c, const uint8_t* flags) noexcept nogil:
    return flags[c] if c < 0x10000 else (F_LETTER | F_ALNUM | F_SPECIAL)


cdef inline uint64_t key_hash(int kind, void* data, Py_ssize_t i, Py_ssize_t n, const uint8_t* flags,
                              const uint32_t* fold, bint* special) noexcept:
    """FNV over a line's normal form from ``i`` on: folded characters, a run of spaces as one space, none
    at the ends; 0 for a line with nothing in it. A character the tables cannot follow (F_SPECIAL) sets
    ``special`` and stops: that line's key is the caller's to make."""
    cdef uint64_t h = FNV_OFFSET
    cdef bint space = False, started = False
    cdef Py_UCS4 c
    cdef uint8_t f
    while i < n:
        c = PyUnicode_READ(kind, data, i)
        f = flag_of(c, flags)
        if f & F_SPECIAL:
            special[0] = True
            return 0
        if f & F_SPACE:
            space = started
        else:
            if space:
                h = mix(h, 32)
                space = False
            h = mix(h, fold[c])
            started = True
        i += 1
    return finish(h) if started else 0


def scan(list texts, const uint8_t[:] class_table, const uint8_t[:] flag_table, const uint8_t[:] script_table,
         const uint8_t[:] signal_table, const uint32_t[:] lower_table, const uint32_t[:] fold_table,
         const uint64_t[:] hash_table, const uint16_t[:] bit_table, int32_t[:, :] out, uint64_t[:] keys,
         Py_ssize_t sample_chars, Py_ssize_t head_chars, const uint32_t[:] head_fold_table,
         const uint64_t[:] head_hash_table, const uint16_t[:] head_bit_table, int plain_bits, int bulleted_bits,
         Py_ssize_t head_length):
    """Fill ``out`` (lines x N_COLUMNS) and ``keys`` (each line's normal-form hash; 0 when empty)."""
    cdef Py_ssize_t row, i, n, sample_end, head_end, key_start, tail_index, end_index, tokens
    cdef int kind, cls, bits, first_bits
    cdef uint8_t f
    cdef void* data
    cdef Py_UCS4 c, lc, previous
    cdef bint in_word, word_upper, in_raw, in_stop, in_fw, fw_apostrophe, key_special = False
    cdef uint64_t raw_h, stop_h, fw_h
    cdef int32_t* r
    cdef str text
    if out.shape[1] != N_COLUMNS or out.shape[0] < len(texts) or keys.shape[0] < len(texts):
        raise ValueError("the output arrays have the wrong shape")
    if min(class_table.shape[0], flag_table.shape[0], script_table.shape[0], signal_table.shape[0],
           lower_table.shape[0], fold_table.shape[0]) != 0x10000:
        raise ValueError("a character table must have 65536 entries")
    if len(texts) == 0:
        return
    cdef const uint8_t* classes = &class_table[0]
    cdef const uint8_t* flags = &flag_table[0]
    cdef const uint8_t* script = &script_table[0]
    cdef const uint8_t* signal = &signal_table[0]
    cdef const uint32_t* lower = &lower_table[0]
    cdef const uint32_t* fold = &fold_table[0]
    cdef Py_ssize_t count = hash_table.shape[0]
    cdef const uint64_t* hashes = &hash_table[0] if count else NULL
    cdef const uint16_t* word_bits = &bit_table[0] if count else NULL
    cdef const uint32_t* head_fold = &head_fold_table[0]
    cdef Py_ssize_t head_count = head_hash_table.shape[0]
    cdef const uint64_t* head_hashes = &head_hash_table[0] if head_count else NULL
    cdef const uint16_t* head_bits = &head_bit_table[0] if head_count else NULL
    for row in range(len(texts)):
        text = texts[row]
        n = PyUnicode_GET_LENGTH(text)
        kind = PyUnicode_KIND(text)
        data = PyUnicode_DATA(text)
        r = &out[row, 0]
        for i in range(N_COLUMNS):
            r[i] = 0
        sample_end = n if n < sample_chars else sample_chars
        head_end = sample_end if sample_end < head_chars else head_chars
        r[C_CHARS] = <int32_t>n
        r[C_SAMPLE] = <int32_t>sample_end
        r[C_SAMPLE_ASCII] = 1
        in_word = word_upper = in_raw = in_stop = in_fw = fw_apostrophe = False
        raw_h = stop_h = fw_h = FNV_OFFSET
        previous = 0
        tail_index = end_index = -1
        tokens = 0
        first_bits = 0
        key_start = 0
        while key_start < n:  # leading bullets and spaces are not part of the normal form
            c = PyUnicode_READ(kind, data, key_start)
            if flag_of(c, flags) & (F_SPACE | F_BULLET):
                key_start += 1
            else:
                break
        for i in range(n + 1):
            if i < n:
                c = PyUnicode_READ(kind, data, i)
                f = flag_of(c, flags)
                if c < 0x10000:
                    cls = classes[c]
                    lc = lower[c]
                else:
                    cls = 0
                    lc = c
                if f & F_SPECIAL:
                    r[C_SPECIAL] += 1
                r[C_CLASS0 + cls] += 1
                if i < sample_end:
                    if c >= 128:
                        r[C_SAMPLE_ASCII] = 0
                    if c < 0x10000:
                        if script[c] & S_ASCII_LETTER:
                            r[C_ASCII_LETTERS] += 1
                        if script[c] & S_ARABIC:
                            r[C_ARABIC_LETTERS] += 1
                        if script[c] & S_LATIN:
                            r[C_LATIN_LETTERS] += 1
                        if script[c] & S_ACCENT:
                            r[C_ACCENTS] += 1
                        if signal[c]:
                            r[C_SIGNAL0 + signal[c] - 1] += 1
                    if f & F_LETTER:
                        r[C_LETTERS] += 1
                        if c >= 128:
                            r[C_NONASCII_LETTERS] += 1
                if not (f & F_SPACE):
                    tail_index = i
                    if not (f & F_CLOSER):
                        end_index = i
                if cls == C_UPPER and previous != 0 and previous < 0x10000 and classes[previous] == C_LOWER:
                    r[C_GLUED] += 1
            else:
                c = 32
                f = F_SPACE
                cls = 0
                lc = 32
            # Whitespace words, and whether each starts with a capital.
            if f & F_SPACE:
                if in_word:
                    r[C_WORDS] += 1
                    if word_upper:
                        r[C_TITLE_WORDS] += 1
                    in_word = False
            elif not in_word:
                in_word = True
                word_upper = cls == C_UPPER
            # Whitespace words of the sample, as they are: the Arabic, Persian and Urdu word lists.
            if in_raw and (f & F_SPACE or i >= sample_end):
                bits = lookup(hashes, word_bits, count, finish(raw_h))
                if bits & W_AR:
                    r[C_AR_WORDS] += 1
                if bits & W_FA:
                    r[C_FA_WORDS] += 1
                if bits & W_UR:
                    r[C_UR_WORDS] += 1
                in_raw = False
            elif not (f & F_SPACE) and i < sample_end:
                if not in_raw:
                    in_raw = True
                    raw_h = FNV_OFFSET
                raw_h = mix(raw_h, c)
            # Stopword tokens: lower-cased, between spaces and punctuation; they also tell months and bylines.
            if f & (F_SPACE | F_PUNCT):
                if in_stop:
                    bits = lookup(hashes, word_bits, count, finish(stop_h))
                    r[C_STOP_TOKENS] += 1
                    if bits & W_STOP:
                        r[C_STOPWORDS] += 1
                    if bits & W_MONTH:
                        r[C_MONTH_WORDS] += 1
                    if bits & W_POLICY:
                        r[C_POLICY_WORDS] += 1
                    if tokens == 0:
                        first_bits = bits
                    elif tokens == 1 and (first_bits & W_BYLINE_FIRST) and (bits & W_BY):
                        first_bits |= W_BYLINE
                    tokens += 1
                    in_stop = False
            else:
                if not in_stop:
                    in_stop = True
                    stop_h = FNV_OFFSET
                if not (f & F_MARK):
                    stop_h = mix(stop_h, lc)
            # Function words of the head: [^\W\d_]+(?:'[^\W\d_]+)? not touching a letter or digit.
            if i <= head_end:
                if in_fw:
                    if i < head_end and f & F_LETTER:
                        if not (f & F_MARK):
                            fw_h = mix(fw_h, lc)
                    elif i + 1 < head_end and c == 39 and not fw_apostrophe and \
                            flag_of(PyUnicode_READ(kind, data, i + 1), flags) & F_LETTER:
                        fw_apostrophe = True
                        fw_h = mix(fw_h, 39)
                    else:
                        in_fw = False
                        if i == head_end or not (f & F_ALNUM):
                            r[C_FW_WORDS] += 1
                            bits = lookup(hashes, word_bits, count, finish(fw_h))
                            if bits & W_EN:
                                r[C_EN_WORDS] += 1
                            if bits & W_FOREIGN:
                                r[C_FOREIGN_WORDS] += 1
                if not in_fw and i < head_end and f & F_LETTER and \
                        (previous == 0 or not (flag_of(previous, flags) & F_ALNUM)):
                    in_fw = True
                    fw_apostrophe = False
                    fw_h = FNV_OFFSET if f & F_MARK else mix(FNV_OFFSET, lc)
            previous = c if i < n else 0
        if tail_index >= 0:
            c = PyUnicode_READ(kind, data, tail_index)
            r[C_TAIL] = <int32_t>c
            if c == 0x2026 or (c == 46 and tail_index >= 2 and PyUnicode_READ(kind, data, tail_index - 1) == 46
                               and PyUnicode_READ(kind, data, tail_index - 2) == 46):
                r[C_ELLIPSIS] = 1
        if end_index >= 0:
            r[C_END] = <int32_t>PyUnicode_READ(kind, data, end_index)
        if n:
            r[C_FIRST] = <int32_t>PyUnicode_READ(kind, data, 0)
            r[C_BULLET] = bullet_start(kind, data, n, flags)
            if r[C_CLASS0 + C_DIGIT]:  # (a date needs an ASCII digit, which counts as a digit)
                r[C_DATE] = numeric_date(kind, data, n, classes)
        r[C_BYLINE] = 1 if first_bits & W_BYLINE else 0
        keys[row] = key_hash(kind, data, key_start, n, flags, fold, &key_special)
        if head_count:
            r[C_GATE] = head_gate(kind, data, n, flags, head_fold, head_hashes, head_bits, head_count,
                                  plain_bits, bulleted_bits, head_length)


cdef int head_gate(int kind, void* data, Py_ssize_t n, const uint8_t* flags, const uint32_t* head_fold,
                   const uint64_t* hashes, const uint16_t* bits, Py_ssize_t count, int plain_bits, int bulleted_bits,
                   Py_ssize_t length) noexcept:
    """The head table's bits that the line's first ``length`` folded characters (after leading spaces)
    hit, as a prefix of any length; then the same after leading bullets, for the bulleted heads."""
    cdef Py_ssize_t i = 0, j, k
    cdef Py_UCS4 c
    cdef uint32_t folded
    cdef uint64_t h
    cdef int found = 0, pass_number, mask
    while i < n:  # the line folded, then stripped: dropped characters and spaces before the head
        c = PyUnicode_READ(kind, data, i)
        folded = head_fold[c] if c < 0x10000 else c
        if folded == 0 or flag_of(c, flags) & F_SPACE:
            i += 1
        else:
            break
    for pass_number in range(2):
        j = i
        mask = plain_bits
        if pass_number:
            mask = bulleted_bits
            while j < n:
                c = PyUnicode_READ(kind, data, j)
                folded = head_fold[c] if c < 0x10000 else c
                if folded == 0 or (folded < 0x10000 and flags[folded] & (F_BULLET | F_SPACE)):
                    j += 1
                else:
                    break
        h = FNV_OFFSET
        k = 0
        while j < n and k < length:
            c = PyUnicode_READ(kind, data, j)
            j += 1
            folded = head_fold[c] if c < 0x10000 else c
            if folded == 0:
                continue
            h = mix(h, folded)
            k += 1
            found |= lookup(hashes, bits, count, finish(h)) & mask
    return found


cdef inline bint digit_at(int kind, void* data, Py_ssize_t i, Py_ssize_t n) noexcept:
    cdef Py_UCS4 c
    if i < 0 or i >= n:
        return False
    c = PyUnicode_READ(kind, data, i)
    return 48 <= c <= 57


cdef inline bint word_at(int kind, void* data, Py_ssize_t i, Py_ssize_t n, const uint8_t* classes) noexcept:
    cdef Py_UCS4 c
    if i < 0 or i >= n:
        return False
    c = PyUnicode_READ(kind, data, i)
    return c >= 0x10000 or C_UPPER <= classes[c] <= C_ARABIC


cdef int bullet_start(int kind, void* data, Py_ssize_t n, const uint8_t* flags) noexcept:
    """1 when the line starts as ``^([*•·+\\-–—▪►◦●>]|\\d{1,2}[.)](\\s|$))`` does."""
    cdef Py_UCS4 c = PyUnicode_READ(kind, data, 0)
    cdef Py_ssize_t i = 0
    if c < 0x10000 and flags[c] & F_BULLET and c != 124 and c != 187:  # "|" and "»" lead menus, not lists
        return 1
    while i < n and i < 2 and digit_at(kind, data, i, n):
        i += 1
    if i == 0 or i >= n:
        return 0
    c = PyUnicode_READ(kind, data, i)
    if c != 46 and c != 41:
        return 0
    if i + 1 == n:
        return 1
    return 1 if flag_of(PyUnicode_READ(kind, data, i + 1), flags) & F_SPACE else 0


cdef int numeric_date(int kind, void* data, Py_ssize_t n, const uint8_t* classes) noexcept:
    """1 when a digit run that no word character precedes is shaped like d{1,2}[/.-]d{1,2}[/.-]d{2,4},
    dddd-dd-dd, d{1,2}:dd or a year 19dd/20dd, and no word character follows the shape."""
    cdef Py_ssize_t i = 0, j, k, m, a, b
    cdef Py_UCS4 s1, s2, c
    while i < n:
        if not digit_at(kind, data, i, n) or word_at(kind, data, i - 1, n, classes):
            i += 1
            continue
        j = i
        while j < n and digit_at(kind, data, j, n):
            j += 1
        a = j - i
        if a == 4 and not word_at(kind, data, j, n, classes):
            c = PyUnicode_READ(kind, data, i)
            s1 = PyUnicode_READ(kind, data, i + 1)
            if (c == 49 and s1 == 57) or (c == 50 and s1 == 48):
                return 1
        if j < n:
            s1 = PyUnicode_READ(kind, data, j)
            if a <= 2 and s1 == 58 and digit_at(kind, data, j + 1, n) and digit_at(kind, data, j + 2, n) \
                    and not word_at(kind, data, j + 3, n, classes):
                return 1
            if s1 == 47 or s1 == 46 or s1 == 45:
                k = j + 1
                while k < n and digit_at(kind, data, k, n):
                    k += 1
                b = k - j - 1
                if a == 4 and s1 == 45 and b == 2 and k < n and PyUnicode_READ(kind, data, k) == 45 \
                        and digit_at(kind, data, k + 1, n) and digit_at(kind, data, k + 2, n) \
                        and not word_at(kind, data, k + 3, n, classes):
                    return 1
                if a <= 2 and 1 <= b <= 2 and k < n:
                    s2 = PyUnicode_READ(kind, data, k)
                    if s2 == 47 or s2 == 46 or s2 == 45:
                        m = k + 1
                        while m < n and digit_at(kind, data, m, n):
                            m += 1
                        if 2 <= m - k - 1 <= 4 and not word_at(kind, data, m, n, classes):
                            return 1
        i = j
    return 0


def keys(list texts, const uint8_t[:] flag_table, const uint32_t[:] fold_table, uint64_t[:] out):
    """Only the normal-form hash of each line (as ``scan`` gives it in ``keys``); returns the indices of
    the lines with characters the tables cannot follow (their keys are the caller's to make)."""
    cdef Py_ssize_t row, i, n
    cdef int kind
    cdef void* data
    cdef bint special_line
    cdef const uint8_t* flags = &flag_table[0]
    cdef const uint32_t* fold = &fold_table[0]
    cdef str text
    special = []
    if out.shape[0] < len(texts):
        raise ValueError("the output array is too short")
    for row in range(len(texts)):
        text = texts[row]
        n = PyUnicode_GET_LENGTH(text)
        kind = PyUnicode_KIND(text)
        data = PyUnicode_DATA(text)
        i = 0
        while i < n and flag_of(PyUnicode_READ(kind, data, i), flags) & (F_SPACE | F_BULLET):
            i += 1
        special_line = False
        out[row] = key_hash(kind, data, i, n, flags, fold, &special_line)
        if special_line:
            special.append(row)
    return special


def gates(list texts, const uint8_t[:] flag_table, const uint32_t[:] head_fold_table,
          const uint64_t[:] head_hash_table, const uint16_t[:] head_bit_table, int plain_bits, int bulleted_bits,
          Py_ssize_t head_length, int32_t[:] out):
    """Only the gate bits of each line (as ``scan`` gives them in its gate column), for lines already
    scanned without a gate."""
    cdef Py_ssize_t row, head_count = head_hash_table.shape[0]
    cdef str text
    if out.shape[0] < len(texts):
        raise ValueError("the output array is too short")
    if flag_table.shape[0] != 0x10000 or head_fold_table.shape[0] != 0x10000:
        raise ValueError("a character table must have 65536 entries")
    if head_count == 0:
        for row in range(len(texts)):
            out[row] = 0
        return
    cdef const uint8_t* flags = &flag_table[0]
    cdef const uint32_t* head_fold = &head_fold_table[0]
    cdef const uint64_t* head_hashes = &head_hash_table[0]
    cdef const uint16_t* head_bits = &head_bit_table[0]
    for row in range(len(texts)):
        text = texts[row]
        out[row] = head_gate(PyUnicode_KIND(text), PyUnicode_DATA(text), PyUnicode_GET_LENGTH(text), flags, head_fold,
                             head_hashes, head_bits, head_count, plain_bits, bulleted_bits, head_length)


cdef inline uint64_t literals_in(const Py_UCS4* line, Py_ssize_t size, const uint64_t* first_masks,
                                 const uint32_t* codes, const Py_ssize_t* starts) noexcept nogil:
    """The bits of the literals (``codes[starts[j]:starts[j + 1]]`` for literal ``j``) that ``line`` holds;
    ``first_masks[c & 255]`` has the bits of the literals whose first character ``c`` might be."""
    cdef uint64_t found = 0, candidates
    cdef Py_ssize_t p, j, length, k
    for p in range(size):
        candidates = first_masks[(<uint32_t>line[p]) & 255] & ~found
        while candidates:
            j = __builtin_ctzll(candidates)
            candidates &= candidates - 1
            length = starts[j + 1] - starts[j]
            if length > size - p:
                continue
            k = 0
            while k < length and <uint32_t>line[p + k] == codes[starts[j] + k]:
                k += 1
            if k == length:
                found |= (<uint64_t>1) << j
    return found


def fold_lines(list texts, const uint32_t[:] fold_table, const uint8_t[:] flag_table,
               const uint32_t[::1] literal_codes=None, const Py_ssize_t[::1] literal_starts=None,
               uint64_t[::1] holding=None):
    """Each line as ``fold_table`` folds it a character at a time (0 drops a character), a newline as a
    space, stripped of whitespace at both ends; None for a line with a character the tables cannot
    follow (its fold may depend on its neighbours or be longer: the caller folds that line); and the
    indices of those lines. With ``literal_codes`` (literals' code points one after another, literal
    ``j`` from ``literal_starts[j]`` to ``literal_starts[j + 1]``; 64 at most), ``holding[row]`` gets bit
    ``j`` when the folded line holds literal ``j`` (0 for the lines left to the caller)."""
    cdef Py_ssize_t row, i, n, size, start, stop, capacity = 0, j, literals = 0
    cdef int kind
    cdef void* data
    cdef Py_UCS4 c
    cdef uint32_t folded
    cdef bint special
    cdef Py_UCS4* buffer = NULL
    cdef Py_UCS4* grown
    cdef str text
    cdef uint64_t first_masks[256]
    if fold_table.shape[0] != 0x10000 or flag_table.shape[0] != 0x10000:
        raise ValueError("a character table must have 65536 entries")
    if literal_codes is not None:
        literals = literal_starts.shape[0] - 1
        if literals > 64 or holding is None or holding.shape[0] < len(texts) or \
                literal_starts[literals] > literal_codes.shape[0]:
            raise ValueError("at most 64 literals, and a holding mask per line")
    for i in range(256):
        first_masks[i] = 0
    for j in range(literals):
        if literal_starts[j + 1] > literal_starts[j]:
            first_masks[literal_codes[literal_starts[j]] & 255] |= (<uint64_t>1) << j
    cdef const uint32_t* fold = &fold_table[0]
    cdef const uint8_t* flags = &flag_table[0]
    found = [None] * len(texts)
    special_rows = []
    try:
        for row in range(len(texts)):
            text = texts[row]
            n = PyUnicode_GET_LENGTH(text)
            kind = PyUnicode_KIND(text)
            data = PyUnicode_DATA(text)
            if literals:
                holding[row] = 0
            if n > capacity:
                grown = <Py_UCS4*>realloc(buffer, max(n, 256) * sizeof(Py_UCS4))
                if grown == NULL:
                    raise MemoryError()
                buffer, capacity = grown, max(n, 256)
            size = 0
            special = False
            for i in range(n):
                c = PyUnicode_READ(kind, data, i)
                if c == 0 or flag_of(c, flags) & F_SPECIAL:  # (a NUL's fold, itself, reads as "dropped")
                    special = True
                    break
                folded = fold[c]
                if folded == 0:
                    continue
                buffer[size] = 32 if folded == 10 else folded
                size += 1
            if special:
                special_rows.append(row)
                continue
            start, stop = 0, size
            while start < stop and flag_of(buffer[start], flags) & F_SPACE:
                start += 1
            while stop > start and flag_of(buffer[stop - 1], flags) & F_SPACE:
                stop -= 1
            found[row] = PyUnicode_FromKindAndData(4, buffer + start, stop - start)
            if literals:
                holding[row] = literals_in(buffer + start, stop - start, first_masks, &literal_codes[0],
                                           &literal_starts[0])
    finally:
        free(buffer)
    return found, special_rows

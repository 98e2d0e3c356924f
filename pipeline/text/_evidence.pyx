# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The line-language stage's decisions from the line scan's counts, one pass over the rows of the scan
(:func:`pipeline.stages.language._cheap_languages` says what each test means): numpy over the scan's
columns read each column with a stride of the whole row, a few dozen times. The operations are numpy's,
in numpy's order (integers summed as integers, then to float64), so every comparison comes out the same;
``tests/test_language.py`` compares :func:`decide` with the numpy reference on the scans of many lines.
"""

import numpy as np

from libc.stdint cimport int8_t, int32_t, int64_t

#: The scan columns :func:`decide` reads, in this order (``cols`` holds their indices).
COLUMNS_READ = (
    "sample", "nonascii-letters", "arabic-letters", "latin-letters", "letters", "ascii-letters", "fw-words",
    "en-words", "foreign-words", "accents", "signal-fa", "signal-ur", "signal-ku", "signal-ps", "signal-shared",
    "signal-forms", "fa-words", "ur-words", "signal-spelling", "signal-ar-forms", "ar-words", "special",
)


def decide(const int32_t[:, ::1] facts, const Py_ssize_t[::1] cols, double min_words, double min_english_share,
           double min_accents, double min_accent_share, double min_foreign_words, double min_foreign_share,
           double min_letters, double strong_weight, double weak_weight, double function_word_weight,
           double letter_margin):
    """``(decided, rest, kinds, other, total)``: per line 0 (English), 1 (Arabic) or 2 (undetermined) as
    the counts alone decide it; the lines left to Python and what each is (0 special, 1 Latin script,
    2 Arabic script, 3 another script); per line the letters of other scripts counted and the letters."""
    cdef Py_ssize_t n = facts.shape[0], row
    cdef int8_t[::1] decided = np.zeros(n, dtype=np.int8)
    cdef int64_t[::1] other_out = np.zeros(n, dtype=np.int64), total_out = np.zeros(n, dtype=np.int64)
    cdef list rest = [], kinds = []
    cdef int64_t sample, arabic, latin, other, total, words, english, foreign, accents
    cdef bint ascii_only, is_english, foreign_signs, undetermined, arabic_script, latin_script, says_arabic, special
    cdef double non_arabic, arabic_evidence
    cdef const int32_t* r
    for row in range(n):
        r = &facts[row, 0]
        sample = r[cols[0]]
        ascii_only = r[cols[1]] == 0
        arabic, latin = r[cols[2]], r[cols[3]]
        other = 0
        if 2 * max(arabic, latin) < sample:
            other = max(r[cols[4]] - arabic - latin, 0)
        total = r[cols[5]] if ascii_only else arabic + latin + other
        words, english, foreign, accents = r[cols[6]], r[cols[7]], r[cols[8]], r[cols[9]]
        is_english = words >= min_words and english >= min_english_share * words and english > foreign
        foreign_signs = (accents >= min_accents and accents >= min_accent_share * sample) or (
            foreign >= min_foreign_words and foreign >= min_foreign_share * words and foreign >= english)
        undetermined = sample < min_letters or total < min_letters
        arabic_script = not ascii_only and arabic >= latin and arabic >= other
        latin_script = not arabic_script and (ascii_only or latin >= other)
        non_arabic = (strong_weight * <double>(r[cols[10]] + r[cols[11]] + r[cols[12]] + r[cols[13]] + r[cols[14]])
                      + <double>r[cols[15]] + function_word_weight * <double>(r[cols[16]] + r[cols[17]]))
        arabic_evidence = <double>r[cols[18]] + weak_weight * <double>r[cols[19]] + function_word_weight * <double>r[cols[20]]
        says_arabic = (max(arabic_evidence, non_arabic) >= letter_margin and arabic_evidence != non_arabic
                       and non_arabic < arabic_evidence)
        special = r[cols[21]] > 0
        if undetermined:
            decided[row] = 2
        elif arabic_script and says_arabic:
            decided[row] = 1
        other_out[row], total_out[row] = other, total
        if special or (not undetermined and ((latin_script and not is_english and foreign_signs)
                                             or (arabic_script and not says_arabic)
                                             or (not latin_script and not arabic_script))):
            rest.append(row)
            kinds.append(0 if special else 1 if latin_script else 2 if arabic_script else 3)
    return np.asarray(decided), rest, kinds, np.asarray(other_out), np.asarray(total_out)

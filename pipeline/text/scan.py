"""The line scan: every per-line count the classifiers need, for many lines in one compiled pass.

Language ID, the boilerplate features and the site pass all look at each line's characters
and words. Done one regular expression and one Python call at a time, that cost tens of
microseconds a line; the kernel (``_scan.pyx``, compiled at install) walks the characters of a
whole batch of lines once and fills one integer matrix, a row per line and a column per
count (:data:`COLUMNS`), plus each line's key: the 64-bit hash of its normal form (case-folded,
leading bullets and runs of whitespace ignored), which the site pass and the "repeated"
feature compare::

    >>> facts = scan_lines(["The minister said it.", "* Home"])
    >>> facts["words"].tolist(), facts["en-words"].tolist(), facts["bullet"].tolist()
    ([4, 2], [3, 0], [0, 1])
    >>> int(facts.keys[1]) == line_key("home")
    True

What a column counts is defined by the tables built here from the regular expressions and word
lists the rest of the package uses (:mod:`pipeline.text.lexicon`, :mod:`pipeline.text.script`),
so a table and its pattern cannot drift apart. Lines with characters the tables cannot follow
(beyond the Basic Multilingual Plane, whose case forms are several characters, or presentation
forms that need NFKC first) are marked ``special``: the callers decide those few in Python.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from pipeline.text import _scan
from pipeline.text.lexicon import (
    ARABIC_FORMS, ARABIC_MONTHS, ARABIC_SPELLING, ARABIC_WORDS, BYLINE_FIRST_WORDS, BYLINE_WORDS, ENGLISH_FUNCTION_WORDS,
    ENGLISH_MONTHS, FOREIGN_FUNCTION_WORDS, KURDISH_ONLY, LEADING_BULLETS, NON_ARABIC_FORMS, NON_ARABIC_SHARED,
    PASHTO_ONLY, PERSIAN_ONLY, PERSIAN_WORDS, POLICY_WORDS, TOKEN_PUNCTUATION, TRAILING_CLOSERS, URDU_ONLY, URDU_WORDS, stopwords,
)
from pipeline.text.script import ARABIC_LETTERS, LATIN_LETTERS

#: Characters of a line that language ID reads (:data:`pipeline.stages.language.SAMPLE_CHARS`).
SAMPLE_CHARS = 600
#: ... and the head whose words are counted against the function-word lists.
FUNCTION_WORD_SAMPLE_CHARS = 300

#: The kernel's columns, in order (see ``_scan.pyx``).
COLUMNS = (
    "chars",
    # Characters of each class (:data:`CLASSES`).
    "other", "upper", "lower", "digit", "arabic", "end", "comma", "space", "separator", "quote",
    "words", "title-words", "glued", "first", "end-char", "tail", "ellipsis", "stop-tokens", "stopwords",
    # The language sample (the first SAMPLE_CHARS characters).
    "sample", "sample-ascii", "nonascii-letters", "ascii-letters", "arabic-letters", "latin-letters", "letters",
    "accents", "fw-words", "en-words", "foreign-words",
    # Arabic-script letter signals (:data:`SIGNALS`) and function words.
    "signal-fa", "signal-ur", "signal-ku", "signal-ps", "signal-shared", "signal-forms", "signal-spelling",
    "signal-ar-forms", "ar-words", "fa-words", "ur-words",
    "special", "bullet", "date", "month-words", "byline", "policy-words", "gate",
)
_COLUMN = {name: index for index, name in enumerate(COLUMNS)}

#: Character classes of the counts, as the boilerplate features read them.
CLASSES = ("other", "upper", "lower", "digit", "arabic", "end", "comma", "space", "separator", "quote")
(C_OTHER, C_UPPER, C_LOWER, C_DIGIT, C_ARABIC, C_END, C_COMMA, C_SPACE, C_SEP, C_QUOTE) = range(len(CLASSES))
#: Arabic-script letter signals, in column order, and their letters.
SIGNALS = (PERSIAN_ONLY, URDU_ONLY, KURDISH_ONLY, PASHTO_ONLY, NON_ARABIC_SHARED, NON_ARABIC_FORMS, ARABIC_SPELLING,
           ARABIC_FORMS)

# The kernel's flag and bit values (see _scan.pyx).
_F_SPACE, _F_PUNCT, _F_LETTER, _F_ALNUM, _F_CLOSER, _F_SPECIAL, _F_MARK, _F_BULLET = 1, 2, 4, 8, 16, 32, 64, 128
_S_ASCII_LETTER, _S_ARABIC, _S_LATIN, _S_ACCENT = 1, 2, 4, 8
(_W_STOP, _W_EN, _W_FOREIGN, _W_AR, _W_FA, _W_UR, _W_MONTH, _W_BYLINE, _W_BYLINE_FIRST, _W_BY, _W_POLICY) = (
    1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)

_LETTER = re.compile(r"[^\W\d_]")
_ALNUM = re.compile(r"[^\W_]")
_ARABIC = re.compile(f"[{ARABIC_LETTERS}]")
_LATIN = re.compile(f"[{LATIN_LETTERS}]")
_ACCENTED = re.compile("[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")
_PRESENTATION_FORM = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")


def character_class(ch: str) -> int:
    """The class a character counts in (:data:`CLASSES`)."""
    if ch.isspace():
        return C_SPACE
    if ch.isdigit():
        return C_DIGIT
    if "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff":
        return C_ARABIC if ch.isalpha() else (C_COMMA if ch in "،؛" else C_END if ch == "؟" else C_OTHER)
    if ch.isupper():
        return C_UPPER
    if ch.isalpha():
        return C_LOWER
    if ch in ".!?…":
        return C_END
    if ch in ",;":
        return C_COMMA
    if ch in "|•·»«›‹>":
        return C_SEP
    if ch in "\"'“”‘’„":
        return C_QUOTE
    return C_OTHER


@dataclass(frozen=True)
class _Tables:
    classes: np.ndarray
    flags: np.ndarray
    script: np.ndarray
    signal: np.ndarray
    lower: np.ndarray
    fold: np.ndarray
    hashes: np.ndarray
    bits: np.ndarray


def _special(ch: str) -> bool:
    """A character the per-character tables cannot follow exactly."""
    return (len(ch.lower()) != 1 or len(ch.casefold()) != 1 or ch == "Σ" or bool(_PRESENTATION_FORM.match(ch))
            or "\ud800" <= ch <= "\udfff")


def _marked(pattern: re.Pattern, text: str) -> np.ndarray:
    """Which characters of ``text`` (one per code point) ``pattern`` matches."""
    found = np.zeros(len(text), dtype=bool)
    found[[match.start() for match in pattern.finditer(text)]] = True
    return found


def _one_of(characters: str) -> np.ndarray:
    found = np.zeros(0x10000, dtype=bool)
    found[[ord(ch) for ch in characters]] = True
    return found


def _single_mapping(mapped: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Where a case mapping gives one character, and that character's code point (else its own)."""
    single = np.fromiter(map(len, mapped), dtype=np.int64, count=len(mapped)) == 1
    codes = np.arange(len(mapped), dtype=np.uint32)
    codes[single] = [ord(ch) for ch, one in zip(mapped, single.tolist()) if one]
    return single, codes


def _classes(everything: str, space: np.ndarray, digit: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """:func:`character_class` of every BMP character, as one table."""
    code = np.arange(0x10000)
    arabic = (((code >= 0x0600) & (code <= 0x06FF)) | ((code >= 0x0750) & (code <= 0x077F))
              | ((code >= 0xFB50) & (code <= 0xFEFF)))
    upper = np.fromiter(map(str.isupper, everything), dtype=bool, count=len(everything))
    choices = [
        (space, C_SPACE), (digit, C_DIGIT), (arabic & alpha, C_ARABIC), (arabic & _one_of("،؛"), C_COMMA),
        (arabic & _one_of("؟"), C_END), (arabic, C_OTHER), (upper, C_UPPER), (alpha, C_LOWER),
        (_one_of(".!?…"), C_END), (_one_of(",;"), C_COMMA), (_one_of("|•·»«›‹>"), C_SEP),
        (_one_of("\"'“”‘’„"), C_QUOTE),
    ]
    return np.select([where for where, _ in choices], [value for _, value in choices], C_OTHER).astype(np.uint8)


@lru_cache(maxsize=1)
def tables() -> _Tables:
    """The kernel's tables, built once per process (about 0.25 s: a pass over the BMP per property) from
    the patterns and lists above."""
    size = 0x10000
    everything = "".join(map(chr, range(size)))
    space = np.fromiter(map(str.isspace, everything), dtype=bool, count=size)
    digit = np.fromiter(map(str.isdigit, everything), dtype=bool, count=size)
    alpha = np.fromiter(map(str.isalpha, everything), dtype=bool, count=size)
    lowered, folded = list(map(str.lower, everything)), list(map(str.casefold, everything))
    single_lower, lower = _single_mapping(lowered)
    single_fold, fold = _single_mapping(folded)
    code = np.arange(size)
    special = (~single_lower | ~single_fold | (code == ord("Σ")) | _marked(_PRESENTATION_FORM, everything)
               | ((code >= 0xD800) & (code <= 0xDFFF)))
    mark = np.fromiter((category.startswith("M") for category in map(unicodedata.category, everything)),
                       dtype=bool, count=size)
    classes = _classes(everything, space, digit, alpha)
    flags = (space * _F_SPACE | _one_of(TOKEN_PUNCTUATION) * _F_PUNCT | _marked(_LETTER, everything) * _F_LETTER
             | _marked(_ALNUM, everything) * _F_ALNUM | _one_of(TRAILING_CLOSERS) * _F_CLOSER | special * _F_SPECIAL
             | mark * _F_MARK | _one_of(LEADING_BULLETS) * _F_BULLET).astype(np.uint8)
    ascii_alpha = alpha & (code < 128)
    script = (ascii_alpha * _S_ASCII_LETTER | _marked(_ARABIC, everything) * _S_ARABIC
              | _marked(_LATIN, everything) * _S_LATIN | _marked(_ACCENTED, everything) * _S_ACCENT).astype(np.uint8)
    signal = np.zeros(size, dtype=np.uint8)
    for number, letters in enumerate(SIGNALS, start=1):
        for ch in letters:
            signal[ord(ch)] = number
    words: dict[int, int] = {}

    def add(items, bit: int, as_token: bool) -> None:
        for word in items:
            key = _scan.text_hash(_token_form(word) if as_token else word)
            words[key] = words.get(key, 0) | bit

    add(stopwords(), _W_STOP, True)
    add(ENGLISH_FUNCTION_WORDS, _W_EN, True)
    add(FOREIGN_FUNCTION_WORDS, _W_FOREIGN, True)
    add(ENGLISH_MONTHS | set(ARABIC_MONTHS), _W_MONTH, True)
    add(BYLINE_WORDS, _W_BYLINE, True)
    add(BYLINE_FIRST_WORDS, _W_BYLINE_FIRST, True)
    add(("by",), _W_BY, True)
    add(POLICY_WORDS, _W_POLICY, True)
    add(ARABIC_WORDS, _W_AR, False)
    add(PERSIAN_WORDS, _W_FA, False)
    add(URDU_WORDS, _W_UR, False)
    hashes, bits = _hash_table(words)
    return _Tables(classes, flags, script, signal, lower, fold, hashes, bits)


def _hash_table(words: dict[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The word lists as the kernel probes them: an open-addressed table, four slots per word at least
    (a power of two), each word in the first free slot from its hash's low bits."""
    size = 1 << max(4, (4 * len(words)).bit_length())
    hashes = np.zeros(size, dtype=np.uint64)
    bits = np.zeros(size, dtype=np.uint16)
    for key, value in sorted(words.items()):
        slot = key & (size - 1)
        while hashes[slot]:
            slot = (slot + 1) & (size - 1)
        hashes[slot], bits[slot] = key, value
    return hashes, bits


def _token_form(word: str) -> str:
    """A word as the kernel hashes a token: lower-cased a character at a time, marks left out."""
    return "".join(ch.lower() for ch in word if not unicodedata.category(ch).startswith("M"))


@dataclass(frozen=True)
class HeadGate:
    """Strings a caller wants to know whether lines start with (at most ``length`` characters, after
    leading spaces, with ``fold`` applied to each character first: 0 drops it), each with bits; the
    scan's ``gate`` column holds the bits of the heads a line hits, ``plain`` bits as the line starts,
    ``bulleted`` bits after its leading bullets too (the caller's :func:`head_bits` defines it)."""

    fold: np.ndarray
    hashes: np.ndarray
    bits: np.ndarray
    plain: int
    bulleted: int
    length: int

    @classmethod
    def of(cls, heads: dict[str, int], fold: np.ndarray, plain: int, bulleted: int, length: int) -> HeadGate:
        hashes, bits = _hash_table({_scan.text_hash(head): value for head, value in heads.items()})
        return cls(fold, hashes, bits, plain, bulleted, length)


_NO_GATE = None


def _no_gate() -> HeadGate:
    global _NO_GATE
    if _NO_GATE is None:
        _NO_GATE = HeadGate(np.zeros(0x10000, dtype=np.uint32), np.zeros(0, dtype=np.uint64),
                            np.zeros(0, dtype=np.uint16), 0, 0, 0)
    return _NO_GATE


@dataclass(frozen=True)
class LineScan:
    """The kernel's counts for some lines: ``scan[name]`` is a column (:data:`COLUMNS`), ``keys`` the
    lines' normal-form hashes."""

    facts: np.ndarray
    keys: np.ndarray

    def __getitem__(self, name: str) -> np.ndarray:
        return self.facts[:, _COLUMN[name]]

    def __len__(self) -> int:
        return len(self.facts)


#: The last scan made, as ``(texts, gate, scan)``: see :func:`scan_lines`.
_last_scan: tuple[list[str], HeadGate, LineScan] | None = None


def scan_lines(texts: list[str], gate: HeadGate | None = None) -> LineScan:
    """The counts of :data:`COLUMNS` for each of ``texts`` (lines: a newline inside one is a space), and
    the bits of the ``gate`` heads each line starts with.

    The last scan is kept: an HTML batch's blocks are scanned for the block model and, two stages on,
    the same lines for their languages (0.25 ms a page); a text dump's lines are scanned for their
    languages, then for the boilerplate stage with its gate. It serves a call with as many texts and
    the same gate, or with no gate (the gate adds its own column and changes no other), or a gated
    call after an ungated scan (the kernel adds the gate column alone, :func:`_gate_column`): the lines
    that differ (the repair stage's, between the two) are scanned again, as a line's counts are its
    own, when they are at most :data:`MAX_RESCANNED_SHARE` of them. Its arrays are read-only, so no
    caller changes what the next one reads::

        >>> scan_lines(["One line.", "Two"]) is scan_lines(["One line.", "Two"])
        True
        >>> scan_lines(["One line.", "Three"])["words"].tolist() == scan_lines(["One line.", "Three", "x"])["words"].tolist()[:2]
        True
    """
    gate = gate or _no_gate()
    last = _last_scan
    if last is not None and len(last[0]) == len(texts) and (gate is _no_gate() or gate is last[1]
                                                            or last[1] is _no_gate()):
        before, kept_gate, kept = last
        changed = [] if before == texts else [row for row, (old, new) in enumerate(zip(before, texts)) if old != new]
        add_gate = gate is not kept_gate and gate is not _no_gate()
        if not changed and not add_gate:
            return kept
        if len(changed) <= MAX_RESCANNED_SHARE * len(texts):
            # The changed lines with the gate of the scan made here, so that its gate column stays whole.
            made_gate = gate if add_gate else kept_gate
            facts, keys = kept.facts.copy(), kept.keys.copy()
            if add_gate:
                facts[:, _COLUMN["gate"]] = _gate_column(texts, gate)
            if changed:
                part = _scan_lines([texts[row] for row in changed], made_gate)
                facts[changed], keys[changed] = part.facts, part.keys
            return _remember(texts, made_gate, facts, keys)
    scan = _scan_lines(texts, gate)
    return _remember(texts, gate, scan.facts, scan.keys)


#: Past this share of changed lines, :func:`scan_lines` scans them all again.
MAX_RESCANNED_SHARE = 0.5


def _remember(texts: list[str], gate: HeadGate, facts: np.ndarray, keys: np.ndarray) -> LineScan:
    global _last_scan
    facts.setflags(write=False)
    keys.setflags(write=False)
    scan = LineScan(facts, keys)
    _last_scan = (list(texts), gate, scan)
    return scan


def _scan_lines(texts: list[str], gate: HeadGate | None) -> LineScan:
    table = tables()
    gate = gate or _no_gate()
    texts = [text.replace("\n", " ") if "\n" in text else text for text in texts]
    facts = np.zeros((len(texts), len(COLUMNS)), dtype=np.int32)
    keys = np.zeros(len(texts), dtype=np.uint64)
    _scan.scan(texts, table.classes, table.flags, table.script, table.signal, table.lower, table.fold, table.hashes,
               table.bits, facts, keys, SAMPLE_CHARS, FUNCTION_WORD_SAMPLE_CHARS, gate.fold, gate.hashes, gate.bits,
               gate.plain, gate.bulleted, gate.length)
    special = np.flatnonzero(facts[:, _COLUMN["special"]])
    for index in special.tolist():
        keys[index] = line_key(texts[index])
    return LineScan(facts, keys)


def _gate_column(texts: list[str], gate: HeadGate) -> np.ndarray:
    """The ``gate`` column of a scan of ``texts`` with ``gate``, alone (its other columns do not depend
    on the gate)."""
    texts = [text.replace("\n", " ") if "\n" in text else text for text in texts]
    found = np.zeros(len(texts), dtype=np.int32)
    _scan.gates(texts, tables().flags, gate.fold, gate.hashes, gate.bits, gate.plain, gate.bulleted, gate.length,
                found)
    return found


def fold_lines(texts: list[str], fold: np.ndarray) -> tuple[list[str | None], list[int]]:
    """Each line folded a character at a time by ``fold`` (a code point per BMP character, 0 drops it),
    a newline as a space, and stripped; None for the lines whose characters the tables cannot follow
    (:func:`_special`), whose indices come second: the caller folds those itself::

        >>> fold = np.arange(0x10000, dtype=np.uint32); fold[ord("A")] = ord("a"); fold[0x640] = 0
        >>> fold_lines([" A\\u0640b\\n", "ΑΣ"], fold)
        (['ab', None], [1])
    """
    return _scan.fold_lines(texts, np.ascontiguousarray(fold, dtype=np.uint32), tables().flags)


def fold_lines_holding(texts: list[str], fold: np.ndarray,
                       literals: tuple[str, ...]) -> tuple[list[str | None], list[int], np.ndarray]:
    """:func:`fold_lines`, and which of ``literals`` (64 at most, none empty) each folded line holds:
    bit ``j`` of its mask for ``literals[j]`` (0 for the lines left to the caller, which it checks
    itself)::

        >>> fold = np.arange(0x10000, dtype=np.uint32); fold[ord("A")] = ord("a")
        >>> lines, special, holding = fold_lines_holding(["A.com b", "www", "ΑΣ"], fold, (".com", "a", "www"))
        >>> lines, special, holding.tolist()
        (['a.com b', 'www', None], [2], [3, 4, 0])
    """
    codes, starts = _literal_codes(literals)
    holding = np.zeros(len(texts), dtype=np.uint64)
    lines, special = _scan.fold_lines(texts, np.ascontiguousarray(fold, dtype=np.uint32), tables().flags, codes,
                                      starts, holding)
    return lines, special, holding


@lru_cache(maxsize=8)
def _literal_codes(literals: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The kernel's form of ``literals``: their code points one after another, and where each starts."""
    if len(literals) > 64 or not all(literals):
        raise ValueError("at most 64 literals, none of them empty")
    codes = np.array([ord(ch) for literal in literals for ch in literal], dtype=np.uint32)
    starts = np.concatenate(([0], np.cumsum([len(literal) for literal in literals]))).astype(np.intp)
    return codes, starts


def line_keys(texts: list[str]) -> np.ndarray:
    """:func:`line_key` of each line, as uint64, from the kernel (the scan's ``keys`` without the rest)::

        >>> [int(key) == line_key(text) for key, text in zip(line_keys(["* Home", "Straße"]), ["home", "Straße"])]
        [True, True]
    """
    table = tables()
    texts = [text.replace("\n", " ") if "\n" in text else text for text in texts]
    keys = np.zeros(len(texts), dtype=np.uint64)
    for index in _scan.keys(texts, table.flags, table.fold, keys):
        keys[index] = line_key(texts[index])
    return keys


def normalise_line(text: str) -> str:
    """The form lines are compared in: case-folded, leading bullets and spacing ignored::

        >>> normalise_line("  * Home\\tPage ")
        'home page'
    """
    return " ".join(text.lstrip(LEADING_BULLETS + "".join(_WHITESPACE)).split()).casefold()


_WHITESPACE = tuple(chr(code) for code in range(0x10000) if chr(code).isspace())


def line_key(text: str) -> int:
    """The 64-bit hash of a line's normal form (0 for a line with nothing left); the kernel's key.

    >>> line_key("* Home") == line_key("home") != 0
    True
    """
    normal = normalise_line(text)
    return _scan.text_hash(normal) if normal else 0

"""Line features, computed for a whole document at once with numpy.

What decides whether a line is article text is mostly its neighbourhood: a
short line between two long paragraphs is a heading, the same line among forty
other short lines is a menu item. So besides a few facts about the line itself
(length, punctuation, stopwords, capitals, digits, bullets, vocabulary rule
hits) every line gets window sums over its neighbours (±1, ±3, ±10 lines, via
prefix sums), its place relative to the first and last long line, and the
length of the run of short lines or bullets it sits in.

Per-character facts come from one pass over the document's code points
(``np.bincount`` by line and character class), so the cost is a few array
operations per document, not a Python loop per feature.

The second stage (:func:`context_of_scores`) does the same over the first
model's scores: a line whose neighbours are confidently body is body.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import numpy as np

from pipeline.boilerplate.rules import (
    COMMENT_SECTION, HEADER_MAX_WORDS, MAX_RULE_WORDS, RULE_REASONS, comment_header_candidates, first_rule, fold_arabic,
    is_comment_header, literal_positions, rule_candidates,
)

#: A line of at least this many words is "long": the kind of line an article is made of.
LONG_WORDS = 20
#: A line of at most this many words is "short": labels, menu items, headings.
SHORT_WORDS = 4
#: Window half-widths (in lines) of the neighbourhood sums.
WINDOWS = (1, 3, 10)
#: Distances (in lines) are capped here; further is "far" for every purpose.
FAR = 50


# --- character classes -----------------------------------------------------------------------------------------
C_OTHER, C_UPPER, C_LOWER, C_DIGIT, C_ARABIC, C_END, C_COMMA, C_SPACE, C_SEP, C_QUOTE, C_NEWLINE = range(11)
N_CLASSES = 11


def _class_table() -> np.ndarray:
    table = np.zeros(0x10000, dtype=np.int64)
    for cp in range(0x10000):
        ch = chr(cp)
        if ch == "\n":
            table[cp] = C_NEWLINE
        elif ch.isspace():
            table[cp] = C_SPACE
        elif ch.isdigit():
            table[cp] = C_DIGIT
        elif "\u0600" <= ch <= "\u06ff" or "\u0750" <= ch <= "\u077f" or "\ufb50" <= ch <= "\ufeff":
            table[cp] = C_ARABIC if ch.isalpha() else (C_COMMA if ch in "،؛" else C_END if ch == "؟" else C_OTHER)
        elif ch.isupper():
            table[cp] = C_UPPER
        elif ch.isalpha():
            table[cp] = C_LOWER
        elif ch in ".!?…":
            table[cp] = C_END
        elif ch in ",;":
            table[cp] = C_COMMA
        elif ch in "|•·»«›‹>":
            table[cp] = C_SEP
        elif ch in "\"'“”‘’„":
            table[cp] = C_QUOTE
    return table


_CLASS_TABLE = _class_table().astype(np.uint8)  # 64 KiB: stays in cache


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """English and Arabic stopwords (jusText's lists, versioned in ``pipeline/resources/stoplists``)."""
    words: set[str] = set()
    for code in ("en", "ar"):
        text = resources.files("pipeline").joinpath("resources", "stoplists", f"{code}.txt").read_text("utf-8")
        words.update(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return frozenset(words)


_PUNCT_TO_SPACE = str.maketrans({ch: " " for ch in "\"'“”‘’«»()[]{}.,;:!?؟،؛…-–—/|*•·+"})
_SENTENCE_END = re.compile(r"[.!?…؟:]$")
_TRAILING_CLOSERS = "\"'”’»)]*"
_BULLET = re.compile(r"^([*•·+\-–—▪►◦●>]|\d{1,2}[.)](\s|$))")
_URLISH = re.compile(r"https?://|www\.|\.(com|org|net|co\.uk)\b|@\w+\.\w", re.IGNORECASE)
#: Arabic month names (Egyptian/Gulf, Levantine and Maghreb forms).
_ARABIC_MONTHS = (
    "يناير", "فبراير", "مارس", "ابريل", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "اغسطس", "سبتمبر", "أكتوبر",
    "اكتوبر", "نوفمبر", "ديسمبر", "كانون", "شباط", "آذار", "نيسان", "أيار", "حزيران", "تموز", "آب", "أيلول", "تشرين",
    "فيفري", "جانفي",
)
_DATEISH = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d{1,2}\b|\b\d{1,2} (jan|feb|mar|apr|may|jun|jul|aug|"
    r"sep|oct|nov|dec)|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d{4}-\d{2}-\d{2}\b|\b\d{1,2}:\d{2}\b|\b(19|20)\d{2}\b|"
    "(" + "|".join(_ARABIC_MONTHS) + ")", re.IGNORECASE)
_BYLINE = re.compile(r"^(by|written by|posted by|author|بقلم|كتب|كتبت|حوار|اعداد|إعداد)\b", re.IGNORECASE)
_ELLIPSIS = re.compile(r"(\.\.\.|…)\s*$")

# --- the same facts for a whole document (see _document_facts) -----------------------------------------------------
#: _DATEISH's numeric forms (dd/mm/yy, yyyy-mm-dd, hh:mm, 19xx/20xx), written to start with the digit (``\\b``
#: before a digit is "no word character before it"), so the regex engine skips to digits: one scan of the
#: document finds every line they match. Every other match of _DATEISH has a month name: Arabic (a match on
#: its own) or English (one of these lower-cased stems).
_DATE_NUMERIC = re.compile(r"\d(?<!\w\d)(?:\d?[/.-]\d{1,2}[/.-]\d{2,4}\b|\d{3}-\d{2}-\d{2}\b|\d?:\d{2}\b|"
                           r"(?<=1)9\d{2}\b|(?<=2)0\d{2}\b)")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
#: Every match of _URLISH has one of these (lower-cased) strings.
_URL_LITERALS = ("http", "www.", ".com", ".org", ".net", ".co.uk", "@")
#: _BULLET looks at most at a line's first four characters: it runs once over the joined line heads.
_BULLET_LINES = re.compile(_BULLET.pattern, re.MULTILINE)


def _table(test) -> np.ndarray:
    return np.fromiter((bool(test(chr(cp))) for cp in range(0x10000)), dtype=bool, count=0x10000)


_LOWER_TABLE = _table(str.islower)
_CLOSER_TABLE = _table(lambda ch: ch in _TRAILING_CLOSERS + " ")
_PUNCT_TABLE = _table(lambda ch: ord(ch) in _PUNCT_TO_SPACE)
_SENTENCE_END_CODES = np.array([ord(ch) for ch in ".!?…؟:"], dtype=np.uint32)

#: Names of the first-stage features, in column order.
BASE_NAMES = (
    "words", "chars", "word-length", "stopword-density", "stopwords", "sentence-end", "ends-colon",
    "comma-density", "punctuation", "digits", "upper-share", "title-case", "arabic-share", "bullet",
    "separators", "url-like", "date-like", "byline-like", "ellipsis", "starts-lower", "glued-words", "quotes",
    "kind-heading", "kind-item", "kind-row", "html", "repeated", "blank-before", "blank-after",
    "comment-header", "rule-sure", *(f"rule:{reason}" for reason in RULE_REASONS),
)
CONTEXT_NAMES = (
    *(f"{side}-words-{k}" for k in WINDOWS for side in ("before", "after")),
    *(f"long-lines-{k}" for k in WINDOWS),
    *(f"stopword-density-{k}" for k in WINDOWS),
    *(f"bullets-{k}" for k in WINDOWS),
    *(f"short-share-{k}" for k in WINDOWS),
    *(f"rule-hits-{k}" for k in WINDOWS),
    "position", "words-before-share", "inside-long-span", "from-first-long", "to-last-long",
    "prev-long-distance", "next-long-distance", "short-run", "bullet-run", "after-comment-header",
    "under-label", "label-distance",
    "doc-words", "doc-lines", "doc-long-lines", "words-vs-max",
)
FEATURE_NAMES = BASE_NAMES + CONTEXT_NAMES
SCORE_WINDOWS = (1, 2, 3, 5, 10)
#: Names of the second-stage features: the first stage's score and its neighbourhood.
STACK_NAMES = (
    "score", *(f"score-mean-{k}" for k in SCORE_WINDOWS),
    *(f"score-{side}-{k}" for k in (1, 3) for side in ("before", "after")),
    *(f"score-weighted-{k}" for k in (3, 10)),
    "score-doc-mean", "score-doc-max", "inside-score-span", "low-score-run",
)


class _Windows:
    """Window sums over one document: for each width k, the sum of an array over the k lines before and
    the k lines after each line (the line itself excluded), from prefix sums, with the index arithmetic
    shared by every array of the document."""

    def __init__(self, n: int, widths: Sequence[int]) -> None:
        index = np.arange(n)
        self.index, self.next = index, index + 1
        self.bounds = {k: (np.maximum(index - k, 0), np.minimum(index + k + 1, n)) for k in widths}

    def __call__(self, values: np.ndarray) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """For each width k: the sums over the k lines before and the k lines after each line."""
        prefix = np.concatenate(([0.0], np.cumsum(values, dtype=np.float64)))
        at, after_at = prefix[self.index], prefix[self.next]
        return {k: (at - prefix[low], prefix[high] - after_at) for k, (low, high) in self.bounds.items()}


def _run_lengths(flags: np.ndarray) -> np.ndarray:
    """For each line, the length of the run of consecutive True flags it belongs to (0 where False)."""
    n = len(flags)
    if n == 0:
        return np.zeros(0)
    change = np.flatnonzero(np.diff(flags.astype(np.int8))) + 1
    starts = np.concatenate(([0], change))
    lengths = np.diff(np.concatenate((starts, [n])))
    runs = np.repeat(lengths, lengths).astype(np.float64)
    return np.where(flags, runs, 0.0)


def _distance_to_flag(flags: np.ndarray, forward: bool) -> np.ndarray:
    """Lines to the nearest flagged line before (or after) each line, excluding itself; FAR if none."""
    n = len(flags)
    index = np.arange(n)
    if forward:
        pos = np.where(flags, index, n + FAR)
        nearest = np.minimum.accumulate(pos[::-1])[::-1]
        nearest = np.concatenate((nearest[1:], [n + FAR]))
        return np.minimum(nearest - index, FAR).astype(np.float64)
    pos = np.where(flags, index, -FAR - 1)
    nearest = np.maximum.accumulate(pos)
    nearest = np.concatenate(([-FAR - 1], nearest[:-1]))
    return np.minimum(index - nearest, FAR).astype(np.float64)


@lru_cache(maxsize=65536)
def _rule_flags(folded: str, n_words: int) -> int:
    """The first rule a (stripped, folded) line hits (1-based index into RULE_REASONS, 0 for none), +64 if it
    is sure; cached, since menus repeat across pages."""
    rule = first_rule(folded, n_words)
    return (RULE_REASONS.index(rule.reason) + 1) | (64 if rule.sure else 0) if rule else 0


def _line_facts(text: str) -> tuple[int, int, int, int, int, int, int, int, int, int, int]:
    """Facts about one line's text, one line at a time: the definition :func:`_document_facts` computes for
    all lines at once (kept for lines it cannot vectorise, and as the reference in the tests)."""
    words = text.split()
    n_words = len(words)
    stop = stopwords()
    stop_count = sum(1 for word in text.lower().translate(_PUNCT_TO_SPACE).split() if word in stop)
    stripped = text.rstrip(_TRAILING_CLOSERS + " ")
    sentence_end = 1 if _SENTENCE_END.search(stripped) and not stripped.endswith(":") else 0
    ends_colon = 1 if stripped.endswith(":") else 0
    title_case = sum(1 for word in words if word[:1].isupper())
    return (n_words, stop_count, sentence_end, ends_colon, title_case,
            1 if _BULLET.match(text) else 0, 1 if _URLISH.search(text) else 0,
            1 if _DATEISH.search(text) else 0, 1 if _BYLINE.match(text) and n_words <= 8 else 0,
            1 if _ELLIPSIS.search(text) else 0,
            (_rule_flags(fold_arabic(text.strip()), n_words) if n_words <= MAX_RULE_WORDS else 0) |
            (128 if is_comment_header(text, n_words) else 0))


def _lines_at(positions: list[int], lengths: Sequence[int]) -> np.ndarray:
    """Indices of the lines (of the given lengths, joined by one separator) holding each position."""
    ends = np.cumsum(np.asarray(lengths, dtype=np.int64) + 1)
    return np.searchsorted(ends, np.asarray(positions, dtype=np.int64), side="right")


def _document_facts(texts: Sequence[str], codes: np.ndarray, classes: np.ndarray, line_of: np.ndarray,
                    starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """:func:`_line_facts` for every line at once: character classes for what depends on characters, cheap
    prefilters (``str.find`` over the joined text, line heads) in front of every regex, and the exact
    per-line regex only on the few lines a prefilter lets through. Shape (lines, 11)."""
    n = len(texts)
    facts = np.zeros((n, 11), dtype=np.int64)
    length = len(codes)
    space = (classes == C_SPACE) | (classes == C_NEWLINE)
    word_start = ~space
    word_start[1:] &= space[:-1]
    n_words = np.bincount(line_of[word_start], minlength=n)[:n]
    facts[:, 0] = n_words
    facts[:, 4] = np.bincount(line_of[word_start & (classes == C_UPPER)], minlength=n)[:n]
    nonempty = ends > starts
    last = np.maximum(ends - 1, 0)
    padded = np.concatenate((codes, [0])).astype(np.int64)  # so that index 0 exists in an empty document
    # The last character before trailing closers and spaces (sentence end, colon), and before whitespace.
    index = np.arange(length)
    closer = _CLOSER_TABLE[np.minimum(codes, 0xFFFF)] | (classes == C_NEWLINE)
    kept = np.maximum.accumulate(np.where(closer, -1, index))[last] if length else np.zeros(n, dtype=np.int64)
    kept = np.where(nonempty & (kept >= starts), kept, -1)
    end_code = np.where(kept >= 0, padded[np.maximum(kept, 0)], 0)
    facts[:, 3] = end_code == ord(":")
    facts[:, 2] = np.isin(end_code, _SENTENCE_END_CODES) & (end_code != ord(":"))
    visible = np.maximum.accumulate(np.where(space, -1, index))[last] if length else np.zeros(n, dtype=np.int64)
    visible = np.where(nonempty & (visible >= starts), visible, -1)
    tail = np.where(visible >= 0, padded[np.maximum(visible, 0)], 0)
    dots = (visible - 2 >= starts) & (tail == ord("."))
    dots &= (padded[np.maximum(visible - 1, 0)] == ord(".")) & (padded[np.maximum(visible - 2, 0)] == ord("."))
    facts[:, 9] = (tail == ord("…")) | dots

    heads = [text[:4] for text in texts]
    facts[_lines_at([m.start() for m in _BULLET_LINES.finditer("\n".join(heads))], [len(h) for h in heads]), 5] = 1

    low = "\n".join(texts).lower()
    low_lengths = [len(line) for line in low.split("\n")] if len(low) != length else [len(t) for t in texts]
    for i in set(_lines_at(literal_positions(low, _URL_LITERALS), low_lengths).tolist()):
        facts[i, 6] = 1 if _URLISH.search(texts[i]) else 0
    other = np.bincount(line_of[codes > 0xFFFF], minlength=n)[:n] > 0
    # Dates: the numeric forms run once over the whole text; an Arabic month name is a match by itself; only
    # lines with an English month name go through _DATEISH itself.
    lengths = [len(t) for t in texts]
    date = np.zeros(n, dtype=bool)
    date[_lines_at([m.start() for m in _DATE_NUMERIC.finditer("\n".join(texts))], lengths)] = True
    date[_lines_at(literal_positions("\n".join(texts), _ARABIC_MONTHS), lengths)] = True
    digits = np.bincount(line_of[classes == C_DIGIT], minlength=n)[:n] > 0
    for i in set(_lines_at(literal_positions(low, _MONTHS), low_lengths).tolist()):
        if digits[i] and not date[i]:
            date[i] = bool(_DATEISH.search(texts[i]))
    facts[:, 7] = date
    for i in np.flatnonzero(n_words <= 8).tolist():
        if _BYLINE.match(texts[i]):
            facts[i, 8] = 1

    # Stopwords: the lower-cased text with punctuation made spaces, split once; the tokens of each line counted
    # from the same text's characters.
    low_codes = np.frombuffer(low.encode("utf-32-le"), dtype=np.uint32)
    low_codes = np.where(_PUNCT_TABLE[np.minimum(low_codes, 0xFFFF)], np.uint32(32), low_codes)
    tokens = low_codes.tobytes().decode("utf-32-le").split()
    if tokens:
        low_classes = _CLASS_TABLE[np.minimum(low_codes, 0xFFFF)]
        low_classes[low_codes > 0xFFFF] = C_OTHER
        low_space = (low_classes == C_SPACE) | (low_classes == C_NEWLINE)
        token_start = ~low_space
        token_start[1:] &= low_space[:-1]
        token_line = np.cumsum(low_classes == C_NEWLINE)[token_start]
        stop = stopwords()
        is_stop = np.fromiter(map(stop.__contains__, tokens), dtype=bool, count=len(tokens))
        facts[:, 1] = np.bincount(token_line[is_stop], minlength=n)[:n]

    # Rules and comment headers: on the folded lines a cheap gate lets through.
    padded_space = np.concatenate((space, [False]))
    if (padded_space[starts] | padded_space[last]).any():
        stripped = [text.strip() for text in texts]
    else:
        stripped = texts
    folded_text = fold_arabic("\n".join(stripped))
    folded = folded_text.split("\n")
    word_list = n_words.tolist()
    for i, candidate in enumerate(rule_candidates(folded, folded_text, word_list)):
        if candidate:
            facts[i, 10] = _rule_flags(folded[i], word_list[i])
    for i in comment_header_candidates(folded):
        if word_list[i] <= HEADER_MAX_WORDS and COMMENT_SECTION.match(folded[i]):
            facts[i, 10] |= 128
    # Lines with characters beyond the BMP (which the class table does not know): one at a time.
    for i in np.flatnonzero(other).tolist():
        facts[i] = _line_facts(texts[i])
    return facts


def _characters(texts: Sequence[str]):
    """The lines joined by newlines (a newline inside a line becomes a space) as code points, their classes,
    each character's line, and each line's start and end (exclusive) in the joined text."""
    if any("\n" in text for text in texts):
        texts = [text.replace("\n", " ") for text in texts]
    joined = "\n".join(texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    classes = _CLASS_TABLE[np.minimum(codes, 0xFFFF)]
    classes[codes > 0xFFFF] = C_OTHER
    newline = classes == C_NEWLINE
    line_of = np.cumsum(newline) if len(codes) else np.zeros(0, dtype=np.int64)
    breaks = np.flatnonzero(newline)
    return texts, codes, classes, line_of, np.concatenate(([0], breaks + 1)), np.concatenate((breaks, [len(codes)]))


def document_facts(texts: Sequence[str]) -> np.ndarray:
    """:func:`_line_facts` of every line, computed for the document at once. Shape (lines, 11)."""
    return _document_facts(*_characters(texts))


#: A document of more characters than this gets its character-level facts a block of lines at a time. The
#: facts are each line's own, so the blocks change nothing but the size of the per-character arrays (eight
#: bytes a character, a dozen of them alive at once): a 30 MB dump needs tens of megabytes, not gigabytes.
BLOCK_CHARS = 1 << 20


def line_blocks(lengths: Sequence[int], limit: int | None = None) -> list[tuple[int, int]]:
    """``(start, stop)`` ranges of consecutive lines, each of at most ``limit`` characters counting one
    separator per line (a longer line is a block of its own)::

        >>> line_blocks([3, 3, 3, 9], limit=8)
        [(0, 2), (2, 3), (3, 4)]
    """
    limit = BLOCK_CHARS if limit is None else limit
    blocks, start, size = [], 0, 0
    for index, length in enumerate(lengths):
        if size and size + length + 1 > limit:
            blocks.append((start, index))
            start, size = index, 0
        size += length + 1
    if start < len(lengths):
        blocks.append((start, len(lengths)))
    return blocks


def _character_columns(texts: Sequence[str]) -> tuple[list[np.ndarray], np.ndarray, list[str]]:
    """The base features that come from each line's characters (in :data:`BASE_NAMES` order, up to
    "quotes"), the rule flags of :func:`_document_facts`, and each line's normal form (lower case, single
    spaces) for counting repeats."""
    n = len(texts)
    texts, codes, classes, line_of, starts, ends = _characters(texts)
    newline = classes == C_NEWLINE
    facts = _document_facts(texts, codes, classes, line_of, starts, ends).astype(np.float64)
    words, stops, sentence_end, ends_colon, title_case, bullet, url, date, byline, ellipsis, flags = facts.T
    flags = flags.astype(np.int64)

    counts = np.bincount(line_of * N_CLASSES + classes, minlength=n * N_CLASSES)[: n * N_CLASSES]
    counts = counts.reshape(n, N_CLASSES).astype(np.float64)
    # A lower-case letter followed directly by an upper-case one: menu items glued together ("UK NewsUS News").
    glued = (classes[:-1] == C_LOWER) & (classes[1:] == C_UPPER)
    glued_counts = np.bincount(line_of[:-1][glued], minlength=n)[:n].astype(np.float64) if len(codes) > 1 else np.zeros(n)
    first = codes[np.minimum(starts, max(len(codes) - 1, 0))] if len(codes) else np.zeros(n, dtype=np.uint32)
    starts_lower = (ends > starts) & _LOWER_TABLE[np.minimum(first, 0xFFFF)] & (first <= 0xFFFF)
    if (first > 0xFFFF).any():
        for i in np.flatnonzero((first > 0xFFFF) & (ends > starts)).tolist():
            starts_lower[i] = texts[i][:1].islower()
    starts_lower = starts_lower.astype(np.float64)

    chars = counts.sum(axis=1) - counts[:, C_NEWLINE]
    letters = counts[:, C_UPPER] + counts[:, C_LOWER] + counts[:, C_ARABIC]
    safe_words = np.maximum(words, 1.0)
    safe_chars = np.maximum(chars, 1.0)
    latin = counts[:, C_UPPER] + counts[:, C_LOWER]

    joined = "\n".join(texts)
    low = joined.lower()
    normalised = low.split("\n")
    # A line is its own normal form unless it has whitespace other than single spaces between words.
    space = classes == C_SPACE
    odd = space & (codes != 32)
    odd[1:] |= space[1:] & space[:-1]
    odd |= space & np.concatenate(([True], newline[:-1]))
    odd |= space & np.concatenate((newline[1:], [True]))
    if odd.any() or len(low) != len(joined):
        normalised = [" ".join(text.split()) for text in normalised]

    columns = [
        np.log1p(words), np.log1p(chars), chars / safe_words, stops / safe_words, np.log1p(stops), sentence_end,
        ends_colon, counts[:, C_COMMA] / safe_words, (counts[:, C_END] + counts[:, C_COMMA] + counts[:, C_SEP]) / safe_chars,
        counts[:, C_DIGIT] / safe_chars, counts[:, C_UPPER] / np.maximum(latin, 1.0),
        np.where(latin > 0, title_case / safe_words, 0.0), counts[:, C_ARABIC] / np.maximum(letters, 1.0), bullet,
        counts[:, C_SEP], url, date, byline, ellipsis, starts_lower, glued_counts, counts[:, C_QUOTE] > 0,
    ]
    return columns, flags, normalised


def base_features(texts: Sequence[str], kinds: Sequence[str], numbers: Sequence[int], html: bool,
                  out: np.ndarray | None = None) -> np.ndarray:
    """The first-stage per-line features (without context), shape (lines, len(BASE_NAMES)); written into
    ``out`` when given."""
    n = len(texts)
    X = np.empty((n, len(BASE_NAMES))) if out is None else out
    flags = np.zeros(n, dtype=np.int64)
    normalised: list[str] = []
    for start, stop in line_blocks([len(text) for text in texts]):
        columns, flags[start:stop], block_normalised = _character_columns(texts[start:stop])
        for i, column in enumerate(columns):
            X[start:stop, i] = column
        normalised += block_normalised
    seen = Counter(normalised)
    repeated = np.fromiter(map(seen.__getitem__, normalised), dtype=np.float64, count=n) - 1.0
    number_array = np.asarray(numbers, dtype=np.int64)
    gaps = np.diff(number_array) > 1 if n > 1 else np.zeros(0, dtype=bool)
    blank_before = np.concatenate(([1.0], gaps.astype(np.float64)))[:n]
    blank_after = np.concatenate((gaps.astype(np.float64), [1.0]))[:n]
    kind_array = np.asarray(kinds)
    rest = (kind_array == "h", kind_array == "li", kind_array == "tr", float(html), np.log1p(repeated),
            blank_before, blank_after, (flags & 128) > 0, (flags & 64) > 0)
    for i, column in enumerate(rest, start=BASE_NAMES.index("kind-heading")):
        X[:, i] = column
    rules = X[:, len(BASE_NAMES) - len(RULE_REASONS):]
    rules[:] = 0.0
    hit = (flags & 63) > 0
    rules[np.flatnonzero(hit), (flags[hit] & 63) - 1] = 1.0
    return X


def line_features(texts: Sequence[str], kinds: Sequence[str] | None = None, numbers: Sequence[int] | None = None,
                  html: bool = False) -> np.ndarray:
    """All first-stage features, shape (lines, len(FEATURE_NAMES)), float64."""
    n = len(texts)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)))
    kinds = kinds if kinds is not None else ["p"] * n
    numbers = numbers if numbers is not None else range(1, n + 1)
    # One matrix, filled column by column (a list of columns stacked at the end would need it twice).
    X = np.empty((n, len(FEATURE_NAMES)))
    base = base_features(texts, kinds, numbers, html, out=X[:, :len(BASE_NAMES)])
    column = {name: base[:, i] for i, name in enumerate(BASE_NAMES)}
    filled = iter(range(len(BASE_NAMES), len(FEATURE_NAMES)))

    def add(value: np.ndarray | float) -> None:
        X[:, next(filled)] = value
    words = np.expm1(column["words"])
    stops = np.expm1(column["stopwords"])
    long_ = words >= LONG_WORDS
    short = words <= SHORT_WORDS
    bullets = column["bullet"]
    rule_hits = base[:, len(BASE_NAMES) - len(RULE_REASONS):].sum(axis=1)

    windows = _Windows(n, WINDOWS)
    word_sums, long_sums, stop_sums = windows(words), windows(long_.astype(np.float64)), windows(stops)
    bullet_sums, short_sums, rule_sums = windows(bullets), windows(short.astype(np.float64)), windows(rule_hits)
    for k in WINDOWS:
        add(np.log1p(word_sums[k][0]))
        add(np.log1p(word_sums[k][1]))
    for k in WINDOWS:
        add(long_sums[k][0] + long_sums[k][1])
    for k in WINDOWS:
        add((stop_sums[k][0] + stop_sums[k][1] + stops) /
                       np.maximum(word_sums[k][0] + word_sums[k][1] + words, 1.0))
    for k in WINDOWS:
        add((bullet_sums[k][0] + bullet_sums[k][1]) / (2 * k))
    for k in WINDOWS:
        add((short_sums[k][0] + short_sums[k][1]) / (2 * k))
    for k in WINDOWS:
        add(rule_sums[k][0] + rule_sums[k][1])

    index = np.arange(n, dtype=np.float64)
    total_words = max(words.sum(), 1.0)
    long_index = np.flatnonzero(long_)
    if len(long_index):
        first, last = long_index[0], long_index[-1]
        inside = (index >= first) & (index <= last)
        from_first = np.clip(index - first, -FAR, FAR)
        to_last = np.clip(last - index, -FAR, FAR)
    else:
        inside = np.zeros(n, dtype=bool)
        from_first = np.full(n, -FAR, dtype=np.float64)
        to_last = np.full(n, -FAR, dtype=np.float64)
    # A comment section starts at a header after the article has begun; everything after it is the thread.
    header = column["comment-header"] > 0
    if len(long_index):
        header = header & (index > long_index[0])
    after_header = np.concatenate(([0.0], np.maximum.accumulate(header.astype(np.float64))[:-1]))

    # A list under a "Related" / "Most read" / menu label runs until the next long line.
    label = np.zeros(n, dtype=bool)
    for reason in ("related-links", "section-label", "navigation"):
        label |= base[:, len(BASE_NAMES) - len(RULE_REASONS) + RULE_REASONS.index(reason)] > 0
    label_distance = _distance_to_flag(label, forward=False)
    under_label = (label_distance < _distance_to_flag(long_, forward=False)) & (label_distance < FAR)

    for value in (
        index / max(n - 1, 1), (np.cumsum(words) - words) / total_words, inside, from_first, to_last,
        _distance_to_flag(long_, forward=False), _distance_to_flag(long_, forward=True),
        np.log1p(_run_lengths(short)), np.log1p(_run_lengths(bullets > 0)), after_header,
        under_label, np.log1p(label_distance),
        np.log1p(total_words), np.log1p(n), np.log1p(long_.sum()), words / max(words.max(), 1.0),
    ):
        add(value)
    if next(filled, None) is not None:
        raise AssertionError("a context feature of CONTEXT_NAMES was not computed")
    return X


def context_of_scores(scores: np.ndarray, words: np.ndarray) -> np.ndarray:
    """Second-stage features: the first stage's scores (probabilities) and their neighbourhood."""
    n = len(scores)
    if n == 0:
        return np.zeros((0, len(STACK_NAMES)))
    windows = _Windows(n, SCORE_WINDOWS + (3, 10))
    score_sums, ones = windows(scores), windows(np.ones(n))
    columns = [scores]
    for k in SCORE_WINDOWS:
        columns.append((score_sums[k][0] + score_sums[k][1] + scores) / (ones[k][0] + ones[k][1] + 1.0))
    for k in (1, 3):
        columns.append(score_sums[k][0] / np.maximum(ones[k][0], 1.0))
        columns.append(score_sums[k][1] / np.maximum(ones[k][1], 1.0))
    weight = np.log1p(words)
    weighted = scores * weight
    weighted_sums, weight_sums = windows(weighted), windows(weight)
    for k in (3, 10):
        columns.append((weighted_sums[k][0] + weighted_sums[k][1] + weighted) /
                       np.maximum(weight_sums[k][0] + weight_sums[k][1] + weight, 1e-9))
    confident = np.flatnonzero(scores >= 0.5)
    index = np.arange(n)
    inside = (index >= confident[0]) & (index <= confident[-1]) if len(confident) else np.zeros(n, dtype=bool)
    columns += [np.full(n, scores.mean()), np.full(n, scores.max()), inside, np.log1p(_run_lengths(scores < 0.5))]
    return np.column_stack([np.asarray(c, dtype=np.float64) for c in columns])

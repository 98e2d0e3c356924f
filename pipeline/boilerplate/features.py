"""Line features, computed for a whole batch of documents at once.

What decides whether a line is article text is mostly its neighbourhood: a
short line between two long paragraphs is a heading, the same line among forty
other short lines is a menu item. So besides a few facts about the line itself
(length, punctuation, stopwords, capitals, digits, bullets, vocabulary rule
hits, the words of comment policies and sign-up terms) every line gets window
sums over its neighbours (±1, ±3, ±10 lines, via prefix sums), its place
relative to the first and last long line, the length of the run of short lines
or bullets it sits in, and facts about its whole document (how much of it is
prose: a document that is all paragraphs is an article already).

The per-line counts come from the line scan (:mod:`pipeline.text.scan`: one
compiled pass over the characters of the whole batch); everything else is a
few numpy operations over the batch's lines, with every window, run and
distance kept inside its own document (:class:`Segments`). So a batch of
many documents costs little more per line than the counts themselves, and a
document's features are the same whatever batch it is in::

    >>> one = batch_features(LineBatch.of([["Home | News", "The minister said on Monday that ..."]]))
    >>> two = batch_features(LineBatch.of([["Other", "page"], ["Home | News", "The minister said on Monday that ..."]]))
    >>> bool((one == two[2:]).all())
    True

The second stage (:func:`batch_context_of_scores`) does the same over the first
model's scores: a line whose neighbours are confidently body is body.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from pipeline.boilerplate import _segments
from pipeline.boilerplate.rules import (
    COMMENT_SECTION, HEADER_MAX_WORDS, MAX_RULE_WORDS, RULE_REASONS, comment_header_candidates, compiled_gate,
    first_rule, fold_arabic, head_bits, needed_literals, rule_candidates,
)
from pipeline.text.lexicon import SENTENCE_END
from pipeline.text.scan import LineScan, fold_lines_holding, scan_lines

#: A line of at least this many words is "long": the kind of line an article is made of.
LONG_WORDS = 20
#: A line of at most this many words is "short": labels, menu items, headings.
SHORT_WORDS = 4
#: Window half-widths (in lines) of the neighbourhood sums.
WINDOWS = (1, 3, 10)
#: Distances (in lines) are capped here; further is "far" for every purpose.
FAR = 50
#: A byline is short: "By Jane Roe and John Doe, Staff Writers" at most.
BYLINE_MAX_WORDS = 8

_URLISH = re.compile(r"https?://|www\.|\.(com|org|net|co\.uk)\b|@\w+\.\w", re.IGNORECASE)
#: Every match of _URLISH has one of these (lower-cased) strings.
_URL_LITERALS = ("http", "www.", ".com", ".org", ".net", ".co.uk", "@")


def _table(test) -> np.ndarray:
    return np.fromiter((bool(test(chr(cp))) for cp in range(0x10000)), dtype=bool, count=0x10000)


_LOWER_TABLE = _table(str.islower)
_SENTENCE_END_CODES = np.array([ord(ch) for ch in SENTENCE_END if ch != ":"], dtype=np.int64)

#: Names of the first-stage features, in column order.
BASE_NAMES = (
    "words", "chars", "word-length", "stopword-density", "stopwords", "sentence-end", "ends-colon",
    "comma-density", "punctuation", "digits", "upper-share", "title-case", "arabic-share", "bullet",
    "separators", "url-like", "date-like", "byline-like", "ellipsis", "starts-lower", "glued-words", "quotes",
    "policy-words",
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
    *(f"policy-density-{k}" for k in WINDOWS),
    "position", "words-before-share", "inside-long-span", "from-first-long", "to-last-long",
    "prev-long-distance", "next-long-distance", "short-run", "bullet-run", "after-comment-header",
    "under-label", "label-distance",
    "doc-words", "doc-lines", "doc-long-lines", "words-vs-max",
    "doc-long-share", "doc-sentence-share", "doc-short-share", "doc-rule-share", "doc-repeated-share",
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
_BASE = {name: index for index, name in enumerate(BASE_NAMES)}
#: The line kinds that are features of their own, as small codes (every other kind is 0).
_KIND_CODES = {"h": 1, "li": 2, "tr": 3}
_RULE_START = len(BASE_NAMES) - len(RULE_REASONS)


@dataclass(frozen=True)
class LineBatch:
    """The lines of many documents, one after another: texts, kinds (``p``, ``h``, ``li``, ``tr``...),
    source line numbers, where each document starts (``starts[d]`` to ``starts[d + 1]``) and whether
    each document's lines are an HTML page's blocks."""

    texts: list[str]
    kinds: list[str]
    numbers: np.ndarray
    starts: np.ndarray
    html: np.ndarray

    @classmethod
    def of(cls, documents: Sequence[Sequence[str]], kinds: Sequence[Sequence[str]] | None = None,
           numbers: Sequence[Sequence[int]] | None = None, html: Sequence[bool] | None = None) -> LineBatch:
        """A batch of documents given as lists of line texts (kinds default to paragraphs, numbers to 1..n)."""
        texts = [text for lines in documents for text in lines]
        lengths = [len(lines) for lines in documents]
        kind_list = [kind for doc_kinds in kinds for kind in doc_kinds] if kinds is not None else ["p"] * len(texts)
        number_list = ([number for doc_numbers in numbers for number in doc_numbers] if numbers is not None
                       else [number for length in lengths for number in range(1, length + 1)])
        return cls.flat(texts, kind_list, number_list, lengths, html if html is not None else [False] * len(documents))

    @classmethod
    def flat(cls, texts: list[str], kinds: list[str], numbers: Sequence[int], lengths: Sequence[int],
             html: Sequence[bool]) -> LineBatch:
        """A batch of the lines of documents one after another (``lengths``: how many lines each has)."""
        starts = np.zeros(len(lengths) + 1, dtype=np.int64)
        np.cumsum(lengths, out=starts[1:])
        return cls(texts, kinds, np.asarray(numbers, dtype=np.int64), starts, np.asarray(html, dtype=bool))

    def __len__(self) -> int:
        return len(self.texts)


class Segments:
    """The index arithmetic of a batch: each line's document, its document's first line and end, and
    window sums, runs and distances that never cross from one document into the next."""

    def __init__(self, starts: np.ndarray) -> None:
        self.starts = starts
        n = int(starts[-1])
        lengths = np.diff(starts)
        self.n, self.documents = n, len(lengths)
        self.doc = np.repeat(np.arange(len(lengths)), lengths)
        self.first = starts[:-1][self.doc] if n else np.zeros(0, dtype=np.int64)
        self.end = starts[1:][self.doc] if n else np.zeros(0, dtype=np.int64)
        self.index = np.arange(n)
        self.lengths = lengths[self.doc] if n else np.zeros(0, dtype=np.int64)

    def windows(self, values: np.ndarray, widths: Sequence[int]) -> dict[int, tuple[np.ndarray, np.ndarray]]:
        """For each width k: the sums of ``values`` over the k lines before and the k lines after each
        line of its document (the line itself excluded).

        The sums are exact whatever the batch: integer values are summed as integers, and real values
        in fixed point (:func:`fixed`), so no rounding carries from one document into the next.
        """
        exact, scale = fixed(values)
        prefix = np.zeros(self.n + 1, dtype=np.int64)
        np.cumsum(exact, out=prefix[1:])
        widths = list(dict.fromkeys(widths))
        sums = np.empty((2 * len(widths), self.n))
        _segments.window_sums(prefix, np.ascontiguousarray(self.first, dtype=np.int64),
                              np.ascontiguousarray(self.end, dtype=np.int64), np.asarray(widths, dtype=np.int64), scale, sums)
        return {k: (sums[2 * j], sums[2 * j + 1]) for j, k in enumerate(widths)}

    def per_document(self, values: np.ndarray, reduce=np.add) -> np.ndarray:
        """``reduce`` (add, maximum, minimum) of ``values`` over each line's document, given to each line
        (sums exact, as in :meth:`windows`)."""
        if not self.n:
            return np.zeros(0)
        return self.document_totals(values, reduce)[self.doc]

    def document_totals(self, values: np.ndarray, reduce=np.add) -> np.ndarray:
        """:meth:`per_document`, one value per document (0 for an empty one)."""
        if not self.n:
            return np.zeros(self.documents)
        starts = self.starts[:-1]
        present = starts < self.n
        reduced = np.zeros(self.documents, dtype=np.float64)
        if reduce is np.add:
            exact, scale = fixed(values)
            reduced[present] = np.add.reduceat(exact, starts[present]) / scale
        else:
            reduced[present] = reduce.reduceat(np.asarray(values, dtype=np.float64), starts[present])
        empty = np.diff(self.starts) == 0
        reduced[empty] = 0.0
        return reduced

    def run_lengths(self, flags: np.ndarray) -> np.ndarray:
        """For each line, the length of the run of consecutive True flags it belongs to within its
        document (0 where False)."""
        if not self.n:
            return np.zeros(0)
        change = np.ones(self.n, dtype=bool)
        change[1:] = (flags[1:] != flags[:-1]) | (self.first[1:] == self.index[1:])
        run = np.cumsum(change) - 1
        lengths = np.bincount(run)
        return np.where(flags, lengths[run], 0).astype(np.float64)

    def distance_to_flag(self, flags: np.ndarray, forward: bool) -> np.ndarray:
        """Lines to the nearest flagged line before (or after) each line in its document, excluding
        itself; :data:`FAR` if none."""
        if not self.n:
            return np.zeros(0)
        index = self.index
        if forward:
            pos = np.where(flags, index, self.n + FAR)
            nearest = np.minimum.accumulate(pos[::-1])[::-1]
            nearest = np.concatenate((nearest[1:], [self.n + FAR]))
            distance = np.where(nearest < self.end, nearest - index, FAR)
        else:
            pos = np.where(flags, index, -FAR - 1)
            nearest = np.maximum.accumulate(pos)
            nearest = np.concatenate(([-FAR - 1], nearest[:-1]))
            distance = np.where(nearest >= self.first, index - nearest, FAR)
        return np.minimum(distance, FAR).astype(np.float64)

    def since(self, flags: np.ndarray) -> np.ndarray:
        """Whether a flagged line comes before each line in its document (the line itself excluded)."""
        if not self.n:
            return np.zeros(0, dtype=bool)
        marked = np.where(flags, self.doc + 1, 0)
        running = np.maximum.accumulate(marked)
        before = np.concatenate(([0], running[:-1]))
        return before == self.doc + 1


#: Real values are summed in fixed point with this many fractional bits (2**-30 is about 1e-9: far below
#: any split of the trees; log-weights of a million lines still sum far below 2**63).
FIXED_BITS = 30


def fixed(values: np.ndarray) -> tuple[np.ndarray, float]:
    """``values`` as int64 and the scale that divides them back: integers as they are, real values
    rounded to fixed point. Integer sums are exact in any order, so a document's window sums are the
    same in any batch."""
    values = np.asarray(values)
    if values.dtype.kind in "biu":
        return values.astype(np.int64), 1.0
    if values.dtype == np.float64 and np.array_equal(values, np.round(values)) and np.abs(values).max(initial=0) < 2**52:
        return values.astype(np.int64), 1.0
    scale = float(1 << FIXED_BITS)
    return np.round(values * scale).astype(np.int64), scale


#: The literals :class:`FoldedLines` finds in each line: those the vocabulary rules' gate needs, and the URL ones.
_FOLDED_LITERALS = tuple(dict.fromkeys(needed_literals() + _URL_LITERALS))


@dataclass(frozen=True)
class FoldedLines:
    """A batch's lines as the vocabulary rules read them: ``lines`` each line folded (:func:`fold_arabic`,
    a line break inside a line as a space) and stripped, by the line scan's kernel (the few lines whose
    characters its tables cannot follow by Python); ``holding`` which of the literals the rules and
    :func:`_url_like` look for each line holds (bit ``j`` for ``_FOLDED_LITERALS[j]``, found by the
    same kernel)."""

    lines: list[str]
    holding: np.ndarray

    @classmethod
    def of(cls, texts: list[str]) -> FoldedLines:
        lines, special, holding = fold_lines_holding(texts, compiled_gate().fold, _FOLDED_LITERALS)
        for i in special:
            lines[i] = line = fold_arabic(texts[i]).replace("\n", " ").strip()
            holding[i] = sum(1 << j for j, literal in enumerate(_FOLDED_LITERALS) if literal in line)
        return cls(lines, holding)

    def holding_lines(self, *literals: str) -> np.ndarray:
        """Indices of the lines holding any of ``literals`` (of ``_FOLDED_LITERALS``)."""
        mask = sum(1 << _FOLDED_LITERALS.index(literal) for literal in literals)
        return np.flatnonzero(self.holding & np.uint64(mask))


def _rule_flags(texts: list[str], facts: LineScan, folded: FoldedLines) -> np.ndarray:
    """For each line: the first vocabulary rule it hits (1-based index into RULE_REASONS, 0 for none),
    +64 if the rule is sure, +128 if it is a comment-section header. Only lines the gate lets through
    are matched (:func:`pipeline.boilerplate.rules.rule_candidates`): the heads the line scan found,
    and the literals a rule needs."""
    lines = folded.lines
    flags = np.zeros(len(texts), dtype=np.int64)
    bits = facts["gate"].astype(np.int64)
    for i in np.flatnonzero(facts["special"]).tolist():
        bits[i] = head_bits(lines[i])
    words = facts["words"]
    word_list = words.tolist()
    for i in np.flatnonzero(rule_candidates(lines, words, folded.holding_lines, bits)).tolist():
        flags[i] = _cached_rule(lines[i], word_list[i])
    for i in comment_header_candidates(lines, bits):
        if word_list[i] <= HEADER_MAX_WORDS and COMMENT_SECTION.match(lines[i]):
            flags[i] |= 128
    return flags


_RULE_CACHE: dict[tuple[str, int], int] = {}
#: Distinct (line, words) pairs whose rule is remembered (menus repeat across pages): about 4 MB at most.
RULE_CACHE_SIZE = 1 << 15


def _cached_rule(folded: str, words: int) -> int:
    key = (folded, words)
    found = _RULE_CACHE.get(key)
    if found is None:
        rule = first_rule(folded, words) if words <= MAX_RULE_WORDS else None
        found = (RULE_REASONS.index(rule.reason) + 1) | (64 if rule.sure else 0) if rule else 0
        if len(_RULE_CACHE) >= RULE_CACHE_SIZE:
            _RULE_CACHE.clear()
        _RULE_CACHE[key] = found
    return found


def _url_like(texts: list[str], folded: FoldedLines | None = None) -> np.ndarray:
    """Lines with a URL, an e-mail address or a domain (a literal pre-check, then the pattern).

    The literals are looked for in the folded text (:class:`FoldedLines`): folding drops or maps only
    characters that are not ASCII and lower-cases as ``str.lower`` does, so every line whose lower-cased
    text holds an (ASCII) literal holds it folded too, and the pattern decides on the line itself.
    """
    folded = FoldedLines.of(texts) if folded is None else folded
    found = np.zeros(len(texts), dtype=bool)
    for i in folded.holding_lines(*_URL_LITERALS).tolist():
        found[i] = _URLISH.search(texts[i]) is not None
    return found


def base_features(batch: LineBatch, facts: LineScan | None = None, out: np.ndarray | None = None) -> np.ndarray:
    """The first-stage per-line features (without context), shape (lines, len(BASE_NAMES))."""
    n = len(batch)
    facts = scan_lines(batch.texts, compiled_gate()) if facts is None else facts
    X = np.empty((n, len(BASE_NAMES))) if out is None else out
    f = {name: facts[name].astype(np.float64) for name in (
        "words", "chars", "stopwords", "comma", "end", "separator", "digit", "upper", "lower", "arabic", "title-words",
        "quote", "glued", "policy-words")}
    words, chars = f["words"], f["chars"]
    safe_words, safe_chars = np.maximum(words, 1.0), np.maximum(chars, 1.0)
    latin = f["upper"] + f["lower"]
    end_char = facts["end-char"].astype(np.int64)
    first = facts["first"].astype(np.int64)
    date = (facts["date"] > 0) | (facts["month-words"] > 0) & ((facts["digit"] > 0) | (facts["arabic"] > 0))
    segments = Segments(batch.starts)
    keys = facts.keys
    # How many other lines of the same document share the line's normal form.
    order = np.lexsort((keys, segments.doc))
    sorted_doc, sorted_key = segments.doc[order], keys[order]
    group_start = np.ones(n, dtype=bool)
    group_start[1:] = (sorted_doc[1:] != sorted_doc[:-1]) | (sorted_key[1:] != sorted_key[:-1])
    group = np.cumsum(group_start) - 1
    repeated = np.empty(n)
    repeated[order] = np.bincount(group)[group] - 1.0
    repeated[keys == 0] = 0.0
    numbers = batch.numbers
    blank_before = np.ones(n)
    blank_after = np.ones(n)
    if n > 1:
        gap = (np.diff(numbers) > 1).astype(np.float64)
        same_doc = segments.doc[1:] == segments.doc[:-1]
        blank_before[1:] = np.where(same_doc, gap, 1.0)
        blank_after[:-1] = np.where(same_doc, gap, 1.0)
    kinds = np.fromiter(map(_KIND_CODES.get, batch.kinds, itertools.repeat(0)), dtype=np.int8, count=n)
    folded = FoldedLines.of(batch.texts)
    flags = _rule_flags(batch.texts, facts, folded)
    columns = {
        "words": np.log1p(words), "chars": np.log1p(chars), "word-length": chars / safe_words,
        "stopword-density": f["stopwords"] / safe_words, "stopwords": np.log1p(f["stopwords"]),
        "sentence-end": np.isin(end_char, _SENTENCE_END_CODES), "ends-colon": end_char == ord(":"),
        "comma-density": f["comma"] / safe_words, "punctuation": (f["end"] + f["comma"] + f["separator"]) / safe_chars,
        "digits": f["digit"] / safe_chars, "upper-share": f["upper"] / np.maximum(latin, 1.0),
        "title-case": np.where(latin > 0, f["title-words"] / safe_words, 0.0),
        "arabic-share": f["arabic"] / np.maximum(latin + f["arabic"], 1.0), "bullet": facts["bullet"],
        "separators": f["separator"], "url-like": _url_like(batch.texts, folded), "date-like": date,
        "byline-like": (facts["byline"] > 0) & (words <= BYLINE_MAX_WORDS), "ellipsis": facts["ellipsis"],
        "starts-lower": (chars > 0) & (first < 0x10000) & _LOWER_TABLE[np.minimum(first, 0xFFFF)],
        "glued-words": f["glued"], "quotes": f["quote"] > 0, "policy-words": f["policy-words"] / safe_words,
        "kind-heading": kinds == _KIND_CODES["h"], "kind-item": kinds == _KIND_CODES["li"],
        "kind-row": kinds == _KIND_CODES["tr"],
        "html": batch.html[segments.doc] if n else np.zeros(0), "repeated": np.log1p(repeated),
        "blank-before": blank_before, "blank-after": blank_after,
        "comment-header": (flags & 128) > 0, "rule-sure": (flags & 64) > 0,
    }
    for name, value in columns.items():
        X[:, _BASE[name]] = value
    rules = X[:, _RULE_START:]
    rules[:] = 0.0
    hit = (flags & 63) > 0
    rules[np.flatnonzero(hit), (flags[hit] & 63) - 1] = 1.0
    return X


def batch_features(batch: LineBatch, facts: LineScan | None = None) -> np.ndarray:
    """All first-stage features of a batch, shape (lines, len(FEATURE_NAMES)), float64."""
    n = len(batch)
    X = np.empty((n, len(FEATURE_NAMES)))
    if n == 0:
        return X
    facts = scan_lines(batch.texts, compiled_gate()) if facts is None else facts
    base = base_features(batch, facts, out=X[:, :len(BASE_NAMES)])
    column = {name: base[:, i] for i, name in enumerate(BASE_NAMES)}
    filled = iter(range(len(BASE_NAMES), len(FEATURE_NAMES)))

    def add(value: np.ndarray | float) -> None:
        X[:, next(filled)] = value

    seg = Segments(batch.starts)
    words = facts["words"].astype(np.int64)
    stops = facts["stopwords"].astype(np.int64)
    policy = facts["policy-words"].astype(np.int64)
    long_ = words >= LONG_WORDS
    short = words <= SHORT_WORDS
    bullets = column["bullet"]
    rule_hits = base[:, _RULE_START:].sum(axis=1).astype(np.int64)

    word_sums, long_sums, stop_sums = (seg.windows(v, WINDOWS) for v in (words, long_.astype(np.int64), stops))
    bullet_sums, short_sums, rule_sums = (seg.windows(v, WINDOWS) for v in (bullets.astype(np.int64), short.astype(np.int64), rule_hits))
    policy_sums = seg.windows(policy, WINDOWS)
    for k in WINDOWS:
        add(np.log1p(word_sums[k][0]))
        add(np.log1p(word_sums[k][1]))
    for k in WINDOWS:
        add(long_sums[k][0] + long_sums[k][1])
    for k in WINDOWS:
        add((stop_sums[k][0] + stop_sums[k][1] + stops) / np.maximum(word_sums[k][0] + word_sums[k][1] + words, 1.0))
    for k in WINDOWS:
        add((bullet_sums[k][0] + bullet_sums[k][1]) / (2 * k))
    for k in WINDOWS:
        add((short_sums[k][0] + short_sums[k][1]) / (2 * k))
    for k in WINDOWS:
        add(rule_sums[k][0] + rule_sums[k][1])
    for k in WINDOWS:
        add((policy_sums[k][0] + policy_sums[k][1] + policy) / np.maximum(word_sums[k][0] + word_sums[k][1] + words, 1.0))

    index = seg.index.astype(np.float64)
    relative = index - seg.first
    lines = seg.lengths.astype(np.float64)
    doc_words = seg.per_document(words)
    total_words = np.maximum(doc_words, 1.0)
    long_position = np.where(long_, relative, np.inf)
    first_long = seg.per_document(long_position, np.minimum)
    last_long = seg.per_document(np.where(long_, relative, -np.inf), np.maximum)
    has_long = np.isfinite(first_long)
    inside = has_long & (relative >= first_long) & (relative <= last_long)
    from_first = np.where(has_long, np.clip(relative - np.where(has_long, first_long, 0), -FAR, FAR), -FAR)
    to_last = np.where(has_long, np.clip(np.where(has_long, last_long, 0) - relative, -FAR, FAR), -FAR)
    # A comment section starts at a header after the article has begun; everything after it is the thread.
    header = (column["comment-header"] > 0) & has_long & (relative > np.where(has_long, first_long, 0))
    after_header = seg.since(header)

    # A list under a "Related" / "Most read" / menu label runs until the next long line.
    label = np.zeros(n, dtype=bool)
    for reason in ("related-links", "section-label", "navigation"):
        label |= base[:, _RULE_START + RULE_REASONS.index(reason)] > 0
    label_distance = seg.distance_to_flag(label, forward=False)
    under_label = (label_distance < seg.distance_to_flag(long_, forward=False)) & (label_distance < FAR)
    words_before = np.cumsum(words) - words
    words_before = words_before - seg.per_document(np.where(seg.index == seg.first, words_before, 0))
    safe_lines = np.maximum(lines, 1.0)

    for value in (
        relative / np.maximum(lines - 1, 1.0), words_before / total_words, inside, from_first, to_last,
        seg.distance_to_flag(long_, forward=False), seg.distance_to_flag(long_, forward=True),
        np.log1p(seg.run_lengths(short)), np.log1p(seg.run_lengths(bullets > 0)), after_header,
        under_label, np.log1p(label_distance),
        np.log1p(doc_words), np.log1p(lines), np.log1p(seg.per_document(long_.astype(np.float64))),
        words / np.maximum(seg.per_document(words, np.maximum), 1.0),
        seg.per_document(long_.astype(np.float64)) / safe_lines,
        seg.per_document(column["sentence-end"]) / safe_lines,
        seg.per_document(short.astype(np.float64)) / safe_lines,
        seg.per_document((rule_hits > 0).astype(np.float64)) / safe_lines,
        seg.per_document((column["repeated"] > 0).astype(np.float64)) / safe_lines,
    ):
        add(value)
    if next(filled, None) is not None:
        raise AssertionError("a context feature of CONTEXT_NAMES was not computed")
    return X


def line_features(texts: Sequence[str], kinds: Sequence[str] | None = None, numbers: Sequence[int] | None = None,
                  html: bool = False) -> np.ndarray:
    """All first-stage features of one document's lines, shape (lines, len(FEATURE_NAMES))."""
    return batch_features(LineBatch.of([list(texts)], None if kinds is None else [list(kinds)],
                                       None if numbers is None else [list(numbers)], [html]))


def batch_context_of_scores(scores: np.ndarray, words: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Second-stage features: the first stage's scores (probabilities) and their neighbourhood, within
    each document of the batch."""
    n = len(scores)
    if n == 0:
        return np.zeros((0, len(STACK_NAMES)))
    seg = Segments(starts)
    score_sums = seg.windows(scores, SCORE_WINDOWS + (3, 10))
    ones = seg.windows(np.ones(n), SCORE_WINDOWS + (3, 10))
    columns = [scores]
    for k in SCORE_WINDOWS:
        columns.append((score_sums[k][0] + score_sums[k][1] + scores) / (ones[k][0] + ones[k][1] + 1.0))
    for k in (1, 3):
        columns.append(score_sums[k][0] / np.maximum(ones[k][0], 1.0))
        columns.append(score_sums[k][1] / np.maximum(ones[k][1], 1.0))
    weight = np.log1p(words)
    weighted = scores * weight
    weighted_sums, weight_sums = seg.windows(weighted, (3, 10)), seg.windows(weight, (3, 10))
    for k in (3, 10):
        columns.append((weighted_sums[k][0] + weighted_sums[k][1] + weighted) /
                       np.maximum(weight_sums[k][0] + weight_sums[k][1] + weight, 1e-9))
    relative = seg.index - seg.first
    confident = scores >= 0.5
    first_confident = seg.per_document(np.where(confident, relative, np.inf), np.minimum)
    last_confident = seg.per_document(np.where(confident, relative, -np.inf), np.maximum)
    inside = (relative >= first_confident) & (relative <= last_confident)
    lines = np.maximum(seg.lengths, 1).astype(np.float64)
    columns += [seg.per_document(scores) / lines, seg.per_document(scores, np.maximum), inside,
                np.log1p(seg.run_lengths(scores < 0.5))]
    return np.column_stack([np.asarray(c, dtype=np.float64) for c in columns])


def context_of_scores(scores: np.ndarray, words: np.ndarray) -> np.ndarray:
    """:func:`batch_context_of_scores` of one document's lines."""
    return batch_context_of_scores(scores, words, np.array([0, len(scores)], dtype=np.int64))


#: Names of the page features: what a whole document looks like, for telling a scraped page from an
#: article that is already clean (:func:`page_features`).
PAGE_NAMES = (
    "page-lines", "page-words", "page-long-share", "page-sentence-share", "page-short-share", "page-rule-share",
    "page-sure-share", "page-bullet-share", "page-url-share", "page-date-share", "page-separator-share",
    "page-title-case-share", "page-repeated-share", "page-long-words-share", "page-stopword-density",
    "page-word-length", "page-short-run", "page-first-long", "page-last-long", "page-policy-density",
    # What the line model makes of the page: its scores' mean and lows, and the share of lines it would remove.
    "page-first-mean", "page-first-min", "page-first-low-share", "page-first-very-low-share", "page-second-mean",
    "page-removed-share",
    # What a scraped page shows and an article already clean rarely does: lines a sure rule removes (a comment
    # form, a copyright line, a share bar), and a dateline, a byline, a "Home | News" line of separated links
    # or a vocabulary rule's label among the short lines of its head (:data:`GATE_HEAD_LINES`).
    "page-sure-lines", "page-head-date", "page-head-byline", "page-head-separators", "page-head-rule",
    # Where the article sits: a scraped page opens with menus and closes with footers, short lines before its
    # first long line and after its last; a clean body opens with a paragraph or a heading over one.
    "page-lines-before-long", "page-lines-after-long", "page-head-short-share", "page-tail-short-share",
)
#: The head of a page, where a scraped page prints its dateline, byline and menus ...
GATE_HEAD_LINES = 3
#: ... on short lines (a first paragraph that starts "On 3 March 2021, the committee" is no dateline).
GATE_HEAD_MAX_WORDS = 10
#: The first and the last lines of a page whose share of short lines the gate weighs (a menu, a footer).
GATE_EDGE_LINES = 10


def page_features(X: np.ndarray, starts: np.ndarray, first: np.ndarray, second: np.ndarray,
                  threshold: float | np.ndarray) -> np.ndarray:
    """One row per document of the batch: shares and means of its lines' features, and of the line
    model's first- and second-stage scores (``first``, ``second``; ``threshold``: the keep-threshold of
    each line) (:data:`PAGE_NAMES`).

    A clean article is paragraphs, perhaps a few headings and list items: long lines that end like
    sentences, few short ones and no runs of them, no vocabulary rule hits, nothing repeated; a
    scraped page has menus, labels and link lists around its article.
    """
    documents = len(starts) - 1
    out = np.zeros((documents, len(PAGE_NAMES)))
    if not len(X):
        return out
    seg = Segments(starts)
    column = {name: X[:, index] for index, name in enumerate(FEATURE_NAMES)}
    words = np.round(np.expm1(column["words"]))
    lines = np.maximum(np.diff(starts), 1).astype(np.float64)
    long_ = words >= LONG_WORDS
    short = words <= SHORT_WORDS
    rules = (X[:, _RULE_START:len(BASE_NAMES)] > 0).any(axis=1)
    total = seg.document_totals

    doc_words = np.maximum(total(words), 1.0)
    relative = seg.index - seg.first
    last = seg.lengths - 1
    columns = (
        np.log1p(lines), np.log1p(total(words)), total(long_) / lines, total(column["sentence-end"]) / lines,
        total(short) / lines, total(rules) / lines, total(column["rule-sure"]) / lines, total(column["bullet"] > 0) / lines,
        total(column["url-like"]) / lines, total(column["date-like"]) / lines, total(column["separators"] > 0) / lines,
        total(column["title-case"] > 0.5) / lines, total(column["repeated"] > 0) / lines,
        total(np.where(long_, words, 0.0)) / doc_words, total(column["stopword-density"] * words) / doc_words,
        total(column["word-length"] * words) / doc_words, np.log1p(total(seg.run_lengths(short), np.maximum)),
        total((relative == 0) & long_), total((relative == last) & long_), total(column["policy-words"] * words) / doc_words,
        total(first) / lines, total(first, np.minimum), total(first < 0.5) / lines, total(first < 0.2) / lines,
        total(second) / lines, total(second < threshold) / lines,
        total(column["rule-sure"] > 0), *_head_marks(column, rules, seg, words),
        *_edges(seg, long_, short),
    )
    for index, values in enumerate(columns):
        out[:, index] = values
    return out


def head_short_lines(seg: Segments, words: np.ndarray) -> np.ndarray:
    """Whether each line is one of the short lines (:data:`GATE_HEAD_MAX_WORDS` words at most, ``words``
    its word count) among the first :data:`GATE_HEAD_LINES` of its page::

        >>> head_short_lines(Segments(np.array([0, 5])), np.array([2, 30, 4, 1, 1])).tolist()
        [True, False, True, False, False]
    """
    return ((seg.index - seg.first) < GATE_HEAD_LINES) & (words <= GATE_HEAD_MAX_WORDS)


def _head_marks(column: dict[str, np.ndarray], rules: np.ndarray, seg: Segments, words: np.ndarray) -> list[np.ndarray]:
    """Per document, 1.0 when a short line of its head (:func:`head_short_lines`) is date-like, a byline, a
    line of separated links or a vocabulary rule's line (``page-head-date`` to ``page-head-rule`` of
    :data:`PAGE_NAMES`).

    Marks, not verdicts: "Top MBA Programs of 2025" heads a clean article and counts as dated, and the
    page gate weighs them with the rest of the page (as a hard rule they cost clean articles 2% of their
    lines, out of fold; the hard rule kept is narrower, ``pipeline.stages.boilerplate.has_page_furniture``).
    """
    head = head_short_lines(seg, words)
    marks = (column["date-like"] > 0, column["byline-like"] > 0, column["separators"] > 0, rules)
    return [seg.document_totals(head & mark) > 0 for mark in marks]


def _edges(seg: Segments, long_: np.ndarray, short: np.ndarray) -> list[np.ndarray]:
    """Per document: the lines before its first long line and after its last (log1p; all its lines when it
    has none), and the share of short lines among its first and its last :data:`GATE_EDGE_LINES` lines (the
    last four of :data:`PAGE_NAMES`).

    A clean body opens with its first paragraph, or a heading over it; a scraped page opens with its menus::

        >>> seg = Segments(np.array([0, 4, 7]))
        >>> long_ = np.array([False, False, True, True, True, True, False])
        >>> short = np.array([True, True, False, False, False, False, True])
        >>> [np.round(values, 3).tolist() for values in _edges(seg, long_, short)]
        [[1.099, 0.0], [0.0, 0.693], [0.5, 0.333], [0.5, 0.333]]
    """
    count = np.diff(seg.starts).astype(np.float64)
    relative = seg.index - seg.first
    first_long = seg.document_totals(np.where(long_, relative, np.inf), np.minimum)
    last_long = seg.document_totals(np.where(long_, relative, -np.inf), np.maximum)
    before = np.where(np.isfinite(first_long), first_long, count)
    after = np.where(np.isfinite(last_long), count - 1 - last_long, count)
    edge = np.maximum(np.minimum(count, GATE_EDGE_LINES), 1)
    head = relative < GATE_EDGE_LINES
    tail = relative >= seg.lengths - GATE_EDGE_LINES
    return [np.log1p(before), np.log1p(after), seg.document_totals(head & short) / edge,
            seg.document_totals(tail & short) / edge]

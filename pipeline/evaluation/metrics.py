"""Scores of a predicted body against a reference, as the corpora's authors define them.

- :func:`shingle_scores`: the scrapinghub benchmark's metric (its
  ``evaluate.py``): 4-token shingles, per-page tp/fp/fn normalised to sum 1,
  precision and recall macro-averaged, F1 of the two averages;
- :func:`word_scores`: WCXB's word F1: per page, lower-cased ``\\w+`` bag of
  words, macro-averaged;
- :func:`token_prf`: token F1 after Arabic normalisation (NFKC, no harakat, no
  tatweel), for the CNN Arabic page and the labelled dumps;
- :func:`line_scores`: what a body did with hand-labelled dump lines (leaked
  drop lines, lost body lines, token F1 on the body lines);
- :func:`snippet_hits` and :func:`metadata_matches`: snippet and title/author/date checks.

Every function is pure and order-independent::

    >>> round(shingle_scores([("a b c d e", "a b c d e")]).f1, 3)
    1.0
    >>> word_prf("The cat sat", "the cat").recall
    0.6666666666666666
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from pipeline.stages.normalize import normalize_text

#: Tokens of every metric: runs of word characters (any script).
TOKEN = re.compile(r"\w+")
#: Shingle length of the scrapinghub benchmark.
SHINGLE_N = 4
#: Arabic harakat (tashkeel, U+064B–U+065F) and the superscript alef (U+0670):
#: ``\w`` does not match them, so a vowelled word would split into letters.
HARAKAT = "".join(chr(code) for code in range(0x064B, 0x0660)) + "\u0670"
TATWEEL = "\u0640"
_ARABIC_MARKS = {ord(char): None for char in HARAKAT + TATWEEL}
_WHITESPACE = re.compile(r"\s+")
#: Quote, apostrophe and dash variants folded to ASCII before comparing titles and authors.
_QUOTES = ({ord(char): '"' for char in "“”„‟«»″"} | {ord(char): "'" for char in "‘’‚‛′`´"}
           | {ord(char): "-" for char in "‐‑‒–—―"})
#: Words that only join or introduce author names ("A, B and C", "By A"): ignored when comparing authors.
AUTHOR_JOINERS = frozenset({"and", "by", "و"})


@dataclass(frozen=True)
class Score:
    """Precision, recall and F1 over ``pages`` pages (macro-averaged where a corpus is scored)."""

    precision: float
    recall: float
    f1: float
    pages: int = 1


def _f1(precision: float, recall: float) -> float:
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def _prf(true: Counter, pred: Counter) -> Score:
    """Bag-of-items precision/recall/F1; two empty bags agree perfectly, one empty bag scores 0."""
    if not true and not pred:
        return Score(1.0, 1.0, 1.0)
    overlap = sum((true & pred).values())
    precision = overlap / sum(pred.values()) if pred else 0.0
    recall = overlap / sum(true.values()) if true else 0.0
    return Score(precision, recall, _f1(precision, recall))


def _mean(values: list[float]) -> float:
    return statistics.fmean(values) if values else 0.0


# --------------------------------------------------------------------------- scrapinghub

def shingles(text: str, n: int = SHINGLE_N) -> Counter:
    """Multiset of ``n``-token shingles (case-sensitive ``\\w+`` tokens).

    A text shorter than ``n`` tokens is one shorter shingle; an empty text has none.
    """
    tokens = TOKEN.findall(text or "")
    return Counter(tuple(tokens[i:i + n]) for i in range(max(1, len(tokens) - n + 1)) if tokens[i:i + n])


def shingle_match(true: str, pred: str) -> tuple[float, float, float]:
    """Per-page (tp, fp, fn) over shingles, divided by their sum so long pages weigh the same."""
    true_counts, pred_counts = shingles(true), shingles(pred)
    tp = float(sum((true_counts & pred_counts).values()))
    fp = float(sum((pred_counts - true_counts).values()))
    fn = float(sum((true_counts - pred_counts).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (tp, fp, fn)


def shingle_precision(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fp) if tp + fp else 0.0


def shingle_recall(tp: float, fp: float, fn: float) -> float:
    if fp == fn == 0:
        return 1.0
    return tp / (tp + fn) if tp + fn else 0.0


def shingle_scores(pairs: Iterable[tuple[str, str]]) -> Score:
    """The benchmark's corpus score over ``(true, pred)`` pairs.

    As in its ``evaluate.py``: precision is averaged over the pages with a
    non-empty prediction (tp + fp > 0), recall over the pages with a non-empty
    reference (tp + fn > 0); precision and recall are 1.0 when fp = fn = 0;
    F1 is the harmonic mean of the two averages.
    """
    return shingle_totals([shingle_match(true, pred) for true, pred in pairs])


def shingle_totals(matches: Iterable[tuple[float, float, float]]) -> Score:
    """:func:`shingle_scores` of per-page :func:`shingle_match` triples already computed (a trainer
    comparing many settings matches each page once per setting, not once per comparison)."""
    matches = list(matches)
    precision = _mean([shingle_precision(*m) for m in matches if m[0] + m[1] > 0])
    recall = _mean([shingle_recall(*m) for m in matches if m[0] + m[2] > 0])
    return Score(precision, recall, _f1(precision, recall), len(matches))


# --------------------------------------------------------------------------- WCXB

def words(text: str) -> Counter:
    """Lower-cased ``\\w+`` bag of words."""
    return Counter(TOKEN.findall((text or "").lower()))


def word_prf(true: str, pred: str) -> Score:
    """WCXB's per-page word precision, recall and F1."""
    return _prf(words(true), words(pred))


def macro(scores: Iterable[Score]) -> Score:
    """Mean precision, mean recall and mean F1 of per-page scores."""
    scores = list(scores)
    return Score(_mean([s.precision for s in scores]), _mean([s.recall for s in scores]),
                 _mean([s.f1 for s in scores]), len(scores))


def word_scores(pairs: Iterable[tuple[str, str]]) -> Score:
    """WCXB's corpus score: per-page word P/R/F1 over ``(true, pred)`` pairs, macro-averaged."""
    return macro(word_prf(true, pred) for true, pred in pairs)


# --------------------------------------------------------------------------- Arabic tokens

def arabic_normalise(text: str) -> str:
    """NFKC, then harakat (U+064B–U+065F, U+0670) and tatweel (U+0640) removed."""
    return unicodedata.normalize("NFKC", text or "").translate(_ARABIC_MARKS)


def arabic_tokens(text: str) -> Counter:
    """Lower-cased ``\\w+`` tokens of :func:`arabic_normalise`'d text."""
    return Counter(TOKEN.findall(arabic_normalise(text).lower()))


def token_prf(true: str, pred: str) -> Score:
    """Token precision, recall and F1 after Arabic-aware normalisation of both sides."""
    return _prf(arabic_tokens(true), arabic_tokens(pred))


# --------------------------------------------------------------------------- labelled lines

def line_key(text: str) -> str:
    """How a dump line and a body line are compared: ``normalize_text``, whitespace collapsed."""
    return _WHITESPACE.sub(" ", normalize_text(text or "")).strip()


@dataclass(frozen=True)
class LineScore:
    """What a predicted body did with one labelled dump.

    ``leaked``: drop-class lines whose text is a line of the body; ``lost``:
    body-class lines whose text is not. ``tokens``: token P/R/F1 of the body
    (lines that are only meta-class text left out: meta is neither rewarded
    nor penalised) against the body-class lines.
    """

    leaked: int
    lost: int
    drop_lines: int
    body_lines: int
    tokens: Score


def line_scores(labels: dict[int, str], text: str, body: str) -> LineScore:
    """Score ``body`` against the line ``labels`` (``line -> body/drop/meta``) of dump ``text``."""
    source = text.splitlines()
    by_class: dict[str, list[str]] = {"body": [], "drop": [], "meta": []}
    for number in sorted(labels):
        if number <= len(source):
            by_class.setdefault(labels[number], []).append(line_key(source[number - 1]))
    body_lines = [key for key in (line_key(line) for line in body.splitlines()) if key]
    kept = set(body_lines)
    body_keys = set(by_class["body"])
    meta_only = set(by_class["meta"]) - body_keys
    leaked = sum(1 for key in by_class["drop"] if key in kept)
    lost = sum(1 for key in by_class["body"] if key not in kept)
    scored = "\n".join(line for line in body_lines if line not in meta_only)
    tokens = token_prf("\n".join(by_class["body"]), scored)
    return LineScore(leaked, lost, len(by_class["drop"]), len(by_class["body"]), tokens)


# --------------------------------------------------------------------------- snippets and metadata

def _snippet_form(text: str) -> str:
    return _WHITESPACE.sub(" ", arabic_normalise(text)).strip()


def snippet_hits(body: str, with_snippets: Iterable[str], without_snippets: Iterable[str]) -> tuple[int, int]:
    """(``with`` snippets found in ``body``, ``without`` snippets absent from it), after normalisation."""
    text = _snippet_form(body)
    found = sum(1 for snippet in with_snippets if _snippet_form(snippet) in text)
    absent = sum(1 for snippet in without_snippets if _snippet_form(snippet) not in text)
    return found, absent


def field_form(value: str | None) -> str:
    """A title or author for comparison: NFKC, quotes and dashes folded to ASCII, whitespace collapsed."""
    text = unicodedata.normalize("NFKC", value or "").translate(_QUOTES)
    return _WHITESPACE.sub(" ", text).strip()


def title_matches(pred: str | None, true: str | None) -> bool:
    """Exact title match after whitespace and quote normalisation."""
    return bool(true) and field_form(pred) == field_form(true)


def author_words(value: str | None) -> list[str]:
    """An author field's words, lower-cased, without separators or joiners.

    ``"A. Smith; Ph D"``, ``"A. Smith, Ph.D."`` and ``"By A Smith and Ph D"`` compare equal.
    """
    return [word for word in TOKEN.findall(field_form(value).casefold()) if word not in AUTHOR_JOINERS]


def author_matches(pred: str | None, true: str | None) -> bool:
    """Same author words in the same order (separators, case and "and"/"by" ignored)."""
    return bool(author_words(true)) and author_words(pred) == author_words(true)


def date_matches(pred: str | None, true: str | None) -> bool:
    """Same ``YYYY-MM-DD`` part."""
    return bool(true) and bool(pred) and str(pred)[:10] == str(true)[:10]


#: Metadata fields scored, and how each is compared.
METADATA_CHECKS = {"title": title_matches, "author": author_matches, "date": date_matches}


def metadata_accuracy(pairs: Iterable[tuple[dict, dict]]) -> dict[str, dict[str, float]]:
    """Per field: share of pages whose predicted value matches, over pages whose reference has one.

    ``pairs`` are ``(predicted, reference)`` dicts with ``title``/``author``/``date``.
    """
    correct: Counter = Counter()
    total: Counter = Counter()
    for pred, true in pairs:
        for name, check in METADATA_CHECKS.items():
            if true.get(name):
                total[name] += 1
                correct[name] += check(pred.get(name), true.get(name))
    return {name: {"accuracy": correct[name] / total[name] if total[name] else 0.0, "pages": total[name]}
            for name in METADATA_CHECKS}

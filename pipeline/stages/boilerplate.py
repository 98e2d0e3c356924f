"""Boilerplate: classify every line as body or removed-with-a-reason.

The decision, top to bottom, for one document's lines:

1. **Features** (:mod:`pipeline.boilerplate.features`): facts about each line
   (length, punctuation, stopword density in Arabic and English, capitals,
   digits, bullets, date/byline/link shapes, repetition, vocabulary rule hits)
   and about its neighbourhood (words over ±1/±3/±10 lines, runs of short
   lines, where it sits relative to the first and last long line, whether a
   comment section has begun). No single threshold decides alone.
2. **First stage**: boosted trees give each line a probability of being
   article text from those features.
3. **Second stage**: the same kind of model sees the first stage's
   probabilities over the neighbourhood, so a lone teaser between menus or a
   short heading between paragraphs follows its surroundings.
4. **Decision**: a line is kept when the second stage's probability reaches
   the model's threshold (a higher bar for removal on trafilatura's HTML
   lines, which are mostly clean already), except that a *sure* vocabulary
   rule (comment threads and forms, copyright lines) removes it regardless.
   On HTML lines *every* vocabulary rule is sure (:func:`html_thresholds`):
   trafilatura has already dropped the menus, so a "Read more: ..." or
   "Related: ..." line left in its output is the article's own furniture.
   A removed line is named by the vocabulary rule it hit, or else by the
   first-stage feature that pushed it down most: ``model:short-run``,
   ``model:inside-long-span`` ...

The model (``pipeline/resources/line-model.json``) is trained by
``pipeline train`` (:mod:`pipeline.training.train`) on the dev corpora and
evaluated here with numpy; nothing is random at run time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from pipeline.boilerplate.features import FEATURE_NAMES, context_of_scores, line_features
from pipeline.boilerplate.model import LineModel, load_model, row_blocks
from pipeline.boilerplate.rules import RULE_REASONS
from pipeline.document import Document, Line

_COLUMN = {name: index for index, name in enumerate(FEATURE_NAMES)}
_RULE_COLUMNS = np.array([_COLUMN[f"rule:{reason}"] for reason in RULE_REASONS])
_SURE, _AFTER_COMMENTS = _COLUMN["rule-sure"], _COLUMN["after-comment-header"]


def document_features(lines: Sequence[Line], html: bool) -> np.ndarray:
    """Step 1: the first-stage feature matrix of a document's lines."""
    return line_features([line.text for line in lines], [line.kind for line in lines],
                         [line.number for line in lines], html)


def body_scores(X: np.ndarray, model: LineModel) -> np.ndarray:
    """Steps 2 and 3: each line's probability of being article text."""
    return _scores(X, model)[0]


def _scores(X: np.ndarray, model: LineModel) -> tuple[np.ndarray, np.ndarray]:
    """The second stage's probabilities, and the first stage's leaves (for naming removals)."""
    raw, leaves = model.first.walk(X)
    first = 1.0 / (1.0 + np.exp(-raw))
    context = context_of_scores(first, np.expm1(X[:, _COLUMN["words"]]))
    # The second stage reads both matrices side by side, joined a block of lines at a time (a copy of
    # a huge dump's whole feature matrix would double the stage's memory).
    second = [model.second.predict(np.hstack([X[start:stop], context[start:stop]]))
              for start, stop in row_blocks(len(X))]
    return (np.concatenate(second) if second else np.zeros(0)), leaves


#: A run of at least this many bulleted lines is one list, and a list shares one fate ...
LIST_MIN_ITEMS = 3
#: ... once at least this share of its items is removed, the rest go too (one long teaser in a
#: headline list reads like prose on its own, not among its siblings).
LIST_REMOVED_SHARE = 2 / 3
#: A label ("Related Content", "الأكثر قراءة") has at most this many words; the headline-shaped lines
#: right under it, up to the next long line, are its list.
LABEL_MAX_WORDS = 5
HEADLINE_MAX_WORDS = 15


def _lists_share_a_fate(X: np.ndarray, remove: np.ndarray) -> np.ndarray:
    """Items of a mostly removed bulleted list, and headlines right under a label: removed as a list."""
    n = len(remove)
    bullet = X[:, _COLUMN["bullet"]] > 0
    words = np.expm1(X[:, _COLUMN["words"]])
    # Runs of equal bullet flags; a bulleted run of enough items that is mostly removed goes whole.
    run = np.concatenate(([0], np.cumsum(bullet[1:] != bullet[:-1])))
    length = np.bincount(run)
    removed = np.bincount(run, remove.astype(np.float64))
    extra = bullet & (length[run] >= LIST_MIN_ITEMS) & (removed[run] / length[run] >= LIST_REMOVED_SHARE)
    # Headlines under a label: every line between the label and it is a headline that is not a label.
    label = (X[:, _COLUMN["rule:related-links"]] + X[:, _COLUMN["rule:section-label"]] > 0) & (words <= LABEL_MAX_WORDS)
    follower = (words <= HEADLINE_MAX_WORDS) & (X[:, _COLUMN["sentence-end"]] == 0) & ~label
    index = np.arange(n)
    last_stop = np.maximum.accumulate(np.where(follower, -1, index))
    before = np.concatenate(([-1], last_stop[:-1]))
    extra |= follower & (before >= 0) & label[np.maximum(before, 0)]
    return extra & ~remove


def removals(X: np.ndarray, scores: np.ndarray, threshold: float | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which lines go (model, sure rules, lists), and which of them go only as part of a list.

    ``threshold`` is one keep-threshold, or one per line (:func:`html_thresholds`).
    """
    remove = (scores < threshold) | (X[:, _SURE] > 0)
    as_list = _lists_share_a_fate(X, remove)
    return remove | as_list, as_list


def html_thresholds(X: np.ndarray, threshold: float) -> np.ndarray:
    """Per-line keep-thresholds on trafilatura's HTML lines: a line any vocabulary rule names goes
    whatever the model says; the others are kept from ``threshold`` up.

    Measured on the dev corpora (scrapinghub HTML shingle F1, wcxb-dev HTML word F1): +0.0004 and
    +0.0001 with the shipped model, +0.0003 and +0.0001 out-of-fold (grouped 5-fold CV of
    ``pipeline train``). Lowering ``threshold`` for the lines no rule names (the model deciding
    alone only when very sure) lost on both, in-sample and out-of-fold, so the model keeps its bar.
    """
    return np.where((X[:, _RULE_COLUMNS] > 0).any(axis=1), np.inf, threshold)


def decide(X: np.ndarray, scores: np.ndarray, threshold: float | np.ndarray, model: LineModel,
           leaves: np.ndarray | None = None) -> list[str]:
    """Step 4: a removal reason for each line, "" for the lines kept.

    ``leaves`` is the first stage's walk over ``X`` (from :func:`_scores`); without it the model is
    walked again for the lines that need a model reason.
    """
    remove, as_list = removals(X, scores, threshold)
    rules = X[:, _RULE_COLUMNS] > 0
    has_rule = rules.any(axis=1)
    first_rule = rules.argmax(axis=1)
    reasons = [""] * len(scores)
    for i in np.flatnonzero(remove & has_rule).tolist():
        reasons[i] = RULE_REASONS[first_rule[i]]
    rest = remove & ~has_rule
    for i in np.flatnonzero(rest & as_list).tolist():
        reasons[i] = "headline-list"
    rest &= ~as_list
    for i in np.flatnonzero(rest & (X[:, _AFTER_COMMENTS] > 0)).tolist():
        reasons[i] = "comments"
    unexplained = np.flatnonzero(rest & ~(X[:, _AFTER_COMMENTS] > 0))
    if len(unexplained):
        top = model.first.top_negative_feature(X, unexplained, leaves)
        for i, feature in zip(unexplained.tolist(), top.tolist()):
            reasons[i] = _MODEL_REASON[feature]
    return reasons


_MODEL_REASON = tuple(f"model:{name}" for name in FEATURE_NAMES)


def classify_lines(lines: Sequence[Line], html: bool = False, model: LineModel | None = None) -> list[str]:
    """A removal reason for every line ("" keeps it). Pure: the lines are not changed.

    ``html`` says the lines are trafilatura's blocks of an HTML page rather than
    the lines of a text dump. Another ingest job can call this on its own lines.
    """
    if not lines:
        return []
    model = model or load_model()
    if model.features != FEATURE_NAMES:
        raise ValueError("the line model was trained on other features than this code computes: run `make train`")
    X = document_features(lines, html)
    scores, leaves = _scores(X, model)
    return decide(X, scores, html_thresholds(X, model.html_threshold) if html else model.threshold, model, leaves)


class Boilerplate:
    """Stage: remove page furniture from ``doc.lines``, each removal with its reason."""

    name, version = "boilerplate", "2"

    def process(self, doc: Document) -> Document:
        for line, reason in zip(doc.lines, classify_lines(doc.lines, html=doc.format == "html")):
            if reason:
                line.remove(self.name, reason)
        return doc

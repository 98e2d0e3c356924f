"""Which lines go, given their features and the model's scores: the decision the line model and the
block model share (:mod:`pipeline.stages.boilerplate`, :mod:`pipeline.html.classify`).

A line goes when its score is under its keep-threshold or a *sure* vocabulary rule names it; then
a bulleted list that is mostly removed goes whole, and so do the headlines right under a label
("Related Content", "الأكثر قراءة")::

    >>> import numpy as np
    >>> from pipeline.boilerplate.features import line_features
    >>> X = line_features(["Related Content", "Rain again in the north", "Floods close two roads",
    ...                    "It rained for a third day in the north of the country on Monday, forecasters said."],
    ...                   ["p"] * 4, [1, 2, 3, 4], False)
    >>> remove, as_list = removals(X, np.array([0.1, 0.9, 0.9, 0.9]), 0.5)
    >>> remove.tolist(), as_list.tolist()
    ([True, True, True, False], [False, True, True, False])
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np

from pipeline.boilerplate.features import FEATURE_NAMES, Segments
from pipeline.boilerplate.model import Forest
from pipeline.boilerplate.rules import RULE_REASONS

_COLUMN = {name: index for index, name in enumerate(FEATURE_NAMES)}
_RULE_COLUMNS = np.array([_COLUMN[f"rule:{reason}"] for reason in RULE_REASONS])
_SURE, _AFTER_COMMENTS = _COLUMN["rule-sure"], _COLUMN["after-comment-header"]


#: A run of at least this many bulleted lines is one list, and a list shares one fate ...
LIST_MIN_ITEMS = 3
#: ... once at least this share of its items is removed, the rest go too (one long teaser in a
#: headline list reads like prose on its own, not among its siblings).
LIST_REMOVED_SHARE = 2 / 3
#: A label ("Related Content", "الأكثر قراءة") has at most this many words; the headline-shaped lines
#: right under it, up to the next long line, are its list.
LABEL_MAX_WORDS = 5
HEADLINE_MAX_WORDS = 15


def _lists_share_a_fate(X: np.ndarray, remove: np.ndarray, seg: Segments) -> np.ndarray:
    """Items of a mostly removed bulleted list, and headlines right under a label: removed as a list."""
    n = len(remove)
    if n == 0:
        return np.zeros(0, dtype=bool)
    bullet = X[:, _COLUMN["bullet"]] > 0
    words = np.expm1(X[:, _COLUMN["words"]])
    # Runs of equal bullet flags within a document; a bulleted run of enough items that is mostly removed goes whole.
    change = np.ones(n, dtype=bool)
    change[1:] = (bullet[1:] != bullet[:-1]) | (seg.first[1:] == seg.index[1:])
    run = np.cumsum(change) - 1
    length = np.bincount(run)
    removed = np.bincount(run, remove.astype(np.float64))
    extra = bullet & (length[run] >= LIST_MIN_ITEMS) & (removed[run] / length[run] >= LIST_REMOVED_SHARE)
    # Headlines under a label: every line between the label and it is a headline that is not a label.
    label = (X[:, _COLUMN["rule:related-links"]] + X[:, _COLUMN["rule:section-label"]] > 0) & (words <= LABEL_MAX_WORDS)
    follower = (words <= HEADLINE_MAX_WORDS) & (X[:, _COLUMN["sentence-end"]] == 0) & ~label
    index = np.arange(n)
    last_stop = np.maximum.accumulate(np.where(follower, -1, index))
    before = np.concatenate(([-1], last_stop[:-1]))
    extra |= follower & (before >= seg.first) & label[np.maximum(before, 0)]
    return extra & ~remove


def removals(X: np.ndarray, scores: np.ndarray, threshold: float | np.ndarray,
             starts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Which lines go (model, sure rules, lists), and which of them go only as part of a list.

    ``threshold`` is one keep-threshold, or one per line (:func:`html_thresholds`); ``starts`` says
    where each document of a batch starts (one document when not given).
    """
    seg = Segments(np.array([0, len(X)], dtype=np.int64) if starts is None else starts)
    remove = (scores < threshold) | (X[:, _SURE] > 0)
    as_list = _lists_share_a_fate(X, remove, seg)
    return remove | as_list, as_list


def html_thresholds(X: np.ndarray, threshold: float) -> np.ndarray:
    """Per-line keep-thresholds on HTML lines: a line any vocabulary rule names goes whatever the
    model says; the others are kept from ``threshold`` up (the extractor has dropped the menus, so a
    "Read more: ..." or "Related: ..." line left in its output is the article's own furniture).
    """
    return np.where((X[:, _RULE_COLUMNS] > 0).any(axis=1), np.inf, threshold)


@lru_cache(maxsize=4)
def _model_reasons(feature_names: tuple[str, ...]) -> np.ndarray:
    return np.asarray([f"model:{name}" for name in feature_names], dtype=object)


def removal_reasons(X: np.ndarray, remove: np.ndarray, as_list: np.ndarray, forest: Forest,
                    feature_names: Sequence[str], leaves: np.ndarray | None = None,
                    name_comments: bool = True) -> list[str]:
    """Why each line of :func:`removals` goes, "" for the lines kept: the first vocabulary rule it
    hit; ``headline-list`` when it goes only as part of a list; with ``name_comments``, ``comments``
    when it stands after a comment section's header; else ``model:<feature>``, the feature of
    ``feature_names`` that pushed the first stage's score down most (``forest``: that stage;
    ``leaves``: its walk over ``X``, walked again for the lines that need it when not given).
    """
    rules = X[:, _RULE_COLUMNS] > 0
    has_rule = rules.any(axis=1)
    reasons = np.full(len(X), "", dtype=object)
    hit = remove & has_rule
    reasons[hit] = np.asarray(RULE_REASONS, dtype=object)[rules.argmax(axis=1)[hit]]
    rest = remove & ~has_rule
    reasons[rest & as_list] = "headline-list"
    rest &= ~as_list
    if name_comments:
        after_comments = X[:, _AFTER_COMMENTS] > 0
        reasons[rest & after_comments] = "comments"
        rest &= ~after_comments
    unexplained = np.flatnonzero(rest)
    if len(unexplained):
        reasons[unexplained] = _model_reasons(tuple(feature_names))[forest.top_negative_feature(X, unexplained, leaves)]
    return reasons.tolist()

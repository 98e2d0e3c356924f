"""The block model: which of an HTML page's blocks are the article, each removal with its reason.

The blocks of :func:`pipeline.html.blocks.segment` are classified as dump lines are
(:mod:`pipeline.stages.boilerplate`), by the same featuriser and the same model family, with the
page's DOM evidence added:

1. **Features.** Each block gets the line model's features
   (:func:`pipeline.boilerplate.features.batch_features`, as HTML lines) followed by its
   :data:`pipeline.html.blocks.DOM_NAMES` row (:data:`BLOCK_FEATURE_NAMES`).
2. **First stage.** Boosted trees give each block a probability of being article text.
3. **Second stage.** The same kind of model sees the first stage's probabilities over the block's
   neighbourhood (as the line model's second stage does) and over its containers
   (:func:`group_scores`: an article's paragraphs share a parent, and so do a comment thread's).
4. **Decision.** A block is kept from the model's threshold up, except that a vocabulary rule on its
   text removes it whatever the model says, and a bulleted list or the headlines under a label share
   one fate (:func:`pipeline.boilerplate.decisions.removals`, as for HTML lines). A removed block is
   named as a removed line is (:func:`pipeline.boilerplate.decisions.removal_reasons`): by the rule it
   hit, or by the first-stage feature that pushed it down most:
   ``navigation`` (a vocabulary rule), ``model:dom:top-distance`` (far from the page's top container) ...

A whole batch of pages goes through one feature pass and one walk of each forest. The model
(``pipeline/resources/block-model.json``) is trained by ``python -m pipeline.training.blocks``
(``make train``) on the HTML dev corpora, cross-validated by site::

    >>> from pipeline.html.blocks import segment
    >>> page = segment("<nav class='menu'><ul><li><a href='/'>Home</a></li><li><a href='/w'>World</a></li>"
    ...                "<li><a href='/s'>Sport</a></li></ul></nav><article><h1>Rain again in the north</h1>"
    ...                "<p>It rained for a third day in the north of the country on Monday, and more is "
    ...                "expected this week, forecasters said.</p><p>Rivers are high, and two roads were "
    ...                "closed by floods near the coast, the police said.</p></article>")
    >>> verdict = classify_pages([page])[0]
    >>> [(line.text[:12], reason) for line, reason in zip(page.lines, verdict.reasons)]  # doctest: +NORMALIZE_WHITESPACE
    [('Home', 'navigation'), ('World', 'model:dom:top-distance'), ('Sport', 'model:dom:top-distance'),
     ('Rain again i', ''), ('It rained fo', ''), ('Rivers are h', '')]
    >>> verdict.kept_words, verdict.unsure
    (43, False)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from pipeline.boilerplate.decisions import html_thresholds, removal_reasons, removals
from pipeline.boilerplate.features import FEATURE_NAMES, STACK_NAMES, LineBatch, batch_context_of_scores, batch_features
from pipeline.boilerplate.model import Forest, row_blocks
from pipeline.html.blocks import DOM_NAMES, Blocks

#: The block model's features: the line model's, then the DOM's.
BLOCK_FEATURE_NAMES = FEATURE_NAMES + tuple(f"dom:{name}" for name in DOM_NAMES)
#: The second stage's features beyond the first stage's: the line model's score context, then
#: :func:`group_scores`.
GROUP_NAMES = ("score-container-mean", "score-outer-mean")
BLOCK_STACK_NAMES = STACK_NAMES + GROUP_NAMES
MODEL_RESOURCE = "block-model.json"
FORMAT = 1

_WORDS = FEATURE_NAMES.index("words")
_UNDER_TOP = len(FEATURE_NAMES) + DOM_NAMES.index("under-top")


@dataclass(frozen=True)
class BlockModel:
    """The block model's two stages, its keep-threshold and when a page is too unsure for it.

    A page whose kept blocks hold fewer than ``fallback_min_words`` words, or more than
    ``fallback_outside_share`` of them outside the page's top container, goes to the fallback
    extractor (trafilatura, :mod:`pipeline.stages.extract`); so does a page with no block kept.
    """

    features: tuple[str, ...]
    first: Forest
    second: Forest
    threshold: float
    fallback_min_words: int = 0
    fallback_outside_share: float = float("inf")
    info: dict[str, Any] | None = None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> BlockModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"block model format {data.get('format')!r}, expected {FORMAT}")
        share = data.get("fallback_outside_share")
        return cls(tuple(data["features"]), Forest.from_json(data["first"]), Forest.from_json(data["second"]),
                   float(data["threshold"]), int(data.get("fallback_min_words", 0)),
                   float("inf") if share is None else float(share), data.get("info", {}))

    def to_json(self) -> dict[str, Any]:
        share = self.fallback_outside_share
        return {"format": FORMAT, "features": list(self.features), "threshold": self.threshold,
                "fallback_min_words": self.fallback_min_words,
                "fallback_outside_share": share if np.isfinite(share) else None, "info": self.info or {},
                "first": self.first.to_json(), "second": self.second.to_json()}


@lru_cache(maxsize=1)
def load_block_model() -> BlockModel:
    """The shipped block model (``pipeline/resources/block-model.json``), loaded once per process."""
    text = resources.files("pipeline").joinpath("resources", MODEL_RESOURCE).read_text("utf-8")
    model = BlockModel.from_json(json.loads(text))
    if model.features != BLOCK_FEATURE_NAMES:
        raise ValueError("the block model was trained on other features than this code computes: run `make train`")
    return model


def group_scores(scores: np.ndarray, words: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The word-weighted mean first-stage score of each block's container and of its container's
    container, weighted by log(1 + words) as the line model's score context is (``groups``: one row
    per block, :attr:`pipeline.html.blocks.Blocks.groups`, unique across the pages of a batch).

        >>> group_scores(np.array([1.0, 0.0, 0.5]), np.array([3.0, 1.0, 2.0]), np.array([[1, 9], [1, 9], [2, 9]])).round(2)
        array([[0.67, 0.61],
               [0.67, 0.61],
               [0.5 , 0.61]])
    """
    out = np.zeros((len(scores), len(GROUP_NAMES)))
    weight = np.log1p(words) + 1e-3
    for column in range(min(groups.shape[1], len(GROUP_NAMES))) if len(scores) else ():
        _, inverse = np.unique(groups[:, column], return_inverse=True)
        out[:, column] = (np.bincount(inverse, weights=scores * weight) / np.bincount(inverse, weights=weight))[inverse]
    return out


def batch_groups(pages: Sequence[Blocks]) -> np.ndarray:
    """Every page's :attr:`~pipeline.html.blocks.Blocks.groups`, stacked, made unique across pages."""
    if not pages:
        return np.zeros((0, 2), dtype=np.int64)
    # Element serial numbers count a page's elements, far below 2**40; the page's index goes above them.
    return np.vstack([page.groups.reshape(-1, 2).astype(np.int64) + (index << 40) for index, page in enumerate(pages)])


def first_rows(pages: Sequence[Blocks]) -> tuple[np.ndarray, np.ndarray]:
    """The first stage's rows (:data:`BLOCK_FEATURE_NAMES`) of every block of ``pages``, and where each
    page starts."""
    batch = LineBatch.of([[line.text for line in page.lines] for page in pages],
                         [[line.kind for line in page.lines] for page in pages],
                         [[line.number for line in page.lines] for page in pages], [True] * len(pages))
    dom = np.vstack([page.X for page in pages]) if pages else np.zeros((0, len(DOM_NAMES)))
    return np.hstack([batch_features(batch), dom.reshape(-1, len(DOM_NAMES))]), batch.starts


def second_rows(X: np.ndarray, first: np.ndarray, starts: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """The second stage's rows: the first stage's rows, its scores' context within each page
    (:func:`pipeline.boilerplate.features.batch_context_of_scores`) and :func:`group_scores`."""
    words = np.expm1(X[:, _WORDS])
    return np.hstack([X, batch_context_of_scores(first, words, starts), group_scores(first, words, groups)])


def block_scores(X: np.ndarray, starts: np.ndarray, groups: np.ndarray,
                 model: BlockModel) -> tuple[np.ndarray, np.ndarray]:
    """Each block's probability of being article text (second stage), and the first stage's leaves."""
    raw, leaves = model.first.walk(X)
    first = 1.0 / (1.0 + np.exp(-raw))
    rows = second_rows(X, first, starts, groups)
    second = [model.second.predict(rows[start:stop]) for start, stop in row_blocks(len(rows))]
    return (np.concatenate(second) if second else np.zeros(0)), leaves


@dataclass(frozen=True)
class PageVerdict:
    """The block model's decision on one page: a reason per block ("" keeps it), the words kept, and
    whether the page is too unsure for the model (:class:`BlockModel`)."""

    reasons: list[str]
    kept_words: int
    unsure: bool


def classify_pages(pages: Sequence[Blocks], model: BlockModel | None = None) -> list[PageVerdict]:
    """:class:`PageVerdict` of every page of a batch: one feature pass, one walk of each forest."""
    model = model or load_block_model()
    X, starts = first_rows(pages)
    if not len(X):
        return [PageVerdict([], 0, True) for _ in pages]
    scores, leaves = block_scores(X, starts, batch_groups(pages), model)
    line_X = X[:, :len(FEATURE_NAMES)]
    remove, as_list = removals(line_X, scores, html_thresholds(line_X, model.threshold), starts)
    reasons = removal_reasons(X, remove, as_list, model.first, BLOCK_FEATURE_NAMES, leaves, name_comments=False)
    words = np.expm1(X[:, _WORDS]).round()
    kept = np.where(remove, 0.0, words)
    outside = np.where(X[:, _UNDER_TOP] > 0, 0.0, kept)
    verdicts = []
    for start, stop in zip(starts[:-1].tolist(), starts[1:].tolist()):
        kept_words = int(kept[start:stop].sum())
        unsure = (kept_words == 0 or kept_words < model.fallback_min_words
                  or outside[start:stop].sum() > model.fallback_outside_share * kept_words)
        verdicts.append(PageVerdict(reasons[start:stop], kept_words, bool(unsure)))
    return verdicts

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
from dataclasses import dataclass

import numpy as np

from pipeline.boilerplate.decisions import html_thresholds, removal_reasons, removals
from pipeline.boilerplate.features import (
    FEATURE_NAMES, LineBatch, Segments, batch_context_of_scores, batch_features, head_short_lines,
    line_features, page_features,
)
from pipeline.boilerplate.model import LineModel, load_model, row_blocks
from pipeline.boilerplate.rules import compiled_gate
from pipeline.document import Document, Line, line_columns
from pipeline.text.dates import find_date
from pipeline.text.scan import tables

_COLUMN = {name: index for index, name in enumerate(FEATURE_NAMES)}


def document_features(lines: Sequence[Line], html: bool) -> np.ndarray:
    """Step 1: the first-stage feature matrix of a document's lines."""
    return line_features([line.text for line in lines], [line.kind for line in lines],
                         [line.number for line in lines], html)


def body_scores(X: np.ndarray, model: LineModel, starts: np.ndarray | None = None) -> np.ndarray:
    """Steps 2 and 3: each line's probability of being article text (``starts``: where each document
    of a batch starts; one document when not given)."""
    return _scores(X, model, starts)[0]


def _scores(X: np.ndarray, model: LineModel, starts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The second stage's probabilities, and the first stage's leaves (for naming removals)."""
    second, leaves, _ = stage_scores(X, model, starts)
    return second, leaves


def stage_scores(X: np.ndarray, model: LineModel,
                 starts: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Both stages: the second stage's probabilities, the first stage's leaves and its probabilities."""
    starts = np.array([0, len(X)], dtype=np.int64) if starts is None else starts
    raw, leaves = model.first.walk(X)
    first = 1.0 / (1.0 + np.exp(-raw))
    context = batch_context_of_scores(first, np.expm1(X[:, _COLUMN["words"]]), starts)
    # The second stage reads both matrices side by side (the walk joins them as it copies its blocks of
    # rows), a block of lines at a time (its leaves of a huge dump's every line would be a large array).
    second = [model.second.predict(X[start:stop], context[start:stop]) for start, stop in row_blocks(len(X))]
    return (np.concatenate(second) if second else np.zeros(0)), leaves, first


def thresholds(X: np.ndarray, model: LineModel) -> np.ndarray:
    """Each line's keep-threshold: the dump threshold, or :func:`html_thresholds` on HTML lines."""
    html = X[:, _COLUMN["html"]] > 0
    return np.where(html, html_thresholds(X, model.html_threshold), model.threshold)


def decide(X: np.ndarray, scores: np.ndarray, threshold: float | np.ndarray, model: LineModel,
           leaves: np.ndarray | None = None, starts: np.ndarray | None = None) -> list[str]:
    """Step 4: a removal reason for each line, "" for the lines kept.

    ``leaves`` is the first stage's walk over ``X`` (from :func:`_scores`); without it the model is
    walked again for the lines that need a model reason.
    """
    remove, as_list = removals(X, scores, threshold, starts)
    return removal_reasons(X, remove, as_list, model.first, FEATURE_NAMES, leaves)


def _check(model: LineModel) -> None:
    if model.features != FEATURE_NAMES:
        raise ValueError("the line model was trained on other features than this code computes: run `make train`")


def classify_lines(lines: Sequence[Line], html: bool = False, model: LineModel | None = None) -> list[str]:
    """A removal reason for every line ("" keeps it). Pure: the lines are not changed.

    ``html`` says the lines are an HTML page's blocks rather than the lines of a text dump. Another
    ingest job can call this on its own lines.
    """
    return classify_batch([list(lines)], [html], model)[0].reasons


@dataclass(frozen=True)
class Verdict:
    """What the stage decided for one document: a reason per line ("" keeps it), and, for a text
    dump, the page gate's probability that the document is an article already clean (when it passes
    the gate, every line is kept)."""

    reasons: list[str]
    already_clean: float | None = None

    @property
    def passed(self) -> bool:
        return self.already_clean is not None


def has_page_furniture(X: np.ndarray, starts: np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """Per document: does its head show what an article already clean never opens with? A short line
    of its head (:func:`~pipeline.boilerplate.features.head_short_lines`) that is a dateline ("3 March
    2021"), a byline or a line of separated links ("Home | News"). Such a page is a scraped one whatever the gate's score: a headline
    over a dateline over paragraphs looks clean to it. A year in a heading ("Top MBA Programs of 2025")
    is no dateline; the gate weighs that mark, and a sure rule's line, with the rest of the page.
    """
    found = np.zeros(len(starts) - 1, dtype=bool)
    if not len(X):
        return found
    seg = Segments(starts)
    head = np.flatnonzero(head_short_lines(seg, np.round(np.expm1(X[:, _COLUMN["words"]]))))
    marked = (X[head, _COLUMN["separators"]] > 0) | (X[head, _COLUMN["byline-like"]] > 0)
    for index, line in enumerate(head.tolist()):
        marked[index] = marked[index] or find_date(texts[line].strip()) is not None
    found[seg.doc[head[marked]]] = True
    return found


def page_clean_scores(X: np.ndarray, starts: np.ndarray, model: LineModel, first: np.ndarray,
                      second: np.ndarray, keep: float | np.ndarray, texts: Sequence[str]) -> np.ndarray:
    """The page gate's probability, per document, that it is an article already clean (from
    :func:`~pipeline.boilerplate.features.page_features`: what its lines look like, what the line model
    makes of them, and the marks of a scraped page, such as a sure rule's line); 0 for a page whose head
    has furniture (:func:`has_page_furniture`)."""
    if model.page is None:
        return np.zeros(len(starts) - 1)
    features = page_features(X, starts, first, second, keep)
    scores = 1.0 / (1.0 + np.exp(-model.page.walk(features)[0]))
    return np.where(has_page_furniture(X, starts, texts), 0.0, scores)


def classify_batch(documents: Sequence[Sequence[Line]], html: Sequence[bool],
                   model: LineModel | None = None) -> list[Verdict]:
    """:func:`classify_lines` for many documents at once: one feature pass, one walk of the trees.

    The page gate then looks at each text dump whole (:class:`Verdict`): an article already clean keeps
    every line; one possibly clean keeps every line the line model is not sure of (``soft_keep``).
    """
    model = model or load_model()
    _check(model)
    texts, kinds, numbers = line_columns([line for lines in documents for line in lines], "text", "kind", "number")
    batch = LineBatch.flat(texts, kinds, numbers, [len(lines) for lines in documents], html)
    if not len(batch):
        return [Verdict([]) for _ in documents]
    X = batch_features(batch)
    scores, leaves, first = stage_scores(X, model, batch.starts)
    keep = thresholds(X, model)
    clean = page_clean_scores(X, batch.starts, model, first, scores, keep, texts)
    seg = Segments(batch.starts)
    text = ~batch.html
    soft = text & (clean >= model.soft_threshold) & (clean < model.page_threshold)
    keep = np.where(soft[seg.doc], np.minimum(keep, model.soft_keep), keep)
    reasons = decide(X, scores, keep, model, leaves, batch.starts)
    verdicts = []
    for index, (start, stop) in enumerate(zip(batch.starts[:-1], batch.starts[1:])):
        if text[index] and stop > start and clean[index] >= model.page_threshold:
            verdicts.append(Verdict([""] * int(stop - start), round(float(clean[index]), 5)))
        else:
            verdicts.append(Verdict(reasons[start:stop]))
    return verdicts


class Boilerplate:
    """Stage: remove page furniture from ``doc.lines``, each removal with its reason (in batches).

    A text dump that the page gate finds already clean keeps every line, and says so: ``trace`` gets
    ``already_clean`` (the gate's probability), and ``doc.page["already_clean"]`` tells the metadata
    stage that there is no title line to take either.
    """

    name, version = "boilerplate", "3"

    def setup(self) -> None:
        _check(load_model())
        compiled_gate()  # the vocabulary rules' head gate, for the line scan
        tables()

    def process(self, doc: Document) -> Document:
        return self.process_batch([doc])[0]

    def process_batch(self, docs: list[Document]) -> list[Document]:
        # The block model has already decided every block of the HTML pages it classified.
        todo = [doc for doc in docs if not doc.page.get("blocks_classified")]
        verdicts = classify_batch([doc.lines for doc in todo], [doc.format == "html" for doc in todo])
        for doc, verdict in zip(todo, verdicts):
            if verdict.passed:
                doc.page["already_clean"] = True
                doc.note(self.name, already_clean=verdict.already_clean)
            for line, reason in zip(doc.lines, verdict.reasons):
                if reason:
                    line.remove(self.name, reason)
        return docs

"""``pipeline train``: rebuild the boilerplate line model from the dev corpora.

What it does, in order:

1. **Documents.** Every dev corpus with a known article becomes line-labelled
   documents: the scrapinghub dumps and the WCXB dumps (labels derived from the
   reference body by :mod:`pipeline.training.labels`), the hand-labelled
   Arabic dumps, seeds and sites-dev pages (``meta`` lines, the title and
   dateline the metadata stage takes, carry no weight), and trafilatura's
   lines of the scrapinghub, WCXB and CNN Arabic HTML pages (the HTML track).
   trafilatura's output is cached below ``eval-out/train-cache/``. And the
   reference bodies themselves, fed in as plain-text documents (corpus
   ``<name>-clean``), every line labelled body: an article that is already
   clean must come out unharmed, and without these rows the model learns only
   from scraped pages that short lines at the end of a page are furniture.
2. **Grouped cross-validation.** Pages are split into :data:`FOLDS` folds by a
   hash of their corpus and id (so a page's dump and HTML lines fall in the
   same fold, and the split does not depend on the order or the number of
   pages). For each fold, the first stage is trained on the other folds and
   predicts the held-out pages; the second stage is trained on the other
   folds' first-stage scores, each made without the held-out fold (nested,
   :func:`cross_validate`). Every reported score is out-of-fold: no page is
   scored by a model that saw it.
3. **Thresholds.** The dump and HTML keep-thresholds are chosen on the
   out-of-fold scores (mean of the corpora's F1). Scoring needs only which
   lines are kept (:func:`pipeline.stages.boilerplate.removals`), never why,
   so no removal reason is computed while training.
4. **Final model.** Both stages are refitted on all pages (the second on the
   out-of-fold first-stage scores, as it will see unseen pages' scores) and
   exported to ``pipeline/resources/line-model.json`` with the CV report.

LightGBM runs single-threaded and seeded with ``deterministic=True``, so the
same corpora give the same model.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any
from dataclasses import dataclass
from importlib import metadata as package_metadata
from pathlib import Path

import numpy as np

from pipeline.boilerplate.features import (FEATURE_NAMES, PAGE_NAMES, STACK_NAMES, context_of_scores, line_features,
                                          page_features)
from pipeline.boilerplate.model import LineModel, forest_from_lightgbm
from pipeline.config import source_fingerprint
from pipeline.document import Line
from pipeline.stages.boilerplate import has_page_furniture, removals
from pipeline.stages.extract import split_dump
from pipeline.training import add_corpus_arguments, corpus_folders, log, write_model
from pipeline.training.labels import label_lines

FOLDS = 5
SEED = 20261121
#: LightGBM settings: small trees (the model ships in the package and runs per line), strong leaf minimums
#: so a rule learnt from one site's template does not carry a split on its own.
PARAMS = {
    "objective": "binary", "learning_rate": 0.12, "num_leaves": 31, "max_depth": 6, "min_data_in_leaf": 40,
    "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0,
    "seed": SEED, "deterministic": True, "force_row_wise": True, "num_threads": 1, "verbose": -1,
}
FIRST_ROUNDS, SECOND_ROUNDS = 120, 60
#: Hand-labelled pages (seeds, Arabic dumps, sites-dev) weigh this much more than derived labels: their
#: labels are exact, and they are the only Arabic dumps.
GOLD_WEIGHT = 3.0
GOLD_CORPORA = ("seeds", "arabic-dev", "sites-dev")
#: Thresholds tried for keeping a line.
THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.2, 0.81, 0.05))
MODEL_PATH = Path(__file__).resolve().parent.parent / "resources" / "line-model.json"


@dataclass
class TrainingDoc:
    corpus: str  # e.g. "scrapinghub" (dumps) or "scrapinghub-html"
    id: str
    lines: list[Line]
    labels: np.ndarray  # 1 body, 0 not
    weights: np.ndarray  # 0 for lines the labels leave out (meta)
    html: bool
    truth: str | None  # the reference body, for corpora scored on text
    X: np.ndarray | None = None

    @property
    def page(self) -> str:
        """The page a document was made from: its dump, its HTML lines and its clean body are one page."""
        return f"{self.corpus.removesuffix('-html').removesuffix('-clean')}/{self.id}"

    @property
    def fold(self) -> int:
        return int(hashlib.sha256(self.page.encode()).hexdigest(), 16) % FOLDS


# --------------------------------------------------------------------------- documents

def html_lines(page, cache: Path) -> list[Line]:
    from pipeline.stages.extract import extract_html

    try:
        version = package_metadata.version("trafilatura")
    except package_metadata.PackageNotFoundError:
        version = "unknown"
    # Keyed by the code too, so that lines an older extractor cached are never trained on (the shipped line
    # model of 2026-12-03 counts 320,986 training lines; the code of its commit, on a fresh cache, gives 321,522).
    path = cache / f"trafilatura-{version}-{source_fingerprint()}" / page.corpus / f"{page.id}.json"
    if path.is_file():
        rows = json.loads(path.read_text(encoding="utf-8"))["lines"]
    else:
        rows = [[line.number, line.text, line.kind] for line in extract_html(page.html, url=page.url).lines]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"lines": rows}, ensure_ascii=False), encoding="utf-8")
    return [Line(number, text, kind) for number, text, kind in rows]


def _from_reference(corpus: str, page_id: str, lines: list[Line], truth: str, html: bool) -> TrainingDoc:
    labels = np.asarray(label_lines([line.text for line in lines], truth), dtype=np.int64)
    return TrainingDoc(corpus, page_id, lines, labels, np.ones(len(lines)), html, truth)


def _clean_body(corpus: str, page_id: str, truth: str) -> TrainingDoc | None:
    """A reference body as a plain-text document: every line is body."""
    lines = split_dump(truth)
    if not lines:
        return None
    return TrainingDoc(f"{corpus}-clean", page_id, lines, np.ones(len(lines), dtype=np.int64), np.ones(len(lines)),
                       False, truth)


def _from_gold(record) -> TrainingDoc:
    lines = [line for line in split_dump(record.text) if line.number in record.labels]
    classes = [record.labels[line.number] for line in lines]
    labels = np.asarray([c == "body" for c in classes], dtype=np.int64)
    weights = np.asarray([c != "meta" for c in classes], dtype=np.float64)
    return TrainingDoc(record.corpus, record.id, lines, labels, weights, False, record.truth)


def load_documents(eval_root: Path, seeds_dir: Path, gold_dir: Path, cache: Path) -> list[TrainingDoc]:
    """Every line-labelled training document of the dev corpora, in a fixed order."""
    from pipeline.evaluation import corpora

    docs: list[TrainingDoc] = []
    for page in [*corpora.scrapinghub(eval_root), *corpora.wcxb(eval_root)]:
        if page.dump:
            docs.append(_from_reference(page.corpus, page.id, split_dump(page.dump), page.truth, False))
        if page.html:
            docs.append(_from_reference(f"{page.corpus}-html", page.id, html_lines(page, cache), page.truth, True))
        if page.truth and (clean := _clean_body(page.corpus, page.id, page.truth)):
            docs.append(clean)
    for page in corpora.arabic_dev(eval_root):
        if page.html and page.truth:
            docs.append(_from_reference(f"{page.corpus}-html", page.id, html_lines(page, cache), page.truth, True))
    for record in [*corpora.arabic_dev_dumps(eval_root), *corpora.seeds(seeds_dir, gold_dir),
                   *corpora.sites_dev(eval_root)]:
        docs.append(_from_gold(record))
        if record.truth and (clean := _clean_body(record.corpus, record.id, record.truth)):
            docs.append(clean)
    for doc in docs:
        doc.X = line_features([line.text for line in doc.lines], [line.kind for line in doc.lines],
                              [line.number for line in doc.lines], doc.html)
    return [doc for doc in docs if doc.lines]


# --------------------------------------------------------------------------- training

def sample_weights(doc: TrainingDoc) -> np.ndarray:
    """Longer lines weigh more (the metrics count tokens), each page about the same in total."""
    words = np.expm1(doc.X[:, FEATURE_NAMES.index("words")])
    weight = np.sqrt(words + 1.0) * doc.weights
    if doc.corpus in GOLD_CORPORA:
        weight = weight * GOLD_WEIGHT
    return weight * (len(doc.lines) / max(weight.sum(), 1e-9)) ** 0.5


def fit_stage(X: np.ndarray, y: np.ndarray, w: np.ndarray, rounds: int):
    import lightgbm

    return lightgbm.train(PARAMS, lightgbm.Dataset(X, y, weight=w, free_raw_data=True), rounds)


def stacked_features(doc: TrainingDoc, first_scores: np.ndarray) -> np.ndarray:
    words = np.expm1(doc.X[:, FEATURE_NAMES.index("words")])
    return np.hstack([doc.X, context_of_scores(first_scores, words)])


def training_matrix(docs: list[TrainingDoc], parts: list[np.ndarray]):
    keep = [doc.weights > 0 for doc in docs]
    X = np.vstack([part[mask] for part, mask in zip(parts, keep)])
    y = np.concatenate([doc.labels[mask] for doc, mask in zip(docs, keep)])
    w = np.concatenate([sample_weights(doc)[mask] for doc, mask in zip(docs, keep)])
    return X, y, w


def nested_cross_validate(docs: list[TrainingDoc], folds: Sequence[int], fit_first: Callable, fit_second: Callable,
                          stack: Callable[[int, np.ndarray], np.ndarray], learns: Sequence[bool] | None = None,
                          log=print) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Out-of-fold first- and second-stage scores of a two-stage model, for the line and the block trainer.

    ``fit_first(pages)`` and ``fit_second(pages, rows)`` fit a stage on those training documents (and
    second-stage rows) and return something with ``predict(rows)``; ``stack(i, scores)`` is document
    ``i``'s second-stage rows from its first-stage scores; only documents ``learns`` marks are trained on.

    Nested, so that nothing a held-out fold's labels taught reaches its scores: the held-out fold's second
    stage learns from first-stage scores of the other folds' documents, each made by a first stage that saw
    neither that document's fold nor the held-out one. (Plain out-of-fold first-stage scores would come from
    first stages fitted on the held-out fold: the block model's figures were 0.003 / 0.001 higher so.)
    """
    fold_of = np.asarray(folds)
    learns = np.ones(len(docs), dtype=bool) if learns is None else np.asarray(learns, dtype=bool)

    def first_stage(pages: np.ndarray):
        return fit_first([docs[i] for i in np.flatnonzero(pages & learns).tolist()])

    first: list[np.ndarray] = [np.zeros(0)] * len(docs)
    second: list[np.ndarray] = [np.zeros(0)] * len(docs)
    for fold in sorted(set(fold_of.tolist())):
        held_out = np.flatnonzero(fold_of == fold).tolist()
        model = first_stage(fold_of != fold)
        for i in held_out:
            first[i] = model.predict(docs[i].X)
        inner: dict[int, np.ndarray] = {}
        for other in sorted(set(fold_of.tolist()) - {fold}):
            inner_model = first_stage((fold_of != fold) & (fold_of != other))
            inner.update({i: inner_model.predict(docs[i].X)
                          for i in np.flatnonzero((fold_of == other) & learns).tolist()})
        index = sorted(inner)
        second_model = fit_second([docs[i] for i in index], [stack(i, inner[i]) for i in index])
        for i in held_out:
            second[i] = second_model.predict(stack(i, first[i]))
        log(f"  both stages, fold {fold + 1}/{FOLDS}")
    return first, second


def cross_validate(docs: list[TrainingDoc], log=print) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """Out-of-fold first- and second-stage scores of every document, nested
    (:func:`nested_cross_validate`). The models learn from the scraped pages only; the clean bodies are
    scored by models that never saw their page."""
    return nested_cross_validate(
        docs, [doc.fold for doc in docs],
        lambda train: fit_stage(*training_matrix(train, [doc.X for doc in train]), FIRST_ROUNDS),
        lambda train, rows: fit_stage(*training_matrix(train, rows), SECOND_ROUNDS),
        lambda i, scores: stacked_features(docs[i], scores),
        [not doc.corpus.endswith("-clean") for doc in docs], log)


# --------------------------------------------------------------------------- scoring

def score_corpus(corpus: str, docs: list[TrainingDoc], kept: list[np.ndarray]) -> dict[str, float]:
    """The corpus's own metric on the kept lines; line counts for hand-labelled corpora."""
    from pipeline.evaluation import metrics

    pairs = [(doc.truth or "", "\n".join(line.text for line, keep in zip(doc.lines, ks) if keep))
             for doc, ks in zip(docs, kept)]
    base = corpus.removesuffix("-html")
    result: dict[str, float] = {"pages": len(docs)}
    if corpus.endswith("-clean"):  # a clean body must come out whole
        result["kept_share"] = float(sum(ks.sum() for ks in kept) / max(sum(len(ks) for ks in kept), 1))
        result["docs_whole"] = int(sum(bool(ks.all()) for ks in kept))
        return result
    if base == "scrapinghub":
        result["shingle_f1"] = metrics.shingle_scores(pairs).f1
    elif base == "wcxb-dev":
        result["word_f1"] = metrics.word_scores(pairs).f1
    elif base == "arabic-dev" and corpus.endswith("-html"):
        result["token_f1"] = metrics.macro(metrics.token_prf(t, p) for t, p in pairs).f1
    if not corpus.endswith("-html") and base in ("arabic-dev", "seeds", "sites-dev"):
        result["leaked"] = int(sum(((doc.labels == 0) & (doc.weights > 0) & ks).sum() for doc, ks in zip(docs, kept)))
        result["lost"] = int(sum(((doc.labels == 1) & ~ks).sum() for doc, ks in zip(docs, kept)))
        result["token_f1"] = metrics.macro(metrics.token_prf(t, p) for t, p in pairs).f1
    return result


def _kept(docs: list[TrainingDoc], scores: list[np.ndarray], threshold: float, html_threshold: float,
          passed: list[bool] | None = None) -> list[np.ndarray]:
    """The lines the stage keeps at these thresholds (the decision without naming removals: cheap);
    a document ``passed`` by the page gate keeps every line."""
    passed = passed or [False] * len(docs)
    return [np.ones(len(doc.lines), dtype=bool) if through else
            ~removals(doc.X, s, html_threshold if doc.html else threshold)[0]
            for doc, s, through in zip(docs, scores, passed)]


def _keep_baseline(docs: list[TrainingDoc]) -> list[np.ndarray]:
    return [np.ones(len(doc.lines), dtype=bool) for doc in docs]


def report(docs: list[TrainingDoc], scores: list[np.ndarray], threshold: float,
           html_threshold: float, passed: list[bool] | None = None) -> dict[str, dict[str, float]]:
    kept = _kept(docs, scores, threshold, html_threshold, passed)
    out = {}
    for corpus in sorted({doc.corpus for doc in docs}):
        index = [i for i, doc in enumerate(docs) if doc.corpus == corpus]
        out[corpus] = score_corpus(corpus, [docs[i] for i in index], [kept[i] for i in index])
        if passed is not None and not corpus.endswith("-html"):
            out[corpus]["gate_passed"] = int(sum(passed[i] for i in index))
    return out


def _headline(result: dict[str, float]) -> float:
    for key in ("shingle_f1", "word_f1", "token_f1"):
        if key in result:
            return result[key]
    return 0.0


def _mean_f1(result: dict[str, dict[str, float]]) -> float:
    big = [r for corpus, r in result.items() if r["pages"] >= 20 and not corpus.endswith("-clean")]
    return float(np.mean([_headline(r) for r in big])) if big else 0.0


def choose_thresholds(docs, scores) -> tuple[float, float]:
    """The dump and HTML thresholds with the best mean F1 over the scored corpora (out-of-fold)."""
    def mean_f1(html: bool, threshold: float) -> float:
        chosen = [i for i, doc in enumerate(docs) if doc.html == html and doc.truth]
        return _mean_f1(report([docs[i] for i in chosen], [scores[i] for i in chosen], threshold, threshold))

    dump = max(THRESHOLDS, key=lambda t: (round(mean_f1(False, t), 4), -abs(t - 0.5)))
    html = max(THRESHOLDS, key=lambda t: (round(mean_f1(True, t), 4), -abs(t - 0.5)))
    return dump, html


# --------------------------------------------------------------------------- the page gate

#: LightGBM settings of the page gate: one row per document, so small trees and leaves of a few pages.
PAGE_PARAMS = {**PARAMS, "num_leaves": 7, "max_depth": 4, "min_data_in_leaf": 10, "feature_fraction": 1.0}
PAGE_ROUNDS = 60
#: Out of fold, clean bodies fed in as dumps must keep at least this share of their lines.
MIN_CLEAN_KEPT = 0.99
#: When no gate setting reaches MIN_CLEAN_KEPT, the dump F1 (mean over scrapinghub and wcxb-dev, out
#: of fold) given up at most for keeping more of the clean bodies.
GATE_F1_SLACK = 0.003


def page_rows(docs: list[TrainingDoc], first: list[np.ndarray], second: list[np.ndarray],
              threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """The gate's rows: every text document's page features (with its out-of-fold line scores), label 1
    for a clean body."""
    X = np.vstack([page_features(doc.X, np.array([0, len(doc.lines)]), f, s, threshold)
                   for doc, f, s in zip(docs, first, second)])
    return X, np.asarray([doc.corpus.endswith("-clean") for doc in docs], dtype=np.float64)


def cross_validate_pages(docs: list[TrainingDoc], X: np.ndarray, y: np.ndarray, log=print) -> np.ndarray:
    """Out-of-fold probabilities that each text document is already clean (folds by page, as the lines')."""
    import lightgbm

    folds = np.asarray([doc.fold for doc in docs])
    oof = np.zeros(len(docs))
    for fold in range(FOLDS):
        train = folds != fold
        booster = lightgbm.train(PAGE_PARAMS, lightgbm.Dataset(X[train], y[train]), PAGE_ROUNDS)
        oof[~train] = booster.predict(X[~train])
    log("  page gate cross-validated")
    return oof


#: The soft tier starts where the gate finds a page more likely clean than not. Out of fold, starting it
#: from 0.05 kept 98.95% of the clean bodies' lines instead of 98.90% (dump F1 0.9225 against 0.9222); but
#: in-sample, seed 002 (a scraped page, gate 0.23) then kept two lines of its Arabic news menu, which the
#: line model scores 0.34 and 0.50.
SOFT_FROM_AT_LEAST = 0.5
#: The gate's settings tried: (pass whole from, keep-threshold softened from, softened keep-threshold).
GATE_GRID = tuple((whole, soft, keep) for whole in (0.5, 0.7, 0.9, 0.95, 0.98)
                  for soft in (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.95) for keep in (0.05, 0.1, 0.2, 0.3)
                  if SOFT_FROM_AT_LEAST <= soft < whole)


def gate_kept(docs, scores, threshold, html_threshold, clean_scores, whole, soft, keep,
              decided: dict | None = None) -> list[np.ndarray]:
    """The lines kept with the page gate at these settings (see LineModel); ``decided`` remembers each
    document's kept lines per keep-threshold, for trying many settings."""
    decided = {} if decided is None else decided

    def lines_kept(index: int, doc: TrainingDoc, at: float) -> np.ndarray:
        if (index, at) not in decided:
            decided[(index, at)] = ~removals(doc.X, scores[index], at)[0]
        return decided[(index, at)]

    kept = []
    for index, (doc, clean) in enumerate(zip(docs, clean_scores)):
        if doc.html:
            kept.append(lines_kept(index, doc, html_threshold))
        elif clean >= whole:
            kept.append(np.ones(len(doc.lines), dtype=bool))
        else:
            kept.append(lines_kept(index, doc, min(threshold, keep) if clean >= soft else threshold))
    return kept


def _pick(found: dict, alone: int, label) -> Any:
    """Of settings -> (clean share kept, dump F1, hand-labelled junk): those letting no more junk through
    than the line model alone; of them, the best F1 among those keeping :data:`MIN_CLEAN_KEPT` of the clean
    bodies, or, when none does, the most clean lines kept at a cost of at most :data:`GATE_F1_SLACK` F1."""
    safe = [settings for settings, (_, _, junk) in found.items() if junk <= alone] or list(found)
    enough = [settings for settings in safe if found[settings][0] >= MIN_CLEAN_KEPT]
    if enough:
        chosen = max(enough, key=lambda settings: (round(found[settings][1], 4), found[settings][0]))
    else:
        best = max(found[settings][1] for settings in safe)
        near = [settings for settings in safe if found[settings][1] >= best - GATE_F1_SLACK]
        chosen = max(near, key=lambda settings: (round(found[settings][0], 4), found[settings][1]))
    for settings in sorted(safe, key=lambda settings: -found[settings][1])[:6] + [chosen]:
        share, f1, junk = found[settings]
        log(f"  {label(settings)}: clean kept {share:.4f}, dump F1 {f1:.4f}, hand-labelled junk {junk} "
            f"(line model alone {alone})" + ("  <- chosen" if settings == chosen else ""))
    return chosen


def choose_gate(docs, scores, threshold, html_threshold, clean_scores) -> tuple[float, float, float]:
    """The gate settings (whole, soft, soft keep) of :data:`GATE_GRID` that :func:`_pick` chooses on the
    out-of-fold scores."""
    text = [i for i, doc in enumerate(docs) if not doc.html]
    subset = [docs[i] for i in text]
    gold = [j for j, doc in enumerate(subset) if doc.corpus in GOLD_CORPORA]

    def leaked(kept: list[np.ndarray]) -> int:
        return int(sum(((subset[j].labels == 0) & (subset[j].weights > 0) & kept[j]).sum() for j in gold))

    decided: dict = {}
    text_scores, text_clean = [scores[i] for i in text], [clean_scores[i] for i in text]

    def outcome(settings) -> tuple[float, float, int]:
        kept = gate_kept(subset, text_scores, threshold, html_threshold, text_clean, *settings, decided=decided)
        clean = [ks for doc, ks in zip(subset, kept) if doc.corpus.endswith("-clean")]
        share = sum(int(ks.sum()) for ks in clean) / max(sum(len(ks) for ks in clean), 1)
        result = {corpus: score_corpus(corpus, [d for d, ks in zip(subset, kept) if d.corpus == corpus],
                                       [ks for d, ks in zip(subset, kept) if d.corpus == corpus])
                  for corpus in ("scrapinghub", "wcxb-dev") if any(d.corpus == corpus for d in subset)}
        return share, _mean_f1(result), leaked(kept)

    alone = leaked(gate_kept(subset, text_scores, threshold, html_threshold, [0.0] * len(text), 2.0, 2.0, 0.0,
                             decided=decided))
    return _pick({settings: outcome(settings) for settings in GATE_GRID}, alone,
                 lambda s: f"gate whole>={s[0]} soft>={s[1]} keep>={s[2]}")


# --------------------------------------------------------------------------- command

def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_corpus_arguments(parser, MODEL_PATH)
    parser.add_argument("--cache", type=Path, default=Path("eval-out") / "train-cache",
                        help="where trafilatura's lines of the HTML pages are cached")


def _line_matrix(docs: list[TrainingDoc]):
    return training_matrix(docs, [doc.X for doc in docs])


def main(args: argparse.Namespace) -> int:
    folders = corpus_folders(args, "pipeline train")
    if folders is None:
        return 2
    docs = load_documents(*folders, args.cache)
    rows = sum(len(doc.lines) for doc in docs)
    log(f"{len(docs)} documents, {rows} lines, {len(FEATURE_NAMES)} + {len(STACK_NAMES)} features, "
        f"{len(PAGE_NAMES)} page features")
    # The line model learns from scraped pages; clean bodies are the page gate's to tell apart.
    scraped = [doc for doc in docs if not doc.corpus.endswith("-clean")]
    first_oof, second_oof = cross_validate(docs, log)
    threshold, html_threshold = choose_thresholds(scraped, [s for doc, s in zip(docs, second_oof)
                                                            if not doc.corpus.endswith("-clean")])
    text = [i for i, doc in enumerate(docs) if not doc.html]
    page_X, page_y = page_rows([docs[i] for i in text], [first_oof[i] for i in text], [second_oof[i] for i in text],
                               threshold)
    clean_scores = np.zeros(len(docs))
    clean_scores[text] = cross_validate_pages([docs[i] for i in text], page_X, page_y, log)
    # As at run time: a page whose head has furniture is never taken for an article already clean.
    clean_scores[[i for i in text if has_page_furniture(docs[i].X, np.array([0, len(docs[i].lines)]),
                                                        [line.text for line in docs[i].lines])[0]]] = 0.0
    whole, soft, soft_keep = choose_gate(docs, second_oof, threshold, html_threshold, clean_scores)

    import lightgbm

    log("final model")
    first = fit_stage(*_line_matrix(scraped), FIRST_ROUNDS)
    oof_of = dict(zip(map(id, docs), first_oof))
    stacked = [stacked_features(doc, oof_of[id(doc)]) for doc in scraped]
    second = fit_stage(*training_matrix(scraped, stacked), SECOND_ROUNDS)
    page = lightgbm.train(PAGE_PARAMS, lightgbm.Dataset(page_X, page_y), PAGE_ROUNDS)
    kept = gate_kept(docs, second_oof, threshold, html_threshold, clean_scores, whole, soft, soft_keep)
    cv = {}
    for corpus in sorted({doc.corpus for doc in docs}):
        index = [i for i, doc in enumerate(docs) if doc.corpus == corpus]
        cv[corpus] = score_corpus(corpus, [docs[i] for i in index], [kept[i] for i in index])
        if not corpus.endswith("-html"):
            cv[corpus]["gate_passed"] = int(sum(clean_scores[i] >= whole for i in index))
    baseline = {corpus: score_corpus(corpus, [d for d in docs if d.corpus == corpus],
                                     _keep_baseline([d for d in docs if d.corpus == corpus]))
                for corpus in sorted({doc.corpus for doc in docs})}
    print(f"thresholds: dump {threshold}, html {html_threshold}; page gate: whole from {whole}, "
          f"softened from {soft} (keep from {soft_keep})")
    print(f"{'corpus':22} {'pages':>5}  out-of-fold                                      keep-all")
    for corpus, result in cv.items():
        shown = "  ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}"
                          for k, v in result.items() if k != "pages")
        base = "  ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}"
                         for k, v in baseline[corpus].items() if k != "pages")
        print(f"{corpus:22} {result['pages']:>5}  {shown:47}  {base}")
    if args.cv_only:
        return 0
    info = {"lightgbm": lightgbm.__version__, "params": PARAMS, "rounds": [FIRST_ROUNDS, SECOND_ROUNDS],
            "page_params": PAGE_PARAMS, "page_rounds": PAGE_ROUNDS, "folds": FOLDS, "documents": len(docs),
            "lines": rows,
            "cv": {k: {m: round(v, 4) if isinstance(v, float) else v for m, v in r.items()} for k, r in cv.items()}}
    model = LineModel(FEATURE_NAMES, STACK_NAMES, forest_from_lightgbm(first.dump_model()),
                      forest_from_lightgbm(second.dump_model()), threshold, html_threshold, info, PAGE_NAMES,
                      forest_from_lightgbm(page.dump_model()), whole, soft, soft_keep)
    write_model(args.output, model.to_json())
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="pipeline train", description=__doc__.splitlines()[0])
    add_arguments(parser)
    sys.exit(main(parser.parse_args()))

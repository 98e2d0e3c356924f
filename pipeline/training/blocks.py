"""``python -m pipeline.training.blocks EVAL``: the HTML block model, cross-validated by site (not yet shipped).

What it measures, in order:

1. **Blocks.** Every scrapinghub and wcxb-dev page is parsed and segmented by
   :func:`pipeline.html.blocks.segment`; each block gets the dump line model's
   features (:func:`pipeline.boilerplate.features.batch_features`, ``html=True``)
   followed by its :data:`pipeline.html.blocks.DOM_NAMES` features, and a label
   from aligning it to the page's reference body
   (:func:`pipeline.training.labels.label_lines`).
2. **Cross-validation grouped by site.** Pages fall into
   :data:`pipeline.training.train.FOLDS` folds by a hash of their site (the URL's
   host), so no template is both learnt and scored. The two stages of the line
   model (LightGBM with the same settings, :mod:`pipeline.training.train`) are
   fitted per fold; the held-out pages are scored by the exported trees on the
   compiled walk (:class:`pipeline.boilerplate.model.Forest`), as they would be at
   run time. The second stage is trained on the first stage's out-of-fold
   scores, as ``pipeline train`` does.
3. **Scores.** The keep-threshold is chosen on the out-of-fold scores (mean F1
   of the two corpora), blocks are kept or removed as HTML lines are
   (:func:`pipeline.stages.boilerplate.removals`), and each corpus is scored with
   its own metric (:mod:`pipeline.evaluation.metrics`: shingle F1 on
   scrapinghub, word F1 on wcxb-dev). A page the model leaves with fewer than
   ``min_words`` words is "unsure" and takes the current extractor's lines
   instead (trafilatura, cached below ``eval-out/train-cache/``); the report
   gives F1 and the share of pages that fall back for each setting.
4. **Speed.** Parse + segment + features + both stages, in pages/s, against
   ``trafilatura.extract`` on the same pages in the same process.

Nothing is written to ``pipeline/resources``: this is the measurement that
decides whether the block model goes into the chain. The report is printed and
written to ``eval-out/blocks-cv.json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np

from pipeline.boilerplate.features import FEATURE_NAMES, LineBatch, batch_features
from pipeline.boilerplate.model import Forest, forest_from_lightgbm
from pipeline.html.blocks import DOM_NAMES, segment
from pipeline.stages.boilerplate import html_thresholds, removals
from pipeline.training import log
from pipeline.training.labels import label_lines
from pipeline.training.train import (FIRST_ROUNDS, FOLDS, SECOND_ROUNDS, THRESHOLDS, TrainingDoc, _fit, _html_lines,
                                     _matrix, _stack, score_corpus)

#: Names of the block model's features: the line model's, then the DOM's.
BLOCK_FEATURE_NAMES = FEATURE_NAMES + tuple(f"dom:{name}" for name in DOM_NAMES)
#: Settings of the fallback tried: a page whose kept blocks hold fewer words than this takes the
#: current extractor's lines (0: never).
FALLBACK_MIN_WORDS = (0, 10, 25, 50, 100, 150)
#: The figures the block model is measured against (``../shared/eval/README.md`` and ``pipeline train``).
REFERENCE = {"scrapinghub-html": {"trafilatura": 0.960, "current chain": 0.963, "target": 0.968},
             "wcxb-dev-html": {"trafilatura": 0.937, "current chain": 0.937, "target": 0.942}}


def site_of(url: str | None, page_id: str) -> str:
    """The host of a page's URL without ``www.``, or its id when it has none (a site of its own).

        >>> site_of("https://www.example.com/news/1", "a"), site_of(None, "a")
        ('example.com', 'a')
    """
    host = (urlsplit(url).hostname or "") if url else ""
    return host.removeprefix("www.") or page_id


def site_fold(site: str) -> int:
    """The fold of every page of ``site``: a hash, so it depends on neither order nor page count."""
    return int(hashlib.sha256(site.encode()).hexdigest(), 16) % FOLDS


def block_features(lines, dom: np.ndarray) -> np.ndarray:
    """The block model's rows (:data:`BLOCK_FEATURE_NAMES`) of one page's blocks."""
    batch = LineBatch.of([[line.text for line in lines]], [[line.kind for line in lines]],
                         [[line.number for line in lines]], [True])
    return np.hstack([batch_features(batch), dom])


def load_pages(root: Path, cache: Path) -> tuple[list[TrainingDoc], list[int], list[list]]:
    """The blocks of every scrapinghub and wcxb-dev page as training documents, their folds, and the
    current extractor's lines of each page (the fallback)."""
    from pipeline.evaluation import corpora

    docs, folds, fallback = [], [], []
    for page in [*corpora.scrapinghub(root), *corpora.wcxb(root, dumps=False)]:
        if not page.html or not page.truth:
            continue
        blocks = segment(page.html)
        labels = np.asarray(label_lines([line.text for line in blocks.lines], page.truth), dtype=np.int64)
        doc = TrainingDoc(f"{page.corpus}-html", page.id, blocks.lines, labels, np.ones(len(blocks.lines)), True,
                          page.truth, block_features(blocks.lines, blocks.X))
        docs.append(doc)
        folds.append(site_fold(site_of(page.url, page.id)))
        fallback.append(_html_lines(page, cache))
    return docs, folds, fallback


def cross_validate(docs: list[TrainingDoc], folds: list[int]) -> tuple[list[np.ndarray], list[Forest]]:
    """Out-of-fold second-stage scores of every page (folds by site), walked by the exported trees;
    and the last fold's two forests (for timing)."""
    fold_of = np.asarray(folds)
    first: list[np.ndarray] = [np.zeros(0)] * len(docs)
    for fold in range(FOLDS):
        train = [doc for doc, f in zip(docs, fold_of) if f != fold]
        forest = forest_from_lightgbm(_fit(*_matrix(train, [doc.X for doc in train]), FIRST_ROUNDS).dump_model())
        for i in np.flatnonzero(fold_of == fold):
            first[i] = forest.predict(docs[i].X)
        log(f"  first stage, fold {fold + 1}/{FOLDS}")
    stacked = [_stack(doc, scores) for doc, scores in zip(docs, first)]
    second: list[np.ndarray] = [np.zeros(0)] * len(docs)
    forests: list[Forest] = []
    for fold in range(FOLDS):
        index = np.flatnonzero(fold_of != fold)
        forest2 = forest_from_lightgbm(_fit(*_matrix([docs[i] for i in index], [stacked[i] for i in index]),
                                            SECOND_ROUNDS).dump_model())
        for i in np.flatnonzero(fold_of == fold):
            second[i] = forest2.predict(stacked[i])
        forests = [forest, forest2]
        log(f"  second stage, fold {fold + 1}/{FOLDS}")
    return second, forests


def kept_blocks(doc: TrainingDoc, scores: np.ndarray, threshold: float) -> np.ndarray:
    """The blocks kept at ``threshold``, decided as HTML lines are (sure rules, lists share a fate)."""
    X = doc.X[:, :len(FEATURE_NAMES)]
    return ~removals(X, scores, html_thresholds(X, threshold))[0]


def scores_of(docs: list[TrainingDoc], kept: list[np.ndarray], fallback: list[list], min_words: int
              ) -> tuple[dict[str, dict], int]:
    """Each corpus's metric with the fallback at ``min_words``, and how many pages fell back."""
    results, fell = {}, 0
    for corpus in sorted({doc.corpus for doc in docs}):
        index = [i for i, doc in enumerate(docs) if doc.corpus == corpus]
        chosen, masks = [], []
        for i in index:
            doc, ks = docs[i], kept[i]
            words = sum(len(line.text.split()) for line, keep in zip(doc.lines, ks) if keep)
            if words < min_words and fallback[i]:
                fell += 1
                chosen.append(TrainingDoc(doc.corpus, doc.id, fallback[i], np.zeros(len(fallback[i]), dtype=np.int64),
                                          np.ones(len(fallback[i])), True, doc.truth))
                masks.append(np.ones(len(fallback[i]), dtype=bool))
            else:
                chosen.append(doc)
                masks.append(ks)
        results[corpus] = score_corpus(corpus, chosen, masks)
    return results, fell


def _headline(result: dict) -> float:
    return result.get("shingle_f1", result.get("word_f1", 0.0))


def pages_per_second(htmls: list[str], forests: list[Forest], threshold: float) -> dict[str, float]:
    """pages/s of the block path (parse, segment, features, both stages, decision) and of
    ``trafilatura.extract`` on the same pages, one after the other in this process."""
    import trafilatura

    from pipeline.boilerplate.features import context_of_scores

    first, second = forests
    start = time.perf_counter()
    for html in htmls:
        blocks = segment(html)
        if not blocks.lines:
            continue
        X = block_features(blocks.lines, blocks.X)
        scores = first.predict(X)
        words = np.expm1(X[:, FEATURE_NAMES.index("words")])
        final = second.predict(np.hstack([X, context_of_scores(scores, words)]))
        removals(X[:, :len(FEATURE_NAMES)], final, html_thresholds(X[:, :len(FEATURE_NAMES)], threshold))
    ours = time.perf_counter() - start
    start = time.perf_counter()
    for html in htmls:
        trafilatura.extract(html, include_comments=False, deduplicate=False, include_tables=True)
    theirs = time.perf_counter() - start
    return {"blocks_pages_per_s": len(htmls) / ours, "trafilatura_pages_per_s": len(htmls) / theirs,
            "speedup": theirs / ours, "pages": len(htmls)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.training.blocks", description=__doc__.splitlines()[0])
    parser.add_argument("eval_root", type=Path, nargs="?", default=Path("../shared/eval"))
    parser.add_argument("--cache", type=Path, default=Path("eval-out") / "train-cache",
                        help="where the current extractor's lines of the pages are cached")
    parser.add_argument("--out", type=Path, default=Path("eval-out") / "blocks-cv.json")
    parser.add_argument("--no-speed", action="store_true", help="skip the pages/s comparison")
    args = parser.parse_args(argv)
    if not args.eval_root.is_dir():
        print(f"corpora not found: {args.eval_root}", file=sys.stderr)
        return 2
    start = time.perf_counter()
    docs, folds, fallback = load_pages(args.eval_root, args.cache)
    rows = sum(len(doc.lines) for doc in docs)
    log(f"{len(docs)} pages, {rows} blocks, {len(BLOCK_FEATURE_NAMES)} features, "
        f"{len(set(folds))} folds ({time.perf_counter() - start:.0f} s)")
    scores, forests = cross_validate(docs, folds)

    def mean_f1(threshold: float, min_words: int = 0) -> float:
        kept = [kept_blocks(doc, s, threshold) for doc, s in zip(docs, scores)]
        return float(np.mean([_headline(r) for r in scores_of(docs, kept, fallback, min_words)[0].values()]))

    threshold = max(THRESHOLDS, key=lambda t: (round(mean_f1(t), 4), -abs(t - 0.5)))
    kept = [kept_blocks(doc, s, threshold) for doc, s in zip(docs, scores)]
    report: dict = {"pages": len(docs), "blocks": rows, "features": len(BLOCK_FEATURE_NAMES), "folds": FOLDS,
                    "threshold": threshold, "reference": REFERENCE, "fallback": {}}
    print(f"threshold {threshold} (chosen out of fold); folds by site")
    print(f"{'fallback below':>14} {'share':>6}  " + "  ".join(f"{c:>18}" for c in sorted(REFERENCE)))
    for min_words in FALLBACK_MIN_WORDS:
        result, fell = scores_of(docs, kept, fallback, min_words)
        report["fallback"][min_words] = {"share": fell / len(docs), "fell_back": fell,
                                         **{c: round(_headline(r), 4) for c, r in result.items()}}
        print(f"{min_words:>14} {fell / len(docs):6.3f}  " +
              "  ".join(f"{_headline(result[c]):18.4f}" for c in sorted(REFERENCE)))
    for corpus, figures in REFERENCE.items():
        print(f"{corpus}: " + ", ".join(f"{name} {value:.3f}" for name, value in figures.items()))
    if not args.no_speed:
        from pipeline.evaluation import corpora

        htmls = [page.html for page in [*corpora.scrapinghub(args.eval_root),
                                        *corpora.wcxb(args.eval_root, dumps=False)] if page.html]
        report["speed"] = pages_per_second(htmls, forests, threshold)
        speed = report["speed"]
        print(f"pages/s: blocks {speed['blocks_pages_per_s']:.1f}, trafilatura.extract "
              f"{speed['trafilatura_pages_per_s']:.1f} ({speed['speedup']:.2f}x) on {speed['pages']} pages")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

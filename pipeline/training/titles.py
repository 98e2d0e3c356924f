"""``python -m pipeline.training.titles``: rebuild the dump title ranker from the dev corpora.

What it does, in order:

1. **Pages with a known title**, as text dumps: the WCXB dev pages (their
   ``title``), the seeds and the Arabic dumps (``title`` of their
   ``.meta.json``), the sites-dev pages (the line labelled ``title``), and the
   scrapinghub dumps, whose benchmark gives no title: there the title is the
   page's own headline, an ``<h1>`` that shares at least
   :data:`SILVER_MIN_OVERLAP` of its words with ``og:title`` (or ``<title>``),
   else ``og:title`` without its site name, and the page is used only when a
   dump line is exactly that.
2. **Lines as the metadata stage sees them**: each dump goes through the
   pipeline's stages up to the metadata stage (so the boilerplate model's
   kept lines and the first body line are the run time's: retrain the ranker
   after the line model, as ``make train`` does), then
   :func:`pipeline.text.titles.candidate_features` gives the candidates and
   their features; a candidate is positive when it matches the title
   (:func:`pipeline.evaluation.metrics.title_matches`).
3. **Grouped cross-validation**: pages are split into :data:`FOLDS` folds by a
   hash of their site (the URL's host, so two pages of one site never sit on
   both sides); each fold is ranked by a model trained on the others, and the
   out-of-fold title accuracy is printed per corpus, next to the share of
   pages whose title is among the candidates at all (the ceiling).
4. **Final model**: LambdaRank trees fitted on every page (the hand-labelled
   ones weigh :data:`GOLD_WEIGHT`), exported to
   ``pipeline/resources/title-model.json`` (the layout of
   :class:`pipeline.boilerplate.model.Forest`) with the CV report.

The boilerplate model was trained on the same pages, so the kept lines the
ranker sees here are a little better than on a new site's; the out-of-fold
figures are the ranker's own, not the whole chain's.

LightGBM runs single-threaded and seeded with ``deterministic=True``, and pages
come in sorted order, so the same corpora give the same model.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from pipeline.text.titles import FEATURES, FORMAT, MODEL_RESOURCE, candidate_features
from pipeline.training import add_corpus_arguments, corpus_folders, log, write_model

FOLDS = 5
SEED = 20261122
#: LightGBM settings: few shallow trees (the model ships in the package and runs on every dump).
PARAMS = {
    "objective": "lambdarank", "learning_rate": 0.05, "num_leaves": 7, "max_depth": 4, "min_data_in_leaf": 20,
    "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0,
    "seed": SEED, "deterministic": True, "force_row_wise": True, "num_threads": 1, "verbose": -1,
}
ROUNDS = 200
#: Hand-labelled pages (seeds, Arabic dumps, sites-dev) weigh this much more than the others (LightGBM takes a
#: page's weight from its candidates'): their titles are exact, and they are the only Arabic and news-agency dumps.
GOLD_WEIGHT = 3.0
GOLD_CORPORA = ("seeds", "arabic-dev", "sites-dev")
#: A scrapinghub ``<h1>`` is the page's headline when it shares this share of its words with ``og:title``.
SILVER_MIN_OVERLAP = 0.5
MODEL_PATH = Path(__file__).resolve().parent.parent / "resources" / MODEL_RESOURCE
CORPORA = ("wcxb-dev", "scrapinghub", "seeds", "arabic-dev", "sites-dev")
_WORD = re.compile(r"\w+")


@dataclass
class TitledDump:
    corpus: str
    id: str
    site: str  # pages of one site share a fold
    title: str
    texts: list[str]
    kept: list[bool]
    first_body: int
    candidates: list[tuple[int, str]] | None = None
    X: np.ndarray | None = None
    y: np.ndarray | None = None

    @property
    def fold(self) -> int:
        return int(hashlib.sha256(self.site.encode()).hexdigest(), 16) % FOLDS


# --------------------------------------------------------------------------- pages

def _host(url: str | None, fallback: str) -> str:
    host = urlparse(url or "").netloc.lower().removeprefix("www.")
    return host or fallback


def _shared(a: str, b: str) -> float:
    """Words of ``a`` and ``b`` in common, as a share of the words of either (lower-cased)."""
    left, right = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    return len(left & right) / max(1, len(left | right))


def headline_of_page(html: str) -> str | None:
    """The headline an HTML page declares: the ``<h1>`` that matches ``og:title``, else ``og:title`` minus its site."""
    from lxml import html as lxml_html

    from pipeline.stages.metadata import strip_site_suffix

    tree = lxml_html.document_fromstring(html.encode("utf-8"), parser=lxml_html.HTMLParser(encoding="utf-8"))
    declared = tree.xpath('//meta[@property="og:title"]/@content') or tree.xpath("//title/text()")
    page_title = " ".join(declared[0].split()) if declared else ""
    if not page_title:
        return None
    headlines = [" ".join(h1.text_content().split()) for h1 in tree.xpath("//h1")]
    matching = [headline for headline in headlines if headline and _shared(headline, page_title) >= SILVER_MIN_OVERLAP]
    return matching[0] if matching else strip_site_suffix(page_title)


def titled_pages(eval_root: Path, seeds_dir: Path, gold_dir: Path):
    """(corpus, id, site, dump text, title) of every dev page with a known title, in a fixed order."""
    from pipeline.evaluation import corpora
    from pipeline.evaluation.metrics import field_form

    for page in corpora.wcxb(eval_root):
        if page.dump and page.title:
            yield page.corpus, page.id, _host(page.url, page.id), page.dump, page.title
    for page in corpora.scrapinghub(eval_root):
        title = headline_of_page(page.html) if page.html and page.dump else None
        if title and any(field_form(line) == field_form(title) for line in page.dump.splitlines()):
            yield page.corpus, page.id, _host(page.url, page.id), page.dump, title
    for record in [*corpora.seeds(seeds_dir, gold_dir), *corpora.arabic_dev_dumps(eval_root)]:
        if record.meta.get("title"):
            site = _host(record.meta.get("url"), f"{record.corpus}/{record.id}")
            yield record.corpus, record.id, site, record.text, record.meta["title"]
    for record in corpora.sites_dev(eval_root):
        source = record.text.splitlines()
        titles = [source[number - 1].strip() for number, category in sorted(record.categories.items())
                  if category == "title"]
        if titles:
            yield record.corpus, record.id, record.site or record.corpus, record.text, titles[0]


def dumps_as_metadata_sees_them(texts: list[str], names: list[str]) -> Iterator[tuple[list[str], list[bool], int]]:
    """Each dump's lines, which of them the boilerplate stage kept, and the first body line the metadata
    stage uses: the default stages up to the metadata stage, run as a run runs them (in batches)."""
    from pipeline.chain import clean_documents, default_stages
    from pipeline.config import Config
    from pipeline.document import Document
    from pipeline.io.files import load_bytes
    # The first body line as Metadata.process computes it (the ranker must see the anchor the stage will give it).
    from pipeline.stages.metadata import Metadata, first_body_index

    stages = list(itertools.takewhile(lambda stage: not isinstance(stage, Metadata),
                                      default_stages(Config(languages=("all",)))))
    docs = (load_bytes(Document(id=name, source=name), text.encode("utf-8")) for text, name in zip(texts, names))
    for doc in clean_documents(docs, stages):
        lines = [line.text for line in doc.lines]
        kept = [line.keep for line in doc.lines]
        first_kept = next((index for index, keep in enumerate(kept) if keep), len(kept))
        yield lines, kept, max(first_kept, first_body_index(lines)) if lines else 0


def load_dumps(eval_root: Path, seeds_dir: Path, gold_dir: Path) -> list[TitledDump]:
    from pipeline.evaluation.metrics import title_matches

    pages = list(titled_pages(eval_root, seeds_dir, gold_dir))
    seen = dumps_as_metadata_sees_them([text for _, _, _, text, _ in pages], [f"{page_id}.txt" for _, page_id, *_ in pages])
    dumps = []
    for (corpus, page_id, site, _text, title), (texts, kept, first_body) in zip(pages, seen):
        dump = TitledDump(corpus, page_id, site, title, texts, kept, first_body)
        dump.candidates, dump.X = candidate_features(texts, kept, first_body)
        dump.y = np.asarray([title_matches(candidate, title) for _, candidate in dump.candidates], dtype=np.float64)
        dumps.append(dump)
    return dumps


# --------------------------------------------------------------------------- training

def fit(dumps: list[TitledDump]):
    """LambdaRank trees over the candidates of the pages whose title is a candidate."""
    import lightgbm

    useful = [dump for dump in dumps if dump.y is not None and dump.y.any()]
    weights = [np.full(len(dump.y), GOLD_WEIGHT if dump.corpus in GOLD_CORPORA else 1.0) for dump in useful]
    data = lightgbm.Dataset(np.vstack([dump.X for dump in useful]), np.concatenate([dump.y for dump in useful]),
                            weight=np.concatenate(weights), group=[len(dump.y) for dump in useful],
                            free_raw_data=True)
    return lightgbm.train(PARAMS, data, ROUNDS)


def picked_right(dump: TitledDump, scores: np.ndarray) -> bool:
    return len(scores) > 0 and bool(dump.y[int(np.argmax(scores))])


def accuracy(dumps: list[TitledDump], scores: list[np.ndarray]) -> dict[str, dict[str, float]]:
    """Per corpus: pages, title accuracy, and the share of pages whose title is a candidate."""
    out = {}
    for corpus in CORPORA:
        chosen = [(dump, score) for dump, score in zip(dumps, scores) if dump.corpus == corpus]
        if chosen:
            out[corpus] = {"pages": len(chosen),
                           "accuracy": round(sum(picked_right(d, s) for d, s in chosen) / len(chosen), 4),
                           "ceiling": round(sum(bool(d.y.any()) for d, _ in chosen) / len(chosen), 4)}
    return out


def cross_validate(dumps: list[TitledDump], log=print) -> list[np.ndarray]:
    """Out-of-fold candidate scores of every page."""
    scores: list[np.ndarray] = [np.zeros(0)] * len(dumps)
    for fold in range(FOLDS):
        booster = fit([dump for dump in dumps if dump.fold != fold])
        for i, dump in enumerate(dumps):
            if dump.fold == fold and len(dump.y):
                scores[i] = booster.predict(dump.X)
        log(f"  fold {fold + 1}/{FOLDS}")
    return scores


# --------------------------------------------------------------------------- command

def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_corpus_arguments(parser, MODEL_PATH)


def main(args: argparse.Namespace) -> int:
    import lightgbm

    from pipeline.boilerplate.model import forest_from_lightgbm

    folders = corpus_folders(args, "pipeline.training.titles")
    if folders is None:
        return 2
    dumps = load_dumps(*folders)
    log(f"{len(dumps)} titled dumps, {sum(len(d.y) for d in dumps)} candidates, {len(FEATURES)} features")
    cv = accuracy(dumps, cross_validate(dumps, log))
    booster = fit(dumps)
    fitted = accuracy(dumps, [booster.predict(dump.X) if len(dump.y) else np.zeros(0) for dump in dumps])
    print(f"{'corpus':12} {'pages':>5}  {'out-of-fold':>11}  {'in-sample':>9}  {'ceiling':>7}")
    for corpus, result in cv.items():
        print(f"{corpus:12} {result['pages']:>5}  {result['accuracy']:>11.4f}  {fitted[corpus]['accuracy']:>9.4f}"
              f"  {result['ceiling']:>7.4f}")
    if args.cv_only:
        return 0
    info = {"lightgbm": lightgbm.__version__, "params": PARAMS, "rounds": ROUNDS, "folds": FOLDS,
            "pages": len(dumps), "cv": cv}
    model = {"format": FORMAT, "features": list(FEATURES), "info": info,
             "forest": forest_from_lightgbm(booster.dump_model()).to_json()}
    write_model(args.output, model)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="python -m pipeline.training.titles", description=__doc__.splitlines()[0])
    add_arguments(parser)
    sys.exit(main(parser.parse_args()))

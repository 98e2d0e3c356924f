"""The quality gate: a fast slice of ``pipeline eval`` with pinned floors.

``tests/data/eval/`` is a small copy of the evaluation corpora (15 scrapinghub
pages, 15 WCXB pages, the CNN Arabic and assabah pages, the seeds with their
labels; see its README). The pipeline runs on it exactly as ``make eval``
runs it, and a change that lowers its quality below a floor, or below a
reference baseline, fails CI.

How to raise the floors (after a change that improves quality)::

    .venv/bin/pipeline eval tests/data/eval --out eval-out/gate

then, for each pipeline row of ``eval-out/gate/eval.json`` named in
:data:`FLOORS`, set the floor to the measured value minus :data:`MARGIN`,
rounded down to 3 digits (for :data:`MAX_LINES`, the measured count plus
:data:`LINE_SLACK`). Never lower a floor to make a change pass: find out which
pages got worse (``eval-out/gate/runs/out/`` has every body and sidecar).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.evaluation.run import NONE, PIPELINE, run_eval

EVAL_SLICE = Path(__file__).resolve().parent / "data" / "eval"

#: How far below the measured value a floor is pinned: room for a small,
#: deliberate trade-off, not for a regression.
MARGIN = 0.01
#: Lines a floor on leaked/lost lines allows beyond the measured count.
LINE_SLACK = 1

#: (corpus, track, metric) -> lowest acceptable pipeline score on the slice
#: (F1, or accuracy for "... acc"). Measured 2026-12-03 (the block extractor on
#: HTML, the line model and title ranker of that day; the slice's pages are
#: their training data) in the comments; each floor is that minus MARGIN.
FLOORS = {
    ("scrapinghub", "html", "shingle F1"): 0.984,  # 0.9940 (trafilatura alone 0.9693)
    ("scrapinghub", "dump", "shingle F1"): 0.926,  # 0.9367 (jusText 0.8790)
    # 0.9051 with the block model of 2026-12-07 (0.9488 before). The drop is one page, 4271, a portfolio page whose
    # reference is its menus and a form: the model before kept 2 of its lines in-sample (0.605) by remembering
    # it, out of fold both score 0.000; on the full corpora the new model is better in-sample (0.9718 -> 0.9724)
    # and out of fold (0.9503 -> 0.9512, nested CV).
    ("wcxb-dev", "html", "word F1"): 0.895,  # 0.9051 (trafilatura alone 0.8300)
    ("wcxb-dev", "dump", "word F1"): 0.869,  # 0.8797 (line filter 0.7534)
    ("arabic-dev/cnn-arabic", "html", "token F1"): 0.990,  # 1.0 (trafilatura alone 0.9140)
    ("arabic-dev/cnn-arabic", "dump", "token F1"): 0.990,  # 1.0 (jusText 0.9140)
    ("seeds", "dump", "token F1"): 0.990,  # 1.0 (line filter 0.9433; the seeds are training data)
    # HTML metadata, from the markup and the headline's surroundings:
    ("wcxb-dev", "html", "title acc"): 0.923,  # 0.9333, 14 of 15 (trafilatura 0.400)
    ("wcxb-dev", "html", "author acc"): 0.740,  # 0.75, 9 of 12 (trafilatura 0.667)
    ("wcxb-dev", "html", "date acc"): 0.906,  # 0.9167, 11 of 12 (trafilatura 0.917)
    # Dump titles (the ranker of pipeline/text/titles.py; these pages are its training data):
    ("wcxb-dev", "dump", "title acc"): 0.923,  # 0.9333, 14 of 15 (the hand-tuned scoring before it: 0.400)
    ("seeds", "dump", "title acc"): 0.990,  # 1.0
}
#: (corpus, track) -> (most leaked drop lines, most lost body lines) on the slice.
MAX_LINES = {
    ("seeds", "dump"): (1, 1),  # measured 0 leaked of 89, 0 lost of 72
}
#: How far the pipeline may fall below the best baseline on a corpus and
#: track of the slice. With 15 pages one page moves an average by up to
#: 1/15, so the pipeline may trail a baseline by a page's worth here while
#: beating it on the full corpora (where `make eval` shows the comparison); a
#: larger gap is a regression.
BASELINE_TOLERANCE = 0.01


@pytest.fixture(scope="module")
def table(tmp_path_factory: pytest.TempPathFactory) -> list[dict]:
    """The eval rows of the slice (one run for the whole module)."""
    return run_eval(EVAL_SLICE, tmp_path_factory.mktemp("eval"), workers=2)["rows"]


def _row(table: list[dict], corpus: str, track: str, metric: str, system: str = PIPELINE) -> dict:
    found = [row for row in table if (row["corpus"], row["track"], row["metric"], row["system"])
             == (corpus, track, metric, system)]
    assert found, f"no {system} row for {corpus} {track} {metric}"
    return found[0]


@pytest.mark.parametrize("key", sorted(FLOORS), ids=lambda key: "-".join(key).replace(" ", "_"))
def test_pipeline_meets_floor(table, key):
    row = _row(table, *key)
    assert row["f1"] >= FLOORS[key], f"{key}: {row['f1']:.4f} < floor {FLOORS[key]} ({row['note']})"


@pytest.mark.parametrize("key", sorted(MAX_LINES), ids=lambda key: "-".join(key))
def test_pipeline_leaks_and_loses_few_lines(table, key):
    row = _row(table, *key, "token F1")
    most_leaked, most_lost = MAX_LINES[key]
    assert row["leaked"] <= most_leaked and row["lost"] <= most_lost, row


def test_pipeline_is_not_below_the_baselines(table):
    """On every corpus and track, the pipeline's F1 is at least the best baseline's."""
    behind = []
    for row in table:
        if row["system"] != PIPELINE or row["f1"] is None or row["metric"].endswith(" acc"):
            continue
        best = max((other["f1"] for other in table
                    if (other["corpus"], other["track"], other["metric"]) == (row["corpus"], row["track"], row["metric"])
                    and other["system"] not in (PIPELINE, NONE) and other["f1"] is not None), default=None)
        if best is not None and row["f1"] < best - BASELINE_TOLERANCE:
            behind.append(f"{row['corpus']} {row['track']}: pipeline {row['f1']:.4f} < baseline {best:.4f}")
    assert not behind, "\n".join(behind)


@pytest.mark.parametrize("track", ["html", "dump"])
def test_assabah_snippets(table, track):
    """The issue's target: all 3 ``with`` snippets in the body, none of the 3 ``without``."""
    row = _row(table, "arabic-dev/assabah", track, "snippets")
    assert row["note"].startswith("with 3/3, without 0/3"), row["note"]

"""A slice of ``make fuzz`` in every test run: generated, mutated and format-aware hostile inputs, zero crashes.

``make fuzz`` runs 100,000 inputs on each of seeds 0..9; this runs the first
:data:`COUNT` inputs of a seed derived from the day (so CI covers new inputs
every day), and one runner folder run, in two worker processes. The seed is
printed in pytest's header (``fuzz slice: seed ...``) and in any failure, with
the command that reproduces each crashing input; ``FUZZ_SLICE_SEED`` repeats a
day's slice.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path
from collections import Counter

import pytest

from pipeline.review.fuzz import build_folder, day_seed, fuzz, load_seeds, make_input, summary_line
from pipeline.review.fuzz_formats import FORMAT_MUTATIONS, dev_pages

COUNT = int(os.environ.get("FUZZ_SLICE", "1200"))
SEED = day_seed()


def test_fuzz_inputs_are_reproducible_from_seed_and_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same bytes on another day too (a gzip header holds the time unless told otherwise)."""
    assert make_input(SEED, 7, []) != make_input(SEED, 8, [])
    made = []
    for now in (1e9, 2e9):
        monkeypatch.setattr(time, "time", lambda: now)
        made.append([make_input(SEED, index, load_seeds(), dev_pages()) for index in range(300)])
        made[-1].append(folder_run_files())
    assert made[0] == made[1]


def folder_run_files() -> list[bytes]:
    """The files of a folder run, as bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        build_folder(Path(tmp), SEED, 0, [])
        return sorted(path.read_bytes() for path in Path(tmp).rglob("*") if path.is_file())


def test_the_fuzzer_breaks_real_pages_in_every_input_format() -> None:
    """Format-aware inputs: each of HTML structure, WARC headers, JSON Lines fields and gzip framing,
    saved under the file name a run reads that format by."""
    kinds: dict[str, set[str]] = {}
    for index in range(400):
        kind, name, _ = make_input(SEED, index, [], dev_pages())
        kinds.setdefault(kind, set()).add(name.lower().rsplit(".gz", 1)[0].rsplit(".", 1)[-1])
    assert {f"format:{name}" for name in FORMAT_MUTATIONS} <= set(kinds)
    assert kinds["format:warc-headers"] == {"warc"} and kinds["format:jsonl-fields"] == {"jsonl"}


def test_a_slice_of_the_fuzzer_finds_no_crash() -> None:
    result = fuzz(COUNT, SEED, workers=2, folder_every=COUNT)
    assert result.inputs == COUNT and result.folders == 1
    report = "\n".join(f"input {crash.index} ({crash.kind}): {crash.error}\n  reproduce: python -m "
                       f"pipeline.review.fuzz --seed {SEED} --only {crash.index}" for crash in result.crashes[:10])
    if result.crashes:
        pytest.fail(f"seed {SEED}: {summary_line(result)}\n{report}", pytrace=False)



def test_a_later_run_continues_a_seed_where_an_earlier_one_stopped() -> None:
    """``--start 10000 --count 10000`` runs inputs 10000..19999: a long run can be done in pieces."""
    later = fuzz(6, SEED, folder_every=0, first=40)
    kinds = [make_input(SEED, index, load_seeds(), dev_pages())[0] for index in range(40, 46)]
    assert later.inputs == 6
    assert later.kinds == Counter(kind if kind.startswith("format:") else kind.split(":")[0] for kind in kinds)


def test_an_input_that_meets_the_time_limit_is_listed_with_how_to_reproduce_it() -> None:
    from pipeline.review.fuzz import BatchResult, run_input, summary_dict

    result = BatchResult()
    seeds = load_seeds()
    index = next(i for i in range(200) if make_input(3, i, seeds, dev_pages())[0] == "html-page")
    run_input(3, index, seeds, 1e-9, result)  # no page is cleaned in a nanosecond
    listed = summary_dict(result, 3)["timeout_list"]
    assert [entry["index"] for entry in listed] == [index]
    assert listed[0]["reproduce"] == f"python -m pipeline.review.fuzz --seed 3 --only {index}"

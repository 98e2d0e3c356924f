"""A slice of ``make fuzz`` in every test run: generated and mutated hostile inputs, zero crashes.

``make fuzz`` runs 100,000 inputs of seed 0; this runs the first
:data:`COUNT` inputs of another seed (so CI and the full run cover different
inputs) and one runner folder run, in two worker processes. A failure prints
the inputs that crashed and the command that reproduces each.
"""

from __future__ import annotations

import os

import pytest

from pipeline.review.fuzz import fuzz, make_input, summary_line

COUNT = int(os.environ.get("FUZZ_SLICE", "1500"))
SEED = 20261121


def test_fuzz_inputs_are_reproducible_from_seed_and_index() -> None:
    assert make_input(SEED, 7, []) == make_input(SEED, 7, [])
    assert make_input(SEED, 7, []) != make_input(SEED, 8, [])


def test_a_slice_of_the_fuzzer_finds_no_crash() -> None:
    result = fuzz(COUNT, SEED, workers=2, folder_every=COUNT)
    assert result.inputs == COUNT and result.folders == 1
    report = "\n".join(f"input {crash.index} ({crash.kind}): {crash.error}\n  reproduce: python -m "
                       f"pipeline.review.fuzz --seed {SEED} --only {crash.index}" for crash in result.crashes[:10])
    if result.crashes:
        pytest.fail(f"{summary_line(result)}\n{report}", pytrace=False)

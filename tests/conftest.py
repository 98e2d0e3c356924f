"""Shared fixtures: paths to the repository's sample data."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def data_dir() -> Path:
    return DATA


@pytest.fixture(scope="session")
def fresh_clean(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """raw/ cleaned by the current code into a temporary folder (once per test session)."""
    from pipeline import run

    out = tmp_path_factory.mktemp("clean")
    run(ROOT / "raw", out, workers=2)
    return out


def pytest_report_header(config: pytest.Config) -> str:
    """The seed of the day's fuzz slice (tests/test_fuzz_slice.py), so a failure can be repeated."""
    from pipeline.review.fuzz import day_seed

    return f"fuzz slice: seed {day_seed()} (FUZZ_SLICE_SEED={day_seed()} repeats it)"

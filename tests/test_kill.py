"""kill -9 at random moments during ``pipeline clean``: no partial or corrupt output, and the
next run completes and matches a clean run byte for byte.

A round starts ``pipeline clean`` (two workers, the real stages) on a folder of
~100 documents made from ``raw/``, kills the whole process group with SIGKILL
at a random moment (some rounds twice, the second time over the first one's
partial output), checks every file on disk, runs again to completion and
compares the folder with a clean run's. ``KILL_ROUNDS`` rounds run (default
5, quick enough for CI); ``KILL_ROUNDS=20`` is the full test.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline.review.outputs import body_paragraphs

ROOT = Path(__file__).resolve().parent.parent
ROUNDS = int(os.environ.get("KILL_ROUNDS", "5"))
DOCUMENTS = 100
SEED = 20261121
COMMAND = [sys.executable, "-m", "pipeline", "clean", "--workers", "2"]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="process groups and SIGKILL are POSIX")


def make_corpus(raw: Path) -> None:
    """DOCUMENTS documents: the samples of raw/ with a numbered line added, some gzipped."""
    samples = sorted(p for p in (ROOT / "raw").rglob("*") if p.is_file() and not p.name.startswith("."))
    for number in range(DOCUMENTS):
        source = samples[number % len(samples)]
        data = source.read_bytes()
        if source.name.endswith(".gz"):
            data = gzip.decompress(data)
        html = source.name.lower().replace(".gz", "").endswith((".html", ".htm"))
        data += f"<!-- copy {number} -->".encode() if html else f"\n\nCopy number {number}.\n".encode()
        folder = raw / f"part{number % 4}"
        folder.mkdir(parents=True, exist_ok=True)
        name = f"doc{number:03d}{'.html' if html else '.txt'}"
        if number % 10 == 0:
            (folder / f"{name}.gz").write_bytes(gzip.compress(data, mtime=0))
        else:
            (folder / name).write_bytes(data)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def check_no_partial_output(out: Path) -> int:
    """Every visible file is whole: sidecars parse, bodies end their last line and fit their sidecar."""
    checked = 0
    for path in sorted(out.rglob("*")):
        if not path.is_file() or any(part.startswith(".") for part in path.relative_to(out).parts):
            continue  # hidden temporary files of an interrupted write are swept by the next run
        if path.suffix == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            body = path.with_suffix(".txt")
            if path.name != "_run.json" and data.get("status") == "ok" and body.exists():
                paragraphs = body_paragraphs(body.read_text(encoding="utf-8"))
                assert 0 < len(paragraphs) <= data["lines"]["kept"] and all(paragraphs), path
            checked += 1
        elif path.suffix == ".txt":
            text = path.read_text(encoding="utf-8")
            assert text.endswith("\n") and all(body_paragraphs(text)), f"partial body {path}"
            checked += 1
        elif path.suffix == ".jsonl":
            text = path.read_text(encoding="utf-8")
            assert text.endswith("\n"), f"torn {path}"
            [json.loads(line) for line in text.splitlines()]
    return checked


def start(raw: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([*COMMAND, str(raw), str(out)], cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def kill_at(process: subprocess.Popen, delay: float) -> bool:
    """SIGKILL the run's process group after ``delay`` s; False if it had already finished."""
    try:
        process.wait(timeout=delay)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return True


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, float]:
    """The raw folder, a clean run of it, and how long that run took."""
    base = tmp_path_factory.mktemp("kill")
    raw, fresh = base / "raw", base / "fresh"
    make_corpus(raw)
    started = time.monotonic()
    result = subprocess.run([*COMMAND, str(raw), str(fresh)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode in (0, 1), result.stderr
    return raw, fresh, time.monotonic() - started


def test_kill_nine_at_random_moments_leaves_whole_files_and_the_rerun_matches(corpus, tmp_path: Path) -> None:
    raw, fresh, duration = corpus
    reference = tree(fresh)
    assert sum(1 for name in reference if name.endswith(".json")) == DOCUMENTS + 1
    rng = random.Random(SEED)
    killed = 0
    for round_number in range(ROUNDS):
        out = tmp_path / f"round{round_number:02d}"
        for _ in range(1 + round_number % 2):  # odd rounds kill twice, the second over partial output
            if kill_at(start(raw, out), rng.uniform(0.2, duration)):
                killed += 1
            if out.exists():
                check_no_partial_output(out)
        subprocess.run([*COMMAND, str(raw), str(out)], cwd=ROOT, capture_output=True, timeout=600)
        assert tree(out) == reference, f"round {round_number}: the run after a kill differs from a clean run"
    assert killed >= ROUNDS * 3 // 4, f"only {killed} of the runs were still going when killed"
    print(f"kill test: {ROUNDS}/{ROUNDS} rounds ({killed} kills) left whole files and matched a clean run")

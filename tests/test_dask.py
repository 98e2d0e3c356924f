"""The Dask engine writes byte-identical outputs to the local runner's.

CI installs the ``dask`` extra (the Makefile's venv does), so these tests run
there; they are skipped only where dask.distributed is not installed.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("dask.distributed", reason="the dask extra is not installed: pip install '.[dask]'")

from pipeline import Config, run  # noqa: E402

# The Dask runs go through the console script in a child process: a Dask client
# leaves threads behind, and a multi-threaded test process would make the
# local pool of later tests fall back from fork to spawn.


def run_dask(corpus: Path, out: Path, workers: int, output_format: str = "files") -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "pipeline", "clean", str(corpus), str(out), "--engine", "dask",
               "--workers", str(workers), "--format", output_format, "--no-progress"]
    return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT.parent / "shared" / "eval"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """raw/ plus a JSON Lines batch and, when the eval corpora are there, a few real pages."""
    raw = tmp_path_factory.mktemp("raw")
    shutil.copytree(ROOT / "raw", raw, dirs_exist_ok=True)
    records = [{"id": f"n{i}", "text": f"Headline {i}\n\nThe council met on Monday and agreed the plan ({i})."}
               for i in range(30)]
    (raw / "batch.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    pages = sorted((EVAL / "scrapinghub" / "html").glob("*.html.gz"))[:6]
    for page in pages:
        (raw / "pages").mkdir(exist_ok=True)
        shutil.copy(page, raw / "pages" / page.name)
    return raw


@pytest.mark.parametrize("output_format", ["files", "jsonl"])
def test_dask_engine_is_byte_identical_to_the_local_runner(corpus: Path, tmp_path: Path, output_format: str) -> None:
    local = run(corpus, tmp_path / "local", workers=2, config=Config(output_format=output_format))
    dask = run_dask(corpus, tmp_path / "dask", workers=2, output_format=output_format)
    assert dask.returncode == 0, dask.stderr
    assert dask.stdout.startswith(f"{local.documents} documents") and local.documents > 30
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")


def test_dask_engine_reruns_incrementally(corpus: Path, tmp_path: Path) -> None:
    assert run_dask(corpus, tmp_path / "out", workers=1).returncode == 0
    again = run_dask(corpus, tmp_path / "out", workers=1)
    assert again.returncode == 0, again.stderr
    documents = int(again.stdout.split()[0])
    assert f"({documents} unchanged since the last run)" in again.stdout

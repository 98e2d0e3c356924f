"""The Dask engine writes byte-identical outputs to the local runner's.

CI installs the ``dask`` extra (the Makefile's venv does), so these tests run
there; they are skipped only where dask.distributed is not installed.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("dask.distributed", reason="the dask extra is not installed: pip install '.[dask]'")

from pipeline.runners.local import run  # noqa: E402

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
    local = run(corpus, tmp_path / "local", workers=2, output_format=output_format)
    dask = run(corpus, tmp_path / "dask", workers=2, output_format=output_format, engine="dask")
    assert dask.documents == local.documents > 30
    assert tree(tmp_path / "dask") == tree(tmp_path / "local")


def test_dask_engine_reruns_incrementally(corpus: Path, tmp_path: Path) -> None:
    run(corpus, tmp_path / "out", workers=1, engine="dask")
    again = run(corpus, tmp_path / "out", workers=1, engine="dask")
    assert again.unchanged == again.documents

"""Limits: too-large inputs, gzip bombs and slow documents are recorded reasons, never crashes.

And the run's report of them: ``_run.json`` counts by outcome and reason (no
timestamps: two runs give the same bytes), and the exit status tells a script
whether anything failed.
"""

from __future__ import annotations

import gzip
import json
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

from pipeline.cli import main as cli_main
from pipeline.config import Config
from pipeline.document import Document
from pipeline import run
from pipeline.stages.decode import Decode
from pipeline.stages.extract import Extract
from pipeline.config import Limits
from pipeline.io.files import InputTooLarge, gunzip_limited
from pipeline.io.records import iter_jsonl

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = ("The committee met on Tuesday to discuss the new budget, and its members agreed that the spending "
           "plan needed more work before the vote that is expected next month.\n\n") * 3
MB = 1024 * 1024
SMALL_LIMITS = Limits(max_input_bytes=64 * 1024, max_decompressed_bytes=MB)


def gzip_bomb(path: Path, size: int) -> None:
    """A gzip file of ``size`` zero bytes, written in pieces (the test never holds ``size`` bytes)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    zeros = bytes(MB)
    with path.open("wb") as handle:
        for _ in range(size // MB):
            handle.write(packer.compress(zeros))
        handle.write(packer.flush())


def sidecar(out: Path, stem: str) -> dict:
    return json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))


class Sleepy:
    """A stage that takes too long on documents that say so."""

    name, version = "sleepy", "1"

    def process(self, doc: Document) -> Document:
        if "SLEEP" in (doc.text or doc.html):
            time.sleep(5)
        return doc


#: Decode, extract and the sleepy stage: the runner under test, not the model.
PLAIN = [Decode(), Extract(), Sleepy()]


def test_an_input_over_the_size_limit_is_a_recorded_reason(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "big.txt").write_text(ARTICLE * 200, encoding="utf-8")  # ~100 KB
    (raw / "small.txt").write_text(ARTICLE, encoding="utf-8")
    summary = run(raw, tmp_path / "out", stages=PLAIN, config=Config(limits=SMALL_LIMITS), workers=0)
    failure = sidecar(tmp_path / "out", "big")["failure"]
    assert failure["stage"] == "read" and failure["reason"] == "too-large"
    assert sidecar(tmp_path / "out", "small")["failure"] is None
    assert summary.reasons["too-large"] == 1 and summary.failed == 1


def test_gunzip_limited_stops_at_the_limit() -> None:
    bomb = gzip.compress(bytes(8 * MB))
    with pytest.raises(InputTooLarge):
        gunzip_limited(bomb, MB)
    assert gunzip_limited(bomb, 8 * MB) == bytes(8 * MB)


def test_a_gzip_bomb_is_refused_without_being_inflated(tmp_path: Path) -> None:
    """1 GB of zeros in a 1 MB file, through the command with its default limits."""
    raw = tmp_path / "raw"
    raw.mkdir()
    gzip_bomb(raw / "bomb.html.gz", 1024 * MB)
    (raw / "fine.txt").write_text(ARTICLE, encoding="utf-8")
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "pipeline", "clean", str(raw), str(tmp_path / "out"),
                             "--workers", "1"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert result.returncode == 1, result.stderr  # a failure, reported: not a crash, not a success
    assert time.monotonic() - started < 60
    failure = sidecar(tmp_path / "out", "bomb")["failure"]
    assert failure["reason"] == "too-large" and "decompresses to more than" in failure["detail"]
    report = json.loads((tmp_path / "out" / "_run.json").read_text(encoding="utf-8"))
    assert report["failure_reasons"].get("too-large") == 1


def test_a_bomb_inside_a_jsonl_gz_container_is_cut_per_record(tmp_path: Path) -> None:
    path = tmp_path / "records.jsonl.gz"
    line = json.dumps({"id": "huge", "text": "a" * (4 * MB)}).encode()
    path.write_bytes(gzip.compress(line + b"\n" + json.dumps({"id": "next", "text": ARTICLE}).encode() + b"\n"))
    docs = list(iter_jsonl(path, "records.jsonl.gz", SMALL_LIMITS))
    assert [doc.failure.reason if doc.failure else "read" for doc in docs] == ["too-large", "read"]
    assert docs[1].raw.decode() == ARTICLE


def test_a_document_over_the_time_limit_is_a_recorded_reason(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "slow.txt").write_text("SLEEP please\n", encoding="utf-8")
    (raw / "quick.txt").write_text(ARTICLE, encoding="utf-8")
    started = time.monotonic()
    summary = run(raw, tmp_path / "out", stages=PLAIN, config=Config(timeout=0.3), workers=0)
    assert time.monotonic() - started < 4
    assert sidecar(tmp_path / "out", "slow")["failure"] == {"stage": "sleepy", "reason": "timeout",
                                                           "detail": "over 0.3 s"}
    assert sidecar(tmp_path / "out", "quick")["status"] == "ok"
    assert summary.reasons["timeout"] == 1


def test_a_pathological_page_times_out_in_a_real_run(tmp_path: Path) -> None:
    """20,000 nested tags take the HTML extractor many seconds: with ``--timeout`` that is a reason."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "nested.html").write_text("<html><body>" + "<tr>" * 20_000 + "text</body></html>", encoding="utf-8")
    (raw / "fine.txt").write_text(ARTICLE, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pipeline", "clean", str(raw), str(tmp_path / "out"),
                             "--workers", "1", "--timeout", "0.2"], capture_output=True, text=True, cwd=ROOT,
                            timeout=300)
    assert result.returncode == 1, result.stderr
    assert sidecar(tmp_path / "out", "nested")["failure"]["reason"] == "timeout"
    assert sidecar(tmp_path / "out", "fine")["failure"] is None or \
        sidecar(tmp_path / "out", "fine")["failure"]["reason"] != "timeout"


def test_run_summary_counts_by_outcome_and_reason_and_the_exit_status_tells_failure(tmp_path: Path,
                                                                                    ) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a_empty.txt").write_bytes(b"")
    (raw / "b_notes.pdf").write_bytes(b"%PDF-1.4")
    (raw / "c_binary.txt").write_bytes(bytes(range(256)) * 40)
    (raw / "d_article.txt").write_text(ARTICLE, encoding="utf-8")
    (raw / "e_slow.txt").write_text("SLEEP\n", encoding="utf-8")

    def clean(out: str) -> int:
        summary = run(raw, tmp_path / out, stages=PLAIN, config=Config(timeout=0.3), workers=0)
        return 1 if summary.failed else 0

    assert clean("one") == 1  # c_binary and e_slow failed
    report = json.loads((tmp_path / "one" / "_run.json").read_text(encoding="utf-8"))
    assert report["documents"] == 5
    assert report["outcomes"] == {"empty": 1, "failed": 2, "ok": 1, "skipped": 1}
    assert report["failure_reasons"] == {"binary-content": 1, "empty": 1, "timeout": 1, "unsupported-format": 1}
    assert clean("two") == 1
    assert (tmp_path / "one" / "_run.json").read_bytes() == (tmp_path / "two" / "_run.json").read_bytes()
    (raw / "c_binary.txt").unlink()
    (raw / "e_slow.txt").unlink()
    # The command's exit status says the same, with the default stages.
    assert cli_main(["clean", "--workers", "0", str(raw), str(tmp_path / "three")]) == 0, \
        "empty pages and other formats are outcomes, not failures"


def test_no_timer_or_handler_outlives_a_limit_that_fires_at_any_moment() -> None:
    """A limit can fire while its own cleanup runs (a document done just at its limit): the timers
    must still be disarmed and the handlers put back, or a later document, or the worker's own code,
    would be stopped by a stray DocumentTimeout."""
    import signal

    from pipeline.runners.limits import DocumentTimeout, time_limit

    before = {number: signal.getsignal(number) for number in (signal.SIGPROF, signal.SIGALRM)}
    outcomes = set()
    for attempt in range(300):
        try:
            with time_limit(1e-6 * (attempt % 7 + 1)):
                sum(range(200 * (attempt % 5)))
            outcomes.add("done")
        except DocumentTimeout:
            outcomes.add("timeout")
        assert signal.getitimer(signal.ITIMER_PROF) == (0.0, 0.0)
        assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
        assert {number: signal.getsignal(number) for number in before} == before
    sum(range(10**6))  # long enough for any signal still pending to be delivered
    assert "timeout" in outcomes


def test_a_workers_first_document_is_not_charged_for_loading_the_models(tmp_path: Path) -> None:
    """Loading the block model, the line model, the scan tables and langdetect's profiles takes a
    fresh worker about 0.2 s of CPU: that happens before the first document's limit starts."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "fine.txt").write_text(ARTICLE, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "pipeline", "clean", str(raw), str(tmp_path / "out"),
                             "--workers", "1", "--timeout", "0.15"], capture_output=True, text=True, cwd=ROOT,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    assert sidecar(tmp_path / "out", "fine")["failure"] is None

"""The engine: ``pipeline.run`` runs any list of stages in batches, the same bytes whatever the batch
size, the number of workers or the engine; a document that fails inside a batch fails alone; faults
are retried; one run per output folder; a storage fault ends the run with one line; every setting
that changes an output is in the one frozen Config."""

from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline import BatchStage, Config, clean_documents, run
from pipeline.cli import build_parser, config_from
from pipeline.document import Document
from pipeline.io import write as write_module
from pipeline.io.files import load_bytes
from pipeline.io.write import StorageError
from pipeline.runners.lock import LOCK_FILE, RunLock, RunLocked
from pipeline.runners.manifest import MANIFEST
from pipeline.runners.plan import WORK_DIR
from pipeline.stages.decode import Decode
from pipeline.stages.extract import Extract
from pipeline.stages.normalize import Normalize

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX locks, signals and resource limits")


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def make_corpus(root: Path, count: int = 30) -> Path:
    """``count`` dumps in three sites (folders), each with a shared menu line and a body of its own."""
    for number in range(count):
        folder = root / f"site{number % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        boom = "BOOM\n" if number == 7 else ""
        (folder / f"doc{number:03d}.txt").write_text(
            f"Home | News | Sport\n\nStory {number}: the council met on Monday and agreed the plan.\n{boom}"
            "Follow us on social media\n", encoding="utf-8")
    return root


class Shout(BatchStage):
    """A batch stage: upper-cases every line of every document of the batch in one pass, and raises
    for a whole batch that holds a line saying BOOM (as a vectorised stage would on one bad row)."""

    name, version = "shout", "1"

    def process_batch(self, docs: list[Document]) -> list[Document]:
        lines = [line for doc in docs for line in doc.lines]
        if any(line.text == "BOOM" for line in lines):
            raise ValueError("a BOOM line")
        for line in lines:
            line.text = line.text.upper()
        return docs


STAGES = [Decode(), Extract(), Shout(), Normalize()]


def test_any_list_of_stages_runs_and_only_those_stages_run(tmp_path: Path) -> None:
    raw = make_corpus(tmp_path / "raw", 6)
    run(raw, tmp_path / "out", stages=[Decode(), Extract(), Shout()], config=Config(site_pass=False), workers=0)
    body = (tmp_path / "out" / "site1" / "doc001.txt").read_text(encoding="utf-8")
    assert body.startswith("HOME | NEWS | SPORT\n\nSTORY 1: THE COUNCIL"), "no boilerplate stage: the menu stays"


@pytest.mark.parametrize("workers", [0, 2])
def test_outputs_are_byte_identical_whatever_the_batch_size_and_workers(tmp_path: Path, workers: int) -> None:
    raw = make_corpus(tmp_path / "raw")
    trees = []
    for batch_size in (1, 4, 64):
        out = tmp_path / f"out-{workers}-{batch_size}"
        run(raw, out, stages=STAGES, workers=workers, batch_size=batch_size)
        trees.append(tree(out))
    assert trees[0] == trees[1] == trees[2]
    assert len([name for name in trees[0] if name.endswith(".json")]) == 30 + 1


def test_the_default_stages_give_the_same_bytes_in_batches_of_one_and_of_many(tmp_path: Path) -> None:
    run(ROOT / "raw", tmp_path / "one", workers=0, batch_size=1)
    run(ROOT / "raw", tmp_path / "many", workers=0, batch_size=64)
    assert tree(tmp_path / "one") == tree(tmp_path / "many") == tree(ROOT / "clean") | {
        MANIFEST: tree(tmp_path / "one")[MANIFEST]}


def test_a_document_that_fails_inside_a_batch_fails_alone(tmp_path: Path) -> None:
    raw = make_corpus(tmp_path / "raw", 12)
    summary = run(raw, tmp_path / "out", stages=STAGES, workers=0, batch_size=12)
    failed = json.loads((tmp_path / "out" / "site1" / "doc007.json").read_text(encoding="utf-8"))
    assert failed["failure"] == {"stage": "shout", "reason": "internal-error", "detail": "ValueError: a BOOM line"}
    assert summary.outcomes["ok"] == 11 and summary.failed == 1
    assert (tmp_path / "out" / "site1" / "doc004.txt").read_text(encoding="utf-8").startswith("STORY 4")


def test_clean_documents_cleans_documents_in_memory_in_order() -> None:
    docs = [load_bytes(Document(id=f"{n}.txt", source=f"{n}.txt"), f"Line {n} here.\n".encode()) for n in range(5)]
    cleaned = list(clean_documents(docs, [Decode(), Extract(), Shout()], batch_size=2))
    assert [doc.body for doc in cleaned] == [f"LINE {n} HERE.\n" for n in range(5)]


class BatchSizes:
    """A batch stage that remembers how many documents each batch it saw held."""

    name, version = "batch-sizes", "1"

    def __init__(self) -> None:
        self.sizes: list[int] = []

    def process_batch(self, docs: list[Document]) -> list[Document]:
        self.sizes.append(len(docs))
        return docs


def test_a_batch_of_big_documents_ends_at_the_byte_budget(tmp_path: Path) -> None:
    from pipeline.chain import MAX_BATCH_BYTES

    # Pages of a third of the budget: three to a batch, not 64, so a worker holds a bounded amount.
    page = ("<html><body><p>" + "word " * (MAX_BATCH_BYTES // 15) + "</p></body></html>").encode()
    docs = [load_bytes(Document(id=f"{n}.html", source=f"{n}.html"), page) for n in range(7)]
    seen = BatchSizes()
    assert len(list(clean_documents(docs, [seen]))) == 7
    assert seen.sizes == [3, 3, 1]
    raw = tmp_path / "raw"
    raw.mkdir()
    for n in range(7):
        (raw / f"{n}.html").write_bytes(page)
    (raw / "small.txt").write_text("A small dump.\n", encoding="utf-8")
    seen = BatchSizes()
    run(raw, tmp_path / "out", stages=[seen], workers=0)
    assert seen.sizes == [3, 3, 2]


class Sleepy:
    name, version = "sleepy", "1"

    def process(self, doc: Document) -> Document:
        time.sleep(0.2)
        return doc


def test_a_failure_of_a_limit_is_retried_and_a_verdict_is_reused(tmp_path: Path) -> None:
    raw = make_corpus(tmp_path / "raw", 4)
    (raw / "binary.txt").write_bytes(bytes(range(256)) * 10)
    stages = [Decode(), Extract(), Sleepy()]
    first = run(raw, tmp_path / "out", stages=stages, config=Config(timeout=0.01), workers=0)
    assert first.reasons == {"timeout": 4, "binary-content": 1}
    # The same settings again: the timeouts are faults of the run, tried again (and failing again);
    # the binary file's verdict stands and is reused.
    again = run(raw, tmp_path / "out", stages=stages, config=Config(timeout=0.01), workers=0)
    assert again.unchanged == 1 and again.reasons["timeout"] == 4
    after = run(raw, tmp_path / "out", stages=stages, config=Config(timeout=5.0), workers=0)
    assert after.outcomes["ok"] == 4 and after.failed == 1


def test_every_output_setting_is_in_the_config_and_its_fingerprint() -> None:
    base = Config()
    for change in ({"timeout": 5.0}, {"site_pass": False}, {"output_format": "jsonl"}, {"languages": ("ar",)},
                   {"follow_symlinks": True}, {"search_keys": True}):
        assert base.replace(**change).fingerprint() != base.fingerprint(), change
    with pytest.raises(ValueError, match="unknown output format"):
        Config(output_format="xml")
    assert Config(timeout=0).timeout is None, "0 on the command line means no limit"


def test_the_command_line_takes_its_defaults_from_the_config() -> None:
    args = build_parser().parse_args(["clean", "in", "out"])
    assert config_from(args) == Config()


def test_a_second_run_on_the_same_folder_stops_at_once_naming_the_first(tmp_path: Path) -> None:
    raw = make_corpus(tmp_path / "raw", 3)
    out = tmp_path / "out"
    out.mkdir()
    with RunLock(out):
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "pipeline", "clean", str(raw), str(out), "--workers", "0"],
                              cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert time.monotonic() - started < 30
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert f"is in use by another run (pid {os.getpid()} on " in done.stderr
    assert not (out / MANIFEST).exists() and not list(out.rglob("*.txt")), "the second run wrote nothing"
    with pytest.raises(RunLocked):
        with RunLock(out), RunLock(out):
            pass


def test_a_lock_left_by_a_killed_run_does_not_block_the_next(tmp_path: Path) -> None:
    raw = make_corpus(tmp_path / "raw", 60)
    out = tmp_path / "out"
    script = ("import sys, time\nfrom pipeline import run\nfrom pipeline.stages.decode import Decode\n"
              "class Slow:\n    name, version = 'slow', '1'\n"
              "    def process(self, doc):\n        time.sleep(0.05)\n        return doc\n"
              "if __name__ == '__main__':\n    run(sys.argv[1], sys.argv[2], stages=[Decode(), Slow()], workers=1)\n")
    (tmp_path / "slow.py").write_text(script)
    process = subprocess.Popen([sys.executable, str(tmp_path / "slow.py"), str(raw), str(out)], cwd=ROOT,
                               start_new_session=True)
    deadline = time.monotonic() + 60
    while not (out / LOCK_FILE).exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    assert (out / LOCK_FILE).exists(), "the killed run's lock file stays behind"
    summary = run(raw, out, stages=[Decode(), Extract()], workers=0)
    assert summary.documents == 60 and not (out / LOCK_FILE).exists()


def test_a_run_holding_the_folder_makes_a_concurrent_run_fail_cleanly(tmp_path: Path) -> None:
    raw = make_corpus(tmp_path / "raw", 3)
    out = tmp_path / "out"
    out.mkdir()
    results: dict[str, object] = {}
    lock = RunLock(out)
    lock.acquire()
    try:
        thread = threading.Thread(target=lambda: results.setdefault("error", _run_expecting_lock(raw, out)))
        thread.start()
        thread.join(60)
    finally:
        lock.release()
    assert isinstance(results["error"], RunLocked)


def _run_expecting_lock(raw: Path, out: Path) -> object:
    try:
        run(raw, out, stages=[Decode()], workers=0)
    except RunLocked as error:
        return error
    return None


def test_a_full_disk_ends_the_run_with_one_line_and_the_next_run_finishes(tmp_path: Path) -> None:
    """A file-size limit makes every write past 2 KB fail as a full disk would (EFBIG; ENOSPC below)."""
    raw = make_corpus(tmp_path / "raw", 40)
    out = tmp_path / "out"

    def limited() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (2048, 2048))

    done = subprocess.run([sys.executable, "-m", "pipeline", "clean", str(raw), str(out), "--workers", "1"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, preexec_fn=limited)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stderr.startswith("pipeline clean: cannot write ")
    assert not [p for p in out.rglob("*.tmp")], "no partial file is left"
    assert not (out / WORK_DIR).exists() and not (out / LOCK_FILE).exists()
    for sidecar in out.rglob("*.json"):
        json.loads(sidecar.read_text(encoding="utf-8"))
    again = subprocess.run([sys.executable, "-m", "pipeline", "clean", str(raw), str(out), "--workers", "1"],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    run(raw, tmp_path / "fresh", workers=1)
    assert tree(out) == tree(tmp_path / "fresh")


@pytest.fixture()
def small_disk(tmp_path: Path):
    """A 300 KB file system (tmpfs), when this machine lets the tests mount one."""
    mount = tmp_path / "small"
    mount.mkdir()
    made = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(mount)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_disk_that_fills_up_during_the_run_ends_it_cleanly(tmp_path: Path, small_disk: Path) -> None:
    raw = make_corpus(tmp_path / "raw", 150)
    out = small_disk / "out"
    done = subprocess.run([sys.executable, "-m", "pipeline", "clean", str(raw), str(out), "--workers", "2"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert "No space left on device" in done.stderr
    assert not [p for p in out.rglob("*.tmp")] and not (out / WORK_DIR).exists() and not (out / LOCK_FILE).exists()
    written = [path for path in out.rglob("*.json")]
    assert written, "the run wrote some documents before the disk was full"
    for sidecar in written:
        json.loads(sidecar.read_text(encoding="utf-8"))
    subprocess.run(["mount", "-o", "remount,size=20m", str(small_disk)], check=True)
    again = subprocess.run([sys.executable, "-m", "pipeline", "clean", str(raw), str(out), "--workers", "2"],
                           cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    run(raw, tmp_path / "fresh", workers=2)
    assert tree(out) == tree(tmp_path / "fresh")


def test_no_space_left_in_a_write_is_a_storage_error_and_nothing_is_half_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = make_corpus(tmp_path / "raw", 10)
    out = tmp_path / "out"
    real_replace, calls = os.replace, []

    def full_after_five(source: str, target: str) -> None:
        calls.append(target)
        if len(calls) > 5:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_replace(source, target)

    monkeypatch.setattr(write_module.os, "replace", full_after_five)
    with pytest.raises(StorageError, match="No space left on device"):
        run(raw, out, stages=[Decode(), Extract()], workers=0)
    monkeypatch.setattr(write_module.os, "replace", real_replace)
    assert not [p for p in out.rglob("*.tmp")]
    assert run(raw, out, stages=[Decode(), Extract()], workers=0).documents == 10
    run(raw, tmp_path / "fresh", stages=[Decode(), Extract()], workers=0)
    assert tree(out) == tree(tmp_path / "fresh")

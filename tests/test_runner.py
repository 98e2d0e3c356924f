"""The local runner: worker-count independence, time limits, crash recovery,
incremental re-runs, stale-output removal and kill safety.

Most tests run a small fixed stage list (decode, split, and test stages that
are slow, hang or crash on cue) so they check the runner, not the classifiers;
one runs the default stages over a mixed folder.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from pipeline import run
from pipeline.config import Config
from pipeline.document import Document
from pipeline.runners import limits, pool
from pipeline.runners import run as run_module
from pipeline.runners.manifest import JOURNAL, MANIFEST
from pipeline.runners.summary import RUN_SUMMARY
from pipeline.runners.tasks import FinishTask, clean_batch
from pipeline.sitewide import SitePass
from pipeline.stages.decode import Decode
from pipeline.stages.extract import Extract

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="the pool's time limits use POSIX signals")


def tree(root: Path) -> dict[str, bytes]:
    """Every file below ``root`` (hidden ones too), by relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


class OnCue:
    """Test stage: sleeps on ``SLOW``, hangs with SIGALRM blocked on ``HANG``
    (like a native call that ignores signals), dies on ``CRASH``."""

    name, version = "on-cue", "1"

    def process(self, doc: Document) -> Document:
        text = doc.text or doc.html
        if "SLOW" in text:
            time.sleep(30)
        if "HANG" in text:
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
            time.sleep(30)
        if "CRASH" in text:
            os._exit(3)
        return doc


#: How long to wait for threads left by earlier tests before forking.
STRAY_THREAD_SECONDS = 5.0


JSONL = Config(output_format="jsonl")
#: The stage list most tests run: decode, split, and the stage that misbehaves on cue.
SIMPLE = [Decode(), Extract(), OnCue()]


@pytest.fixture()
def quiet_threads() -> None:
    """A test before this one may leave a thread that is still winding down (Playwright's driver):
    give it a moment, so the pool forks its workers as it does in a plain program."""
    deadline = time.monotonic() + STRAY_THREAD_SECONDS
    while threading.active_count() > 1 and time.monotonic() < deadline:
        time.sleep(0.05)


def make_corpus(root: Path, count: int = 40) -> Path:
    for number in range(count):
        folder = root / f"part{number % 3}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"doc{number:03d}.txt").write_text(
            f"Title number {number}\n\nThe body of document {number} says something plain.\n", encoding="utf-8")
    return root


def test_outputs_are_identical_whatever_the_number_of_workers(tmp_path: Path, quiet_threads: None) -> None:
    raw = make_corpus(tmp_path / "raw")
    for workers in (0, 1, 2, 3):
        run(raw, tmp_path / f"out{workers}", workers=workers, stages=SIMPLE)
    assert tree(tmp_path / "out0") == tree(tmp_path / "out1") == tree(tmp_path / "out2") == tree(tmp_path / "out3")
    assert len(list((tmp_path / "out1").rglob("*.txt"))) == 40


def test_default_stages_give_identical_outputs_with_one_and_two_workers(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for path in sorted((ROOT / "raw").rglob("*"))[:12]:
        if path.is_file():
            (raw / path.name).write_bytes(path.read_bytes())
    run(raw, tmp_path / "one", workers=1)
    run(raw, tmp_path / "two", workers=2)
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_a_slow_document_times_out_with_its_stage_recorded(tmp_path: Path, quiet_threads: None) -> None:
    raw = make_corpus(tmp_path / "raw", 6)
    (raw / "slow.txt").write_text("SLOW document\n", encoding="utf-8")
    started = time.monotonic()
    summary = run(raw, tmp_path / "out", workers=2, stages=SIMPLE, config=Config(timeout=0.5))
    assert time.monotonic() - started < 10
    sidecar = json.loads((tmp_path / "out" / "slow.json").read_text(encoding="utf-8"))
    assert sidecar["failure"] == {"stage": "on-cue", "reason": "timeout", "detail": "over 0.5 s"}
    assert summary.outcomes["ok"] == 6 and summary.reasons["timeout"] == 1


class Spin:
    """Test stage: busy in Python for 30 s (a pathological page in a pure-Python parser)."""

    name, version = "spin", "1"

    def process(self, doc: Document) -> Document:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            sum(range(100))
        return doc


def test_a_slow_document_times_out_in_a_task_thread_too(monkeypatch: pytest.MonkeyPatch) -> None:
    # Dask runs tasks in threads, where SIGALRM cannot reach: the limit must hold there as well,
    # and must not go off later in the thread's other work.
    outcome: dict[str, object] = {}

    def task() -> None:
        started = time.monotonic()
        outcome["doc"] = clean_batch([Document(id="a.txt", source="a.txt")], [Spin()], timeout=0.5)[0]
        outcome["seconds"] = time.monotonic() - started
        time.sleep(1.0)  # a stray pending timeout would fire here, in the caller's code
        outcome["after"] = "ok"

    thread = threading.Thread(target=task)
    thread.start()
    thread.join(20)
    failure = outcome["doc"].failure  # type: ignore[union-attr]
    assert (failure.stage, failure.reason) == ("spin", "timeout")
    assert outcome["seconds"] < 5 and outcome["after"] == "ok"


def test_a_large_document_gets_more_time_than_a_small_one() -> None:
    # 60 s for a page, but a 30 MB dump (about 45 s of work) must not be cut off as if it were stuck.
    assert limits.document_time_limit(60.0, 20_000) == 60.0
    assert limits.document_time_limit(60.0, 30_500_000) == 60.0 + 30 * limits.SECONDS_PER_MB
    assert limits.document_time_limit(None, 30_500_000) is None


def test_a_document_stuck_in_native_code_is_stopped_and_the_run_goes_on(
        tmp_path: Path, quiet_threads: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "HARD_TIMEOUT_GRACE", 0.5)
    raw = make_corpus(tmp_path / "raw", 20)
    (raw / "part0" / "doc000.txt").write_text("HANG here\n", encoding="utf-8")
    started = time.monotonic()
    summary = run(raw, tmp_path / "out", workers=1, stages=SIMPLE, config=Config(timeout=0.5))
    assert time.monotonic() - started < 15
    sidecar = json.loads((tmp_path / "out" / "part0" / "doc000.json").read_text(encoding="utf-8"))
    assert sidecar["failure"]["reason"] == "timeout" and "stopped" in sidecar["failure"]["detail"]
    assert summary.outcomes["ok"] == 19, "the documents after the stuck one in its partition still ran"


def test_a_crashing_worker_fails_one_document_not_the_run(tmp_path: Path, quiet_threads: None) -> None:
    raw = make_corpus(tmp_path / "raw", 20)
    (raw / "part1" / "doc001.txt").write_text("CRASH now\n", encoding="utf-8")
    summary = run(raw, tmp_path / "out", workers=2, stages=SIMPLE)
    sidecar = json.loads((tmp_path / "out" / "part1" / "doc001.json").read_text(encoding="utf-8"))
    assert sidecar["failure"]["reason"] == "worker-crashed"
    assert summary.outcomes["ok"] == 19


def test_a_bad_file_does_not_stop_the_run(tmp_path: Path, quiet_threads: None) -> None:
    raw = make_corpus(tmp_path / "raw", 5)
    (raw / "binary.txt").write_bytes(bytes(range(256)) * 10)
    (raw / "broken.txt.gz").write_bytes(b"\x1f\x8b\x08\x00not really gzip")
    summary = run(raw, tmp_path / "out", workers=2, stages=SIMPLE)
    assert summary.outcomes["ok"] == 5 and summary.failed == 2


def test_hidden_files_are_not_read_but_are_reported(tmp_path: Path, quiet_threads: None) -> None:
    # A .DS_Store or a .git folder is not a document, but a user must be able to see that it was passed over.
    raw = make_corpus(tmp_path / "raw", 2)
    (raw / ".DS_Store").write_bytes(b"\x00\x00\x00\x01Bud1")
    (raw / "part0" / ".hidden.txt").write_text("A hidden dump.\n", encoding="utf-8")
    (raw / ".git").mkdir()
    (raw / ".git" / "HEAD.txt").write_text("ref: refs/heads/main\n", encoding="utf-8")
    summary = run(raw, tmp_path / "out", workers=1, stages=SIMPLE)
    assert summary.documents == 2
    recorded = json.loads((tmp_path / "out" / RUN_SUMMARY).read_text(encoding="utf-8"))
    assert recorded["not_read"] == [{"path": path, "reason": "hidden"}
                                    for path in (".DS_Store", ".git/", "part0/.hidden.txt")]
    assert "not read: 3 hidden" in summary.line()


def test_a_rerun_skips_unchanged_documents_and_redoes_changed_ones(tmp_path: Path, quiet_threads: None) -> None:
    raw = make_corpus(tmp_path / "raw", 30)
    out = tmp_path / "out"
    first = run(raw, out, workers=2, stages=SIMPLE)
    before = tree(out)
    again = run(raw, out, workers=2, stages=SIMPLE)
    assert again.unchanged == 30 and tree(out) == before, "a re-run with nothing changed changes nothing"
    (raw / "part0" / "doc003.txt").write_text("Changed title here\n\nA new body line for this one.\n", encoding="utf-8")
    third = run(raw, out, workers=2, stages=SIMPLE)
    # The site pass makes a document's output depend on its site's other documents (here a site is a
    # folder): the changed document's 9 neighbours are cleaned again, the other two sites are not.
    assert third.unchanged == 20
    assert (out / "part0" / "doc003.txt").read_text(encoding="utf-8").startswith("Changed title here")
    assert json.loads((out / RUN_SUMMARY).read_text()) == json.loads(before[RUN_SUMMARY])
    assert first.documents == again.documents == third.documents == 30
    run(raw, tmp_path / "fresh", workers=2, stages=SIMPLE)
    assert tree(out) == tree(tmp_path / "fresh")


def test_the_site_pass_removes_lines_repeated_across_a_site_whatever_the_workers(tmp_path: Path,
                                                                              quiet_threads: None) -> None:
    raw = tmp_path / "raw" / "site"
    raw.mkdir(parents=True)
    for number in range(6):
        (raw / f"page{number}.txt").write_text(f"Home | News | Sport\n\nStory {number} has its own body text.\n"
                                               "Follow us on social media\n", encoding="utf-8")
    for workers in (0, 1, 2):
        run(tmp_path / "raw", tmp_path / f"out{workers}", workers=workers, stages=SIMPLE)
    assert tree(tmp_path / "out0") == tree(tmp_path / "out1") == tree(tmp_path / "out2")
    sidecar = json.loads((tmp_path / "out2" / "site" / "page3.json").read_text(encoding="utf-8"))
    assert {(r["text"], r["reason"]) for r in sidecar["removed"]} == {
        ("Home | News | Sport", "site-repeated"), ("Follow us on social media", "site-repeated")}
    assert (tmp_path / "out2" / "site" / "page3.txt").read_text(encoding="utf-8") == "Story 3 has its own body text.\n"
    (raw / "page5.txt").unlink()
    again = run(tmp_path / "raw", tmp_path / "out2", workers=2, stages=SIMPLE)
    assert again.unchanged == 0, "a removed page changes its site's counts: the site is cleaned again"


@pytest.mark.parametrize("config", [Config(), JSONL, Config(body_format="markdown")])
def test_outputs_made_in_phase_one_equal_outputs_made_after_the_site_pass(tmp_path: Path, config: Config,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Phase one makes a spooled document's outputs as if the site pass removes nothing, and phase two
    writes them as they are when it does remove nothing: the same files as making them again after it."""
    raw = make_corpus(tmp_path / "raw", 12)
    for number in range(4):  # a site with repeated lines, one without, and pages whose repeats differ
        (raw / "part0" / f"menu{number}.txt").write_text(
            f"Home | News | Sport\n\nStory {number} has its own body text.\n" + "Follow us\n" * (number % 2),
            encoding="utf-8")
    run(raw, tmp_path / "kept", workers=0, stages=SIMPLE, config=config)
    monkeypatch.setattr(SitePass, "may_remove", lambda self, site, keys, index: True)
    run(raw, tmp_path / "made", workers=0, stages=SIMPLE, config=config)
    assert tree(tmp_path / "kept") == tree(tmp_path / "made")


@pytest.mark.parametrize("change", ["a neighbour's story", "a sidecar deleted"])
def test_a_run_stopped_in_phase_two_leaves_no_output_the_next_run_takes_as_finished(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    """A run that stops in phase two (here after its first document) journals what it finished; the
    next run skips those and the documents of the previous run that are unchanged. So none of these may
    hold outputs made in phase one as if the site pass removed nothing: a document with a previous
    entry is written only once the site pass is applied to it."""
    raw = tmp_path / "raw"
    (raw / "site").mkdir(parents=True)
    for number in range(4):
        (raw / "site" / f"page{number}.txt").write_text(
            f"Home | News | Sport\n\nStory {number} has its own body text.\n", encoding="utf-8")
    out = tmp_path / "out"
    run(raw, out, workers=0, stages=SIMPLE)
    if change == "a sidecar deleted":
        (out / "site" / "page2.json").unlink()
    else:
        (raw / "site" / "page0.txt").write_text("Home | News | Sport\n\nStory 0 is told again.\n", encoding="utf-8")
    monkeypatch.setattr(run_module, "FINISH_BATCH_SIZE", 1)
    finish = FinishTask.__call__
    finished: list[int] = []

    def stop_after_one(self: FinishTask, refs: list, heartbeat=None) -> list:  # noqa: ANN001
        if finished:
            raise KeyboardInterrupt
        finished.append(len(refs))
        return finish(self, refs)

    monkeypatch.setattr(FinishTask, "__call__", stop_after_one)
    with pytest.raises(KeyboardInterrupt):
        run(raw, out, workers=0, stages=SIMPLE)
    monkeypatch.undo()
    assert (out / JOURNAL).exists(), "the first finished document is journaled"
    run(raw, out, workers=0, stages=SIMPLE)
    run(raw, tmp_path / "fresh", workers=0, stages=SIMPLE)
    assert tree(out) == tree(tmp_path / "fresh")
    assert "Home" not in (out / "site" / "page3.txt").read_text(encoding="utf-8")


def test_a_changed_configuration_reruns_everything(tmp_path: Path, quiet_threads: None) -> None:
    raw = make_corpus(tmp_path / "raw", 8)
    run(raw, tmp_path / "out", workers=1, stages=SIMPLE)
    summary = run(raw, tmp_path / "out", config=Config(languages=("ar",)), workers=1, stages=SIMPLE)
    assert summary.unchanged == 0


def test_outputs_of_removed_inputs_are_removed(tmp_path: Path, quiet_threads: None) -> None:
    raw = make_corpus(tmp_path / "raw", 9)
    out = tmp_path / "out"
    run(raw, out, workers=2, stages=SIMPLE)
    for path in (raw / "part2").iterdir():
        path.unlink()
    (raw / "part2").rmdir()
    (raw / "part0" / "doc000.txt").unlink()
    summary = run(raw, out, workers=2, stages=SIMPLE)
    fresh = tmp_path / "fresh"
    run(raw, fresh, workers=2, stages=SIMPLE)
    assert summary.documents == 5 and not (out / "part2").exists()
    assert tree(out) == tree(fresh), "after removals the folder equals a fresh run's"


def test_a_new_file_that_takes_an_output_name_moves_the_old_outputs(tmp_path: Path, quiet_threads: None) -> None:
    raw = make_corpus(tmp_path / "raw", 3)
    out = tmp_path / "out"
    run(raw, out, workers=1, stages=SIMPLE)
    (raw / "part0" / "doc000.html").write_text("<html><body><p>Other page body text here.</p></body></html>")
    run(raw, out, workers=1, stages=SIMPLE)
    run(raw, tmp_path / "fresh", workers=1, stages=SIMPLE)
    assert tree(out) == tree(tmp_path / "fresh")


def test_jsonl_output_has_one_record_per_document_and_reruns_identically(tmp_path: Path, quiet_threads: None) -> None:
    raw = make_corpus(tmp_path / "raw", 12)
    (raw / "binary.txt").write_bytes(bytes(range(256)) * 10)
    run(raw, tmp_path / "one", workers=1, stages=SIMPLE, config=JSONL)
    run(raw, tmp_path / "two", workers=2, stages=SIMPLE, config=JSONL)
    assert tree(tmp_path / "one") == tree(tmp_path / "two")
    lines = (tmp_path / "one" / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 13 and all(set(r) == {"id", "text", "metadata"} for r in records)
    assert [r["id"] for r in records] == sorted(r["id"] for r in records)
    assert records[0]["metadata"]["status"] == "failed" and records[0]["text"] == ""
    before = tree(tmp_path / "one")
    summary = run(raw, tmp_path / "one", workers=2, stages=SIMPLE, config=JSONL)
    assert summary.unchanged == 13 and tree(tmp_path / "one") == before
    (raw / "part1" / "doc004.txt").write_text("Another title\n\nAnother body here.\n", encoding="utf-8")
    run(raw, tmp_path / "one", workers=2, stages=SIMPLE, config=JSONL)
    run(raw, tmp_path / "fresh", workers=2, stages=SIMPLE, config=JSONL)
    assert tree(tmp_path / "one") == tree(tmp_path / "fresh")


def test_switching_format_removes_the_other_layout(tmp_path: Path, quiet_threads: None) -> None:
    raw = make_corpus(tmp_path / "raw", 4)
    out = tmp_path / "out"
    run(raw, out, workers=1, stages=SIMPLE)
    run(raw, out, workers=1, stages=SIMPLE, config=JSONL)
    assert not list(out.rglob("doc*.txt")) and (out / "documents.jsonl").is_file()
    run(raw, out, workers=1, stages=SIMPLE)
    assert not (out / "documents.jsonl").exists() and len(list(out.rglob("doc*.txt"))) == 4


KILL_SCRIPT = """
import sys, time
import pipeline.runners.manifest
from pipeline import run
from pipeline.stages.decode import Decode
from pipeline.stages.extract import Extract

class Slowish:
    name, version = "slowish", "1"
    def process(self, doc):
        time.sleep(0.02)
        return doc

pipeline.runners.manifest.CHECKPOINT_SECONDS = 0.0
if __name__ == "__main__":
    run(sys.argv[1], sys.argv[2], workers=2, batch_size=4, stages=[Decode(), Extract(), Slowish()])
"""


@pytest.mark.parametrize("delay", [0.3, 0.9, 1.6])
def test_a_killed_run_leaves_no_partial_file_and_the_next_run_finishes(tmp_path: Path, quiet_threads: None,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       delay: float) -> None:
    raw = make_corpus(tmp_path / "raw", 150)
    out = tmp_path / "out"
    script = tmp_path / "run.py"
    script.write_text(KILL_SCRIPT)
    process = subprocess.Popen([sys.executable, str(script), str(raw), str(out)], cwd=ROOT,
                               start_new_session=True)
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGKILL)  # the runner and its workers, at once
    process.wait()
    for path in out.rglob("*"):
        if path.is_file() and not path.name.startswith("."):
            if path.suffix == ".json":
                json.loads(path.read_text(encoding="utf-8"))  # complete, or not there at all
            elif path.suffix == ".txt":
                assert path.read_text(encoding="utf-8").endswith("\n")
    run(raw, out, workers=2, stages=SIMPLE)
    run(raw, tmp_path / "fresh", workers=2, stages=SIMPLE)
    assert tree(out) == tree(tmp_path / "fresh")
    assert not (out / JOURNAL).exists() and (out / MANIFEST).exists()
    assert not [p for p in out.rglob(".*.tmp")]


@pytest.mark.skipif(not Path("/proc/self/status").is_file(), reason="needs /proc (Linux)")
def test_peak_rss_is_the_programs_own_not_that_of_the_process_that_started_it() -> None:
    # `pipeline bench` starts each measured run from its own large process; Linux keeps ru_maxrss across
    # exec, so the runs reported the bench's size (498 MB) as their parent's peak.
    ballast = bytearray(400 * 2**20)
    ballast[::4096] = b"x" * len(range(0, len(ballast), 4096))  # touch every page: resident, not just reserved
    code = "from pipeline.runners.pool import peak_rss; print(peak_rss())"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert pool.peak_rss() >= len(ballast)
    assert 0 < int(done.stdout) < 300 * 2**20
    del ballast


def test_workers_that_cannot_start_stop_the_run_with_a_clear_error(tmp_path: Path) -> None:
    # A thread in the calling program makes the pool start workers with "spawn", which imports the program
    # again in each worker; without the __main__ guard each worker ends before it starts. Every document
    # was recorded as "worker-crashed", one restart at a time, instead of the run saying why.
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text("Budget Talks Stall\n\n" + "The committee met on Tuesday. " * 20)
    script = tmp_path / "unguarded.py"
    script.write_text("import sys, threading\nfrom pipeline import run\n"
                      "threading.Thread(target=threading.Event().wait, args=(60,), daemon=True).start()\n"
                      "run(sys.argv[1], sys.argv[2], workers=1)\n")
    done = subprocess.run([sys.executable, str(script), str(tmp_path / "in"), str(tmp_path / "out")],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    assert "WorkerStartError" in done.stderr and "if __name__ == '__main__':" in done.stderr
    assert not (tmp_path / "out" / "a.txt").exists() and not (tmp_path / "out" / RUN_SUMMARY).exists()


def test_the_journal_holds_a_bounded_number_of_finished_documents(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """However fast documents finish, a killed run loses at most CHECKPOINT_ENTRIES of them, and the
    parent holds no more than that many lines: a run of millions stays flat in memory."""
    from pipeline.runners import manifest

    monkeypatch.setattr(manifest, "CHECKPOINT_ENTRIES", 3)
    monkeypatch.setattr(manifest, "CHECKPOINT_SECONDS", 3600.0)
    header = manifest.manifest_header("fingerprint", "files", "test")
    journal = manifest.Journal(tmp_path, header)
    for number in range(7):
        journal.add(json.dumps({"stem": f"doc-{number}"}) + "\n")
    lines = (tmp_path / JOURNAL).read_text(encoding="utf-8").splitlines()
    assert [json.loads(line).get("stem") for line in lines[1:]] == [f"doc-{number}" for number in range(6)]
    assert len(journal._pending) == 1
    jsonl = manifest.Journal(tmp_path / "jsonl", manifest.manifest_header("fingerprint", "jsonl", "test"))
    for number in range(7):
        jsonl.add("{}\n")
    assert not jsonl._pending and not (tmp_path / "jsonl" / JOURNAL).exists()  # a JSONL run does not resume

"""The local runner: a process pool over the documents below an input folder.

Every engine (this pool, :mod:`pipeline.runners.dask`, the Spark recipe in the
README) calls the same per-document function, :func:`clean_partition`, on
partitions of documents; this module owns the rest of a run, which is the same
whatever the engine:

1. **read** the input folder in sorted order (files, WARC and JSONL records),
   in the parent process, hashing each document's raw bytes;
2. **skip** documents whose output is current (same raw sha256, configuration
   and pipeline version; :mod:`pipeline.runners.incremental`);
3. **clean** the rest in partitions of :data:`CHUNK_SIZE` documents on the
   engine's workers; here each worker also writes its documents' outputs, so
   the parent only reads, journals and counts;
4. **finish**: remove outputs whose input is gone, write the manifest and
   ``_run.json`` (counts by outcome and reason; no timestamps, so it diffs).

Outputs are the same bytes whatever the engine or the number of workers.

One bad or slow document cannot stall a run: each document gets
``timeout`` seconds (an alarm interrupts the stage, which is recorded as the
failure's stage with reason ``timeout``), and a worker stuck in native code
for :data:`HARD_TIMEOUT_GRACE` seconds more is killed and replaced, its
document recorded as timed out, and the rest of its partition goes on. A
worker that dies (a segfault, the OOM killer) is handled the same way, with
reason ``worker-crashed``. A worker that ends before it has started is no
document's fault: its documents wait for the next worker, and
:data:`MAX_START_FAILURES` in a row stop the run with :class:`WorkerStartError`.
"""

from __future__ import annotations

import ctypes
import dataclasses
import functools
import multiprocessing
import os
import pickle
import platform
import resource
import shutil
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.connection import wait
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from pipeline.core import Config, __version__, default_stages, run_stages
from pipeline.document import Document
from pipeline.runners.incremental import Entry, Manifest, sweep_temporary_files
from pipeline.sitewide import SiteCounts, SiteIndex, apply_site_index, line_keys, site_key
from pipeline.sitewide import STAGE as SITE_STAGE
from pipeline.stages.read import iter_input_files, read_tree
from pipeline.stages.records import is_container
from pipeline.stages.write import (JSONL_OUTPUT, JsonlOutput, jsonl_record, render_outputs, sidecar_json,
                                   write_atomic, write_rendered)

RUN_SUMMARY = "_run.json"
#: Output layouts: ``files`` (``<stem>.txt`` + ``<stem>.json``) or one ``documents.jsonl``.
FORMATS = ("files", "jsonl")
#: Documents handed to a worker at a time: large enough to amortise pickling
#: and messaging, small enough to keep both cores busy to the end of a run.
CHUNK_SIZE = 16
#: Partitions read ahead per worker (bounds the parent's memory: raw bytes of
#: at most ``workers * WINDOW_PER_WORKER * CHUNK_SIZE`` documents are held).
WINDOW_PER_WORKER = 4
#: Skipped documents are grouped into partitions of at most this many, so a
#: re-run with nothing to do still streams.
MAX_ITEMS_PER_CHUNK = 1024
#: Seconds a document may take by default (trafilatura on a normal page: ~0.03 s) ...
DEFAULT_TIMEOUT = 60.0
#: ... plus this many per whole megabyte of its raw bytes: a 30 MB dump is not a slow small one (the
#: chain runs at about 0.7 MB/s on text; the allowance is several times that).
SECONDS_PER_MB = 10.0
#: A document's limit is CPU time; one that waits instead of computing is stopped after this many times
#: its limit in wall-clock time (and a worker that ignores that too is killed :data:`HARD_TIMEOUT_GRACE` later).
WALL_CLOCK_FACTOR = 4.0
#: Seconds past the timeout after which a worker that did not stop is killed.
HARD_TIMEOUT_GRACE = 5.0
#: How often the parent checks its workers and redraws the progress bar.
POLL_SECONDS = 0.2
#: A pool whose fresh workers end this many times in a row before they have started stops the run
#: (:class:`WorkerStartError`): every document would fail the same way, as "worker-crashed".
MAX_START_FAILURES = 3
#: A worker's first message: it has started and waits for partitions.
_STARTED = "started"


# --------------------------------------------------------------------------
# The per-document function (what every engine runs)
# --------------------------------------------------------------------------

class DocumentTimeout(BaseException):
    """Raised in a worker when a document runs out of time (not an ``Exception``:
    a stage's own error handling must not swallow it)."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Interrupt the block with :class:`DocumentTimeout` after ``seconds``.

    In a process's main thread (the local pool's workers) the limit is on
    **CPU time** (``ITIMER_PROF``), so a busy machine does not fail documents
    that a quiet one would finish; a block that waits rather than computes is
    stopped after :data:`WALL_CLOCK_FACTOR` times ``seconds`` of wall-clock time
    (``ITIMER_REAL``). In another thread (a Dask worker runs tasks in threads)
    signals cannot reach, so a timer thread raises the exception in the task's
    thread after ``seconds`` of wall-clock time (:func:`_thread_time_limit`).
    All act between Python bytecodes: a stage stuck in native code is stopped
    by the local pool's hard limit, which kills the worker.
    """
    if not seconds:
        yield
    elif threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        with _thread_time_limit(seconds):
            yield
    else:
        def on_timer(signum: int, frame: Any) -> None:
            raise DocumentTimeout()

        previous = {number: signal.signal(number, on_timer) for number in (signal.SIGPROF, signal.SIGALRM)}
        signal.setitimer(signal.ITIMER_PROF, seconds)
        signal.setitimer(signal.ITIMER_REAL, seconds * WALL_CLOCK_FACTOR)
        try:
            yield
        finally:
            signal.setitimer(signal.ITIMER_PROF, 0)
            signal.setitimer(signal.ITIMER_REAL, 0)
            for number, handler in previous.items():
                signal.signal(number, handler)


@contextmanager
def _thread_time_limit(seconds: float) -> Iterator[None]:
    """:func:`time_limit` for a thread that is not the main one (signals reach only the main thread).

    A timer thread sets :class:`DocumentTimeout` as the task thread's pending
    exception (CPython's ``PyThreadState_SetAsyncExc``). On leaving the block a
    pending exception that has not fired yet is cleared, under a lock, so it
    can never go off in the caller's code after the document is done.
    """
    set_async_exc = getattr(getattr(ctypes, "pythonapi", None), "PyThreadState_SetAsyncExc", None)
    if set_async_exc is None or platform.python_implementation() != "CPython":
        yield  # no way to interrupt a thread here: the document runs to the end
        return
    target = ctypes.c_ulong(threading.get_ident())
    lock, state = threading.Lock(), {"done": False, "fired": False}

    def expire() -> None:
        with lock:
            if not state["done"]:
                state["fired"] = set_async_exc(target, ctypes.py_object(DocumentTimeout)) == 1

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        with lock:
            state["done"] = True
            timer.cancel()
            if state["fired"]:
                set_async_exc(target, None)  # clear it if it is still pending


def document_time_limit(timeout: float | None, size: int) -> float | None:
    """The time limit of a document of ``size`` raw bytes: ``timeout`` plus :data:`SECONDS_PER_MB` per whole MB."""
    return timeout + SECONDS_PER_MB * (size // 1_000_000) if timeout else None


def _stage_running(trace: TracebackType | None) -> str:
    """The name of the stage :func:`run_stages` was running when ``trace`` was raised."""
    name = "run"
    while trace is not None:
        if trace.tb_frame.f_code.co_name == "run_stages" and "stage" in trace.tb_frame.f_locals:
            name = getattr(trace.tb_frame.f_locals["stage"], "name", name)
        trace = trace.tb_next
    return name


def failed_copy(doc: Document, stage: str, reason: str, detail: str) -> Document:
    """A fresh failed document with ``doc``'s identity (what half-run stages left is dropped)."""
    failed = Document(id=doc.id, source=doc.source, output=doc.output, sha256=doc.sha256, format=doc.format)
    failed.fail(stage, reason, detail)
    return failed


@dataclass(slots=True)
class Result:
    """A cleaned document as the parent needs it: its manifest entry, its rendered
    outputs unless a worker has written them already, and, for a document that
    waits for the site pass, its line keys and where it is spooled.

    The parent holds one per document until the run's end, so it stays small:
    a JSONL record that must wait for its turn is spooled to disk too
    (``record_spool``), not held in memory.
    """

    entry: Entry
    body: str | None = None
    sidecar: str | None = None
    record: str | None = None
    record_spool: Any = None  # (file, offset, length) of the UTF-8 record
    keys: Any = None  # numpy array of the document's line keys
    spool: Any = None  # (file, offset, length) of the pickled document, or its bytes (remote engines)


def finish_document(doc: Document, output_format: str, write_root: Path | None, site: str = "") -> Result:
    """Render ``doc``'s outputs; write them below ``write_root`` when given."""
    entry = Entry.of(doc, site)
    if output_format == "jsonl":
        return Result(entry, record=jsonl_record(doc, __version__))
    body, sidecar_text = render_outputs(doc, __version__)
    if write_root is None:
        return Result(entry, body=body, sidecar=sidecar_text)
    write_rendered(write_root, entry.stem, body, sidecar_text, durable=False)
    return Result(entry)


@functools.lru_cache(maxsize=4)
def stages_for(config: Config) -> list:
    """The stages of ``config``, built once per process (some load models)."""
    return default_stages(config)


def clean_document_safely(doc: Document, config: Config, timeout: float | None = DEFAULT_TIMEOUT) -> Document:
    """Run the stages on one document within its time limit (:func:`document_time_limit`); never raises."""
    limit = document_time_limit(timeout, len(doc.raw))
    try:
        with time_limit(limit):
            return run_stages(doc, stages_for(config))
    except DocumentTimeout as stop:
        return failed_copy(doc, _stage_running(stop.__traceback__), "timeout", f"over {limit:g} s")


def clean_partition(docs: Iterable[Document], config: Config, output_format: str = "files",
                    write_root: Path | None = None, timeout: float | None = DEFAULT_TIMEOUT) -> list[Result]:
    """The per-document function over a partition, without the site pass (what the Spark recipe calls)."""
    return [finish_document(clean_document_safely(doc, config, timeout), output_format, write_root) for doc in docs]


_SPOOLS: dict[str, Any] = {}


def spool_bytes(data: bytes, spool_dir: Path | None) -> Any:
    """Keep ``data`` until the run's second phase: appended to this process's spool file
    (returns ``(file, offset, length)``), or ``data`` itself when there is no spool folder."""
    if spool_dir is None:
        return data
    key = f"{spool_dir}/{os.getpid()}"
    handle = _SPOOLS.get(key)
    if handle is None or handle.closed:
        spool_dir.mkdir(parents=True, exist_ok=True)
        handle = _SPOOLS[key] = open(spool_dir / f"worker-{os.getpid()}.pkl", "ab")  # noqa: SIM115 - kept open
    offset = handle.seek(0, os.SEEK_END)
    handle.write(data)
    handle.flush()
    return (handle.name, offset, len(data))


def spool_document(doc: Document, spool_dir: Path | None) -> Any:
    """Keep a cleaned document for the site pass (:func:`spool_bytes` of it pickled)."""
    doc.html = doc.text = ""  # the outputs are made from the lines; the markup is not needed again
    return spool_bytes(pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL), spool_dir)


def spooled_bytes(spool: Any) -> bytes:
    if isinstance(spool, bytes):
        return spool
    name, offset, length = spool
    with open(name, "rb") as handle:
        handle.seek(offset)
        return handle.read(length)


def load_spooled(spool: Any) -> Document:
    if isinstance(spool, bytes):
        return pickle.loads(spool)  # noqa: S301 - written by this run's own workers
    name, offset, length = spool
    with open(name, "rb") as handle:
        handle.seek(offset)
        return pickle.loads(handle.read(length))  # noqa: S301 - written by this run's own workers


@dataclass(frozen=True)
class CleanTask:
    """Phase one, per document: the stages; then either the outputs (no site pass, or
    no body) or the document's site line keys and its spooled copy for phase two."""

    config: Config
    output_format: str
    write_root: Path | None
    timeout: float | None
    site_pass: bool = True
    spool_dir: Path | None = None

    def __call__(self, doc: Document) -> Result:
        cleaned = clean_document_safely(doc, self.config, self.timeout)
        if not self.site_pass or cleaned.failure is not None:
            return finish_document(cleaned, self.output_format, self.write_root)
        site = site_key(cleaned)
        return Result(Entry.of(cleaned, site), keys=line_keys(cleaned), spool=spool_document(cleaned, self.spool_dir))

    def failed(self, doc: Document, reason: str, detail: str) -> Result:
        return finish_document(failed_copy(doc, "run", reason, detail), self.output_format, self.write_root)


@dataclass(frozen=True)
class FinishTask:
    """Phase two, per spooled document: the site pass with the finished index, then the outputs.

    The index travels with the task (``index``), or, for workers started before it was finished
    (see :func:`run`), waits in a file (``index_file``) that each worker reads once.
    """

    index: SiteIndex | None
    output_format: str
    write_root: Path | None
    index_file: Path | None = None

    def site_index(self) -> SiteIndex:
        return self.index if self.index is not None else _read_index(self.index_file)

    def __call__(self, spool: Any) -> Result:
        doc = load_spooled(spool)
        apply_site_index(doc, self.site_index())
        return finish_document(doc, self.output_format, self.write_root, site_key(doc))

    def failed(self, spool: Any, reason: str, detail: str) -> Result:
        doc = load_spooled(spool)
        return finish_document(failed_copy(doc, SITE_STAGE, reason, detail), self.output_format, self.write_root)


@functools.lru_cache(maxsize=1)
def _read_index(path: Path | None) -> SiteIndex:
    if path is None:
        raise ValueError("a FinishTask needs an index or an index file")
    return pickle.loads(path.read_bytes())  # noqa: S301 - written by this run's parent


def run_task(task: Callable[[Any], Result], items: Iterable[Any]) -> list[Result]:
    """A partition through a task (what a Dask bag partition runs)."""
    return [task(item) for item in items]


# --------------------------------------------------------------------------
# Engines: map partitions of documents to results, in order
# --------------------------------------------------------------------------

class Engine(Protocol):
    #: Largest resident set size seen per worker, in bytes (0 when unknown).
    peak_rss: dict[str, int]

    def map(self, partitions: Iterable[list[Any]]) -> Iterator[list[Result]]: ...

    def close(self) -> None: ...


def current_rss() -> int:
    """This process's resident set size in bytes (0 where ``/proc`` is missing)."""
    try:
        with open("/proc/self/statm", "rb") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def peak_rss() -> int:
    """This process's largest resident set size so far, in bytes.

    From ``VmHWM``, which starts afresh when a program is executed. ``ru_maxrss`` does not: Linux keeps
    it across ``execve``, so a run started by a big process (``pipeline bench``) reported that process's
    size as its own. ``ru_maxrss`` is the fallback where ``/proc`` is missing.
    """
    try:
        with open("/proc/self/status", "rb") as handle:
            for line in handle:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class SerialEngine:
    """Run the task in this process (``--workers 0``): for debugging; no hard timeout."""

    def __init__(self, task: Any) -> None:
        self.task = task
        self.peak_rss: dict[str, int] = {}

    def map(self, partitions: Iterable[list[Any]]) -> Iterator[list[Result]]:
        for partition in partitions:
            yield run_task(self.task, partition)
            self.peak_rss["0"] = max(self.peak_rss.get("0", 0), current_rss())

    def close(self) -> None:
        pass


class WorkerStartError(RuntimeError):
    """Worker processes end before they start: the run cannot clean anything."""


def _worker_main(conn: Any, task: Callable[[Any], Result]) -> None:
    """A pool worker: say it has started, then run ``task`` on partitions sent by the parent, one message
    per item."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    conn.send(_STARTED)
    while True:
        message = conn.recv()
        if message is None:
            return
        chunk_id, start, items = message
        for offset, item in enumerate(items):
            result = task(item)
            last = offset == len(items) - 1
            conn.send((chunk_id, start + offset, result, current_rss() if last else 0))


@dataclass
class _Worker:
    process: Any
    conn: Any
    chunk: int | None = None  # partition being cleaned, if any
    index: int = 0  # position in that partition of the document being cleaned
    end: int = 0  # position after the worker's last document
    started: float = 0.0  # when the current document was started
    running: bool = False  # whether it has said it started (a process that ends before cannot start)


def _start_method() -> str:
    """``fork`` where it is safe (POSIX, a single-threaded parent): workers start at once with
    the stages' modules already imported; ``spawn`` otherwise."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "spawn"


def _item_size(item: Any) -> int:
    """Bytes of a pool item: a document's raw bytes, or a spooled document's length."""
    if isinstance(item, Document):
        return len(item.raw)
    return len(item) if isinstance(item, bytes) else int(item[2])


class LocalPool:
    """``workers`` processes cleaning partitions, with per-document time limits and crash recovery."""

    def __init__(self, workers: int, task: Any, timeout: float | None) -> None:
        self.size, self.task, self.timeout = max(1, workers), task, timeout
        self.context = multiprocessing.get_context(_start_method())
        if self.context.get_start_method() == "fork" and isinstance(task, CleanTask):
            stages_for(task.config)  # built once here, shared copy-on-write by every forked worker
        self.workers: list[_Worker] = []
        self.peak_rss: dict[str, int] = {}
        self.restarts = 0
        self.start_failures = 0  # workers in a row that ended before they started

    def start(self) -> None:
        """Start the workers now (``map`` starts them otherwise)."""
        while len(self.workers) < self.size:
            self.workers.append(self._spawn())

    def _spawn(self) -> _Worker:
        parent_end, child_end = self.context.Pipe(duplex=True)
        process = self.context.Process(target=_worker_main, args=(child_end, self.task), daemon=True)
        process.start()
        child_end.close()
        return _Worker(process, parent_end)

    def _hard_limit(self, item: Any) -> float | None:
        """Seconds after which a worker still on ``item`` is stopped: its own limit and a grace period."""
        limit = document_time_limit(self.timeout, _item_size(item))
        return None if limit is None else limit * WALL_CLOCK_FACTOR + HARD_TIMEOUT_GRACE

    def map(self, partitions: Iterable[list[Any]]) -> Iterator[list[Result]]:
        source = iter(partitions)
        docs: dict[int, list[Any]] = {}
        results: dict[int, list[Result | None]] = {}
        remaining: dict[int, int] = {}
        queue: deque[tuple[int, int]] = deque()  # (partition, first position) waiting for a worker
        window, next_id, done_id, exhausted = self.size * WINDOW_PER_WORKER, 0, 0, False
        self.start()

        def record(chunk: int, index: int, result: Result) -> None:
            if results[chunk][index] is None:
                results[chunk][index] = result
                remaining[chunk] -= 1

        while True:
            while not exhausted and next_id - done_id < window:
                partition = next(source, None)
                if partition is None:
                    exhausted = True
                    break
                docs[next_id], results[next_id], remaining[next_id] = partition, [None] * len(partition), len(partition)
                if partition:
                    queue.append((next_id, 0))
                next_id += 1
            while done_id < next_id and remaining[done_id] == 0:
                finished = results.pop(done_id)
                del docs[done_id], remaining[done_id]
                done_id += 1
                yield finished  # type: ignore[misc]
            if exhausted and done_id == next_id:
                return
            for position, worker in enumerate(self.workers):
                if worker.chunk is None and queue:
                    if not worker.process.is_alive():  # ended after finishing its last partition
                        worker.conn.close()
                        worker = self.workers[position] = self._spawn()
                    chunk, start = queue.popleft()
                    worker.chunk, worker.index, worker.end = chunk, start, len(docs[chunk])
                    worker.started = time.monotonic()
                    try:
                        worker.conn.send((chunk, start, docs[chunk][start:]))
                    except (OSError, ValueError):
                        pass  # found dead below, and its partition requeued
            busy = [worker for worker in self.workers if worker.chunk is not None]
            if not busy:
                continue
            ready = set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], timeout=POLL_SECONDS))
            now = time.monotonic()
            for worker in busy:
                dead = worker.process.sentinel in ready
                try:
                    while worker.conn in ready and worker.conn.poll():
                        message = worker.conn.recv()
                        if message == _STARTED:
                            worker.running, self.start_failures = True, 0
                            continue
                        chunk, index, result, rss = message
                        record(chunk, index, result)
                        if rss:
                            key = str(worker.process.pid)
                            self.peak_rss[key] = max(self.peak_rss.get(key, 0), rss)
                        worker.index, worker.started = index + 1, now
                        if worker.index >= worker.end:
                            worker.chunk = None
                            break
                except (EOFError, OSError):
                    dead = True
                if worker.chunk is None:
                    continue
                limit = self._hard_limit(docs[worker.chunk][worker.index])
                ended = dead or not worker.process.is_alive()
                if ended and not worker.running:
                    self._restart_unstarted(worker, queue)
                elif ended:
                    self._replace(worker, "worker-crashed",
                                  f"the worker process ended (exit code {worker.process.exitcode})", docs, record, queue)
                elif limit is not None and now - worker.started > limit:
                    self._replace(worker, "timeout", f"over {limit:g} s; the worker was stopped", docs, record, queue)

    def _restart_unstarted(self, worker: _Worker, queue: deque[tuple[int, int]]) -> None:
        """A worker ended before it started: its documents were not the cause, so they go back to the
        queue as they are; a pool whose workers keep failing to start stops the run."""
        worker.process.join()
        worker.conn.close()
        self.start_failures += 1
        if self.start_failures >= MAX_START_FAILURES:
            method = self.context.get_start_method()
            why = ("their output above says why" if method == "fork" else
                   f"with the {method!r} start method (used when the calling program runs threads) each worker "
                   "imports the program's main module again: call the runner under "
                   "`if __name__ == '__main__':`, or see their output above")
            raise WorkerStartError(f"{self.start_failures} worker processes in a row ended before they started "
                                   f"(exit code {worker.process.exitcode}); {why}")
        assert worker.chunk is not None
        queue.appendleft((worker.chunk, worker.index))
        self.workers[self.workers.index(worker)] = self._spawn()

    def _replace(self, worker: _Worker, reason: str, detail: str, docs: dict[int, list[Any]],
                 record: Callable[[int, int, Result], None], queue: deque[tuple[int, int]]) -> None:
        """Record the worker's current document as failed, requeue the rest of its partition, restart it."""
        chunk, index = worker.chunk, worker.index
        assert chunk is not None
        worker.process.kill()
        worker.process.join()
        worker.conn.close()
        record(chunk, index, self.task.failed(docs[chunk][index], reason, detail))
        if index + 1 < worker.end:
            queue.appendleft((chunk, index + 1))
        self.workers[self.workers.index(worker)] = self._spawn()
        self.restarts += 1

    def close(self) -> None:
        for worker in self.workers:
            try:
                worker.conn.send(None)
            except (OSError, BrokenPipeError):
                pass
        deadline = time.monotonic() + 2.0
        for worker in self.workers:
            worker.process.join(max(0.0, deadline - time.monotonic()))
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join()
            worker.conn.close()
        self.workers = []


# --------------------------------------------------------------------------
# The run
# --------------------------------------------------------------------------

@dataclass
class RunSummary:
    documents: int = 0
    outcomes: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    removed_by_reason: Counter = field(default_factory=Counter)
    failures: list[dict[str, str]] = field(default_factory=list)
    #: Hidden files and folders below the input folder, which are not read (sorted relative paths).
    hidden: list[str] = field(default_factory=list)
    #: Documents whose outputs were current and were not cleaned again (not in ``_run.json``).
    unchanged: int = 0
    #: Largest resident set size per worker, in bytes (not in ``_run.json``).
    peak_rss: dict[str, int] = field(default_factory=dict)

    def add(self, doc: Document) -> None:
        self.add_entry(Entry.of(doc))

    def add_entry(self, entry: Entry) -> None:
        self.documents += 1
        self.outcomes[entry.outcome] += 1
        if entry.failure:
            self.reasons[entry.failure["reason"]] += 1
            self.failures.append({"source": entry.source, **entry.failure})
        self.removed_by_reason.update(entry.removed)

    @property
    def failed(self) -> int:
        return self.outcomes["failed"]

    def as_dict(self, config: Config) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "outcomes": dict(sorted(self.outcomes.items())),
            "failure_reasons": dict(sorted(self.reasons.items())),
            "removed_lines": sum(self.removed_by_reason.values()),
            "removed_by_reason": dict(sorted(self.removed_by_reason.items())),
            "failures": sorted(self.failures, key=lambda f: (f["source"], f["reason"])),
            **({"hidden_not_read": sorted(self.hidden)} if self.hidden else {}),
            # The settings, not the fingerprint: that one hashes the code too, and
            # would make every code change show up here in review.
            "config": dataclasses.asdict(config),
            "pipeline_version": __version__,
        }

    def line(self) -> str:
        written = self.outcomes["ok"]
        text = (f"{self.documents} documents, {written} written, {self.failed} failed, "
                f"{self.documents - written - self.failed} without body, "
                f"{sum(self.removed_by_reason.values())} lines removed")
        text += f" ({self.unchanged} unchanged since the last run)" if self.unchanged else ""
        return text + (f"; {len(self.hidden)} hidden files not read" if self.hidden else "")


class Progress:
    """A one-line progress display on stderr; silent unless ``enabled``."""

    def __init__(self, enabled: bool, total: int | None, stream: Any = None) -> None:
        self.enabled, self.total, self.stream = enabled, total, stream or sys.stderr
        self.start = self.last = time.monotonic()
        self.done = self.skipped = 0

    @staticmethod
    def wanted(stream: Any = None) -> bool:
        """On by default only on a terminal, and never in CI."""
        stream = stream or sys.stderr
        return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("CI") \
            and os.environ.get("TERM") != "dumb"

    def update(self, done: int, skipped: int, force: bool = False) -> None:
        self.done, self.skipped = done, skipped
        now = time.monotonic()
        if not self.enabled or (not force and now - self.last < POLL_SECONDS):
            return
        self.last = now
        rate = (done - skipped) / max(now - self.start, 1e-9)
        total = f"/{self.total}" if self.total else ""
        share = f" {100 * done / self.total:3.0f}%" if self.total else ""
        self.stream.write(f"\r{done}{total} documents{share}, {skipped} unchanged, {rate:,.0f} docs/s ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.update(self.done, self.skipped, force=True)
            self.stream.write("\n")
            self.stream.flush()


def check_folders(input_dir: Path, output_dir: Path) -> None:
    """Refuse to write into the input: ``raw/`` is never modified."""
    source, target = input_dir.resolve(), output_dir.resolve()
    if not source.is_dir():
        raise NotADirectoryError(f"input folder not found: {input_dir}")
    if target == source or source in target.parents:
        raise ValueError(f"the output folder {output_dir} must not be inside the input folder {input_dir}")


@dataclass
class _Skip:
    """A document whose outputs are current (its JSONL record is copied at the end)."""

    entry: Entry


#: Hidden folder below the output where phase one keeps documents for the site pass (removed at the end).
SPOOL_DIR = ".spool"
#: Folder below the spool where the site pass's (site, line key) pairs are counted.
SITE_PAIRS_DIR = "site-pairs"
#: File below the spool holding the finished site index for phase two's workers.
SITE_INDEX_FILE = "site-index.pkl"
#: Spooled documents per phase-two partition (rendering and writing: ~1 ms each).
FINISH_CHUNK_SIZE = 64


def make_engine(name: str, workers: int, task: Any, timeout: float | None, scheduler: str | None = None) -> Engine:
    """The engine called ``name`` (``local`` or ``dask``) running ``task``."""
    if name == "dask":
        from pipeline.runners.dask import DaskEngine

        return DaskEngine(workers, task, scheduler)
    if name != "local":
        raise ValueError(f"unknown engine {name!r}: use local or dask")
    return SerialEngine(task) if workers == 0 else LocalPool(workers, task, timeout)


def _container_rels(sources: Iterable[str], rels: set[str]) -> set[str]:
    """The input files holding documents of these sources (a file, or ``container#record``)."""
    found = set()
    for source in sources:
        if source in rels:
            found.add(source)
            continue
        cut = source.find("#")
        while cut != -1 and source[:cut] not in rels:
            cut = source.find("#", cut + 1)
        if cut != -1:
            found.add(source[:cut])
    return found


def run(input_dir: Path, output_dir: Path, config: Config = Config(), workers: int | None = None, *,
        output_format: str = "files", timeout: float | None = DEFAULT_TIMEOUT, progress: bool = False,
        engine: str = "local", scheduler: str | None = None, site_pass: bool = True) -> RunSummary:
    """Clean every document below ``input_dir`` into ``output_dir``; see the module docstring.

    With ``site_pass`` (the default) documents with a body are kept (spooled to
    disk, not in memory) until every document has been cleaned, then the
    site pass (:mod:`pipeline.sitewide`) runs with the finished index and the
    outputs are written, again on the workers.
    """
    input_dir, output_dir = Path(input_dir), Path(output_dir)
    check_folders(input_dir, output_dir)
    if output_format not in FORMATS:
        raise ValueError(f"unknown output format {output_format!r}: use one of {', '.join(FORMATS)}")
    workers = (os.cpu_count() or 1) if workers is None else workers
    output_dir.mkdir(parents=True, exist_ok=True)
    sweep_temporary_files(output_dir)
    spool_dir = output_dir / SPOOL_DIR
    shutil.rmtree(spool_dir, ignore_errors=True)
    manifest = Manifest(output_dir, config.fingerprint(), output_format, __version__)
    jsonl = JsonlOutput(output_dir) if output_format == "jsonl" else None
    # Workers write files themselves, except on a remote engine (no shared disk assumed) or into one JSONL file.
    write_root = output_dir if output_format == "files" and engine == "local" else None
    clean_task = CleanTask(config, output_format, write_root, timeout, site_pass,
                           spool_dir if engine == "local" else None)
    summary = RunSummary()
    paths = iter_input_files(input_dir, summary.hidden)
    rels = {path.relative_to(input_dir).as_posix() for path in paths}
    containers = any(is_container(rel) for rel in rels)
    bar = Progress(progress, None if containers else len(paths))
    ordered: list[_Skip | Result | None] = []  # one per document, in input order (None once stored)
    deferred: dict[str, int] = {}  # stem -> position of a tentatively skipped document
    counts, dirty = SiteCounts(spool_dir / SITE_PAIRS_DIR), set()
    # Phase two's local workers are started now, while this process is small: forked at the end of
    # phase one, each would carry a copy of the entries this process keeps per document (at 100,000
    # documents a site-pass worker took 297 MB instead of 55). They read the index from a file.
    finisher = None
    if engine == "local" and workers > 0 and site_pass:
        finisher = LocalPool(workers, FinishTask(None, output_format, write_root, spool_dir / SITE_INDEX_FILE), timeout)
        finisher.start()

    def phase_one(stems: set[str] | None) -> None:
        """Clean what changed (or, with ``stems``, exactly those documents) and index their sites."""
        items: deque[list[Document | _Skip]] = deque()
        only = rels if stems is None else _container_rels((ordered[deferred[s]].entry.source for s in stems), rels)

        def partitions() -> Iterator[list[Document]]:
            group: list[Document | _Skip] = []
            work: list[Document] = []
            for doc in read_tree(input_dir, config.limits, only=only):
                stem = doc.output or doc.id
                if stems is not None:
                    if stem not in stems:
                        continue
                    entry = None
                else:
                    entry = manifest.unchanged(doc)
                if entry is not None and (jsonl is None or jsonl.has_previous(entry.record)):
                    group.append(_Skip(entry))
                else:
                    group.append(doc)
                    work.append(doc)
                if len(work) >= CHUNK_SIZE or len(group) >= MAX_ITEMS_PER_CHUNK:
                    items.append(group)
                    yield work
                    group, work = [], []
            if group:
                items.append(group)
                yield work

        runner = make_engine(engine, workers, clean_task, timeout, scheduler)
        try:
            for results in runner.map(partitions()):
                cleaned = iter(results)
                for item in items.popleft():
                    if isinstance(item, _Skip):
                        deferred[item.entry.stem] = len(ordered)
                        ordered.append(item)
                        continue
                    result = next(cleaned)
                    stem = result.entry.stem
                    if isinstance(result.spool, bytes):  # a remote engine: keep the pickled bytes on the parent's disk
                        result.spool = spool_bytes(result.spool, spool_dir)
                    elif isinstance(result.spool, tuple):  # one copy of each spool file's name, not one per document
                        result.spool = (sys.intern(result.spool[0]), *result.spool[1:])
                    result.entry.site = sys.intern(result.entry.site)
                    # The parent keeps one Result per document to the end: nothing big stays in it. A JSONL
                    # record waits for its turn on disk; a remote engine's rendered files are written now.
                    if result.record is not None:
                        result.record_spool = spool_bytes(result.record.encode("utf-8"), spool_dir)
                        result.record = None
                    if result.sidecar is not None:
                        write_rendered(output_dir, stem, result.body or "", result.sidecar, durable=False)
                        result.body = result.sidecar = None
                    if result.keys is not None:
                        counts.add(result.entry.site, result.keys)
                        dirty.add(result.entry.site)
                        result.keys = None
                    if manifest.previous_sites.get(stem):
                        dirty.add(manifest.previous_sites[stem])
                    if stems is None:
                        ordered.append(result)
                    else:
                        ordered[deferred.pop(stem)] = result
                bar.update(len(ordered), len(deferred))
        finally:
            runner.close()
            for key, value in runner.peak_rss.items():
                summary.peak_rss[f"clean:{key}"] = max(summary.peak_rss.get(f"clean:{key}", 0), value)

    def phase_two() -> Iterator[Entry]:
        """The site pass and the outputs of spooled documents; every document's entry, in order."""
        index = counts.index()

        # Taken now: the loop below lets go of each document as it is stored.
        batch = [item.spool for item in ordered if isinstance(item, Result) and item.spool is not None]

        def partitions() -> Iterator[list[Any]]:
            for start in range(0, len(batch), FINISH_CHUNK_SIZE):
                refs = batch[start:start + FINISH_CHUNK_SIZE]
                # a remote engine's workers cannot open the parent's spool: send the bytes
                yield refs if engine == "local" else [spooled_bytes(ref) for ref in refs]

        if finisher is not None:
            spool_dir.mkdir(parents=True, exist_ok=True)
            (spool_dir / SITE_INDEX_FILE).write_bytes(pickle.dumps(index, protocol=pickle.HIGHEST_PROTOCOL))
            runner: Engine = finisher
        else:
            runner = make_engine(engine, workers, FinishTask(index, output_format, write_root), timeout, scheduler)
        try:
            finished = (result for results in runner.map(partitions()) for result in results)
            for position, item in enumerate(ordered):
                ordered[position] = None  # its entry goes to the manifest: the rest is let go
                if isinstance(item, _Skip):
                    entry = item.entry
                    if jsonl is not None:
                        entry = dataclasses.replace(entry, record=jsonl.copy_previous(entry.record))
                    summary.unchanged += 1
                    yield entry
                else:
                    yield _store(next(finished) if item.spool is not None else item, output_dir, jsonl)
        finally:
            runner.close()
            for key, value in runner.peak_rss.items():
                summary.peak_rss[f"site-pass:{key}"] = max(summary.peak_rss.get(f"site-pass:{key}", 0), value)

    finished = False
    try:
        phase_one(None)
        seen = {item.entry.stem for item in ordered}
        dirty.update(site for stem, site in manifest.previous_sites.items() if stem not in seen)
        redo = {stem for stem, position in deferred.items() if site_pass and ordered[position].entry.site in dirty}
        if redo:
            phase_one(redo)
        for entry in phase_two():
            summary.add_entry(entry)
            manifest.add(entry)
            bar.update(summary.documents, summary.unchanged)
        finished = True
    finally:
        bar.close()
        if finisher is not None:
            finisher.close()
        shutil.rmtree(spool_dir, ignore_errors=True)
        if not finished:
            if jsonl is not None:
                jsonl.abort()
            manifest.checkpoint()
    if jsonl is not None:
        jsonl.commit()
    elif (output_dir / JSONL_OUTPUT).exists() and manifest.previous_format == "jsonl":
        (output_dir / JSONL_OUTPUT).unlink()
    manifest.finish()
    write_atomic(output_dir / RUN_SUMMARY, sidecar_json(summary.as_dict(config)))
    return summary


def _store(result: Result, output_dir: Path, jsonl: JsonlOutput | None) -> Entry:
    """Write what the worker did not (JSONL records, or a remote engine's files); return the entry."""
    entry = result.entry
    if result.record_spool is not None and jsonl is not None:
        entry = dataclasses.replace(entry, record=jsonl.append_bytes(spooled_bytes(result.record_spool)))
    elif result.record is not None and jsonl is not None:
        entry = dataclasses.replace(entry, record=jsonl.append(result.record))
    elif result.sidecar is not None:
        write_rendered(output_dir, entry.stem, result.body or "", result.sidecar, durable=False)
    return entry

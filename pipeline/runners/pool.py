"""Engines that map batches to results, in order: the run's own process, or a pool of local workers.

An engine takes a task (:mod:`pipeline.runners.tasks`) and an iterable of
batches, and yields each batch's results in the order the batches came. The
Dask engine (:mod:`pipeline.runners.dask`) is the third.

The local pool keeps its workers busy with a window of batches read ahead,
and keeps one bad document from costing the run:

- a worker that exceeds its batch's hard limit (stuck in native code,
  where the time limit of :mod:`pipeline.runners.limits` cannot reach) is
  killed and replaced;
- a worker that dies (a segfault, the OOM killer) is replaced;
- either way, a batch of several documents goes back to the queue split into
  batches of one, so the document at fault is found and recorded alone
  (``timeout`` or ``worker-crashed``) and the others are cleaned as usual;
- a worker that ends before it has started is no document's fault: its batch
  waits for the next worker, and :data:`MAX_START_FAILURES` in a row stop the
  run with :class:`WorkerStartError`.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import resource
import signal
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import wait
from typing import Any, Protocol

from pipeline.runners.limits import hard_limit
from pipeline.runners.result import Result

#: Batches read ahead per worker (bounds the run's memory: the raw bytes of at most
#: ``workers * WINDOW_PER_WORKER`` batches are held).
WINDOW_PER_WORKER = 4
#: How often the pool checks its workers.
POLL_SECONDS = 0.2
#: A pool whose fresh workers end this many times in a row before they have started stops the run.
MAX_START_FAILURES = 3
#: A worker's messages: it has started; it is alive and working through a batch one document at a time.
_STARTED, _BEAT = "started", "beat"


class Engine(Protocol):
    #: Largest resident set size seen per worker, in bytes (0 when unknown).
    peak_rss: dict[str, int]

    def map(self, batches: Iterable[list[Any]]) -> Iterator[list[Result]]: ...

    def close(self) -> None: ...


class WorkerStartError(RuntimeError):
    """Worker processes end before they start: the run cannot clean anything."""


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


def freeze_what_lives() -> None:
    """Leave every object alive now out of the cycle collector's full collections (``gc.freeze``).

    Called once a task has run its first batch, when the stages' models and tables are loaded: they
    live as long as the process, and each full collection walked all of their objects again (about
    0.25 ms a text dump, a sixth of the time around the stages). Objects frozen are still freed when
    nothing refers to them; a cycle among them is collected only after :func:`gc.unfreeze`.
    """
    gc.freeze()


class SerialEngine:
    """Run the task in this process (``workers=0``): for debugging and in-process timing; no hard limit.

    What lives after the first batch is frozen (:func:`freeze_what_lives`) until the engine closes,
    so the run's own process gets its collector back as it was."""

    def __init__(self, task: Any) -> None:
        self.task = task
        self.peak_rss: dict[str, int] = {}
        self._frozen = False

    def map(self, batches: Iterable[list[Any]]) -> Iterator[list[Result]]:
        for batch in batches:
            yield self.task(batch) if batch else []
            self.peak_rss["0"] = max(self.peak_rss.get("0", 0), current_rss())
            if batch and not self._frozen:
                freeze_what_lives()
                self._frozen = True

    def close(self) -> None:
        if self._frozen:
            gc.unfreeze()
            self._frozen = False


def _worker_main(conn: Any, task: Any) -> None:
    """A pool worker: say it has started, then run ``task`` on each batch the parent sends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    conn.send(_STARTED)
    frozen = False
    while True:
        message = conn.recv()
        if message is None:
            return
        results = task(message, heartbeat=lambda: conn.send(_BEAT))
        conn.send((results, current_rss()))
        if not frozen:
            freeze_what_lives()  # the worker's own process: it ends with the pool
            frozen = True


@dataclass
class _Unit:
    """A batch, or part of one, in the pool: which batch, where its items start, and the items."""

    batch: int
    start: int
    items: list[Any]


@dataclass
class _Worker:
    process: Any
    conn: Any
    unit: _Unit | None = None  # what the worker is cleaning, if anything
    started: float = 0.0  # when it started the unit, or last said it was alive
    beaten: bool = False  # whether it has said it works through its unit one document at a time
    running: bool = False  # whether it has said it started (a process that ends before cannot start)


def _start_method() -> str:
    """``fork`` where it is safe (POSIX, a single-threaded parent): workers start at once with
    the stages' modules already imported; ``spawn`` otherwise."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "spawn"


class LocalPool:
    """``workers`` processes running a task on batches, with hard time limits and crash recovery."""

    def __init__(self, workers: int, task: Any) -> None:
        self.size, self.task = max(1, workers), task
        self.context = multiprocessing.get_context(_start_method())
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

    def _limit(self, worker: _Worker) -> float | None:
        """Seconds the worker may go without news on its unit before it is stopped."""
        assert worker.unit is not None
        batch_limit, document_limit = self.task.limits(worker.unit.items)
        return hard_limit(document_limit if worker.beaten else batch_limit)

    def map(self, batches: Iterable[list[Any]]) -> Iterator[list[Result]]:
        source = iter(batches)
        results: dict[int, list[Result | None]] = {}
        remaining: dict[int, int] = {}
        queue: deque[_Unit] = deque()
        window, next_id, done_id, exhausted = self.size * WINDOW_PER_WORKER, 0, 0, False
        self.start()

        def record(unit: _Unit, unit_results: list[Result]) -> None:
            for offset, result in enumerate(unit_results):
                results[unit.batch][unit.start + offset] = result
            remaining[unit.batch] -= len(unit_results)

        while True:
            self._hand_out(queue)  # a worker that just finished starts its next unit before the parent reads on
            while not exhausted and next_id - done_id < window:
                batch = next(source, None)
                if batch is None:
                    exhausted = True
                    break
                results[next_id], remaining[next_id] = [None] * len(batch), len(batch)
                if batch:
                    queue.append(_Unit(next_id, 0, batch))
                next_id += 1
            while done_id < next_id and remaining[done_id] == 0:
                remaining.pop(done_id)
                yield results.pop(done_id)  # type: ignore[misc]
                done_id += 1
            if exhausted and done_id == next_id:
                return
            self._hand_out(queue)
            busy = [worker for worker in self.workers if worker.unit is not None]
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
                        elif message == _BEAT:
                            worker.beaten, worker.started = True, now
                        else:
                            unit_results, rss = message
                            record(worker.unit, unit_results)
                            key = str(worker.process.pid)
                            self.peak_rss[key] = max(self.peak_rss.get(key, 0), rss)
                            worker.unit = None
                            break
                except (EOFError, OSError):
                    dead = True
                if worker.unit is None:
                    continue
                limit = self._limit(worker)
                ended = dead or not worker.process.is_alive()
                if ended and not worker.running:
                    self._restart_unstarted(worker, queue)
                elif ended:
                    self._replace(worker, "worker-crashed",
                                  f"the worker process ended (exit code {worker.process.exitcode})", queue, record)
                elif limit is not None and now - worker.started > limit:
                    self._replace(worker, "timeout", f"over {limit:g} s; the worker was stopped", queue, record)

    def _hand_out(self, queue: deque[_Unit]) -> None:
        """Give each idle worker the next unit of the queue."""
        for position, worker in enumerate(self.workers):
            if worker.unit is None and queue:
                if not worker.process.is_alive():  # ended after finishing its last unit
                    worker.conn.close()
                    worker = self.workers[position] = self._spawn()
                worker.unit, worker.started, worker.beaten = queue.popleft(), time.monotonic(), False
                try:
                    worker.conn.send(worker.unit.items)
                except (OSError, ValueError):
                    pass  # found dead by map, and its unit requeued

    def _restart_unstarted(self, worker: _Worker, queue: deque[_Unit]) -> None:
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
        assert worker.unit is not None
        queue.appendleft(worker.unit)
        self.workers[self.workers.index(worker)] = self._spawn()

    def _replace(self, worker: _Worker, reason: str, detail: str, queue: deque[_Unit], record: Any) -> None:
        """Stop the worker and start another. A unit of one document is recorded as failed; a larger
        one goes back to the queue as units of one, to find the document at fault."""
        unit = worker.unit
        assert unit is not None
        worker.process.kill()
        worker.process.join()
        worker.conn.close()
        if len(unit.items) == 1:
            record(unit, [self.task.failed(unit.items[0], reason, detail)])
        else:
            queue.extendleft(reversed([_Unit(unit.batch, unit.start + offset, [item])
                                       for offset, item in enumerate(unit.items)]))
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

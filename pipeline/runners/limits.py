"""Time limits: a document that runs too long is stopped and recorded, never left to stall a run.

Each document gets ``Config.timeout`` seconds plus :data:`SECONDS_PER_MB` per
whole megabyte of its raw bytes (:func:`document_time_limit`). A batch runs
under the largest limit of its documents; when that fires, the batch is
cleaned again one document at a time, each under its own limit, so only the
slow document fails, with reason ``timeout`` and the stage that was running.

How a limit is enforced depends on where the code runs (:func:`time_limit`):
in a process's main thread by CPU-time and wall-clock timers (signals), in
another thread (a Dask task) by an asynchronous exception. Both act between
Python bytecodes; a stage stuck inside native code is stopped by the local
pool, which kills its worker :data:`HARD_TIMEOUT_GRACE` seconds later.
"""

from __future__ import annotations

import ctypes
import platform
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: A document's limit grows by this many seconds per whole megabyte of its raw bytes: a 30 MB dump
#: is not a slow small one (the chain runs at about 0.7 MB/s on text; the allowance is several times that).
SECONDS_PER_MB = 10.0
#: A limit is CPU time; a document that waits instead of computing is stopped after this many times
#: its limit in wall-clock time (and a worker that ignores that too is killed :data:`HARD_TIMEOUT_GRACE` later).
WALL_CLOCK_FACTOR = 4.0
#: Seconds past a batch's wall-clock limit after which the local pool kills a worker that did not stop.
HARD_TIMEOUT_GRACE = 5.0


class DocumentTimeout(BaseException):
    """Raised when a document or batch runs out of time (not an ``Exception``: a stage's own error
    handling must not swallow it)."""


def document_time_limit(timeout: float | None, size: int) -> float | None:
    """The time limit of a document of ``size`` raw bytes: ``timeout`` plus :data:`SECONDS_PER_MB` per whole MB."""
    return timeout + SECONDS_PER_MB * (size // 1_000_000) if timeout else None


def hard_limit(limit: float | None) -> float | None:
    """Seconds after which the pool kills a worker still on a batch whose limit is ``limit``."""
    return None if limit is None else limit * WALL_CLOCK_FACTOR + HARD_TIMEOUT_GRACE


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
    """
    if not seconds:
        yield
    elif threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        with _thread_time_limit(seconds):
            yield
    else:
        with _signal_time_limit(seconds):
            yield


@contextmanager
def _signal_time_limit(seconds: float) -> Iterator[None]:
    """:func:`time_limit` in the main thread, by timer signals.

    Either timer may fire at any bytecode, the cleanup's included, so the handler raises
    :class:`DocumentTimeout` at most once per limit: the cleanup, run again until it is done, can then
    never be cut short, and no timer or handler outlives the block (a timer left armed would stop
    some later document, or the worker's own code). A limit that fires while the cleanup runs, after
    the block has finished, is ignored: the document is done.
    """
    fired = [False]

    def on_timer(signum: int, frame: Any) -> None:
        if not fired[0]:
            fired[0] = True
            raise DocumentTimeout()

    previous: dict[int, Any] = {}
    try:
        for number in (signal.SIGPROF, signal.SIGALRM):
            previous[number] = signal.signal(number, on_timer)
        signal.setitimer(signal.ITIMER_PROF, seconds)
        signal.setitimer(signal.ITIMER_REAL, seconds * WALL_CLOCK_FACTOR)
        yield
    finally:
        while True:
            try:
                signal.setitimer(signal.ITIMER_PROF, 0)
                signal.setitimer(signal.ITIMER_REAL, 0)
                for number, handler in previous.items():
                    signal.signal(number, handler)
                break
            except DocumentTimeout:
                continue  # the one timeout of this limit, after the block: clean up again


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

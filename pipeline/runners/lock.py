"""One run per output folder: a lock that a killed run does not leave stuck.

A run holds an exclusive ``flock`` on ``<output>/.pipeline.lock`` for as long
as it writes there. A second run on the same folder stops at once with
:class:`RunLocked`, whose one-line message names the running one (its
process id, host, start time and command, which the holder writes into the
file). The kernel drops the lock when its holder ends, however it ends, so a
run killed with ``kill -9`` blocks nobody; its lock file stays behind and the
next run takes it over. A finished run removes the file.
"""

from __future__ import annotations

import datetime
import os
import socket
import sys
from pathlib import Path
from types import TracebackType

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; runs are not locked there
    fcntl = None  # type: ignore[assignment]

from pipeline.io.write import storage_error

LOCK_FILE = ".pipeline.lock"

#: Lock files this process holds. A forked worker closes its copies at once: a lock belongs to the
#: run's own process, so that it goes the moment that process ends, whatever its workers do.
_HELD: set[int] = set()


def _close_held_in_child() -> None:
    for fd in _HELD:
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_held_in_child)


class RunLocked(RuntimeError):
    """Another run is writing to the same output folder."""


def _holder_text() -> str:
    started = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    command = " ".join([os.path.basename(sys.argv[0] or "python"), *sys.argv[1:]])[:200]
    return f"pid {os.getpid()} on {socket.gethostname()}, started {started}: {command}"


class RunLock:
    """``with RunLock(output_dir):`` holds the folder's lock (see the module docstring)."""

    def __init__(self, folder: Path) -> None:
        self.path = Path(folder) / LOCK_FILE
        self.fd: int | None = None

    def acquire(self) -> None:
        if fcntl is None:
            return
        while True:
            try:
                fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
            except OSError as error:
                raise storage_error(error, self.path) from error
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                holder = os.pread(fd, 1000, 0).decode("utf-8", "replace").strip() or "a run that is starting"
                os.close(fd)
                raise RunLocked(f"{self.path.parent} is in use by another run ({holder})") from None
            # The holder before us may have removed the file between our open and our lock: then the
            # lock we hold is on a file nobody else can see, and we try again with the new one.
            try:
                same = os.fstat(fd).st_ino == os.stat(self.path).st_ino
            except FileNotFoundError:
                same = False
            if same:
                break
            os.close(fd)
        os.ftruncate(fd, 0)
        os.pwrite(fd, (_holder_text() + "\n").encode("utf-8", "replace"), 0)
        self.fd = fd
        _HELD.add(fd)

    def release(self) -> None:
        if self.fd is None:
            return
        self.path.unlink(missing_ok=True)  # while still locked: nobody can take a file on its way out
        _HELD.discard(self.fd)
        os.close(self.fd)
        self.fd = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self.release()

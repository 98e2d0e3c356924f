"""The spool: bytes a run keeps on disk until it needs them again.

Documents cleaned in phase one wait for the site index before they can be
finished, and a JSON Lines record waits for its turn in input order. Both
wait here, not in memory: each process appends to a file of its own in the
spool folder and passes on a small reference, ``(file, offset, length)``::

    >>> spool = Spool(None)          # no folder: the bytes travel themselves
    >>> Spool.read(spool.put(b"abc"))
    b'abc'

Without a folder (a remote engine's workers share no disk with the run) the
reference is the bytes themselves, and the run spools them on its own disk.
A process's file is opened on its first write, in that process, so a forked
worker never writes through its parent's handle.
"""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.document import Document
from pipeline.io.write import Rendered, process_id, storage_error
from pipeline.runners.manifest import Entry

#: A spooled item: ``(file name, offset, length)``, or the bytes themselves.
SpoolRef = tuple[str, int, int] | bytes


class Spool:
    """An append-only file per process below ``folder`` (or none: see the module docstring)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._handle: Any = None
        self._pid = 0
        self._end = 0  # where the next item goes: only this process appends to its file

    def __getstate__(self) -> dict[str, Any]:
        return {"folder": self.folder}  # a worker opens its own file

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["folder"])

    def put(self, data: bytes) -> SpoolRef:
        if self.folder is None:
            return data
        if self._handle is None or self._pid != process_id():
            self._pid = process_id()
            path = self.folder / f"spool-{self._pid}.bin"
            try:
                self.folder.mkdir(parents=True, exist_ok=True)
                self._handle = open(path, "ab")  # noqa: SIM115 - kept open for the run
                self._end = self._handle.seek(0, os.SEEK_END)
            except OSError as error:
                raise storage_error(error, path) from error
        try:
            offset = self._end if self._end >= 0 else self._handle.seek(0, os.SEEK_END)
            self._end = -1  # unknown until the write is whole (a failed one may leave part of it)
            self._handle.write(data)
            self._handle.flush()
        except OSError as error:
            raise storage_error(error, self._handle.name) from error
        self._end = offset + len(data)
        return (self._handle.name, offset, len(data))

    def put_document(self, doc: Document, line_keys: np.ndarray | None = None, entry: Entry | None = None,
                     rendered: Rendered | None = None, kept_keys: bytes | None = None) -> SpoolRef:
        """Keep a cleaned document for phase two (its outputs are made from its lines: the markup goes),
        with the site pass's key of each of its lines, if given (:meth:`SpoolReader.read_spooled`), and,
        if given, its entry as it is, its outputs unless they were written, and the keys of its kept
        lines as uint64 bytes (:class:`Waiting`)."""
        doc.html = doc.text = ""
        keys = None if line_keys is None else line_keys.astype(np.uint64).tobytes()
        document = pickle.dumps((doc, keys), protocol=pickle.HIGHEST_PROTOCOL)
        return self.put(pickle.dumps((entry, rendered, kept_keys, document), protocol=pickle.HIGHEST_PROTOCOL))

    def close(self) -> None:
        if self._handle is not None and self._pid == process_id():
            self._handle.close()
        self._handle = None

    @staticmethod
    def read(ref: SpoolRef) -> bytes:
        with SpoolReader() as reader:
            return reader.read(ref)

    @staticmethod
    def read_document(ref: SpoolRef) -> Document:
        with SpoolReader() as reader:
            return reader.read_document(ref)


@dataclass(frozen=True, slots=True)
class Waiting:
    """A document spooled for phase two (:meth:`Spool.put_document`): its manifest entry and outputs
    as they were when it was spooled (no outputs, with an entry: they were written then), the keys of
    its kept lines (uint64 bytes), and the document with the key of each of its lines, pickled. Phase
    two unpickles the document only when the site pass has something to remove from it; otherwise the
    outputs are final as they are."""

    entry: Entry | None
    rendered: Rendered | None
    kept_keys: bytes | None
    pickled: bytes

    def kept_key_array(self) -> np.ndarray:
        return np.frombuffer(self.kept_keys or b"", dtype=np.uint64)

    def document(self) -> tuple[Document, np.ndarray | None]:
        """The document, and the key of each of its lines (None when none were kept)."""
        doc, keys = pickle.loads(self.pickled)  # noqa: S301 - written by this run's own workers
        return doc, None if keys is None else np.frombuffer(keys, dtype=np.uint64)


class SpoolReader:
    """Reads spooled items, keeping each spool file it reads open until it is closed: a batch reads
    dozens of items from a file or two, and opening the file for each one cost more than reading it.
    ``pread`` reads at an offset without a file position to share."""

    def __init__(self) -> None:
        self._files: dict[str, int] = {}

    def read(self, ref: SpoolRef) -> bytes:
        if isinstance(ref, bytes):
            return ref
        name, offset, length = ref
        fd = self._files.get(name)
        if fd is None:
            fd = self._files[name] = os.open(name, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
        return os.pread(fd, length, offset)

    def read_waiting(self, ref: SpoolRef) -> Waiting:
        """What :meth:`Spool.put_document` kept, the document itself still pickled."""
        return Waiting(*pickle.loads(self.read(ref)))  # noqa: S301 - written by this run's own workers

    def read_spooled(self, ref: SpoolRef) -> tuple[Document, np.ndarray | None]:
        """A document :meth:`Spool.put_document` kept, and its line keys (None when none were kept)."""
        return self.read_waiting(ref).document()

    def read_document(self, ref: SpoolRef) -> Document:
        return self.read_spooled(ref)[0]

    def close(self) -> None:
        for fd in self._files.values():
            os.close(fd)
        self._files.clear()

    def __enter__(self) -> SpoolReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

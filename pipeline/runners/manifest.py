"""Incremental runs: what an output folder already holds, and what a re-run may skip.

The output folder keeps a manifest, ``_manifest.jsonl``: a header line with
the configuration fingerprint (which includes the pipeline version) and the
output format, then one line per document, sorted by output stem::

    {"config": "3f2a...", "format": "files", "manifest": 1, "pipeline_version": "0.1.0"}
    {"failure": null, "outcome": "ok", "removed": {"navigation": 3}, "sha256": "9c1e...", "source": "news/a.html", "stem": "news/a"}

A re-run skips a document when its output stem, source, raw sha256,
configuration and format are all unchanged, its sidecar (or JSONL record) is
still there, its last outcome was a verdict on its content and not a fault of
the run (a timeout or a crashed worker is tried again: see
:data:`pipeline.document.RETRIED_REASONS`), and no document of its site (the
site pass's unit) was added, changed or removed; the manifest line carries what the run summary needs, so
``_run.json`` comes out the same as after a full run. Outputs whose input is
gone are removed at the end of the run.

Crash safety. Every output file is written to a temporary name and renamed
into place, so no output is ever half written. While a run goes on, finished
documents are appended to a journal (``.manifest-journal.jsonl``) at
checkpoints, *after* the file system has been synced, so the journal never
names an output that a crash could lose. A killed run leaves the journal (and
perhaps some ``.*.tmp`` files, which the next run deletes); the next run reads
the journal, skips what was finished, and does the rest. A finished run writes
the manifest in one rename and deletes the journal.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from pathlib import Path

from typing import Any

from pipeline.document import RETRIED_REASONS, Document, removal_counts
from pipeline.io.write import json_text, json_value, output_paths, storage_error, write_atomic

MANIFEST = "_manifest.jsonl"
JOURNAL = ".manifest-journal.jsonl"
#: Version of the manifest's own layout; a manifest of another layout is ignored.
MANIFEST_LAYOUT = 1
#: Seconds between journal checkpoints (each one syncs the file system first):
#: a killed run loses at most this much finished work.
CHECKPOINT_SECONDS = 20.0
#: ... or every this many finished documents, whichever comes first: the lines waiting for a checkpoint
#: are held in memory (about 25 MB of them), and a fast run finishes 300,000 documents in 20 s.
CHECKPOINT_ENTRIES = 100_000
#: Temporary files of :func:`pipeline.io.write.write_atomic`, left behind only by a killed run.
_TEMPORARY = re.compile(r"^\..+\.tmp$")


@dataclass(slots=True)
class Entry:
    """What the manifest remembers of one document's run."""

    stem: str
    source: str
    sha256: str
    outcome: str
    failure: dict[str, str] | None = None
    removed: dict[str, int] = field(default_factory=dict)
    #: ``[offset, length]`` of the document's record in a JSONL output, else ``None``.
    record: list[int] | None = None
    #: The document's site for the cross-document pass (:func:`pipeline.sitewide.site_key`), if it has a body.
    site: str = ""

    @classmethod
    def of(cls, doc: Document, site: str = "") -> Entry:
        return cls(doc.output or doc.id, doc.source, doc.sha256, doc.outcome,
                   doc.failure.as_dict() if doc.failure else None, removal_counts(doc.lines), site=site)

    def __reduce__(self) -> tuple:
        # Pickled by field order: the dataclass default looks the fields up for every object it loads.
        return (Entry, tuple(getattr(self, name) for name in _ENTRY_FIELDS))

    @property
    def retried(self) -> bool:
        """Whether the document failed by a fault of the run (a limit, a crash): the next run tries again."""
        return bool(self.failure) and self.failure.get("reason") in RETRIED_REASONS

    def line(self) -> str:
        # A shallow dict: asdict's deep copy cost the parent process more than writing the line.
        return json_text({name: getattr(self, name) for name in _ENTRY_FIELDS}, floats=False) + "\n"


_ENTRY_FIELDS = tuple(item.name for item in fields(Entry))


def manifest_header(fingerprint: str, output_format: str, version: str) -> dict[str, Any]:
    return {"config": fingerprint, "format": output_format, "manifest": MANIFEST_LAYOUT, "pipeline_version": version}


def read_entries(path: Path) -> tuple[dict[str, Any] | None, Iterator[Entry]]:
    """The header and entries of a manifest or journal, read a line at a time; a torn last line
    (a killed write) and lines of another layout are ignored."""
    try:
        handle = path.open(encoding="utf-8", errors="replace")
    except OSError:
        return None, iter(())
    try:
        header = json.loads(handle.readline())
    except ValueError:
        header = None
    if not isinstance(header, dict):
        handle.close()
        return None, iter(())

    def entries() -> Iterator[Entry]:
        with handle:
            for line in handle:
                try:
                    yield Entry(**json_value(line))
                except (ValueError, TypeError):
                    continue

    return header, entries()


class Journal:
    """The entries of finished documents, appended at checkpoints so a killed run can resume.

    :meth:`add` collects entry lines; every :data:`CHECKPOINT_SECONDS`, every
    :data:`CHECKPOINT_ENTRIES` (so the parent's memory stays flat however fast documents come) and
    at :meth:`checkpoint`, the file system is synced first and the lines are appended after, so the
    journal never names an output that a crash could lose. Only the ``files`` layout resumes (a
    JSONL output is one file renamed into place at the end), so only it keeps a journal.
    """

    def __init__(self, root: Path, header: dict[str, Any]) -> None:
        self.path, self.header = root / JOURNAL, header
        self.keeps = header["format"] == "files"
        self._pending: list[str] = []
        self._last = time.monotonic()

    def add(self, line: str) -> None:
        """Note a finished document by its manifest line (:meth:`Entry.line`)."""
        if not self.keeps:
            return
        self._pending.append(line)
        if len(self._pending) >= CHECKPOINT_ENTRIES or time.monotonic() - self._last >= CHECKPOINT_SECONDS:
            self.checkpoint()

    def checkpoint(self) -> None:
        self._last = time.monotonic()
        if not self._pending:
            return
        os.sync()
        fresh = not self.path.exists()
        try:
            with self.path.open("a", encoding="utf-8", newline="\n") as handle:
                if fresh:
                    handle.write(json.dumps(self.header, sort_keys=True) + "\n")
                handle.writelines(self._pending)
        except OSError as error:
            raise storage_error(error, self.path) from error
        self._pending.clear()

    def discard(self) -> None:
        """Drop the journal once the manifest holds everything."""
        self._pending.clear()
        self.path.unlink(missing_ok=True)


def write_manifest(root: Path, header: dict[str, Any], lines: Iterable[str]) -> None:
    """Write the manifest (sorted entry lines after the header) in one atomic rename, after a sync."""
    os.sync()
    write_atomic(root / MANIFEST, itertools.chain([json.dumps(header, sort_keys=True) + "\n"], lines))


def remove_outputs(root: Path, stems: Iterable[str]) -> None:
    """Delete the body and sidecar of each stem (in the order given), and folders this leaves empty."""
    root_resolved = root.resolve()
    for stem in stems:
        paths = output_paths(root, stem)
        for path in paths:
            try:
                path.unlink(missing_ok=True)
            except OSError as error:
                raise storage_error(error, path) from error
        folder = paths[0].parent
        while folder.resolve() != root_resolved and root_resolved in folder.resolve().parents:
            try:
                folder.rmdir()
            except OSError:
                break
            folder = folder.parent


def sweep_temporary_files(root: Path) -> int:
    """Delete temporary files a killed run left below ``root``; returns how many."""
    removed = 0
    if not root.is_dir():
        return removed
    for folder, _dirs, names in os.walk(root):
        for name in names:
            if _TEMPORARY.match(name):
                Path(folder, name).unlink(missing_ok=True)
                removed += 1
    return removed

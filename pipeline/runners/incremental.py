"""Incremental runs: what an output folder already holds, and what a re-run may skip.

The output folder keeps a manifest, ``_manifest.jsonl``: a header line with
the configuration fingerprint (which includes the pipeline version) and the
output format, then one line per document, sorted by output stem::

    {"config": "3f2a...", "format": "files", "manifest": 1, "pipeline_version": "0.1.0"}
    {"failure": null, "outcome": "ok", "removed": {"navigation": 3}, "sha256": "9c1e...", "source": "news/a.html", "stem": "news/a"}

A re-run skips a document when its output stem, source, raw sha256,
configuration and format are all unchanged and its sidecar (or JSONL record) is
still there, and no document of its site (the site pass's unit) was added,
changed or removed; the manifest line carries what the run summary needs, so
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

import json
import os
import re
import time
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from pipeline.document import Document
from pipeline.stages.write import json_text, output_paths, safe_stem, write_atomic

MANIFEST = "_manifest.jsonl"
JOURNAL = ".manifest-journal.jsonl"
#: Version of the manifest's own layout; a manifest of another layout is ignored.
MANIFEST_LAYOUT = 1
#: Seconds between journal checkpoints (each one syncs the file system first):
#: a killed run loses at most this much finished work.
CHECKPOINT_SECONDS = 20.0
#: Temporary files of :func:`pipeline.stages.write.write_atomic`, left behind only by a killed run.
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
        removed: dict[str, int] = {}
        for line in doc.removed_lines():
            removed[line.reason] = removed.get(line.reason, 0) + 1
        return cls(doc.output or doc.id, doc.source, doc.sha256, doc.outcome,
                   doc.failure.as_dict() if doc.failure else None, dict(sorted(removed.items())), site=site)

    def line(self) -> str:
        # A shallow dict: asdict's deep copy cost the parent process more than writing the line.
        return json_text({name: getattr(self, name) for name in _ENTRY_FIELDS}) + "\n"


_ENTRY_FIELDS = tuple(item.name for item in fields(Entry))


def _header(fingerprint: str, output_format: str, version: str) -> dict[str, Any]:
    return {"config": fingerprint, "format": output_format, "manifest": MANIFEST_LAYOUT, "pipeline_version": version}


def _read_jsonl(path: Path) -> tuple[dict[str, Any] | None, list[Entry]]:
    """The header and entries of a manifest or journal; a torn last line (a killed write) is ignored."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None, []
    header, entries = None, []
    for number, line in enumerate(text.splitlines()):
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if number == 0:
            header = data if isinstance(data, dict) else None
            continue
        try:
            entries.append(Entry(**data))
        except TypeError:
            continue
    return header, entries


class Manifest:
    """The previous run's entries (to skip), and this run's (to write)."""

    def __init__(self, root: Path, fingerprint: str, output_format: str, version: str) -> None:
        self.root, self.header = Path(root), _header(fingerprint, output_format, version)
        #: Entries a document may be skipped against (same configuration and format).
        self.reusable: dict[str, Entry] = {}
        #: Every stem some earlier run wrote, whatever its configuration: candidates for removal.
        self.previous_stems: set[str] = set()
        #: The site each earlier document belonged to (a changed or removed document makes its old site dirty).
        self.previous_sites: dict[str, str] = {}
        self.previous_format = output_format
        self.current: dict[str, Entry] = {}
        self._pending: list[Entry] = []
        self._last_checkpoint = time.monotonic()
        for path in (root / MANIFEST, root / JOURNAL):
            header, entries = _read_jsonl(path)
            if header is None:
                continue
            self.previous_stems.update(entry.stem for entry in entries)
            self.previous_sites.update((entry.stem, entry.site) for entry in entries if entry.site)
            if path.name == MANIFEST:
                self.previous_format = header.get("format", output_format)
            if header == self.header:
                self.reusable.update((entry.stem, entry) for entry in entries)

    def unchanged(self, doc: Document) -> Entry | None:
        """The previous entry of ``doc`` if its output is current, else ``None``."""
        entry = self.reusable.get(doc.output or doc.id)
        if entry is None or entry.sha256 != doc.sha256 or entry.source != doc.source or not doc.sha256:
            return None
        if self.header["format"] == "files":
            return entry if output_paths(self.root, entry.stem)[1].is_file() else None
        return entry if entry.record is not None else None

    def add(self, entry: Entry) -> None:
        """Record a finished document (its outputs are in place)."""
        self.current[entry.stem] = entry
        self._pending.append(entry)
        if time.monotonic() - self._last_checkpoint >= CHECKPOINT_SECONDS:
            self.checkpoint()

    def checkpoint(self) -> None:
        """Make finished outputs durable, then name them in the journal."""
        self._last_checkpoint = time.monotonic()
        if self.header["format"] != "files":
            self._pending.clear()  # a JSONL output is one file, renamed into place at the end: nothing to resume from
            return
        if not self._pending:
            return
        os.sync()
        journal = self.root / JOURNAL
        fresh = not journal.exists()
        with journal.open("a", encoding="utf-8", newline="\n") as handle:
            if fresh:
                handle.write(json.dumps(self.header, sort_keys=True) + "\n")
            handle.writelines(entry.line() for entry in self._pending)
        self._pending.clear()

    def stale_stems(self) -> set[str]:
        """Stems an earlier run wrote that no document of this run has (their input is gone)."""
        if self.previous_format != self.header["format"]:
            return set(self.previous_stems)
        return self.previous_stems - set(self.current)

    def finish(self) -> None:
        """Remove outputs whose input is gone, write the manifest, drop the journal."""
        if self.previous_format == "files":
            remove_outputs(self.root, self.stale_stems())
        os.sync()
        lines = [json.dumps(self.header, sort_keys=True) + "\n"]
        lines.extend(self.current[stem].line() for stem in sorted(self.current))
        write_atomic(self.root / MANIFEST, "".join(lines))
        (self.root / JOURNAL).unlink(missing_ok=True)
        self._pending.clear()


def remove_outputs(root: Path, stems: Iterable[str]) -> None:
    """Delete the body and sidecar of each stem, and folders this leaves empty."""
    root_resolved = root.resolve()
    for stem in sorted(stems):
        for path in output_paths(root, stem):
            path.unlink(missing_ok=True)
        folder = root.joinpath(*safe_stem(stem).parts).parent
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

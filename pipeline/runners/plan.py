"""The run plan: what a run of an output folder cleans, the order it keeps, and its commit.

A run goes through its input once in sorted order (phase one), cleaning what
changed and skipping what is current; documents waiting for the site pass are
finished in a second phase once every site is indexed; then the run commits.
This module keeps the books of that, all on disk, so the run's own memory
stays flat however many documents it holds (a million documents take the
same few tens of megabytes as a thousand):

- **the previous run**: its manifest and, after a killed run, its journal
  (:mod:`pipeline.runners.manifest`), loaded into a table keyed by output
  stem, so each document's "unchanged?" is one lookup;
- **the ledger**: one row per document in input order, with its state:
  ``SKIP`` (its outputs are current), ``DONE`` (finished in phase one) or
  ``WAIT`` (spooled for phase two), its site and its entry;
- **this run's entries**, from which the manifest is written sorted by stem,
  and its failures, from which ``_run.json`` lists them sorted by source.

These tables live in a SQLite file in the run's hidden work folder
(:data:`WORK_DIR`, removed when the run ends). What the plan decides:

- a document is skipped when its previous entry is reusable
  (:meth:`RunPlan.unchanged`) and no document of its site changed; a site is
  *dirty* when a document of it was cleaned, or was there before and is now
  changed or gone; skipped documents of dirty sites are cleaned again
  (:meth:`RunPlan.redo_files`), since the site pass makes a document's output
  depend on its site's other documents;
- the commit (:meth:`RunPlan.commit`): a JSONL output renamed into place, the
  outputs of inputs that are gone removed, the manifest written in one
  rename, the journal dropped, ``_run.json`` written. A run that stops early
  (:meth:`RunPlan.abort`) writes the journal instead, so the next run skips
  what was finished and does the rest.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from typing import Any

from pipeline.config import Config
from pipeline.document import Document
from pipeline.io.files import NotRead
from pipeline.io.write import JSONL_OUTPUT, JsonlOutput, Sink, StorageError, json_value, output_paths, storage_error
from pipeline.runners.manifest import (JOURNAL, MANIFEST, Entry, Journal, manifest_header, read_entries,
                                       remove_outputs, sweep_temporary_files, write_manifest)
from pipeline.runners.result import Result
from pipeline.runners.spool import Spool, SpoolRef
from pipeline.runners.summary import RUN_SUMMARY, RunSummary, write_run_summary
from pipeline.sitewide import SiteCounts
from pipeline.version import __version__

#: Hidden folder below the output where a run keeps its work: the state, the spool, the site counts.
WORK_DIR = ".pipeline-run"
#: Ledger states of a document (see the module docstring).
SKIP, DONE, WAIT = 0, 1, 2
#: Rows read from the ledger at a time in phase two.
LEDGER_PAGE = 2048

_SCHEMA = """
CREATE TABLE previous (stem BLOB PRIMARY KEY, entry TEXT, site BLOB, reusable INTEGER, seen INTEGER DEFAULT 0);
CREATE TABLE ledger (seq INTEGER PRIMARY KEY, stem BLOB UNIQUE, rel BLOB, state INTEGER, site BLOB, entry TEXT,
                     ref TEXT, redo INTEGER DEFAULT 0, kept BLOB);
CREATE INDEX ledger_site ON ledger (site) WHERE state = 0;
CREATE TABLE current (stem BLOB PRIMARY KEY, line TEXT);
CREATE TABLE failures (source BLOB, reason BLOB, failure TEXT);
CREATE TABLE redo_files (rel BLOB PRIMARY KEY);
"""


def _key(text: str) -> bytes:
    """A name as SQLite compares it: its UTF-8 bytes sort as Python sorts the string (lone
    surrogates of a file name that is not UTF-8 included, through ``surrogatepass``)."""
    return text.encode("utf-8", "surrogatepass")


def _ref_text(ref: SpoolRef | None) -> str | None:
    """A spool reference as the ledger keeps it: ``offset,length,file``."""
    if ref is None:
        return None
    name, offset, length = ref  # type: ignore[misc]
    return f"{offset},{length},{name}"


def _ref(text: str | None) -> SpoolRef | None:
    if text is None:
        return None
    offset, length, name = text.split(",", 2)
    return (name, int(offset), int(length))


@dataclass(frozen=True, slots=True)
class Skipped:
    """A document of the input whose outputs are current: its previous entry."""

    rel: str
    entry: Entry


@dataclass(frozen=True, slots=True)
class Cleaned:
    """A document of the input sent to be cleaned, the site its previous run gave it, and whether a
    previous run left an entry for it (see :class:`~pipeline.runners.tasks.ToClean`)."""

    rel: str
    stem: str
    previous_site: str
    has_previous: bool = False


@dataclass(frozen=True, slots=True)
class Row:
    """One ledger row, in input order: its entry (``line``, the manifest line, parsed as ``entry`` but for
    a WAIT row) and spool reference; a WAIT row's site and, when its outputs are written, the keys of its
    kept lines (``kept``: the run settles it without phase two's task when the site pass removes none)."""

    seq: int
    state: int
    entry: Entry | None  # None for a WAIT row: phase two's result brings it
    ref: SpoolRef | None
    line: str = ""
    site: str = ""
    kept: bytes | None = None

    def settled(self) -> Row:
        """This WAIT row as finished in phase one: its outputs written are final."""
        return Row(self.seq, DONE, Entry(**json_value(self.line)), None, self.line)


class RunState:
    """The plan's tables in one SQLite file (see the module docstring); a scratch file, never synced."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path, isolation_level=None)
        for pragma in ("journal_mode = OFF", "synchronous = OFF", "temp_store = FILE", "cache_size = -16384"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.executescript(_SCHEMA)
        self.db.execute("BEGIN")

    def close(self) -> None:
        self.db.close()


class RunPlan:
    """The books of one run of ``output_dir`` (see the module docstring)."""

    def __init__(self, output_dir: Path, config: Config, sink: Sink, remote: bool) -> None:
        self.root, self.config, self.sink = output_dir, config, sink
        self.header = manifest_header(config.fingerprint(), config.output_format, __version__)
        sweep_temporary_files(output_dir)
        self.work = output_dir / WORK_DIR
        shutil.rmtree(self.work, ignore_errors=True)
        try:
            self.work.mkdir(parents=True)
            self.state = RunState(self.work / "state.sqlite")
        except (OSError, sqlite3.Error) as error:
            shutil.rmtree(self.work, ignore_errors=True)
            raise StorageError(f"cannot write {self.work}: {error}") from error
        #: Where documents wait for phase two (a remote engine's, sent back as bytes, too).
        self.spool = Spool(self.work / "spool")
        #: Where the local workers spool (None: a remote engine's workers send the bytes back).
        self.worker_spool = Spool(None) if remote else self.spool
        self.counts = SiteCounts(self.work / "site-pairs")
        self.dirty: set[str] = set()
        self.summary = RunSummary()
        self.journal = Journal(output_dir, self.header)
        self.previous_format = config.output_format
        self._load_previous()
        self.jsonl = JsonlOutput(output_dir) if config.output_format == "jsonl" else None

    # ------------------------------------------------------------------ the previous run

    def _load_previous(self) -> None:
        insert = ("INSERT OR REPLACE INTO previous (stem, entry, site, reusable) VALUES (?, ?, ?, ?)")
        for path in (self.root / MANIFEST, self.root / JOURNAL):
            header, entries = read_entries(path)
            if header is None:
                continue
            if path.name == MANIFEST:
                self.previous_format = header.get("format", self.config.output_format)
            reusable = int(header == self.header)
            self.state.db.executemany(insert, ((_key(e.stem), e.line(), _key(e.site), reusable) for e in entries))
        #: Whether the folder held a previous run's entries (a first run looks none up).
        self.has_previous = self.state.db.execute("SELECT 1 FROM previous LIMIT 1").fetchone() is not None

    def _previous(self, stem: str) -> tuple[Entry | None, bool]:
        if not self.has_previous:
            return None, False
        row = self.state.db.execute("SELECT entry, reusable FROM previous WHERE stem = ?", (_key(stem),)).fetchone()
        return (None, False) if row is None else (Entry(**json_value(row[0])), bool(row[1]))

    def unchanged(self, rel: str, doc: Document) -> Skipped | Cleaned:
        """Whether ``doc`` can be skipped: its previous entry is reusable (same configuration and
        format, same source and raw bytes, a verdict rather than a fault) and its outputs are there."""
        stem = doc.output or doc.id
        entry, reusable = self._previous(stem)
        if entry is None:
            return Cleaned(rel, stem, "")
        if reusable and doc.sha256 and entry.sha256 == doc.sha256 and entry.source == doc.source \
                and not entry.retried and self._outputs_exist(entry):
            return Skipped(rel, entry)
        return Cleaned(rel, stem, entry.site, has_previous=True)

    def _outputs_exist(self, entry: Entry) -> bool:
        if self.config.output_format == "files":
            return output_paths(self.root, entry.stem)[1].is_file()
        return self.jsonl is not None and self.jsonl.has_previous(entry.record)

    # ------------------------------------------------------------------ phase one

    def add_not_read(self, item: NotRead) -> None:
        self.summary.not_read.append(item)

    def record(self, items: list[Skipped | Cleaned], results: list[Result], redo: bool = False) -> None:
        """Put a batch's documents in the ledger in input order: the skipped ones as they are, the
        cleaned ones with their results (``redo``: the rows of re-cleaned skipped documents are updated)."""
        cleaned = iter(results)
        rows = []
        for item in items:
            if isinstance(item, Skipped):
                rows.append((_key(item.entry.stem), _key(item.rel), SKIP, _key(item.entry.site), item.entry.line(),
                             None, None))
                continue
            result = next(cleaned)
            if result.storage_error:
                raise StorageError(result.storage_error)
            state, ref = self._after_phase_one(result)
            if item.previous_site:
                self.dirty.add(item.previous_site)
            rows.append((_key(result.entry.stem), _key(item.rel), state, _key(result.entry.site), result.entry.line(),
                         _ref_text(ref), result.kept if state == WAIT else None))
        if redo:
            self.state.db.executemany("UPDATE ledger SET state = ?, site = ?, entry = ?, ref = ?, kept = ? WHERE stem = ?",
                                      ((state, site, entry, ref, kept, stem)
                                       for stem, _, state, site, entry, ref, kept in rows))
        else:
            self.state.db.executemany("INSERT INTO ledger (stem, rel, state, site, entry, ref, kept)"
                                      " VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            if self.has_previous:
                self.state.db.executemany("UPDATE previous SET seen = 1 WHERE stem = ?", ((row[0],) for row in rows))

    def _after_phase_one(self, result: Result) -> tuple[int, SpoolRef | None]:
        """What a cleaned document's result leaves to do: its state in the ledger, and what is spooled."""
        if result.keys is not None:
            self.counts.add(result.entry.site, result.keys)
            self.dirty.add(result.entry.site)
            spooled = result.spool
            return WAIT, self.spool.put(spooled) if isinstance(spooled, bytes) else spooled
        rendered = result.rendered
        if rendered is None:
            return DONE, None  # its worker wrote the files
        if rendered.record:
            return DONE, self.spool.put(rendered.record.encode("utf-8"))  # appended in its turn
        self.sink.write(rendered)  # a remote engine's files
        return DONE, None

    def redo_files(self) -> bool:
        """Mark the skipped documents of dirty sites to be cleaned again; whether there are any."""
        db = self.state.db
        sites = self.dirty | {site.decode("utf-8", "surrogatepass") for (site,) in db.execute(
            "SELECT DISTINCT site FROM previous WHERE seen = 0 AND site != x''")}
        db.execute("CREATE TEMP TABLE dirty (site BLOB PRIMARY KEY)")
        db.executemany("INSERT OR IGNORE INTO dirty VALUES (?)", ((_key(site),) for site in sites))
        db.execute(f"UPDATE ledger SET redo = 1 WHERE state = {SKIP} AND site IN (SELECT site FROM dirty)")
        db.execute("INSERT OR IGNORE INTO redo_files SELECT rel FROM ledger WHERE redo = 1")
        return db.execute("SELECT 1 FROM redo_files LIMIT 1").fetchone() is not None

    def is_redo_file(self, rel: str) -> bool:
        return self.state.db.execute("SELECT 1 FROM redo_files WHERE rel = ?", (_key(rel),)).fetchone() is not None

    def is_redo(self, doc: Document) -> bool:
        found = self.state.db.execute("SELECT redo FROM ledger WHERE stem = ?", (_key(doc.output or doc.id),)).fetchone()
        return bool(found and found[0])

    # ------------------------------------------------------------------ phase two and the commit

    def ledger(self) -> Iterator[Row]:
        """Every document's row, in input order."""
        last = 0
        while True:
            page = self.state.db.execute("SELECT seq, state, entry, ref, site, kept FROM ledger WHERE seq > ?"
                                         " ORDER BY seq LIMIT ?", (last, LEDGER_PAGE)).fetchall()
            if not page:
                return
            for seq, state, entry, ref, site, kept in page:  # a waiting row's entry comes with its result
                if state != WAIT:
                    yield Row(seq, state, Entry(**json_value(entry)), _ref(ref), entry)
                else:
                    yield Row(seq, state, None, _ref(ref), entry, site.decode("utf-8", "surrogatepass"), kept)
            last = page[-1][0]

    def store(self, rows: list[Row], results: list[Result]) -> None:
        """Finish a page of rows in input order: ``results`` are phase two's, one per ``WAIT`` row."""
        finished = iter(results)
        current = []
        for row in rows:
            entry, line = row.entry, row.line  # the manifest line, while the entry is as the ledger holds it
            if row.state == SKIP:
                self.summary.unchanged += 1
                if self.jsonl is not None:
                    entry.record, line = self.jsonl.copy_previous(entry.record), ""
            elif row.state == DONE:
                if self.jsonl is not None and row.ref is not None:
                    entry.record, line = self.jsonl.append_bytes(Spool.read(row.ref)), ""
            else:
                result = next(finished)
                if result.storage_error:
                    raise StorageError(result.storage_error)
                entry, line = result.entry, ""
                if result.rendered is not None and result.rendered.record and self.jsonl is not None:
                    entry.record = self.jsonl.append(result.rendered.record)
                elif result.rendered is not None:
                    self.sink.write(result.rendered)
            current.append(self._add(entry, line or entry.line()))
        self.state.db.executemany("INSERT OR REPLACE INTO current VALUES (?, ?)", current)

    def _add(self, entry: Entry, line: str) -> tuple[bytes, str]:
        """Count a finished document and journal its manifest ``line``; its row of the ``current`` table."""
        self.summary.add_entry(entry)
        self.journal.add(line)
        if entry.failure:
            self.state.db.execute("INSERT INTO failures VALUES (?, ?, ?)", (
                _key(entry.source), _key(entry.failure["reason"]), json.dumps({"source": entry.source, **entry.failure})))
        return _key(entry.stem), line

    def _lines(self, query: str) -> Iterator[Any]:
        for (value,) in self.state.db.execute(query):
            yield value

    def commit(self) -> RunSummary:
        """Make the run's outputs the folder's (see the module docstring); returns the summary."""
        if self.jsonl is not None:
            self.jsonl.commit()
            self.jsonl = None
        elif (self.root / JSONL_OUTPUT).exists() and self.previous_format == "jsonl":
            (self.root / JSONL_OUTPUT).unlink()
        if self.previous_format == "files":
            other_layout = self.previous_format != self.config.output_format
            stale = self._lines("SELECT stem FROM previous" + ("" if other_layout else
                                " WHERE stem NOT IN (SELECT stem FROM current)") + " ORDER BY stem")
            remove_outputs(self.root, (stem.decode("utf-8", "surrogatepass") for stem in stale))
        write_manifest(self.root, self.header, self._lines("SELECT line FROM current ORDER BY stem"))
        self.journal.discard()
        failures = (json.loads(text) for text in self._lines("SELECT failure FROM failures ORDER BY source, reason, rowid"))
        write_run_summary(self.root / RUN_SUMMARY, self.summary, self.config, failures)
        return self.summary

    def abort(self) -> None:
        """After a run that stopped early: drop the half JSONL file, journal what was finished."""
        if self.jsonl is not None:
            self.jsonl.abort()
            self.jsonl = None
        try:
            self.journal.checkpoint()
        except OSError:
            pass  # the disk that stopped the run may not take the journal either: the next run redoes more

    def close(self) -> None:
        """Let the work folder go (spool, counts, state): whatever happened, nothing of it is kept."""
        self.spool.close()
        self.state.close()
        shutil.rmtree(self.work, ignore_errors=True)


def check_folders(input_dir: Path, output_dir: Path) -> None:
    """Refuse to write into the input: ``raw/`` is never modified."""
    source, target = input_dir.resolve(), output_dir.resolve()
    if not source.is_dir():
        raise NotADirectoryError(f"input folder not found: {input_dir}")
    if target == source or source in target.parents:
        raise ValueError(f"the output folder {output_dir} must not be inside the input folder {input_dir}")


def make_output_folder(output_dir: Path) -> None:
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise storage_error(error, output_dir) from error


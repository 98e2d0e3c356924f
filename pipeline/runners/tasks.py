"""What a worker runs: phase one (the stages) and phase two (the site pass and the outputs), per batch.

Both are frozen, picklable callables of ``(items, heartbeat=None) -> [Result]``,
so every engine runs them the same way: the local pool in forked or spawned
processes, Dask in its workers, the serial engine in the run's own process.

:class:`CleanTask` runs the stages over a batch of documents within the
batch's time limit (:func:`clean_batch`), then, per document, either makes
its outputs (no site pass, or no body) or returns its site line keys and
spools it for phase two, with its outputs made as if the site pass removes
nothing (written, when the worker writes and no previous run left an entry for the
document: :class:`ToClean`). :class:`FinishTask` takes spooled
documents and applies the finished site index; only a document it removes lines
from has its outputs made again. A worker writes files itself
when it shares the run's disk (``write_here``); otherwise the outputs travel
back rendered.
"""

from __future__ import annotations

import functools
import math
import pickle
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from pipeline.chain import Cursor, run_alone, run_batch
from pipeline.document import Document
from pipeline.io.write import Rendered, Sink, StorageError
from pipeline.runners.limits import DocumentTimeout, document_time_limit, time_limit
from pipeline.runners.manifest import Entry
from pipeline.runners.result import Result
from pipeline.runners.spool import Spool, SpoolReader, SpoolRef
from pipeline.sitewide import STAGE as SITE_STAGE
from pipeline.sitewide import SiteIndex, SitePass, kept_line_keys
from pipeline.stages import Stage, prepare

#: A batch may take the largest time limit of its documents once for every this many documents it
#: holds (and at least once): a healthy batch of 64 pages takes about 2 s of the 5 x 60 s it gets.
DOCUMENTS_PER_LIMIT = 16

Heartbeat = Callable[[], None]


def _no_heartbeat() -> None:
    pass


def failed_copy(doc: Document, stage: str, reason: str, detail: str) -> Document:
    """A fresh failed document with ``doc``'s identity (what half-run stages left is dropped)."""
    failed = Document(id=doc.id, source=doc.source, output=doc.output, sha256=doc.sha256, format=doc.format)
    failed.fail(stage, reason, detail)
    return failed


def batch_time_limit(limits: Sequence[float | None]) -> float | None:
    """The time limit of a batch whose documents have these limits (see :data:`DOCUMENTS_PER_LIMIT`)."""
    known = [limit for limit in limits if limit]
    if not known:
        return None
    return max(known) * max(1, math.ceil(len(limits) / DOCUMENTS_PER_LIMIT))


def clean_batch(docs: Sequence[Document], stages: Sequence[Stage], timeout: float | None,
                heartbeat: Heartbeat = _no_heartbeat) -> list[Document]:
    """The stages over a batch within its time limit; never raises for a document's fault.

    When the batch runs out of time, it is cleaned again one document at a time from copies, each
    within its own limit, so only the slow document fails (reason ``timeout``, with the stage that
    was running); ``heartbeat`` is called as each one finishes, so the pool knows the worker lives.
    """
    prepare(stages)  # models and tables load outside the documents' limits
    limits = [document_time_limit(timeout, len(doc.raw)) for doc in docs]
    limit = batch_time_limit(limits)
    originals = [doc.copy() for doc in docs] if len(docs) > 1 else []
    cursor = Cursor()
    try:
        with time_limit(limit):
            return run_batch(docs, stages, cursor, originals)
    except DocumentTimeout:
        if not originals:
            return [failed_copy(docs[0], cursor.stage, "timeout", f"over {limit:g} s")]
    heartbeat()
    cleaned = []
    for doc, own in zip(originals, limits):
        try:
            with time_limit(own):
                cleaned.append(run_alone(doc, stages, cursor))
        except DocumentTimeout:
            cleaned.append(failed_copy(doc, cursor.stage, "timeout", f"over {own:g} s"))
        heartbeat()
    return cleaned


@dataclass(frozen=True)
class Outputs:
    """How a worker finishes a document: render it, and write it here or hand it back."""

    sink: Sink
    write_here: bool

    def finish(self, doc: Document, site: str = "") -> Result:
        return self.deliver(Entry.of(doc, site), self.sink.render(doc))

    def deliver(self, entry: Entry, rendered: Rendered) -> Result:
        """A document's result from its entry and outputs: written here, or handed back."""
        if not self.write_here or self.sink.output_format != "files":
            return Result(entry, rendered)
        try:
            self.sink.write(rendered)
        except StorageError as error:
            return Result(entry, storage_error=str(error))
        return Result(entry)


class ToClean(NamedTuple):
    """A document for phase one, and whether its outputs may be written before the site pass is applied
    to it (``early``).

    Only a document no previous run left an entry for may: if the run stops before phase two, the next
    run has no entry to skip it by and cleans it again. A document with an entry (changed, whose outputs
    went missing, or of a site that changed) keeps its outputs with it until phase two: the next run
    could otherwise take outputs without the site pass for its previous run's.
    """

    doc: Document
    early: bool = True


@dataclass(frozen=True)
class CleanTask:
    """Phase one, per batch: the stages, then the outputs, or the site keys and a spooled copy."""

    stages: tuple[Stage, ...]
    timeout: float | None
    outputs: Outputs
    site_pass: SitePass | None = None
    spool: Spool | None = None

    def __call__(self, items: list[ToClean], heartbeat: Heartbeat = _no_heartbeat) -> list[Result]:
        docs = clean_batch([item.doc for item in items], self.stages, self.timeout, heartbeat)
        return [self._after_stages(doc, item.early) for doc, item in zip(docs, items)]

    def _after_stages(self, doc: Document, early: bool) -> Result:
        if self.site_pass is None or doc.failure is not None:
            return self.outputs.finish(doc)
        site, keys, column = self.site_pass.index_lines(doc)
        # The outputs are made now, as if the site pass removes nothing: for most documents it does not,
        # and phase two leaves them as they are (see FinishTask). Written here (``early``), or kept with
        # the document.
        entry = Entry.of(doc, site)
        rendered: Rendered | None = self.outputs.sink.render(doc)
        if early:
            delivered = self.outputs.deliver(entry, rendered)
            if delivered.storage_error:
                return delivered
            rendered = delivered.rendered
        kept = kept_line_keys(doc, column).tobytes()
        try:
            spooled = (self.spool or Spool(None)).put_document(doc, column, entry, rendered, kept)
        except StorageError as error:
            return Result(entry, storage_error=str(error))
        # Written: the run itself tells by the kept lines' keys whether phase two has anything to do.
        return Result(entry, keys=keys, spool=spooled, kept=kept if rendered is None else None)

    def limits(self, items: Sequence[ToClean]) -> tuple[float | None, float | None]:
        """The batch's time limit, and the largest of its documents' (for the pool's hard limit)."""
        limits = [document_time_limit(self.timeout, len(item.doc.raw)) for item in items]
        return batch_time_limit(limits), max((limit for limit in limits if limit), default=None)

    def failed(self, item: ToClean, reason: str, detail: str) -> Result:
        """The result of a document whose worker was stopped or died (the pool's record)."""
        return self.outputs.finish(failed_copy(item.doc, "run", reason, detail))


@dataclass(frozen=True)
class FinishTask:
    """Phase two, per batch of spooled documents: the site pass with the finished index, then the outputs.

    The index travels with the task (``index``), or, for workers started before it was finished,
    waits in a file (``index_file``) that each worker reads once.
    """

    site_pass: SitePass
    outputs: Outputs
    timeout: float | None
    index: SiteIndex | None = None
    index_file: Path | None = None

    def site_index(self) -> SiteIndex:
        return self.index if self.index is not None else _read_index(self.index_file)

    def __call__(self, refs: list[SpoolRef], heartbeat: Heartbeat = _no_heartbeat) -> list[Result]:
        index = self.site_index()
        results = []
        with SpoolReader() as spool:
            for ref in refs:
                waiting = spool.read_waiting(ref)
                if waiting.entry is not None and not self.site_pass.may_remove(
                        waiting.entry.site, waiting.kept_key_array(), index):
                    rendered = waiting.rendered  # None: phase one wrote the outputs
                    results.append(Result(waiting.entry) if rendered is None else self.outputs.deliver(
                        waiting.entry, rendered))
                    continue
                doc, column = waiting.document()
                site = self.site_pass.apply(doc, index, column)
                results.append(self.outputs.finish(doc, site))
        return results

    def limits(self, refs: Sequence[SpoolRef]) -> tuple[float | None, float | None]:
        limits = [document_time_limit(self.timeout, len(ref) if isinstance(ref, bytes) else ref[2]) for ref in refs]
        return batch_time_limit(limits), max((limit for limit in limits if limit), default=None)

    def failed(self, ref: SpoolRef, reason: str, detail: str) -> Result:
        doc = Spool.read_document(ref)
        return self.outputs.finish(failed_copy(doc, SITE_STAGE, reason, detail))


@functools.lru_cache(maxsize=1)
def _read_index(path: Path | None) -> SiteIndex:
    if path is None:
        raise ValueError("a FinishTask needs an index or an index file")
    return pickle.loads(path.read_bytes())  # noqa: S301 - written by this run's parent


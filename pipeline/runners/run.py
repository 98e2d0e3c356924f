"""``pipeline.run``: a pipeline over a folder, the one path every command takes.

::

    >>> from pipeline import run, Config
    >>> from pipeline.stages.decode import Decode
    >>> run("raw", "clean")                                             # doctest: +SKIP
    >>> run("raw", "clean", stages=[Decode()], config=Config(languages=("ar",)))  # doctest: +SKIP
    >>> run("raw", "clean", engine="dask", scheduler="tcp://host:8786")  # doctest: +SKIP

A pipeline is a plain list of steps (:class:`Steps`): the **source** (the files
below the input folder, :class:`~pipeline.io.source.FileSource`), the
per-document **stages** (any list; the default is
:func:`~pipeline.chain.default_stages`), the cross-document **site pass**
(:class:`~pipeline.sitewide.SitePass`: index every document, then apply the
index) and the **sink** (:class:`~pipeline.io.write.Sink`). A run takes them
through three phases on an engine (the local pool, the run's own process with
``workers=0``, or Dask), with the same outputs whatever the engine, the number
of workers or the batch size:

1. **phase one**: read the input in sorted order; skip documents whose outputs
   are current (:mod:`pipeline.runners.plan`); clean the rest in batches on
   the engine's workers (:class:`~pipeline.runners.tasks.CleanTask`), which
   write each document's outputs (for a document that waits for the site
   pass, as if the pass removes nothing) and index and spool those that wait;
   skipped documents of sites that changed are cleaned again (a document that a
   previous run left an entry for is written only once the site pass is applied:
   a run stopped before that must not leave outputs the next run takes as current);
2. **phase two**: the site pass with the finished index, and new outputs for
   the spooled documents it removes lines from (:class:`~pipeline.runners.tasks.FinishTask`;
   a written document none of whose kept lines repeats on its site is settled
   by the run itself);
3. **commit**: the manifest, ``_run.json``, outputs of inputs that are gone.

One run at a time writes to an output folder (:mod:`pipeline.runners.lock`);
a full disk or an unwritable folder ends the run with
:class:`~pipeline.io.write.StorageError`, nothing half-written, and the next
run finishes the job.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.chain import DEFAULT_BATCH_SIZE, MAX_BATCH_BYTES, default_stages
from pipeline.config import Config
from pipeline.io.files import InputFile, NotRead, is_container
from pipeline.io.source import FileSource
from pipeline.io.write import Sink
from pipeline.runners.lock import RunLock
from pipeline.runners.plan import Cleaned, Row, RunPlan, Skipped, WAIT, check_folders, make_output_folder
from pipeline.runners.pool import Engine, LocalPool, SerialEngine
from pipeline.runners.summary import Progress, RunSummary
from pipeline.runners.tasks import CleanTask, FinishTask, Outputs, ToClean
from pipeline.sitewide import SiteIndex, SitePass
from pipeline.stages import Stage

#: Ledger items grouped with one batch at most (skipped documents among them): a re-run with nothing
#: to do still streams.
MAX_ITEMS_PER_GROUP = 1024
#: Spooled documents per phase-two batch (the site pass and rendering: about 1 ms each).
FINISH_BATCH_SIZE = 64


@dataclass(frozen=True)
class Steps:
    """A pipeline as a plain list of steps: source, stages, site pass (or none), sink."""

    source: FileSource
    stages: tuple[Stage, ...]
    site_pass: SitePass | None
    sink: Sink


def make_engine(name: str, workers: int, task: CleanTask | FinishTask, scheduler: str | None = None) -> Engine:
    """The engine called ``name`` (``local`` or ``dask``) running ``task``."""
    if name == "dask":
        from pipeline.runners.dask import DaskEngine

        return DaskEngine(workers, task, scheduler)
    if name != "local":
        raise ValueError(f"unknown engine {name!r}: use local or dask")
    return SerialEngine(task) if workers == 0 else LocalPool(workers, task)


class Grouped:
    """Batches for an engine, and for each batch the ledger items it belongs with, in input order.

    A batch holds ``size`` payloads, or fewer whose ``weight`` reaches
    :data:`~pipeline.chain.MAX_BATCH_BYTES` (phase one weighs a document by its bytes of input). Iterating yields the batches; :attr:`groups` holds each batch's items (documents to clean,
    skipped documents, or ledger rows) until its results come back.
    """

    def __init__(self, items: Iterator[tuple[object, object | None]], size: int,
                 weight: Callable[[Any], int] = lambda payload: 0) -> None:
        self.items, self.size, self.weight = items, size, weight
        self.groups: deque[list] = deque()

    def __iter__(self) -> Iterator[list]:
        group: list = []
        work: list = []
        size = 0
        for item, payload in self.items:
            group.append(item)
            if payload is not None:
                work.append(payload)
                size += self.weight(payload)
            if len(work) >= self.size or size >= MAX_BATCH_BYTES or len(group) >= MAX_ITEMS_PER_GROUP:
                self.groups.append(group)
                yield work
                group, work, size = [], [], 0
        if group:
            self.groups.append(group)
            yield work


class Run:
    """One run of ``steps`` into ``plan``'s output folder (see the module docstring)."""

    def __init__(self, steps: Steps, plan: RunPlan, engine: str, workers: int, scheduler: str | None,
                 batch_size: int, progress: Progress) -> None:
        self.steps, self.plan, self.engine, self.workers = steps, plan, engine, workers
        self.scheduler, self.batch_size, self.progress = scheduler, batch_size, progress
        self.outputs = Outputs(steps.sink, write_here=engine == "local")
        self.documents = 0

    def _inputs(self, redo: bool) -> Iterator[tuple[Skipped | Cleaned, ToClean | None]]:
        """Phase one's items in input order: each document with its verdict (``redo``: only the
        skipped documents of dirty sites, all to be cleaned), and, to be cleaned, the document and
        whether its outputs may be written before the site pass (:class:`ToClean`)."""
        source, plan = self.steps.source, self.plan
        for item in source.walk():
            if isinstance(item, NotRead):
                if not redo:
                    plan.add_not_read(item)
                continue
            if redo and not plan.is_redo_file(item.rel):
                continue
            for doc in source.read(item):
                if redo:
                    if plan.is_redo(doc):
                        yield Cleaned(item.rel, doc.output or doc.id, "", has_previous=True), ToClean(doc, False)
                    continue
                verdict = plan.unchanged(item.rel, doc)
                if isinstance(verdict, Cleaned):
                    yield verdict, ToClean(doc, not verdict.has_previous)
                else:
                    yield verdict, None

    def phase_one(self, engine: Engine, redo: bool = False) -> None:
        batches = Grouped(self._inputs(redo), self.batch_size, weight=lambda item: len(item.doc.raw))
        for results in engine.map(batches):
            group = batches.groups.popleft()
            self.plan.record(group, results, redo)
            if not redo:
                self.documents += len(group)
                self.progress.update(self.documents, 0)

    def _waiting(self, index: SiteIndex | None) -> Iterator[tuple[Row, object | None]]:
        """Phase two's items in input order: each ledger row, with, for a document the site pass may
        remove lines from (or whose outputs wait in the spool), its spool reference for the task.
        A waiting document whose outputs are written is settled here when none of its kept lines
        repeats on its site (most documents): what phase one wrote is final."""
        site_pass = self.steps.site_pass
        for row in self.plan.ledger():
            if row.state != WAIT:
                yield row, None
            elif row.kept is not None and index is not None and site_pass is not None and not site_pass.may_remove(
                    row.site, np.frombuffer(row.kept, dtype=np.uint64), index):
                yield row.settled(), None
            else:
                yield row, row.ref

    def phase_two(self, engine: Engine, index: SiteIndex | None = None) -> None:
        batches = Grouped(self._waiting(index), FINISH_BATCH_SIZE)
        for results in engine.map(batches):
            self.plan.store(batches.groups.popleft(), results)
            summary = self.plan.summary
            self.progress.update(summary.documents, summary.unchanged)

    def execute(self) -> RunSummary:
        steps, plan = self.steps, self.plan
        clean = CleanTask(steps.stages, plan.config.timeout, self.outputs, steps.site_pass, plan.worker_spool)
        cleaner = make_engine(self.engine, self.workers, clean, self.scheduler)
        try:
            self.phase_one(cleaner)
            if steps.site_pass is not None and plan.redo_files():
                self.phase_one(cleaner, redo=True)
        finally:
            cleaner.close()
            self._note_memory("clean", cleaner)
        finisher: Engine = SerialEngine(None)
        index = None
        if steps.site_pass is not None:
            index = plan.counts.index()
            finish = FinishTask(steps.site_pass, self.outputs, plan.config.timeout, index)
            finisher = make_engine(self.engine, self.workers, finish, self.scheduler)
        try:
            self.phase_two(finisher, index)
        finally:
            finisher.close()
            self._note_memory("site-pass", finisher)
        return plan.commit()

    def _note_memory(self, phase: str, engine: Engine) -> None:
        peaks = self.plan.summary.peak_rss
        for key, value in engine.peak_rss.items():
            peaks[f"{phase}:{key}"] = max(peaks.get(f"{phase}:{key}", 0), value)


def _count_inputs(source: FileSource) -> int | None:
    """Documents the progress bar counts to (unknown when a container holds an unknown number)."""
    total = 0
    for item in source.walk():
        if isinstance(item, InputFile):
            if is_container(item.rel):
                return None
            total += 1
    return total


def run(input_dir: str | Path, output_dir: str | Path, *, stages: Sequence[Stage] | None = None,
        config: Config | None = None, workers: int | None = None, engine: str = "local",
        scheduler: str | None = None, batch_size: int = DEFAULT_BATCH_SIZE, progress: bool = False) -> RunSummary:
    """Clean every document below ``input_dir`` into ``output_dir`` (see the module docstring).

    ``stages`` is any list of stages (default: :func:`~pipeline.chain.default_stages` of ``config``);
    ``config`` holds every setting that can change an output; ``workers`` (default: the number of
    CPUs; 0 runs in this process), ``engine``, ``scheduler`` and ``batch_size`` change only how fast.
    """
    config = config or Config()
    input_dir, output_dir = Path(input_dir), Path(output_dir)
    check_folders(input_dir, output_dir)
    if batch_size < 1:
        raise ValueError(f"the batch size must be at least 1, not {batch_size}")
    if engine not in ("local", "dask"):
        raise ValueError(f"unknown engine {engine!r}: use local or dask")
    workers = (os.cpu_count() or 1) if workers is None else workers
    steps = Steps(FileSource(input_dir, config.limits, config.follow_symlinks),
                  tuple(default_stages(config) if stages is None else stages),
                  SitePass() if config.site_pass else None, Sink(output_dir, config.output_format, config.body_format))
    make_output_folder(output_dir)
    with RunLock(output_dir):
        plan = RunPlan(output_dir, config, steps.sink, remote=engine != "local")
        bar = Progress(progress, _count_inputs(steps.source) if progress else None)
        try:
            return Run(steps, plan, engine, workers, scheduler, batch_size, bar).execute()
        except BaseException:
            plan.abort()
            raise
        finally:
            bar.close()
            plan.close()

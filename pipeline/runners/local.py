"""The local runner: a process pool over the files below an input folder.

Documents are read, cleaned and written in sorted order of their path, so the
outputs are the same whatever the number of workers. Each worker runs the
plain per-document function :func:`clean_file`; a bad document becomes a
recorded failure, never a stopped run. ``clean/_run.json`` sums the run up
with counts by outcome and reason (no timestamps, so it diffs cleanly).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.core import Config, __version__, default_stages, run_stages
from pipeline.document import Document
from pipeline.stages.read import assign_output_stems, iter_input_files, read_tree
from pipeline.stages.write import sidecar_json, write_atomic, write_outputs

RUN_SUMMARY = "_run.json"
#: Documents handed to a worker at a time: large enough to amortise pickling.
CHUNK_SIZE = 16


@dataclass
class RunSummary:
    documents: int = 0
    outcomes: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    removed_by_reason: Counter = field(default_factory=Counter)
    failures: list[dict[str, str]] = field(default_factory=list)

    def add(self, doc: Document) -> None:
        self.documents += 1
        self.outcomes[doc.outcome] += 1
        if doc.failure:
            self.reasons[doc.failure.reason] += 1
            self.failures.append({"source": doc.source, **doc.failure.as_dict()})
        for line in doc.removed_lines():
            self.removed_by_reason[line.reason] += 1

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
            "failures": sorted(self.failures, key=lambda f: f["source"]),
            "config": config.fingerprint(),
            "pipeline_version": __version__,
        }

    def line(self) -> str:
        written = self.outcomes["ok"]
        return (f"{self.documents} documents, {written} written, {self.failed} failed, "
                f"{self.documents - written - self.failed} without body, "
                f"{sum(self.removed_by_reason.values())} lines removed")


def check_folders(input_dir: Path, output_dir: Path) -> None:
    """Refuse to write into the input: ``raw/`` is never modified."""
    source, target = input_dir.resolve(), output_dir.resolve()
    if not source.is_dir():
        raise NotADirectoryError(f"input folder not found: {input_dir}")
    if target == source or source in target.parents:
        raise ValueError(f"the output folder {output_dir} must not be inside the input folder {input_dir}")


def clean_documents(docs: Iterable[Document], config: Config) -> Iterator[Document]:
    """The per-document function over a sequence: what every runner calls."""
    stages = default_stages(config)
    for doc in docs:
        yield run_stages(doc, stages)


def _clean_chunk(args: tuple[str, list[str], Config]) -> list[Document]:
    root, ids, config = args
    wanted = set(ids)
    base = Path(root)
    docs = [doc for doc in read_tree(base, config.limits, only=wanted)]
    return list(clean_documents(docs, config))


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def run(input_dir: Path, output_dir: Path, config: Config = Config(), workers: int | None = None) -> RunSummary:
    """Clean every document below ``input_dir`` into ``output_dir``."""
    input_dir, output_dir = Path(input_dir), Path(output_dir)
    check_folders(input_dir, output_dir)
    ids = [path.relative_to(input_dir).as_posix() for path in iter_input_files(input_dir)]
    stems = assign_output_stems(ids)
    workers = workers or os.cpu_count() or 1
    summary = RunSummary()
    jobs = [(str(input_dir), chunk, config) for chunk in _chunks(ids, CHUNK_SIZE)]
    if workers == 1 or len(jobs) <= 1:
        results: Iterable[list[Document]] = map(_clean_chunk, jobs)
        executor = None
    else:
        executor = ProcessPoolExecutor(max_workers=workers)
        results = executor.map(_clean_chunk, jobs)
    try:
        for chunk in results:
            for doc in chunk:
                doc.output = stems.get(doc.id, doc.id)
                write_outputs(doc, output_dir, __version__)
                summary.add(doc)
    finally:
        if executor:
            executor.shutdown(cancel_futures=True)
    write_atomic(output_dir / RUN_SUMMARY, sidecar_json(summary.as_dict(config)))
    return summary

"""The run summary (``_run.json`` and the last line ``pipeline clean`` prints) and the progress bar.

``_run.json`` counts the run's documents by outcome and reason, lists every
failure and everything below the input folder that was not read (each with
its reason), and names the settings; it has no timestamps, so two runs of the
same input give the same bytes. Its failures are streamed from the run's
state on disk, so a run of a million documents writes it without holding
them in memory (the bytes are those ``json.dumps(..., indent=2)`` gives).
"""

from __future__ import annotations

import os
import sys
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.config import Config
from pipeline.io.files import NotRead
from pipeline.io.write import json_text, write_atomic
from pipeline.runners.manifest import Entry
from pipeline.version import __version__

RUN_SUMMARY = "_run.json"
#: How often the progress bar is redrawn.
REDRAW_SECONDS = 0.2


@dataclass
class RunSummary:
    """Counts of a run, added to one document entry at a time."""

    documents: int = 0
    outcomes: Counter = field(default_factory=Counter)
    reasons: Counter = field(default_factory=Counter)
    removed_by_reason: Counter = field(default_factory=Counter)
    #: Paths below the input folder that were not read, with the reason (hidden, outside-input, ...).
    not_read: list[NotRead] = field(default_factory=list)
    #: Documents whose outputs were current and were not cleaned again (not in ``_run.json``).
    unchanged: int = 0
    #: Largest resident set size per worker, in bytes (not in ``_run.json``).
    peak_rss: dict[str, int] = field(default_factory=dict)

    def add_entry(self, entry: Entry) -> None:
        self.documents += 1
        self.outcomes[entry.outcome] += 1
        if entry.failure:
            self.reasons[entry.failure["reason"]] += 1
        self.removed_by_reason.update(entry.removed)

    @property
    def failed(self) -> int:
        return self.outcomes["failed"]

    def as_dict(self, config: Config, failures: list[dict[str, str]] | None = None) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "outcomes": dict(sorted(self.outcomes.items())),
            "failure_reasons": dict(sorted(self.reasons.items())),
            "removed_lines": sum(self.removed_by_reason.values()),
            "removed_by_reason": dict(sorted(self.removed_by_reason.items())),
            "failures": failures or [],
            **({"not_read": [item.as_dict() for item in sorted(self.not_read, key=lambda item: item.rel)]}
               if self.not_read else {}),
            # The settings, not the fingerprint: that one hashes the code too, and
            # would make every code change show up here in review.
            "config": config.as_dict(),
            "pipeline_version": __version__,
        }

    def line(self) -> str:
        written = self.outcomes["ok"]
        text = (f"{self.documents} documents, {written} written, {self.failed} failed, "
                f"{self.documents - written - self.failed} without body, "
                f"{sum(self.removed_by_reason.values())} lines removed")
        text += f" ({self.unchanged} unchanged since the last run)" if self.unchanged else ""
        if self.not_read:
            reasons = Counter(item.reason for item in self.not_read)
            text += "; not read: " + ", ".join(f"{count} {reason}" for reason, count in sorted(reasons.items()))
        return text


def write_run_summary(path: Path, summary: RunSummary, config: Config, failures: Iterable[dict[str, str]]) -> None:
    """Write ``_run.json`` with ``failures`` (sorted by source and reason) streamed into its list."""
    head, placeholder, tail = json_text(summary.as_dict(config), indent=True).partition('  "failures": []')
    if not placeholder:
        raise AssertionError("the run summary has no failures list")

    def chunks() -> Iterable[str]:
        yield head
        yield '  "failures": ['
        first = True
        for failure in failures:
            item = json_text(failure, indent=True).replace("\n", "\n    ")
            yield ("\n    " if first else ",\n    ") + item
            first = False
        yield "]" if first else "\n  ]"
        yield tail + "\n"

    write_atomic(path, chunks())


class Progress:
    """A one-line progress display on stderr; silent unless ``enabled``."""

    def __init__(self, enabled: bool, total: int | None = None, stream: Any = None) -> None:
        self.enabled, self.total, self.stream = enabled, total, stream or sys.stderr
        self.start = self.last = time.monotonic()
        self.done = self.skipped = 0

    @staticmethod
    def wanted(stream: Any = None) -> bool:
        """On by default only on a terminal, and never in CI."""
        stream = stream or sys.stderr
        return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("CI") \
            and os.environ.get("TERM") != "dumb"

    def update(self, done: int, skipped: int, force: bool = False) -> None:
        self.done, self.skipped = done, skipped
        now = time.monotonic()
        if not self.enabled or (not force and now - self.last < REDRAW_SECONDS):
            return
        self.last = now
        rate = (done - skipped) / max(now - self.start, 1e-9)
        total = f"/{self.total}" if self.total else ""
        share = f" {100 * done / self.total:3.0f}%" if self.total else ""
        self.stream.write(f"\r{done}{total} documents{share}, {skipped} unchanged, {rate:,.0f} docs/s ")
        self.stream.flush()

    def close(self) -> None:
        if self.enabled:
            self.update(self.done, self.skipped, force=True)
            self.stream.write("\n")
            self.stream.flush()

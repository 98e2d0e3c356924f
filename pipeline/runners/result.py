"""The per-document result every engine returns to the run.

A worker (of the local pool, of a Dask cluster, or the run's own process)
cleans a batch and hands back one :class:`Result` per document: its manifest
entry, and whichever of these the run still has to act on:

- ``rendered``: outputs the worker did not write itself (a JSONL record, which
  the run appends in input order; or files, when the engine's workers share
  no disk with the run);
- ``keys`` and ``spool``: for a document waiting for the site pass, its site's
  line keys (the run sums them into the site index) and where the document
  waits (:mod:`pipeline.runners.spool`); ``kept``, when its outputs are written
  already: the keys of its kept lines, by which the run tells whether the site
  pass may remove one (if not, the outputs written are final);
- ``storage_error``: the worker could not write (a full disk): the run stops.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pipeline.io.write import Rendered
from pipeline.runners.manifest import Entry
from pipeline.runners.spool import SpoolRef


@dataclass(slots=True)
class Result:
    entry: Entry
    rendered: Rendered | None = None
    keys: Any = None  # numpy array of the document's site line keys
    spool: SpoolRef | None = None
    storage_error: str = ""
    kept: bytes | None = None  # uint64 keys of the kept lines of a waiting document whose outputs are written

    def __reduce__(self) -> tuple:
        # Pickled by field order: the dataclass default looks the fields up for every object it loads.
        return (Result, (self.entry, self.rendered, self.keys, self.spool, self.storage_error, self.kept))

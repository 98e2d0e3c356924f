"""Pipeline stages, one module each, in the order they run.

A stage is anything with ``name``, ``version`` and ``process(doc) -> doc``.
Each module also exposes its pure core (a plain function) for use on its own,
e.g. :func:`pipeline.stages.repair.repair_text` or
:func:`pipeline.stages.normalize.normalize_text`.
"""

from __future__ import annotations

from typing import Protocol

from pipeline.document import Document


class Stage(Protocol):
    name: str
    version: str

    def process(self, doc: Document) -> Document: ...

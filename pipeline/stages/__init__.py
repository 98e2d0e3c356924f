"""Pipeline stages, one module each, in the order they run.

A stage is anything with ``name``, ``version`` and ``process(doc) -> doc``.
A stage that computes over lines may also define ``process_batch(docs) ->
docs``: the runner then hands it many documents at once, so per-call costs
(array set-up, a model's walk) are paid once per batch. Either way the
result for a document must not depend on which other documents share its
batch: outputs are byte-identical for any batch size. A stage that loads
something once per process (a model, lookup tables) may define ``setup()``:
the runner calls it (:func:`prepare`) before any document's time limit
starts, so a worker's first document is not charged for the loading.

Each module also exposes its pure core (a plain function) for use on its own,
e.g. :func:`pipeline.stages.repair.repair_text` or
:func:`pipeline.stages.normalize.normalize_text`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from pipeline.document import Document


class Stage(Protocol):
    name: str
    version: str

    def process(self, doc: Document) -> Document: ...


def process_batch(stage: Stage, docs: Sequence[Document]) -> list[Document]:
    """``stage`` over a batch: its own ``process_batch`` when it has one, else ``process`` per document."""
    batch = getattr(stage, "process_batch", None)
    if batch is not None:
        out = list(batch(list(docs)))
        if len(out) != len(docs):
            raise ValueError(f"stage {stage.name!r} returned {len(out)} documents for a batch of {len(docs)}")
        return out
    return [stage.process(doc) for doc in docs]


def prepare(stages: Sequence[Stage]) -> None:
    """Call each stage's ``setup()``, if it has one (it must be cheap to call again)."""
    for stage in stages:
        setup = getattr(stage, "setup", None)
        if setup is not None:
            setup()


class BatchStage:
    """Base for a stage written for batches: ``process`` is a batch of one.

    >>> class Upper(BatchStage):
    ...     name, version = "upper", "1"
    ...     def process_batch(self, docs):
    ...         for doc in docs:
    ...             doc.text = doc.text.upper()
    ...         return docs
    >>> Upper().process(Document(id="a", source="a", text="hi")).text
    'HI'
    """

    name: str
    version: str

    def process(self, doc: Document) -> Document:
        return self.process_batch([doc])[0]

    def process_batch(self, docs: list[Document]) -> list[Document]:
        raise NotImplementedError

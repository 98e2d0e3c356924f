"""The default chain of stages, and how a batch of documents goes through any list of stages.

::

    >>> from pipeline import clean_document
    >>> doc = clean_document(b"Home | News\\n\\nThe minister said on Monday that ...", path="a.txt")
    >>> doc.body, doc.outcome  # doctest: +SKIP

A pipeline's per-document part is a plain list of stages; :func:`run_batch`
is the one place that runs such a list. Everything that cleans documents
(the runner's workers on either engine, :func:`clean_document`, the
evaluation, the trainers) calls it, so there is one flow to read.

A stage that raises does not stop the run: the batch it was working on is
cleaned again one document at a time, from copies taken before the first
stage, so only the document that raised fails (with the stage's name and
the error), and the others come out exactly as they would in any batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

from pipeline.config import Config
from pipeline.document import Document
from pipeline.io.files import load_bytes
from pipeline.stages import Stage, process_batch
from pipeline.stages.boilerplate import Boilerplate
from pipeline.stages.decode import Decode
from pipeline.stages.extract import Extract
from pipeline.stages.language import DocumentLanguage, LineLanguage
from pipeline.stages.metadata import Metadata
from pipeline.stages.normalize import Normalize
from pipeline.stages.repair import Repair
from pipeline.version import __version__

__all__ = ["Cursor", "__version__", "clean_document", "clean_documents", "default_stages", "run_batch"]

#: Documents per batch when nobody says (a runner setting: outputs are the same for any size).
DEFAULT_BATCH_SIZE = 64
#: A batch also ends once its documents hold this many bytes of input: a stage keeps a batch's pages,
#: trees and feature rows in memory at once. On the HTML dev pages (185 KB on average) that is about
#: 32 pages a batch, at the same speed as 64, and a worker's peak RSS is 250 MB instead of 310; text
#: dumps (9 KB) still go 64 at a time.
MAX_BATCH_BYTES = 6_000_000


def default_stages(config: Config = Config()) -> list[Stage]:
    """The per-document stages, in order (reading, the site pass and writing are the run's steps)."""
    return [
        Decode(),
        Extract(),
        Repair(),
        LineLanguage(),
        Boilerplate(),
        DocumentLanguage(languages=config.languages),
        Metadata(),
        Normalize(search_keys=config.search_keys),
    ]


@dataclass
class Cursor:
    """Where a batch is: the stage running now (a time limit that fires names it)."""

    stage: str = "run"


def run_batch(docs: Sequence[Document], stages: Sequence[Stage], cursor: Cursor | None = None,
              originals: Sequence[Document] | None = None) -> list[Document]:
    """Run ``stages`` over a batch, in order; never raises for a document's fault.

    A failed document skips the stages after its failure. If a stage raises, the batch is cleaned
    again document by document from copies (see the module docstring); a caller that holds copies
    of the documents as they came passes them as ``originals``, which are copied again only then,
    so they stay as they came.
    """
    cursor = cursor or Cursor()
    if len(docs) <= 1:
        return [run_alone(doc, stages, cursor) for doc in docs]
    fresh = [doc.copy() for doc in docs] if originals is None else None
    try:
        return _finish(_through(list(docs), stages, cursor))
    except Exception:  # noqa: BLE001 - one document's error must not cost its batch
        again = fresh if originals is None else [doc.copy() for doc in originals]
        return [run_alone(doc, stages, cursor) for doc in again]


def run_alone(doc: Document, stages: Sequence[Stage], cursor: Cursor | None = None) -> Document:
    """Run ``stages`` on one document; a stage that raises fails it with ``internal-error``
    (``out-of-memory`` for a MemoryError, which the next run retries)."""
    cursor = cursor or Cursor()
    for stage in stages:
        if doc.failure:
            break
        cursor.stage = stage.name
        try:
            doc = process_batch(stage, [doc])[0]
        except MemoryError:
            doc.fail(stage.name, "out-of-memory", "the stage ran out of memory")
        except Exception as error:  # noqa: BLE001 - one bad document must not stop the run
            doc.fail(stage.name, "internal-error", f"{type(error).__name__}: {error}")
    return _finish([doc])[0]


def _through(docs: list[Document], stages: Sequence[Stage], cursor: Cursor) -> list[Document]:
    for stage in stages:
        live = [index for index, doc in enumerate(docs) if not doc.failure]
        if not live:
            break
        cursor.stage = stage.name
        for index, doc in zip(live, process_batch(stage, [docs[index] for index in live])):
            docs[index] = doc
    return docs


def _finish(docs: list[Document]) -> list[Document]:
    for doc in docs:
        if not doc.failure and doc.lines and not doc.kept_lines():
            doc.fail("boilerplate", "no-article", "every line was removed as boilerplate or metadata")
        doc.raw = b""  # the bytes are hashed and decoded; don't carry them further
    return docs


def clean_documents(docs: Iterable[Document], stages: Sequence[Stage] | None = None, config: Config = Config(),
                    batch_size: int = DEFAULT_BATCH_SIZE) -> Iterator[Document]:
    """Clean documents already in memory, a batch at a time, in order (no site pass, nothing written).

    For another ingest job's documents; :func:`pipeline.run` is the same for a folder.
    """
    stages = default_stages(config) if stages is None else stages
    batch: list[Document] = []
    size = 0
    for doc in docs:
        batch.append(doc)
        size += len(doc.raw)
        if len(batch) >= batch_size or size >= MAX_BATCH_BYTES:
            yield from run_batch(batch, stages)
            batch, size = [], 0
    if batch:
        yield from run_batch(batch, stages)


def clean_document(data: bytes | str, path: str = "document.txt", config: Config = Config(),
                   stages: Sequence[Stage] | None = None) -> Document:
    """Clean one document given as bytes or text; ``path`` names it (and hints nothing else).

    Returns the Document: ``doc.body`` is the article text, and
    ``pipeline.io.write.sidecar(doc, __version__)`` its sidecar.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    doc = load_bytes(Document(id=path, source=path), raw)
    return run_alone(doc, default_stages(config) if stages is None else stages)

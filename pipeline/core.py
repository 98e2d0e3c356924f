"""The default pipeline: a plain ordered list of stages, and how to run it.

::

    >>> from pipeline import clean_document
    >>> doc = clean_document(b"Home | News\\n\\nThe minister said on Monday that ...", path="a.txt")
    >>> doc.body, doc.outcome  # doctest: +SKIP

Every stage is a small object with ``name``, ``version`` and ``process(doc)``;
the list is the whole pipeline. A stage that raises does not stop the run: the
document is marked failed with the stage's name and the error, and the next
document goes on.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from pipeline.document import Document
from pipeline.stages import Stage
from pipeline.stages.boilerplate import Boilerplate
from pipeline.stages.decode import Decode
from pipeline.stages.extract import Extract
from pipeline.stages.language import DocumentLanguage, LineLanguage
from pipeline.stages.metadata import Metadata
from pipeline.stages.normalize import Normalize
from pipeline.stages.read import Limits, load_bytes
from pipeline.stages.repair import Repair

__version__ = "0.1.0"


@dataclass(frozen=True)
class Config:
    """What a user can change about a run; part of every output's fingerprint."""

    languages: tuple[str, ...] = ("ar", "en")
    search_keys: bool = False
    limits: Limits = field(default_factory=Limits)

    def fingerprint(self) -> str:
        """A short hash of the configuration, the pipeline version and its code, for incremental runs.

        The code and shipped models count too: a changed rule or retrained model
        must re-clean every document even when nobody bumped a version number.
        """
        text = json.dumps({"config": asdict(self), "version": __version__, "code": code_fingerprint()},
                          sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 over the package's source and resource files (names and bytes, in sorted order)."""
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix not in (".pyc", ".pyo") and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def default_stages(config: Config = Config()) -> list[Stage]:
    """The per-document stages, in order (reading and writing are the runner's)."""
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


def run_stages(doc: Document, stages: Sequence[Stage]) -> Document:
    """Run ``stages`` on ``doc`` in order; a failure or an error stops the document, never the run."""
    for stage in stages:
        if doc.failure:
            break
        try:
            doc = stage.process(doc)
        except Exception as error:  # noqa: BLE001 - one bad document must not stop the run
            doc.fail(stage.name, "internal-error", f"{type(error).__name__}: {error}")
    if not doc.failure and not doc.kept_lines():
        doc.fail("boilerplate", "no-article", "every line was removed as boilerplate or metadata")
    doc.raw = b""  # the bytes are hashed and decoded; don't carry them further
    return doc


def clean_document(data: bytes | str, path: str = "document.txt", config: Config = Config(),
                   stages: Sequence[Stage] | None = None) -> Document:
    """Clean one document given as bytes or text; ``path`` names it (and hints nothing else).

    Returns the Document: ``doc.body`` is the article text, and
    ``pipeline.stages.write.sidecar(doc, __version__)`` its sidecar.
    """
    raw = data.encode("utf-8") if isinstance(data, str) else data
    doc = load_bytes(Document(id=path, source=path), raw)
    return run_stages(doc, default_stages(config) if stages is None else stages)

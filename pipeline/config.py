"""One frozen configuration: every setting that can change an output, and its fingerprint.

A run's outputs are a function of the input bytes, the code and this object,
nothing else: the number of workers, the batch size and the engine never
change a byte, so they are arguments of :func:`pipeline.run`, not settings
here. The command line takes its defaults from here (``Config().timeout``),
so a default is written once::

    >>> Config().timeout, Config().site_pass, Config().output_format, Config().body_format
    (60.0, True, 'files', 'text')
    >>> Config(body_format="markdown").fingerprint() != Config().fingerprint()
    True
    >>> Config(languages=("en",)).fingerprint() != Config().fingerprint()
    True

The fingerprint hashes the settings, the pipeline version and the code with
its shipped models, so a changed rule or a retrained model re-cleans every
document on the next incremental run even when nobody bumped a version.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from pipeline.version import __version__

#: Output layouts: ``files`` (``<stem>.txt`` + ``<stem>.json``) or one ``documents.jsonl``.
OUTPUT_FORMATS = ("files", "jsonl")
#: Body files: ``text`` (kept lines as paragraphs, a blank line between) or ``markdown`` (the same lines
#: with their structure: headings, lists, tables, quotes, code; see :mod:`pipeline.io.markdown`).
BODY_FORMATS = ("text", "markdown")
#: The ``languages`` value that keeps documents in any language.
ALL_LANGUAGES = "all"


@dataclass(frozen=True)
class Limits:
    """Ceilings that turn hostile input into a recorded reason."""

    max_input_bytes: int = 64 * 1024 * 1024
    max_decompressed_bytes: int = 64 * 1024 * 1024


@dataclass(frozen=True)
class Config:
    """What a user can change about a run's outputs; hashed into every run's fingerprint."""

    #: Languages whose documents are kept; others are reported as ``unsupported-language``
    #: (``("all",)`` keeps every language).
    languages: tuple[str, ...] = ("ar", "en")
    #: Also write an Arabic search-key form of the body to the sidecar.
    search_keys: bool = False
    limits: Limits = field(default_factory=Limits)
    #: CPU seconds one document may take before it fails with reason ``timeout``
    #: (plus :data:`pipeline.runners.limits.SECONDS_PER_MB` per MB of input); ``None``: no limit.
    timeout: float | None = 60.0
    #: Remove lines repeated across many documents of one site (:mod:`pipeline.sitewide`).
    site_pass: bool = True
    #: ``files`` or ``jsonl`` (:data:`OUTPUT_FORMATS`).
    output_format: str = "files"
    #: ``text`` or ``markdown`` (:data:`BODY_FORMATS`): how the body file (and a JSONL record's ``text``)
    #: is written; the sidecar is the same either way.
    body_format: str = "text"
    #: Read symbolic links whose target is outside the input folder (by default they are listed in
    #: ``_run.json`` as ``outside-input`` and not read).
    follow_symlinks: bool = False

    def __post_init__(self) -> None:
        if self.output_format not in OUTPUT_FORMATS:
            raise ValueError(f"unknown output format {self.output_format!r}: use one of {', '.join(OUTPUT_FORMATS)}")
        if self.body_format not in BODY_FORMATS:
            raise ValueError(f"unknown body format {self.body_format!r}: use one of {', '.join(BODY_FORMATS)}")
        if self.timeout is not None and self.timeout <= 0:
            object.__setattr__(self, "timeout", None)  # 0 on the command line: no limit

    def replace(self, **changes: Any) -> Config:
        """A copy with some settings changed (the object itself never changes)."""
        return replace(self, **changes)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def fingerprint(self) -> str:
        """A short hash of the settings, the pipeline version and its code, for incremental runs."""
        text = json.dumps({"config": self.as_dict(), "version": __version__, "code": code_fingerprint()},
                          sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


#: The files of the package whose bytes decide an output: its code and its resources (models, word lists).
CODE_SUFFIXES = (".py", ".pyx")
RESOURCE_SUFFIXES = (".json", ".txt", ".bin", ".tsv")


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """sha256 over the package's source and resource files (names and bytes, in sorted order)."""
    return _fingerprint(CODE_SUFFIXES + RESOURCE_SUFFIXES)


@functools.lru_cache(maxsize=1)
def source_fingerprint() -> str:
    """sha256 over the package's source files alone, not its models: the key of a trainer's cache of
    extracted lines, which a retrained model must not invalidate but a change to the extraction must."""
    return _fingerprint(CODE_SUFFIXES)


def _fingerprint(suffixes: tuple[str, ...]) -> str:
    package = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*")):
        if path.is_file() and path.suffix in suffixes and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]

"""Write: a document's body and sidecar, atomically.

For a document whose output stem is ``news/a`` this writes ``news/a.txt`` (the
body: kept lines, one per line, a blank line between, a trailing newline; no
title) and ``news/a.json`` (the sidecar). The sidecar is written last, so a
sidecar on disk always describes a complete body; each file goes to a
temporary name first and is renamed into place, so an interrupted run never
leaves half a file. Sidecars have sorted keys, rounded scores, UTF-8 text, no
timestamps and no absolute paths, so that two runs are byte-identical and a
diff shows only what changed.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path, PurePosixPath
from typing import Any

from pipeline.document import Document

#: Metadata fields every sidecar has (null when unknown), in the user's words.
METADATA_FIELDS = ("title", "date", "author", "url", "site", "tags")
#: Digits kept for floats, so tiny numeric noise never shows up in a diff.
FLOAT_DIGITS = 5


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, FLOAT_DIGITS)
    if isinstance(value, dict):
        return {key: _rounded(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(item) for item in value]
    return value


def sidecar(doc: Document, version: str) -> dict[str, Any]:
    """Everything decided about ``doc``, as a JSON-ready dict."""
    removed = [
        {"line": line.number, "text": line.text, "stage": line.stage, "reason": line.reason}
        for line in doc.removed_lines()
    ]
    languages: dict[str, list[int]] = {}
    for line in doc.lines:
        languages.setdefault(line.lang, []).append(line.number)
    kept = len(doc.lines) - len(removed)
    data: dict[str, Any] = {
        "source": doc.source,
        "sha256": doc.sha256,
        "format": doc.format,
        "encoding": doc.encoding or None,
        "repairs": doc.repairs,
        "language": doc.language,
        "language_shares": doc.language_shares,
        "line_languages": languages,
        "lines": {"in": len(doc.lines), "kept": kept, "removed": len(removed)},
        "removed": removed,
        "trace": doc.trace,
        "status": doc.outcome,
        "failure": doc.failure.as_dict() if doc.failure else None,
        "pipeline_version": version,
    }
    for name in METADATA_FIELDS:
        data[name] = doc.metadata.get(name) or None
    extra = {key: value for key, value in doc.metadata.items() if key not in METADATA_FIELDS}
    if extra:
        data["metadata_extra"] = extra
    return _rounded(data)


def sidecar_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def safe_stem(stem: str) -> PurePosixPath:
    """A relative output stem that cannot climb out of the output folder."""
    parts = [part for part in PurePosixPath(stem.replace("\\", "/").replace("\x00", "")).parts
             if part not in ("", ".", "..", "/")]
    return PurePosixPath(*parts) if parts else PurePosixPath("_")


def output_paths(root: Path, stem: str) -> tuple[Path, Path]:
    relative = safe_stem(stem)
    base = root.joinpath(*relative.parts)
    return base.with_name(base.name + ".txt"), base.with_name(base.name + ".json")


def write_outputs(doc: Document, root: Path, version: str) -> tuple[Path, Path]:
    """Write body and sidecar below ``root``; a failed document gets only a sidecar."""
    body_path, sidecar_path = output_paths(root, doc.output or doc.id)
    body = "" if doc.failure else doc.body
    if body:
        write_atomic(body_path, body)
    else:
        body_path.unlink(missing_ok=True)
    write_atomic(sidecar_path, sidecar_json(sidecar(doc, version)))
    return body_path, sidecar_path


class Write:
    """Stage: write ``doc`` below ``root``."""

    name, version = "write", "1"

    def __init__(self, root: Path, pipeline_version: str) -> None:
        self.root, self.pipeline_version = Path(root), pipeline_version

    def process(self, doc: Document) -> Document:
        write_outputs(doc, self.root, self.pipeline_version)
        return doc

"""Read a run's output folder back into per-line decisions.

A run writes, per document, ``<stem>.txt`` (the kept lines, a blank line
between) and ``<stem>.json`` (the sidecar: every line's number under
``line_languages``, every removed line with its stage and reason). Together
they give each line of the document its decision, which is what the diff, the
report and the explain tools show::

    >>> record = output_from("a", {"line_languages": {"en": [1, 2]},
    ...     "removed": [{"line": 1, "text": "Home | News", "stage": "boilerplate", "reason": "navigation"}]},
    ...     "The minister said.\\n")
    >>> [(line.number, line.keep, line.reason, line.text) for line in record.lines]
    [(1, False, 'navigation', 'Home | News'), (2, True, '', 'The minister said.')]

A Markdown body (the sidecar says ``"body_format": "markdown"``) is read unit by unit, one per kept
line, its markup taken off (:func:`pipeline.io.markdown.unit_texts`)::

    >>> record = output_from("a", {"line_languages": {"en": [1, 2, 3]}, "body_format": "markdown"},
    ...     "## Budget\\n\\n- Schools\\n- Roads\\n")
    >>> [(line.number, line.text) for line in record.lines]
    [(1, 'Budget'), (2, 'Schools'), (3, 'Roads')]

A kept line whose text normalized to nothing has no paragraph in the body; when
the body and the sidecar disagree on the number of kept lines, the kept lines'
texts are left unknown (``None``) rather than guessed.

A sidecar names its body by hash (``body_sha256``), so a body edited, cut or
removed without its sidecar is told apart from one the run wrote:
:attr:`Output.disagreement` says how they differ (empty when they agree, and
for sidecars written before the hash).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.io.markdown import unit_texts
from pipeline.io.write import body_digest

#: The run summary a runner writes at the top of an output folder; not a document.
RUN_SUMMARY = "_run.json"
#: Metadata a reviewer cares about, compared by ``pipeline diff`` and shown by the report.
REVIEWED_FIELDS = ("status", "failure", "language", "format", "title", "date", "author", "url", "site", "tags")
#: What the body's paragraphs are joined with (see ``Document.body``).
PARAGRAPH_BREAK = "\n\n"


@dataclass(frozen=True)
class LineRecord:
    """One line's decision as a run recorded it. ``text`` is None when unknown."""

    number: int
    text: str | None
    keep: bool
    lang: str = "und"
    stage: str = ""
    reason: str = ""

    @property
    def decision(self) -> str:
        return "kept" if self.keep else f"{self.stage}/{self.reason}"


@dataclass
class Output:
    """One document's outputs: its stem, its sidecar and its lines in order."""

    stem: str
    sidecar: dict[str, Any]
    lines: list[LineRecord] = field(default_factory=list)
    body: str = ""
    #: How the body file and the sidecar disagree ("" when they agree).
    disagreement: str = ""

    @property
    def status(self) -> str:
        return str(self.sidecar.get("status", "unknown"))

    def field(self, name: str) -> Any:
        """A reviewed field; ``failure`` is shown by its reason, extra metadata by name."""
        if name == "failure":
            failure = self.sidecar.get("failure")
            return failure.get("reason") if isinstance(failure, dict) else failure
        if name in self.sidecar:
            return self.sidecar[name]
        return (self.sidecar.get("metadata_extra") or {}).get(name)

    @property
    def languages(self) -> list[str]:
        return sorted({line.lang for line in self.lines})


def body_paragraphs(body: str) -> list[str]:
    """The paragraphs of a body file, in order (``""`` gives none)."""
    body = body[:-1] if body.endswith("\n") else body
    return body.split(PARAGRAPH_BREAK) if body else []


def output_from(stem: str, sidecar: dict[str, Any], body: str) -> Output:
    """Join a sidecar and a body into an :class:`Output` with every line's decision."""
    lang_of: dict[int, str] = {}
    for lang, numbers in sorted((sidecar.get("line_languages") or {}).items()):
        for number in numbers:
            lang_of[int(number)] = lang
    removed = {int(item["line"]): item for item in sidecar.get("removed") or []}
    kept_numbers = sorted(number for number in lang_of if number not in removed)
    paragraphs = unit_texts(body) if sidecar.get("body_format") == "markdown" else body_paragraphs(body)
    texts: list[str | None] = list(paragraphs) if len(paragraphs) == len(kept_numbers) else [None] * len(kept_numbers)
    kept = dict(zip(kept_numbers, texts))
    lines = []
    for number in sorted(set(lang_of) | set(removed)):
        lang = lang_of.get(number, "und")
        if number in removed:
            item = removed[number]
            lines.append(LineRecord(number, item.get("text"), False, lang, item.get("stage", ""), item.get("reason", "")))
        else:
            lines.append(LineRecord(number, kept[number], True, lang))
    return Output(stem, sidecar, lines, body)


def load_output(root: Path, stem: str) -> Output:
    """The document ``stem`` (e.g. ``news/a``) of the output folder ``root``."""
    sidecar = json.loads((root / f"{stem}.json").read_text(encoding="utf-8"))
    body_path = root / f"{stem}.txt"
    body = body_path.read_bytes().decode("utf-8") if body_path.is_file() else ""
    output = output_from(stem, sidecar, body)
    output.disagreement = body_disagreement(sidecar, body, body_path.is_file())
    return output


def body_disagreement(sidecar: dict[str, Any], body: str, body_file: bool) -> str:
    """How a body file and its sidecar disagree, in a reader's words; "" when they agree.

    >>> body_disagreement({"body_sha256": None}, "", False)
    ''
    >>> body_disagreement({"body_sha256": body_digest("Text.\\n")}, "Text, edited.\\n", True)
    'the body file does not match its sidecar (edited or cut without it)'
    """
    if "body_sha256" not in sidecar:
        return ""  # written before sidecars named their body: nothing to check against
    expected = sidecar["body_sha256"]
    if expected is None:
        return "a body file the sidecar does not have" if body_file else ""
    if not body_file:
        return "the body file is missing"
    return "" if body_digest(body) == expected else "the body file does not match its sidecar (edited or cut without it)"


def output_stems(root: Path) -> list[str]:
    """Every document stem below ``root``, sorted; hidden files and the run summary skipped."""
    stems = []
    for path in root.rglob("*.json"):
        rel = path.relative_to(root)
        if any(part.startswith(".") for part in rel.parts) or rel.as_posix() == RUN_SUMMARY:
            continue
        stems.append(rel.as_posix()[: -len(".json")])
    return sorted(stems)


def iter_outputs(root: Path) -> Iterator[Output]:
    """Every document of an output folder, in sorted order of stem."""
    for stem in output_stems(root):
        yield load_output(root, stem)


def load_run_summary(root: Path) -> dict[str, Any] | None:
    path = root / RUN_SUMMARY
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None

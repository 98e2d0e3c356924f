"""The unit of work: a :class:`Document` and the records it carries.

A document travels through the stages in one direction. Each stage reads what
earlier stages left on it and adds its own facts; nothing is kept anywhere else,
so the same list of stages runs in a process pool or on a cluster.

Every input line gets exactly one decision, so a reviewer can always answer
"where did this line go, and why?"::

    >>> doc = Document(id="a.txt", source="a.txt")
    >>> doc.lines = [Line(1, "Home | News | Sport"), Line(2, "The minister said ...")]
    >>> doc.lines[0].remove("boilerplate", "navigation")
    >>> [line.text for line in doc.kept_lines()]
    ['The minister said ...']
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from pipeline._lines import (count_values, group_values, kept_values, make_records, record_columns, removed_records,
                             select_records)

#: Kinds of line the extractors produce. Headings stay in the body when kept.
PARAGRAPH, HEADING, LIST_ITEM, TABLE_ROW = "p", "h", "li", "tr"
#: Block quotes and preformatted text (code): paragraphs to the classifier, their own blocks in Markdown.
QUOTE, CODE = "quote", "code"


@dataclass(slots=True)
class Line:
    """One line of a text dump, or one block of extracted HTML.

    ``number`` is the 1-based line number in the source text (for HTML, in the
    extractor's output), so sidecars point back at what a reviewer can open.
    """

    number: int
    text: str
    kind: str = PARAGRAPH
    lang: str = "und"
    keep: bool = True
    stage: str = ""
    reason: str = ""
    #: The block's structure, for structured bodies (Markdown) and the classifier: a heading's level
    #: (1-6) or a list item's nesting depth (1 is the top level); 0 when unknown.
    level: int = 0
    #: A list item of an ordered (numbered) list.
    ordered: bool = False
    #: A table row's cells, and whether the row is the table's header.
    cells: tuple[str, ...] = ()
    header: bool = False

    def __reduce__(self) -> tuple:
        # Pickled by field order (documents are spooled between phases): the dataclass default looks
        # the fields up for every line it loads.
        return (Line, (self.number, self.text, self.kind, self.lang, self.keep, self.stage, self.reason,
                       self.level, self.ordered, self.cells, self.header))

    def remove(self, stage: str, reason: str) -> None:
        """Mark the line removed; the first removal wins, so reasons stay stable."""
        if self.keep:
            self.keep, self.stage, self.reason = False, stage, reason

    def relabel(self, stage: str, reason: str) -> None:
        """Remove the line with a more specific reason than an earlier stage gave.

        The metadata stage uses it: a title removed by the boilerplate model as
        "model:inside-long-span" is, to a reviewer, simply the title.
        """
        self.keep, self.stage, self.reason = False, stage, reason

    def restore(self) -> None:
        self.keep, self.stage, self.reason = True, "", ""


#: Line's fields in order, their slot descriptors, and their defaults (None for those without one).
LINE_FIELDS = tuple(item.name for item in fields(Line))
_LINE_SLOTS = tuple(Line.__dict__[name] for name in LINE_FIELDS)
_LINE_DEFAULTS = {item.name: item.default for item in fields(Line)}


def make_lines(count: int, **columns: Any) -> list[Line]:
    """``count`` lines, each field given as a list (a value per line) or as one value for every line;
    a field not given takes its default. The lines ``Line(**fields)`` would make, made in bulk
    (:mod:`pipeline._lines`: about half the cost of calling the class for each line)::

        >>> make_lines(2, number=[1, 3], text=["Menu", "Body text."], lang="en")[1]
        Line(number=3, text='Body text.', kind='p', lang='en', keep=True, stage='', reason='', level=0, ordered=False, cells=(), header=False)
    """
    return make_records(Line, _LINE_SLOTS, [columns.get(name, default) for name, default in _LINE_DEFAULTS.items()],
                        count)


def line_columns(lines: list[Line], *names: str) -> list[list[Any]]:
    """The values of each of :data:`LINE_FIELDS` (or of the fields ``names``) over ``lines``, a list
    per field (all of them are what :func:`lines_from_columns` makes lines of again)::

        >>> line_columns([Line(1, "a", lang="en"), Line(3, "b")], "number", "lang")
        [[1, 3], ['en', 'und']]
    """
    return record_columns(lines, tuple(Line.__dict__[name] for name in names) if names else _LINE_SLOTS)


def lines_from_columns(columns: Sequence[list[Any]]) -> list[Line]:
    """Lines from :func:`line_columns`'s lists (a value of every field per line)."""
    return make_records(Line, _LINE_SLOTS, list(columns), len(columns[0])) if columns else []


_NUMBER, _TEXT, _LANG, _KEEP, _STAGE, _REASON = (Line.__dict__[name] for name in
                                                  ("number", "text", "lang", "keep", "stage", "reason"))
#: What the sidecar says of each removed line, and the fields it is read from.
REMOVAL_KEYS = ("line", "text", "stage", "reason")
_REMOVAL_SLOTS = (_NUMBER, _TEXT, _STAGE, _REASON)


def removal_records(lines: list[Line]) -> list[dict[str, Any]]:
    """A record of each removed line, in order (a sidecar's ``removed``; one pass of the kernel)::

        >>> removal_records([Line(1, "Home", keep=False, stage="boilerplate", reason="navigation"), Line(2, "Body.")])
        [{'line': 1, 'text': 'Home', 'stage': 'boilerplate', 'reason': 'navigation'}]
    """
    return removed_records(lines, _REMOVAL_SLOTS, REMOVAL_KEYS, _KEEP)


def line_numbers_by_language(lines: list[Line]) -> dict[str, list[int]]:
    """Each line language's line numbers, languages in order of first use (a sidecar's ``line_languages``)::

        >>> line_numbers_by_language([Line(1, "a", lang="en"), Line(2, "b"), Line(3, "c", lang="en")])
        {'en': [1, 3], 'und': [2]}
    """
    return group_values(lines, _LANG, _NUMBER)


def removal_counts(lines: list[Line]) -> dict[str, int]:
    """How many lines were removed for each reason, sorted by reason (a manifest entry's ``removed``)::

        >>> removal_counts([Line(1, "a", keep=False, reason="navigation"), Line(2, "b", keep=False, reason="caption"),
        ...                 Line(3, "c", keep=False, reason="navigation")])
        {'caption': 1, 'navigation': 2}
    """
    return dict(sorted(count_values(lines, _REASON, _KEEP).items()))


#: Reasons that are a verdict on the content, not a fault: the document was
#: read and understood, and the answer is "nothing to keep" or "not ours".
#: Every other reason is a failure, and makes a run exit non-zero.
OUTCOME_OF_REASON = {
    "no-article": "empty",
    "empty": "empty",
    "unsupported-language": "skipped",
    "unsupported-format": "skipped",
    "unchanged": "unchanged",
}

#: Reasons that are a fault of the run, not a verdict on the document: a limit that ran out, a
#: worker that died, memory or the disk that failed. A re-run never reuses them as "unchanged":
#: it tries the document again (a verdict such as "binary-content" or "no-article" is reused).
RETRIED_REASONS = frozenset({"timeout", "worker-crashed", "out-of-memory", "unreadable"})


@dataclass
class Failure:
    """Why a document produced no body. ``stage`` names where it was decided."""

    stage: str
    reason: str
    detail: str = ""

    @property
    def outcome(self) -> str:
        return OUTCOME_OF_REASON.get(self.reason, "failed")

    @property
    def retried(self) -> bool:
        """Whether the next run tries the document again (see :data:`RETRIED_REASONS`)."""
        return self.reason in RETRIED_REASONS

    def as_dict(self) -> dict[str, str]:
        return {"stage": self.stage, "reason": self.reason, "detail": self.detail}


@dataclass
class Document:
    """A document and everything the pipeline decided about it.

    ``id`` and ``source`` are relative (a path below the input root, or a record
    id), never absolute, so outputs do not depend on where a checkout lives.
    """

    id: str
    source: str
    output: str = ""  # output path stem below the output root, e.g. "news/a"
    raw: bytes = b""
    sha256: str = ""
    format: str = ""  # "text" or "html", decided by sniffing the content
    text: str = ""  # decoded (and, for text dumps, repaired) text
    html: str = ""  # decoded markup, for HTML documents
    encoding: dict[str, Any] = field(default_factory=dict)
    repairs: list[dict[str, Any]] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    language: str = "und"
    language_shares: dict[str, float] = field(default_factory=dict)
    metadata: dict[str, Any] = field(default_factory=dict)
    # Facts about the page's layout that later stages read (its headlines, the
    # short texts around the first one); evidence, not output: never written.
    page: dict[str, Any] = field(default_factory=dict)
    failure: Failure | None = None
    trace: list[dict[str, Any]] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        """``ok``, or the failure's outcome: ``empty``, ``skipped`` or ``failed``."""
        return self.failure.outcome if self.failure else "ok"

    def __getstate__(self) -> dict[str, Any]:
        # A document travels between processes (to a worker, into the spool) with its lines as columns:
        # eleven lists pickle far faster than as many objects as the page has lines.
        # A field with one value on every line (a dump's kinds, levels, cells) travels as that value.
        state = dict(self.__dict__)
        lines = state.pop("lines")
        state["line_columns"] = (len(lines), record_columns(lines, _LINE_SLOTS, True)) if lines else ()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        packed = state.pop("line_columns", ())
        self.__dict__.update(state)
        self.lines = make_records(Line, _LINE_SLOTS, packed[1], packed[0]) if packed else []

    def kept_lines(self) -> list[Line]:
        return select_records(self.lines, _KEEP, True)

    def removed_lines(self) -> list[Line]:
        return select_records(self.lines, _KEEP, False)

    @property
    def body(self) -> str:
        """The article body: kept lines, one per line, a blank line between."""
        kept = kept_values(self.lines, _TEXT, _KEEP)
        return "\n\n".join(kept) + "\n" if kept else ""

    def copy(self) -> Document:
        """An independent copy (the raw bytes, which nothing changes, are shared).

        A batch keeps one of each document, so that when the batch fails as a whole each document
        can be cleaned again on its own from where it started.
        """
        new = object.__new__(Document)
        new.__dict__.update(self.__dict__)
        new.encoding, new.repairs, new.language_shares = dict(self.encoding), list(self.repairs), dict(self.language_shares)
        new.lines = lines_from_columns(line_columns(self.lines)) if self.lines else []
        new.metadata, new.page, new.trace = dict(self.metadata), dict(self.page), list(self.trace)
        new.failure = replace(self.failure) if self.failure else None
        return new

    def fail(self, stage: str, reason: str, detail: str = "") -> None:
        if self.failure is None:
            self.failure = Failure(stage, reason, detail)

    def note(self, stage: str, **facts: Any) -> None:
        """Add a trace record: what a stage decided for the whole document."""
        self.trace.append({"stage": stage, **facts})

"""``pipeline diff OLD_CLEAN NEW_CLEAN``: which lines moved between body and removed, and why.

Made for code review: after a rule or model change, run the pipeline into a
new folder and compare it with the committed one. Per changed document it
lists the lines that entered or left the body (with old and new reasons), the
removed lines whose reason changed, kept lines whose text changed, and
metadata fields that changed; then a summary::

    seeds/a
      - line 3     left body    -> boilerplate/navigation     Home | News | Sport
      + line 9     entered body <- boilerplate/short-line     He said no.
        title: 'Old title' -> 'New title'

    2 of 9 documents changed (0 added, 0 gone); 1 line left the body, 1 entered it
      left the body, by new reason:      navigation 1
      entered the body, by old reason:   short-line 1

Lines are paired by text (a sequence alignment, so lines that appear or
vanish because extraction changed do not shift the rest), and by position
within a run of changed lines. The exit status is 0 when the folders agree,
1 when they differ, 2 when a folder cannot be read, like ``diff(1)``.

A document whose body file and sidecar disagree (a body edited or cut without
its sidecar; :func:`pipeline.review.outputs.body_disagreement`) cannot be
compared: it is named as an error and the exit status is 2.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.review.outputs import REVIEWED_FIELDS, LineRecord, Output, load_output, output_stems

#: Characters of a line's text shown per change, so one change is one terminal line.
TEXT_WIDTH = 56
#: Lines listed per document before "... and N more" (the summary still counts all).
MAX_LINES_PER_DOCUMENT = 40
#: Reasons listed per summary row before "...".
MAX_REASONS = 8
#: Exit statuses, as diff(1).
SAME, DIFFERENT, TROUBLE = 0, 1, 2

LEFT, ENTERED, REASON, TEXT, GONE, NEW = "left", "entered", "reason", "text", "gone", "new"
#: Marker of each kind of line change in the listing.
MARKS = {LEFT: "-", ENTERED: "+", REASON: "~", TEXT: "~", GONE: "-", NEW: "+"}


@dataclass(frozen=True)
class LineChange:
    """One line whose decision or text differs; ``old``/``new`` is None for a line only one side has."""

    kind: str
    old: LineRecord | None
    new: LineRecord | None

    @property
    def number(self) -> int:
        return (self.new or self.old).number  # type: ignore[union-attr]


@dataclass
class DocumentDiff:
    stem: str
    state: str = "changed"  # "changed", "added" (only in NEW) or "gone" (only in OLD)
    lines: list[LineChange] = field(default_factory=list)
    fields: list[tuple[str, Any, Any]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return self.state != "changed" or bool(self.lines or self.fields)


@dataclass
class TreeDiff:
    documents: int = 0
    changed: list[DocumentDiff] = field(default_factory=list)
    #: Documents that cannot be compared: their folder, stem and how body and sidecar disagree.
    errors: list[tuple[Path, str, str]] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for doc in self.changed for change in doc.lines if change.kind == kind)

    def reasons(self, kind: str) -> Counter:
        """For lines that left the body: their new reason; that entered it: their old reason."""
        counts: Counter = Counter()
        for doc in self.changed:
            for change in doc.lines:
                if change.kind == kind:
                    record = change.new if kind == LEFT else change.old
                    counts[record.reason if record and record.reason else "(new line)" if kind == ENTERED
                           else "(line gone)"] += 1
        return counts


def paired_lines(old: list[LineRecord], new: list[LineRecord]) -> list[tuple[LineRecord | None, LineRecord | None]]:
    """Old and new lines paired by text, then by position inside each changed run."""
    keys_old = [line.text if line.text is not None else f"\0{line.number}" for line in old]
    keys_new = [line.text if line.text is not None else f"\0{line.number}" for line in new]
    if keys_old == keys_new:
        return list(zip(old, new))
    pairs: list[tuple[LineRecord | None, LineRecord | None]] = []
    matcher = difflib.SequenceMatcher(None, keys_old, keys_new, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            pairs.extend(zip(old[i1:i2], new[j1:j2]))
        else:
            pairs.extend((line, None) for line in old[i1:i2])
            pairs.extend((None, line) for line in new[j1:j2])
    return pairs


def line_change(before: LineRecord | None, after: LineRecord | None) -> LineChange | None:
    """How a pair of :func:`paired_lines` changed, or None when it did not."""
    if after is None:
        return LineChange(LEFT if before.keep else GONE, before, None)  # type: ignore[union-attr]
    if before is None:
        return LineChange(ENTERED if after.keep else NEW, None, after)
    if before.keep != after.keep:
        return LineChange(LEFT if before.keep else ENTERED, before, after)
    if not after.keep and (before.stage, before.reason) != (after.stage, after.reason):
        return LineChange(REASON, before, after)
    if before.text != after.text and None not in (before.text, after.text):
        return LineChange(TEXT, before, after)
    return None


def line_changes(old: list[LineRecord], new: list[LineRecord]) -> list[LineChange]:
    """What changed line by line between two runs of one document."""
    return [change for before, after in paired_lines(old, new) if (change := line_change(before, after))]


def diff_documents(old: Output | None, new: Output | None) -> DocumentDiff:
    """The differences between two runs' outputs of one document (either may be missing)."""
    stem = (new or old).stem  # type: ignore[union-attr]
    if old is None:
        return DocumentDiff(stem, "added", [LineChange(ENTERED if l.keep else NEW, None, l) for l in new.lines])  # type: ignore[union-attr]
    if new is None:
        return DocumentDiff(stem, "gone", [LineChange(LEFT if l.keep else GONE, l, None) for l in old.lines])
    result = DocumentDiff(stem, lines=line_changes(old.lines, new.lines))
    extra = set(old.sidecar.get("metadata_extra") or {}) | set(new.sidecar.get("metadata_extra") or {})
    for name in (*REVIEWED_FIELDS, *sorted(extra)):
        if old.field(name) != new.field(name):
            result.fields.append((name, old.field(name), new.field(name)))
    return result


def diff_trees(old_root: Path, new_root: Path) -> TreeDiff:
    """Compare every document of two output folders."""
    old_stems, new_stems = set(output_stems(old_root)), set(output_stems(new_root))
    tree = TreeDiff()
    for stem in sorted(old_stems | new_stems):
        tree.documents += 1
        old = load_output(old_root, stem) if stem in old_stems else None
        new = load_output(new_root, stem) if stem in new_stems else None
        broken = [(root, output) for root, output in ((old_root, old), (new_root, new)) if output and output.disagreement]
        if broken:
            tree.errors += [(root, stem, output.disagreement) for root, output in broken]
            continue
        if result := diff_documents(old, new):
            tree.changed.append(result)
    return tree


def clip(text: str | None, width: int = TEXT_WIDTH) -> str:
    """One line of text, at most ``width`` characters (control characters shown as spaces)."""
    if text is None:
        return "(text not in the body file)"
    flat = "".join(" " if ch < " " or ch == "\x7f" else ch for ch in text)
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _describe(change: LineChange) -> str:
    old, new = change.old, change.new
    if change.kind == LEFT:
        what = f"left body    -> {new.stage}/{new.reason}" if new else "left body    (line gone)"
    elif change.kind == ENTERED:
        what = f"entered body <- {old.stage}/{old.reason}" if old else "entered body (new line)"
    elif change.kind == REASON:
        what = f"{old.stage}/{old.reason} -> {new.stage}/{new.reason}"  # type: ignore[union-attr]
    elif change.kind == TEXT:
        return f"kept, text changed: {clip(old.text, TEXT_WIDTH // 2)!s} -> {clip(new.text, TEXT_WIDTH // 2)}"  # type: ignore[union-attr]
    elif change.kind == GONE:
        what = f"removed line gone ({old.stage}/{old.reason})"  # type: ignore[union-attr]
    else:
        what = f"new removed line ({new.stage}/{new.reason})"  # type: ignore[union-attr]
    return f"{what:<48} {clip((new or old).text)}"  # type: ignore[union-attr]


def format_document(doc: DocumentDiff, limit: int = MAX_LINES_PER_DOCUMENT) -> list[str]:
    header = doc.stem + {"changed": "", "added": "  (only in NEW)", "gone": "  (only in OLD)"}[doc.state]
    out = [header]
    if doc.state != "changed":
        kept = sum(1 for change in doc.lines if change.kind in (LEFT, ENTERED))
        out.append(f"    {len(doc.lines)} lines, {kept} in the body")
        return out
    for change in doc.lines[:limit]:
        out.append(f"  {MARKS[change.kind]} line {change.number:<5} {_describe(change)}")
    if len(doc.lines) > limit:
        out.append(f"    ... and {len(doc.lines) - limit} more lines")
    for name, before, after in doc.fields:
        out.append(f"    {name}: {clip(repr(before), TEXT_WIDTH // 2)} -> {clip(repr(after), TEXT_WIDTH // 2)}")
    return out


def _reason_row(label: str, counts: Counter) -> str:
    items = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    shown = ", ".join(f"{reason} {count}" for reason, count in items[:MAX_REASONS])
    return f"  {label:<34} {shown}{', ...' if len(items) > MAX_REASONS else ''}"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def format_summary(tree: TreeDiff) -> list[str]:
    added = sum(1 for doc in tree.changed if doc.state == "added")
    gone = sum(1 for doc in tree.changed if doc.state == "gone")
    left, entered = tree.count(LEFT), tree.count(ENTERED)
    out = [f"{len(tree.changed)} of {_plural(tree.documents, 'document')} changed ({added} added, {gone} gone); "
           f"{_plural(left, 'line')} left the body, {entered} entered it"]
    if tree.errors:
        out.append(f"  {_plural(len({stem for _, stem, _ in tree.errors}), 'document')} not compared: body and "
                   "sidecar disagree (listed as errors)")
    if left:
        out.append(_reason_row("left the body, by new reason:", tree.reasons(LEFT)))
    if entered:
        out.append(_reason_row("entered the body, by old reason:", tree.reasons(ENTERED)))
    if reasons := tree.count(REASON):
        out.append(f"  {_plural(reasons, 'removed line')} changed reason")
    if texts := tree.count(TEXT):
        out.append(f"  {_plural(texts, 'kept line')} changed text")
    if fields := Counter(name for doc in tree.changed for name, _, _ in doc.fields):
        out.append(_reason_row("metadata changed:", fields))
    return out


def format_tree(tree: TreeDiff, limit: int = MAX_LINES_PER_DOCUMENT) -> str:
    out: list[str] = []
    for doc in tree.changed:
        out.extend(format_document(doc, limit))
        out.append("")
    out.extend(format_summary(tree))
    return "\n".join(out) + "\n"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("old", type=Path, help="output folder of the old run (e.g. the committed clean/)")
    parser.add_argument("new", type=Path, help="output folder of the new run")
    parser.add_argument("--max-lines", type=int, default=MAX_LINES_PER_DOCUMENT,
                        help=f"changed lines listed per document (default {MAX_LINES_PER_DOCUMENT})")


def main(args: argparse.Namespace) -> int:
    for folder in (args.old, args.new):
        if not folder.is_dir():
            print(f"pipeline diff: not a folder: {folder}", file=sys.stderr)
            return TROUBLE
    try:
        tree = diff_trees(args.old, args.new)
    except (OSError, ValueError) as error:
        print(f"pipeline diff: {error}", file=sys.stderr)
        return TROUBLE
    sys.stdout.write(format_tree(tree, args.max_lines))
    for root, stem, disagreement in tree.errors:
        print(f"pipeline diff: error: {root / stem}: {disagreement}", file=sys.stderr)
    return TROUBLE if tree.errors else DIFFERENT if tree.changed else SAME

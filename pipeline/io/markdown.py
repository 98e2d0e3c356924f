"""Markdown bodies: the kept lines with their structure (``pipeline clean --body markdown``).

Every kept line is one unit of the body, as in a text body, so a sidecar's line numbers hold for
either format. A heading is ``#`` to ``######`` (its HTML level; ``##`` for a heading of a dump), a
list item ``- `` or ``1. `` (nested four spaces a level), a table row ``| a | b |`` (the first row,
or the header row, followed by ``| --- |``; pipes inside cells escaped), a quote ``> `` and code a
fenced block. Items of one list and rows of one table are one block, one unit a line; other units are
blocks of their own, a blank line between. No inline syntax is written (no links, no emphasis); a
paragraph that would start like a block gets a backslash::

    >>> from pipeline.document import HEADING, LIST_ITEM, TABLE_ROW, Line
    >>> lines = [Line(1, "Budget", HEADING, level=2), Line(2, "Spending rose."),
    ...          Line(3, "Schools", LIST_ITEM, level=1), Line(4, "Roads", LIST_ITEM, level=1),
    ...          Line(5, "Dept | 2026", TABLE_ROW, cells=("Dept", "2026"), header=True),
    ...          Line(6, "A|B | 3", TABLE_ROW, cells=("A|B", "3")), Line(7, "- not a list")]
    >>> print(markdown_body(lines), end="")
    ## Budget
    <BLANKLINE>
    Spending rose.
    <BLANKLINE>
    - Schools
    - Roads
    <BLANKLINE>
    | Dept | 2026 |
    | --- | --- |
    | A\\|B | 3 |
    <BLANKLINE>
    \\- not a list

:func:`unit_texts` reads such a body back, one text per kept line, for the review tools::

    >>> unit_texts(markdown_body(lines))
    ['Budget', 'Spending rose.', 'Schools', 'Roads', 'Dept | 2026', 'A|B | 3', '- not a list']

A dump has no markup: its structure comes from the characters of its kept lines
(:mod:`pipeline.text.structure`, see :func:`dump_structure`).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from pipeline.document import CODE, HEADING, LIST_ITEM, PARAGRAPH, QUOTE, TABLE_ROW, Line
from pipeline.text.structure import dump_cells, is_ordered_marker, list_marker, looks_like_heading

#: Level of a heading a dump's line is taken for (the title, a ``#``, is in the sidecar).
DUMP_HEADING_LEVEL = 2
#: A run of at least this many alike lines of a dump is a list or a table (one bulleted line is
#: a paragraph that starts with a dash; one line with a ``|`` is "Home | News").
DUMP_RUN_MIN_LINES = 2
#: Spaces a nested list item is indented by per level (enough under ``- `` and ``10. `` alike).
LIST_INDENT = 4
#: What a body's blocks are joined with (as in a text body).
BLOCK_BREAK = "\n\n"

#: A paragraph starting with one of these (or with "12. "), would start another block: escaped.
_BLOCK_STARTS = frozenset("#>|`*+-=\\~")
_ORDERED_START = re.compile(r"^(\d{1,9})([.)])(?=\s|$)")
_LIST_UNIT = re.compile(r"^ *(?:- |\d{1,9}[.)] )")
_HEADING_UNIT = re.compile(r"^#{1,6} ")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)((?:\\\\)*)\|")


def _escape_start(text: str) -> str:
    if text[:1] in _BLOCK_STARTS:
        return "\\" + text
    return _ORDERED_START.sub(r"\1\\\2", text, count=1)


def _unescape_start(text: str) -> str:
    if text[:1] == "\\" and text[1:2] in _BLOCK_STARTS:
        return text[1:]
    return re.sub(r"^(\d{1,9})\\([.)])", r"\1\2", text, count=1)


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _table(rows: Sequence[Line]) -> str:
    """A GFM table: as many columns as its widest row; the header row, else the first, on top."""
    width = max(len(row.cells) or 1 for row in rows)
    out = []
    for index, row in enumerate(rows):
        cells = list(row.cells or (row.text,)) + [""] * (width - len(row.cells or (row.text,)))
        out.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
        if index == 0:
            out.append("|" + " --- |" * width)
    return "\n".join(out)


def _list(items: Sequence[Line]) -> str:
    out, numbers = [], {}
    for item in items:
        depth = max(item.level, 1)
        numbers = {level: number for level, number in numbers.items() if level <= depth}
        numbers[depth] = numbers.get(depth, 0) + 1
        marker = f"{numbers[depth]}. " if item.ordered else "- "
        out.append(" " * (LIST_INDENT * (depth - 1)) + marker + _escape_start(item.text))
    return "\n".join(out)


def _block(line: Line) -> str:
    if line.kind == HEADING:
        return "#" * min(max(line.level or DUMP_HEADING_LEVEL, 1), 6) + " " + line.text
    if line.kind == QUOTE:
        return "> " + line.text
    if line.kind == CODE:
        fence = "```" if "```" not in line.text else "~~~~"
        return f"{fence}\n{line.text}\n{fence}"
    return _escape_start(line.text)


def _starts_block(line: Line, previous: Line) -> bool:
    """Whether a list item or table row starts a list or table of its own, after one of the same kind:
    a header row starts a table; a top-level item of the other order (numbered or not) a list."""
    if line.kind == TABLE_ROW:
        return line.header
    return max(line.level, 1) == 1 and line.ordered != previous.ordered


def markdown_body(lines: Sequence[Line]) -> str:
    """The body of the kept ``lines`` as Markdown (lines that are all removed or empty give ``""``)."""
    kept = [line for line in lines if line.keep and line.text]
    blocks: list[str] = []
    index = 0
    while index < len(kept):
        line = kept[index]
        end = index + 1
        if line.kind in (LIST_ITEM, TABLE_ROW):
            while end < len(kept) and kept[end].kind == line.kind and not _starts_block(kept[end], kept[end - 1]):
                end += 1
            blocks.append(_list(kept[index:end]) if line.kind == LIST_ITEM else _table(kept[index:end]))
        else:
            blocks.append(_block(line))
        index = end
    return BLOCK_BREAK.join(blocks) + "\n" if blocks else ""


def _runs(values: Sequence[object]) -> list[tuple[int, int]]:
    """``(start, end)`` of each run of equal, non-empty values of at least :data:`DUMP_RUN_MIN_LINES`."""
    runs, start = [], 0
    for index in range(1, len(values) + 1):
        if index == len(values) or values[index] != values[start]:
            if values[start] and index - start >= DUMP_RUN_MIN_LINES:
                runs.append((start, index))
            start = index
    return runs


def dump_structure(lines: Sequence[Line]) -> list[Line]:
    """Copies of a dump's kept lines with the structure their characters show.

    Runs of lines with the same bullet become a list (the bullet goes; numbers make it ordered);
    runs of lines with the same number of tab- or pipe-separated cells become a table (the first
    row its header); a short line before a paragraph becomes a ``##`` heading
    (:func:`~pipeline.text.structure.looks_like_heading`)::

        >>> out = dump_structure([Line(1, "• Schools"), Line(2, "• Roads"), Line(3, "Name | Score"),
        ...                       Line(4, "Ali | 3")])
        >>> [(line.kind, line.text, line.cells) for line in out]
        [('li', 'Schools', ()), ('li', 'Roads', ()), ('tr', 'Name | Score', ('Name', 'Score')), ('tr', 'Ali | 3', ('Ali', '3'))]
    """
    kept = [replace(line) for line in lines if line.keep and line.text]
    markers = [list_marker(line.text) for line in kept]
    for start, end in _runs([marker[0] if marker else None for marker in markers]):
        for index in range(start, end):
            marker, text = markers[index]  # type: ignore[misc]
            kept[index].kind, kept[index].text, kept[index].level = LIST_ITEM, text, 1
            kept[index].ordered = is_ordered_marker(marker)
    cells = [(line.cells or dump_cells(line.text)) if line.kind == PARAGRAPH else () for line in kept]
    for start, end in _runs([len(row) for row in cells]):
        for index in range(start, end):
            kept[index].kind, kept[index].cells, kept[index].header = TABLE_ROW, cells[index], index == start
    for index, line in enumerate(kept):
        following = kept[index + 1] if index + 1 < len(kept) else None
        if line.kind == PARAGRAPH and following is not None and following.kind == PARAGRAPH \
                and looks_like_heading(line.text, following.text):
            line.kind, line.level = HEADING, DUMP_HEADING_LEVEL
    return kept


def render_markdown(lines: Sequence[Line], from_dump: bool) -> str:
    """The Markdown body of a document's lines; a dump's structure is read from its characters first."""
    return markdown_body(dump_structure(lines) if from_dump else lines)


def _table_texts(block_lines: list[str]) -> list[str]:
    texts = []
    for index, row in enumerate(block_lines):
        if index == 1:
            continue  # the | --- | line under the first row
        inner = row.strip()[2:-2] if len(row.strip()) >= 4 else ""
        cells = [re.sub(r"\\(.)", r"\1", cell).strip() for cell in _UNESCAPED_PIPE.sub(r"\1\0", inner).split("\0")]
        texts.append(" | ".join(cell for cell in cells if cell))
    return texts


def unit_texts(body: str) -> list[str]:
    """The text of each unit of a Markdown body (one per kept line), markup and escapes taken off."""
    body = body[:-1] if body.endswith("\n") else body
    texts: list[str] = []
    for block in body.split(BLOCK_BREAK) if body else []:
        first = block.split("\n", 1)[0]
        if first in ("```", "~~~~"):
            texts.append(block[len(first) + 1: -len(first) - 1])
        elif first.startswith("| "):
            texts.extend(_table_texts(block.split("\n")))
        elif _LIST_UNIT.match(first):
            texts.extend(_unescape_start(_LIST_UNIT.sub("", item, count=1)) for item in block.split("\n"))
        elif _HEADING_UNIT.match(first):
            texts.append(block.split(" ", 1)[1])
        elif first.startswith("> "):
            texts.append(block[2:])
        else:
            texts.append(_unescape_start(block))
    return texts

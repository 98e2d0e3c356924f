"""The block structure a text dump shows in its characters: bullets, table cells, headings.

A dump has no markup, but its lines still say what they are. A line that starts with a bullet or a
number is a list item; a line of tab- or pipe-separated fields is a table row; a short line without
a sentence's ending, right before a paragraph, is a heading. Each fact is about one line; whether a
run of such lines *is* a list or a table (several in a row, alike) is decided where the body is
written (:mod:`pipeline.io.markdown`)::

    >>> list_marker("• First point"), list_marker("2) Second point"), list_marker("-5 degrees")
    (('•', 'First point'), ('1)', 'Second point'), None)
    >>> dump_cells("Department\\t2026\\t2027"), dump_cells("| Name | Score |"), dump_cells("no cells")
    (('Department', '2026', '2027'), ('Name', 'Score'), ())
    >>> looks_like_heading("Tactical variant", "The coach changed the system at half time, and the team "
    ...                    "scored twice.")
    True
    >>> looks_like_heading("The coach changed the system.", "It worked.")
    False
"""

from __future__ import annotations

import re

#: Bullets a dump's list items start with (followed by a space, or directly by the text for the
#: round bullets that never start a word).
_BULLET = re.compile(r"^(?:([•·▪►◦●■□➢✓])\s*|([-*+–—])\s+)(?=\S)")
#: A numbered item: 1-3 digits, then ``.`` or ``)`` and a space ("1. ", "12) ").
_NUMBER = re.compile(r"^\d{1,3}([.)])\s+(?=\S)")
#: Fields of a table row in a dump: separated by tabs, or by ``|`` (outer pipes of "| a | b |" ignored).
_TAB = re.compile(r"\t+")
_PIPE = re.compile(r"\s*\|\s*")

#: A heading is at most this many words, and is followed by a paragraph of at least
#: :data:`HEADING_NEXT_MIN_WORDS` (a heading introduces a section; a short line before another short
#: line is a caption, a byline or a menu). Chosen on the kept lines of wcxb-dev's 711 dumps
#: (``python -m pipeline.evaluation.headings``), best F1 of a grid of 6-20 and 1-25 words: 12 and 12
#: give precision 0.630, recall 0.531 (F1 0.576); 10/10 0.625/0.530, 15/12 0.619/0.536, 12/15
#: 0.646/0.506 (a plateau). Many misses and false marks are label noise: the reference writes some
#: section titles as bold paragraphs, not ``#`` lines.
HEADING_MAX_WORDS = 12
HEADING_NEXT_MIN_WORDS = 12
#: Characters a heading does not end with: a sentence's end, a clause's, an ellipsis, a quote, and
#: digits (prices, dates, scores: on wcxb-dev 185 of the rule's false marks against 53 headings).
HEADING_BAD_ENDINGS = frozenset(".,;:!…،؛\"”’»)0123456789")


def list_marker(text: str) -> tuple[str, str] | None:
    """``(marker, item text)`` when ``text`` starts like a list item, else None.

    Numbered items all get the marker ``1.`` or ``1)`` (by their punctuation), so "1." and "2."
    items are alike and make one ordered list.
    """
    if match := _BULLET.match(text):
        return match.group(1) or match.group(2), text[match.end():]
    if match := _NUMBER.match(text):
        return "1" + match.group(1), text[match.end():]
    return None


def is_ordered_marker(marker: str) -> bool:
    """Whether a :func:`list_marker` marker numbers its items (``1.`` / ``1)``)."""
    return marker[:1].isdigit()


def dump_cells(text: str) -> tuple[str, ...]:
    """The fields of a tab- or pipe-separated line (two or more), else ``()``."""
    if "\t" in text:
        cells = [cell.strip() for cell in _TAB.split(text.strip())]
    elif "|" in text:
        cells = _PIPE.split(text.strip().strip("|").strip())
    else:
        return ()
    return tuple(cells) if len(cells) >= 2 and all(cells) else ()


def looks_like_heading(text: str, next_text: str | None) -> bool:
    """Whether a kept dump line reads as a heading of the paragraph after it (``next_text``).

    Short (:data:`HEADING_MAX_WORDS`), not ending like a sentence or clause
    (:data:`HEADING_BAD_ENDINGS`), not a list item, and followed by a paragraph of at least
    :data:`HEADING_NEXT_MIN_WORDS` words.
    """
    if not text or next_text is None or text[-1] in HEADING_BAD_ENDINGS or list_marker(text):
        return False
    return len(text.split()) <= HEADING_MAX_WORDS and len(next_text.split()) >= HEADING_NEXT_MIN_WORDS

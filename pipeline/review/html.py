"""What the review pages share: escaping, text direction, reason colours and badges, paging.

The run report (:mod:`pipeline.review.report`) and the change site (:mod:`pipeline.review.change`)
are static pages written from these pieces, so a reason has the same colour and an Arabic line the
same direction on both::

    >>> direction("ar"), direction("en")
    ('rtl', 'auto')
    >>> reason_colour("navigation") == reason_colour("navigation")
    True
    >>> page_file(1), page_file(12)
    ('page-0001.html', 'page-0012.html')
    >>> [list(chunk) for chunk in chunks(range(5), 2)]
    [[0, 1], [2, 3], [4]]
"""

from __future__ import annotations

import hashlib
import html
import itertools
from collections.abc import Iterable, Iterator
from typing import TypeVar

from pipeline.review.outputs import LineRecord

#: Languages written right to left: their lines get ``dir="rtl"``.
RTL_LANGUAGES = frozenset({"ar", "fa", "ur", "ps", "ckb", "sd", "ug", "he", "yi", "dv"})

Item = TypeVar("Item")


def escape(text: object) -> str:
    return html.escape(str(text), quote=True)


def direction(lang: str) -> str:
    """``rtl`` for right-to-left languages; ``auto`` lets the browser decide from the text."""
    return "rtl" if lang in RTL_LANGUAGES else "auto"


def reason_colour(reason: str) -> str:
    """A stable colour per reason (a hash, so the same reason looks the same on every page)."""
    hue = int(hashlib.sha256(reason.encode()).hexdigest()[:4], 16) % 360
    return f"hsl({hue},55%,38%)"


def badge(line: LineRecord) -> str:
    """"kept", or the line's reason in its colour with its stage."""
    if line.keep:
        return '<span class="badge kept">kept</span>'
    return (f'<span class="badge" style="background:{reason_colour(line.reason)}">{escape(line.reason)}</span> '
            f'<small>{escape(line.stage)}</small>')


def page_file(number: int) -> str:
    """The file name of page ``number`` (1-based) of a paged listing."""
    return f"page-{number:04d}.html"


def chunks(items: Iterable[Item], size: int) -> Iterator[list[Item]]:
    """``items`` in lists of ``size`` (the last may be shorter), read lazily."""
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def document(title: str, css: str, body: str, script: str = "") -> str:
    """A whole self-contained page (inline CSS and JavaScript, nothing fetched)."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>{escape(title)}</title><style>{css}</style>"
            + (f"<script>{script}</script>" if script else "") + f"</head><body>{body}</body></html>\n")


def pager(number: int, pages: int | None, index: str, more: bool = False) -> str:
    """Links to the index and to the pages before and after page ``number`` of ``pages`` (``None``:
    not known yet when the page is written; ``more`` says whether a next page follows)."""
    links = [f'<a href="{escape(index)}">index</a>']
    if number > 1:
        links.append(f'<a rel="prev" href="{page_file(number - 1)}">← page {number - 1}</a>')
    links.append(f"page {number}" + (f" of {pages}" if pages else ""))
    if (number < pages) if pages else more:
        links.append(f'<a rel="next" href="{page_file(number + 1)}">page {number + 1} →</a>')
    return f'<nav class="pager">{" · ".join(links)}</nav>'

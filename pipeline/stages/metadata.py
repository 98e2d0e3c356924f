"""Metadata: title, date, author, URL, site and tags, for dumps as well as HTML.

HTML pages arrive with trafilatura's metadata already on the document (from
``<title>``, ``<meta>``, JSON-LD); only gaps are filled here. A text dump has
no markup, so its metadata is read off the lines before the article body, the
way a person reads a printed page: the title is the headline-shaped line there
that a small ranker trained on the dev corpora scores highest
(:mod:`pipeline.text.titles`), the date is the first full date printed under
it (else the first short line that is a date), the author comes from a byline
("By Jane Roe", a "Written by" line over the name, or a name printed alone next
to the dateline), the URL from a line that is only a URL, the site from
``Site | tagline`` or ``date — Site`` lines, and tags from the line after a
``Tags:`` label::

    >>> lines = ["Home", "What is new? By Jane Roe", "20 January 2019 — Outlook",
    ...          "A long first paragraph of the article, with many words, the first body line of it."]
    >>> meta = dump_metadata(lines, first_body=3)
    >>> meta["title"], meta["author"], meta["date"], meta["site"]
    ('What is new?', 'Jane Roe', '2019-01-20', 'Outlook')

Lines that are metadata (title, dateline, byline) are taken out of the body with
stage ``metadata``, because the body must not repeat the title.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from itertools import compress, count
from operator import attrgetter
from typing import Any

from pipeline.document import Document, Line
from pipeline.text._meta import CREDIT, YEAR, first_prose_line, starting_with
from pipeline.text.bylines import (could_be_byline, credit_after_date, credit_over_name, find_byline, line_marks,
                                   name_at_dateline, near_headline_author, split_title_byline, tidy_author)
from pipeline.text.dates import credit_line_date, dateline_date, find_date, url_date
from pipeline.stages import BatchStage
from pipeline.text.titles import title_line, title_lines_marked

#: A page's only h1 is its title when it has at least this many words, and at most this many.
LONE_HEADLINE_MIN_WORDS, LONE_HEADLINE_MAX_WORDS = 2, 30
#: How far after the first body line a dateline or byline may still stand.
HEAD_SLACK_LINES = 3
#: A full date at most this many lines under the title is the article's date.
DATELINE_UNDER_TITLE = 6
#: A body line this long (in words) marks where the article starts.
FIRST_BODY_MIN_WORDS = 12
_FIRST_BODY_MIN_CHARS = 2 * FIRST_BODY_MIN_WORDS - 1

_URL_LINE = re.compile(r"^(https?://\S+)$")
_SITE_SPLIT = re.compile(r"\s+[|—–]\s+|\s+-\s+")
_TAG_LABEL = re.compile(r"^(tags?|keywords|topics|الوسوم|وسوم|الكلمات المفتاحية|كلمات مفتاحية)\s*[:：]?\s*(.*)$", re.I)
#: The first characters a URL line or a tag label can have (the tag label's, in any case): the cheap test,
#: made on all the lines in one compiled pass (:func:`pipeline.text._meta.starting_with`), that spares the
#: two patterns above on most lines.
_URL_OR_TAG_FIRST = "htTkK\u212aاوك"
_TAG_SPLIT = re.compile(r"\s*[,،|·;]\s*|\s{2,}")
#: A sentence ends with one of these, and then perhaps with closing quotes and brackets.
SENTENCE_ENDS, CLOSERS = ".!…;:,،", "”\"'»)"


def _words(text: str) -> int:
    return len(text.split())


def first_body_index(texts: list[str]) -> int:
    """Index of the first line that reads as article prose (long, ending like a sentence); ``len(texts)`` if none.

    The kernel's loop (:func:`pipeline.text._meta.first_prose_line`): a line of at least :data:`FIRST_BODY_MIN_WORDS`
    words (a line of N words has N characters and a space between each two: a shorter one is not split) that
    ends in one of :data:`SENTENCE_ENDS`, closing quotes and brackets (:data:`CLOSERS`) after it aside::

        >>> first_body_index(["Home", "A long first paragraph of the article, with many words, the first body line.”"])
        1
    """
    return first_prose_line(texts, _FIRST_BODY_MIN_CHARS, FIRST_BODY_MIN_WORDS, CLOSERS, SENTENCE_ENDS)


#: A line that names the site ("Alwaght | News & Analysis", "20 Jan 2019 — Outlook") is short; a longer
#: one is not looked at (splitting a huge line with long runs of spaces on ``_SITE_SPLIT`` takes time
#: quadratic in the runs: a 424,000-character fuzz line took over 10 s, make fuzz seed 8 input 34691).
SITE_LINE_MAX_CHARS = 200


def _site_from(text: str, date_found: bool) -> str | None:
    """``Alwaght | News & Analysis`` -> ``Alwaght``; ``20 Jan 2019 — Outlook`` -> ``Outlook``."""
    if len(text) > SITE_LINE_MAX_CHARS:
        return None
    parts = [part.strip() for part in _SITE_SPLIT.split(text) if part.strip()]
    if len(parts) != 2:
        return None
    if date_found:
        rest = [part for part in parts if not find_date(part)]
        return rest[0] if len(rest) == 1 and _words(rest[0]) <= 5 else None
    return parts[0] if _words(parts[0]) <= 3 and _words(parts[1]) <= 6 else None


def _tags_after(texts: list[str], index: int, inline: str) -> list[str]:
    source = inline or (texts[index + 1] if index + 1 < len(texts) else "")
    tags = [tag for tag in _TAG_SPLIT.split(source) if tag]
    if len(tags) == 1 and not inline:
        tags = source.split()
    return tags


def _take_dateline(meta: dict[str, Any], index: int, text: str, date: str) -> None:
    """Record the date of the dateline at ``index``, and the site name it may carry."""
    meta["date"] = date
    meta["meta_lines"].setdefault(index, "dateline")
    if site := _site_from(text, date_found=True):
        meta.setdefault("site", site)


def dump_metadata(texts: list[str], first_body: int | None = None, kept: list[bool] | None = None) -> dict[str, Any]:
    """Metadata of a text dump from its lines; ``meta_lines`` lists the lines used.

    ``kept`` says which lines the boilerplate stage kept (by default, those from ``first_body`` on).
    """
    texts, kept, first_body = dump_head(texts, first_body, kept)
    return metadata_with_title(texts, first_body, title_line(texts, kept, first_body))


def dump_head(texts: list[str], first_body: int | None = None,
              kept: list[bool] | None = None) -> tuple[list[str], list[bool], int]:
    """``(texts, kept, first_body)`` of a dump, the defaults of :func:`dump_metadata` filled in: the
    arguments of :func:`pipeline.text.titles.title_line`."""
    if first_body is None:
        first_body = first_body_index(texts)
    if kept is None:
        kept = [index >= first_body for index in range(len(texts))]
    return texts, kept, first_body


def metadata_with_title(texts: list[str], first_body: int, index: int | None,
                        marks: bytes | None = None) -> dict[str, Any]:
    """:func:`dump_metadata` once the title line (``index``, None for none) is chosen. ``marks``: the
    :func:`pipeline.text.bylines.line_marks` of at least the lines read here (those of
    :func:`pipeline.text.titles.title_lines_marked` are), if the caller has them."""
    meta: dict[str, Any] = {"meta_lines": {}}
    head_end = min(len(texts), first_body + HEAD_SLACK_LINES)
    # Which lines may hold a date or a byline: the date and byline tests are made on those only.
    if marks is None:
        marks = line_marks(texts, max(head_end, 0 if index is None else index + 1 + DATELINE_UNDER_TITLE))
    if index is not None:
        title, author = split_title_byline(texts[index]) or (texts[index], None)
        meta["title"] = title
        head = texts[:max(first_body, index + 1)]
        for other in compress(range(len(head)), map(texts[index].__eq__, head)):
            meta["meta_lines"][other] = "title"
        if author:
            meta["author"] = author
        # The date printed under the headline is the article's; a date higher up is often the
        # site's "today" in its header.
        for below in range(index + 1, min(len(texts), index + 1 + DATELINE_UNDER_TITLE)):
            if marks[below] & YEAR and (date := dateline_date(texts[below], full=True) or credit_line_date(texts[below])):
                _take_dateline(meta, below, texts[below], date)
                break
    for index in compress(range(head_end), marks):
        if "date" in meta and "author" in meta:
            break
        text = texts[index]
        if "date" not in meta and marks[index] & YEAR and (date := dateline_date(text)):
            _take_dateline(meta, index, text, date)
        # One line often holds both ("By Jane Roe | Updated March 3, 2024 at 9:00 AM"); find_byline
        # takes only a line that starts with a credit word, however long the date after the names.
        # A credit printed alone ("Written By") passes could_be_byline as well.
        if "author" in meta or not (marks[index] & CREDIT and could_be_byline(text)):
            continue
        if author := find_byline(text):
            meta["author"] = author
            meta["meta_lines"].setdefault(index, "byline")
        elif author := credit_over_name(texts, index):
            meta["author"] = author
            meta["meta_lines"].setdefault(index, "byline")
            meta["meta_lines"].setdefault(index + 1, "byline")
    if "author" not in meta and (dateline := next((index for index, kind in meta["meta_lines"].items()
                                                  if kind == "dateline"), None)) is not None:
        if author := credit_after_date(texts[dateline]):
            meta["author"] = author
        elif found := name_at_dateline(texts, dateline, taken=meta["meta_lines"]):
            meta["author"], index = found
            if index != dateline:
                meta["meta_lines"][index] = "byline"
    for index in starting_with(texts, _URL_OR_TAG_FIRST):
        text = texts[index]
        if "url" not in meta and (match := _URL_LINE.match(text)):
            meta["url"] = match.group(1)
            meta["meta_lines"].setdefault(index, "source-url")
        elif "tags" not in meta and (match := _TAG_LABEL.match(text)):
            if tags := _tags_after(texts, index, match.group(2)):
                meta["tags"] = tags
    if "site" not in meta and texts and (site := _site_from(texts[0], date_found=False)):
        meta["site"] = site
    return meta


#: A headline shares at least this share of its words with ``<title>`` to be taken as the title.
HEADLINE_TITLE_OVERLAP = 0.3
_WORD = re.compile(r"\w+")
_TITLE_SEPARATORS = re.compile(r"\s+[|–—-]\s+|\s*\|\s*|\s+::\s+|\s+»\s+")


def _overlap(a: str, b: str) -> float:
    left, right = set(_WORD.findall(a.lower())), set(_WORD.findall(b.lower()))
    return len(left & right) / max(1, len(left | right))


def strip_site_suffix(title: str) -> str:
    """``How to Rent a Car | Example Travel`` -> ``How to Rent a Car`` (the longest part)."""
    parts = [part.strip() for part in _TITLE_SEPARATORS.split(title) if part.strip()]
    return max(parts, key=lambda part: len(part.split())) if len(parts) > 1 else title


def choose_title(page_title: str | None, headlines: list[str]) -> str | None:
    """The article's headline: the h1 that matches ``<title>``, a lone h1, or ``<title>`` minus its site.

    >>> choose_title("Rent a Car: 7 Tips | Example Travel", ["Menu", "Rent a Car: 7 Tips"])
    'Rent a Car: 7 Tips'
    """
    if headlines:
        best = max(headlines, key=lambda h: (_overlap(h, page_title or ""), -headlines.index(h)))
        if page_title and _overlap(best, page_title) >= HEADLINE_TITLE_OVERLAP:
            return best
        if len(headlines) == 1 and LONE_HEADLINE_MIN_WORDS <= _words(headlines[0]) <= LONE_HEADLINE_MAX_WORDS:
            return headlines[0]
    return strip_site_suffix(page_title) if page_title else None


_NUMERIC_DATE = re.compile(r"\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b")
#: A dateline that gives the date of an update, not of the publication.
_UPDATE_LABEL = re.compile(
    r"\b(?:updated?|modified|revised|last\s+reviewed)\b|آخر تحديث|اخر تحديث|تم التحديث", re.I
)


def headline_date(near: list[str], markup: Iterable[str] | str | None = None) -> str | None:
    """The first full date printed around the headline, or None.

    An ambiguous numeric date (8/1/2025: August or January?) is read the way
    the page's markup (``<meta>``, JSON-LD, ``<time datetime>``) writes it when
    one of its two readings is among the ``markup`` dates. An "Updated ..." date
    gives way to a plain date printed with it ("Updated: Jan 2, 2026" above
    "Dec 22, 2022"). Skipping an "Updated ..." date that stands alone was measured
    and does not help: the wcxb truth takes the updated date as often as not.

    >>> headline_date(["By Jane Roe", "March 3, 2024"])
    '2024-03-03'
    >>> headline_date(["8/1/2025"], ["2025-08-01"])
    '2025-08-01'
    >>> headline_date(["Updated: January 2, 2026", "December 22, 2022"])
    '2022-12-22'
    """
    known = {markup[:10]} if isinstance(markup, str) else {date[:10] for date in markup or () if date}
    dates: list[tuple[str, str]] = []
    for text in near:
        date = find_date(text)
        if not date or len(date) != len("2000-01-01"):
            continue
        year, month, day = date.split("-")
        swapped = f"{year}-{day}-{month}"
        if int(day) <= 12 and swapped in known and _NUMERIC_DATE.search(text):
            date = swapped
        dates.append((text, date))
        if not _UPDATE_LABEL.search(text):
            break
    if not dates:
        return None
    published = [date for text, date in dates if not _UPDATE_LABEL.search(text)]
    return published[0] if published else dates[0][1]


def publication_date(known: dict[str, Any], page: dict[str, Any]) -> str | None:
    """The article's publication date: the first of these an HTML page has.

    1. a full date in the URL's path (/2025/12/18/slug), fixed when the article went out;
    2. the date a publication ``<meta>`` tag declares (Open Graph ``article:published_time``
       and the like, see :data:`pipeline.html.evidence.PUBLISHED_META`);
    3. the date printed around the headline (:func:`headline_date`), what a reader sees;
    4. JSON-LD ``datePublished``;
    5. htmldate's date, from the rest of the markup (read only when 1-4 give none);
    6. the first dateline anywhere on the page.

    The order is that of their accuracy on wcxb-dev when two disagree: the
    page's ``<meta>`` publication date beats the visible date (often the date
    of the last update) 32 to 11, the visible date beats JSON-LD 29 to 16 and
    htmldate 43 to 36.
    """
    markup = set(page.get("markup_dates", ()))
    candidates = (
        lambda: url_date(known.get("url")),
        lambda: page.get("published"),
        lambda: headline_date(page.get("near_headline", []), markup),
        lambda: page.get("json_ld_published"),
        lambda: known.get("date"),
        lambda: page.get("first_dateline"),
    )
    return next((date for candidate in candidates if (date := candidate())), None)


def html_metadata(known: dict[str, Any], page: dict[str, Any], lines: list[Line]) -> dict[str, Any]:
    """Title, date and author of an HTML page from its headline and the text around it.

    The date is the best of the page's evidence in a fixed order (:func:`publication_date`).
    """
    found: dict[str, Any] = {"meta_lines": {}}
    title = choose_title(known.get("title"), page.get("headlines", []))
    if title:
        found["title"] = title
    near = page.get("near_headline", [])
    if date := publication_date(known, page):
        found["date"] = date
    if not known.get("author") and (author := near_headline_author(near)):
        found["author"] = author
    titles = {text for text in (title, known.get("title")) if text}
    # The head of the page: its first lines, and its first kept lines (the block extractor's lines
    # start with the menus it removed, so the headline can stand below them).
    kept = [index for index, line in enumerate(lines) if line.keep][:HEAD_SLACK_LINES]
    for index in sorted(set(range(min(HEAD_SLACK_LINES, len(lines)))) | set(kept)):
        if lines[index].text.strip() in titles:
            found["meta_lines"][index] = "title"
    return found


class Metadata(BatchStage):
    """Stage: fill title/date/author/url/site/tags; take title and dateline lines out of the body.

    A batch's text dumps have their title candidates scored in one walk of the title model
    (:func:`pipeline.text.titles.title_lines_marked`, whose line marks the date and byline tests reuse); each
    document gets what it gets alone.
    """

    name, version = "metadata", "2"

    def process_batch(self, docs: list[Document]) -> list[Document]:
        dumps = [doc for doc in docs if doc.format != "html" and not doc.page.get("already_clean")]
        heads = [_head_of(doc) for doc in dumps]
        for doc, (texts, _, first_body), title, marks in zip(dumps, heads, *title_lines_marked(heads)):
            self._fill(doc, metadata_with_title(texts, first_body, title, marks), set())
        for doc in docs:
            if doc.format == "html":
                # the page's headline and visible date beat <title> and <meta>
                self._fill(doc, html_metadata(doc.metadata, doc.page, doc.lines), {"title", "date"})
            elif doc.page.get("already_clean"):
                # An article already clean (the boilerplate stage's page gate) has no title line, dateline or
                # byline around it: its first paragraph or heading is the article's, and stays in the body.
                self._fill(doc, {}, set())
        return docs

    def _fill(self, doc: Document, found: dict[str, Any], overriding: set[str]) -> None:
        """Relabel ``doc``'s metadata lines and take the ``found`` values (``overriding`` ones over the document's)."""
        for index, reason in sorted(found.pop("meta_lines", {}).items()):
            # Title, dateline, byline and URL lines leave the body for the sidecar,
            # whatever an earlier stage called them.
            doc.lines[index].relabel(self.name, reason)
        for key, value in found.items():
            if value and (key in overriding or not doc.metadata.get(key)):
                doc.metadata[key] = value
        if isinstance(author := doc.metadata.get("author"), str):  # from a byline, <meta>, JSON-LD or a search
            if tidied := tidy_author(author):
                doc.metadata["author"] = tidied
            else:
                del doc.metadata["author"]


def _head_of(doc: Document) -> tuple[list[str], list[bool], int]:
    """:func:`dump_head` of a text dump's document: the first body line is the first kept line, or the first
    prose line if that comes later."""
    texts, kept = list(map(attrgetter("text"), doc.lines)), list(map(attrgetter("keep"), doc.lines))
    first_kept = next(compress(count(), kept), len(kept))
    return dump_head(texts, max(first_kept, first_body_index(texts)) if doc.lines else 0, kept)

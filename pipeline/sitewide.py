"""The site pass: lines that repeat across many documents of one site are site furniture.

A menu, a footer or a "Follow us" line is printed on every page of a site; an
article paragraph is printed on one. When a run holds several documents of the
same site, counting in how many of them each line occurs finds what the
per-document classifier can miss (89–96% of the drop lines of pages saved the
same day, in the dev samples). Those lines are removed with stage
``sitewide`` and reason ``site-repeated``.

The pass is pure and order-independent: each document contributes the *set*
of its line keys (:func:`line_keys`), the index is a sum of per-site counts
(:meth:`SiteIndex.add`, :meth:`SiteIndex.merge` are commutative), and
:func:`apply_site_index` reads the finished index. So the result is the same
whatever the order of the documents or the number of workers::

    >>> index = SiteIndex.from_documents(docs)          # doctest: +SKIP
    >>> for doc in docs: apply_site_index(doc, index)    # doctest: +SKIP

What repeats but is not furniture. Dates ("14:00, 28 Apr 2024" on pages saved
the same day), section kickers, author bios and a bare "By" repeat across a
site's pages too; they are metadata, which the metadata stage has read and
taken out of the body before this pass (the first removal's reason stays), so
removing what is left of them from the body is right. The one thing that must
never go is article prose repeated because the same story was saved twice
(an update, a second URL): a prose-length line (:data:`PROSE_WORDS`) counts
as furniture only when it recurs on many pages (:data:`PROSE_MIN_DOCUMENTS`),
as a cookie notice or an "About us" blurb does.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import urlsplit

from pipeline.document import Document

STAGE, REASON = "sitewide", "site-repeated"
#: A line is site furniture when it occurs in at least this many documents of the site ...
MIN_DOCUMENTS = 2
#: ... and in at least this share of them (a line on 2 of 300 pages is a shared story link, not furniture).
MIN_SHARE = 0.3
#: A line of at least this many words reads as prose ...
PROSE_WORDS = 25
#: ... and counts as furniture only when it occurs in at least this many documents.
PROSE_MIN_DOCUMENTS = 5

_BULLET = re.compile(r"^[\s*•·+\-–—▪►◦●|>»]+")
_WHITESPACE = re.compile(r"\s+")


def site_key(doc: Document) -> str:
    """The site a document belongs to: its host (``host`` or ``url`` metadata, without ``www.``), else its folder."""
    host = str(doc.metadata.get("host") or "").strip().lower()
    if not host and doc.metadata.get("url"):
        host = (urlsplit(str(doc.metadata["url"])).hostname or "").lower()
    if host:
        return "host:" + host.removeprefix("www.")
    return "folder:" + PurePosixPath(doc.id).parent.as_posix()


def normalise_line(text: str) -> str:
    """The form lines are compared in: case-folded, bullets and spacing ignored."""
    return _WHITESPACE.sub(" ", _BULLET.sub("", text)).strip().casefold()


def line_key(text: str) -> str:
    """A short stable hash of a line's normalised text ("" for a line with nothing left)."""
    normal = normalise_line(text)
    return hashlib.blake2b(normal.encode("utf-8"), digest_size=8).hexdigest() if normal else ""


def line_keys(doc: Document) -> set[str]:
    """The keys of every line of the document (kept or not: the count must not depend on the classifier)."""
    return {key for key in (line_key(line.text) for line in doc.lines) if key}


@dataclass
class SiteIndex:
    """Per site: how many documents, and in how many of them each line key occurs."""

    documents: Counter = field(default_factory=Counter)
    counts: dict[str, Counter] = field(default_factory=dict)

    def add(self, site: str, keys: Iterable[str]) -> None:
        self.documents[site] += 1
        self.counts.setdefault(site, Counter()).update(set(keys))

    def merge(self, other: SiteIndex) -> SiteIndex:
        """The index of both sets of documents (for indexes built by separate workers)."""
        merged = SiteIndex(self.documents + other.documents, {})
        for site in sorted(set(self.counts) | set(other.counts)):
            merged.counts[site] = self.counts.get(site, Counter()) + other.counts.get(site, Counter())
        return merged

    @classmethod
    def from_counts(cls, items: Iterable[tuple[str, Iterable[str]]]) -> SiteIndex:
        """The index of ``(site, line keys)`` pairs, one pair per document."""
        index = cls()
        for site, keys in items:
            index.add(site, keys)
        return index

    @classmethod
    def from_documents(cls, docs: Iterable[Document]) -> SiteIndex:
        """The index of the documents that have a body (failed documents say nothing about a site)."""
        return cls.from_counts((site_key(doc), line_keys(doc)) for doc in docs if doc.failure is None)

    def document_count(self, key: str, site: str) -> int:
        return self.counts.get(site, Counter()).get(key, 0)

    def is_repeated(self, key: str, site: str, words: int) -> bool:
        """Whether a line (its key and length in words) is furniture of ``site``."""
        if not key:
            return False
        seen, total = self.document_count(key, site), self.documents.get(site, 0)
        needed = PROSE_MIN_DOCUMENTS if words >= PROSE_WORDS else MIN_DOCUMENTS
        return seen >= needed and seen >= MIN_SHARE * total

    def repeated_lines(self, site: str) -> frozenset[str]:
        """The keys that are furniture of ``site`` for a short line (prose lines need more, see above)."""
        total = self.documents.get(site, 0)
        return frozenset(key for key, seen in self.counts.get(site, Counter()).items()
                         if seen >= MIN_DOCUMENTS and seen >= MIN_SHARE * total)


def apply_site_index(doc: Document, index: SiteIndex) -> int:
    """Remove the document's site-repeated lines (stage ``sitewide``); the number of lines removed."""
    if doc.failure is not None:
        return 0
    site = site_key(doc)
    removed = 0
    for line in doc.lines:
        if line.keep and index.is_repeated(line_key(line.text), site, len(line.text.split())):
            line.remove(STAGE, REASON)
            removed += 1
    if removed:
        doc.note(STAGE, site=site, removed=removed)
        if not doc.kept_lines():
            doc.fail(STAGE, "no-article", "every line was removed as site boilerplate")
    return removed

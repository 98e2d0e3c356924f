"""The site pass: lines that repeat across many documents of one site are site furniture.

A menu, a footer or a "Follow us" line is printed on every page of a site; an
article paragraph is printed on one. When a run holds several documents of the
same site, counting in how many of them each line occurs finds what the
per-document classifier can miss (89–96% of the drop lines of pages saved the
same day, in the dev samples). Those lines are removed with stage
``sitewide`` and reason ``site-repeated``.

The pass is pure and order-independent: each document contributes the *set*
of its line keys (:func:`line_keys`), :class:`SiteCounts` sums them per site
(adding is commutative) and :func:`apply_site_index` reads the finished
:class:`SiteIndex`. So the result is the same whatever the order of the
documents or the number of workers::

    >>> index = SiteIndex.from_documents(docs)          # doctest: +SKIP
    >>> for doc in docs: apply_site_index(doc, index)    # doctest: +SKIP

Memory stays flat however large the run. A crawl of 100,000 pages has about
17 million distinct (site, line) pairs, nearly all seen once; held as Python
strings they took 1.4 GB. :class:`SiteCounts` keeps each pair as 12 bytes,
spills them to :data:`BUCKETS` files split by key, and counts one file at a
time; the finished index keeps only the lines that *are* repeated, which is
at most a few hundred per site (a line must be on 30% of the site's pages).

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

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import numpy as np

from pipeline.document import Document, line_columns
from pipeline.text.scan import line_key, normalise_line
from pipeline.text.scan import line_keys as line_key_array

STAGE, REASON = "sitewide", "site-repeated"
#: A line is site furniture when it occurs in at least this many documents of the site ...
MIN_DOCUMENTS = 2
#: ... and in at least this share of them (a line on 2 of 300 pages is a shared story link, not furniture).
MIN_SHARE = 0.3
#: A line of at least this many words reads as prose ...
PROSE_WORDS = 25
#: ... and counts as furniture only when it occurs in at least this many documents.
PROSE_MIN_DOCUMENTS = 5

#: A (site, line key) pair as counted and spilled: 12 bytes.
PAIR = np.dtype([("site", "<u4"), ("key", "<u8")])
#: Pairs held in memory before they are spilled to the bucket files (12 MB).
FLUSH_PAIRS = 1 << 20
#: Spilled pairs are split into this many files by the top bits of their key, and each is counted alone:
#: a run of 10 million pages (about 20 GB of pairs) counts 80 MB at a time.
BUCKET_BITS = 8
BUCKETS = 1 << BUCKET_BITS

def site_key(doc: Document) -> str:
    """The site a document belongs to: its host (``host`` or ``url`` metadata, without ``www.``), else its folder."""
    host = str(doc.metadata.get("host") or "").strip().lower()
    if not host and doc.metadata.get("url"):
        host = (urlsplit(str(doc.metadata["url"])).hostname or "").lower()
    if host:
        return "host:" + host.removeprefix("www.")
    return "folder:" + _folder(doc.id)


def _folder(name: str) -> str:
    """The folder part of a document id, as ``PurePosixPath(name).parent`` writes it, without making a
    path for the ids (nearly all) where cutting at the last ``/`` gives the same::

        >>> _folder("news/2024/a.txt"), _folder("a.txt"), _folder("/a"), _folder("news//a/")
        ('news/2024', '.', '/', 'news')
    """
    head, slash, tail = name.rpartition("/")
    if tail in ("", ".") or name.startswith(("/", "./")) or "//" in name or "/./" in name:
        return PurePosixPath(name).parent.as_posix()
    return head if slash else "."


def line_key_column(doc: Document) -> np.ndarray:
    """The key of each of the document's lines, in order (:func:`pipeline.text.scan.line_key`)."""
    return line_key_array(line_columns(doc.lines, "text")[0]) if doc.lines else np.empty(0, dtype=np.uint64)


def line_keys(doc: Document, column: np.ndarray | None = None) -> np.ndarray:
    """The distinct keys of the document's lines (kept or not: the count must not depend on the classifier):
    :func:`pipeline.text.scan.line_key`, the hash of a line's normal form (case-folded, bullets and spacing
    ignored). ``column`` is the document's :func:`line_key_column`, when the caller has it."""
    return _distinct_nonzero(line_key_column(doc) if column is None else column)


def _distinct_nonzero(keys: np.ndarray) -> np.ndarray:
    """The distinct non-zero values of ``keys``, sorted: ``numpy.unique`` without 0, in a sort and a
    comparison (``unique``'s own steps cost a document's hundred lines more than the sort)::

        >>> _distinct_nonzero(np.array([5, 0, 3, 5, 0], dtype=np.uint64)).tolist()
        [3, 5]
    """
    ordered = np.sort(keys)
    if not len(ordered):
        return ordered
    new = np.empty(len(ordered), dtype=bool)
    new[0] = ordered[0] != 0  # a zero sorts first (unsigned)
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    return ordered[new]


class SiteCounts:
    """The group-by over site and line key: how many documents each site has, and in how many of them
    each line occurs. Add each document's keys (:meth:`add`), then read the finished :meth:`index`.

    With ``spill_dir`` the pairs go to disk every :data:`FLUSH_PAIRS`, so memory stays flat; without it
    they stay in memory (tests, small runs).
    """

    def __init__(self, spill_dir: Path | None = None) -> None:
        self.documents: Counter[str] = Counter()
        self.spill_dir = spill_dir
        self._site_ids: dict[str, int] = {}
        self._pending: list[np.ndarray] = []
        self._pending_pairs = 0
        self._spilled = False

    def add(self, site: str, keys: Iterable[int] | np.ndarray) -> None:
        """Count one document of ``site`` with these line keys (repeats within the document count once)."""
        self.documents[site] += 1
        if not len(keys):
            return
        unique = np.asarray(keys if isinstance(keys, np.ndarray) else list(keys), dtype=np.uint64)
        if not _sorted_distinct(unique):  # line_keys's are already
            unique = np.unique(unique)
        if not len(unique):
            return
        pairs = np.empty(len(unique), dtype=PAIR)
        pairs["site"] = self._site_ids.setdefault(site, len(self._site_ids))
        pairs["key"] = unique
        self._pending.append(pairs)
        self._pending_pairs += len(pairs)
        if self.spill_dir is not None and self._pending_pairs >= FLUSH_PAIRS:
            self._spill()

    def _take_pending(self) -> np.ndarray:
        pairs = np.concatenate(self._pending) if self._pending else np.empty(0, dtype=PAIR)
        self._pending, self._pending_pairs = [], 0
        return pairs

    def _bucket_path(self, bucket: int) -> Path:
        assert self.spill_dir is not None
        return self.spill_dir / f"site-pairs-{bucket:03d}.bin"

    def _spill(self) -> None:
        """Append the pending pairs to their bucket files."""
        assert self.spill_dir is not None
        self.spill_dir.mkdir(parents=True, exist_ok=True)
        pairs = self._take_pending()
        buckets = (pairs["key"] >> np.uint64(64 - BUCKET_BITS)).astype(np.int64)
        order = np.argsort(buckets, kind="stable")
        pairs, buckets = pairs[order], buckets[order]
        edges = np.searchsorted(buckets, np.arange(BUCKETS + 1))
        for bucket in np.flatnonzero(np.diff(edges)):
            with open(self._bucket_path(int(bucket)), "ab") as handle:
                handle.write(pairs[edges[bucket]:edges[bucket + 1]].tobytes())
        self._spilled = True

    def _buckets(self) -> Iterator[np.ndarray]:
        """Every pair added, a bucket at a time (the whole lot at once when nothing was spilled)."""
        if not self._spilled:
            yield self._take_pending()
            return
        self._spill()
        for bucket in range(BUCKETS):
            path = self._bucket_path(bucket)
            if path.exists():
                yield np.fromfile(path, dtype=PAIR)
                path.unlink()

    def index(self) -> SiteIndex:
        """The finished index, with only the keys repeated enough to be furniture (see
        :meth:`SiteIndex.is_repeated`); the counts are used up."""
        names = sorted(self._site_ids, key=self._site_ids.__getitem__)
        totals = np.array([self.documents[name] for name in names], dtype=np.float64)
        found: dict[int, list[tuple[np.ndarray, np.ndarray]]] = {}
        for pairs in self._buckets():
            sites, keys, counts = _count_pairs(pairs)
            needed = np.maximum(MIN_DOCUMENTS, MIN_SHARE * totals[sites]) if len(sites) else sites
            repeated = counts >= needed
            sites, keys, counts = sites[repeated], keys[repeated], counts[repeated]
            edges = np.flatnonzero(np.r_[True, sites[1:] != sites[:-1]]) if len(sites) else sites
            for start, stop in zip(edges, [*edges[1:], len(sites)]):
                found.setdefault(int(sites[start]), []).append((keys[start:stop], counts[start:stop]))
        # Buckets go up by the keys' top bits and each is sorted by site then key: joined, every
        # site's keys are in order, as searchsorted needs.
        repeated_keys = {names[site]: (np.concatenate([k for k, _ in parts]), np.concatenate([c for _, c in parts]))
                         for site, parts in found.items()}
        # Only sites with a repeated line are ever looked up: a crawl of a million sites ships a small index.
        return SiteIndex({site: self.documents[site] for site in sorted(repeated_keys)}, repeated_keys)


def _sorted_distinct(keys: np.ndarray) -> bool:
    """Whether ``keys`` go strictly up (so :func:`numpy.unique` would return them as they are)."""
    return bool(np.all(keys[1:] > keys[:-1]))


def _count_pairs(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct (site, key) pairs, sorted by site then key, and how often each occurs."""
    if not len(pairs):
        empty = np.empty(0, dtype=np.int64)
        return empty, np.empty(0, dtype=np.uint64), empty
    order = np.lexsort((pairs["key"], pairs["site"]))
    sites, keys = pairs["site"][order].astype(np.int64), pairs["key"][order]
    starts = np.flatnonzero(np.r_[True, (sites[1:] != sites[:-1]) | (keys[1:] != keys[:-1])])
    counts = np.diff(np.r_[starts, len(sites)])
    return sites[starts], keys[starts], counts


@dataclass(frozen=True)
class SiteIndex:
    """The finished count, read by the site pass: documents per site, and per site the sorted keys
    of its repeated lines with the number of documents each occurs in."""

    documents: dict[str, int] = field(default_factory=dict)
    repeated: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    #: Each looked-up site's repeated keys as a set of ints (:meth:`repeats_any`), made on first use.
    _key_sets: dict[str, frozenset[int]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def from_documents(cls, docs: Iterable[Document]) -> SiteIndex:
        """The index of the documents that have a body (failed documents say nothing about a site)."""
        counts = SiteCounts()
        for doc in docs:
            if doc.failure is None:
                counts.add(site_key(doc), line_keys(doc))
        return counts.index()

    def document_counts(self, keys: list[int], site: str) -> np.ndarray:
        """In how many of the site's documents each line occurs (0 when too few for it to be furniture)."""
        found = np.zeros(len(keys), dtype=np.int64)
        site_keys, counts = self.repeated.get(site, (None, None))
        if site_keys is None or not len(keys):
            return found
        wanted = np.array(keys, dtype=np.uint64)
        at = np.minimum(np.searchsorted(site_keys, wanted), len(site_keys) - 1)
        hit = (site_keys[at] == wanted) & (wanted != 0)
        found[hit] = counts[at[hit]]
        return found

    def repeats_any(self, keys: np.ndarray, site: str) -> bool:
        """Whether any of ``keys`` is a repeated line of ``site``: ``document_counts(keys, site).any()``,
        looked up in a set, without the arrays' cost for a document's few dozen keys."""
        found = self._key_sets.get(site)
        if found is None:
            site_keys = self.repeated.get(site)
            found = frozenset(site_keys[0].tolist()) - {0} if site_keys is not None else frozenset()
            self._key_sets[site] = found
        return not found.isdisjoint(keys.tolist())

    def document_count(self, key: int, site: str) -> int:
        return int(self.document_counts([key], site)[0])

    def is_repeated(self, key: int, site: str, words: int) -> bool:
        """Whether a line (its key and length in words) is furniture of ``site``."""
        return _is_furniture(self.document_count(key, site), self.documents.get(site, 0), words)

    def as_dict(self) -> dict[str, dict[int, int]]:
        """Site -> {key: documents} of the repeated lines (for tests and debugging)."""
        return {site: dict(zip(map(int, keys), map(int, counts))) for site, (keys, counts) in self.repeated.items()}


def _is_furniture(seen: int, total: int, words: int) -> bool:
    """A line in ``seen`` of a site's ``total`` documents is furniture (see the thresholds above)."""
    needed = PROSE_MIN_DOCUMENTS if words >= PROSE_WORDS else MIN_DOCUMENTS
    return seen >= needed and seen >= MIN_SHARE * total


class SitePass:
    """Step: the cross-document pass of a run, in two phases.

    1. **index**, per document where it was cleaned: its site and the keys of its lines
       (:meth:`index_lines`); the run sums them into a :class:`SiteCounts` as results arrive;
    2. **apply**, per document, once every document has been indexed: :meth:`apply` with the
       finished :class:`SiteIndex`.

    A document that failed takes no part: it says nothing about its site.
    """

    name = STAGE

    def index_lines(self, doc: Document) -> tuple[str, np.ndarray, np.ndarray]:
        """The document's site, the distinct keys of its lines (:func:`line_keys`), and the key of each
        line (:func:`line_key_column`), which :meth:`apply` takes instead of hashing the lines again."""
        column = line_key_column(doc)
        return site_key(doc), line_keys(doc, column), column

    def may_remove(self, site: str, kept_keys: np.ndarray, index: SiteIndex) -> bool:
        """Whether :meth:`apply` could remove a line of a document of ``site`` whose kept lines have these
        keys (:func:`kept_line_keys`): only a kept line repeated on the site can go, so when this is
        False, :meth:`apply` leaves the document as it is."""
        return index.repeats_any(kept_keys, site)

    def apply(self, doc: Document, index: SiteIndex, column: np.ndarray | None = None) -> str:
        """Apply the index to ``doc``; returns its site. ``column``: see :meth:`index_lines`."""
        site = site_key(doc)
        apply_site_index(doc, index, site, column)
        return site


def kept_line_keys(doc: Document, column: np.ndarray) -> np.ndarray:
    """The keys of the document's kept lines, in order, from its :func:`line_key_column`."""
    (keep,) = line_columns(doc.lines, "keep")
    return column[np.array(keep, dtype=bool)]


def apply_site_index(doc: Document, index: SiteIndex, site: str | None = None,
                     column: np.ndarray | None = None) -> int:
    """Remove the document's site-repeated lines (stage ``sitewide``); the number of lines removed.
    ``site`` is the document's :func:`site_key` and ``column`` its :func:`line_key_column`, when the
    caller has them (the lines unchanged since)."""
    if doc.failure is not None:
        return 0
    site = site_key(doc) if site is None else site
    if site not in index.repeated:  # most sites of a crawl: nothing repeats
        return 0
    kept = [line for line in doc.lines if line.keep]
    if column is None or len(column) != len(doc.lines):
        keys = line_key_array([line.text for line in kept])
    else:
        keys = kept_line_keys(doc, column)
    seen = index.document_counts(keys, site)
    total = index.documents.get(site, 0)
    removed = 0
    for line, count in zip(kept, seen.tolist()):
        if count and _is_furniture(count, total, len(line.text.split())):
            line.remove(STAGE, REASON)
            removed += 1
    if removed:
        doc.note(STAGE, site=site, removed=removed)
        if not doc.kept_lines():
            doc.fail(STAGE, "no-article", "every line was removed as site boilerplate")
    return removed

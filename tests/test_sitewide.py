"""The site pass: lines repeated across a site's documents go with ``site-repeated``, whatever the order."""

from __future__ import annotations

import itertools

import numpy as np

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import sitewide

from pipeline.document import Document, Line
from pipeline.sitewide import (MIN_DOCUMENTS, PROSE_MIN_DOCUMENTS, SiteCounts, SiteIndex, apply_site_index, line_key, line_keys,
                               site_key)

MENU = ["* Home", "* News", "* Sport", "Follow us on social", "© 2024 Example plc"]


def _doc(name: str, body: list[str], host: str | None = "example.com", menu: list[str] = MENU) -> Document:
    doc = Document(id=f"site/{name}.txt", source=f"site/{name}.txt", format="text")
    doc.lines = [Line(i, text) for i, text in enumerate([*menu, *body], start=1)]
    if host:
        doc.metadata["host"] = host
    return doc


def _corpus() -> list[Document]:
    return [
        _doc("a", ["The council approved the new budget on Tuesday after a long debate about school funding."]),
        _doc("b", ["Rain is expected across the north of the country for most of the coming week, forecasters said."]),
        _doc("c", ["The club confirmed that its captain will miss the next three matches with a knee injury."]),
    ]


def _removed(docs: list[Document]) -> dict[str, list[tuple[int, str, str]]]:
    return {doc.id: [(line.number, line.stage, line.reason) for line in doc.removed_lines()] for doc in docs}


def _run(docs: list[Document]) -> list[Document]:
    index = SiteIndex.from_documents(docs)
    for doc in docs:
        apply_site_index(doc, index)
    return docs


def test_repeated_lines_are_removed_with_site_repeated() -> None:
    docs = _run(_corpus())
    for doc in docs:
        assert [line.text for line in doc.kept_lines()] == [doc.lines[-1].text]
        assert {(line.stage, line.reason) for line in doc.removed_lines()} == {("sitewide", "site-repeated")}


def test_order_does_not_matter() -> None:
    expected = _removed(_run(_corpus()))
    for order in itertools.permutations(range(3)):
        docs = _corpus()
        assert _removed(_run([docs[i] for i in order])) == expected


def test_merged_partial_indexes_equal_one_index() -> None:
    docs = _corpus()
    whole = SiteIndex.from_documents(docs)
    counts = SiteCounts()
    for doc in reversed(docs):
        counts.add(site_key(doc), list(line_keys(doc)) * 2)  # a key twice in a document counts once
    index = counts.index()
    assert index.documents == whole.documents and index.as_dict() == whole.as_dict()


def test_spilled_counts_equal_counts_in_memory(tmp_path, monkeypatch) -> None:
    # Many sites, most lines seen once: what a crawl looks like. Spilled in small batches to many buckets,
    # the finished index must be the one counted in memory, and keep only the repeated lines.
    docs = [_doc(f"{site}-{page}", [f"Story {page} of site {site}, told once.", f"Line {page % 3} of site {site}"],
                 host=f"site{site}.example") for site in range(7) for page in range(9)]
    in_memory = SiteIndex.from_documents(docs)
    monkeypatch.setattr(sitewide, "FLUSH_PAIRS", 10)
    counts = SiteCounts(tmp_path / "pairs")
    for doc in docs:
        counts.add(site_key(doc), line_keys(doc))
    assert len(list((tmp_path / "pairs").iterdir())) > 10
    spilled = counts.index()
    assert spilled.as_dict() == in_memory.as_dict() and spilled.documents == in_memory.documents
    assert not list((tmp_path / "pairs").iterdir())  # the bucket files are used up
    # per site: the 5 menu lines on 9 of 9 pages, and "Line k" on 3 of 9 (share 0.33 >= 0.3)
    assert {site: sorted(found.values()) for site, found in spilled.as_dict().items()} == \
        {f"host:site{site}.example": [3, 3, 3, 9, 9, 9, 9, 9] for site in range(7)}


def test_a_single_document_is_untouched() -> None:
    doc = _run([_doc("a", ["The council approved the new budget on Tuesday."])])[0]
    assert all(line.keep for line in doc.lines) and MIN_DOCUMENTS >= 2


def test_sites_are_counted_apart() -> None:
    docs = [_doc("a", ["Body one of the first site, a full sentence of news."], host="one.example"),
            _doc("b", ["Body two of the second site, a full sentence of news."], host="two.example")]
    assert all(line.keep for doc in _run(docs) for line in doc.lines)


def test_duplicated_story_keeps_its_prose() -> None:
    paragraph = ("The council approved the new budget on Tuesday after a long debate about school funding, "
                 "road repairs and the future of the town's two libraries, which had been threatened with closure.")
    docs = _run([_doc("a", [paragraph]), _doc("b", [paragraph])])
    assert all(doc.kept_lines()[-1].text == paragraph for doc in docs) and PROSE_MIN_DOCUMENTS > 2


def test_first_removal_keeps_its_reason() -> None:
    docs = _corpus()
    docs[0].lines[0].remove("boilerplate", "navigation")
    _run(docs)
    assert (docs[0].lines[0].stage, docs[0].lines[0].reason) == ("boilerplate", "navigation")


def test_site_key_and_line_keys() -> None:
    assert site_key(_doc("a", [], host="www.Example.com")) == "host:example.com"
    url_doc = _doc("a", [], host=None)
    url_doc.metadata["url"] = "https://www.example.com/news/1"
    assert site_key(url_doc) == "host:example.com"
    assert site_key(_doc("a", [], host=None)) == "folder:site"
    assert line_key("* Home") == line_key("home") != line_key("News")
    assert line_key("*") == 0 and 0 not in line_keys(_doc("a", [], menu=["*", "Home"]))


def test_the_phase_one_line_keys_decide_as_hashing_the_kept_lines_again() -> None:
    """The runner hands phase two each line's key from phase one (SitePass.index_lines): the same removals."""
    hashed, reused = _corpus(), _corpus()
    for docs in (hashed, reused):
        docs[0].lines[0].remove("boilerplate", "navigation")  # an earlier stage's removal stays first
        docs[1].lines[-1].remove("boilerplate", "navigation")
    index = SiteIndex.from_documents(hashed)
    site_pass = sitewide.SitePass()
    for doc in hashed:
        apply_site_index(doc, index)
    for doc in reused:
        site, keys, column = site_pass.index_lines(doc)
        assert site == site_key(doc) and list(keys) == list(line_keys(doc)) and len(column) == len(doc.lines)
        assert site_pass.apply(doc, index, column) == site
    assert _removed(reused) == _removed(hashed) and [d.trace for d in reused] == [d.trace for d in hashed]


def test_repeats_any_is_whether_any_document_count_is_not_zero() -> None:
    docs = _corpus()
    index = SiteIndex.from_documents(docs)
    site_pass = sitewide.SitePass()
    for doc in [*docs, _doc("d", ["A line of its own."], host="other.org"), _doc("e", [], menu=["Only here"])]:
        _, _, column = site_pass.index_lines(doc)
        for keys in (column, column[:0], column[-1:], np.array([0], dtype=np.uint64)):
            site = site_key(doc)
            assert index.repeats_any(keys, site) == bool(index.document_counts(keys, site).any())
            assert site_pass.may_remove(site, keys, index) == index.repeats_any(keys, site)
    removed = _removed(docs)
    for doc in docs:  # a document the pass may not remove from comes out of apply as it went in
        _, _, column = site_pass.index_lines(doc)
        if not site_pass.may_remove(site_key(doc), sitewide.kept_line_keys(doc, column), index):
            site_pass.apply(doc, index, column)
            assert _removed([doc]) == {doc.id: removed[doc.id]} and not doc.trace


def test_distinct_nonzero_keys_are_numpy_unique_without_zero() -> None:
    from pipeline.sitewide import _distinct_nonzero

    rng = np.random.default_rng(7)
    for size in (0, 1, 2, 3, 40, 300):
        for high in (3, 2**64 - 1):
            keys = rng.integers(0, high, size, dtype=np.uint64)
            expected = np.unique(keys)
            assert _distinct_nonzero(keys).tolist() == expected[expected != 0].tolist()

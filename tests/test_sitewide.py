"""The site pass: lines repeated across a site's documents go with ``site-repeated``, whatever the order."""

from __future__ import annotations

import itertools

from pipeline.document import Document, Line
from pipeline.sitewide import (MIN_DOCUMENTS, PROSE_MIN_DOCUMENTS, SiteIndex, apply_site_index, line_key, line_keys,
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
    parts = SiteIndex.from_documents(docs[:1]).merge(SiteIndex.from_documents(docs[1:]))
    assert parts.documents == whole.documents and parts.counts == whole.counts


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
    assert line_key("*") == "" and "" not in line_keys(_doc("a", [], menu=["*", "Home"]))

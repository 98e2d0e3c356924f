"""The block extractor in the chain (pipeline/html/classify.py, pipeline/stages/extract.py): what a
user of `pipeline clean` on HTML pages would notice."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from pipeline import clean_document
from pipeline.chain import clean_documents, default_stages
from pipeline.document import Document
from pipeline.html.blocks import segment
from pipeline.html.classify import BLOCK_FEATURE_NAMES, BlockModel, classify_pages, load_block_model
from pipeline.io.files import load_bytes

STORY = ("The council approved the new budget on Monday after a long debate about schools and roads. "
         "Members said the plan would raise spending on repairs by a tenth over two years. "
         "Opponents argued that the money should go to the bus network instead, and asked for a review.")
PAGE = ("<html><head><title>Council approves budget | Example News</title></head><body>"
        "<nav class='main-menu'><ul><li><a href='/'>Home</a></li><li><a href='/world'>World</a></li>"
        "<li><a href='/sport'>Sport</a></li><li><a href='/weather'>Weather</a></li></ul></nav>"
        "<article><h1>Council approves budget</h1>"
        + "".join(f"<p>{sentence}.</p>" for sentence in STORY.split(". ") if sentence) +
        "</article><footer class='site-footer'><p>Copyright 2024 Example News. All rights reserved.</p>"
        "<p><a href='/privacy'>Privacy</a> <a href='/terms'>Terms</a></p></footer></body></html>")


def test_the_shipped_model_matches_the_features_the_code_computes() -> None:
    model = load_block_model()
    assert model.features == BLOCK_FEATURE_NAMES
    assert 0.0 < model.threshold < 1.0


def test_an_html_page_is_decided_block_by_block_with_reasons() -> None:
    doc = clean_document(PAGE.encode(), path="page.html")
    assert doc.outcome == "ok"
    assert {"stage": "extract", "extractor": "blocks"} in doc.trace
    assert "raise spending on repairs" in doc.body and "bus network" in doc.body
    removed = {line.text: (line.stage, line.reason) for line in doc.removed_lines()}
    # The menu and the footer are lines of the document, removed by the extractor, each with a reason.
    assert {"Home", "World", "Sport", "Weather"} <= set(removed)
    assert all(removed[item][0] == "extract" and removed[item][1] for item in ("Home", "World", "Sport"))
    assert removed["Copyright 2024 Example News. All rights reserved."] == ("extract", "copyright")
    # The headline is the title, in the sidecar, not in the body.
    assert doc.metadata["title"] == "Council approves budget"
    assert "Council approves budget" not in doc.body


def test_the_line_model_leaves_a_page_the_block_model_decided_alone() -> None:
    doc = clean_document(PAGE.encode(), path="page.html")
    assert doc.page.get("blocks_classified") is True
    assert not [line for line in doc.lines if line.stage == "boilerplate"]


def test_a_page_the_block_model_keeps_nothing_of_falls_back_to_trafilatura(repo_root: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    # raw/encoding/iso-8859-6.html: one paragraph under a heading. A model whose threshold no score
    # reaches keeps nothing of it (as the shipped model may of a page it takes for a teaser); with
    # nothing kept the page would have no body, and trafilatura's is the article.
    shipped = load_block_model()
    keeps_nothing = BlockModel(shipped.features, shipped.first, shipped.second, 1.01)
    monkeypatch.setattr("pipeline.html.classify.load_block_model", lambda: keeps_nothing)
    raw = (repo_root / "raw" / "encoding" / "iso-8859-6.html").read_bytes()
    html = load_bytes(Document(id="p.html", source="p.html"), raw)
    doc = clean_document(raw, path="iso-8859-6.html")
    verdict = classify_pages([segment(default_stages()[0].process(html).html)])[0]
    assert verdict.kept_words == 0 and verdict.unsure
    assert {"stage": "extract", "extractor": "trafilatura-fast"} in doc.trace
    assert doc.outcome == "ok" and "القسام" in doc.body


def test_an_unsure_model_sends_the_page_to_trafilatura(monkeypatch: pytest.MonkeyPatch) -> None:
    shipped = load_block_model()
    # A model that asks for more words than the page has is unsure of it.
    strict = BlockModel(shipped.features, shipped.first, shipped.second, shipped.threshold, 10**6)
    monkeypatch.setattr("pipeline.html.classify.load_block_model", lambda: strict)
    doc = clean_document(PAGE.encode(), path="page.html")
    assert [note["extractor"] for note in doc.trace if note.get("stage") == "extract"][0].startswith("trafilatura")
    assert not doc.page.get("blocks_classified")
    assert "bus network" in doc.body


def test_a_batch_decides_each_page_as_it_would_alone() -> None:
    other = PAGE.replace("Council approves budget", "Rivers rise in the north").replace("schools", "floods")
    pages = [PAGE, other, "Just a text dump line.\n\nAnother line of a dump, longer than the first one.\n", other]

    def docs():
        return [load_bytes(Document(id=f"d{i}.html", source=f"d{i}.html"), page.encode()) for i, page in enumerate(pages)]

    together = list(clean_documents(docs(), default_stages(), batch_size=4))
    alone = list(clean_documents(docs(), default_stages(), batch_size=1))
    assert [doc.body for doc in together] == [doc.body for doc in alone]
    assert [[(l.stage, l.reason) for l in doc.lines] for doc in together] == \
        [[(l.stage, l.reason) for l in doc.lines] for doc in alone]


def test_the_block_groups_of_a_batch_never_mix_pages() -> None:
    from pipeline.html.classify import batch_groups

    pages = [segment(PAGE), segment(PAGE)]
    groups = batch_groups(pages)
    first, second = groups[:len(pages[0].lines)], groups[len(pages[0].lines):]
    assert not set(first[:, 0].tolist()) & set(second[:, 0].tolist())


def test_the_model_round_trips_through_json() -> None:
    model = load_block_model()
    again = BlockModel.from_json(json.loads(json.dumps(model.to_json())))
    X = np.zeros((3, len(BLOCK_FEATURE_NAMES)))
    assert np.array_equal(again.first.predict(X), model.first.predict(X))
    assert (again.threshold, again.fallback_min_words) == (model.threshold, model.fallback_min_words)


def test_a_page_lxml_refuses_falls_back_to_its_visible_text_when_the_model_is_unsure(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # trafilatura refuses a bare <body> fragment (it is not whole HTML): its fallback is beautifulsoup's text.
    shipped = load_block_model()
    strict = BlockModel(shipped.features, shipped.first, shipped.second, shipped.threshold, 10**6)
    monkeypatch.setattr("pipeline.html.classify.load_block_model", lambda: strict)
    html = "<body><p>" + STORY + "</p></body>"
    doc = clean_document(html.encode(), path="fragment.html")
    assert {"stage": "extract", "extractor": "beautifulsoup"} in doc.trace
    assert "bus network" in doc.body

"""Bad input gets a clear, recorded reason; one bad file never stops a run."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from pipeline import clean_document
from pipeline import run

ARTICLE = ("The committee met on Tuesday to discuss the new budget, and its members agreed that the "
           "spending plan needed more work before the vote that is expected next month.\n\n") * 3


def test_empty_document_is_reported_not_crashed() -> None:
    doc = clean_document(b"", path="empty.txt")
    assert doc.failure is not None and doc.failure.reason == "empty"
    assert doc.outcome == "empty"


def test_binary_junk_is_reported_as_binary() -> None:
    doc = clean_document(bytes(range(256)) * 40, path="junk.txt")
    assert doc.failure is not None and doc.failure.reason == "binary-content"
    assert doc.outcome == "failed"


def test_invalid_utf8_still_yields_text() -> None:
    data = ARTICLE.encode("utf-8") + b"\xff\xfe broken \xc3\x28 bytes.\n"
    doc = clean_document(data, path="bad.txt")
    assert doc.failure is None
    assert "committee met on Tuesday" in doc.body


def test_truncated_html_yields_its_text() -> None:
    html = "<html><head><title>Budget</title></head><body><article><p>" + ARTICLE.replace("\n\n", "</p><p>")
    doc = clean_document(html[: len(html) - 40].encode(), path="cut.html")
    assert doc.format == "html"
    assert "committee met on Tuesday" in doc.body


def test_a_page_of_menus_only_has_no_article() -> None:
    doc = clean_document("Home\nNews\nSport\nWeather\nContact us\n", path="menu.txt")
    assert doc.outcome == "empty" and doc.failure.reason == "no-article"


def test_unknown_language_is_reported_not_silently_dropped() -> None:
    text = ("Le comité s'est réuni mardi pour discuter du nouveau budget, et ses membres ont convenu que "
            "le plan de dépenses nécessitait encore du travail avant le vote prévu le mois prochain.\n\n") * 3
    doc = clean_document(text, path="fr.txt")
    assert doc.failure is not None and doc.failure.reason == "unsupported-language"
    assert doc.outcome == "skipped"


def test_one_bad_file_does_not_stop_the_run(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a_good.txt").write_text(ARTICLE, encoding="utf-8")
    (raw / "b_binary.txt").write_bytes(bytes(range(256)) * 40)
    (raw / "c_empty.html").write_bytes(b"")
    (raw / "d_bad.txt.gz").write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    (raw / "e_good.html.gz").write_bytes(gzip.compress(f"<html><body><p>{ARTICLE}</p></body></html>".encode()))
    (raw / "f_notes.pdf").write_bytes(b"%PDF-1.4")
    summary = run(raw, tmp_path / "clean", workers=1)
    assert summary.documents == 6
    assert (tmp_path / "clean" / "a_good.txt").read_text(encoding="utf-8").startswith("The committee")
    assert (tmp_path / "clean" / "e_good.txt").exists()
    report = json.loads((tmp_path / "clean" / "_run.json").read_text(encoding="utf-8"))
    assert report["failure_reasons"] == {"bad-gzip": 1, "binary-content": 1, "empty": 1, "unsupported-format": 1}
    sidecar = json.loads((tmp_path / "clean" / "b_binary.json").read_text(encoding="utf-8"))
    assert sidecar["status"] == "failed" and sidecar["failure"]["reason"] == "binary-content"
    assert not (tmp_path / "clean" / "b_binary.txt").exists()
    assert not list((tmp_path / "clean").rglob("*.tmp"))

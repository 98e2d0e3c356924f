"""Decode: Arabic code pages decoded exactly; binary data reported, never passed on as text."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document import Document
from pipeline.stages.decode import Decode, DecodeError, decode_bytes

BYTES = Path(__file__).parent / "data" / "encoding" / "bytes"
BODY = (Path(__file__).parent / "data" / "arabic" / "cnn-body.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "encoding"),
    [("windows-1256.html", "cp1256"), ("iso-8859-6.html", "iso8859_6"), ("cp1256-sample.txt", "cp1256")],
)
@pytest.mark.parametrize("html", [True, False])
def test_arabic_code_pages_decode_exactly(name: str, encoding: str, html: bool) -> None:
    data = (BYTES / name).read_bytes()
    text, found, method = decode_bytes(data, html=html)
    assert text == data.decode(encoding)
    assert "الشهيد" in text or "المغرب" in text


@pytest.mark.parametrize("encoding", ["cp1256", "iso8859_6", "utf-8", "utf-16"])
def test_a_real_article_decodes_exactly(encoding: str) -> None:
    data = BODY.encode(encoding)
    assert decode_bytes(data)[0].lstrip("\ufeff") == BODY


def test_a_byte_order_mark_wins() -> None:
    text, encoding, method = decode_bytes(codecs.BOM_UTF8 + BODY.encode("utf-8"))
    assert (text, encoding, method) == (BODY, "utf-8-sig", "bom")


def test_a_declared_charset_is_used_when_it_fits() -> None:
    page = '<html><head><meta charset="windows-1256"></head><body>' + BODY[:300] + "</body></html>"
    text, encoding, method = decode_bytes(page.encode("cp1256"), html=True)
    assert method == "declared" and encoding == "cp1256" and BODY[:300] in text


def test_empty_input_is_empty_text() -> None:
    assert decode_bytes(b"")[0] == ""


def test_binary_data_fails_the_document() -> None:
    doc = Document(id="junk.txt", source="junk.txt", raw=bytes(range(256)) * 40, format="text")
    Decode().process(doc)
    assert doc.failure is not None and doc.failure.stage == "decode"
    assert doc.failure.reason == "binary-content"


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=300))
def test_any_bytes_give_text_or_a_decode_error(data: bytes) -> None:
    try:
        text, encoding, method = decode_bytes(data)
    except DecodeError:
        return
    assert isinstance(text, str) and encoding and method

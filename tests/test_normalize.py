"""Normalize: display-safe clean-up only; the search key is opt-in and never touches the body."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document import Document, Line
from pipeline.stages.normalize import Normalize, normalize_lines, normalize_text, search_key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\ufe83\ufee3\ufeae", "أمر"),  # presentation forms to letters
        ("ﻻ", "لا"),
        ("\u200fالعربية\u200e", "العربية"),  # RLM and LRM removed
        ("\u202bنص\u202c", "نص"),  # embedding removed
        ("العربيــــة", "العربية"),  # tatweel removed
        ("a\u00a0 b\u2003c", "a b c"),  # NBSP and other spaces to one space
        ("  padded  ", "padded"),
        ("e\u0301", "é"),  # NFC
    ],
)
def test_display_safe_fixes(text: str, expected: str) -> None:
    assert normalize_text(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "می\u200cخواهم",  # ZWNJ changes Persian words
        "مُحَمَّد",  # diacritics kept
        "على",
        "علي",  # على and علي are different words
        "مدرسة",
        "إلى",
        "٢٠١٩",
    ],
)
def test_meaningful_characters_are_kept(text: str) -> None:
    assert normalize_text(text) == text


def test_ala_and_ali_stay_apart() -> None:
    assert normalize_text("على") != normalize_text("علي")


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("أحمد إبراهيم آمن ٱلله", "احمد ابراهيم امن الله"),
        ("على", "علي"),
        ("مدرسة", "مدرسه"),
        ("مُحَمَّدٌ", "محمد"),
        ("العربيــة", "العربيه"),
        ("\u0670", ""),
        ("Hello WORLD", "hello world"),
        ("ﻻ", "لا"),
    ],
)
def test_search_key(text: str, key: str) -> None:
    assert search_key(text) == key


def _doc() -> Document:
    doc = Document(id="a.txt", source="a.txt")
    doc.lines = [Line(1, "إلى المدرسةِ"), Line(2, "Home"), Line(3, "على الطريق")]
    doc.lines[1].remove("boilerplate", "navigation")
    return doc


def test_search_keys_are_off_by_default() -> None:
    doc = Normalize().process(_doc())
    assert "search_key" not in doc.metadata


def test_search_key_of_the_body_never_changes_the_body() -> None:
    doc = Normalize(search_keys=True).process(_doc())
    assert doc.metadata["search_key"] == "الي المدرسه\nعلي الطريق"
    assert [line.text for line in doc.lines] == ["إلى المدرسةِ", "Home", "على الطريق"]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalize_text_is_nfc_and_idempotent(text: str) -> None:
    once = normalize_text(text)
    assert unicodedata.is_normalized("NFC", once)
    assert normalize_text(once) == once
    assert search_key(search_key(text)) == search_key(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("aé e\u0301 \u00a0\t\u200fـﻻﹷ\u2028\x85ب")), max_size=10), max_size=6))
def test_lines_normalized_together_are_normalized_as_one_at_a_time(texts: list[str]) -> None:
    assert normalize_lines(texts) == [normalize_text(text) for text in texts]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab ب  \n\t\u3000\u2009")), max_size=8), min_size=1, max_size=6))
def test_spacing_found_line_by_line(texts: list[str]) -> None:
    """Only the lines the character table marks are spaced again; lines holding a newline go one at a time."""
    assert normalize_lines(texts) == [normalize_text(text) for text in texts]


def test_lines_in_a_document_are_normalized_as_one_at_a_time() -> None:
    texts = ["plain line", "", "double  space", " lead", "trail ", "tab\there", "ـ tatweel", "ok"]
    doc = Document(id="a.txt", source="a.txt")
    doc.lines = [Line(number, text) for number, text in enumerate(texts, start=1)]
    Normalize().process(doc)
    assert [line.text for line in doc.lines] == [normalize_text(text) for text in texts]
    assert [line.keep for line in doc.lines] == [True, False, True, True, True, True, True, True]


@pytest.mark.parametrize("before", ["a", "ب", "\u1100", "가", "é", "\u0915"])
def test_characters_the_table_passes_change_nothing(before: str) -> None:
    """Every BMP character without the table's unfold or compose bit is left alone by the changes beyond
    ASCII after any of these, so a text with none of them needs no NFC."""
    from pipeline.stages.normalize import _COMPOSE, _UNFOLD, _character_table, _unfold

    table = _character_table()
    passed = [chr(code) for code in range(0x10000) if not table[code] & (_COMPOSE | _UNFOLD)]
    text = "".join(before + ch for ch in passed) + "a"
    assert _unfold(text) == text


def test_a_batch_normalizes_each_documents_lines_as_one_at_a_time() -> None:
    """The batch's lines are looked at together: the marked lines unfolded, the badly spaced re-spaced."""
    documents = [["plain line", "العربيــة\u200f", "two  spaces"], ["ok", "\u200f"], ["ﻻ and e\u0301", " lead"], []]
    docs = []
    for number, texts in enumerate(documents):
        doc = Document(id=f"{number}.txt", source=f"{number}.txt")
        doc.lines = [Line(index, text) for index, text in enumerate(texts, start=1)]
        docs.append(doc)
    Normalize().process_batch(docs)
    assert [[line.text for line in doc.lines] for doc in docs] == [[normalize_text(t) for t in ts] for ts in documents]
    assert [line.reason for line in docs[1].lines] == ["", "invisible-only"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab ب  \n\t\u3000\u2009\u2000é\u0301\u200fـﻻ😀\ud800\u1161")),
                        max_size=8), max_size=6))
def test_the_kernel_finds_the_lines_the_numpy_reference_finds(texts: list[str]) -> None:
    from pipeline.stages.normalize import (
        _BREAK, _COMPOSE, _ODD_SPACE, _SPACE, _UNFOLD, _character_table, _lines_needing, normalize_lines_needing,
    )

    found = normalize_lines_needing(texts, _character_table(), _UNFOLD | _COMPOSE, _SPACE, _ODD_SPACE, _BREAK)
    assert found == (_lines_needing(texts) if texts else ([], []))


def test_the_kernel_finds_the_lines_on_every_code_point() -> None:
    from pipeline.stages.normalize import (
        _BREAK, _COMPOSE, _ODD_SPACE, _SPACE, _UNFOLD, _character_table, _lines_needing, normalize_lines_needing,
    )

    texts = [chr(code) + tail for code in range(0x110000) if code != 10 for tail in ("", " ")][::7]
    found = normalize_lines_needing(texts, _character_table(), _UNFOLD | _COMPOSE, _SPACE, _ODD_SPACE, _BREAK)
    assert found == _lines_needing(texts)

"""The metadata kernel (``pipeline/text/_meta.pyx``) equals the Python expressions its docstrings name: on every
code point where a character class decides, and on random lines of the characters that matter."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.text import _meta
from pipeline.text.bylines import _CREDIT_START, CREDIT_BULLETS, CREDIT_START_WORDS, could_be_byline
from pipeline.text.dates import _may_hold_year

_EVERY_CHARACTER = [chr(code) for code in range(sys.maxunicode + 1)]
_PIECES = st.lists(st.sampled_from(list("ab Xé_1٣۴|»›/ \t\u00a0\u2028,.*•-ـİﬁΣǅK") + ["by", " / ", "2024"]),
                   max_size=30).map("".join)
_WORD = re.compile(r"\w")


def test_word_characters_are_those_of_the_regex_engine() -> None:
    words = [char for char in _EVERY_CHARACTER if _meta.word_runs(char, 1)]
    assert words == [char for char in _EVERY_CHARACTER if _WORD.match(char)]


@settings(max_examples=400, deadline=None)
@given(_PIECES, st.integers(1, 4))
def test_word_runs_are_findall(text: str, shortest: int) -> None:
    assert _meta.word_runs(text, shortest) == set(re.findall(rf"\w{{{shortest},}}", text))


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=8))
def test_space_counts(texts: list[str]) -> None:
    assert _meta.space_counts(texts) == [text.count(" ") for text in texts]


def test_may_hold_year_on_every_character() -> None:
    for char in _EVERY_CHARACTER:
        for text in (char * 4, "1" + char * 3, char + "123"):
            assert _meta.may_hold_year(text) == _may_hold_year(text), hex(ord(char))


@settings(max_examples=400, deadline=None)
@given(_PIECES)
def test_may_hold_year(text: str) -> None:
    assert _meta.may_hold_year(text) == _may_hold_year(text)


def test_every_credit_start_has_the_credit_mark() -> None:
    """Whatever characters spell a credit word, in any case the regex engine matches, the kernel's test
    (a line without the mark is never a byline) lets it through: every character that matches a letter
    of a credit word case-insensitively (as the class below finds them), in every place of every word."""
    letters = re.compile(f"[{''.join(sorted(set(''.join(CREDIT_START_WORDS))))}]", re.IGNORECASE)
    spellings = [char for char in _EVERY_CHARACTER if letters.match(char)]
    assert len(spellings) < 100  # the letters, their capitals and the few others that fold to them (K, İ, ı, ſ)
    for char in spellings:
        for word in CREDIT_START_WORDS:
            for place in range(len(word)):
                for text in (word[:place] + char + word[place + 1:] + " Jane", " • " + word[:place] + char + word[place + 1:]):
                    if _CREDIT_START.match(text):
                        assert _meta.may_start_credit(text, CREDIT_BULLETS, CREDIT_START_WORDS), (hex(ord(char)), word)
    assert not _meta.may_start_credit("The news", CREDIT_BULLETS, CREDIT_START_WORDS)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.sampled_from(["By Jane Roe", " * Written by X", "Jane Roe, AP.", "بقلم علي",
                                                     "by", "March 3, 2024", "١٩ يوليو ٢٠١٨"])), max_size=10))
def test_head_marks_are_never_wrong_about_a_date_or_byline(texts: list[str]) -> None:
    marks = _meta.head_marks(texts, len(texts), CREDIT_BULLETS, CREDIT_START_WORDS)
    for text, mark in zip(texts, marks):
        assert bool(mark & _meta.YEAR) == _may_hold_year(text)
        if could_be_byline(text) or text.lower() == "by":
            assert mark & _meta.CREDIT


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=8), st.text("ahtx", max_size=3))
def test_starting_with(texts: list[str], firsts: str) -> None:
    assert _meta.starting_with(texts, firsts) == [index for index, text in enumerate(texts) if text[:1] and text[0] in firsts]


def test_title_shape_on_every_character() -> None:
    for char in _EVERY_CHARACTER:
        split = (char + "x y").split()
        initials = [word[0] for word in split if word[0].isalpha()]
        assert _meta.title_shape(char + "x y", "|")[:3] == (len(split), len(initials), sum(map(str.isupper, initials)))


@settings(max_examples=400, deadline=None)
@given(_PIECES)
def test_title_shape(text: str) -> None:
    split = text.split()
    initials = [word[0] for word in split if word[0].isalpha()]
    separators = sum(map(text.count, "|»›")) + len(re.findall(r"\s/\s", text))
    assert _meta.title_shape(text, "|»›") == (len(split), len(initials), sum(map(str.isupper, initials)), separators)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "ab", "é", "ΣΣ", "", "a "]), max_size=12), st.lists(st.sampled_from(["a", "ab", "ΣΣ", "x", ""]), max_size=4))
def test_copies(texts: list[str], wanted: list[str]) -> None:
    assert _meta.copies(texts, wanted) == [texts.count(text) for text in wanted]

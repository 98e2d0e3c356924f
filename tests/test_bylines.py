"""Bylines: the author's name from "By ...", "Written by ...", "بقلم: ...", "كتبت ..." lines."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.text.bylines import find_byline, split_authors, split_title_byline


@pytest.mark.parametrize(
    ("line", "author"),
    [
        ("By Salman Rafi Sheikh", "Salman Rafi Sheikh"),
        ("By Mike Wuerthele and Malcolm Owen", "Mike Wuerthele and Malcolm Owen"),
        ("By Stefan Becket, Kathryn Watson, Grace Segers", "Stefan Becket, Kathryn Watson and Grace Segers"),
        ("By LISA MASCARO, MARY CLARE JALONICK and ERIC TUCKER", "LISA MASCARO, MARY CLARE JALONICK and ERIC TUCKER"),
        ("Written by Rachael Link, MS, RD on November 14, 2019", "Rachael Link"),
        ("By Meg James Staff Writer", "Meg James"),
        ("By Michael Hiltzik Business Columnist", "Michael Hiltzik"),
        ("By Sandee LaMotte, CNN", "Sandee LaMotte"),
        ("By Andrew C. McCarthy", "Andrew C. McCarthy"),
        ("By Jason Cipriani | November 18, 2019 -- 19:14 GMT", "Jason Cipriani"),
        ("By Umair Irfan Updated Nov 13, 2019, 10:28am EST", "Umair Irfan"),
        ("By Maren Estrada 2 days ago", "Maren Estrada"),
        ("By Tim Childers - Live Science Contributor 2019-11-19T12:48:14Z Space", "Tim Childers"),
        ("By Reuters", "Reuters"),
        ("Jane Doe, Reuters", "Jane Doe"),
        ("بقلم: محمد علي", "محمد علي"),
        ("بقلم د. محمد علي", "د. محمد علي"),
        ("كتب: أحمد حسن", "أحمد حسن"),
        ("كتبت أسماء نصار", "أسماء نصار"),
        ("كتبت - سارة محمد", "سارة محمد"),
        ("حوار: آسيا العتروس", "آسيا العتروس"),
        ("إعداد: فريق التحرير", "فريق التحرير"),
    ],
)
def test_bylines(line: str, author: str) -> None:
    assert find_byline(line) == author


@pytest.mark.parametrize(
    "line",
    [
        "",
        "By",
        "By clicking Subscribe you agree to our Privacy Policy.",
        "By the time Buckley learned who had written the song, she was only half-surprised.",
        "By 2018, when I started digging into this story, only one was left.",
        "By admin - 2018-09-16",
        "By HNN Staff | November 18, 2019 at 2:26 PM HST",
        "By Staff Reports -",
        "Paris, Reuters",
        "كتب الرئيس رسالة إلى الحكومة يطالب فيها بالإصلاح",
        "Home | News | Sport",
    ],
)
def test_not_bylines(line: str) -> None:
    assert find_byline(line) is None


def test_title_and_byline_on_one_line() -> None:
    assert split_title_byline("What is NATO’s New Mission in Iraq? By Salman Rafi Sheikh") == (
        "What is NATO’s New Mission in Iraq?",
        "Salman Rafi Sheikh",
    )
    assert split_title_byline("Budget talks fail | By John Smith") == ("Budget talks fail", "John Smith")
    assert split_title_byline("الحكومة تقرر رفع الأسعار - بقلم: محمد علي") == ("الحكومة تقرر رفع الأسعار", "محمد علي")


@pytest.mark.parametrize("line", ["Man Bitten By Shark In Florida", "Done by hand. By the way", "By John Smith"])
def test_title_case_headlines_are_not_split(line: str) -> None:
    assert split_title_byline(line) is None


def test_split_authors() -> None:
    assert split_authors("Stefan Becket, Kathryn Watson and Grace Segers") == [
        "Stefan Becket",
        "Kathryn Watson",
        "Grace Segers",
    ]


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_is_safe(text: str) -> None:
    find_byline(text)
    split_title_byline(text)
    find_byline("By " + text)


def test_a_byline_in_a_list_or_under_an_author_label() -> None:
    assert find_byline("* by Christian Roth") == "Christian Roth"
    assert find_byline("Author: Nirmita Panchal") == "Nirmita Panchal"
    # A menu's item is not a byline: in a list, one word after "By" names nobody.
    assert find_byline("* By Region") is None and find_byline("• By Topic") is None


def test_the_author_a_dateline_credits_after_its_date() -> None:
    from pipeline.text.bylines import credit_after_date

    assert credit_after_date("September 1st, 2023 By Emily Norwood") == "Emily Norwood"
    assert credit_after_date("Posted on December 20, 2025 by Jean-Luc Aufranc (CNXSoft) - 5 Comments") == \
        "Jean-Luc Aufranc"
    assert credit_after_date("Medically reviewed by Kim Rose on March 7, 2025") is None  # a reviewer
    assert credit_after_date("Photo by Kim Rose") is None  # no date: not a dateline


#: Lines of a page's head: bylines, lone credits, datelines, and lines that are none of them.
HEAD_LINES = ["Home", "  By Jane Roe", "* Written by Jane Roe", "Written By", "بقلم", "حوار: آسيا العتروس",
              "Jane Doe, Reuters.", "Jane Doe, Associated  Press", "March 3, 2024", "١٩ يوليو، ٢٠١٨", "by",
              "Page 2 of 3", "Sport, Culture", "Subscribe to our newsletter", "Bylines and deadlines", ""]
_LINE_TEXT = st.text(st.sampled_from(list("By ,.:*•\t\u00a0aeJR1٢Reuterspعبقلم")), max_size=30)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.sampled_from(HEAD_LINES), _LINE_TEXT))
def test_could_be_byline_passes_every_byline_and_lone_credit(text: str) -> None:
    from pipeline.text.bylines import could_be_byline, is_lone_credit

    if find_byline(text) is not None or is_lone_credit(text):
        assert could_be_byline(text)


_TITLE_TEXT = st.lists(st.sampled_from(list("By ?!.:|—-؟»\"aeJRbyDo\t") + ["by ", "By Jane Roe", "بقلم", "كتبت:",
                                                                      "حوار -", "إعداد:", " Kim Lee"]),
                      max_size=20).map("".join)


@settings(max_examples=500, deadline=None)
@given(_TITLE_TEXT)
def test_a_title_without_a_credit_word_has_no_byline_place(text: str) -> None:
    """split_title_byline's cheap exit (no word of TITLE_CREDIT_WORDS in the title) turns away only titles where
    neither of its patterns finds a place for a byline."""
    from pipeline.text.bylines import _TITLE_THEN_ARABIC, _TITLE_THEN_BY, TITLE_CREDIT_WORDS

    joined = " ".join(text.split())
    if _TITLE_THEN_BY.search(joined) or _TITLE_THEN_ARABIC.search(joined):
        assert any(word in text for word in TITLE_CREDIT_WORDS)


def test_bare_name_counts_words_as_before() -> None:
    from pipeline.text.bylines import bare_name

    assert bare_name("  Kelia   Losa Reinoso ") == "Kelia Losa Reinoso"
    assert bare_name("Kelia") is None and bare_name("Anna Maria Clara Jane Lee Roe") is None

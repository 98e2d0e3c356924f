"""Metadata of text dumps: read off the lines before the body, like a person would."""

from __future__ import annotations

from pipeline import clean_document
from pipeline.stages.metadata import dump_metadata

BODY = ("The committee met on Tuesday to discuss the new budget, and its members agreed that the spending plan "
        "needed more work before the vote.")


def test_title_byline_date_and_site_from_the_head() -> None:
    lines = ["Menu", "What is NATO’s New Mission in Iraq? By Salman Rafi Sheikh",
             "20 January 2019 — New Eastern Outlook", BODY]
    meta = dump_metadata(lines, first_body=3)
    assert meta["title"] == "What is NATO’s New Mission in Iraq?"
    assert meta["author"] == "Salman Rafi Sheikh"
    assert meta["date"] == "2019-01-20"
    assert meta["site"] == "New Eastern Outlook"


def test_arabic_month_names_give_iso_dates() -> None:
    meta = dump_metadata(["How NATO Plans to Restructure Its Presence", "19 يوليو، 2018", BODY], first_body=2)
    assert meta["date"] == "2018-07-19"


def test_a_headline_printed_twice_wins_over_a_longer_menu_line() -> None:
    lines = ["Map of the Latest Battlefield Developments in Syria and Iraq on Your Screen",
             "NATO Plans Military Activity Boost", "Saturday 26 December 2020", "NATO Plans Military Activity Boost",
             BODY]
    assert dump_metadata(lines, first_body=4)["title"] == "NATO Plans Military Activity Boost"


def test_tags_and_url_lines_anywhere_in_the_page() -> None:
    lines = ["A Title For This Page", BODY, "https://example.org/2020/a-title/", "Tags :", "Iraq, NATO, US"]
    meta = dump_metadata(lines, first_body=1)
    assert meta["url"] == "https://example.org/2020/a-title/"
    assert meta["tags"] == ["Iraq", "NATO", "US"]


def test_no_date_is_invented_from_prose() -> None:
    meta = dump_metadata(["A Title For This Page", BODY + " It happened on September 16."], first_body=1)
    assert "date" not in meta


def test_title_and_dateline_leave_the_body_but_stay_in_the_sidecar() -> None:
    text = "Budget Talks Stall in Committee\n\n3 March 2021\n\n" + (BODY + "\n\n") * 3
    doc = clean_document(text, path="a.txt")
    assert doc.metadata["title"] == "Budget Talks Stall in Committee"
    assert doc.metadata["date"] == "2021-03-03"
    body = doc.body.splitlines()
    assert "Budget Talks Stall in Committee" not in body and "3 March 2021" not in body
    assert body[0].startswith("The committee met")


def test_html_date_is_the_one_under_the_headline_and_ambiguous_numbers_follow_the_markup() -> None:
    from pipeline.stages.metadata import headline_date

    assert headline_date(["By Jane Roe", "March 3, 2024", "Comments"], "2020-01-01") == "2024-03-03"
    assert headline_date(["8/1/2025"], "2025-08-01") == "2025-08-01"  # US month-first, as the markup says
    assert headline_date(["8/1/2025"], None) == "2025-01-08"  # day first unless told otherwise
    assert headline_date(["Share this", "Contact us"], "2025-08-01") is None

"""Dates: datelines in English and Arabic become ISO dates; other lines give None."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.text.dates import find_date, markup_date, url_date


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("19 يوليو، 2018", "2018-07-19"),
        ("20 January 2019", "2019-01-20"),
        ("December 26, 2020", "2020-12-26"),
        ("Dec. 26, 2020", "2020-12-26"),
        ("Sept. 5, 2021", "2021-09-05"),
        ("20th of January, 2019", "2019-01-20"),
        ("2020-12-26", "2020-12-26"),
        ("Updated 2020-12-26T10:00:00Z", "2020-12-26"),
        ("26/12/2020", "2020-12-26"),
        ("12/26/2020", "2020-12-26"),  # only the month-first reading is a date
        ("03/04/2020", "2020-04-03"),  # ambiguous: read day first
        ("Published: Monday, Dec. 26, 2020 10:30 AM ET", "2020-12-26"),
        ("Posted on March 3rd, 2020 at 5:00 pm", "2020-03-03"),
        ("By Jane Doe | 20 Jan 2019", "2019-01-20"),
        ("January 2019", "2019-01"),
        ("بتاريخ 3 أكتوبر 2019", "2019-10-03"),
        ("بتاريخ 3 اكتوبر 2019", "2019-10-03"),
        ("نُشر في ٢٠ كانون الثاني ٢٠١٩", "2019-01-20"),
        ("نشر في الخميس ١٩ تموز/يوليو ٢٠١٨ - ١٠:٣٠ ص", "2018-07-19"),
        ("10 يوليو (تموز) 2018", "2018-07-10"),
        ("١٩/٠٧/٢٠١٨", "2018-07-19"),
        ("۱۹ يوليو ۲۰۱۸", "2018-07-19"),  # Persian digits
        ("الأربعاء، 28 آب/اغسطس 2013، آخر تحديث 14:00 (GMT+0400)", "2013-08-28"),
        ("الإثنين، 24 أغسطس 2020 09:56 ص", "2020-08-24"),
        ("تم نشره الجمعة 24 نيسان / أبريل 2020 09:22 مساءً", "2020-04-24"),
        ("الجمعة 8 فيفري 2019", "2019-02-08"),
        ("11 شوال 1441هـ - 03 يونيو 2020م", "2020-06-03"),
        ("الأحد 12 رمضان 1440 هـ - 17 مايو 2019", "2019-05-17"),
        ("3 كانون الأول 2015", "2015-12-03"),
        ("1 تشرين الاول 2015", "2015-10-01"),
    ],
)
def test_datelines(line: str, date: str) -> None:
    assert find_date(line) == date


@pytest.mark.parametrize(
    "line",
    [
        "",
        "Home",
        "2019",
        "Copyright 2019",
        "12 رمضان 1440",  # Hijri only
        "31 February 2019",
        "2019-02-31",
        "10 تموز/أغسطس 2018",  # two different months
        "The minister said on 20 January 2019 that the talks had failed.",
        "وقال المرصد السوري لحقوق الإنسان، وهو هيئة معارضة مقرها لندن، إن مقاتلين",
        "26/12/20",  # two-digit years are not read
    ],
)
def test_not_datelines(line: str) -> None:
    assert find_date(line) is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=150))
def test_any_text_is_safe(text: str) -> None:
    date = find_date(text)
    assert date is None or len(date) in (7, 10)


@pytest.mark.parametrize(
    ("value", "date"),
    [
        ("2024-10-15T18:50:03+00:00", "2024-10-15"),
        ("2025-12-18T21:46:01-05:00", "2025-12-18"),  # the day as written, not in UTC
        ("2024-09-10T16:07:00.000Z", "2024-09-10"),
        ("2020-12-16GMT+000011:36:18+00:00", "2020-12-16"),
        ("March 11, 2026", "2026-03-11"),
        ("26/12/2020", "2020-12-26"),
        ("03-09-2026", None),  # March 9 or 3 September: markup does not say
        ("2026", None),
        ("2024-02-30", None),
        ("", None),
    ],
)
def test_markup_dates(value: str, date: str | None) -> None:
    assert markup_date(value) == date


@pytest.mark.parametrize(
    ("url", "date"),
    [
        ("https://whatever.example.com/2025/12/18/the-december-comfort/", "2025-12-18"),
        ("https://www.npr.org/sections/health/2022/11/09/1135211525/anxiety", "2022-11-09"),
        ("https://example.org/blog/2021-07-05-new-release", "2021-07-05"),
        ("https://example.org/2015/07/organic-pest-control.html", None),  # month only
        ("https://example.org/article/436674/best-laptops.html", None),
        ("https://example.org/a?date=2020/01/02", None),  # the query is not the path
        ("https://2020.example.org/2020/13/45/x", None),
        (None, None),
    ],
)
def test_url_dates(url: str | None, date: str | None) -> None:
    assert url_date(url) == date


_DATE_TEXT = st.text(st.sampled_from(list("0129٠١٢۰۱۲०२ /.-,:JanMrchيوليو\u0640\u064b")), max_size=40)


@settings(max_examples=500, deadline=None)
@given(st.one_of(_DATE_TEXT, st.sampled_from(["19 يوليو، 2018", "Dec. 26, 2020", "2\u0640020-12-26", "१९ Jan 2020"])))
def test_a_line_the_cheap_test_turns_away_holds_no_date(text: str) -> None:
    from pipeline.text.dates import _may_hold_year, _read_date

    if not _may_hold_year(text):
        assert _read_date.__wrapped__(text) is None  # the patterns, without the memory


def test_a_date_read_again_is_the_same() -> None:
    for _ in range(2):
        assert find_date("Published: Monday, Dec. 26, 2020 10:30 AM ET") == "2020-12-26"
        assert find_date("Page 2 of 3") is None

"""Dates: find the publication date in a short line such as a dateline.

Article pages print their date in a line of its own, often with a label, a
weekday and a time around it. :func:`find_date` turns such a line into an ISO
date, and says ``None`` for lines that are not dates (a sentence that happens
to mention a date is not a dateline)::

    >>> find_date("19 يوليو، 2018")
    '2018-07-19'
    >>> find_date("Published: Monday, Dec. 26, 2020 10:30 AM ET")
    '2020-12-26'
    >>> find_date("نشر في الخميس ١٩ تموز/يوليو ٢٠١٨ - ١٠:٣٠ ص")
    '2018-07-19'
    >>> find_date("January 2019")
    '2019-01'
    >>> find_date("The minister said on 20 January 2019 that the talks had failed.") is None
    True

What is understood:

- English month names and abbreviations, day first or month first
  ("20 January 2019", "20th of January, 2019", "December 26, 2020",
  "Dec. 26, 2020"), and month-and-year alone ("January 2019" gives "2019-01");
- Arabic month names in the Egyptian/Gulf spelling (يناير ... ديسمبر), the
  Levantine/Iraqi one (كانون الثاني ... كانون الأول) and the Maghrebi ones
  (جانفي, جويلية, يوليوز, غشت ...), with or without hamza, both together
  ("تموز/يوليو", "يوليو (تموز)"), and the Arabic comma ("19 يوليو، 2018");
- ASCII, Arabic-Indic (٠-٩) and Persian (۰-۹) digits;
- numbers alone: "2020-12-26" (ISO, year first) and "26/12/2020". A numeric date
  with the year last is ambiguous; it is read **day first**, as in Arabic,
  British and most other usage, unless only the month-first reading is valid
  ("12/26/2020" is 26 December). "03/04/2020" is therefore 3 April;
- labels and noise around the date: "بتاريخ", "نشر في", "تاريخ النشر",
  "آخر تحديث", "Published", "Updated", "Posted on", weekdays, times, time zones.

Only years 1900-2099 are taken, so a Hijri date ("12 رمضان 1440") or a
two-digit year is never mistaken for a Gregorian one.
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache

#: Lines longer than this are prose, not datelines (a dateline with weekday,
#: time, labels and an author is about 60-90 characters).
MAX_DATE_LINE_CHARS = 120
#: A dateline (or a byline, a name under a credit) has at most this many words; a longer line
#: that mentions a date is prose.
DATELINE_MAX_WORDS = 10

#: Words other than the date, its labels, weekdays and times that a dateline
#: may hold (an author's name or a site name: "By Jane Doe | 20 Jan 2019").
#: A sentence mentioning a date has more.
MAX_OTHER_WORDS = 3

#: Years accepted. Hijri years (14xx) and typos fall outside.
YEAR = r"(?P<year>(?:19|20)\d\d)"

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
# Harakat, tatweel and bidi controls go; alef variants become bare alef, so
# "أكتوبر" and "اكتوبر", "الأول" and "الاول" are the same word.
_ARABIC_FOLD = str.maketrans(
    {
        **{chr(c): None for c in range(0x064B, 0x0660)},
        "\u0670": None,
        "\u0640": None,
        **{ch: None for ch in "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"},
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "\u00a0": " ",
        "،": ",",
    }
)

_ENGLISH_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3,
    "april": 4, "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7,
    "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip

# Spelled after _ARABIC_FOLD (bare alef, no harakat).
_ARABIC_MONTHS = {
    # Egyptian / Gulf (from French and English)
    "يناير": 1, "فبراير": 2, "مارس": 3, "ابريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6,
    "يوليو": 7, "يوليه": 7, "اغسطس": 8, "سبتمبر": 9, "اكتوبر": 10, "نوفمبر": 11,
    "ديسمبر": 12, "دجنبر": 12,
    # Levantine / Iraqi (Syriac names)
    "كانون الثاني": 1, "شباط": 2, "اذار": 3, "نيسان": 4, "ايار": 5, "حزيران": 6,
    "تموز": 7, "اب": 8, "ايلول": 9, "تشرين الاول": 10, "تشرين الثاني": 11,
    "كانون الاول": 12,
    # Maghrebi (Tunisia, Algeria; Morocco)
    "جانفي": 1, "فيفري": 2, "افريل": 4, "ماي": 5, "جوان": 6, "جويلية": 7, "جويلة": 7,
    "اوت": 8, "يوليوز": 7, "غشت": 8, "شتنبر": 9, "نونبر": 11,
}  # fmt: skip

_MONTHS = {**_ENGLISH_MONTHS, **_ARABIC_MONTHS}
# Longest first, so "كانون الثاني" wins over a shorter name and "sept" over "sep".
_MONTH_NAME = "|".join(
    re.escape(name).replace(r"\ ", r"\s+") for name in sorted(_MONTHS, key=len, reverse=True)
)
# One name, or two for the same month side by side: "تموز/يوليو", "يوليو (تموز)".
_MONTH = (
    rf"(?P<month>(?:{_MONTH_NAME}))\.?"
    rf"(?:\s*[/\-(]\s*(?P<month2>(?:{_MONTH_NAME}))\)?)?"
)
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"

_FLAGS = re.IGNORECASE
_NOT_AFTER_WORD = r"(?<![\w])"
_NOT_BEFORE_WORD = r"(?![\w])"

#: Full dates, in the order they are tried (the leftmost match in the line wins).
_FULL_DATE_PATTERNS = (
    # 2020-12-26, 2020/12/26, 2020-12-26T10:00:00Z
    re.compile(rf"(?<!\d){YEAR}[-/.](?P<month_num>[01]?\d)[-/.](?P<day>[0-3]?\d)(?!\d)"),
    # 20 January 2019, 20th of January, 2019, 19 يوليو، 2018
    re.compile(
        rf"{_NOT_AFTER_WORD}{_DAY}\s*(?:of\s+)?{_MONTH}\s*,?\s*{YEAR}(?!\d)", _FLAGS
    ),
    # December 26, 2020, Dec. 26 2020, يوليو 19، 2018
    re.compile(rf"{_NOT_AFTER_WORD}{_MONTH}\s*{_DAY},?\s*{YEAR}(?!\d)", _FLAGS),
    # 26/12/2020, 26.12.2020, 26-12-2020 (day first; see the module docstring)
    re.compile(rf"(?<!\d)(?P<first>[0-3]?\d)([-/.])(?P<second>[0-3]?\d)\2{YEAR}(?!\d)"),
)
#: Month and year only: "January 2019", "يناير 2019".
_MONTH_YEAR = re.compile(rf"{_NOT_AFTER_WORD}{_MONTH}\s*,?\s*{YEAR}(?!\d)", _FLAGS)
#: What every pattern above needs: the cheap test (a search for a literal digit pair) before them, as they
#: try their month names at every character of a line.
_YEAR_ANYWHERE = re.compile(YEAR)

#: What may surround a date in a dateline without counting as "other words".
_NOISE = re.compile(
    r"""
    \d{1,2}:\d{2}(?::\d{2})?(?:\s*(?:am|pm|a\.m\.|p\.m\.|ص|م|صباحا|مساء))?   # times
    | \b(?:gmt|utc|est|edt|cst|cdt|pst|pdt|bst|cet|cest|et|pt|ksa|ast)\b  # zones
    | [+-]\d{2}:?\d{2}\b
    | \b(?:published|updated|posted|modified|last|date|dated|on|at|in|and|the|of|by)\b
    | \b(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\b
    | \b(?:يوم|اليوم|بتاريخ|تاريخ|النشر|نشر|نشرت|نشره|في|اخر|تحديث|التحديث|تم|بواسطة)\b
    | \b(?:الساعة|الموافق|ميلادي|م|بتوقيت|غرينتش|جرينتش|مكة|المكرمة)\b
    | \b(?:الاحد|الاثنين|الثلاثاء|الاربعاء|الخميس|الجمعة|السبت)\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
_ANY_DIGIT = re.compile("[0-9\u0660-\u0669\u06f0-\u06f9]")
#: Four digits of any script: a year's, which every date has (folding and translating keep the digits).
_FOUR_DIGITS = re.compile(r"(?:\D*\d){4}")
_WORD = re.compile(r"[^\W\d_]+")


def _month(match: re.Match[str]) -> int | None:
    month = _MONTHS[re.sub(r"\s+", " ", match["month"].lower())]
    if match["month2"] and _MONTHS[re.sub(r"\s+", " ", match["month2"].lower())] != month:
        return None  # "تموز/أغسطس" names two different months: not a date we trust
    return month


def _full_date(match: re.Match[str]) -> tuple[int, int, int] | None:
    year = int(match["year"])
    groups = match.re.groupindex
    if "month_num" in groups:
        return year, int(match["month_num"]), int(match["day"])
    if "first" in groups:
        first, second = int(match["first"]), int(match["second"])
        # Day first unless only month first makes a valid date (12/26/2020).
        if second > 12 >= first:
            return year, first, second
        return year, second, first
    month = _month(match)
    return (year, month, int(match["day"])) if month else None


def _is_valid(year: int, month: int, day: int) -> bool:
    try:
        _dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _few_other_words(text: str, match: re.Match[str]) -> bool:
    rest = text[: match.start()] + " " + text[match.end() :]
    rest = _NOISE.sub(" ", rest)
    return len(_WORD.findall(rest)) <= MAX_OTHER_WORDS


def _folded_with_year(text: str) -> str | None:
    """``text`` with its digits and letters folded as the patterns read them, or None when it holds no
    year (every date pattern needs one: none of them can match)."""
    folded = text.translate(_DIGITS).translate(_ARABIC_FOLD)
    return folded if _YEAR_ANYWHERE.search(folded) else None


def _leftmost_full_date(text: str) -> tuple[str | None, re.Match[str] | None, bool]:
    """``(date, match, invalid)``: the leftmost valid full date of ``text`` (folded, holding a year:
    :func:`_folded_with_year`) and its match; ``invalid`` says a date-shaped match was not a valid date
    ("31 February 2019")."""
    best: tuple[int, tuple[int, int, int], re.Match[str]] | None = None
    invalid = False
    for pattern in _FULL_DATE_PATTERNS:
        for match in pattern.finditer(text):
            date = _full_date(match)
            if date and _is_valid(*date):
                if best is None or match.start() < best[0]:
                    best = (match.start(), date, match)
                break
            invalid = True
    if best is None:
        return None, None, invalid
    _, (year, month, day), match = best
    return f"{year:04d}-{month:02d}-{day:02d}", match, invalid


def _may_hold_year(text: str) -> bool:
    """The cheap test before the date patterns: a year needs one of the digits they read and four in all::

        >>> _may_hold_year("Page 2 of 3"), _may_hold_year("١٩ يوليو، ٢٠١٨")
        (False, True)
    """
    return bool(_ANY_DIGIT.search(text)) and bool(_FOUR_DIGITS.match(text))


def find_date(text: str) -> str | None:
    """The date a short line states, as ``YYYY-MM-DD`` (or ``YYYY-MM``); ``None`` if it is not a dateline."""
    if not text or len(text) > MAX_DATE_LINE_CHARS:
        return None
    if not _may_hold_year(text):
        return None  # cheap exit: most lines have no digits at all, or too few for a year
    return _read_date(text)


#: Lines whose date :func:`_read_date` remembers: the metadata stage asks about the same line up to
#: four times (as a title's neighbour, a dateline, a line under the title, a site line).
DATE_MEMORY_LINES = 4096


@lru_cache(maxsize=DATE_MEMORY_LINES)
def _read_date(text: str) -> str | None:
    """:func:`find_date` past its cheap tests: the patterns, on the line with its digits and letters folded."""
    text = _folded_with_year(text)
    if text is None:
        return None  # four digits, but no year among them: no pattern below matches
    date, match, invalid = _leftmost_full_date(text)
    if date is not None and match is not None:
        return date if _few_other_words(text, match) else None
    if invalid:
        return None  # "31 February 2019" is a broken date, not the month of February
    match = _MONTH_YEAR.search(text)
    if match and (month := _month(match)) and _few_other_words(text, match):
        return f"{int(match['year']):04d}-{month:02d}"
    return None


#: A date as markup writes it: ISO 8601 at the start of the value, time and zone
#: after it ignored ("2024-10-15T18:50:03+00:00" is 15 October 2024).
_MARKUP_ISO = re.compile(r"^\s*(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?!\d)")
#: A numeric date with the year last, day or month first.
_AMBIGUOUS_NUMERIC = re.compile(rf"(?<!\d)(?P<first>[0-3]?\d)([-/.])(?P<second>[0-3]?\d)\2{YEAR}(?!\d)")
#: A full date as a path segment of a URL: /2025/12/18/, /2025-12-18-slug, /2025/12/18.
_URL_DATE = re.compile(
    r"/(?P<year>(?:19|20)\d\d)([/-])(?P<month>[01]?\d)\2(?P<day>[0-3]?\d)(?=[/_.-]|$)"
)


#: A credit line under a headline (names, a date, a reading time, a section) has at most this many words.
CREDIT_LINE_MAX_WORDS = 24
#: A sentence ends inside the line ("sold out. Bookings ...") or at its end ("... December 3, 2025.").
_SENTENCE = re.compile(r"[a-z]{2}[.!?]\s+[A-Z]|\w{2}[.!?]$")


def credit_line_date(text: str) -> str | None:
    """The full date in a credit line, which a dateline's few-words rule turns down::

        >>> credit_line_date("By Sarah Schwartz — November 18, 2025 6 min read")
        '2025-11-18'
        >>> credit_line_date("Posted on December 20, 2025 by Jean-Luc Aufranc (CNXSoft) - 5 Comments")
        '2025-12-20'

    Only for a line where a dateline is expected (under the headline). A line that ends a sentence or
    holds two is prose, and so is a long one: a date it mentions is not the article's.
    """
    if len(text.split()) > CREDIT_LINE_MAX_WORDS or _SENTENCE.search(text) or not _may_hold_year(text):
        return None
    folded = _folded_with_year(text)
    return None if folded is None else _leftmost_full_date(folded)[0]


def dateline_date(text: str, full: bool = False) -> str | None:
    """The date of a dateline (a line of at most :data:`DATELINE_MAX_WORDS` words with a date), else
    None; with ``full``, only a full date (a day, not just a month)::

        >>> dateline_date("Updated March 3, 2024"), dateline_date("March 2024", full=True)
        ('2024-03-03', None)
    """
    if not (date := find_date(text)) or len(text.split()) > DATELINE_MAX_WORDS:  # find_date's test is the cheaper
        return None
    return date if not full or len(date) == len("2000-01-01") else None


def markup_date(value: str | None) -> str | None:
    """The day a ``<meta content>``, JSON-LD or ``datetime`` value names, as ``YYYY-MM-DD``.

    The date part is taken as written, without converting the time zone: a
    page's markup dates and its visible dates are then the same day. A numeric
    date that reads both ways (03-09-2026) says nothing.

    >>> markup_date("2024-10-15T18:50:03+00:00")
    '2024-10-15'
    >>> markup_date("March 11, 2026")
    '2026-03-11'
    >>> markup_date("03-09-2026") is None and markup_date("2026") is None
    True
    """
    if not value or not isinstance(value, str):
        return None
    if match := _MARKUP_ISO.match(value):
        year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
        return f"{year:04d}-{month:02d}-{day:02d}" if _is_valid(year, month, day) else None
    if (match := _AMBIGUOUS_NUMERIC.search(value)) and int(match["first"]) <= 12 and int(match["second"]) <= 12:
        return None
    date = find_date(value.strip()[:MAX_DATE_LINE_CHARS])
    return date if date and len(date) == len("2000-01-01") else None


def url_date(url: str | None) -> str | None:
    """The full date in a URL's path (``/2025/12/18/slug``), as ``YYYY-MM-DD``; None if there is none.

    >>> url_date("https://example.org/2025/12/18/the-slug/")
    '2025-12-18'
    >>> url_date("https://example.org/2025/12/best-of/") is None
    True
    """
    if not url:
        return None
    path = re.sub(r"^[a-z][a-z0-9+.-]*://[^/]*", "", url, flags=re.I).split("?")[0].split("#")[0]
    for match in _URL_DATE.finditer(path):
        year, month, day = int(match["year"]), int(match["month"]), int(match["day"])
        if _is_valid(year, month, day):
            return f"{year:04d}-{month:02d}-{day:02d}"
    return None

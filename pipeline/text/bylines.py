"""Bylines: the author's name in a line such as "By Jane Doe | Reuters".

A byline is a short line that starts with a credit word and then names people;
what follows the names (a desk, a date, an agency, "Staff Writer") is cut off::

    >>> find_byline("By Salman Rafi Sheikh")
    'Salman Rafi Sheikh'
    >>> find_byline("By Meg James Staff Writer")
    'Meg James'
    >>> find_byline("Written by Rachael Link, MS, RD on November 14, 2019")
    'Rachael Link'
    >>> find_byline("By Mike Wuerthele and Malcolm Owen")
    'Mike Wuerthele and Malcolm Owen'
    >>> find_byline("By Korin MillerPublished: Jan 29, 2025")
    'Korin Miller'
    >>> find_byline("By Jill Barshay August 4, 2025")
    'Jill Barshay'
    >>> find_byline("كتبت أسماء نصار")
    'أسماء نصار'
    >>> find_byline("حوار: آسيا العتروس")
    'آسيا العتروس'
    >>> find_byline("By clicking Subscribe you agree to our Privacy Policy.") is None
    True

Titles sometimes carry the byline on the same line::

    >>> split_title_byline("What is NATO’s New Mission in Iraq? By Salman Rafi Sheikh")
    ('What is NATO’s New Mission in Iraq?', 'Salman Rafi Sheikh')

Pages also print the author without a credit word: under a "Written By" on a
line of its own (:func:`credit_over_name`), or alone next to the date
(:func:`name_at_dateline`, :func:`unmarked_author`). Such a name must have the
shape of one and nothing of page furniture (:func:`printed_name`).

The rules are conservative: a line is a byline only when the words after the
credit word look like names (capitalised English words, or a few Arabic words
with nothing sentence-like after them). "X, Reuters" is taken only with a
known news agency after the comma.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from pipeline.text._meta import CREDIT, YEAR, head_marks
from pipeline.text.lexicon import stopwords
from pipeline.boilerplate.rules import match_rule
from pipeline.text.dates import DATELINE_MAX_WORDS, credit_line_date, dateline_date

#: A byline is short; longer lines that start with "By" are sentences
#: ("By the time Buckley learned who had written the song, ...").
MAX_BYLINE_CHARS = 160

#: Words in one person's name, at most ("Matt De La O", "Mary Clare Jalonick").
MAX_NAME_WORDS = 5

#: Arabic words after "كتب"/"كتبت" without a colon, at most: without the colon
#: the verb may start a sentence ("كتب الرئيس رسالة إلى ..."), so the whole rest
#: of the line must be a short name.
MAX_ARABIC_NAME_WORDS_NO_COLON = 4

#: Lower-case words that belong inside names (not as the first word).
NAME_PARTICLES = frozenset(
    "de da das do dos di du del della der den van von ter la le bin bint ibn al el abu y".split()
)

#: Capitalised words that end a name: roles, desks and labels printed after it
#: ("Staff Writer", "Business Columnist", "Marketing Director", "Updated", "On").
NOT_NAME_WORDS = frozenset(
    """
    staff senior chief business sports sport political politics tech technology health science
    foreign national deputy associate managing contributing special guest editor editors writer
    writers reporter reporters correspondent columnist contributor journalist analyst producer
    director manager sponsored
    editorial team desk news updated published posted last on at in for the a an this that our
    your with from via photo photos video and or
    monday tuesday wednesday thursday friday saturday sunday today yesterday
    january february march july september october november december feb sept oct nov dec
    """.split()
)

#: Agencies accepted in the "Jane Doe, Reuters" form.
NEWS_AGENCIES = frozenset(
    "reuters ap afp bloomberg cnn bbc dpa efe xinhua anadolu ansa upi".split()
    + ["associated press", "ap news", "agence france-presse"]
)

_ENGLISH_CREDIT = re.compile(
    r"^(?P<bullet>[*•]\s*)?"
    r"(?:(?:(?:written|words|story|text|reporting|reported|posted|compiled|interview)\s+)?by\s*:?|author\s*:)"
    r"\s+(?P<rest>\S.*)$",
    re.IGNORECASE,
)
#: "by" after a date on a dateline ("October 11, 2023 by Autumn Huerter"), unless it credits someone else.
_CREDIT_AFTER_DATE = re.compile(r"(?<!reviewed )(?<!checked )(?<!photo )(?<!photos )(?<!image )(?<!edited )"
                                r"\bby\s*:?\s+(?P<rest>\S.*)$", re.IGNORECASE)
#: A credit on a line of its own ("Written By", "بقلم"): the names are on the next line.
_LONE_CREDIT = re.compile(r"^(?:(?:(?:written|words|story|text|reporting|reported|posted|compiled|interview)\s+)?by|"
                          r"بقلم|إعداد|اعداد)\s*[:：]?$", re.IGNORECASE)
# Arabic credit words: by the pen of, wrote (m./f.), interview, prepared by, report.
_ARABIC_CREDIT = re.compile(
    r"^(?P<word>بقلم|كتبته|كتبت|كتبه|كتب|حوار|إعداد|اعداد|تقرير)(?=[\s:：\-–—/])\s*(?P<colon>[:：\-–—/])?\s*(?P<rest>\S.*)$"
)
_AGENCY_FORM = re.compile(r"^(?P<name>[^,]+),\s*(?P<agency>[^,]+?)\.?$")
#: The words every English or Arabic credit starts with, after spaces and one of CREDIT_BULLETS.
CREDIT_START_WORDS = ("written", "words", "story", "text", "reporting", "reported", "posted", "compiled", "interview",
                      "by", "author", "بقلم", "كتب", "حوار", "إعداد", "اعداد", "تقرير")
CREDIT_BULLETS = "*•"
#: How every credit starts, whatever follows: the cheap test that turns away most lines before the credit
#: patterns above are tried on them.
_CREDIT_START = re.compile(rf"\s*(?:[{CREDIT_BULLETS}]\s*)?(?:{'|'.join(CREDIT_START_WORDS)})", re.IGNORECASE)
#: The last word of each news agency (a line in the "Jane Doe, Reuters" form ends with one, or it and a dot).
_AGENCY_LAST_WORDS = tuple(sorted({agency.split()[-1] for agency in NEWS_AGENCIES}))

# Where an English name list ends: a dash, bar, bracket, e-mail, digit.
_ENGLISH_STOP = re.compile(r"\s[-–—|/]\s|[|(@\d]|\s[-–—]$")
# Where an Arabic name ends: a separator, bracket, digit or Latin text.
_ARABIC_STOP = re.compile(r"[-–—|/(،,:؛\d٠-٩«»\"A-Za-z]")
_ARABIC_WORD = re.compile(r"^[\u0621-\u063a\u0641-\u064a\u064b-\u065f\u0670\u0671-\u06d3\u0640]+\.?$")

#: An English month, full or abbreviated.
_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?|"
          r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
_MONTH_AT_END = re.compile(rf"\s{_MONTH}\.?\s*$")

#: The credit words a byline after a title starts with: a title holds one of them, or :func:`split_title_byline`
#: finds no byline in it (the cheap test before the two patterns below, tried at every character).
TITLE_CREDIT_WORDS = ("by", "BY", "By", "بقلم", "كتب", "حوار", "إعداد")
_TITLE_THEN_BY = re.compile(r"(?<=[?!.:\"”’'|–—\-؟])\s+(?=(?:by|BY|By)\s)")
_TITLE_THEN_ARABIC = re.compile(r"\s+(?=(?:بقلم|كتبت|كتب|حوار|إعداد)\s*[:：\-–—])|(?<=[?!.:|–—\-؟»\"])\s+(?=بقلم\s)")


#: Role words that, right after a single credit, mean the staff of an outlet
#: ("By HNN Staff", "By JERUSALEM POST STAFF"), not a person.
STAFF_WORDS = frozenset({"staff", "team", "desk", "editors", "reporters", "writers"})

# Dumps glue words together ("Jonathan GarberFOXBusiness", "Korin MillerPublished: Jan 29"): a
# lower-case letter followed by two capitals, or by the label of a date, starts a new word.
_GLUED = re.compile(r"(?<=[a-z])(?=[A-Z]{2}|(?:Published|Updated|Posted|Modified)\b)")


def _name_shape(part: str) -> bool:
    """"Smith", "McCarthy", "LaMotte", "SMITH", "L" but not "FOXBusiness"."""
    if not part or not part[0].isupper():
        return False
    if part.isupper():
        return True
    return not any(a.isupper() and b.isupper() for a, b in zip(part, part[1:]))


#: What splits a name word into the parts each shaped like a name ("Jean-Luc", "O'Brien", "J.R.").
_NAME_WORD_PARTS = re.compile(r"[-'.]")


def _is_name_word(word: str, first: bool) -> bool:
    lower = word.lower()
    if lower in NOT_NAME_WORDS:
        return False
    if lower in NAME_PARTICLES:
        return not first
    core = word.replace("’", "'").rstrip(".")
    # Letters, with initials' dots, hyphens and apostrophes: "L.", "O'Brien", "Jean-Luc".
    if not core or not all(ch.isalpha() or ch in "'-." for ch in core):
        return False
    return all(_name_shape(part) for part in _NAME_WORD_PARTS.split(core) if part)


def _english_names(rest: str) -> list[str]:
    """Names at the start of ``rest``, up to the first word that is not part of one."""
    stop = _ENGLISH_STOP.search(rest)
    if stop:
        # A month right before the first digit starts the date, not a name ("By Jill Barshay August 4, 2025").
        rest = _MONTH_AT_END.sub("", rest[: stop.start()]) if rest[stop.start()].isdigit() else rest[: stop.start()]
    words = _GLUED.sub(" ", rest.replace(" ,", ",")).split()
    names: list[str] = []
    current: list[str] = []
    for index, raw in enumerate(words):
        comma = raw.endswith(",")
        word = raw.rstrip(",;")
        if not word:
            continue
        if word.lower() in ("and", "&"):
            if current:
                names.append(" ".join(current))
            current = []
            continue
        if not _is_name_word(word, first=not current):
            following = words[index + 1].lower() if index + 1 < len(words) else ""
            if word.lower() in STAFF_WORDS and not names and following not in NOT_NAME_WORDS:
                return []  # "By HNN Staff": an outlet's staff, no person named
            break
        current.append(word)
        if len(current) > MAX_NAME_WORDS:
            return []  # too long for a name: a sentence in title case
        if comma:
            names.append(" ".join(current))
            current = []
    if current:
        names.append(" ".join(current))
    # After a comma, one word is a credential or an outlet ("MS", "CNN"), not a person.
    kept = names[:1]
    for name in names[1:]:
        if len(name.split()) < 2:
            break
        kept.append(name)
    return kept


def _join(names: list[str]) -> str:
    if len(names) <= 2:
        return " and ".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _arabic_name(match: re.Match[str]) -> str | None:
    rest = match["rest"]
    colon = match["colon"] is not None
    stop = _ARABIC_STOP.search(rest)
    if stop:
        if not colon and match["word"].startswith("كتب") and rest[stop.start()] not in "-–—|(":
            return None  # "كتب فلان، ..." without a colon is a sentence
        rest = rest[: stop.start()]
    words = rest.split()
    if not words or not all(_ARABIC_WORD.match(word) for word in words):
        return None
    limit = MAX_NAME_WORDS if colon else MAX_ARABIC_NAME_WORDS_NO_COLON
    if len(words) > limit or (not colon and len(words) < 2):
        return None
    return " ".join(words)


def could_be_byline(text: str) -> bool:
    """Whether ``text`` has what every byline has: a credit word at its start or, in the "Jane Doe,
    Reuters" form, a comma and a news agency's name at its end. Most lines of a page have neither, and
    :func:`find_byline` turns them away with this test alone::

        >>> could_be_byline("  * Written by Jane Roe"), could_be_byline("Jane Roe, AP."), could_be_byline("Home")
        (True, True, False)
    """
    if _CREDIT_START.match(text):
        return True
    if "," not in text:
        return False
    tail = text.rstrip()
    return tail.removesuffix(".").lower().endswith(_AGENCY_LAST_WORDS)


def line_marks(texts: list[str], stop: int) -> bytes:
    """A byte per line of ``texts[:stop]``, from one compiled pass (:func:`pipeline.text._meta.head_marks`):
    :data:`YEAR` unless :func:`pipeline.text.dates.find_date` certainly finds nothing in the line (it has no
    year's digits), :data:`CREDIT` unless :func:`could_be_byline` certainly turns it away (no credit word can
    start it and it has no comma). Callers skip a line's date or byline test when its bit is not set::

        >>> list(line_marks(["Home", "By Jane Roe", "March 3, 2024", "Jane Roe, AP"], 4)) == [0, CREDIT, YEAR | CREDIT, CREDIT]
        True
    """
    return head_marks(texts, stop, CREDIT_BULLETS, CREDIT_START_WORDS)


def find_byline(text: str) -> str | None:
    """The author(s) a byline names, or ``None`` if ``text`` is not a byline.

    Several authors come back as one string, "A and B" or "A, B and C";
    :func:`split_authors` turns that into a list.
    """
    if not could_be_byline(text):
        return None
    text = " ".join(text.split())
    if not text or len(text) > MAX_BYLINE_CHARS:
        return None
    if match := _ENGLISH_CREDIT.match(text):
        names = _english_names(match["rest"])
        if match["bullet"] and names and len(names[0].split()) < BARE_NAME_MIN_WORDS:
            return None  # "* By Region": a menu's item; "* by Christian Roth" is a byline in a list
        return _join(names) if names else None
    if match := _ARABIC_CREDIT.match(text):
        return _arabic_name(match)
    if (match := _AGENCY_FORM.match(text)) and match["agency"].lower() in NEWS_AGENCIES:
        names = _english_names(match["name"])
        if len(names) == 1 and len(names[0].split()) >= 2 and names[0] == match["name"].strip():
            return names[0]
    return None


def credit_after_date(text: str) -> str | None:
    """The author a dateline credits after its date, else None::

        >>> credit_after_date("October 11, 2023 by Autumn Huerter")
        'Autumn Huerter'
        >>> credit_after_date("Reviewed by Justin Meserole, on December 9, 2024") is None
        True
    """
    if not dateline_date(text, full=True) and not credit_line_date(text):
        return None
    match = _CREDIT_AFTER_DATE.search(" ".join(text.split()))
    names = _english_names(match["rest"]) if match else []
    return _join(names) if names else None


def is_lone_credit(text: str) -> bool:
    """Whether ``text`` is a credit printed alone, its names on the next line::

        >>> is_lone_credit("Written By"), find_byline("Written By" + " " + "Stephen Jesudunsin")
        (True, 'Stephen Jesudunsin')
    """
    return bool(_LONE_CREDIT.match(text.strip()))


#: A bare name has at least this many words ("Kelia Losa Reinoso"; one word is a label or a handle).
BARE_NAME_MIN_WORDS = 2
_ACRONYM = re.compile(r"^[A-Z]{2,}s?$")
_RUN_TOGETHER = re.compile(r"[a-z]{3}[A-Z]")


def bare_name(text: str) -> str | None:
    """The line when it is nothing but one person's name, else None.

    Pages print the author without "By" in the block around the date
    ("Kelia Losa Reinoso" over "August 25, 2025"); the metadata stage asks
    only about the lines next to a dateline, as a name's shape alone proves
    little::

        >>> bare_name("Kelia Losa Reinoso"), bare_name("Business"), bare_name("HR Strategy"), bare_name("Craig McCarthy")
        ('Kelia Losa Reinoso', None, None, 'Craig McCarthy')
    """
    words = text.split()
    text = " ".join(words)
    # (the name's word count first: most lines fail it, and the name test is the dearest)
    if not BARE_NAME_MIN_WORDS <= len(words) <= MAX_NAME_WORDS or len(text) > MAX_BYLINE_CHARS \
            or _ENGLISH_STOP.search(text):
        return None
    names = _english_names(text)
    if len(names) != 1 or names[0] != text:
        return None
    # Menus and labels are title case too: an acronym ("HR Strategy") or words run together
    # ("Wedding ChecklistsJust Engaged") is not in a name.
    if not text.isupper() and any(_ACRONYM.match(word) for word in words) or _RUN_TOGETHER.search(text):
        return None
    return text


#: Where the date starts in a "Name • Oct 20, 2025" line: after a separator or a "Published" label,
#: a digit or a month name followed by a digit.
_DATE_AFTER_NAME = re.compile(
    r"\s*(?:[•|·–—-]\s*)?(?:(?:Published|Updated|Posted)\b:?\s*)?"
    rf"(?=\d|{_MONTH}\.?\s+\d)")


def name_before_date(text: str) -> str:
    """What a dateline prints before its date ("" if it starts with the date)::

        >>> name_before_date("Faith Katunga • Oct 20, 2025"), name_before_date("Tuhin Bhatt 19 Jun 2025")
        ('Faith Katunga', 'Tuhin Bhatt')
    """
    match = _DATE_AFTER_NAME.search(text)
    return text[:match.start()].strip() if match else ""


#: Buttons printed around a byline ("Print Email Copy Link", "Share Post"): title case, like a name.
BUTTON_WORDS = frozenset("print email share post copy link save follow subscribe comment comments".split())


def printed_name(text: str) -> str | None:
    """:func:`bare_name`, less what reads as page furniture: a line a boilerplate rule names ("Read
    More"), one with a button's word, or one with a common English word ("Get Started", "All Posts",
    "Great Day"), which a name rarely has (without a "By" in front, a name needs that evidence)::

        >>> printed_name("Elliot Raba"), printed_name("Get Started"), printed_name("Print Email Copy Link")
        ('Elliot Raba', None, None)
    """
    name = bare_name(text)
    if name is None or match_rule(name, len(name.split())) is not None:
        return None
    common = stopwords()
    words = [word.lower().rstrip(".") for word in name.split()]
    return None if any(word in common or word in BUTTON_WORDS for word in words) else name


def credit_over_name(texts: Sequence[str], index: int) -> str | None:
    """The name on the line after a credit printed alone ("Written By" over "Jane Roe"), else None."""
    if index + 1 >= len(texts) or not is_lone_credit(texts[index]) or len(texts[index + 1].split()) > DATELINE_MAX_WORDS:
        return None
    author = find_byline(f"{texts[index]} {texts[index + 1]}")
    return author if author and (len(author.split()) == 1 or bare_name(author)) else None


def name_at_dateline(texts: Sequence[str], dateline: int, taken: Iterable[int] = ()) -> tuple[str, int] | None:
    """A byline without its "By": a name printed alone right above or below the dateline (lines in
    ``taken`` excepted), else one printed before the date on it; with the index of its line."""
    for index in (dateline - 1, dateline + 1):
        if 0 <= index < len(texts) and index not in taken and (name := printed_name(texts[index])):
            return name, index
    if name := printed_name(name_before_date(texts[dateline])):
        return name, dateline
    return None


def unmarked_author(near: Sequence[str]) -> str | None:
    """The author among the short texts around an HTML page's headline (the headline first, then the
    nearest) when no byline names one: under a credit printed alone, or next to the first full date,
    as in a dump::

        >>> unmarked_author(["Rain Again", "Elliot Raba", "23.07.2025", "6 min read"])
        'Elliot Raba'
    """
    for index in range(len(near)):
        if author := credit_over_name(near, index):
            return author
    dateline = next((index for index, text in enumerate(near) if dateline_date(text, full=True)), None)
    found = name_at_dateline(near, dateline, taken={0}) if dateline is not None else None  # near[0]: the headline
    return found[0] if found else None


def near_headline_author(near: Sequence[str]) -> str | None:
    """The author printed around an HTML page's headline: the nearest byline, else
    :func:`unmarked_author`::

        >>> near_headline_author(["Rain Again", "By Jane Roe", "Elliot Raba", "23.07.2025"])
        'Jane Roe'
    """
    return next((author for text in near if (author := find_byline(text))), None) or unmarked_author(near)


#: The start of a date run into an author field ("ServiceTitan November", "Supermove February 8"): a month
#: with its day, or a month no surname is (May, March, June, April and August are names too).
_TRAILING_DATE = re.compile(rf"[\s;,]+(?:{_MONTH}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?|(?:January|February|September|October|"
                            rf"November|December|Jan|Feb|Sept?|Oct|Nov|Dec)\.?),?\s*$")
#: An author field that names nobody: a month, a time of day, or no letters at all.
_NOBODY = re.compile(rf"^(?:{_MONTH}\.?|[AP]M)$|^[^\w]*$", re.IGNORECASE)


def tidy_author(author: str) -> str | None:
    """An author field without the date a page's markup ran into it; None when it names nobody::

        >>> tidy_author("ServiceTitan November"), tidy_author("Supermove; February 8"), tidy_author("Theresa May")
        ('ServiceTitan', 'Supermove', 'Theresa May')
        >>> tidy_author("Dec"), tidy_author("AM"), tidy_author("-")
        (None, None, None)
    """
    author = _TRAILING_DATE.sub("", author.strip()).rstrip(";, ")
    return None if _NOBODY.match(author) else author


def split_authors(byline: str) -> list[str]:
    """``"A, B and C"`` to ``["A", "B", "C"]``; an Arabic byline stays one name."""
    return [name for name in re.split(r",\s*|\s+and\s+", byline) if name]


def split_title_byline(text: str) -> tuple[str, str] | None:
    """``(title, author)`` for a title that ends with its byline, else ``None``.

    The title must end with punctuation or a separator before "By" (a
    title-case headline such as "Man Bitten By Shark" has none), and the
    author must have at least two words.
    """
    if not any(map(text.__contains__, TITLE_CREDIT_WORDS)):
        return None  # neither pattern below can match
    text = " ".join(text.split())
    if len(text) > MAX_BYLINE_CHARS * 2:
        return None
    for pattern in (_TITLE_THEN_BY, _TITLE_THEN_ARABIC):
        for match in reversed(list(pattern.finditer(text))):
            title = text[: match.start()].rstrip(" |–—-").strip()
            author = find_byline(text[match.end() :])
            if len(title.split()) >= 2 and author and len(author.split()) >= 2:
                return title, author
    return None

"""What an HTML page shows around its headline, and the dates its markup states.

trafilatura returns the article; a reader takes the title from the headline,
the date from the line under it and the publication date from the page's
declarations. These readers collect that evidence from the parsed page (an
lxml tree) for the metadata stage, which weighs it
(:func:`pipeline.stages.metadata.publication_date`)::

    >>> from lxml import html
    >>> page_evidence(html.fromstring("<h1>Rain again</h1><p>By Jane Roe</p><p>March 3, 2024</p>"))
    {'headlines': ['Rain again'], 'near_headline': ['Rain again', 'By Jane Roe', 'March 3, 2024']}
"""

from __future__ import annotations

import json
import re
from typing import Any

from pipeline.text.dates import MAX_DATE_LINE_CHARS, find_date, markup_date

_WHITESPACE = re.compile(r"\s+")

#: Texts this short near a headline may be its dateline or byline.
NEAR_HEADLINE_MAX_WORDS = 12
#: How many text pieces after (and before) the first headline are kept as evidence.
TEXTS_AFTER_HEADLINE, TEXTS_BEFORE_HEADLINE = 40, 10
#: An ``<h1>`` holding more characters than this is no headline but a page wrapped in one (misnested
#: markup: each of 240 nested ``<h1>`` held the rest of a 2.4 MB page, and reading them all as
#: headlines took 16 s, found by ``make fuzz``, seed 8, input 15415).
MAX_HEADLINE_CHARS = 2_000
#: Elements whose text a browser does not show.
INVISIBLE = ("script", "style", "noscript", "template", "svg")
#: ``<meta>`` names and properties (lower-cased) in which a publisher declares when
#: the article was first published: Open Graph's, Dublin Core's and those news
#: CMSs write for their analytics and newsletters. Schema.org's ``datePublished``
#: is not one of them: many SEO plugins rewrite it when the article is updated,
#: and on wcxb-dev it loses to the date printed under the headline, which these win over.
PUBLISHED_META = frozenset({
    "article:published_time", "og:published_time", "og:article:published_time", "article:first_published_time",
    "parsely-pub-date", "sailthru.date", "cxenseparse:publishtime", "og:publish_date",
    "dc.date.issued", "dcterms.issued", "dcterms.created", "citation_publication_date",
})
#: ``<meta>`` keys that hold some date of the page (published, modified, created ...).
_DATE_META_KEY = re.compile(r"date|time|publish|modif|updated|created|issued", re.I)
#: JSON-LD keys holding dates of the page or its article.
_JSON_LD_DATE_KEYS = ("datePublished", "dateCreated", "dateModified")
#: Subtrees whose dates belong to the site, not the article (footers' "last updated").
_NOT_ARTICLE_DATES = "ancestor::nav or ancestor::footer or ancestor::aside"


def squash(text: str) -> str:
    """Runs of whitespace as one space, the ends trimmed."""
    return _WHITESPACE.sub(" ", text).strip()


def page_evidence(tree: Any) -> dict[str, Any]:
    """The page's h1 headlines and the short visible texts around the first one.

    Readers take a page's title from its headline and its date from the line
    under it; trafilatura's metadata reads ``<title>`` and ``<meta>`` instead,
    which carry site suffixes and modification dates.
    """
    headlines: list[str] = []
    texts: list[str] = []
    before: list[str] = []
    first_headline = None
    for element in tree.iter():
        tag = element.tag if isinstance(element.tag, str) else ""
        if not tag or tag in INVISIBLE:
            continue
        if tag == "h1" and len(raw := element.text_content()) <= MAX_HEADLINE_CHARS:
            if text := squash(raw):
                headlines.append(text)
                if first_headline is None:
                    first_headline, before = len(texts), texts[-TEXTS_BEFORE_HEADLINE:]
        for piece in (element.text, element.tail):
            if piece and piece.strip():
                texts.append(squash(piece))
        if first_headline is not None and len(texts) > first_headline + TEXTS_AFTER_HEADLINE:
            break
    if first_headline is None:
        return {"headlines": headlines}
    after = texts[first_headline:first_headline + TEXTS_AFTER_HEADLINE]
    near = [t for t in after + before[::-1] if len(t.split()) <= NEAR_HEADLINE_MAX_WORDS]
    return {"headlines": headlines, "near_headline": near}


def _json_ld_dates(data: Any, found: list[tuple[str, str]]) -> None:
    """(key, value) of every date in a JSON-LD document, depth first (``@graph``, lists, nested objects)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key in _JSON_LD_DATE_KEYS and isinstance(value, str):
                found.append((key, value))
            elif isinstance(value, (dict, list)):
                _json_ld_dates(value, found)
    elif isinstance(data, list):
        for item in data:
            _json_ld_dates(item, found)


def date_evidence(tree: Any) -> dict[str, Any]:
    """Dates the page's markup states, for the metadata stage (dates as ``YYYY-MM-DD``).

    ``published``: the first date in a :data:`PUBLISHED_META` tag;
    ``json_ld_published``: the first JSON-LD ``datePublished``;
    ``markup_dates``: every date in ``<meta>``, JSON-LD and ``<time datetime>``,
    which tells how the page writes an ambiguous date such as 09.10.2024.
    """
    evidence: dict[str, Any] = {}
    markup: set[str] = set()
    for meta in tree.iter("meta"):
        declared = (meta.get("property") or meta.get("name") or "").strip().lower()
        key = declared or (meta.get("itemprop") or "").strip().lower()  # microdata: a date, not a declaration
        if key and _DATE_META_KEY.search(key) and (date := markup_date(meta.get("content"))):
            markup.add(date)
            if declared in PUBLISHED_META:
                evidence.setdefault("published", date)
    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json" or not script.text:
            continue
        found: list[tuple[str, str]] = []
        try:
            _json_ld_dates(json.loads(script.text), found)
        except (ValueError, RecursionError):
            continue  # broken JSON-LD is common; the rest of the page still counts
        for key, value in found:
            if date := markup_date(value):
                markup.add(date)
                if key == "datePublished":
                    evidence.setdefault("json_ld_published", date)
    for element in tree.iter("time"):
        if date := markup_date(element.get("datetime")):
            markup.add(date)
    if markup:
        evidence["markup_dates"] = sorted(markup)
    return evidence


def first_dateline(tree: Any) -> str | None:
    """The first full date printed on its own on the page (outside menus, asides and footers), or None."""
    for text in tree.xpath(f"//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript "
                           f"or ancestor::template or {_NOT_ARTICLE_DATES})]"):
        if len(text) > 4 * MAX_DATE_LINE_CHARS:
            continue  # prose, not a dateline (find_date would say so, after squashing it)
        if (date := find_date(squash(text))) and len(date) == len("2000-01-01"):
            return date
    return None


def has_full_date(texts: list[str]) -> bool:
    """Whether one of the texts is a full date (a day, not just a month or year)."""
    return any((date := find_date(text)) and len(date) == len("2000-01-01") for text in texts)

"""What an HTML page shows around its headline, and the dates its markup states.

trafilatura returns the article; a reader takes the title from the headline,
the date from the line under it and the publication date from the page's
declarations. These readers collect that evidence from Lexbor's parse of the
page (:func:`pipeline.html.blocks.parse`, the tree the blocks come from), and
the metadata stage weighs them (:func:`pipeline.stages.metadata.publication_date`)::

    >>> from pipeline.html.blocks import parse
    >>> page_evidence(parse("<p>Menu</p><h1>Rain <b>again</b></h1><p>By Jane Roe</p><p>March 3, 2024</p>"))
    {'headlines': ['Rain again'], 'near_headline': ['Rain', 'again', 'By Jane Roe', 'March 3, 2024', 'Menu']}
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from pipeline.text.dates import MAX_DATE_LINE_CHARS, find_date, markup_date


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
#: Elements whose dates belong to the site, not the article (footers' "last updated").
NOT_ARTICLE_DATES = ("nav", "footer", "aside")


def squash(text: str) -> str:
    """Runs of whitespace as one space, the ends trimmed (``str.split`` splits on exactly the
    characters ``\\s`` matches, in one C call)::

        >>> squash("  Rain\\u00a0\\n again ")
        'Rain again'
    """
    return " ".join(text.split())


def page_evidence(tree: Any) -> dict[str, Any]:
    """The page's h1 headlines and the short visible texts around the first one.

    Readers take a page's title from its headline and its date from the line
    under it; trafilatura's metadata reads ``<title>`` and ``<meta>`` instead,
    which carry site suffixes and modification dates. The texts are the page's
    text nodes in document order, those inside :data:`INVISIBLE` elements left
    out: up to :data:`TEXTS_AFTER_HEADLINE` from the headline on (its own
    first), and :data:`TEXTS_BEFORE_HEADLINE` before it in the body, nearest first.
    """
    read = [(element, text) for element in tree.css("h1") if (text := _headline(element))]
    headlines = [text for _, text in read]
    if not read:
        return {"headlines": headlines}
    anchor = read[0][0]
    texts = _visible_after(anchor, TEXTS_AFTER_HEADLINE) + _visible_before(anchor, TEXTS_BEFORE_HEADLINE)
    return {"headlines": headlines, "near_headline": [t for t in texts if len(t.split()) <= NEAR_HEADLINE_MAX_WORDS]}


def _headline(element: Any) -> str:
    """The text of an ``<h1>`` a reader sees as a headline, or "" (one inside an :data:`INVISIBLE`
    element, or holding more than :data:`MAX_HEADLINE_CHARS`)."""
    parent = element.parent
    while parent is not None:
        if parent.tag in INVISIBLE:
            return ""
        parent = parent.parent
    raw = element.text(deep=True)
    return squash(raw) if len(raw) <= MAX_HEADLINE_CHARS else ""


def _visible_after(node: Any, count: int) -> list[str]:
    """Up to ``count`` visible texts from ``node`` on, in document order (``node``'s own first)."""
    texts: list[str] = []
    while node is not None and len(texts) < count:
        if node.is_text_node:
            if text := squash(node.text_content or ""):
                texts.append(text)
        elif node.is_element_node and node.tag not in INVISIBLE and node.first_child is not None:
            node = node.first_child
            continue
        while node is not None and node.next is None:  # past this subtree: the next node after it
            node = node.parent
        node = node.next if node is not None else None
    return texts


def _visible_before(node: Any, count: int) -> list[str]:
    """Up to ``count`` visible texts of the body before ``node``, nearest first."""
    texts: list[str] = []
    while len(texts) < count:
        if node.prev is None:  # the parent holds no text of its own: go on before it
            node = node.parent
            if node is None or node.tag in ("body", "html"):
                break
            continue
        node = node.prev
        while node.is_element_node and node.tag not in INVISIBLE and node.last_child is not None:
            node = node.last_child
        if node.is_text_node and (text := squash(node.text_content or "")):
            texts.append(text)
    return texts


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
    for meta in tree.css("meta[content]"):
        attributes = meta.attributes
        declared = (attributes.get("property") or attributes.get("name") or "").strip().lower()
        key = declared or (attributes.get("itemprop") or "").strip().lower()  # microdata: a date, not a declaration
        if key and _DATE_META_KEY.search(key) and (date := markup_date(attributes.get("content"))):
            markup.add(date)
            if declared in PUBLISHED_META:
                evidence.setdefault("published", date)
    for script in tree.css("script[type]"):
        if (script.attributes.get("type") or "").strip().lower() != "application/ld+json":
            continue
        if not (text := script.text(deep=True)):
            continue
        found: list[tuple[str, str]] = []
        try:
            _json_ld_dates(json.loads(text), found)
        except (ValueError, RecursionError):
            continue  # broken JSON-LD is common; the rest of the page still counts
        for key, value in found:
            if date := markup_date(value):
                markup.add(date)
                if key == "datePublished":
                    evidence.setdefault("json_ld_published", date)
    for element in tree.css("time[datetime]"):
        if date := markup_date(element.attributes.get("datetime")):
            markup.add(date)
    if markup:
        evidence["markup_dates"] = sorted(markup)
    return evidence


def first_dateline(tree: Any) -> str | None:
    """The first full date printed on its own on the page (a text of its body, outside
    :data:`INVISIBLE` elements and :data:`NOT_ARTICLE_DATES`), or None; ``tree`` is the page parsed
    by :func:`pipeline.html.blocks.parse`::

        >>> from pipeline.html.blocks import parse
        >>> first_dateline(parse("<footer>June 1, 2020</footer><p>By Jane</p><span>Posted 3 March 2021</span>"))
        '2021-03-03'

    Lexbor parses as browsers do, so the texts are where a reader sees them: lxml (libxml2) leaves an
    unclosed ``<li>`` of a menu open over the article, or text outside ``<body>``, and on 7 of the 901
    HTML dev pages misses the dateline a reader sees (or takes an earlier one) that this finds.
    """
    for text in _body_texts(tree.body, INVISIBLE + NOT_ARTICLE_DATES) if tree is not None else ():
        if len(text) > 4 * MAX_DATE_LINE_CHARS:
            continue  # prose, not a dateline (find_date would say so, after squashing it)
        if (date := find_date(squash(text))) and len(date) == len("2000-01-01"):
            return date
    return None


def _body_texts(root: Any, skipped: tuple[str, ...]) -> Iterator[str]:
    """The text nodes under ``root``, in document order, outside elements named in ``skipped``."""
    node, parents = (root.child if root is not None else None), []
    while node is not None:
        if node.is_text_node:
            yield node.text_content or ""
        elif node.is_element_node and node.child is not None and node.tag not in skipped:
            parents.append(node)
            node = node.child
            continue
        while node is not None and node.next is None:  # past the last child: on after the parent
            node = parents.pop() if parents else None
        node = node.next if node is not None else None


def has_full_date(texts: list[str]) -> bool:
    """Whether one of the texts is a full date (a day, not just a month or year)."""
    return any((date := find_date(text)) and len(date) == len("2000-01-01") for text in texts)

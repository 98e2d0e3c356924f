"""Metadata an HTML page declares: ``<meta>`` tags, JSON-LD, ``<title>`` and its canonical URL.

trafilatura reads these with ``examine_meta`` and ``extract_meta_json``; its
``extract_metadata`` then searches the whole page with XPath for an author, a
title, a site name, categories, tags and a licence, and runs htmldate, which
costs about 9 ms a page, a third of what extraction costs. Those searches
repeat what the pipeline reads off the page itself (the headline and the
byline and dateline around it, :mod:`pipeline.html.evidence`), so only the
declared fields are read here, and htmldate runs only for a page without a
better date (:func:`htmldate_date`).

trafilatura's readers of declared fields look only in ``<head>`` and in JSON-LD
scripts, so they are given lxml's parse of just those (:func:`declared_tree`),
not of the page; the author search a page may still need runs as CSS on the
Lexbor tree the blocks come from (:func:`searched_author`)::

    >>> page = declared_tree('<html><head><title>Rain again | Example News</title>'
    ...                      '<meta property="og:site_name" content="Example News"></head>'
    ...                      '<body><p>The article.</p></body></html>')
    >>> declared_metadata(page, "https://www.example.com/news/rain")
    {'host': 'example.com', 'site': 'Example News', 'title': 'Rain again | Example News', 'url': 'https://www.example.com/news/rain'}
"""

from __future__ import annotations

import logging
import re
from typing import Any

import htmldate
from courlan import extract_domain
from trafilatura import load_html
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import examine_meta, examine_title_element, extract_meta_json, extract_sitename, extract_url
from trafilatura.utils import trim

from pipeline.html.nesting import body_start

#: htmldate's publication date from the page's markup and URL, without the slow
#: full-text search, which tends to find unrelated dates (and takes a copyright
#: year for January 1st).
HTMLDATE_PARAMS = {"original_date": True, "extensive_search": False}
#: trafilatura's metadata fields, under the pipeline's names.
FIELDS = {
    "title": "title", "author": "author", "url": "url", "sitename": "site", "hostname": "host",
    "tags": "tags", "categories": "categories", "description": "description",
}

#: trafilatura's ``AUTHOR_XPATHS`` (2.3.1) as CSS, tried in turn, the first element in document order
#: whose text is 3 to :data:`AUTHOR_MAX_CHARS` characters long winning: an XPath ``@class='x'`` is
#: ``[class="x" s]`` (the whole value, with case), ``re:test(@id, 'a|b')`` and ``contains()`` are
#: ``[id*="a" s]``... for each alternative (``[Aa]uthor`` being two). The XPath's ``rel='me'`` tests
#: a child element named ``rel``, which HTML has not, and is left out. On the 905 HTML dev pages
#: the CSS finds the XPath's author on every one, in 0.9 ms instead of 7 (lxml's XPath, with its
#: regular expressions, on the whole page).
AUTHOR_SELECTORS = (
    ":is(a, address, div, link, p, span, strong):is([rel='author' s], [id='author' s], [class='author' s], "
    "[itemprop='author name' s], [data-testid='AuthorCard' s], [data-testid='AuthorURL' s], "
    "[class*='authorname' s], [class*='author-name' s], [class*='AuthorName' s], [class*='authorName' s]), author",
    ":is(a, div, h3, h4, p, span):is([class='byline' s], [class='username' s], [class='byl' s], [class='BBL' s], "
    "[itemprop*='author' s], [id*='author' s], [id*='zuozhe' s], [id*='bianji' s], [id*='xiaobian' s], "
    "[class*='author' s], [class*='channel-name' s], [class*='zuozhe' s], [class*='bianji' s], "
    "[class*='xiaobian' s], [class*='submitted-by' s], [class*='posted-by' s], [class*='journalist-name' s])",
    "[data-component*='Byline' s], [itemprop*='author' s], [id*='author' s], [id*='Author' s], [class*='author' s], "
    "[class*='Author' s], [class*='screenname' s], [class*='writer' s], [class*='byline' s], [class*='Byline' s]",
)
#: An author text this long or longer is a paragraph that happens to sit in a byline box (trafilatura's ``len_limit``).
AUTHOR_MAX_CHARS = 120
#: The JSON-LD scripts trafilatura's ``extract_meta_json`` reads (``ld+json`` and ``settings+json``).
_JSON_LD_SCRIPT = re.compile(r"<script\b[^>]*application/(?:ld|settings)\+json[^>]*>.*?</script\s*>", re.I | re.S)

_LOG = logging.getLogger(__name__)


def declared_tree(html: str) -> Any:
    """lxml's parse (trafilatura's ``load_html``) of what :func:`declared_metadata` reads: the page up
    to its ``<body>`` tag, with the JSON-LD scripts of the body after it (the whole page when it has
    no ``<body>`` tag); None for a string trafilatura refuses. A page's head is a few KB, its body tens
    to hundreds: on the 905 HTML dev pages this parse gives every page the metadata the whole page's
    parse gives, in 3.1 ms instead of 5.5 (parse included)."""
    start = body_start(html)
    if start < 0:
        return load_html(html)
    scripts = "".join(match.group(0) for match in _JSON_LD_SCRIPT.finditer(html, start))
    return load_html(f"{html[:start]}<body>{scripts}</body></html>")


def declared_metadata(tree: Any, url: str | None = None) -> dict[str, Any]:
    """Title, author, canonical URL, host, site name, tags, categories and description as the markup
    declares them (absent fields are left out); ``url`` is where the page came from, if known."""
    document = examine_meta(tree)
    if document.author and " " not in document.author:
        document.author = None  # a one-word author is a handle or the site's name (trafilatura's rule)
    try:
        document = extract_meta_json(tree, document)
    except Exception as error:  # noqa: BLE001 - odd JSON-LD trips trafilatura's reader; the <meta> values stand
        _LOG.debug("JSON-LD metadata unreadable: %s", error)
    if not document.title:
        document.title = examine_title_element(tree)[0] or None
    document.url = document.url or extract_url(tree, url)
    if document.url:
        document.hostname = extract_domain(document.url, fast=True)
    document.sitename = (document.sitename or extract_sitename(tree) or "").lstrip("@")
    if document.sitename and "." not in document.sitename and not document.sitename[0].isupper():
        document.sitename = document.sitename.title()  # "example news" -> "Example News", as trafilatura does
    document.clean_and_trim()
    return {name: value for field, name in sorted(FIELDS.items(), key=lambda item: item[1])
            if (value := getattr(document, field, None))}


def searched_author(page: Any) -> str | None:
    """The first author :data:`AUTHOR_SELECTORS` find on a page parsed by
    :func:`pipeline.html.blocks.parse` (``rel=author``, ``class=author-name`` ...), as trafilatura's
    XPath expressions would: for a page that declares none and prints no author near its headline
    (:func:`pipeline.text.bylines.near_headline_author`). trafilatura's ``extract_author`` first copies
    the page and prunes comment threads, dates and figures from it; without that the author is right
    more often on wcxb-dev (0.687 vs 0.675)::

        >>> from pipeline.html.blocks import parse
        >>> searched_author(parse('<div class="meta"><span class="byline">by <a>Jane  Roe</a></span></div>'))
        'Jane Roe'
    """
    for selector in AUTHOR_SELECTORS:
        for element in page.css(selector):
            if 2 < len(text := trim(element.text(deep=True, separator=" "))) < AUTHOR_MAX_CHARS:
                return normalize_authors(None, text)
    return None


def htmldate_date(tree: Any, url: str | None = None) -> str | None:
    """htmldate's publication date of the page (``YYYY-MM-DD``), or None; htmldate works on its own copy.

    A page htmldate cannot clean gives no date rather than failing the document: its cleaning drops
    an element whose parent it has already dropped (``<svg>`` nested in ``<svg>``), and lxml's
    ``drop_tree`` asserts that there is a parent (found by ``make fuzz``, seed 2, input 34799)::

        >>> from trafilatura.utils import load_html
        >>> htmldate_date(load_html('<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN"><svg><svg>')) is None
        True
    """
    try:
        return htmldate.find_date(tree, url=url, **HTMLDATE_PARAMS) or None
    except AssertionError:
        return None

"""Metadata an HTML page declares: ``<meta>`` tags, JSON-LD, ``<title>`` and its canonical URL.

trafilatura reads these with ``examine_meta`` and ``extract_meta_json``; its
``extract_metadata`` then searches the whole page with XPath for an author, a
title, a site name, categories, tags and a licence, and runs htmldate, which
costs about 9 ms a page, a third of what extraction costs. Those searches
repeat what the pipeline reads off the page itself (the headline and the
byline and dateline around it, :mod:`pipeline.html.evidence`), so only the
declared fields are read here, and htmldate runs only for a page without a
better date (:func:`htmldate_date`)::

    >>> from lxml import html
    >>> page = html.fromstring('<html><head><title>Rain again | Example News</title>'
    ...                        '<meta property="og:site_name" content="Example News"></head></html>')
    >>> declared_metadata(page, "https://www.example.com/news/rain")
    {'host': 'example.com', 'site': 'Example News', 'title': 'Rain again | Example News', 'url': 'https://www.example.com/news/rain'}
"""

from __future__ import annotations

import logging
from typing import Any

import htmldate
from courlan import extract_domain
from trafilatura.json_metadata import normalize_authors
from trafilatura.metadata import (examine_meta, examine_title_element, extract_meta_json, extract_metainfo, extract_sitename,
                                  extract_url)
from trafilatura.xpaths import AUTHOR_XPATHS

#: htmldate's publication date from the page's markup and URL, without the slow
#: full-text search, which tends to find unrelated dates (and takes a copyright
#: year for January 1st).
HTMLDATE_PARAMS = {"original_date": True, "extensive_search": False}
#: trafilatura's metadata fields, under the pipeline's names.
FIELDS = {
    "title": "title", "author": "author", "url": "url", "sitename": "site", "hostname": "host",
    "tags": "tags", "categories": "categories", "description": "description",
}

_LOG = logging.getLogger(__name__)


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


def searched_author(tree: Any) -> str | None:
    """The first author trafilatura's XPath expressions find on the page (``rel=author``,
    ``class=author-name`` ...): for a page that declares none and prints no author near its
    headline (:func:`pipeline.text.bylines.near_headline_author`), as it costs about 6 ms.
    trafilatura's ``extract_author`` first copies the page and prunes comment threads, dates and
    figures from it; without that (3 ms more) the author is right more often on wcxb-dev (0.687 vs
    0.675)."""
    author = extract_metainfo(tree, AUTHOR_XPATHS, len_limit=120)
    return normalize_authors(None, author) if author else None


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

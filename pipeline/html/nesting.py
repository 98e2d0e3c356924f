"""Markup nested past a depth limit: its extra start tags cut before a page is parsed.

An HTML5 parser keeps a stack of open elements, and many start tags make it
search that stack (``<div>``, ``<p>`` and ``<option>`` look for an open ``<p>``,
``<select>`` or formatting element to close). Each such tag costs time in
proportion to the depth, so a page that opens thousands of elements and never
closes them costs the square: Lexbor takes 16 s on ``<div>`` nested 100,000
deep, and 11 s on a 476 KB page the fuzzer made from a dev page, with 7,930
unclosed ``<section>`` around 11,727 ``<option>``. No real page is anywhere
near that deep, so, as browsers do, the depth has a limit: a start tag that
would open an element past :data:`DEPTH_LIMIT` open ones is cut. The text
inside it stays, and joins the element around it::

    >>> html = "<div>" * 600 + "<p>Deep text.</p>" + "</div>" * 600
    >>> capped, cut = cap_nesting(html)
    >>> cut, capped.count("<div>"), "<p>Deep text.</p>" in capped
    (88, 512, True)
    >>> cap_nesting("<p>A normal page.</p>")
    ('<p>A normal page.</p>', 0)

The pass (``_nesting.pyx``) follows the open elements as the parser would,
closely enough to count depth: end tags close the nearest open element of
their name; void elements, and elements the parser closes by itself (``<p>``,
``<li>``, ``<option>``, table parts), are never counted as open; the content of
raw-text elements (``<script>``, ``<style>``, ``<textarea>``...) and comments
hold no tags; in SVG and MathML ``/>`` closes an element, and an HTML tag there
leaves it. It costs 0.1 ms on an average dev page.
"""

from __future__ import annotations

from pipeline.html import _nesting

#: Open elements a page may nest. Blink's HTML parser has the same limit (512,
#: ``kMaximumHTMLParserDOMTreeDepth``), deeper elements being attached higher up
#: there. The deepest of the 905 HTML dev pages (scrapinghub, wcxb-dev, Arabic
#: dev) nests 56 elements in Lexbor's tree, and 54 as this pass counts them, so
#: real pages keep every tag; with the limit, the slowest fuzz page parses in
#: 0.8 s instead of 11, and ``<div>`` nested 100,000 deep is cut and parsed in 22 ms
#: instead of 16 s.
DEPTH_LIMIT = 512

#: Void elements: they never hold content, so they never stay open.
VOID = frozenset({"area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img", "input",
                  "keygen", "link", "meta", "param", "source", "track", "wbr"})
#: Elements the parser closes by itself when a sibling starts (or that are one per page): counted
#: as never open, which keeps the count of open elements from growing on lists, tables and forms.
CLOSED_BY_PARSER = frozenset({"p", "li", "dt", "dd", "option", "optgroup", "rb", "rp", "rt", "rtc", "tr", "td", "th",
                              "tbody", "thead", "tfoot", "caption", "colgroup", "html", "head", "body"})
#: Elements whose content the tokenizer reads as text, to their end tag (``plaintext``: to the end).
RAW_TEXT = frozenset({"script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext"})
#: Foreign content: inside it, ``<x/>`` closes the element it opens.
FOREIGN = frozenset({"svg", "math"})
#: HTML start tags that leave foreign content, closing what is open inside it.
BREAKOUT = frozenset({"b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em", "embed",
                      "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing", "menu", "meta",
                      "nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike", "sub", "sup",
                      "table", "tt", "u", "ul", "var"})
#: A start tag of these, just inside another of its name, closes that one first.
CLOSES_ITSELF = frozenset({"a", "button", "nobr", "h1", "h2", "h3", "h4", "h5", "h6"})
#: A start tag of these, inside another of its name, is ignored (or closes it).
ONE_AT_A_TIME = frozenset({"form", "select"})

_nesting.configure(VOID | CLOSED_BY_PARSER, RAW_TEXT, FOREIGN, BREAKOUT, CLOSES_ITSELF, ONE_AT_A_TIME)


def cap_nesting(html: str, limit: int = DEPTH_LIMIT) -> tuple[str, int]:
    """``html`` without the start tags that would open an element past ``limit`` open ones, and how
    many were cut (the same string, and 0, when none would)."""
    cuts, _deepest, _body = _nesting.cap_nesting(html, limit)
    if not cuts:
        return html, 0
    pieces, last = [], 0
    for start, end in cuts:
        pieces.append(html[last:start])
        last = end
    pieces.append(html[last:])
    return "".join(pieces), len(cuts)


def nesting_depth(html: str) -> int:
    """The most elements open at once in ``html`` as the pass counts them (at most :data:`DEPTH_LIMIT`)::

        >>> nesting_depth("<html><body><div><ul><li><a href='/'>Home</a><li>News</ul></div>")
        3
    """
    return _nesting.cap_nesting(html, DEPTH_LIMIT)[1]


def body_start(html: str) -> int:
    """Where the page's first ``<body>`` start tag begins, as the tokenizer finds it (not in a
    comment, a script or other raw text), or -1 when it has none::

        >>> body_start("<html><head><script>'<body>'</script><!-- <body> --></head><BODY class=a>Text")
        59
        >>> body_start("<p>A fragment.</p>")
        -1
    """
    return _nesting.cap_nesting(html, DEPTH_LIMIT)[2]

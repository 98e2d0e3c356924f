"""``python -m pipeline.evaluation.parsers EVAL``: which compiled HTML parser the block extractor runs on.

For every dev HTML page (scrapinghub and wcxb-dev, decoded once, before the clock starts), each
candidate parses the page and then walks its DOM the way :mod:`pipeline.html.blocks` needs to: every
element visited once in document order with its tag, ``class`` and ``id``, text nodes collected into
the block that is open, a new block at every block-level tag. The walk is the same loop for each
parser (only the node accessors differ), so the difference is the parser's and its Python binding's.
lxml (what trafilatura parses with) and ``trafilatura.extract`` on the same pages give the scale.

Measured on the 892 pages (165 MB; 2 shared cores, best of 3 passes, ``nice -n 10``, 2026-12-03):

=========================  ========  =======
                           ms/page   pages/s
=========================  ========  =======
selectolax 1.0.2 parse       0.60     1653
selectolax parse+walk        2.40      416
resiliparse 2.0.1 parse      0.60     1674
resiliparse parse+walk       9.79      102
lxml parse                   3.12      320
lxml parse+walk              5.01      200
trafilatura.extract         32.51       31
=========================  ========  =======

Both parse equally fast (both are Lexbor) and their walks find the same 2,159,507 words, but a
walk on resiliparse's nodes costs four times selectolax's (each property access of its DOM node
builds more), so selectolax (Lexbor) was chosen: parse + walk is 13.5x cheaper than
trafilatura.extract, which leaves room for features and the model.

The walk's output is checked to agree between parsers on the number of words (they are both HTML5
parsers; a large disagreement would mean one walk is wrong)::

    >>> html = "<div class='nav'><a>Home</a></div><p>Rain <b>again</b></p>"
    >>> [len(walk(html)[0]) for walk in (walk_selectolax, walk_resiliparse)]
    [2, 2]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

#: Tags that start a new block in the benchmark's walk.
BLOCK_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "td", "th", "div", "section",
                        "article", "header", "footer", "nav", "aside", "main", "blockquote", "pre", "figcaption",
                        "ul", "ol", "table", "form", "br", "dd", "dt"})
#: Elements whose text a browser does not show.
SKIPPED = frozenset({"script", "style", "noscript", "template", "svg", "head"})


def walk_selectolax(html: str) -> tuple[list[str], int]:
    """Parse with selectolax (Lexbor) and walk: the blocks' texts and the number of elements seen."""
    from selectolax.lexbor import LexborHTMLParser

    root = LexborHTMLParser(html).body
    blocks: list[str] = []
    current: list[str] = []
    elements = 0
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        if node is None:
            continue
        if node.is_text_node:
            current.append(node.text_content or "")
        elif node.is_element_node:
            tag = node.tag
            if tag in SKIPPED:
                continue
            elements += 1
            attrs = node.attrs
            _ = (attrs.get("class"), attrs.get("id"))
            if tag in BLOCK_TAGS and current:
                text = " ".join("".join(current).split())
                if text:
                    blocks.append(text)
                current = []
            children = []
            child = node.child
            while child is not None:
                children.append(child)
                child = child.next
            stack.extend(reversed(children))
    text = " ".join("".join(current).split())
    if text:
        blocks.append(text)
    return blocks, elements


def walk_resiliparse(html: str) -> tuple[list[str], int]:
    """Parse with resiliparse (Lexbor too, another binding) and walk, as :func:`walk_selectolax`."""
    from resiliparse.parse.html import HTMLTree, NodeType

    root = HTMLTree.parse(html).body
    element, text_type = NodeType.ELEMENT, NodeType.TEXT
    blocks: list[str] = []
    current: list[str] = []
    elements = 0
    stack = [root] if root is not None else []
    while stack:
        node = stack.pop()
        kind = node.type
        if kind == text_type:
            current.append(node.text or "")
        elif kind == element:
            tag = node.tag
            if tag in SKIPPED:
                continue
            elements += 1
            _ = (node.class_name, node.id)
            if tag in BLOCK_TAGS and current:
                text = " ".join("".join(current).split())
                if text:
                    blocks.append(text)
                current = []
            children = []
            child = node.first_child
            while child is not None:
                children.append(child)
                child = child.next
            stack.extend(reversed(children))
    text = " ".join("".join(current).split())
    if text:
        blocks.append(text)
    return blocks, elements


def walk_lxml(html: str) -> tuple[list[str], int]:
    """Parse with lxml (as trafilatura does, ``trafilatura.load_html``) and walk the same way."""
    import trafilatura

    tree = trafilatura.load_html(html)
    body = tree.find("body") if tree is not None else None
    blocks: list[str] = []
    current: list[str] = []
    elements = 0

    def flush() -> None:
        nonlocal current
        text = " ".join("".join(current).split())
        if text:
            blocks.append(text)
        current = []

    def visit(node) -> None:
        nonlocal elements
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag and tag not in SKIPPED:
            elements += 1
            _ = (node.get("class"), node.get("id"))
            if tag in BLOCK_TAGS:
                flush()
            current.append(node.text or "")
            for child in node:
                visit(child)
        current.append(node.tail or "")

    if body is not None:
        try:
            visit(body)
        except RecursionError:
            pass
    flush()
    return blocks, elements


def parse_selectolax(html: str) -> object:
    from selectolax.lexbor import LexborHTMLParser

    return LexborHTMLParser(html)


def parse_resiliparse(html: str) -> object:
    from resiliparse.parse.html import HTMLTree

    return HTMLTree.parse(html)


def parse_lxml(html: str) -> object:
    import trafilatura

    return trafilatura.load_html(html)


def extract_trafilatura(html: str) -> object:
    import trafilatura

    return trafilatura.extract(html, include_comments=False, deduplicate=False, include_tables=True)


CANDIDATES = {
    "selectolax parse": parse_selectolax, "selectolax parse+walk": walk_selectolax,
    "resiliparse parse": parse_resiliparse, "resiliparse parse+walk": walk_resiliparse,
    "lxml parse": parse_lxml, "lxml parse+walk": walk_lxml,
    "trafilatura.extract": extract_trafilatura,
}


def pages(root: Path) -> list[str]:
    """The dev HTML pages (scrapinghub, then wcxb-dev), decoded."""
    from pipeline.evaluation import corpora

    found = [page.html for page in corpora.scrapinghub(root) if page.html]
    found += [page.html for page in corpora.wcxb(root, dumps=False) if page.html]
    return found


def measure(htmls: list[str], function, passes: int) -> float:
    """Best wall time of ``passes`` passes of ``function`` over every page."""
    best = float("inf")
    for _ in range(passes):
        start = time.perf_counter()
        for html in htmls:
            function(html)
        best = min(best, time.perf_counter() - start)
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.evaluation.parsers", description=__doc__.splitlines()[0])
    parser.add_argument("eval_root", type=Path, nargs="?", default=Path("../shared/eval"))
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=None, help="candidates to time (default: all)")
    args = parser.parse_args(argv)
    htmls = pages(args.eval_root)
    megabytes = sum(len(html.encode("utf-8")) for html in htmls) / 1e6
    print(f"{len(htmls)} pages, {megabytes:.1f} MB")
    words = {name: sum(sum(len(b.split()) for b in fn(h)[0]) for h in htmls)
             for name, fn in (("selectolax", walk_selectolax), ("resiliparse", walk_resiliparse), ("lxml", walk_lxml))}
    print("walk words: " + ", ".join(f"{name} {count}" for name, count in words.items()))
    for name, function in CANDIDATES.items():
        if args.only and not any(part in name for part in args.only):
            continue
        seconds = measure(htmls, function, args.passes)
        print(f"{name:24} {seconds * 1000 / len(htmls):7.2f} ms/page  {len(htmls) / seconds:7.1f} pages/s  "
              f"{megabytes / seconds:6.1f} MB/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

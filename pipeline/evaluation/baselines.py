"""Reference systems the pipeline is compared with, each a function ``input -> body``.

- :func:`trafilatura_body`: trafilatura alone on HTML, with the extract stage's
  settings (comments excluded, no deduplication, metadata on);
- :func:`justext_body`: jusText over the lines of a text dump, each line one
  paragraph, with the English or Arabic stoplist chosen by the page's script;
- :func:`line_filter_body`: the sentence-line filter: keep a line if it has at
  least 26 words or ends like a sentence.

They are the "known tools" of the corpora's README, whose figures they
reproduce; a pipeline that scores below them is a regression::

    >>> line_filter_body("Home\\nThe minister said so.\\nShare")
    'The minister said so.'
"""

from __future__ import annotations

import html as html_escape
from typing import Any

from pipeline.text.script import arabic_letter_count, latin_letter_count

#: Sentence-line filter: a line with at least this many words is kept.
LINE_FILTER_MIN_WORDS = 26
#: Sentence-line filter: a line ending in one of these is kept.
SENTENCE_END = (".", "!", "?", "…", "؟")

#: jusText's stoplists, by the script of the page.
JUSTEXT_STOPLISTS = {"arabic": "Arabic", "latin": "English"}


def trafilatura_extract(html: str, url: str | None = None) -> dict[str, Any]:
    """trafilatura's body (``text``) and metadata (``title``, ``author``, ``date``) for ``html``.

    The settings are those of :func:`pipeline.stages.extract.extract_html`.
    An empty dict when trafilatura finds nothing.
    """
    import trafilatura

    result = trafilatura.bare_extraction(
        html, url=url, include_comments=False, deduplicate=False, with_metadata=True,
        include_tables=True, output_format="python",
    )
    if result is None:
        return {}
    return {"text": result.text or "", "title": result.title, "author": result.author, "date": result.date}


def trafilatura_body(html: str, url: str | None = None) -> str:
    """trafilatura alone on ``html``: its body text, or ``""``."""
    return trafilatura_extract(html, url).get("text", "")


def page_script(text: str) -> str:
    """``"arabic"`` when Arabic letters outnumber Latin ones in ``text``, else ``"latin"``."""
    return "arabic" if arabic_letter_count(text) > latin_letter_count(text) else "latin"


def _dump_as_html(dump: str) -> str:
    """A dump as an HTML page with one ``<p>`` per non-blank line (what jusText reads)."""
    paragraphs = "".join(f"<p>{html_escape.escape(line.strip())}</p>\n"
                         for line in dump.splitlines() if line.strip())
    return f"<html><head><meta charset=\"utf-8\"></head><body>\n{paragraphs}</body></html>"


def justext_body(dump: str, stoplist: str | None = None) -> str:
    """jusText (default settings) over the lines of ``dump``: the good paragraphs, one a line.

    ``stoplist`` defaults to English, or Arabic when the dump is mostly Arabic letters.
    """
    import justext

    name = stoplist or JUSTEXT_STOPLISTS[page_script(dump)]
    paragraphs = justext.justext(_dump_as_html(dump).encode("utf-8"), justext.get_stoplist(name),
                                 encoding="utf-8")
    return "\n".join(p.text for p in paragraphs if not p.is_boilerplate)


def keeps_line(line: str) -> bool:
    """The sentence-line filter's rule for one stripped line."""
    return len(line.split()) >= LINE_FILTER_MIN_WORDS or line.endswith(SENTENCE_END)


def line_filter_body(dump: str) -> str:
    """The sentence-line filter over ``dump``: the kept lines, one a line."""
    lines = (line.strip() for line in dump.splitlines())
    return "\n".join(line for line in lines if line and keeps_line(line))

"""Characters XML cannot hold (NUL, control characters, references to them) never make a stage fail.

Found by ``make fuzz`` (seed 11, input 2749; seed 7): lxml raised ``ValueError: All strings must be
XML compatible`` in the extract stage on a page with ``&#7;`` after a script, and the page failed as
``internal-error``. Now the characters go before parsing, the step is in the sidecar's ``repairs``
and the document is cleaned like any other.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeline import clean_document
from pipeline.io.write import sidecar
from pipeline.version import __version__

ARTICLE = ("<p>The committee met on Tuesday to discuss the new budget, and its members agreed that the plan "
           "needed more work before the vote that is expected next month.</p>")
#: What XML 1.0 cannot hold.
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
PAGES = {
    "reference after a script": f"<html><body><script>x</script>tail&#7; text{ARTICLE}</body></html>",
    "reference without ;": f"<html><body><script>x</script>tail&#x1b text{ARTICLE}</body></html>",
    "raw controls and NUL": f"<html><body><h1>Budget\x00 vote\x07</h1><script>x</script>a\x1b[2J{ARTICLE}</body></html>",
    "references in the article": f"<html><body>{ARTICLE}<p>Vote&#x1b;[2J today&#0; &#xFFFE;</p></body></html>",
}


def steps(doc) -> list[str]:
    return [repair["step"] for repair in sidecar(doc, __version__)["repairs"]]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_a_page_with_characters_xml_cannot_hold_is_cleaned_and_says_so(page: str) -> None:
    doc = clean_document(PAGES[page].encode("utf-8"), path="page.html")
    assert doc.failure is None, doc.failure
    assert "The committee met on Tuesday" in doc.body
    assert not XML_INVALID.search(doc.body)
    assert "xml-invalid-characters" in steps(doc)


def test_a_dump_loses_its_nuls_and_control_characters_but_keeps_its_line_numbers() -> None:
    text = ("Home | News\x0cThe committee met on Tuesday\x00 to discuss the new \x07budget, and its members "
            "agreed that the plan needed more work before the vote.\n")
    doc = clean_document(text.encode("utf-8"), path="dump.txt")
    assert doc.body == ("The committee met on Tuesday to discuss the new budget, and its members agreed that "
                        "the plan needed more work before the vote.\n")
    assert [line.number for line in doc.lines] == [1, 2]  # the form feed still breaks the line, as before
    assert "xml-invalid-characters" in steps(doc)


def test_a_clean_page_records_no_such_repair() -> None:
    doc = clean_document(f"<html><body>{ARTICLE}<p>&#1575;&#1604; &amp; &#x41;</p></body></html>".encode(), path="a.html")
    assert "xml-invalid-characters" not in steps(doc)


#: The inputs ``make fuzz`` found failing as internal-error in extract before this fix (old input
#: generator: seed 11 input 2749 of 8,000; seed 7 inputs 15741 and 18376 of 20,000), saved under the
#: names the fuzzer gave them.
FUZZ_FINDINGS = sorted((Path(__file__).parent / "data" / "fuzz").iterdir())


@pytest.mark.parametrize("path", FUZZ_FINDINGS, ids=[path.name for path in FUZZ_FINDINGS])
def test_the_pages_the_fuzzer_found_are_cleaned(path: Path) -> None:
    doc = clean_document(path.read_bytes(), path=path.name)
    assert doc.failure is None, doc.failure
    assert doc.body and "xml-invalid-characters" in steps(doc)


def test_a_page_htmldate_cannot_clean_gets_no_date_and_goes_on() -> None:
    """make fuzz, seed 2, input 34799: htmldate's cleaning dropped an <svg> whose parent <svg> it had
    already dropped, and lxml's drop_tree raised AssertionError, which failed the page as internal-error."""
    from trafilatura.utils import load_html

    from pipeline.html.declared import htmldate_date

    assert htmldate_date(load_html('<!DOCTYPE html PUBLIC "-//W3C//DTD HTML 4.01//EN"><svg><svg>')) is None

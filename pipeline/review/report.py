"""``pipeline report CLEAN_DIR [--raw RAW_DIR] [--out FILE]``: a static HTML review page.

(``pipeline report OLD NEW --out DIR`` reviews a change instead: :mod:`pipeline.review.change`.)

One self-contained file (inline CSS and JavaScript, no network): per document,
a table of its lines with each one's decision (kept, or removed with stage and
reason, colour-coded by reason) and language, and, when the raw folder is
given, the raw input with the same marks (text dumps line by line, HTML pages
as markup). Checkboxes filter lines by reason and by language; a document with
no line left to show is hidden. Arabic (and other right-to-left) lines carry
``dir="rtl"``, every other line ``dir="auto"``, so each renders in its own
direction::

    >>> row = line_row(LineRecord(3, "Home | News", False, "en", "boilerplate", "navigation"))
    >>> 'data-reason="navigation"' in row and 'dir="auto"' in row
    True

A run of more than :data:`DOCS_PER_PAGE` documents (or :data:`PAGE_BYTES` of page) is paged: ``FILE`` is then an index of
pages (each document range with its counts), the pages are ``<FILE stem>-pages/page-NNNN.html``,
each with the same filters over its own documents, so a 100,000-document run opens page by page
instead of as one file no browser loads. Outputs are read a page at a time. The pages are
deterministic: the same folders give the same bytes.
"""

from __future__ import annotations

import argparse
import codecs
import sys
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from pipeline.io.files import CONTAINER_SUFFIXES, InputTooLarge, gunzip_limited
from pipeline.review.html import badge, direction, document, escape, page_file, pager, reason_colour
from pipeline.review.outputs import LineRecord, Output, iter_outputs, load_output, load_run_summary, output_stems

#: The filter value of kept lines (reasons are kebab-case, so this cannot clash).
KEPT = "(kept)"
#: Raw bytes shown per document; a longer raw file is cut, with a note.
MAX_RAW_BYTES = 256 * 1024
#: Default page, next to where the command runs (never inside the output folder).
DEFAULT_OUT = Path("report.html")
#: Documents per page of a paged report, and characters of HTML per page (whichever is reached
#: first; a raw HTML input shown with ``--raw`` is up to :data:`MAX_RAW_BYTES` on its own). Measured
#: with tests/measure_report_scale.py on 100,000 documents made of clean/'s (2 shared cores): a
#: page of 200 documents is 1.9 MB and loads in headless Chromium in 0.53-0.92 s (the first page a
#: fresh browser opens is the slowest), under the 2 s a reviewer waits, and the run makes 500 pages
#: in 34 s; a page cut at 3,000,000 characters (3.2 MB, 320 documents) loads in 0.72-1.07 s.
DOCS_PER_PAGE = 200
PAGE_BYTES = 3_000_000

CSS = """
body{font:14px/1.45 system-ui,"Noto Sans","Noto Naskh Arabic","DejaVu Sans",sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:8px 16px;z-index:1}
h1{font-size:17px;margin:0 0 4px}
.filters{display:flex;gap:18px;flex-wrap:wrap;align-items:flex-start}
.filters fieldset{border:1px solid #ddd;border-radius:6px;padding:4px 8px;margin:0}
.filters legend{font-weight:600;font-size:12px}
.filters label{margin-right:10px;white-space:nowrap;font-size:13px}
.filters button{font-size:11px;margin-left:4px}
main{padding:8px 16px}
section.doc{background:#fff;border:1px solid #ddd;border-radius:6px;margin:10px 0;padding:6px 10px}
section.doc h2{font-size:15px;margin:2px 0}
.meta{color:#555;font-size:12px;margin-bottom:4px}
table{border-collapse:collapse;width:100%;table-layout:fixed}
td{border-top:1px solid #eee;padding:2px 6px;vertical-align:top;overflow-wrap:anywhere}
td.n{width:3.5em;color:#888;text-align:right;font-variant-numeric:tabular-nums}
td.l{width:2.5em;color:#555}
td.d{width:13em}
tr.kept td.t{background:#eefbea}
tr.removed td.t{color:#6b6b6b;text-decoration:line-through;text-decoration-color:#bbb}
tr.failure td.t{color:#a00}
.badge{display:inline-block;border-radius:4px;padding:0 5px;font-size:12px;color:#fff}
.badge.kept{background:#2e7d32}
details{margin-top:4px}
pre.raw{white-space:pre-wrap;overflow-wrap:anywhere;font-size:12px;background:#f6f6f6;padding:6px;max-height:30em;overflow:auto}
div.raw{font-size:12px;background:#f6f6f6;padding:4px;max-height:30em;overflow:auto}
div.raw tr.kept td+td{background:#eefbea}
div.raw tr.removed td+td{color:#6b6b6b;text-decoration:line-through}
#shown{color:#555;font-size:12px}
nav.pager{font-size:13px;margin:4px 0}
table.pages td{border-top:1px solid #eee}
"""

JS = """
function checked(name){return new Set([...document.querySelectorAll('input[name='+name+']:checked')].map(e=>e.value));}
function applyFilters(){
  const reasons=checked('reason'), langs=checked('lang');
  let docs=0, lines=0;
  for(const doc of document.querySelectorAll('section.doc')){
    let visible=0;
    for(const row of doc.querySelectorAll('tr[data-reason]')){
      const show=reasons.has(row.dataset.reason)&&langs.has(row.dataset.lang);
      row.hidden=!show; if(show){visible++;}
    }
    doc.hidden=visible===0; if(visible){docs++; lines+=visible;}
  }
  document.getElementById('shown').textContent=docs+' documents, '+lines+' lines shown';
}
function setAll(name,on){for(const e of document.querySelectorAll('input[name='+name+']')){e.checked=on;} applyFilters();}
document.addEventListener('change',e=>{if(e.target.matches('input[name=reason],input[name=lang]')){applyFilters();}});
document.addEventListener('DOMContentLoaded',applyFilters);
"""


_e = escape


def line_row(line: LineRecord) -> str:
    """One ``<tr>`` of the lines table; ``data-reason``/``data-lang`` drive the filters."""
    state, reason = ("kept", KEPT) if line.keep else ("removed", line.reason)
    text = line.text if line.text is not None else "(text not in the body file)"
    return (f'<tr class="{state}" data-reason="{_e(reason)}" data-lang="{_e(line.lang)}">'
            f'<td class="n">{line.number}</td><td class="d">{badge(line)}</td><td class="l">{_e(line.lang)}</td>'
            f'<td class="t" dir="{direction(line.lang)}" lang="{_e(line.lang)}">{_e(text)}</td></tr>')


def failure_row(output: Output) -> str:
    """A document without lines still shows (and filters) by its failure reason."""
    failure = output.sidecar.get("failure") or {}
    reason, lang = failure.get("reason", output.status), output.sidecar.get("language") or "und"
    return (f'<tr class="failure" data-reason="{_e(reason)}" data-lang="{_e(lang)}"><td class="n"></td>'
            f'<td class="d"><span class="badge" style="background:{reason_colour(reason)}">{_e(reason)}</span> '
            f'<small>{_e(failure.get("stage", ""))}</small></td><td class="l">{_e(lang)}</td>'
            f'<td class="t" dir="auto">{_e(failure.get("detail", ""))}</td></tr>')


def read_raw(raw_root: Path, source: str, encoding: str | None) -> tuple[str, bool] | None:
    """The raw input of ``source`` below ``raw_root`` as text, and whether it was cut; None if unreadable.

    A ``source`` that points outside ``raw_root`` is refused, whatever a sidecar says.
    """
    root = raw_root.resolve()
    try:
        path = (root / source).resolve()
        if root not in path.parents or not path.is_file():
            return None
    except (OSError, ValueError):  # NUL in the name, a loop of links
        return None
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_RAW_BYTES + 1)
        if path.name.lower().endswith(".gz"):
            data = gunzip_limited(path.read_bytes(), MAX_RAW_BYTES * 64)
    except (OSError, InputTooLarge, EOFError, ValueError, zlib.error):
        return None
    cut = len(data) > MAX_RAW_BYTES
    try:
        codec = codecs.lookup(encoding or "utf-8").name
    except LookupError:
        codec = "utf-8"
    return data[:MAX_RAW_BYTES].decode(codec, errors="replace"), cut


def raw_section(output: Output, raw_root: Path | None) -> str:
    source = output.sidecar.get("source")
    if raw_root is None or not source:
        return ""
    container, hash_mark, record = str(source).partition("#")
    if hash_mark and container.lower().endswith(CONTAINER_SUFFIXES):
        return f'<details><summary>raw input: record {_e(record)} of {_e(container)}</summary></details>'
    encoding = (output.sidecar.get("encoding") or {}).get("name")
    found = read_raw(raw_root, str(source), encoding)
    if found is None:
        return f'<details><summary>raw input: not readable below {_e(raw_root)}</summary></details>'
    text, cut = found
    note = f" (first {MAX_RAW_BYTES} bytes)" if cut else ""
    if output.sidecar.get("format") == "html":
        return (f'<details><summary>raw input: HTML markup{note}</summary>'
                f'<pre class="raw" dir="auto">{_e(text)}</pre></details>')
    by_number = {line.number: line for line in output.lines}
    rows = []
    for number, raw_line in enumerate(text.splitlines(), start=1):
        line = by_number.get(number)
        state = "blank" if line is None else "kept" if line.keep else "removed"
        title = "" if line is None else "kept" if line.keep else f"{line.stage}/{line.reason}"
        rows.append(f'<tr class="{state}" title="{_e(title)}"><td class="n">{number}</td>'
                    f'<td dir="{direction(line.lang) if line else "auto"}">{_e(raw_line)}</td></tr>')
    return (f'<details><summary>raw input: {len(rows)} lines{note}</summary>'
            f'<div class="raw"><table><tbody>{"".join(rows)}</tbody></table></div></details>')


def document_section(output: Output, raw_root: Path | None) -> str:
    side = output.sidecar
    facts = [f"status {side.get('status')}", f"language {side.get('language')}", f"format {side.get('format')}"]
    for name in ("date", "author", "site", "url"):
        if side.get(name):
            facts.append(f"{name} {side[name]}")
    kept = sum(1 for line in output.lines if line.keep)
    facts.append(f"{len(output.lines)} lines, {kept} kept")
    rows = [line_row(line) for line in output.lines] or [failure_row(output)]
    if output.lines and side.get("failure"):
        rows.insert(0, failure_row(output))
    title = side.get("title") or ""
    language = side.get("language") or "und"
    return (f'<section class="doc" id="{_e(output.stem)}" data-language="{_e(language)}">'
            f'<h2>{_e(output.stem)}</h2>'
            + (f'<div class="title" dir="{direction(language)}" lang="{_e(language)}"><b>{_e(title)}</b></div>' if title else "")
            + f'<div class="meta" dir="ltr">{_e(" · ".join(str(f) for f in facts))} · source {_e(side.get("source", ""))}</div>'
            f'<table><tbody>{"".join(rows)}</tbody></table>{raw_section(output, raw_root)}</section>')


def _checkboxes(name: str, counts: Counter, label: str) -> str:
    boxes = "".join(f'<label><input type="checkbox" name="{name}" value="{_e(value)}" checked> {_e(value)} '
                    f'<small>({count})</small></label>' for value, count in sorted(counts.items()))
    return (f'<fieldset><legend>{label} <button type="button" onclick="setAll(\'{name}\',true)">all</button>'
            f'<button type="button" onclick="setAll(\'{name}\',false)">none</button></legend>{boxes}</fieldset>')


def _counts(outputs: Iterable[Output]) -> tuple[Counter, Counter]:
    """Rows per filter value: reasons (kept lines as :data:`KEPT`, failures by reason) and languages."""
    reasons: Counter = Counter()
    langs: Counter = Counter()
    for output in outputs:
        rows = output.lines or [None]
        for line in rows:
            if line is None:
                reasons[(output.sidecar.get("failure") or {}).get("reason", output.status)] += 1
                langs[output.sidecar.get("language") or "und"] += 1
            else:
                reasons[KEPT if line.keep else line.reason] += 1
                langs[line.lang] += 1
        if output.lines and output.sidecar.get("failure"):
            reasons[output.sidecar["failure"].get("reason", output.status)] += 1
            langs[output.sidecar.get("language") or "und"] += 1
    return reasons, langs


def report_page(outputs: list[Output], sections: list[str], name: str, heading: str, nav: str = "") -> str:
    """One page of documents (their :func:`document_section` each) with its filters (``nav``: links
    to the index and the other pages)."""
    reasons, langs = _counts(outputs)
    return document(f"Review: {name}", CSS,
                    f"<header><h1>Review of {_e(name)}: {_e(heading)}</h1>{nav}<div class=\"filters\">"
                    f"{_checkboxes('reason', reasons, 'Reason')}{_checkboxes('lang', langs, 'Language')}"
                    f"<span id=\"shown\"></span></div></header><main>{''.join(sections)}</main>", JS)


def _run_heading(clean_root: Path, documents: int) -> str:
    summary = load_run_summary(clean_root) or {}
    outcomes = ", ".join(f"{k} {v}" for k, v in sorted((summary.get("outcomes") or {}).items()))
    return f"{documents} documents" + (f" ({outcomes})" if outcomes else "")


def build_report(clean_root: Path, raw_root: Path | None = None) -> str:
    """The review page of an output folder, every document on one page, as one HTML string."""
    outputs = list(iter_outputs(clean_root))
    sections = [document_section(output, raw_root) for output in outputs]
    return report_page(outputs, sections, clean_root.name, _run_heading(clean_root, len(outputs)))


def pages_folder(out: Path) -> Path:
    """Where the pages of a paged report ``out`` go: ``report.html`` -> ``report-pages/``."""
    return out.with_name(out.stem + "-pages")


def _page_index_row(number: int, folder: str, outputs: list[Output]) -> str:
    kept = sum(line.keep for output in outputs for line in output.lines)
    removed = sum(not line.keep for output in outputs for line in output.lines)
    failed = sum(output.status not in ("ok", "unchanged") for output in outputs)
    return (f'<tr><td><a href="{_e(folder)}/{page_file(number)}">page {number}</a></td>'
            f'<td dir="auto">{_e(outputs[0].stem)}</td><td dir="auto">{_e(outputs[-1].stem)}</td>'
            f'<td>{len(outputs)}</td><td>{kept}</td><td>{removed}</td><td>{failed}</td></tr>')


def _pages_of_sections(clean_root: Path, stems: list[str], raw_root: Path | None, per_page: int,
                       page_bytes: int) -> Iterator[tuple[list[Output], list[str], bool]]:
    """``(outputs, sections, more pages follow)`` of each page: up to ``per_page`` documents and
    ``page_bytes`` characters of sections (a page has at least one document)."""
    outputs: list[Output] = []
    sections: list[str] = []
    size = 0
    for stem in stems:
        output = load_output(clean_root, stem)
        section = document_section(output, raw_root)
        if outputs and (len(outputs) >= per_page or size + len(section) > page_bytes):
            yield outputs, sections, True
            outputs, sections, size = [], [], 0
        outputs.append(output)
        sections.append(section)
        size += len(section)
    if outputs or not stems:
        yield outputs, sections, False


def write_report(clean_root: Path, out: Path, raw_root: Path | None = None, per_page: int = DOCS_PER_PAGE,
                 page_bytes: int = PAGE_BYTES) -> tuple[int, int]:
    """Write the report of ``clean_root`` to ``out``: one page, or an index of pages (see the module
    docstring), reading a page of outputs at a time; returns ``(documents, pages)``."""
    stems = output_stems(clean_root)
    heading = _run_heading(clean_root, len(stems))
    out.parent.mkdir(parents=True, exist_ok=True)
    folder = pages_folder(out)
    rows, first = [], 1
    for number, (outputs, sections, more) in enumerate(_pages_of_sections(clean_root, stems, raw_root, per_page,
                                                                          page_bytes), start=1):
        if number == 1 and not more:  # everything fits one page: the report is that page
            out.write_text(report_page(outputs, sections, clean_root.name, heading), encoding="utf-8")
            return len(stems), 1
        if number == 1:
            folder.mkdir(exist_ok=True)
            for stale in folder.glob("page-*.html"):  # an earlier report's pages, and only those
                stale.unlink()
        title = f"documents {first}-{first + len(outputs) - 1} of {heading}"
        page = report_page(outputs, sections, clean_root.name, title, pager(number, None, f"../{out.name}", more))
        (folder / page_file(number)).write_text(page, encoding="utf-8")
        rows.append(_page_index_row(number, folder.name, outputs))
        first += len(outputs)
    index = document(f"Review: {clean_root.name}", CSS,
                     f"<header><h1>Review of {_e(clean_root.name)}: {_e(heading)}</h1>"
                     f"<div class=\"meta\">{len(rows)} pages of up to {per_page} documents</div></header><main>"
                     "<table class=\"pages\"><thead><tr><th>page</th><th>first</th><th>last</th><th>documents</th>"
                     f"<th>lines kept</th><th>removed</th><th>without body</th></tr></thead><tbody>{''.join(rows)}"
                     "</tbody></table></main>")
    out.write_text(index, encoding="utf-8")
    return len(stems), len(rows)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("clean", type=Path, help="output folder of a run (with NEW: the old run)")
    parser.add_argument("new", type=Path, nargs="?", default=None,
                        help="output folder of a new run: write a review site of the change OLD -> NEW instead")
    parser.add_argument("--raw", type=Path, default=None, help="the run's input folder, to show the raw lines too")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"the page to write (default {DEFAULT_OUT}); with NEW the site's folder "
                             "(default review-out)")


def main(args: argparse.Namespace) -> int:
    for folder in (args.clean, args.new, args.raw):
        if folder is not None and not folder.is_dir():
            print(f"pipeline report: not a folder: {folder}", file=sys.stderr)
            return 2
    if args.new is not None:
        from pipeline.review.change import DEFAULT_SITE, write_change_site

        out = args.out or DEFAULT_SITE
        changed, documents = write_change_site(args.clean, args.new, out)
        print(f"wrote {out / 'index.html'} ({changed} of {documents} documents changed)")
        return 0
    out = args.out or DEFAULT_OUT
    documents, pages = write_report(args.clean, out, args.raw)
    print(f"wrote {out} ({documents} documents" + (f", {pages} pages in {pages_folder(out)})" if pages > 1 else ")"))
    return 0

"""``pipeline report OLD NEW --out DIR``: a static review site of a change between two runs.

What ``pipeline diff`` finds (:mod:`pipeline.review.diff`: lines paired by text, each change with
its old and new decision), as pages a reviewer opens in a browser:

- ``DIR/index.html``: how many documents changed, the lines that moved counted by direction (left
  the body, entered it, reason changed) and by reason, and the changed documents, each with its
  counts (more than :data:`CHANGES_PER_PAGE` documents: pages ``DIR/list/page-NNNN.html``);
- ``DIR/docs/NNNNNN.html`` per changed document: the old and new run side by side, line by line,
  each moved line highlighted with its old → new decision, Arabic lines right to left, and a box
  to show only the changed lines.

Every page is self-contained and small, whatever the size of the runs; the same two folders give
the same bytes::

    >>> from pipeline.review.outputs import LineRecord
    >>> old = LineRecord(3, "Read more: ten things", True, "en")
    >>> new = LineRecord(3, "Read more: ten things", False, "en", "boilerplate", "related-links")
    >>> decision_change(old, new)
    'kept → boilerplate/related-links'
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from pipeline.review.diff import (ENTERED, GONE, LEFT, NEW, REASON, TEXT, DocumentDiff, TreeDiff, diff_trees,
                                  line_change, paired_lines)
from pipeline.review.html import badge, chunks, direction, document, escape, page_file, pager
from pipeline.review.outputs import LineRecord, Output, load_output

#: Where the site goes when ``--out`` is not given (next to where the command runs).
DEFAULT_SITE = Path("review-out")
#: Changed documents listed per page. A row is one short line of text, so 500 rows load as fast
#: as a page of the run report (see tests/measure_report_scale.py); 100,000 changed documents
#: make 200 list pages.
CHANGES_PER_PAGE = 500
#: Words for each kind of change, in the order the index lists them.
DIRECTIONS = {LEFT: "left the body", ENTERED: "entered the body", REASON: "reason changed",
              TEXT: "kept, text changed", GONE: "removed line gone", NEW: "new removed line"}

CSS = """
body{font:14px/1.45 system-ui,"Noto Sans","Noto Naskh Arabic","DejaVu Sans",sans-serif;margin:0;color:#1d1d1f;background:#fafafa}
header{position:sticky;top:0;background:#fff;border-bottom:1px solid #ddd;padding:8px 16px;z-index:1}
h1{font-size:17px;margin:0 0 4px} h2{font-size:15px;margin:14px 0 4px}
main{padding:8px 16px}
nav.pager,.meta{font-size:13px;color:#555;margin:4px 0}
table{border-collapse:collapse;width:100%;table-layout:fixed;background:#fff}
th{text-align:left;font-size:12px;color:#555;border-bottom:1px solid #ddd;padding:2px 6px}
td{border-top:1px solid #eee;padding:2px 6px;vertical-align:top;overflow-wrap:anywhere}
table.counts{width:auto} table.counts td{padding:2px 12px 2px 6px}
table.docs td.c{width:6em;text-align:right;font-variant-numeric:tabular-nums}
table.side .n{width:3em;color:#888;text-align:right;font-variant-numeric:tabular-nums}
table.side .d{width:10em} table.side .w{width:12em;font-size:12px}
table.side tr.kept-both td.t{background:#eefbea}
table.side td.t.removed{color:#6b6b6b;text-decoration:line-through;text-decoration-color:#bbb}
table.side tr.moved td{background:#fff3c4} table.side tr.moved td.w{font-weight:600}
table.side tr.changed td{background:#eef3ff}
table.only tr.same{display:none}
.badge{display:inline-block;border-radius:4px;padding:0 5px;font-size:12px;color:#fff}
.badge.kept{background:#2e7d32}
"""

JS = """
document.addEventListener('change',e=>{if(e.target.id==='only'){
  document.querySelector('table.side').classList.toggle('only',e.target.checked);}});
"""


def decision(line: LineRecord | None) -> str:
    """``kept``, ``stage/reason``, or ``(no line)`` for a side that does not have the line."""
    return "(no line)" if line is None else line.decision


def decision_change(old: LineRecord | None, new: LineRecord | None) -> str:
    """The old → new decision of a line, as the pages show it."""
    return f"{decision(old)} → {decision(new)}"


def _side(line: LineRecord | None) -> str:
    if line is None:
        return '<td class="n"></td><td class="d"></td><td class="t"></td>'
    text = line.text if line.text is not None else "(text not in the body file)"
    state = "" if line.keep else " removed"
    return (f'<td class="n">{line.number}</td><td class="d">{badge(line)}</td>'
            f'<td class="t{state}" dir="{direction(line.lang)}" lang="{escape(line.lang)}">{escape(text)}</td>')


def side_by_side_row(old: LineRecord | None, new: LineRecord | None) -> str:
    """One row of a document's page: the line in the old run, what changed, the line in the new run."""
    change = line_change(old, new)
    if change is None:
        state = "same kept-both" if old is not None and old.keep else "same"
        what = ""
    else:
        state = "moved" if change.kind in (LEFT, ENTERED) else "changed"
        what = "text changed" if change.kind == TEXT else decision_change(old, new)
    return (f'<tr class="{state}" data-change="{escape(change.kind if change else "")}">{_side(old)}'
            f'<td class="w">{escape(what)}</td>{_side(new)}</tr>')


def document_page(diff: DocumentDiff, old: Output | None, new: Output | None, index: str) -> str:
    """The page of one changed document: metadata changes, then both runs side by side."""
    rows = "".join(side_by_side_row(before, after)
                   for before, after in paired_lines(old.lines if old else [], new.lines if new else []))
    fields = "".join(f"<li>{escape(name)}: <span dir=\"auto\">{escape(repr(before))}</span> → "
                     f"<span dir=\"auto\">{escape(repr(after))}</span></li>" for name, before, after in diff.fields)
    counts = Counter(change.kind for change in diff.lines)
    summary = ", ".join(f"{counts[kind]} {words}" for kind, words in DIRECTIONS.items() if counts[kind])
    state = {"changed": "", "added": " (only in NEW)", "gone": " (only in OLD)"}[diff.state]
    body = (f'<header><h1 dir="auto">{escape(diff.stem)}{state}</h1><nav class="pager"><a href="{escape(index)}">'
            f'index</a></nav><div class="meta">{escape(summary or "no line moved")}'
            ' · <label><input type="checkbox" id="only"> only changed lines</label></div></header><main>'
            + (f"<h2>Metadata</h2><ul>{fields}</ul>" if fields else "")
            + '<table class="side"><thead><tr><th class="n">old</th><th class="d">decision</th><th>old run</th>'
            '<th class="w">change</th><th class="n">new</th><th class="d">decision</th><th>new run</th></tr></thead>'
            f"<tbody>{rows}</tbody></table></main>")
    return document(f"Change: {diff.stem}", CSS, body, JS)


def doc_file(number: int) -> str:
    """The page of the ``number``-th changed document (1-based), below the site's folder."""
    return f"docs/{number:06d}.html"


def _direction_counts(tree: TreeDiff) -> str:
    rows = []
    for kind, words in DIRECTIONS.items():
        if kind == REASON:
            reasons = Counter(f"{change.old.reason} → {change.new.reason}" for doc in tree.changed  # type: ignore[union-attr]
                              for change in doc.lines if change.kind == REASON)
        elif kind in (LEFT, ENTERED):
            reasons = tree.reasons(kind)
        else:
            reasons = Counter({"": tree.count(kind)}) if tree.count(kind) else Counter()
        for reason, count in sorted(reasons.items(), key=lambda item: (-item[1], item[0])):
            rows.append(f'<tr data-direction="{escape(kind)}"><td>{escape(words)}</td><td>{escape(reason)}</td>'
                        f'<td>{count}</td></tr>')
    if not rows:
        return "<p>No line moved.</p>"
    return ('<table class="counts"><thead><tr><th>direction</th><th>reason (new reason for lines that left, '
            f'old for lines that entered)</th><th>lines</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def _listing(tree: TreeDiff, numbers: range, prefix: str) -> str:
    rows = []
    for number in numbers:
        doc = tree.changed[number - 1]
        counts = Counter(change.kind for change in doc.lines)
        state = {"changed": "", "added": " (only in NEW)", "gone": " (only in OLD)"}[doc.state]
        rows.append(f'<tr><td dir="auto"><a href="{prefix}{doc_file(number)}">{escape(doc.stem)}</a>{state}</td>'
                    + "".join(f'<td class="c">{counts[kind] or ""}</td>' for kind in (LEFT, ENTERED, REASON, TEXT))
                    + f'<td>{escape(", ".join(name for name, _, _ in doc.fields))}</td></tr>')
    return ('<table class="docs"><thead><tr><th>document</th><th>left</th><th>entered</th><th>reason</th>'
            f'<th>text</th><th>metadata</th></tr></thead><tbody>{"".join(rows)}</tbody></table>')


def write_change_site(old_root: Path, new_root: Path, out: Path, per_page: int = CHANGES_PER_PAGE) -> tuple[int, int]:
    """Write the review site of the change ``old_root`` → ``new_root`` into ``out``;
    returns ``(changed documents, documents)``."""
    tree = diff_trees(old_root, new_root)
    for folder, pattern in (("docs", "[0-9]*.html"), ("list", "page-*.html")):
        for stale in (out / folder).glob(pattern):  # an earlier site's pages, and only those
            stale.unlink()
    (out / "docs").mkdir(parents=True, exist_ok=True)
    for number, diff in enumerate(tree.changed, start=1):
        old = load_output(old_root, diff.stem) if diff.state != "added" else None
        new = load_output(new_root, diff.stem) if diff.state != "gone" else None
        (out / doc_file(number)).write_text(document_page(diff, old, new, "../index.html"), encoding="utf-8")
    added = sum(doc.state == "added" for doc in tree.changed)
    gone = sum(doc.state == "gone" for doc in tree.changed)
    heading = (f"{len(tree.changed)} of {tree.documents} documents changed ({added} added, {gone} gone): "
               f"{escape(old_root.name)} → {escape(new_root.name)}")
    pages = list(chunks(range(1, len(tree.changed) + 1), per_page))
    if len(pages) <= 1:
        listing = _listing(tree, range(1, len(tree.changed) + 1), "")
    else:
        (out / "list").mkdir(exist_ok=True)
        links = []
        for page_number, numbers in enumerate(pages, start=1):
            first, last = tree.changed[numbers[0] - 1].stem, tree.changed[numbers[-1] - 1].stem
            page = document(f"Change: page {page_number}", CSS,
                            f"<header><h1>{heading}</h1>{pager(page_number, len(pages), '../index.html')}</header>"
                            f"<main>{_listing(tree, range(numbers[0], numbers[-1] + 1), '../')}</main>")
            (out / "list" / page_file(page_number)).write_text(page, encoding="utf-8")
            links.append(f'<li><a href="list/{page_file(page_number)}">page {page_number}</a>: '
                         f'<span dir="auto">{escape(first)}</span> … <span dir="auto">{escape(last)}</span> '
                         f'({len(numbers)} documents)</li>')
        listing = f"<ul>{''.join(links)}</ul>"
    index = document("Change review", CSS,
                     f"<header><h1>{heading}</h1></header><main><h2>Lines that moved, by direction and reason</h2>"
                     f"{_direction_counts(tree)}<h2>Changed documents</h2>{listing}</main>")
    (out / "index.html").write_text(index, encoding="utf-8")
    return len(tree.changed), tree.documents

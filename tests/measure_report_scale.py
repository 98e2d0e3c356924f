"""Measure the review pages at scale: ``python tests/measure_report_scale.py CLEAN_DIR [DOCS] [SCRATCH]``.

Not a test (it takes minutes): it makes a run of DOCS documents (default 100,000) from the documents
of CLEAN_DIR (the committed ``clean/``: seeds, Arabic pages, encodings; hard links, cycled), and a
second run of the same documents where every 20th has its first body line removed by a new rule.
Then it times ``pipeline report`` of the run (paged) and of the change, and loads the index, the
first, middle and last page of each in headless Chromium (as tests/test_report_browser.py finds
it), printing the seconds from navigation to the load event and the largest page's size.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from pathlib import Path

from pipeline.review.change import write_change_site
from pipeline.review.outputs import output_stems
from pipeline.review.report import pages_folder, write_report

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_diff import move_line_out_of_body  # noqa: E402 - the test's own edit of a sidecar pair

#: Every CHANGE_EVERY-th document of the new run has a line moved out of its body.
CHANGE_EVERY = 20
#: Documents per folder of the made-up run.
PER_FOLDER = 1000


def make_runs(clean: Path, count: int, old: Path, new: Path) -> None:
    """``count`` documents in ``old`` and ``new``, hard links of ``clean``'s, every 20th changed in ``new``."""
    sources = [stem for stem in output_stems(clean) if (clean / f"{stem}.txt").is_file()]
    for number in range(count):
        stem = sources[number % len(sources)]
        target = f"{number // PER_FOLDER:03d}/{number:06d}-{Path(stem).name}"
        for root in (old, new):
            (root / target).parent.mkdir(parents=True, exist_ok=True)
            for suffix in (".json", ".txt"):
                os.link(clean / f"{stem}{suffix}", root / f"{target}{suffix}")
        if number % CHANGE_EVERY == 0:
            move_line_out_of_body(new, target, "new-rule")


def load_times(paths: list[Path]) -> list[tuple[str, float, int]]:
    """``(page, seconds to the load event, bytes)`` of each page in headless Chromium."""
    from playwright.sync_api import sync_playwright
    from test_report_browser import CHROMIUM_ARGS, VIEWPORT, ensure_chromium

    out = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=ensure_chromium(), args=CHROMIUM_ARGS, headless=True)
        for path in paths:
            page = browser.new_page(viewport=VIEWPORT)
            start = time.perf_counter()
            page.goto(path.as_uri(), wait_until="load")
            out.append((str(path), time.perf_counter() - start, path.stat().st_size))
            page.close()
        browser.close()
    return out


def main(argv: list[str]) -> int:
    clean = Path(argv[0])
    count = int(argv[1]) if len(argv) > 1 else 100_000
    scratch = (Path(argv[2]) if len(argv) > 2 else Path("bench-out") / "report-scale").resolve()
    shutil.rmtree(scratch, ignore_errors=True)
    old, new = scratch / "old", scratch / "new"
    start = time.perf_counter()
    make_runs(clean, count, old, new)
    print(f"made {count} documents twice in {time.perf_counter() - start:.1f} s")

    start = time.perf_counter()
    documents, pages = write_report(old, scratch / "report.html")
    print(f"pipeline report (one run): {documents} documents, {pages} pages in {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    changed, documents = write_change_site(old, new, scratch / "site")
    print(f"pipeline report OLD NEW: {changed} of {documents} documents changed in {time.perf_counter() - start:.1f} s")

    report_pages = sorted(pages_folder(scratch / "report.html").iterdir())
    site = scratch / "site"
    lists = sorted((site / "list").iterdir()) if (site / "list").is_dir() else []
    docs = sorted((site / "docs").iterdir())
    wanted = [scratch / "report.html", report_pages[0], report_pages[len(report_pages) // 2], report_pages[-1],
              site / "index.html", *(lists[:1] + lists[-1:]), docs[0], docs[-1]]
    for page, seconds, size in load_times(wanted):
        print(f"  {seconds:5.2f} s  {size / 1e6:6.2f} MB  {page}")
    largest = max((path for path in report_pages), key=lambda path: path.stat().st_size)
    for page, seconds, size in load_times([largest]):
        print(f"  largest run page: {seconds:.2f} s, {size / 1e6:.2f} MB ({page})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

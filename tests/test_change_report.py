"""`pipeline report OLD NEW --out DIR`: a site of a change; and `pipeline report` of a big run is paged."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from pipeline.cli import main as cli_main
from pipeline.review.report import pages_folder

from test_diff import AR_LINE, EN_LINE, RULE_REASON, raw, runs  # noqa: F401 - the fixtures of a rule change


def test_change_site_index_counts_moves_by_direction_and_reason(runs: tuple[Path, Path], tmp_path: Path,
                                                                capsys) -> None:
    old, new = runs
    site = tmp_path / "site"
    assert cli_main(["report", str(old), str(new), "--out", str(site)]) == 0
    assert f"wrote {site / 'index.html'} (2 of 2 documents changed)" in capsys.readouterr().out
    index = (site / "index.html").read_text(encoding="utf-8")
    assert "2 of 2 documents changed (0 added, 0 gone)" in index
    assert re.search(r'data-direction="left"><td>left the body</td><td>test-rule</td><td>2</td>', index)
    assert 'href="docs/000001.html">ar/budget</a>' in index and 'href="docs/000002.html">en/budget</a>' in index


def test_change_page_shows_both_runs_side_by_side_with_the_moved_line_and_its_reason(runs: tuple[Path, Path],
                                                                                     tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert cli_main(["report", str(runs[0]), str(runs[1]), "--out", str(site)]) == 0
    arabic = (site / "docs" / "000001.html").read_text(encoding="utf-8")
    moved = re.findall(r'<tr class="moved".*?</tr>', arabic)
    assert len(moved) == 1 and AR_LINE in moved[0] and f"kept → boilerplate/{RULE_REASON}" in moved[0]
    assert moved[0].count('dir="rtl"') == 2  # the old and the new side, right to left
    assert arabic.count("<tr class=\"same") == 2  # the other two lines, unchanged, are there too
    # Reverting the change: the line enters the body again, with its old reason shown.
    assert cli_main(["report", str(runs[1]), str(runs[0]), "--out", str(site)]) == 0
    english = (site / "docs" / "000002.html").read_text(encoding="utf-8")
    assert f"boilerplate/{RULE_REASON} → kept" in english and EN_LINE in english


def test_equal_runs_give_an_index_without_changes(runs: tuple[Path, Path], tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert cli_main(["report", str(runs[0]), str(runs[0]), "--out", str(site)]) == 0
    assert "0 of 2 documents changed" in (site / "index.html").read_text(encoding="utf-8")
    assert not list((site / "docs").iterdir())


def test_a_change_of_many_documents_is_listed_page_by_page(runs: tuple[Path, Path], tmp_path: Path) -> None:
    from pipeline.review.change import write_change_site

    old, new = runs
    for copy in range(3):  # 8 changed documents
        shutil.copytree(old / "en", old / f"en{copy}")
        shutil.copytree(new / "en", new / f"en{copy}")
        shutil.copytree(old / "ar", old / f"ar{copy}")
        shutil.copytree(new / "ar", new / f"ar{copy}")
    site = tmp_path / "site"
    assert write_change_site(old, new, site, per_page=3) == (8, 8)
    pages = sorted(path.name for path in (site / "list").iterdir())
    assert pages == ["page-0001.html", "page-0002.html", "page-0003.html"]
    assert 'href="list/page-0003.html"' in (site / "index.html").read_text(encoding="utf-8")
    last = (site / "list" / "page-0003.html").read_text(encoding="utf-8")
    assert 'href="../docs/000008.html">en2/budget</a>' in last and 'rel="prev"' in last
    assert len(list((site / "docs").iterdir())) == 8


def test_the_report_of_a_run_bigger_than_a_page_is_an_index_of_pages(runs: tuple[Path, Path], tmp_path: Path) -> None:
    from pipeline.review import report

    out = tmp_path / "report.html"
    assert report.write_report(runs[0], out, per_page=1) == (2, 2)
    index = out.read_text(encoding="utf-8")
    assert 'href="report-pages/page-0001.html"' in index and 'href="report-pages/page-0002.html"' in index
    first = (pages_folder(out) / "page-0001.html").read_text(encoding="utf-8")
    assert first.count('<section class="doc"') == 1 and 'id="ar/budget"' in first and 'rel="next"' in first
    second = (pages_folder(out) / "page-0002.html").read_text(encoding="utf-8")
    assert 'id="en/budget"' in second and 'href="../report.html"' in second


def test_a_report_page_also_ends_at_its_size_budget(runs: tuple[Path, Path], tmp_path: Path) -> None:
    from pipeline.review import report

    out = tmp_path / "report.html"
    assert report.write_report(runs[0], out, page_bytes=10) == (2, 2)  # each document over the budget alone
    assert report.write_report(runs[0], out) == (2, 1) and '<section class="doc"' in out.read_text(encoding="utf-8")

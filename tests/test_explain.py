"""`pipeline explain FILE`: every line with its decision, stage, reason and language."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

from pipeline.cli import main as cli_main
from pipeline import clean_document

DUMP = (
    "Home | News | Sport\n\n"
    "Budget talks resume in the capital\n\n"
    "The committee met on Tuesday to discuss the new budget, and its members agreed that the spending "
    "plan needed more work before the vote that is expected next month.\n\n"
    "اجتمعت اللجنة يوم الثلاثاء لمناقشة الميزانية الجديدة، واتفق أعضاؤها على أن خطة الإنفاق تحتاج إلى "
    "مزيد من العمل قبل التصويت المتوقع في الشهر المقبل.\n\n"
    "Share on Facebook\n"
)


def rows_of(output: str) -> dict[int, list[str]]:
    """Row number -> [decision, lang, stage/reason or text...] from explain's table."""
    table = output.splitlines()
    start = next(i for i, line in enumerate(table) if line.split()[:2] == ["line", "decision"])
    return {int(line.split()[0]): line.split()[1:] for line in table[start + 1:]}


def test_every_line_is_printed_with_its_decision_stage_reason_and_language(tmp_path: Path, capsys) -> None:
    path = tmp_path / "budget.txt"
    path.write_text(DUMP, encoding="utf-8")
    assert cli_main(["explain", str(path)]) == 0
    out = capsys.readouterr().out
    doc = clean_document(DUMP, path="budget.txt")
    rows = rows_of(out)
    assert sorted(rows) == [line.number for line in doc.lines] == [1, 3, 5, 7, 9]
    for line in doc.lines:
        decision, lang, *rest = rows[line.number]
        assert decision == ("keep" if line.keep else "remove") and lang == line.lang
        if not line.keep:
            assert rest[0] == f"{line.stage}/{line.reason}"
        assert line.text.split()[-1] in out
    assert out.splitlines()[0].startswith("budget.txt: text, utf-8 (utf-8), language ")
    assert {rows[5][1], rows[7][1]} == {"en", "ar"}


def test_json_prints_the_sidecar_a_run_would_write(tmp_path: Path, capsys) -> None:
    path = tmp_path / "budget.txt.gz"
    path.write_bytes(gzip.compress(DUMP.encode("utf-8")))
    assert cli_main(["explain", "--json", str(path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["source"] == "budget.txt.gz" and data["lines"]["in"] == 5
    assert data["lines"]["kept"] + data["lines"]["removed"] == 5


def test_width_clips_long_lines_and_controls_are_escaped(tmp_path: Path, capsys) -> None:
    path = tmp_path / "long.txt"
    path.write_text("A line with a bell \x07 in it and many more words after it, " * 10 + "\n", encoding="utf-8")
    cli_main(["explain", "--width", "40", str(path)])
    out = capsys.readouterr().out
    assert "\x07" not in out
    assert max(len(line) for line in out.splitlines()[1:]) < 40 + 60


def test_a_failed_document_exits_one_and_a_missing_file_two(tmp_path: Path, capsys) -> None:
    path = tmp_path / "junk.txt"
    path.write_bytes(bytes(range(256)) * 40)
    assert cli_main(["explain", str(path)]) == 1
    assert "failed: decode/binary-content" in capsys.readouterr().out
    assert cli_main(["explain", str(tmp_path / "missing.txt")]) == 2

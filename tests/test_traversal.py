"""Names that try to climb out of the output folder are neutralised.

File names on disk, JSON Lines ids and WARC target URIs and record ids with
``../``, absolute paths, backslashes, NUL, names that are not UTF-8 and names
longer than a file system allows: every output lands inside the output
folder, nothing is written next to it, no two documents share an output, and
no document's sidecar takes the run summary's name.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from pipeline.document import Document
from pipeline.review.report import read_raw
from pipeline import run
from pipeline.io.write import MAX_PART_BYTES, output_files, output_paths, safe_stem, write_outputs

#: The usual file-system limit on one path component, in bytes.
NAME_MAX = 255
HOSTILE_STEMS = [
    "../../etc/passwd", "/etc/passwd", "a/../../b", "..", ".", "", "/", "//server/share/x", "..\\..\\windows\\win.ini",
    "C:\\Windows\\win.ini", "a\x00b", "\x00", "../" * 50 + "deep", "x" * 1000, "خبر" * 200, "a/" + "y" * 300 + "/z",
    "_run", "./_run", "\udcff\udcfe-not-utf8", "con", "a/./b/../c", "~/x", "$HOME/x", "\n/\r",
]
ARTICLE = ("The committee met on Tuesday to discuss the new budget, and its members agreed that the spending "
           "plan needed more work before the vote that is expected next month.\n\n") * 2


def part_bytes(part: str) -> int:
    return len(part.encode("utf-8", "surrogateescape"))


@pytest.mark.parametrize("stem", HOSTILE_STEMS)
def test_safe_stem_is_relative_plain_and_short(stem: str, tmp_path: Path) -> None:
    safe = safe_stem(stem)
    assert not safe.is_absolute() and ".." not in safe.parts and "\x00" not in str(safe)
    assert all(part_bytes(part) <= MAX_PART_BYTES for part in safe.parts)
    assert str(safe) != "_run", "a document's sidecar must not be the run summary"
    root = (tmp_path / "out").resolve()
    for path in output_paths(root, stem):
        assert root in path.resolve().parents
        assert part_bytes(path.name) < NAME_MAX - len(".XXXXXXXX.tmp") - 1  # room for the atomic write's temp name


def test_writing_hostile_stems_stays_inside_the_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "out"
    for stem in HOSTILE_STEMS:
        doc = Document(id=stem, source=stem, output=stem)
        write_outputs(doc, out, "test")
    assert sorted(os.listdir(tmp_path)) == ["out"]
    root = out.resolve()
    for folder, _, names in os.walk(out):
        for name in names:
            assert root in (Path(folder) / name).resolve().parents


def test_long_names_are_shortened_with_a_hash_so_two_long_names_stay_apart() -> None:
    one, two = safe_stem("n" * 300 + "1"), safe_stem("n" * 300 + "2")
    assert one != two and part_bytes(str(one)) <= MAX_PART_BYTES


#: Files of :func:`hostile_folder` that are documents (names starting with "." are hidden files: skipped).
PLAIN_FILES = 6


def hostile_folder(raw: Path) -> None:
    """Files with hostile names, and containers whose record ids are hostile."""
    names = [b"..txt", b"...html", b"a\nb.txt", b"\xff\xfe-latin1.txt", b"_run.txt", b"x" * 250 + b".txt",
             ("خبر" * 40).encode() + b".txt", b"-rf.txt", b"..\\..\\evil.txt"]
    for name in names:
        with open(os.path.join(os.fsencode(raw), name), "wb") as handle:
            handle.write(ARTICLE.encode())
    ids = ["../../escape", "/etc/passwd", "a\x00b", "x" * 5000, "..", "", "C:\\win.ini", "\ud800lone",
           "same", "SAME", "same", "../_run", "/_run"]
    (raw / "records.jsonl").write_text(
        "\n".join(json.dumps({"id": record_id, "text": ARTICLE}) for record_id in ids) + "\n", encoding="utf-8")
    records = []
    for number, uri in enumerate(["http://example.com/../../../escape", "http://../../x", "http://e.com/a\\..\\..\\b",
                                  "http://e.com/" + "a" * 5000], start=1):
        payload = (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body><p>"
                   + ARTICLE.encode() + b"</p></body></html>")
        records.append((f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:../../{number}>\r\n"
                        f"WARC-Target-URI: {uri}\r\nContent-Type: application/http; msgtype=response\r\n"
                        f"Content-Length: {len(payload)}\r\n\r\n").encode() + payload + b"\r\n\r\n")
    (raw / "crawl.warc").write_bytes(b"".join(records))


def test_a_run_over_hostile_names_and_record_ids_writes_only_inside_its_folder(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    hostile_folder(raw)
    summary = run(raw, out, workers=1)
    assert sorted(os.listdir(tmp_path)) == ["out", "raw"], "nothing may be written next to the output folder"
    root = out.resolve()
    sidecars = []
    for folder, _, names in os.walk(out):
        for name in names:
            path = Path(folder) / name
            assert root in path.resolve().parents
            assert part_bytes(name) <= NAME_MAX
            if name.endswith(".json") and path != out / "_run.json":
                sidecars.append(json.loads(path.read_text(encoding="utf-8")))
    assert summary.documents == PLAIN_FILES + 13 + 4
    assert len(sidecars) == summary.documents, "every document has its own sidecar: none overwrote another"
    assert json.loads((out / "_run.json").read_text(encoding="utf-8"))["documents"] == summary.documents
    sources = {data["source"] for data in sidecars}
    assert "\udcff\udcfe-latin1.txt" in sources and "_run.txt" in sources  # names kept, made safe only on disk


def test_the_report_reads_raw_files_only_below_the_raw_folder(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("inside\n", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("outside\n", encoding="utf-8")
    assert read_raw(raw, "a.txt", "utf-8") == ("inside\n", False)
    for source in ("../secret.txt", str(tmp_path / "secret.txt"), "a.txt/../../secret.txt", "a\x00.txt"):
        assert read_raw(raw, source, "utf-8") is None


def test_output_names_hold_no_control_characters_and_stay_apart(tmp_path: Path) -> None:
    """``new<newline>line.txt`` used to give an output file whose name held a newline."""
    raw, out = tmp_path / "raw", tmp_path / "out"
    (raw / "dir\nname").mkdir(parents=True)
    names = ["new\nline.txt", "new%0Aline.txt", "newline.txt", "bell\x07.txt", "tab\t.html", "esc\x1b[2J.txt",
             "c1\x85.txt", "dir\nname/a.txt"]
    for name in names:
        (raw / name).write_text(ARTICLE, encoding="utf-8")
    summary = run(raw, out, workers=1)
    written = [os.path.relpath(os.path.join(folder, name), out) for folder, dirs, files in os.walk(out)
               for name in dirs + files]
    assert not [name for name in written if any(ord(ch) < 32 or 0x7f <= ord(ch) <= 0x9f for ch in name)]
    sources = sorted(json.loads((out / name).read_text(encoding="utf-8"))["source"]
                     for name in written if name.endswith(".json") and name != "_run.json")
    assert summary.documents == len(names) and sources == sorted(names), "each name keeps its own outputs"
    assert "new%0Aline-" in " ".join(written), "a control character is written as %XX"


@pytest.mark.parametrize("stem", HOSTILE_STEMS + ["news/2024/a", "a", "news/" + "x" * 60, "خبر/" + "خ" * 60])
def test_the_fast_output_path_is_the_safe_one(stem: str) -> None:
    """Writing takes a shortcut for stems that are safe as they are: it must land where safe_stem says."""
    base = os.path.join("out", *safe_stem(stem).parts)
    assert output_files("out", stem) == (base + ".txt", base + ".json")

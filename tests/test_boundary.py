"""The input boundary: nothing outside the input folder is read, nothing inside it is passed over silently.

A symbolic link (to a file or a folder) whose target is outside the input folder is not read and is
listed in ``_run.json`` as ``outside-input`` (``--follow-symlinks`` reads it); a link inside the
folder is listed as ``link-inside-input`` and its target read once, under its own name, so links
cannot loop or count a document twice; FIFOs, sockets and devices are listed as
``not-a-regular-file`` and never opened, so a run never blocks on one.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from pipeline import run
from pipeline.config import Config
from pipeline.io.files import read_document

ARTICLE = ("The committee met on Tuesday to discuss the new budget, and its members agreed that the spending "
           "plan needed more work before the vote that is expected next month.\n\n") * 2
SECRET = ("The secret line from outside the input folder says that the password of the server is swordfish, "
          "and that nobody outside should ever read it.\n\n") * 2
#: Seconds a run over special files may take before it is taken to have blocked on one.
NO_BLOCK_SECONDS = 120
pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX file types")


def not_read(out: Path) -> dict[str, str]:
    summary = json.loads((out / "_run.json").read_text(encoding="utf-8"))
    return {item["path"]: item["reason"] for item in summary.get("not_read", [])}


def written_text(out: Path) -> str:
    return "".join(path.read_text(encoding="utf-8") for path in sorted(out.rglob("*.txt")))


def sources(out: Path) -> list[str]:
    return sorted(json.loads(path.read_text(encoding="utf-8"))["source"] for path in out.rglob("*.json")
                  if path.name != "_run.json")


@pytest.fixture()
def outside(tmp_path: Path) -> Path:
    """A folder next to the input folder, with a secret file and a folder of secrets."""
    folder = tmp_path / "outside"
    (folder / "secrets").mkdir(parents=True)
    (folder / "passwd.txt").write_text(SECRET, encoding="utf-8")
    (folder / "secrets" / "more.txt").write_text(SECRET, encoding="utf-8")
    return folder


@pytest.fixture()
def raw(tmp_path: Path, outside: Path) -> Path:
    folder = tmp_path / "raw"
    (folder / "news").mkdir(parents=True)
    (folder / "news" / "budget.txt").write_text(ARTICLE, encoding="utf-8")
    os.symlink(outside / "passwd.txt", folder / "passwd.txt")  # a file out of the folder
    os.symlink(outside / "secrets", folder / "secrets")  # a folder out of the folder
    os.symlink("../../outside/passwd.txt", folder / "news" / "relative.txt")  # a relative link out
    return folder


def test_links_out_of_the_input_folder_are_listed_and_not_read(raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    summary = run(raw, out, workers=0)
    assert summary.documents == 1 and sources(out) == ["news/budget.txt"]
    assert "swordfish" not in written_text(out)
    assert not_read(out) == {"passwd.txt": "outside-input", "secrets/": "outside-input",
                             "news/relative.txt": "outside-input"}


def test_follow_symlinks_reads_them(raw: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run(raw, out, config=Config(follow_symlinks=True), workers=0)
    assert sources(out) == ["news/budget.txt", "news/relative.txt", "passwd.txt", "secrets/more.txt"]
    assert "swordfish" in written_text(out)


def test_a_link_swapped_in_after_the_walk_is_refused_not_followed(tmp_path: Path, outside: Path) -> None:
    (tmp_path / "raw").mkdir()
    link = tmp_path / "raw" / "a.txt"
    os.symlink(outside / "passwd.txt", link)
    doc = read_document(link, "a.txt")
    assert doc.failure is not None and doc.failure.reason == "outside-input" and not doc.raw


def test_links_inside_the_folder_are_read_once_and_loops_end(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "a" / "b").mkdir(parents=True)
    (raw / "a" / "b" / "story.txt").write_text(ARTICLE, encoding="utf-8")
    os.symlink("b/story.txt", raw / "a" / "same-story.txt")  # a second name for one document
    os.symlink("..", raw / "a" / "b" / "up")  # a loop: a/b/up/a/b/up/...
    os.symlink(raw, raw / "root")  # the input folder itself
    os.symlink("self", raw / "self")  # a link to itself
    for follow in (False, True):
        out = tmp_path / f"out-{follow}"
        summary = run(raw, out, config=Config(follow_symlinks=follow), workers=0)
        assert summary.documents == 1 and sources(out) == ["a/b/story.txt"], "no document counted twice"
        listed = not_read(out)
        assert listed["a/same-story.txt"] == listed["a/b/up/"] == listed["root/"] == "link-inside-input"
        assert listed["self"] in ("link-inside-input", "not-a-regular-file")


def test_fifos_sockets_and_devices_are_listed_never_opened_and_the_run_does_not_block(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw, out = tmp_path / "raw", tmp_path / "out"
    raw.mkdir()
    (raw / "story.txt").write_text(ARTICLE, encoding="utf-8")
    os.mkfifo(raw / "pipe.txt")  # opened for reading, a FIFO blocks until someone writes
    os.mkfifo(tmp_path / "outside-pipe")
    os.symlink(tmp_path / "outside-pipe", raw / "linked-pipe.html")
    for device in ("/dev/zero", "/dev/urandom", "/dev/null"):  # read, /dev/zero never ends
        os.symlink(device, raw / f"{Path(device).name}.txt")
    monkeypatch.chdir(raw)  # a socket's path must be short
    server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    server.bind("sock.txt")
    try:
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "pipeline", "clean", str(raw), str(out), "--follow-symlinks",
                                 "--no-progress"], capture_output=True, text=True, timeout=NO_BLOCK_SECONDS)
        assert time.monotonic() - started < NO_BLOCK_SECONDS
    finally:
        server.close()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert sources(out) == ["story.txt"]
    assert not_read(out) == {name: "not-a-regular-file" for name in (
        "pipe.txt", "linked-pipe.html", "sock.txt", "zero.txt", "urandom.txt", "null.txt")}


def test_a_fifo_given_to_the_reader_directly_is_refused_without_blocking(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    doc = read_document(tmp_path / "pipe.txt", "pipe.txt")
    assert doc.failure is not None and doc.failure.reason == "not-a-regular-file"

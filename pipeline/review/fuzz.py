"""A fuzzer for the pipeline: ``python -m pipeline.review.fuzz --count 100000 --seed 0``.

Every input is made from ``(seed, index)`` alone, so a run is reproducible and
any one input can be made again (``--only INDEX``). Of the inputs, 40% are
generated (random bytes, random Unicode in many encodings, news-like dumps,
nested and truncated HTML, deep nesting, huge lines, mixed encodings, control
characters); 35% are mutations (bit flips, cuts, splices, insertions of
hostile tokens, re-encodings) of the sample documents in ``raw/`` and of
generated ones; the rest are format-aware mutations of real development pages
(:mod:`pipeline.review.fuzz_formats`: HTML structure, WARC headers, JSON Lines
fields, gzip framing), read as a run reads a file of that kind.

Each input is cleaned as a run cleans it (the stages under the runner's
per-document time limit, ``--timeout``: a slower input is recorded with
reason ``timeout``, as in a run); it *crashes* when an exception escapes, a
stage fails with ``internal-error`` (the pipeline caught a stage's
exception), or an invariant breaks (body and lines NFC, kept + removed =
lines, every removal with a stage and reason, a sidecar that serialises as
UTF-8). Every ``--folder-every`` inputs, a folder
of hostile files (odd and over-long names, names that are not UTF-8, gzip
bombs and broken archives, JSON Lines and WARC containers whose record ids
climb out with ``../``, absolute paths, NUL) goes through the runner, which
must finish, write only inside its output folder, and leave every sidecar
readable. Crashes are saved under ``--out`` as ``crash-<index>.bin`` with a
``.txt`` holding the traceback and the command that reproduces it::

    $ python -m pipeline.review.fuzz --count 2000 --seed 0..1
    seed 0, inputs 0..1999: 2000 inputs (+ 1 folder runs), 0 crashes, 0 timeouts, 3 slow (> 2 s); 52.0 inputs/s on 2 worker(s)
    seed 1, inputs 0..1999: ...
    all 2 seeds: 4000 inputs (+ 2 folder runs), 0 crashes, 0 timeouts, 5 slow (> 2 s); 51.8 inputs/s

``--seed`` takes several seeds (``0..9``, ``3,7,11``); each runs ``--count`` inputs (from index
``--start``, so a later run continues where one stopped) and saves its crashes under
``--out``/``seed-N``. The exit status is 1 when anything crashed.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import multiprocessing
import os
import random
import sys
import tempfile
import time
import traceback
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pipeline.review.fuzz_formats import FORMAT_MUTATIONS, FORMAT_WEIGHTS, dev_pages

if TYPE_CHECKING:
    from pipeline.document import Document

#: Seconds one input may take: past it the runner's time limit records reason ``timeout`` (an
#: outcome, not a crash, as in a run; stricter than a run's default so slow inputs show up).
DEFAULT_TIMEOUT = 10.0
#: Inputs slower than this are counted (not failures): a slow-input report for the pipeline's owners.
SLOW_SECONDS = 2.0
#: A folder run of the runner every this many inputs.
DEFAULT_FOLDER_EVERY = 2000
#: Files per folder run.
FOLDER_FILES = 24
#: Input sizes: most small, some medium, a few large (bytes).
SMALL, MEDIUM, LARGE = 2_000, 40_000, 600_000
#: The limits the folder runs are given, small so that the limit paths are exercised.
FOLDER_MAX_INPUT = 256 * 1024
FOLDER_MAX_DECOMPRESSED = 1024 * 1024
#: Inputs handed to a worker process at a time.
BATCH = 250
RAW_SAMPLES = Path(__file__).resolve().parents[2] / "raw"
#: Shares of the inputs that are generated and that are mutations of samples; the rest are
#: format-aware mutations of real pages (:mod:`pipeline.review.fuzz_formats`).
GENERATED_SHARE, MUTATED_SHARE = 0.4, 0.35
#: The limits single inputs are read with when they go through the file reader (``.gz``, WARC, JSON Lines).
INPUT_MAX_BYTES = 4 * 1024 * 1024

ENGLISH = ("The committee met on Tuesday to discuss the new budget, and its members agreed that the plan "
           "needed more work before the vote.", "Home | News | Sport | Weather", "Share on Facebook",
           "Read more:", "By Jane Roe", "20 January 2019", "Copyright 2024 Example News. All rights reserved.",
           "Tags: budget, economy", "Comments (12)", "Subscribe to our newsletter", "Photo: Reuters")
ARABIC = ("اجتمعت اللجنة يوم الثلاثاء لمناقشة الميزانية الجديدة، واتفق أعضاؤها على أن خطة الإنفاق تحتاج إلى "
          "مزيد من العمل.", "الرئيسية | أخبار | رياضة", "اقرأ أيضا", "شارك على فيسبوك", "بقلم أحمد علي",
          "٢٠ يناير ٢٠١٩", "جميع الحقوق محفوظة", "ط§ظ„ط¹ط±ط¨ظٹط©", "العربيــة\u200f\u00a0اليوم ﻻ", "الوسوم: اقتصاد")
HOSTILE = ("\x00", "\x07", "\x1b[2J", "\u202e", "\u2066", "\ufeff", "\ufffe", "\r", "\r\n", "\u2028", "\x85",
           "\x0b", "\x0c", "e\u0301", "\U0001f600", "\ud800".encode("utf-8", "surrogatepass").decode("utf-8", "replace"),
           "<", ">", "&", "&#0;", "&#x110000;", "&nbsp;", "<!--", "-->", "<![CDATA[", "]]>", "<?xml ?>",
           "<script>", "</script>", "<style>", "<!DOCTYPE html>", "<meta charset=\"cp1256\">",
           "<meta charset=\"x-unknown\">", "<meta charset=\"utf-16\">", "\\", "%s%n", "{{", "}}")
TAGS = ("div", "p", "span", "a", "article", "section", "nav", "header", "footer", "table", "tr", "td", "li",
        "ul", "h1", "h2", "script", "style", "noscript", "template", "svg", "iframe", "form", "pre", "br",
        "figure", "figcaption", "aside", "main", "blockquote", "b", "i", "font", "body", "html", "head", "title")
META_CHOICES = ("", '<meta charset="utf-8">', '<meta charset="windows-1256">', "<meta charset=utf-16>")
ENCODINGS = ("utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32", "cp1256", "iso-8859-6",
             "latin-1", "cp1252", "mac-arabic", "koi8-r", "shift_jis", "gb18030")


# ---------------------------------------------------------------------------- generators


def _size(rng: random.Random) -> int:
    roll = rng.random()
    return rng.randint(0, SMALL) if roll < 0.85 else rng.randint(SMALL, MEDIUM) if roll < 0.99 else rng.randint(MEDIUM, LARGE)


def _random_unicode(rng: random.Random, n: int) -> str:
    ranges = ((0, 0x7F), (0x80, 0x7FF), (0x600, 0x6FF), (0xFB50, 0xFEFF), (0x2000, 0x206F), (0, 0x10FFFF))
    out = []
    for _ in range(n):
        low, high = rng.choice(ranges)
        code = rng.randint(low, high)
        out.append(chr(code) if not 0xD800 <= code <= 0xDFFF else "\ufffd")
    return "".join(out)


def _news_lines(rng: random.Random, n: int) -> list[str]:
    pool = ENGLISH + ARABIC
    return [rng.choice(pool) if rng.random() < 0.8 else rng.choice(HOSTILE) + rng.choice(pool) for _ in range(n)]


def _encode(rng: random.Random, text: str) -> bytes:
    return text.encode(rng.choice(ENCODINGS), errors=rng.choice(("ignore", "replace", "xmlcharrefreplace")))


def gen_random_bytes(rng: random.Random) -> bytes:
    return rng.randbytes(_size(rng))


def gen_random_text(rng: random.Random) -> bytes:
    return _encode(rng, _random_unicode(rng, _size(rng) // 3))


def gen_news_dump(rng: random.Random) -> bytes:
    separator = rng.choice(("\n", "\n\n", "\r\n", "\r", "\n \t\n", "\u2028"))
    return _encode(rng, separator.join(_news_lines(rng, rng.randint(0, 60))))


def _html(rng: random.Random, depth: int, budget: list[int]) -> str:
    parts = []
    while budget[0] > 0 and rng.random() < 0.8:
        budget[0] -= 1
        roll = rng.random()
        if roll < 0.4 and depth < 40:
            tag = rng.choice(TAGS)
            attrs = rng.choice(("", ' class="nav"', ' id="article"', ' dir="rtl"', ' lang="ar"', " hidden", ' style="x'))
            close = "" if rng.random() < 0.1 else f"</{tag}>"
            parts.append(f"<{tag}{attrs}>{_html(rng, depth + 1, budget)}{close}")
        elif roll < 0.9:
            parts.append(rng.choice(_news_lines(rng, 1)))
        else:
            parts.append(rng.choice(HOSTILE))
    return "".join(parts)


def gen_html_page(rng: random.Random) -> bytes:
    page = (f"<!DOCTYPE html><html><head><title>{rng.choice(_news_lines(rng, 1))}</title>"
            f"{rng.choice(META_CHOICES)}</head>"
            f"<body>{_html(rng, 0, [rng.randint(1, 300)])}</body></html>")
    if rng.random() < 0.5:
        page = page[: rng.randint(0, len(page))]
    return _encode(rng, page) if rng.random() < 0.3 else page.encode("utf-8")


def gen_deep_nesting(rng: random.Random) -> bytes:
    tag, depth = rng.choice(TAGS), rng.randint(50, 3_000) if rng.random() < 0.9 else rng.randint(3_000, 20_000)
    inner = rng.choice(_news_lines(rng, 1))
    closing = f"</{tag}>" * depth if rng.random() < 0.5 else ""
    return f"<html><body>{f'<{tag}>' * depth}{inner}{closing}</body></html>".encode()


def gen_huge_line(rng: random.Random) -> bytes:
    unit = rng.choice(ENGLISH + ARABIC + ("x", "\u0640", " ", "<b>", "ا"))
    return (unit * (rng.randint(20_000, LARGE) // max(1, len(unit.encode())))).encode("utf-8")


def gen_mixed_encodings(rng: random.Random) -> bytes:
    return b"\n".join(_encode(rng, line) for line in _news_lines(rng, rng.randint(1, 40)))


def gen_control_characters(rng: random.Random) -> bytes:
    lines = _news_lines(rng, rng.randint(1, 30))
    noise = "".join(chr(rng.randint(0, 31)) for _ in range(rng.randint(1, 200)))
    cut = rng.randint(0, len(lines))
    return "\n".join([*lines[:cut], noise, *lines[cut:]]).encode("utf-8")


GENERATORS: dict[str, Callable[[random.Random], bytes]] = {
    "random-bytes": gen_random_bytes, "random-text": gen_random_text, "news-dump": gen_news_dump,
    "html-page": gen_html_page, "deep-nesting": gen_deep_nesting, "huge-line": gen_huge_line,
    "mixed-encodings": gen_mixed_encodings, "control-characters": gen_control_characters,
}
#: How often each generator is picked (huge inputs are rare: they are slow).
GENERATOR_WEIGHTS = {"random-bytes": 10, "random-text": 10, "news-dump": 25, "html-page": 25, "deep-nesting": 1,
                     "huge-line": 1, "mixed-encodings": 13, "control-characters": 13}


# ---------------------------------------------------------------------------- mutators


def mut_bit_flips(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 1 + len(out) // 50) if out else 0):
        out[rng.randrange(len(out))] ^= 1 << rng.randrange(8)
    return bytes(out)


def mut_truncate(rng: random.Random, data: bytes) -> bytes:
    return data[: rng.randint(0, len(data))] if rng.random() < 0.7 else data[rng.randint(0, len(data)):]


def mut_insert_hostile(rng: random.Random, data: bytes) -> bytes:
    out = data
    for _ in range(rng.randint(1, 10)):
        at = rng.randint(0, len(out))
        out = out[:at] + rng.choice(HOSTILE).encode("utf-8", "surrogatepass") + out[at:]
    return out


def mut_duplicate(rng: random.Random, data: bytes) -> bytes:
    if not data:
        return data
    start = rng.randrange(len(data))
    piece = data[start: start + rng.randint(1, 2000)]
    at = rng.randint(0, len(data))
    return data[:at] + piece * rng.randint(1, 20) + data[at:]


def mut_reencode(rng: random.Random, data: bytes) -> bytes:
    return _encode(rng, data.decode("utf-8", errors="replace"))


def mut_splice(rng: random.Random, data: bytes) -> bytes:
    other = GENERATORS[rng.choice(sorted(GENERATORS))](rng)
    return data[: rng.randint(0, len(data))] + other[rng.randint(0, len(other)):]


def mut_wrap_html(rng: random.Random, data: bytes) -> bytes:
    tag = rng.choice(TAGS)
    return b"<html><body><" + tag.encode() + b">" + data + (b"</" + tag.encode() + b">" if rng.random() < 0.5 else b"")


MUTATORS: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "bit-flips": mut_bit_flips, "truncate": mut_truncate, "insert-hostile": mut_insert_hostile,
    "duplicate": mut_duplicate, "reencode": mut_reencode, "splice": mut_splice, "wrap-html": mut_wrap_html,
}


def load_seeds(root: Path = RAW_SAMPLES) -> list[bytes]:
    """The sample documents below ``raw/`` (decompressed), sorted by path; empty if there are none."""
    if not root.is_dir():
        return []
    seeds = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and not p.name.startswith(".")):
        data = path.read_bytes()
        seeds.append(gzip.decompress(data) if path.name.endswith(".gz") else data)
    return seeds


def make_input(seed: int, index: int, seeds: list[bytes], pages: tuple[bytes, ...] = ()) -> tuple[str, str, bytes]:
    """``(kind, file name, bytes)`` of input ``index``: the same for the same seed, whatever else runs.

    ``pages`` are the real pages the format-aware mutations start from (:func:`fuzz_formats.dev_pages`);
    without them they start from ``seeds`` or a generated page.
    """
    rng = random.Random(f"{seed}:{index}")
    roll = rng.random()
    if roll < GENERATED_SHARE:
        kind = rng.choices(sorted(GENERATORS), weights=[GENERATOR_WEIGHTS[k] for k in sorted(GENERATORS)])[0]
        return kind, rng.choice(("doc.txt", "doc.html", "doc.htm", "doc.xhtml")), GENERATORS[kind](rng)
    if roll < GENERATED_SHARE + MUTATED_SHARE:
        base = rng.choice(seeds) if seeds and rng.random() < 0.6 else GENERATORS["html-page" if rng.random() < 0.5 else "news-dump"](rng)
        names = [rng.choice(sorted(MUTATORS)) for _ in range(rng.randint(1, 3))]
        data = base
        for name in names:
            data = MUTATORS[name](rng, data)
        return "mutate:" + "+".join(names), rng.choice(("doc.txt", "doc.html", "doc.htm", "doc.xhtml")), data
    formats = sorted(FORMAT_MUTATIONS)
    kind = rng.choices(formats, weights=[FORMAT_WEIGHTS[k] for k in formats])[0]
    page = rng.choice(pages) if pages else rng.choice(seeds) if seeds and rng.random() < 0.5 else gen_html_page(rng)
    name, data = FORMAT_MUTATIONS[kind](rng, page)
    return "format:" + kind, name, data


# ---------------------------------------------------------------------------- checks


@functools.lru_cache(maxsize=1)
def _stages() -> tuple:
    """The default stages, built once per process (some load models)."""
    from pipeline.chain import default_stages

    return tuple(default_stages())


def read_input(data: bytes, name: str) -> list[Document]:
    """The documents of one input, read as a run reads a file of that name: a page or dump as it is;
    ``.gz`` files, WARC and JSON Lines through the file reader (decompression, records)."""
    from pipeline.config import Limits
    from pipeline.document import Document
    from pipeline.io.files import InputFile, is_container, load_bytes, output_stem
    from pipeline.io.source import FileSource

    if not (is_container(name) or name.lower().endswith(".gz")):
        return [load_bytes(Document(id=name, source=name), data)]
    with tempfile.TemporaryDirectory(prefix="fuzz-input-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(data)
        source = FileSource(Path(tmp), Limits(max_input_bytes=INPUT_MAX_BYTES, max_decompressed_bytes=INPUT_MAX_BYTES))
        return list(source.read(InputFile(name, path, output_stem(name))))


def check_document(data: bytes, name: str, timeout: float = DEFAULT_TIMEOUT) -> list[str]:
    """Clean one input as a run would (with its per-document time limit) and check the invariants.

    Returns each document's outcome (``ok`` or the failure's reason, e.g. ``timeout``; a container
    has one per record); raises on a crash.
    """
    from pipeline.io.write import body_text, sidecar, sidecar_json
    from pipeline.runners.tasks import clean_batch
    from pipeline.version import __version__

    outcomes = []
    for doc in clean_batch(read_input(data, name), _stages(), timeout):
        if doc.failure is not None and doc.failure.reason == "internal-error":
            raise AssertionError(f"internal-error in stage {doc.failure.stage}: {doc.failure.detail}")
        body = body_text(doc)
        if not unicodedata.is_normalized("NFC", body):
            raise AssertionError("body is not NFC")
        if not all(unicodedata.is_normalized("NFC", line.text) for line in doc.lines if not doc.failure):
            raise AssertionError("a line is not NFC")
        if len(doc.kept_lines()) + len(doc.removed_lines()) != len(doc.lines):
            raise AssertionError("kept + removed != lines")
        if any(not line.keep and not (line.stage and line.reason) for line in doc.lines):
            raise AssertionError("a removed line has no stage or reason")
        json.loads(sidecar_json(sidecar(doc, __version__, body=body)).encode("utf-8"))
        outcomes.append(doc.failure.reason if doc.failure else "ok")
    return outcomes


@dataclass
class Crash:
    index: int
    kind: str
    name: str
    error: str
    trace: str


@dataclass
class BatchResult:
    inputs: int = 0
    folders: int = 0
    kinds: Counter = field(default_factory=Counter)
    outcomes: Counter = field(default_factory=Counter)
    slow: list[tuple[int, str, float]] = field(default_factory=list)
    crashes: list[Crash] = field(default_factory=list)
    data: dict[int, bytes] = field(default_factory=dict)  # crashing inputs, to save
    #: Inputs that met the time limit, with their seconds: each one is reproduced with ``--only``.
    timed_out: list[tuple[int, str, float]] = field(default_factory=list)

    def merge(self, other: BatchResult) -> None:
        self.inputs += other.inputs
        self.folders += other.folders
        self.kinds.update(other.kinds)
        self.outcomes.update(other.outcomes)
        self.slow += other.slow
        self.crashes += other.crashes
        self.data.update(other.data)
        self.timed_out += other.timed_out


def run_input(seed: int, index: int, seeds: list[bytes], timeout: float, result: BatchResult) -> None:
    kind, name, data = make_input(seed, index, seeds, dev_pages())
    result.inputs += 1
    result.kinds[kind if kind.startswith("format:") else kind.split(":")[0]] += 1
    started = time.perf_counter()
    try:
        outcomes = check_document(data, name, timeout)
        result.outcomes.update(outcomes)
        if "timeout" in outcomes:
            result.timed_out.append((index, kind, round(time.perf_counter() - started, 2)))
    except BaseException as error:  # noqa: BLE001 - every exception is a finding (Ctrl-C stops the run)
        if isinstance(error, KeyboardInterrupt):
            raise
        result.crashes.append(Crash(index, kind, name, f"{type(error).__name__}: {error}"[:500], traceback.format_exc()))
        result.data[index] = data
    elapsed = time.perf_counter() - started
    if elapsed > SLOW_SECONDS:
        result.slow.append((index, kind, round(elapsed, 2)))


# ---------------------------------------------------------------------------- folder runs


def hostile_names(rng: random.Random) -> list[bytes]:
    """File names (as bytes) that try to confuse the reader and the writer."""
    long_ascii = b"n" * 240 + b".txt"
    long_arabic = ("خبر" * 40).encode() + b".txt"  # 240 bytes of UTF-8
    return [b"..txt", b"...txt", b"-rf.txt", b" space .txt", b"a\nb.txt", b"tab\t.html", b"\xff\xfe-latin1.txt",
            b"\xd8\xa7\xd9\x84\xd8\xae\xd8\xa8\xd8\xb1.html", b"CON.txt", b"a.TXT.GZ", b"x.txt.gz", b"_run.txt",
            b"_manifest.txt", b".hidden.txt", long_ascii, long_arabic, b"..%2f..%2fescape.txt",
            b"%00nul.txt", b"~home.txt", b"$HOME.txt", b"`id`.txt", b"a.txt", b"A.TXT", b"a.html",
            b"n%d.txt" % rng.randint(0, 9)]


def hostile_jsonl(rng: random.Random) -> bytes:
    text = "\n\n".join(_news_lines(rng, 8))
    ids: list[object] = ["../../escape", "/etc/passwd", "/" + "a/" * 50, "a\x00b", "x" * 10_000, "..", ".", "",
                         None, 42, ["list"], "C:\\Windows\\win.ini", "a/../../b", "\ud800lone", "%2e%2e%2f",
                         "same", "SAME", "same", "https://example.com/../../a?b=../c"]
    lines = [json.dumps({"id": record_id, "text": text}) for record_id in ids]
    lines += ['{"id": "broken"', "[]", "null", json.dumps({"id": "html", "html": "<p>" + text + "</p>"}),
              json.dumps({"id": "nohtml", "html": 5})]
    return "\n".join(lines).encode("utf-8")


def hostile_warc(rng: random.Random) -> bytes:
    """A hand-made WARC with target URIs and record ids that try to climb out."""
    records = []
    for number, uri in enumerate(["http://example.com/../../../escape", "file:///etc/passwd", "../../x", "",
                                  "http://e.com/" + "a" * 5000, "urn:\x00nul"], start=1):
        body = ("<html><body><p>" + " ".join(_news_lines(rng, 5)) + "</p></body></html>").encode("utf-8")
        payload = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + body
        headers = (f"WARC/1.0\r\nWARC-Type: response\r\nWARC-Record-ID: <urn:uuid:../../{number}>\r\n"
                   f"WARC-Target-URI: {uri}\r\nContent-Type: application/http; msgtype=response\r\n"
                   f"Content-Length: {len(payload)}\r\n\r\n").encode("utf-8", "replace")
        records.append(headers + payload + b"\r\n\r\n")
    data = b"".join(records)
    return data[: rng.randint(len(data) // 2, len(data))] if rng.random() < 0.3 else data


def gzip_bomb(size: int) -> bytes:
    """``size`` zero bytes, gzipped: a few KB that decompress to ``size`` bytes."""
    return gzip.compress(b"\0" * size, compresslevel=9, mtime=0)


def build_folder(folder: Path, seed: int, number: int, seeds: list[bytes]) -> int:
    """Fill ``folder`` with hostile files for folder run ``number``; returns how many were written."""
    rng = random.Random(f"{seed}:folder:{number}")
    files: list[tuple[bytes, bytes]] = []
    for name in hostile_names(rng):
        files.append((name, make_input(seed, rng.randrange(10**9), seeds)[2][:FOLDER_MAX_INPUT]))
    files += [(b"bomb.txt.gz", gzip_bomb(FOLDER_MAX_DECOMPRESSED * 4)), (b"broken.html.gz", gzip_bomb(10_000)[:-20]),
              (b"notgzip.txt.gz", b"\x1f\x8b plain"), (b"big.txt", b"A line of text.\n" * (FOLDER_MAX_INPUT // 16 + 1)),
              (b"records.jsonl", hostile_jsonl(rng)), (b"records.jsonl.gz", gzip.compress(hostile_jsonl(rng), mtime=0)),
              (b"crawl.warc", hostile_warc(rng)), (b"crawl.warc.gz", gzip.compress(hostile_warc(rng), mtime=0)),
              (b"deep/er/still/" + b"d" * 200 + b"/doc.txt", b"Nested folders.\n")]
    written = 0
    for name, data in rng.sample(files, k=min(len(files), FOLDER_FILES)):
        path = os.path.join(os.fsencode(folder), name)
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as handle:
                handle.write(data)
            written += 1
        except OSError:
            continue  # a name this file system refuses (too long here): not the pipeline's problem
    return written


def check_folder_run(base: Path, seed: int, number: int, seeds: list[bytes]) -> None:
    """Run the runner on a hostile folder; raise when it crashes, writes outside, or leaves bad outputs."""
    from pipeline.config import Config, Limits
    from pipeline.runners.run import run

    raw, out = base / "raw", base / "out"
    raw.mkdir()
    build_folder(raw, seed, number, seeds)
    before = sorted(os.listdir(base))
    config = Config(limits=Limits(max_input_bytes=FOLDER_MAX_INPUT, max_decompressed_bytes=FOLDER_MAX_DECOMPRESSED),
                    timeout=DEFAULT_TIMEOUT)
    summary = run(raw, out, config=config, workers=0)
    if sorted(os.listdir(base)) != sorted({*before, "out"}):
        raise AssertionError(f"the run wrote outside its output folder: {sorted(os.listdir(base))}")
    root = os.path.realpath(out)
    sidecars = 0
    for folder, _, names in os.walk(out):
        for name in names:
            path = os.path.join(folder, name)
            if not os.path.realpath(path).startswith(root + os.sep):
                raise AssertionError(f"output outside the folder: {path!r}")
            if name.endswith(".tmp"):
                raise AssertionError(f"temporary file left: {path!r}")
            if name.endswith(".json"):
                with open(path, encoding="utf-8") as handle:
                    json.load(handle)
                sidecars += name != "_run.json" or folder != str(out)
    if sidecars != summary.documents:
        raise AssertionError(f"{summary.documents} documents but {sidecars} sidecars: outputs were lost or merged")


def run_folder(seed: int, number: int, seeds: list[bytes], result: BatchResult) -> None:
    result.folders += 1
    with tempfile.TemporaryDirectory(prefix="fuzz-folder-") as tmp:
        try:
            check_folder_run(Path(tmp), seed, number, seeds)
        except Exception as error:  # noqa: BLE001 - every exception is a finding
            result.crashes.append(Crash(-1 - number, "folder", f"folder-{number}", f"{type(error).__name__}: {error}"[:500],
                                        traceback.format_exc()))


# ---------------------------------------------------------------------------- driver


def run_batch(args: tuple[int, int, int, float, int]) -> BatchResult:
    seed, start, stop, timeout, folder_every = args
    seeds = load_seeds()
    result = BatchResult()
    for index in range(start, stop):
        run_input(seed, index, seeds, timeout, result)
        if folder_every and index % folder_every == folder_every - 1:
            run_folder(seed, index // folder_every, seeds, result)
    return result


def fuzz(count: int, seed: int = 0, workers: int = 1, timeout: float = DEFAULT_TIMEOUT,
         folder_every: int = DEFAULT_FOLDER_EVERY, progress: Callable[[BatchResult], None] | None = None,
         first: int = 0) -> BatchResult:
    """Run inputs ``first .. first+count-1`` of ``seed``; the result does not depend on ``workers``."""
    stop = first + count
    jobs = [(seed, start, min(stop, start + BATCH), timeout, folder_every) for start in range(first, stop, BATCH)]
    total = BatchResult()
    if workers <= 1:
        results = map(run_batch, jobs)
        pool = None
    else:
        pool = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn").Pool(workers)
        results = pool.imap(run_batch, jobs)
    try:
        for result in results:
            total.merge(result)
            if progress:
                progress(total)
    finally:
        if pool is not None:
            pool.terminate()
    total.crashes.sort(key=lambda crash: crash.index)
    total.slow.sort()
    return total


def save_crashes(result: BatchResult, out: Path, seed: int) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for crash in result.crashes:
        stem = out / (f"crash-{crash.index}" if crash.index >= 0 else f"crash-folder-{-1 - crash.index}")
        if crash.index in result.data:
            stem.with_suffix(".bin").write_bytes(result.data[crash.index])
            how = f"python -m pipeline.review.fuzz --seed {seed} --only {crash.index}"
        else:
            how = f"python -m pipeline.review.fuzz --seed {seed} --only-folder {-1 - crash.index}"
        stem.with_suffix(".txt").write_text(
            f"input {crash.index} ({crash.kind}, as {crash.name})\nerror: {crash.error}\nreproduce: {how}\n\n{crash.trace}",
            encoding="utf-8")


def summary_dict(result: BatchResult, seed: int) -> dict[str, object]:
    return {"seed": seed, "inputs": result.inputs, "folder_runs": result.folders, "crashes": len(result.crashes),
            "timeouts": result.outcomes["timeout"],
            "slow_inputs": len(result.slow), "slowest": sorted(result.slow, key=lambda s: -s[2])[:10],
            "by_generator": dict(sorted(result.kinds.items())), "by_outcome": dict(sorted(result.outcomes.items())),
            "crash_list": [{"index": c.index, "kind": c.kind, "error": c.error} for c in result.crashes],
            "timeout_list": [{"index": index, "kind": kind, "seconds": seconds,
                              "reproduce": f"python -m pipeline.review.fuzz --seed {seed} --only {index}"}
                             for index, kind, seconds in sorted(result.timed_out)]}


def summary_line(result: BatchResult) -> str:
    return (f"{result.inputs} inputs (+ {result.folders} folder runs), {len(result.crashes)} crashes, "
            f"{result.outcomes['timeout']} timeouts, {len(result.slow)} slow (> {SLOW_SECONDS:g} s)")


def day_seed(environ: dict[str, str] = os.environ) -> int:  # type: ignore[assignment]
    """The seed of the day's CI slice: ``FUZZ_SLICE_SEED`` if set, else today's UTC date as a number.

    >>> day_seed({"FUZZ_SLICE_SEED": "7"})
    7
    """
    import datetime

    return int(environ.get("FUZZ_SLICE_SEED") or datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%d"))


def parse_seeds(text: str) -> list[int]:
    """Seeds written as ``0..9`` (a range, both ends included), ``3,7,11`` or a mix.

    >>> parse_seeds("0..3,7")
    [0, 1, 2, 3, 7]
    """
    seeds: list[int] = []
    for part in text.replace(" ", "").split(","):
        first, dots, last = part.partition("..")
        try:
            seeds += list(range(int(first), int(last) + 1)) if dots else [int(first)]
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a seed list: {text!r} (write 0..9 or 3,7,11)") from None
    return seeds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.review.fuzz", description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000, help="inputs to run per seed (default 100000)")
    parser.add_argument("--seed", type=parse_seeds, default=[0], dest="seeds",
                        help="seeds: 0, 0..9 or 3,7,11 (each runs --count inputs)")
    parser.add_argument("--start", type=int, default=0,
                        help="first input index (continue seeds where an earlier run of --count inputs stopped)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT,
                        help="seconds per input (the runner's per-document limit; past it: outcome timeout)")
    parser.add_argument("--folder-every", type=int, default=DEFAULT_FOLDER_EVERY,
                        help="a runner folder run every N inputs (0: none)")
    parser.add_argument("--out", type=Path, default=Path("fuzz-out"), help="where crashes and summary.json go")
    parser.add_argument("--only", type=int, default=None, help="run just this input index (to reproduce)")
    parser.add_argument("--only-folder", type=int, default=None, help="run just this folder run (to reproduce)")
    args = parser.parse_args(argv)
    if args.only is not None or args.only_folder is not None:
        result = BatchResult()
        seeds = load_seeds()
        for seed in args.seeds:
            if args.only is not None:
                run_input(seed, args.only, seeds, args.timeout, result)
            else:
                run_folder(seed, args.only_folder, seeds, result)
        for crash in result.crashes:
            print(crash.trace or crash.error)
        print(summary_line(result))
        return 1 if result.crashes else 0

    crashed = False
    totals, seconds = BatchResult(), 0.0
    for seed in args.seeds:
        started = time.monotonic()

        def progress(total: BatchResult) -> None:
            print(f"\rseed {seed}: {summary_line(total)}  [{time.monotonic() - started:.0f} s]", end="",
                  file=sys.stderr, flush=True)

        result = fuzz(args.count, seed, args.workers, args.timeout, args.folder_every, progress, args.start)
        elapsed = time.monotonic() - started
        seconds += elapsed
        print(file=sys.stderr)
        out = args.out / f"seed-{seed}" if len(args.seeds) > 1 else args.out
        save_crashes(result, out, seed)
        summary = {**summary_dict(result, seed), "first_input": args.start, "seconds": round(elapsed, 1),
                   "workers": args.workers}
        (out / "summary.json").write_text(json.dumps(summary, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"seed {seed}, inputs {args.start}..{args.start + args.count - 1}: {summary_line(result)}; "
              f"{result.inputs / elapsed:.1f} inputs/s on {args.workers} worker(s)", flush=True)
        for crash in result.crashes[:20]:
            print(f"  input {crash.index} ({crash.kind}): {crash.error}")
        if result.crashes:
            print(f"reproducers in {out}/")
            crashed = True
        totals.merge(result)
    if len(args.seeds) > 1:
        print(f"all {len(args.seeds)} seeds: {summary_line(totals)}; {totals.inputs / seconds:.1f} inputs/s")
    return 1 if crashed else 0


if __name__ == "__main__":
    sys.exit(main())

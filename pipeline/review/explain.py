"""``pipeline explain FILE``: clean one file and print every line's decision.

Runs the same reading and stages as ``pipeline clean`` on one file (``.gz``,
limits and sniffing included) and prints a header, then one row per line:
number, decision, language, stage/reason, text::

    raw/seeds/a.txt: text, utf-8 (utf-8), language en, ok; 27 lines: 26 kept, 1 removed
      title: "NATO" is heading to lead the international coalition
      line  decision  lang  stage/reason          text
         1  keep      en                          A senior official said on Monday ...
         3  remove    en    metadata/title        "NATO" is heading to lead the ...

Nothing is written. The exit status is 0 when the document was cleaned (or
is empty or skipped, which are verdicts), 1 when it failed, 2 when the file
cannot be found.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from pipeline.chain import default_stages, run_batch
from pipeline.config import Config
from pipeline.document import Document
from pipeline.io.files import read_document
from pipeline.io.write import METADATA_FIELDS, sidecar
from pipeline.version import __version__

KEEP, REMOVE = "keep", "remove"
#: Width of the stage/reason column; longer ones push the text right.
REASON_WIDTH = 28
FOUND, FAILED, NOT_FOUND = 0, 1, 2


def explain_file(path: Path, config: Config = Config()) -> Document:
    """Read and clean ``path`` exactly as a run would (its folder acting as the input root)."""
    path = Path(path)
    return run_batch([read_document(path, path.name, config.limits)], default_stages(config))[0]


def _printable(text: str) -> str:
    """Control characters (which would move a terminal's cursor) shown as U+FFFD-free escapes."""
    return "".join(ch if ch >= " " and ch != "\x7f" else f"\\x{ord(ch):02x}" for ch in text)


def header(doc: Document) -> list[str]:
    encoding = doc.encoding or {}
    kept, removed = len(doc.kept_lines()), len(doc.removed_lines())
    state = doc.outcome if not doc.failure else (
        f"{doc.outcome}: {doc.failure.stage}/{doc.failure.reason}" + (f" ({doc.failure.detail})" if doc.failure.detail else ""))
    out = [f"{doc.source}: {doc.format or '?'}, {encoding.get('name', '?')} ({encoding.get('method', '?')}), "
           f"language {doc.language}, {state}; {len(doc.lines)} lines: {kept} kept, {removed} removed"]
    for name in METADATA_FIELDS:
        if value := doc.metadata.get(name):
            out.append(f"  {name}: {_printable(str(value))}")
    return out


def rows(doc: Document, width: int | None = None) -> list[str]:
    """One row per line: number, keep/remove, language, stage/reason, text (clipped to ``width``)."""
    out = [f"  {'line':>4}  {'decision':<8}  {'lang':<4}  {'stage/reason':<{REASON_WIDTH}}  text"]
    for line in doc.lines:
        why = f"{line.stage}/{line.reason}" if not line.keep else ""
        text = _printable(line.text)
        if width and len(text) > width:
            text = text[: width - 1] + "…"
        out.append(f"  {line.number:>4}  {KEEP if line.keep else REMOVE:<8}  {line.lang:<4}  {why:<{REASON_WIDTH}}  {text}")
    return out


def explain(doc: Document, stream: TextIO, width: int | None = None) -> None:
    stream.write("\n".join(header(doc) + rows(doc, width)) + "\n")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="one raw document (.txt, .html, optionally .gz)")
    parser.add_argument("--languages", default="ar,en", help="languages to keep, as for `pipeline clean`")
    parser.add_argument("--width", type=int, default=None, help="clip each line's text to this many characters")
    parser.add_argument("--json", action="store_true", help="print the sidecar a run would write instead")


def main(args: argparse.Namespace) -> int:
    if not args.file.is_file():
        print(f"pipeline explain: no such file: {args.file}", file=sys.stderr)
        return NOT_FOUND
    languages = tuple(sorted(code.strip() for code in args.languages.split(",") if code.strip()))
    doc = explain_file(args.file, Config(languages=languages))
    if args.json:
        sys.stdout.write(json.dumps(sidecar(doc, __version__), ensure_ascii=False, indent=2, sort_keys=True) + "\n")
    else:
        explain(doc, sys.stdout, args.width)
    return FAILED if doc.outcome == "failed" else FOUND

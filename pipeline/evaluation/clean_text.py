"""Clean text in, clean text out: what the pipeline removes from text that is already clean.

Two measurements, over the dev corpora's text dumps:

1. **Clean bodies.** The reference article bodies of scrapinghub and wcxb-dev, fed in as plain-text
   documents, one paragraph a line: the share of their lines kept.
2. **A second pass.** The pipeline's own output of the dev dumps, cleaned again: the share of the
   first pass's body lines that the second pass removes (a title the metadata stage takes from a
   body's first line is not counted: a body has no title line, but that is the title's question).

These are in-sample figures of the shipped model (it was trained on these pages); the out-of-fold
figure of (1) is ``pipeline train``'s ``kept_share``. Run::

    python -m pipeline.evaluation.clean_text ../shared/eval
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from pipeline.chain import clean_documents
from pipeline.document import Document
from pipeline.evaluation import corpora
from pipeline.io.files import load_bytes


def _documents(named: list[tuple[str, str]]) -> list[Document]:
    return [load_bytes(Document(id=name, source=name), text.encode("utf-8")) for name, text in named]


def _clean(named: list[tuple[str, str]]) -> list[Document]:
    return list(clean_documents(_documents(named)))


def clean_bodies_kept(pages: list[corpora.Page]) -> tuple[int, int, Counter]:
    """Lines of the reference bodies kept, of all their lines, and the reasons of those removed."""
    named = [(f"{page.id}.txt", "\n".join(line for line in page.truth.splitlines() if line.strip()) + "\n")
             for page in pages if page.truth.strip()]
    kept = total = 0
    reasons: Counter = Counter()
    for doc in _clean(named):
        lines = [line for line in doc.lines if line.text.strip()]
        total += len(lines)
        kept += sum(line.keep for line in lines)
        reasons.update(f"{line.stage}:{line.reason}" for line in lines if not line.keep)
    return kept, total, reasons


def second_pass_removed(pages: list[corpora.Page]) -> tuple[int, int, Counter]:
    """Body lines of the first pass that a second pass removes (not counting a title taken), of all."""
    first = [doc for doc in _clean([(f"{page.id}.txt", page.dump) for page in pages if page.dump])
             if doc.outcome == "ok" and doc.body]
    removed = total = 0
    reasons: Counter = Counter()
    for doc in _clean([(doc.id, doc.body) for doc in first]):
        lines = [line for line in doc.lines if line.text.strip()]
        total += len(lines)
        gone = [line for line in lines if not line.keep and line.stage != "metadata"]
        removed += len(gone)
        reasons.update(f"{line.stage}:{line.reason}" for line in gone)
    return removed, total, reasons


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.evaluation.clean_text", description=__doc__.splitlines()[0])
    parser.add_argument("eval_root", type=Path)
    args = parser.parse_args(argv)
    for name, pages in (("scrapinghub", list(corpora.scrapinghub(args.eval_root))),
                        ("wcxb-dev", list(corpora.wcxb(args.eval_root)))):
        kept, total, why = clean_bodies_kept(pages)
        print(f"{name:12} clean bodies: {kept}/{total} lines kept ({kept / max(total, 1):.2%}); "
              f"removed by {dict(why.most_common(5))}")
        removed, total, why = second_pass_removed(pages)
        print(f"{name:12} second pass: {removed}/{total} lines removed ({removed / max(total, 1):.2%}); "
              f"by {dict(why.most_common(5))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

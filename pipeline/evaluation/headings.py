"""``python -m pipeline.evaluation.headings [EVAL_DIR]``: how well dump lines become ``##`` headings.

A Markdown body of a text dump marks a kept line as a heading by the rule of
:func:`pipeline.text.structure.looks_like_heading`, applied where the body is written
(:func:`pipeline.io.markdown.dump_structure`). This scores that rule on labelled data: the wcxb-dev
dumps (a kept line is a heading when the reference's ``main_content_markdown`` has it as a ``#``
line) and the hand-labelled seed and Arabic dumps (category ``heading``). Every kept line of the
pipeline's output counts: one the rule marks that the reference does not is a false positive, a
reference heading among the kept lines the rule misses a false negative::

    >>> sorted(heading_texts("# Title\\n\\nText.\\n\\n## **Sub**  part ##\\n"))
    ['sub part', 'title']

Measured 2026-12-03 with ``HEADING_MAX_WORDS`` 12 and ``HEADING_NEXT_MIN_WORDS`` 12 (see
:mod:`pipeline.text.structure` for the grid they were chosen from)::

    wcxb-dev dumps             precision 0.630 recall 0.531
    seeds + arabic-dev dumps   precision 0.769 recall 1.000 (10 headings)
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pipeline.chain import clean_documents
from pipeline.document import HEADING, Document
from pipeline.evaluation import corpora
from pipeline.io.files import load_bytes
from pipeline.io.markdown import dump_structure

_MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+(.*?)\s*#*\s*$")
_NOT_WORD = re.compile(r"[\W_]+")


def comparable(text: str) -> str:
    """Lower case, words only, single spaces: how a dump line and a reference line are matched."""
    return _NOT_WORD.sub(" ", text.casefold()).strip()


def heading_texts(markdown: str) -> set[str]:
    """The :func:`comparable` text of every ATX heading of a Markdown text."""
    return {comparable(match.group(1)) for line in markdown.splitlines()
            if (match := _MARKDOWN_HEADING.match(line.strip()))} - {""}


@dataclass
class Score:
    true_positive: int = 0
    false_positive: int = 0
    false_negative: int = 0

    @property
    def precision(self) -> float:
        marked = self.true_positive + self.false_positive
        return self.true_positive / marked if marked else 1.0

    @property
    def recall(self) -> float:
        wanted = self.true_positive + self.false_negative
        return self.true_positive / wanted if wanted else 1.0

    def add(self, predicted: bool, actual: bool) -> None:
        self.true_positive += predicted and actual
        self.false_positive += predicted and not actual
        self.false_negative += actual and not predicted


def _wcxb_dumps(root: Path) -> Iterator[tuple[Document, set[str]]]:
    for page in corpora.wcxb(root):
        record = json.loads((root / "wcxb-dev" / "ground-truth" / f"{page.id}.json").read_text(encoding="utf-8"))
        markdown = (record.get("ground_truth") or {}).get("main_content_markdown") or ""
        if page.dump is not None:
            doc = load_bytes(Document(id=f"{page.id}.txt", source=f"{page.id}.txt"), page.dump.encode("utf-8"))
            yield doc, heading_texts(markdown)


def _labelled_dumps(root: Path, seeds: Path, gold: Path) -> Iterator[tuple[Document, set[int]]]:
    dumps = [*corpora.seeds(seeds, gold), *corpora.arabic_dev_dumps(root)]
    for dump in dumps:
        doc = load_bytes(Document(id=f"{dump.id}.txt", source=f"{dump.id}.txt"), dump.text.encode("utf-8"))
        yield doc, {number for number, category in dump.categories.items() if category == "heading"}


def score_wcxb(root: Path) -> Score:
    score = Score()
    pairs = list(_wcxb_dumps(root))
    for doc, (_, truth) in zip(clean_documents(doc for doc, _ in pairs), pairs):
        for line in dump_structure(doc.lines) if not doc.failure else []:
            score.add(line.kind == HEADING, comparable(line.text) in truth)
    return score


def score_labelled(root: Path, seeds: Path, gold: Path) -> Score:
    score = Score()
    pairs = list(_labelled_dumps(root, seeds, gold))
    for doc, (_, truth) in zip(clean_documents(doc for doc, _ in pairs), pairs):
        for line in dump_structure(doc.lines) if not doc.failure else []:
            score.add(line.kind == HEADING, line.number in truth)
    return score


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    root = Path(argv[0]) if argv else Path("../shared/eval")
    shared = root.parent
    for name, score in (("wcxb-dev dumps", score_wcxb(root)),
                        ("seeds + arabic-dev dumps", score_labelled(root, shared / "seeds", shared / "gold"))):
        print(f"{name:<26} precision {score.precision:.3f} recall {score.recall:.3f} "
              f"(tp {score.true_positive}, fp {score.false_positive}, fn {score.false_negative})")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Repair (first wiring: ftfy only; the Arabic mojibake repair lands here)."""

from __future__ import annotations

import ftfy

from pipeline.document import Document


def repair_text(text: str) -> tuple[str, list[dict]]:
    fixed, steps = ftfy.fix_and_explain(text, uncurl_quotes=False, fix_line_breaks=False)
    return fixed, [{"step": "ftfy", "detail": list(step)} for step in (steps or [])]


class Repair:
    name, version = "repair", "0"

    def process(self, doc: Document) -> Document:
        texts = [line.text for line in doc.lines]
        fixed, steps = repair_text("\n".join(texts))
        parts = fixed.split("\n")
        if len(parts) == len(texts):
            for line, part in zip(doc.lines, parts):
                line.text = part
            doc.repairs.extend(steps)
        return doc

"""Boilerplate: classify every line as body or removed-with-a-reason.

(First wiring only: keeps every line. The classifier lands in this module.)
"""

from __future__ import annotations

from pipeline.document import Document


class Boilerplate:
    name, version = "boilerplate", "0"

    def process(self, doc: Document) -> Document:
        return doc

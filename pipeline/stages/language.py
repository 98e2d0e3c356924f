"""Language (first wiring: script share only; the full detector lands here)."""

from __future__ import annotations

from pipeline.document import Document


def detect_language(text: str) -> tuple[str, float]:
    arabic = sum(1 for ch in text if "\u0600" <= ch <= "\u06ff")
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    if arabic + latin < 3:
        return "und", 0.0
    return ("ar", arabic / (arabic + latin)) if arabic > latin else ("en", latin / (arabic + latin))


class LineLanguage:
    name, version = "line-language", "0"

    def process(self, doc: Document) -> Document:
        for line in doc.lines:
            line.lang = detect_language(line.text)[0]
        return doc


class DocumentLanguage:
    name, version = "language", "0"

    def __init__(self, languages: tuple[str, ...] = ("ar", "en")) -> None:
        self.languages = languages

    def process(self, doc: Document) -> Document:
        lines = doc.kept_lines() or doc.lines
        counts: dict[str, int] = {}
        for line in lines:
            counts[line.lang] = counts.get(line.lang, 0) + len(line.text)
        total = sum(counts.values()) or 1
        doc.language_shares = {lang: n / total for lang, n in sorted(counts.items())}
        doc.language = max(sorted(counts), key=lambda k: counts[k]) if counts else "und"
        if doc.language not in self.languages:
            doc.fail(self.name, "unsupported-language", doc.language)
        return doc

"""Normalize: display-safe Unicode clean-up of every line.

Only changes a reader cannot see or would call a bug are made:

- NFC, so the same word is always the same code points;
- NBSP and other space characters to a plain space, runs collapsed;
- Arabic presentation forms (U+FB50–U+FDFF, U+FE70–U+FEFF) to the standard
  letters (NFKC, applied to those characters only);
- bidi control marks (LRM, RLM, ALM, embeddings, isolates) removed;
- tatweel (U+0640), a stretching stroke, removed.

Kept on purpose: ZWNJ (it changes Persian and Urdu words), digits,
punctuation, diacritics, and the distinct alef/yeh/teh-marbuta letters
(على and علي are different words)::

    >>> normalize_text("\\u200fالعربيــة\\u00a0 اليوم ﻻ")
    'العربية اليوم لا'
"""

from __future__ import annotations

import re
import unicodedata

from pipeline.document import Document

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
TATWEEL = "\u0640"
_REMOVE = {ord(ch): None for ch in BIDI_CONTROLS + TATWEEL + "\ufeff"}
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]+")
# Every Unicode space separator except ZWNJ-like joiners (which are not Zs).
_SPACES = re.compile(r"[^\S\n]+")


def _unfold_presentation_forms(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group(0))


def normalize_text(text: str) -> str:
    """Return ``text`` normalized for display; idempotent."""
    text = text.translate(_REMOVE)
    text = _PRESENTATION_FORMS.sub(_unfold_presentation_forms, text)
    text = unicodedata.normalize("NFC", text)
    return _SPACES.sub(" ", text).strip()


class Normalize:
    """Stage: normalize every line, kept or removed, so sidecars read the same."""

    name, version = "normalize", "1"

    def __init__(self, search_keys: bool = False) -> None:
        self.search_keys = search_keys

    def process(self, doc: Document) -> Document:
        for line in doc.lines:
            line.text = normalize_text(line.text)
        return doc

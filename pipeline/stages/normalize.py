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
    >>> normalize_text("\\ufe77")  # a fatha's medial form: the mark stays, its tatweel goes
    'َ'

For search and deduplication only, :func:`search_key` folds the spelling
variants a reader treats as the same word. It is opt-in and never replaces the
body (``Normalize(search_keys=True)`` stores it in ``doc.metadata``)::

    >>> search_key("إلى المدرسةِ الأولى Today")
    'الي المدرسه الاولي today'
"""

from __future__ import annotations

import functools
import re
import unicodedata

import numpy as np

from pipeline.document import Document, line_columns
from pipeline.text._chars import normalize_lines_needing

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
TATWEEL = "\u0640"
# A regex, not str.translate: translating a long non-ASCII text is slow in CPython.
_REMOVE = re.compile(f"[{BIDI_CONTROLS}{TATWEEL}\ufeff]+")
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufefe]+")
_REMOVED_CHARS = BIDI_CONTROLS + TATWEEL + "\ufeff"
# Every Unicode space separator except ZWNJ-like joiners (which are not Zs): runs of two or more, and
# single ones other than a plain space (a lone plain space needs no replacing).
_SPACES = re.compile(r"[^\S\n]{2,}|[^\S\n ]")


def _unfold_presentation_forms(match: re.Match[str]) -> str:
    return unicodedata.normalize("NFKC", match.group(0))


def normalize_text(text: str) -> str:
    """Return ``text`` normalized for display; idempotent."""
    text = _unfold(text)
    if "\n" in text:
        return _SPACES.sub(" ", text).strip()
    # One line: str.split() splits on exactly the whitespace the pattern's \s matches, in one C call.
    return " ".join(text.split())


def _unfold(text: str) -> str:
    """The changes beyond ASCII: presentation forms unfolded, then marks removed, then NFC."""
    if text.isascii():  # the removed marks, presentation forms and NFC are all beyond ASCII
        return text
    # Presentation forms first: some unfold to a tatweel and a mark ("ﹷ" is "ـَ"), and the tatweel goes too.
    # The patterns are looked for only where a cheap test says they can match: a regex scan costs about
    # 5 ns a character (0.85 ms on an HTML dev page), "in" a fraction of one.
    if _may_hold_presentation_forms(text):
        text = _PRESENTATION_FORMS.sub(_unfold_presentation_forms, text)
    if any(mark in text for mark in _REMOVED_CHARS):
        text = _REMOVE.sub("", text)
    return unicodedata.normalize("NFC", text)


#: The lead bytes of the UTF-8 of U+F000 and above (the presentation forms are U+FB50-U+FEFE).
_HIGH_LEAD_BYTES = (b"\xef", b"\xf0", b"\xf1", b"\xf2", b"\xf3", b"\xf4")


def _may_hold_presentation_forms(text: str) -> bool:
    """False when ``text`` holds no character from U+F000 on, so no presentation form: its UTF-8 holds
    none of their lead bytes (an encoding and six byte searches: 0.1 ms on an HTML dev page, where
    ``max(text)`` takes 2.2)::

        >>> _may_hold_presentation_forms("العربية"), _may_hold_presentation_forms("ﻻ"), _may_hold_presentation_forms("\\ud800")
        (False, True, True)
    """
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        return True  # a lone surrogate: let the pattern look
    return any(lead in data for lead in _HIGH_LEAD_BYTES)


def normalize_lines(texts: list[str]) -> list[str]:
    """:func:`normalize_text` of each line, the changes beyond ASCII made once over the lines joined
    (no rule crosses a line break, and NFC composes nothing across one)::

        >>> normalize_lines(["\\u200fالعربيــة", "  two  spaces "])
        ['العربية', 'two spaces']
    """
    return _normalized(texts)[0]


# --- what a text needs, from its characters ------------------------------------------------------------------------
# Most lines need nothing: no presentation form, bidi mark or tatweel, nothing NFC would change, and single plain
# spaces between words. One look up of each UTF-16 code unit of the lines joined in a table of what each character
# may ask for (:func:`_character_table`) says which lines need the work of :func:`normalize_text`.
_ODD_SPACE, _SPACE, _BREAK, _UNFOLD, _COMPOSE = 1, 2, 4, 8, 16


#: Canonical pairs are all below this code point (planes 2 and up hold only singletons, CJK compatibility
#: ideographs); their second characters matter only in the BMP, as the surrogates are always looked at.
_PAIRED_BELOW = 0x20000


@functools.lru_cache(maxsize=1)
def _character_table() -> np.ndarray:
    """What each UTF-16 code unit may ask of :func:`normalize_text` (bits above); built once (0.2 s).

    ``_COMPOSE``: a character NFC may change or join to the one before it: a combining mark, a character
    NFC changes on its own, the second character of any canonical pair (NFC's "maybe"), the Hangul jamo
    that compose, and the surrogates (characters beyond the BMP are looked at by NFC itself).
    """
    table = np.zeros(0x10000, dtype=np.uint8)
    for code in range(0x10000):
        ch = chr(code)
        if ch.isspace():
            table[code] |= _SPACE if ch == " " else _BREAK if ch == "\n" else _ODD_SPACE
        if unicodedata.combining(ch) or ("\ud800" > ch or ch > "\udfff") and unicodedata.normalize("NFC", ch) != ch:
            table[code] |= _COMPOSE
    for code in range(_PAIRED_BELOW):
        decomposition = unicodedata.decomposition(chr(code)).split()
        if len(decomposition) == 2 and not decomposition[0].startswith("<") and int(decomposition[1], 16) < 0x10000:
            table[int(decomposition[1], 16)] |= _COMPOSE
    table[0x1160:0x1200] |= _COMPOSE  # Hangul vowels and trailing consonants join a syllable before them
    table[0xD800:0xE000] |= _COMPOSE
    table[0xFB50:0xFE00] |= _UNFOLD
    table[0xFE70:0x10000] |= _UNFOLD
    for ch in _REMOVED_CHARS:
        table[ord(ch)] |= _UNFOLD
    return table


def _flags(text: str) -> np.ndarray:
    """:func:`_character_table`'s bits for each UTF-16 code unit of ``text``."""
    return _character_table().take(np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16))


def _badly_spaced(flags: np.ndarray) -> list[int]:
    """The lines (of text whose :func:`_flags` are ``flags``) that ``" ".join(line.split())`` changes:
    whitespace other than a plain space, or a space at an end of the line or next to another space::

        >>> _badly_spaced(_flags("one two\\n two  spaces\\nthree\\tfour\\nfive"))
        [1, 2]
    """
    space = flags == _SPACE
    edge = (flags & (_SPACE | _BREAK)) > 0
    if not (space[0] or space[-1] or (space[1:] & edge[:-1]).any() or (space[:-1] & edge[1:]).any()
            or ((flags & _ODD_SPACE) > 0).any()):
        return []  # the usual case: single plain spaces between words
    inner = np.ones(len(flags) + 2, dtype=bool)
    inner[1:-1] = edge
    return _lines_of(flags, np.flatnonzero(space & (inner[:-2] | inner[2:]) | ((flags & _ODD_SPACE) > 0)))


def _lines_of(flags: np.ndarray, places: np.ndarray) -> list[int]:
    """The lines (of text whose :func:`_flags` are ``flags``, lines split at "\\n") that hold ``places``."""
    return np.unique(np.searchsorted(np.flatnonzero(flags == _BREAK), places)).tolist()


def _normalized(texts: list[str]) -> tuple[list[str], list[int]]:
    """:func:`normalize_lines`, and the indices of the lines that may have changed (the others have not).

    The lines may be a whole batch of documents' (a line's result is its own): the changes beyond ASCII
    run once over the lines with a character that asks for them, and the other lines are spaced again
    only when their spacing is wrong. One kernel pass over the lines finds both
    (:func:`pipeline.text._chars.normalize_lines_needing`, the same lines as :func:`_lines_needing`).
    """
    needing = normalize_lines_needing(texts, _character_table(), _UNFOLD | _COMPOSE, _SPACE, _ODD_SPACE, _BREAK)
    if not texts or needing is None:
        return [normalize_text(text) for text in texts], list(range(len(texts)))
    marked, spaced = needing
    parts, changed = list(texts), []
    if marked:
        # The changes beyond ASCII (bidi marks, tatweel, presentation forms, NFC), on the lines that may need them.
        some = "\n".join([texts[index] for index in marked])
        unfolded = _unfold(some)
        if unfolded != some:
            for index, part in zip(marked, unfolded.split("\n")):
                parts[index] = " ".join(part.split())
            changed = marked
    for index in spaced:
        parts[index] = " ".join(parts[index].split())
    return parts, sorted(set(changed).union(spaced)) if changed and spaced else changed or spaced


def _lines_needing(texts: list[str]) -> tuple[list[int], list[int]] | None:
    """The lines that may need the changes beyond ASCII, and the badly spaced lines, from the table of
    the lines joined with "\\n" (numpy): the reference for the kernel's pass; None when a line holds a "\\n"."""
    joined = "\n".join(texts)
    if joined.count("\n") != len(texts) - 1:
        return None
    flags = _flags(joined)
    seen = int(np.bitwise_or.reduce(flags)) if len(flags) else 0
    marked = _lines_of(flags, np.flatnonzero(flags & (_UNFOLD | _COMPOSE))) if seen & (_UNFOLD | _COMPOSE) else []
    spaced = _badly_spaced(flags) if seen & (_SPACE | _ODD_SPACE) and len(flags) else []
    return marked, spaced


#: Folds for :func:`search_key`: alef with hamza or madda, and alef wasla, to
#: bare alef; alef maksura to yeh; teh marbuta to heh (the common misspellings
#: of each other); harakat, superscript alef and tatweel removed.
_SEARCH_FOLD = {
    **{ord(ch): "ا" for ch in "أإآٱ"},
    ord("ى"): "ي",
    ord("ة"): "ه",
    **{code: None for code in range(0x064B, 0x0660)},
    0x0670: None,
    ord(TATWEEL): None,
}


def search_key(text: str) -> str:
    """``text`` folded for matching, not for display: على and علي become the same key.

    Applied after :func:`normalize_text`, so presentation forms, bidi marks and
    odd spaces are already gone; Latin letters are lower-cased (casefold).
    """
    return normalize_text(text).translate(_SEARCH_FOLD).casefold()


class Normalize:
    """Stage: normalize every line, kept or removed, so sidecars read the same (a table row's cells too).

    With ``search_keys=True`` it also stores ``doc.metadata["search_key"]``, the
    :func:`search_key` of the body (kept lines joined by "\\n"); the body
    itself never changes.
    """

    name, version = "normalize", "2"

    def __init__(self, search_keys: bool = False) -> None:
        self.search_keys = search_keys

    def setup(self) -> None:
        _character_table()

    def process(self, doc: Document) -> Document:
        return self.process_batch([doc])[0]

    def process_batch(self, docs: list[Document]) -> list[Document]:
        """Every line of the batch normalized at once (:func:`_normalized`), then each document's own work."""
        lines = [line for doc in docs for line in doc.lines]
        texts, cells = line_columns(lines, "text", "cells")
        texts, changed = _normalized(texts)
        for index in changed:
            lines[index].text = texts[index]
        if any(cells):
            for line in [line for line in lines if line.cells]:
                line.cells = tuple(normalize_lines(list(line.cells)))
        if "" in texts:
            for line in lines:
                if not line.text:
                    # Only invisible characters (bidi marks, tatweel): nothing to show,
                    # but the line is accounted for.
                    line.remove(self.name, "invisible-only")
        if self.search_keys:
            for doc in docs:
                doc.metadata["search_key"] = search_key("\n".join(line.text for line in doc.kept_lines()))
        return docs

"""Script counting: how much of a text is written in Arabic letters, Latin letters, or other.

Counting letters by script is the cheapest language evidence there is, and it
decides most lines on its own: a line of Arabic letters is not English, and no
statistical model is needed to say so::

    >>> script_shares("CNN: دمشق، سوريا")
    {'arabic': 0.75, 'latin': 0.25, 'other': 0.0}

"Arabic letters" means letters of the Arabic script (Arabic, Persian, Urdu,
Kurdish ... all share it); telling those languages apart is
:mod:`pipeline.stages.language`'s job. Digits, punctuation and combining marks
(harakat) are not letters and are not counted.

Counting is done by precompiled regular expressions, which run in C: about a
microsecond per hundred characters. Text whose letters are all ASCII (most
English lines: curly quotes and dashes are not letters) has a faster path:
:func:`ascii_letters_only` finds that in one scan, and
:func:`ascii_letter_count` counts with a byte table instead of a regex.
"""

from __future__ import annotations

import re

#: Letters of the Arabic script: the Arabic block's letters (hamza to yeh,
#: the extended letters used by Persian, Urdu, Kurdish, ...), Arabic
#: Supplement, Extended-A, and the presentation forms old pages are typed in.
#: Tatweel (U+0640), harakat (U+064B-U+065F, U+0670), Arabic-Indic digits and
#: Arabic punctuation are left out: they are not letters.
ARABIC_LETTERS = (
    "\u0620-\u063f\u0641-\u064a\u066e\u066f\u0671-\u06d3\u06d5\u06ee\u06ef\u06fa-\u06fc\u06ff"
    "\u0750-\u077f\u08a0-\u08c9\ufb50-\ufbb1\ufbd3-\ufd3d\ufd50-\ufd8f\ufd92-\ufdc7\ufdf0-\ufdfb\ufe70-\ufe74\ufe76-\ufefc"
)
#: Letters of the Latin script: ASCII, Latin-1 (without × and ÷), Latin
#: Extended-A/B, IPA-free Latin Extended Additional (Vietnamese and friends).
LATIN_LETTERS = "A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff"

# Runs, not single letters: the regex engine is fast, building one match
# object per letter is not, and a word is one run.
_ARABIC = re.compile(f"[{ARABIC_LETTERS}]+")
_LATIN = re.compile(f"[{LATIN_LETTERS}]+")
# Any letter: a word character that is neither a digit nor the underscore.
_LETTER = re.compile(r"[^\W\d_]+")
# A letter outside ASCII (of any script).
_NON_ASCII_LETTER = re.compile(r"[^\W\d_\x00-\x7f]")
_ASCII_LETTERS = bytes(range(ord("A"), ord("Z") + 1)) + bytes(range(ord("a"), ord("z") + 1))


def arabic_letter_count(text: str) -> int:
    """Letters of the Arabic script in ``text``: ``arabic_letter_count("مرحبا 2")`` is 5."""
    return sum(map(len, _ARABIC.findall(text)))


def latin_letter_count(text: str) -> int:
    """Latin letters in ``text``, accented ones included: ``latin_letter_count("Café 2")`` is 4."""
    return sum(map(len, _LATIN.findall(text)))


def letter_count(text: str) -> int:
    """All letters in ``text``, of any script; digits, marks and punctuation are not letters."""
    return sum(map(len, _LETTER.findall(text)))


def ascii_letters_only(text: str) -> bool:
    """Whether every letter of ``text`` is ASCII (then it has no Arabic and no other script, and only
    :func:`ascii_letter_count` Latin letters): ``ascii_letters_only("“Don’t” – 2")`` is True."""
    return text.isascii() or _NON_ASCII_LETTER.search(text) is None


def ascii_letter_count(text: str) -> int:
    """Letters A-Z and a-z in ``text``: ``ascii_letter_count("Café 2")`` is 3.

    UTF-8 writes every non-ASCII character with bytes above 127, so deleting
    the ASCII letters' bytes from the encoded text counts exactly them.
    """
    data = text.encode("utf-8", "surrogatepass")
    return len(data) - len(data.translate(None, _ASCII_LETTERS))


def has_arabic(text: str) -> bool:
    """Whether ``text`` has at least one Arabic-script letter (stops at the first)."""
    return _ARABIC.search(text) is not None


def script_counts(text: str) -> dict[str, int]:
    """Letters per script: ``{"arabic": n, "latin": n, "other": n}``."""
    arabic = arabic_letter_count(text)
    latin = latin_letter_count(text)
    # Arabic and Latin ranges are disjoint and both are letters, so "other" is
    # the rest; max() only guards against the few Arabic-range letters Python
    # does not call alphabetic.
    other = max(letter_count(text) - arabic - latin, 0)
    return {"arabic": arabic, "latin": latin, "other": other}


def script_shares(text: str) -> dict[str, float]:
    """Share of letters per script, rounded to 5 digits; all zero when there are no letters."""
    counts = script_counts(text)
    total = sum(counts.values())
    if total == 0:
        return {name: 0.0 for name in counts}
    return {name: round(count / total, 5) for name, count in counts.items()}

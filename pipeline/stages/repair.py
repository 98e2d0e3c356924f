"""Repair: undo Arabic mojibake, then let ftfy fix what is left.

Arabic text is garbled in ways ftfy does not undo, because ftfy never
re-decodes through Windows-1256 (cp1256), the Arabic code page::

    >>> repair_text("ط§ظ„ط¹ط±ط¨ظٹط©")[0]        # UTF-8 bytes read as cp1256
    'العربية'
    >>> repair_text("ÇáÚÑÈíÉ")[0]            # cp1256 bytes read as Latin-1
    'العربية'
    >>> repair_text("Ø§Ù„Ø¹Ø±Ø¨ÙŠØ©")[0]       # UTF-8 bytes read as Windows-1252
    'العربية'
    >>> repair_text("Ø§Ù„Ø¹Ø±Ø¨ÙŠØ©".replace("\\xad", ""))[0]  # ... and the soft hyphen of ح lost
    'العربية'

The three directions, and the lossy variants of the UTF-8 ones:

``arabic-utf8-as-cp1256``
    UTF-8 read as cp1256: every Arabic letter becomes ط or ظ plus a second
    character ("ط§ظ„"). Signal: ط and ظ make up at least
    :data:`MIN_TZ_SHARE` of the Arabic letters (about 5% in real Arabic, 90%
    and more in this mojibake).
``arabic-utf8-as-cp1252``
    UTF-8 read as Windows-1252 or Latin-1 ("Ø§Ù„"). ftfy fixes the clean
    case, but not when Windows-1252's five undefined bytes were dropped on
    the way: 0x81 is the second byte of ف. Signal: Ø or Ù followed by a
    character from a UTF-8 continuation byte.
``arabic-cp1256-as-latin1``
    cp1256 read as Latin-1 or Windows-1252: every Arabic letter becomes one
    Latin-1 letter, so words are runs of accented letters ("ÇáÚÑÈíÉ") that no
    European language writes. Signal: most accented letters stand in runs of
    :data:`MIN_LATIN1_RUN` or more.

Lost bytes: a UTF-8 lead byte left without its continuation byte is given the
one that goes missing in practice: 0xAD (a soft hyphen, invisible and often
stripped) for ط/Ø, which makes ح; 0x81 (undefined in Windows-1252) for Ù,
which makes ف; and a space after a lead byte inside a run of digits was a
no-break space (0xA0), which makes ٠.

Each direction is decided once per document, applied to runs of candidate
characters that stand as whole words, and kept only when the result has less
damage (:func:`damage`) than the input. Then ftfy's :func:`ftfy.fix_and_explain`
runs, with quotes left curly (straightening them would lose the bytes the first
direction needs) and line breaks left alone (the stage keeps the line count),
and only when :func:`ftfy.badness.is_bad` sees any sign of damage: most text
has none, and ftfy costs far more than that check.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import ftfy
import numpy as np
from ftfy.badness import is_bad

from pipeline.document import Document, line_columns
from pipeline.text._chars import repair_summary
from pipeline.text.script import arabic_letter_count

#: ط and ظ among Arabic letters above which a text may be UTF-8 read as
#: cp1256. Measured: at most 0.15 in clean Arabic (CNN body 0.03), 0.89 and
#: more in this mojibake; 0.4 also catches a document half clean, half garbled.
MIN_TZ_SHARE = 0.4

#: A run of this many Latin-1 letters that are cp1256 Arabic letters in
#: disguise is a word of cp1256-as-Latin-1 mojibake ("ÇáÚÑÈíÉ"); real words
#: in European languages rarely have three accented letters in a row.
MIN_LATIN1_RUN = 3

#: Share of those accented letters that must stand in such runs. Icelandic
#: "það" is one such run, but most accented letters in any real language stand
#: alone in a word; in the mojibake nearly all of them are in runs.
MIN_LATIN1_RUN_SHARE = 0.5

#: Share of the characters a cp1256-as-Latin-1 repair produces that must be
#: Arabic letters (the rest: harakat, marks, punctuation), or it is not Arabic.
MIN_ARABIC_RESULT_SHARE = 0.7

#: Repair passes at most: a document garbled twice needs two.
MAX_PASSES = 3

#: ftfy, configured for text that is already extracted and split into lines.
FTFY_CONFIG = ftfy.TextFixerConfig(uncurl_quotes=False, fix_line_breaks=False, explain=True)
#: The characters ``str.splitlines`` breaks a line at. ftfy can make them inside a line: it decodes
#: HTML character references such as ``&#10;`` and ``&#8232;`` when it repairs a line.
_LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")

_CP1256_HIGH = {bytes([b]).decode("cp1256"): b for b in range(0x80, 0x100)}
# Windows-1252 as ftfy's "sloppy" codec reads it: the five undefined bytes as
# C1 controls, plus every C1 control as Latin-1 reads it.
_CP1252_HIGH = {chr(b): b for b in range(0x80, 0x100)}
_CP1252_HIGH.update({bytes([b]).decode("cp1252", "ignore"): b for b in range(0x80, 0x100)})
_CP1252_HIGH.pop("", None)

# Letters of Arabic, and of Persian and Urdu as cp1256 encodes them.
_ARABIC_LETTER = re.compile(
    "[\u0621-\u063a\u0641-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc\u0679\u0688\u0691\u06ba\u06be\u06c1\u06d2]"
)
_CONTINUATION_1256 = "".join(ch for ch, b in _CP1256_HIGH.items() if b < 0xC0)
_CONTINUATION_1252 = "".join(ch for ch, b in _CP1252_HIGH.items() if b < 0xC0)
# The Latin-1 letters that are cp1256 Arabic letters (C7 "Ç" is ا, E1 "á" is ل).
_LATIN1_ARABIC = "".join(
    chr(b) for b in range(0xC0, 0x100) if _ARABIC_LETTER.match(bytes([b]).decode("cp1256"))
)

_PAIR_1256 = re.compile(f"[طظ][{re.escape(_CONTINUATION_1256)}]")
_PAIR_1252 = re.compile(f"[ØÙÚÛ][{re.escape(_CONTINUATION_1252)}]")
_LATIN1_ARABIC_RUN = re.compile(f"[{_LATIN1_ARABIC}]{{{MIN_LATIN1_RUN},}}")
_LATIN1_ARABIC_CHAR = re.compile(f"[{_LATIN1_ARABIC}]")
_DAMAGE_LATIN1_RUN = re.compile(f"[{_LATIN1_ARABIC}]{{2,}}")
_C1_AND_SURROGATES = re.compile("[\x80-\x9f\ud800-\udfff\ufffd]")


def _runs(chars: str) -> re.Pattern[str]:
    """Runs of ``chars`` standing as whole words: not glued to an ASCII letter.

    A space between two of them may be a no-break space that became a space.
    """
    cls = f"[{re.escape(chars)}]"
    return re.compile(f"(?<![A-Za-z]){cls}+(?: {cls}+)*(?![A-Za-z])")


_RUNS_1256 = _runs("".join(_CP1256_HIGH))
_RUNS_1252 = _runs("".join(_CP1252_HIGH))

# Lead bytes whose continuation went missing, and the byte that was lost.
_LOST_CONTINUATION = {
    0xD8: 0xAD,  # ح: D8 AD, and AD is a soft hyphen, invisible, often stripped
    0xD9: 0x81,  # ف: D9 81, and 81 is undefined in Windows-1252, so dropped
    0xDB: 0x81,  # ہ (Urdu heh goal): DB 81, same loss
}
# A space after the lead byte D9, next to another Arabic-Indic digit (D9 A0-A9),
# was the no-break space A0 of ٠ (D9 A0) before something turned it into a space.
_ZERO_SPACE = re.compile(rb"\xd9 (?=\xd9[\xa0-\xa9 ])|(?<=\xd9[\xa0-\xa9])\xd9 |(?<=\xd9\xa0)\xd9 ")
_LONE_LEAD = re.compile(rb"[\xd8\xd9\xdb](?![\x80-\xbf])")


def damage(text: str) -> int:
    """How much Arabic mojibake ``text`` shows: mojibake pairs, Latin-1 runs, C1 controls, U+FFFD.

    Used to verify a repair: it is kept only if this goes down. Clean Arabic
    scores near zero (a word ending in ط before "،" counts one).
    """
    return (
        len(_PAIR_1256.findall(text))
        + len(_PAIR_1252.findall(text))
        + sum(len(run) for run in _DAMAGE_LATIN1_RUN.findall(text))
        + len(_C1_AND_SURROGATES.findall(text))
    )


def _decode_utf8_restoring_lost_bytes(data: bytes) -> str | None:
    """UTF-8 ``data``, with lost continuation bytes put back; ``None`` if it is not UTF-8."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    data = _ZERO_SPACE.sub(lambda m: m.group(0).replace(b" ", b"\xa0"), data)
    data = _LONE_LEAD.sub(lambda m: m.group(0) + bytes([_LOST_CONTINUATION[m.group(0)[0]]]), data)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _reencode(
    text: str, runs: re.Pattern[str], table: dict[str, int], decode: Callable[[bytes], str | None]
) -> tuple[str, int]:
    """Re-decode each run of ``text``; return the new text and how many runs changed."""
    changed = 0

    def redecode(run: str) -> str | None:
        return decode(bytes(table[ch] if ch != " " else 0x20 for ch in run))

    def fix(match: re.Match[str]) -> str:
        nonlocal changed
        run = match.group(0)
        fixed = redecode(run)
        if fixed is None and " " in run:
            # A garbled word next to a clean one: re-decode word by word.
            words = [redecode(word) if word else None for word in run.split(" ")]
            fixed = " ".join(new or old for new, old in zip(words, run.split(" ")))
        if fixed is None or fixed == run:
            return run
        changed += 1
        return fixed

    return runs.sub(fix, text), changed


def fix_utf8_read_as_cp1256(text: str) -> tuple[str, int]:
    """``"ط§ظ„ط¹ط±ط¨ظٹط©"`` to ``"العربية"``: runs of cp1256 characters re-read as UTF-8."""
    return _reencode(text, _RUNS_1256, _CP1256_HIGH, _decode_utf8_restoring_lost_bytes)


def fix_utf8_read_as_cp1252(text: str) -> tuple[str, int]:
    """``"Ø§Ù„Ø¹Ø±Ø¨ÙŠØ©"`` to ``"العربية"``, also when bytes were dropped on the way."""
    return _reencode(text, _RUNS_1252, _CP1252_HIGH, _decode_utf8_restoring_lost_bytes)


def _decode_cp1256_if_arabic(data: bytes) -> str | None:
    text = data.decode("cp1256")
    letters = len(_ARABIC_LETTER.findall(text))
    if letters < MIN_ARABIC_RESULT_SHARE * len(text.replace(" ", "")):
        return None  # "Ü" alone or "ðñ" would come out as a tatweel or harakat: not Arabic
    return text


def fix_cp1256_read_as_latin1(text: str) -> tuple[str, int]:
    """``"ÇáÚÑÈíÉ"`` to ``"العربية"``: runs of Latin-1/Windows-1252 characters re-read as cp1256."""
    return _reencode(text, _RUNS_1252, _CP1252_HIGH, _decode_cp1256_if_arabic)


# --- which repairs a text can need, from its characters alone ------------------------------------------------------
# Every repair needs characters of its own: the UTF-8-as-cp1256 mojibake ط or ظ, the UTF-8-as-Windows-1252
# mojibake Ø Ù Ú Û, the cp1256-as-Latin-1 mojibake its accented letters, and ftfy's badness at least one of the
# characters of its mojibake patterns (STRONG_MOJIBAKE). One look at a text's code points (numpy, a
# nanosecond a character) says which of them it holds; most text holds none, and no pattern is run at all.
_TZ, _CP1252_LEAD, _LATIN1_LETTER, _FTFY_ALPHABET, _ARABIC_LETTER_BIT, _FTFY_ALONE_BIT = 1, 2, 4, 8, 16, 32


def _ftfy_alphabet() -> str:
    """Every character of ftfy's mojibake categories (its badness pattern's character classes), with the
    Cyrillic and Greek letters of its Windows-1251 and -1253 alternatives and Latin ā."""
    from ftfy.badness import MOJIBAKE_CATEGORIES

    def expand(members: str) -> str:
        return re.sub(r"(.)-(.)", lambda m: "".join(chr(c) for c in range(ord(m.group(1)), ord(m.group(2)) + 1)),
                      members)

    greek_cyrillic = "".join(chr(c) for c in (*range(0x0370, 0x0400), *range(0x0400, 0x0500)))
    return "".join(expand(members) for members in MOJIBAKE_CATEGORIES.values()) + greek_cyrillic + "Āā"


#: Characters one of which alone can be ftfy's badness: C1 controls, and Â Ã Œ œ (its one-character
#: alternatives "^[ÃÂ] ", "[a-z] ?[ÃÂ] ", "[Œœ][^A-Za-z]"). Every other alternative of the pattern is two
#: characters of :func:`_ftfy_alphabet` side by side.
_FTFY_ALONE = "".join(chr(c) for c in range(0x80, 0xA0)) + "ÂÃŒœ"


def _signal_table() -> np.ndarray:
    table = np.zeros(0x110000, dtype=np.uint8)
    for ch in "طظ":
        table[ord(ch)] |= _TZ
    for ch in "ØÙÚÛ":
        table[ord(ch)] |= _CP1252_LEAD
    for ch in _LATIN1_ARABIC:
        table[ord(ch)] |= _LATIN1_LETTER
    for ch in _ftfy_alphabet():
        table[ord(ch)] |= _FTFY_ALPHABET
    for ch in _FTFY_ALONE:
        table[ord(ch)] |= _FTFY_ALONE_BIT
    for code in range(0x10000):
        if _ARABIC_LETTER.match(chr(code)):
            table[code] |= _ARABIC_LETTER_BIT
    return table


_SIGNALS = _signal_table()


def _badness_pairs() -> tuple[list[tuple[str, str]], str]:
    """ftfy's badness pattern (``ftfy.badness.BADNESS_RE``, ftfy 6.3.1) as the adjacent pairs of characters
    every match holds at least one of (one pair per alternative, from its character classes), and the
    characters that match alone (a C1 control; Œ or œ before anything but an ASCII letter)::

        >>> pairs, alone = _badness_pairs()
        >>> len(pairs), "‰" in pairs[0][1], "ç" in pairs[0][1], alone[-2:]
        (33, True, False, 'Œœ')
    """
    from ftfy.badness import MOJIBAKE_CATEGORIES

    def expand(members: str) -> str:
        return re.sub(r"(.)-(.)", lambda m: "".join(chr(c) for c in range(ord(m.group(1)), ord(m.group(2)) + 1)),
                      members)

    c = {name: expand(members) for name, members in MOJIBAKE_CATEGORIES.items()}
    bad, box, law, c1, cur, num = c["bad"], c["box"], c["law"], c["c1"], c["currency"], c["numeric"]
    la, ua, lc, uc = c["lower_accented"], c["upper_accented"], c["lower_common"], c["upper_common"]
    sp, ep = c["start_punctuation"], c["end_punctuation"]
    pairs = [
        (bad + la + ua + box + sp + ep + cur + num + law, bad),  # [...][bad]
        (lc + uc, bad),  # [a-zA-Z][lower/upper common][bad]
        (bad, la + ua + box + sp + ep + cur + num + law),  # [bad][...]
        (la + lc + box + ep + cur + num, ua),
        (box + ep + cur + num, la),
        (la + box + ep, cur),
        (ua, cur),  # \s[upper accented][currency]
        (ua + box, num + law),
        (sp, num),  # [...][start punctuation][numeric]
        (ep, sp),  # [...][end punctuation][start punctuation]
        (cur + num + box, sp),
        (ua, sp + cur),  # [a-z][upper accented][...]
        (box, c["kaomoji"]),
        (la + ua + cur + num + sp + ep + law, box),
        (box, ep),
        (la + ua, sp + ep),  # [...][...]\w
        (ua, "°"),
        ("ÂÃÎÐ", "€œŠš¢£Ÿž\xa0\xad®©°·»" + sp + ep + "–—´"),
        ("×", "²³"),
        ("ØÙ", c["common"] + cur + bad + num + sp + "ŸŠ®°µ»"),  # the first two of four
        ("à", "²µ¹¼½¾"),
        ("√", "±∂†≠®™´≤≥¥µø"),
        ("≈", "°¢"),
        ("‚", "Äâó"),  # ‚Ä[...] and ‚[âó][...]
        ("в", "Ђ"),
        ("ВГРС", c1 + bad + sp + ep + cur + "°µ"),  # the first two of three
        ("Г", "ў"),  # ГўВЂВ.[A-Za-z ]
        ("Ã", "\xa0¡"),
        ("ÃÂ", " "),  # [a-z]\s?[ÃÂ][ ] and ^[ÃÂ][ ]
        ("Â", " " + sp + ep),  # [a-z.,?!...]Â[ ...]
        ("β", "€"),
        ("ΒΓΞΟ", c1 + bad + sp + ep + cur + "°"),  # the first two of three
        ("ā", "€"),
    ]
    return pairs, c1 + "Œœ"  # [c1] and [Œœ][^A-Za-z]


def _pair_tables() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """:func:`_badness_pairs` as tables over the BMP: bit ``k`` of ``first[ch]`` and ``second[ch]`` when
    ``ch`` can be the first and the second of pair ``k``; ``alone[ch]`` when it matches alone. U+FFFF is
    in none of them (characters beyond the BMP are looked up there)."""
    pairs, alone_chars = _badness_pairs()
    first, second = np.zeros(0x10000, dtype=np.uint64), np.zeros(0x10000, dtype=np.uint64)
    for bit, (firsts, seconds) in enumerate(pairs):
        for table, members in ((first, firsts), (second, seconds)):
            table[[ord(ch) for ch in members]] |= np.uint64(1 << bit)
    alone = np.zeros(0x10000, dtype=bool)
    alone[[ord(ch) for ch in alone_chars]] = True
    return first, second, alone


_FIRST, _SECOND, _ALONE = _pair_tables()
_ALONE_BYTES = _ALONE.view(np.uint8)


def _badness_places(codes: np.ndarray) -> np.ndarray:
    """Where in the text of code points ``codes`` a match of ftfy's badness pattern could be: the first
    characters of :func:`_badness_pairs`, and the characters bad alone. A part of the text with none
    of them is no match (:func:`ftfy.badness.is_bad` is False on it)::

        >>> _badness_places(np.array([ord(ch) for ch in "çã ов ’” Ã‰ x\x81"])).tolist()
        [9, 13]
    """
    places = _ALONE.take(codes, mode="clip")
    places[:-1] |= (_FIRST.take(codes[:-1], mode="clip") & _SECOND.take(codes[1:], mode="clip")) != 0
    return np.flatnonzero(places)


#: Characters either side of a possible mojibake pair that ftfy's badness pattern may need (its longest
#: alternative is five characters).
_BADNESS_REACH = 6


def _code_points(text: str) -> np.ndarray:
    """The code points of ``text``: its UTF-16 code units when they are as many (no character beyond the
    BMP; three times faster to encode than UTF-32)."""
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    if len(units) == len(text):
        return units
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def _summary(texts: list[str]) -> tuple[int, bool, int, bool, bool]:
    """The kernel's look at the characters of ``texts`` joined by "\\n" (without joining them): the
    signals' bits or-ed, whether the cp1256-as-Latin-1 letters stand in a run of :data:`MIN_LATIN1_RUN`,
    the Arabic letters, whether ftfy's badness pattern has a place to start (:func:`_badness_places`),
    and whether every character is ASCII (:func:`pipeline.text._chars.repair_summary`)."""
    return repair_summary(texts, _SIGNALS, _LATIN1_LETTER, _ARABIC_LETTER_BIT, _FIRST, _SECOND, _ALONE_BYTES)


def _kept_signals(seen: int, latin1_run: bool) -> int:
    """The signals of :func:`_signals` when ftfy's badness has no place to start in the text."""
    signals = seen & ~(_FTFY_ALPHABET | _FTFY_ALONE_BIT)
    return signals if latin1_run else signals & ~_LATIN1_LETTER


@functools.lru_cache(maxsize=8)
def _signals(text: str) -> tuple[int, int]:
    """The repair signals ``text`` holds (bits above), and how many Arabic letters it has.

    Two signals are looked at more closely, as their patterns would: the cp1256-as-Latin-1 letters
    count only in a run of :data:`MIN_LATIN1_RUN`, and ftfy's alphabet only where ftfy's badness
    pattern matches the few characters around a pair of them side by side (or around a character
    that is bad alone). One kernel pass (:func:`_summary`) reads all of it off the characters; only a
    text where the badness pattern has a place to start (none of the eval set's dumps) goes on to the
    windows of :func:`_signals_of_codes`, which gives the same answer.
    """
    seen, latin1_run, arabic, place, _ = _summary([text])
    if place:
        return _signals_of_codes(text)
    return _kept_signals(seen, latin1_run), arabic


def _lines_may_need_repair(texts: list[str]) -> bool:
    """False when :func:`may_need_repair` of ``texts`` joined by "\\n" is False (most documents), from
    one kernel pass over the lines, without joining them; True when it may be True."""
    seen, latin1_run, _, place, ascii_only = _summary(texts)
    if ascii_only:
        return False
    return place or bool(_kept_signals(seen, latin1_run) & (_TZ | _CP1252_LEAD | _LATIN1_LETTER))


def _signals_of_codes(text: str) -> tuple[int, int]:
    """:func:`_signals` with numpy over the text's code points: the reference the kernel's summary is
    tested against, and the path for a text where ftfy's badness pattern could match."""
    codes = _code_points(text)
    found = _SIGNALS.take(codes)
    if not len(found):
        return 0, 0
    signals = int(np.bitwise_or.reduce(found)) & ~(_FTFY_ALPHABET | _FTFY_ALONE_BIT)
    if signals & _LATIN1_LETTER:
        latin1 = (found & _LATIN1_LETTER) > 0
        run = latin1[:len(latin1) - 2] & latin1[1:len(latin1) - 1] & latin1[2:]
        if not run.any():
            signals &= ~_LATIN1_LETTER
    alphabet = (found & _FTFY_ALPHABET) > 0
    marked = (found & _FTFY_ALONE_BIT) > 0
    marked[:-1] |= alphabet[1:] & alphabet[:-1]
    places = np.flatnonzero(marked)
    if len(places):
        # The places' windows, overlapping ones merged: one pattern search per stretch of text.
        breaks = np.flatnonzero(np.diff(places) > 2 * _BADNESS_REACH)
        starts = np.maximum(places[np.concatenate(([0], breaks + 1))] - _BADNESS_REACH, 0)
        stops = places[np.concatenate((breaks, [len(places) - 1]))] + _BADNESS_REACH + 2
        # Only the windows that could hold a match are searched: most places are letters of Cyrillic or
        # Portuguese words, which ftfy's alphabet holds but no match is made of.
        hits = _badness_places(codes)
        if len(hits):
            first_hit = hits[np.minimum(np.searchsorted(hits, starts), len(hits) - 1)]
            maybe = (first_hit >= starts) & (first_hit < stops)
            if any(is_bad(text[start:stop]) for start, stop in zip(starts[maybe].tolist(), stops[maybe].tolist())):
                signals |= _FTFY_ALPHABET
    return signals, int(np.count_nonzero(found & _ARABIC_LETTER_BIT))


def _candidates(text: str) -> list[tuple[str, Callable[[str], tuple[str, int]]]]:
    """The repairs whose cheap signal fires on ``text``."""
    found: list[tuple[str, Callable[[str], tuple[str, int]]]] = []
    signals, _ = _signals(text)
    if signals & _TZ:
        tz = text.count("ط") + text.count("ظ")
        if tz >= MIN_TZ_SHARE * arabic_letter_count(text) and _PAIR_1256.search(text):
            found.append(("arabic-utf8-as-cp1256", fix_utf8_read_as_cp1256))
    if signals & _CP1252_LEAD and _PAIR_1252.search(text):
        found.append(("arabic-utf8-as-cp1252", fix_utf8_read_as_cp1252))
    if signals & _LATIN1_LETTER:
        in_runs = sum(len(run) for run in _LATIN1_ARABIC_RUN.findall(text))
        if in_runs and in_runs >= MIN_LATIN1_RUN_SHARE * len(_LATIN1_ARABIC_CHAR.findall(text)):
            found.append(("arabic-cp1256-as-latin1", fix_cp1256_read_as_latin1))
    return found


def may_need_repair(text: str) -> bool:
    """Whether ``text`` holds a character some repair needs (if not, :func:`repair_text` changes nothing)::

        >>> may_need_repair("Plain “quoted” text – and Arabic: العربية"), may_need_repair("ÇáÚÑÈíÉ")
        (False, True)
    """
    if text.isascii():
        return False
    signals, arabic = _signals(text)
    if signals & _TZ and (text.count("ط") + text.count("ظ")) >= MIN_TZ_SHARE * arabic:
        return True
    return bool(signals & (_CP1252_LEAD | _LATIN1_LETTER | _FTFY_ALPHABET))


def repair_arabic(text: str) -> tuple[str, list[dict[str, object]]]:
    """Undo Arabic mojibake in ``text`` (one decision for the whole text); return it and the steps."""
    steps: list[dict[str, object]] = []
    for _ in range(MAX_PASSES):
        if text.isascii():
            break
        candidates = _candidates(text)
        if not candidates:
            break  # the usual case: no signal, no damage to measure
        best, best_damage, best_step = text, damage(text), None
        for name, fix in candidates:
            fixed, runs = fix(text)
            if runs and (fixed_damage := damage(fixed)) < best_damage:
                best, best_damage, best_step = fixed, fixed_damage, {"step": name, "detail": f"{runs} runs re-decoded"}
        if best_step is None:
            break
        text = best
        steps.append(best_step)
    return text, steps


def _non_ascii_lines(text: str) -> str:
    """The lines of ``text`` that have a non-ASCII character: the only ones mojibake can be in.

    ftfy's badness check costs ~1 ms on an article; most lines of English text
    are plain ASCII and need not be looked at.
    """
    if text.isascii():
        return ""
    return "\n".join(line for line in text.split("\n") if not line.isascii())


def _is_bad(text: str) -> bool:
    """:func:`ftfy.badness.is_bad`, whose pattern is not run on a text where it has no place to start
    (:func:`_badness_places`: a document with Arabic mojibake signals but no sign of ftfy's)."""
    return _summary([text])[3] and is_bad(text)


def fix_with_ftfy(text: str) -> tuple[str, list[dict[str, object]]]:
    """ftfy's fixes, with curly quotes and line breaks kept; skipped when nothing looks wrong."""
    if text.isascii() and "&" not in text and "\x1b" not in text or not _is_bad(_non_ascii_lines(text)):
        return text, []
    fixed, explanation = ftfy.fix_and_explain(text, FTFY_CONFIG)
    steps = [{"step": "ftfy", "detail": f"{action} {parameter}"} for action, parameter in explanation or []]
    return fixed, steps


def one_line(text: str) -> tuple[str, int]:
    """``text`` with each line-breaking character a space, and how many there were: a repaired line
    stays one line (make fuzz seed 1 input 195442: ftfy decoded a ``&#10;`` in a garbled Arabic dump
    line, and the boilerplate stage met 81 lines holding 82)::

        >>> one_line("Sport\\nnews"), one_line("Sport\\u2028news\\rtoday")
        (('Sport news', 1), ('Sport news today', 2))
    """
    return _LINE_BREAKS.subn(" ", text)


def repair_text(text: str) -> tuple[str, list[dict[str, object]]]:
    """Repair ``text``: Arabic mojibake first, then ftfy. Returns ``(text, steps)``; idempotent."""
    if not may_need_repair(text):
        return text, []
    return repair_passes(text)


def repair_passes(text: str) -> tuple[str, list[dict[str, object]]]:
    """:func:`repair_text` without the look at the characters first (the tests hold the two equal)."""
    steps: list[dict[str, object]] = []
    for _ in range(MAX_PASSES):
        arabic_fixed, arabic_steps = repair_arabic(text)
        fixed, ftfy_steps = fix_with_ftfy(arabic_fixed)
        if fixed == text:
            break
        steps += arabic_steps + ftfy_steps
        text = fixed
    return text, steps


class Repair:
    """Stage: repair ``doc.lines`` (after extraction), deciding once per document.

    The lines are joined with "\\n", repaired together and split again. If a repair
    adds or removes a "\\n" (ftfy decodes a ``&#10;``), each line is repaired on its
    own instead, so line numbers stay right; a line break a repair makes inside a
    line becomes a space (:func:`one_line`), recorded as a ``line-breaks`` step.
    """

    name, version = "repair", "1"

    def process(self, doc: Document) -> Document:
        if doc.failure is not None or not doc.lines:
            return doc
        texts = line_columns(doc.lines, "text")[0]
        if not _lines_may_need_repair(texts):
            return doc  # the usual case: nothing any repair needs (repair_text would change nothing)
        joined = "\n".join(texts)
        fixed, steps = repair_text(joined)
        if not steps and fixed == joined:
            return doc  # the usual case: nothing to repair
        parts = fixed.split("\n")
        if len(parts) != len(doc.lines):
            parts, steps = [], []
            for line in doc.lines:
                line_fixed, line_steps = repair_text(line.text)
                parts.append(line_fixed)
                steps += [{**step, "line": line.number} for step in line_steps]
            steps.insert(0, {"step": "per-line", "detail": "line count changed when repaired whole"})
        for line, part in zip(doc.lines, parts):
            if part == line.text:
                continue
            part, breaks = one_line(part)
            if breaks:
                steps.append({"step": "line-breaks", "detail": f"{breaks} made spaces", "line": line.number})
            if line.cells:  # a repaired table row: its cells get the same repair
                line.cells = tuple(one_line(repair_text(cell)[0])[0] for cell in line.cells)
            line.text = part
        doc.repairs.extend(steps)
        return doc

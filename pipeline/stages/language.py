"""Language: what language each line, and then the kept body, is written in.

Four kinds of evidence, cheapest first, so that most text never reaches a
statistical model::

    >>> detect_language("وقال المرصد السوري لحقوق الإنسان")[0]
    'ar'
    >>> detect_language("به زبان ساده می‌توان کروموزوم‌ها را تشبیه کرد")[0]
    'fa'
    >>> detect_language("The committee met on Tuesday to discuss the budget")[0]
    'en'
    >>> detect_language("water parks")[0]           # short Latin lines are English by default
    'en'
    >>> detect_language("Le comité s'est réuni mardi pour discuter du nouveau budget")[0]
    'fr'
    >>> detect_language("2019 - 10:30")
    ('und', 0.0)

1. **Script.** Arabic letters against Latin letters
   (:mod:`pipeline.text.script`) decide Arabic-script against Latin-script.
2. **Letters of one language.** Within the Arabic script, Persian, Urdu,
   Kurdish and Pashto write letters Arabic does not (پ چ ژ گ ی ک ے ٹ ڈ ڑ ں ہ
   ڕ ڵ ۆ ێ ە ټ ډ ښ ...) and the zero-width non-joiner, and Urdu ends its
   sentences with ۔; Arabic writes ة, ى and hamza on alef, and ي and ك
   (which Persian is also often typed with). These letters, weighted, and a
   few function words of each language (را است / اور ہے / في من) decide when
   one side has at least :data:`LETTER_MARGIN` (one letter Arabic never
   writes, or one function word). Otherwise (mostly one or two words) a
   character n-gram naive Bayes model of ar, fa and ur trained on the dev
   corpora decides (:mod:`pipeline.text.arabic_script_langid`), with a prior
   that keeps Arabic unless Persian or Urdu is far likelier. When the letters
   say "not Arabic" but only Persian/Urdu-shared letters occur, the same
   model's fa/ur table picks between the two.
3. **Function words.** Within the Latin script, English running text is about
   40% "the, of, and, to, ..."; at least :data:`MIN_ENGLISH_SHARE` of them
   makes a line English. A line with no sign of another language (accented
   letters, or other languages' function words) is English too: one or two
   words ("water parks", "Contact us") are too little for any model, and
   langdetect calls short English lines Danish, Dutch or German. Letters
   touching a digit are no word ("65UM7300" has no Portuguese "um"). Lines
   whose letters are all ASCII, most English lines, take a byte-table path
   (:func:`_function_word_counts`): about 2 µs a line, so an English article
   costs a few tenths of a millisecond.
4. **langdetect**, seeded so it is deterministic, only on Latin text that
   shows another language's signs and on other scripts, and only on the first
   :data:`SAMPLE_CHARS` characters. A short line must be called something else
   with probability :data:`STRONG_PROBABILITY` before it stops being English.

A text with fewer than :data:`MIN_LETTERS` letters is ``"und"``.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
from langdetect import DetectorFactory, detect_langs
from langdetect.detector_factory import init_factory
from langdetect.lang_detect_exception import LangDetectException

from pipeline.config import ALL_LANGUAGES
from pipeline.document import Document, line_columns
from pipeline.text._evidence import COLUMNS_READ, decide
from pipeline.text.arabic_script_langid import ArabicScriptModel, default_model, load_frequency_tables
from pipeline.text.lexicon import (
    ARABIC_WORDS, ENGLISH_FUNCTION_WORDS, FOREIGN_FUNCTION_WORDS, KURDISH_ONLY, LETTER_WEIGHTS, NON_ARABIC_LETTERS,
    PASHTO_ONLY, PERSIAN_ONLY, PERSIAN_WORDS, STRONG_WEIGHT, URDU_ONLY, URDU_WORDS, WEAK_WEIGHT,
)
from pipeline.text.scan import COLUMNS, FUNCTION_WORD_SAMPLE_CHARS, SAMPLE_CHARS, LineScan, scan_lines, tables
from pipeline.text.script import (
    arabic_letter_count,
    ascii_letter_count,
    ascii_letters_only,
    latin_letter_count,
    letter_count,
)

#: Fewer letters than this and no language is named ("10:30", "CNN", "|").
MIN_LETTERS = 3

# SAMPLE_CHARS (600): the characters of a text that langdetect and the function-word count look at. A
# paragraph's language shows in its first sentences; langdetect's cost grows with length (9-15 ms per call
# even on short text). FUNCTION_WORD_SAMPLE_CHARS (300): the characters whose words are counted against the
# function-word lists, about 50 words, enough for a share to settle. Both are the line scan's
# (pipeline.text.scan), which counts them for many lines at once.

#: Share of English function words that makes Latin text English. English
#: running text has 35-50%; other languages' text has under 5% (their own
#: function words are different) and title-case menus under 20%.
MIN_ENGLISH_SHARE = 0.2

#: Words a line needs before function-word shares mean anything.
MIN_WORDS_FOR_SHARES = 4

#: Share of other languages' function words that is a sign of another
#: language (a French sentence has 30% and more).
MIN_FOREIGN_SHARE = 0.15

#: Accented letters that are a sign of another language: at least two, and
#: at least 1% of the characters (French and Portuguese text has 2-4%, German
#: 1-2%; one "é" in "Beyoncé" or "sautéed" is English all the same).
MIN_ACCENTS = 2
MIN_ACCENT_SHARE = 0.01

#: Other languages' function words needed, at the least, as a sign ("plus" or
#: "wa" alone in an English headline is no sign).
MIN_FOREIGN_WORDS = 2

#: Below this many words a Latin line stays English unless langdetect is at
#: least this sure of another language.
SHORT_LINE_WORDS = 4
STRONG_PROBABILITY = 0.99

#: Confidence given to the English default (no evidence either way).
DEFAULT_CONFIDENCE = 0.5

FUNCTION_WORD_WEIGHT = 3.0

#: Letter and function-word evidence decides an Arabic-script text only when
#: the leading side has at least this much: one letter Arabic never writes
#: (پ چ ژ گ ی ک ے, the non-joiner), or one function word, or three Arabic
#: spellings (ة ى أ ...). Anything less (ة, ي or ك alone, which both sides
#: type) is left to the n-gram model, which weighs them with everything else
#: in the words.
LETTER_MARGIN = STRONG_WEIGHT

# Words: runs of letters, one inner apostrophe at most, not touching a digit.
_WORD = re.compile(r"(?<![^\W_])[^\W\d_]+(?:'[^\W\d_]+)?(?![^\W_])")
# The same words in text whose letters are all ASCII, as bytes: the table
# lower-cases A-Z, turns 0-9 into 0 and blanks every byte but a-z, 0 and the
# apostrophe; a piece with a 0 in it is no word.
_ASCII_WORD_BYTES = bytes(
    ord(ch.lower()) if ch.isascii() and ch.isalpha() else ord("0") if "0" <= ch <= "9" else ord(ch) if ch == "'" else 0x20
    for ch in map(chr, range(256))
)
_ASCII_WORD = re.compile(rb"(?<![a-z0])[a-z]+(?:'[a-z]+)?(?![a-z0])")
_ASCII_DIGIT_PIECE = re.compile(rb"[a-z]*0[a-z0]*")
_ENGLISH_FUNCTION_BYTES = frozenset(word.encode() for word in ENGLISH_FUNCTION_WORDS)
_FOREIGN_FUNCTION_BYTES = frozenset(word.encode() for word in FOREIGN_FUNCTION_WORDS)
_LETTER_WEIGHTS = LETTER_WEIGHTS
_LETTER_SIGNALS = re.compile(f"[{''.join(_LETTER_WEIGHTS)}]")
_SPECIFIC = {
    "fa": re.compile(f"[{PERSIAN_ONLY}]"),
    "ur": re.compile(f"[{URDU_ONLY}]"),
    "ku": re.compile(f"[{KURDISH_ONLY}]"),
    "ps": re.compile(f"[{PASHTO_ONLY}]"),
}
_PRESENTATION_FORMS = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")
_NON_ASCII_LATIN = re.compile("[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f\u1e00-\u1eff]")

# langdetect draws random numbers; a fixed seed makes its answers repeatable.
DetectorFactory.seed = 0


def _langdetect(text: str) -> tuple[str, float]:
    """langdetect's best guess and its probability (seeded, so deterministic)."""
    try:
        best = detect_langs(text[:SAMPLE_CHARS])[0]
    except LangDetectException:
        return "und", 0.0
    # langdetect names Chinese "zh-cn"/"zh-tw"; ISO 639-1 is the part before "-".
    return best.lang.split("-")[0], best.prob


def arabic_script_language(text: str, model: ArabicScriptModel | None = None) -> tuple[str, float]:
    """ar, fa, ur, ku or ps for Arabic-script ``text``: letters and function words, else the n-gram model.

    ``model`` defaults to the shipped one (:func:`default_model`); training
    passes the model of a cross-validation fold.
    """
    if _PRESENTATION_FORMS.search(text):
        # Old pages type shaped letters (ﺳﯿﺘﻪ); NFKC gives the letters back.
        text = unicodedata.normalize("NFKC", text)
    words = text.split()
    arabic = other = 0.0
    for ch in _LETTER_SIGNALS.findall(text):
        weight = _LETTER_WEIGHTS[ch]
        if weight > 0:
            other += weight
        else:
            arabic -= weight
    arabic += FUNCTION_WORD_WEIGHT * sum(word in ARABIC_WORDS for word in words)
    persian_words = sum(word in PERSIAN_WORDS for word in words)
    urdu_words = sum(word in URDU_WORDS for word in words)
    other += FUNCTION_WORD_WEIGHT * (persian_words + urdu_words)
    if max(arabic, other) < LETTER_MARGIN or arabic == other:
        # Nothing only one side writes: the n-gram model decides (Arabic unless
        # Persian or Urdu is clearly likelier).
        return (model or default_model()).classify(text)
    if other < arabic:
        return "ar", arabic / (arabic + other)
    specific = {lang: len(pattern.findall(text)) for lang, pattern in _SPECIFIC.items()}
    specific["fa"] += persian_words
    specific["ur"] += urdu_words
    lang = max(sorted(specific), key=lambda name: specific[name])
    if specific[lang] == 0:
        # Only letters Persian and Urdu share (پ چ گ ک ی): n-grams tell which.
        lang = (model or default_model()).classify(text, ("fa", "ur"))[0]
    return lang, other / (arabic + other)


def _arabic_script_language(text: str, script_share: float) -> tuple[str, float]:
    lang, confidence = arabic_script_language(text)
    return lang, round(script_share * confidence, 5)


@dataclass(frozen=True)
class ForeignSigns:
    """Latin text that shows signs of another language: langdetect must decide.

    Kept apart so a document's lines can share one langdetect call on a
    bounded sample instead of paying 10-15 ms for each line.
    """

    sample: str
    words: int
    script_share: float
    latin: bool = True  # False: a script other than Latin and Arabic (Cyrillic, CJK, ...)

    def resolve(self, guess: tuple[str, float]) -> tuple[str, float]:
        """The language given langdetect's ``guess`` for this text (or for its document's sample)."""
        lang, probability = guess
        if not self.latin:
            return lang, round(self.script_share * probability, 5)
        if lang == "und" or (lang != "en" and self.words < SHORT_LINE_WORDS and probability < STRONG_PROBABILITY):
            return "en", round(self.script_share * DEFAULT_CONFIDENCE, 5)
        return lang, round(self.script_share * probability, 5)


def _function_word_counts(sample: str, ascii_letters: bool) -> tuple[int, int, int]:
    """Words, English function words and other languages' function words among the first
    :data:`FUNCTION_WORD_SAMPLE_CHARS` characters of ``sample`` (lower-cased).

    A word is a run of letters (with at most one inner apostrophe: "don't")
    that does not touch a digit: "65UM7300" and "4K" are no words (the "um" of
    a model number is not Portuguese). When every letter is ASCII
    (``ascii_letters``, most English lines), one byte-table pass lower-cases
    the letters, turns digits into ``0`` and blanks everything else, and
    splitting on the blanks gives the same words as the Unicode pattern, less
    the pieces with a digit, at half the cost (the pattern is still needed
    for apostrophes).
    """
    head = sample[:FUNCTION_WORD_SAMPLE_CHARS]
    if not ascii_letters:
        words = _WORD.findall(head.lower())
        english = sum(map(ENGLISH_FUNCTION_WORDS.__contains__, words))
        return len(words), english, sum(map(FOREIGN_FUNCTION_WORDS.__contains__, words))
    data = head.encode("utf-8", "surrogatepass").translate(_ASCII_WORD_BYTES)
    if b"'" in data:
        words = _ASCII_WORD.findall(data)
        count = len(words)
    else:
        # Function words have no digits: only the count must leave out pieces with one.
        words = data.split()
        count = len(words) - (len(_ASCII_DIGIT_PIECE.findall(data)) if b"0" in data else 0)
    english = sum(map(_ENGLISH_FUNCTION_BYTES.__contains__, words))
    return count, english, sum(map(_FOREIGN_FUNCTION_BYTES.__contains__, words))


def _latin_script_language(
    text: str, script_share: float, ascii_letters: bool = False
) -> tuple[str, float] | ForeignSigns:
    """English unless the text shows signs of another language (then :class:`ForeignSigns`).

    ``ascii_letters``: every letter of ``text`` is ASCII (no accents to count).
    """
    sample = text[:SAMPLE_CHARS]
    words, english, foreign = _function_word_counts(sample, ascii_letters)
    if words >= MIN_WORDS_FOR_SHARES and english >= MIN_ENGLISH_SHARE * words and english > foreign:
        return "en", round(script_share * min(1.0, 0.5 + english / words), 5)
    accents = 0 if ascii_letters else len(_NON_ASCII_LATIN.findall(sample))
    foreign_signs = (accents >= MIN_ACCENTS and accents >= MIN_ACCENT_SHARE * len(sample)) or (
        foreign >= MIN_FOREIGN_WORDS and foreign >= MIN_FOREIGN_SHARE * words and foreign >= english
    )
    if not foreign_signs:
        return "en", round(script_share * DEFAULT_CONFIDENCE, 5)
    return ForeignSigns(sample, words, script_share)


def cheap_language(text: str) -> tuple[str, float] | ForeignSigns:
    """Everything :func:`detect_language` decides without langdetect on Latin text."""
    sample = text[:SAMPLE_CHARS]
    if len(sample) < MIN_LETTERS:
        return "und", 0.0
    if ascii_letters_only(sample):
        # The usual English line: Latin letters only, so the Latin share is 1.
        if ascii_letter_count(sample) < MIN_LETTERS:
            return "und", 0.0
        return _latin_script_language(sample, 1.0, ascii_letters=True)
    arabic, latin = arabic_letter_count(sample), latin_letter_count(sample)
    # Letters of other scripts are at most the rest of the sample; count them
    # only when they could outnumber the larger of the two (rarely).
    other = 0
    if 2 * max(arabic, latin) < len(sample):
        other = max(letter_count(sample) - arabic - latin, 0)
    total = arabic + latin + other
    if total < MIN_LETTERS:
        return "und", 0.0
    if arabic >= latin and arabic >= other:
        return _arabic_script_language(sample, arabic / total)
    if latin >= other:
        return _latin_script_language(sample, latin / total)
    return ForeignSigns(sample, len(sample.split()), other / total, latin=False)


def detect_language(text: str) -> tuple[str, float]:
    """``(ISO 639-1 code, confidence)`` for ``text``; ``("und", 0.0)`` when it has too few letters."""
    found = cheap_language(text)
    return found.resolve(_langdetect(found.sample)) if isinstance(found, ForeignSigns) else found


def document_sample(undecided: list[ForeignSigns], limit: int = SAMPLE_CHARS) -> str:
    """Up to ``limit`` characters from a document's undecided lines, longest lines first."""
    parts, size = [], 0
    for item in sorted(undecided, key=lambda item: (-len(item.sample), item.sample)):
        if size >= limit:
            break
        parts.append(item.sample)
        size += len(item.sample) + 1
    return "\n".join(parts)[:limit]


#: A document's lines of one script group that scripts and function words leave undecided are named by
#: langdetect only when they hold at least this share of the document's sampled characters, or at least
#: :data:`MIN_UNDECIDED_CHARS` of them: a few foreign-looking lines (a name, a French quote, a menu in
#: another language) say nothing about the document, and each call costs 10-15 ms, more than the rest of
#: the document's cleaning. Such lines are left "und" (not decided), which the document's language ignores.
MIN_UNDECIDED_SHARE = 0.1
MIN_UNDECIDED_CHARS = 600


def cheap_languages(texts: list[str], facts: LineScan | None = None) -> list[str | ForeignSigns]:
    """:func:`cheap_language` of each line (its language, or its :class:`ForeignSigns`), from the line
    scan's counts: the same answers, with Python left only for the few lines that need a model
    (the Arabic-script n-grams) or that the scan marks special.

    >>> cheap_languages(["The committee met on Tuesday", "وقال المرصد السوري", "10:30"])
    ['en', 'ar', 'und']
    """
    return _cheap_languages(texts, facts)[0]


def _cheap_languages(texts: list[str], facts: LineScan | None = None) -> tuple[list[str | ForeignSigns], list[int]]:
    """:func:`cheap_languages`, and the indices of the lines it leaves to langdetect (:class:`ForeignSigns`)."""
    if not texts:
        return [], []
    facts = scan_lines(texts) if facts is None else facts
    decided, rest, kinds, other, total = _decisions(facts)
    found: list[str | ForeignSigns] = _DECIDED.take(decided).tolist()
    if not rest:
        return found, []
    latin, words, ascii_only = facts["latin-letters"], facts["fw-words"], facts["nonascii-letters"] == 0
    for index, kind, latin_count, other_count, total_count, word_count, plain in zip(
            rest, kinds, latin[rest].tolist(), other[rest].tolist(), total[rest].tolist(),
            words[rest].tolist(), ascii_only[rest].tolist()):
        text = texts[index]
        if kind == 0:  # special
            item = cheap_language(text)
            found[index] = item if isinstance(item, ForeignSigns) else item[0]
        elif kind == 1:  # Latin script
            share = 1.0 if plain else latin_count / total_count
            found[index] = ForeignSigns(text[:SAMPLE_CHARS], word_count, share)
        elif kind == 2:  # Arabic script
            found[index] = arabic_script_language(text[:SAMPLE_CHARS])[0]
        else:
            sampled = text[:SAMPLE_CHARS]
            found[index] = ForeignSigns(sampled, len(sampled.split()), other_count / total_count, latin=False)
    return found, [index for index in rest if isinstance(found[index], ForeignSigns)]


#: The kernel's thresholds and weights, in the order :func:`pipeline.text._evidence.decide` takes them.
_THRESHOLDS = (MIN_WORDS_FOR_SHARES, MIN_ENGLISH_SHARE, MIN_ACCENTS, MIN_ACCENT_SHARE, MIN_FOREIGN_WORDS,
               MIN_FOREIGN_SHARE, MIN_LETTERS, STRONG_WEIGHT, WEAK_WEIGHT, FUNCTION_WORD_WEIGHT, LETTER_MARGIN)
_READ_COLUMNS = np.array([COLUMNS.index(name) for name in COLUMNS_READ], dtype=np.intp)


def _decisions(facts: LineScan) -> tuple[np.ndarray, list[int], list[int], np.ndarray, np.ndarray]:
    """What the counts alone decide of each line: 0 English, 1 Arabic, 2 undetermined (the rest are
    English for now); the lines left to Python and their kinds (0 special, 1 Latin script, 2 Arabic
    script, 3 another script); each line's letters of other scripts and its letters. One pass over the
    scan's rows (:func:`pipeline.text._evidence.decide`); :func:`_decisions_numpy` is the same over its
    columns."""
    return decide(np.ascontiguousarray(facts.facts, dtype=np.int32), _READ_COLUMNS, *map(float, _THRESHOLDS))


def _decisions_numpy(facts: LineScan) -> tuple[np.ndarray, list[int], list[int], np.ndarray, np.ndarray]:
    """:func:`_decisions` with numpy over the scan's columns: the reference the kernel is tested against."""
    sample = facts["sample"]
    ascii_only = facts["nonascii-letters"] == 0
    arabic, latin = facts["arabic-letters"], facts["latin-letters"]
    other = np.where(2 * np.maximum(arabic, latin) < sample, np.maximum(facts["letters"] - arabic - latin, 0), 0)
    total = np.where(ascii_only, facts["ascii-letters"], arabic + latin + other)
    words, english, foreign = facts["fw-words"], facts["en-words"], facts["foreign-words"]
    accents = facts["accents"]
    is_english = (words >= MIN_WORDS_FOR_SHARES) & (english >= MIN_ENGLISH_SHARE * words) & (english > foreign)
    foreign_signs = ((accents >= MIN_ACCENTS) & (accents >= MIN_ACCENT_SHARE * sample)) | (
        (foreign >= MIN_FOREIGN_WORDS) & (foreign >= MIN_FOREIGN_SHARE * words) & (foreign >= english))
    undetermined = (sample < MIN_LETTERS) | (total < MIN_LETTERS)
    arabic_script = ~ascii_only & (arabic >= latin) & (arabic >= other)
    latin_script = ~arabic_script & (ascii_only | (latin >= other))
    # Arabic-script letter and function-word evidence (see arabic_script_language).
    non_arabic = (STRONG_WEIGHT * (facts["signal-fa"] + facts["signal-ur"] + facts["signal-ku"] + facts["signal-ps"]
                                  + facts["signal-shared"]) + facts["signal-forms"]
                  + FUNCTION_WORD_WEIGHT * (facts["fa-words"] + facts["ur-words"]))
    arabic_evidence = facts["signal-spelling"] + WEAK_WEIGHT * facts["signal-ar-forms"] + FUNCTION_WORD_WEIGHT * facts["ar-words"]
    letters_say_arabic = (np.maximum(arabic_evidence, non_arabic) >= LETTER_MARGIN) & (arabic_evidence != non_arabic) & (
        non_arabic < arabic_evidence)
    special = facts["special"] > 0
    # Most lines are decided by the counts alone; Python looks only at the rest.
    decided = np.zeros(len(sample), dtype=np.int8)
    decided[arabic_script & letters_say_arabic] = 1
    decided[undetermined] = 2
    rest = np.flatnonzero(special | (~undetermined & ((latin_script & ~is_english & foreign_signs)
                                                      | (arabic_script & ~letters_say_arabic)
                                                      | (~latin_script & ~arabic_script))))
    kinds = np.select([special[rest], latin_script[rest], arabic_script[rest]], [0, 1, 2], 3)
    return decided, rest.tolist(), kinds.tolist(), other, total


#: The languages :func:`cheap_languages` names from the counts alone, by code.
_DECIDED = np.array(["en", "ar", "und"], dtype=object)


@functools.lru_cache(maxsize=4096)
def _langdetect_cached(sample: str) -> tuple[str, float]:
    return _langdetect(sample)


def line_languages(lines_of_documents: list[list[str]]) -> list[list[str]]:
    """The language of every line of each document (see :class:`LineLanguage`), one scan for them all."""
    texts = [text for lines in lines_of_documents for text in lines]
    starts = np.cumsum([0] + [len(lines) for lines in lines_of_documents]).tolist()
    found = _batch_languages(texts, starts)
    return [found[start:stop] for start, stop in zip(starts[:-1], starts[1:])]


def _batch_languages(texts: list[str], starts: list[int]) -> list[str]:
    """The language of every line of a batch of documents, their lines one after another (document ``d``
    is ``texts[starts[d]:starts[d + 1]]``). The line scan's counts decide most lines; a document's lines
    left to langdetect (:class:`ForeignSigns`) are named by one call per script group when they are
    enough of the document (:data:`MIN_UNDECIDED_SHARE`), else "und"."""
    found, foreign = _cheap_languages(texts)
    if not foreign:
        return found  # type: ignore[return-value]  # every item is a language
    documents = (np.searchsorted(starts, foreign, side="right") - 1).tolist()
    groups: dict[tuple[int, bool], list[ForeignSigns]] = {}
    for document, index in zip(documents, foreign):
        item: ForeignSigns = found[index]  # type: ignore[assignment]
        groups.setdefault((document, item.latin), []).append(item)
    guesses: dict[tuple[int, bool], tuple[str, float]] = {}
    for (document, latin), undecided in groups.items():
        size = sum(len(item.sample) for item in undecided)
        if size < MIN_UNDECIDED_CHARS:
            lines = texts[starts[document]:starts[document + 1]]
            if size < MIN_UNDECIDED_SHARE * sum(map(min, map(len, lines), itertools.repeat(SAMPLE_CHARS))):
                continue
        guesses[document, latin] = _langdetect_cached(document_sample(undecided))
    for document, index in zip(documents, foreign):
        item = found[index]  # type: ignore[assignment]
        guess = guesses.get((document, item.latin))
        found[index] = "und" if guess is None else item.resolve(guess)[0]
    return found  # type: ignore[return-value]


class LineLanguage:
    """Stage: ``line.lang`` for every line, kept or not (the document's language is made of them).

    Scripts and function words name most lines, counted for a whole batch of documents at once by
    the line scan (:func:`cheap_languages`); the boilerplate stage reads the same lines next, and the
    scan kept (:func:`pipeline.text.scan.scan_lines`) serves it, so a text dump's lines are scanned once
    for both. A document's lines they leave undecided share one
    langdetect call over a bounded sample of them (:func:`document_sample`), one for Latin-script
    lines and one for other scripts, and only when they are enough of the document to matter
    (:data:`MIN_UNDECIDED_SHARE`): a page's foreign-looking lines are nearly always in one
    language, and each call costs 10-15 ms.
    """

    name, version = "line-language", "3"

    def setup(self) -> None:
        tables()  # the line scan's
        default_model()  # the Arabic-script n-grams ...
        load_frequency_tables()  # ... and wordfreq's word frequencies (0.4 s), which the first Arabic page needs
        init_factory()  # langdetect's language profiles

    def process(self, doc: Document) -> Document:
        return self.process_batch([doc])[0]

    def process_batch(self, docs: list[Document]) -> list[Document]:
        lines = [line for doc in docs for line in doc.lines]
        starts = np.cumsum([0] + [len(doc.lines) for doc in docs]).tolist()
        for line, lang in zip(lines, _batch_languages(line_columns(lines, "text")[0], starts)):
            line.lang = lang
        return docs


class DocumentLanguage:
    """Stage: ``doc.language`` and ``doc.language_shares`` over the kept lines.

    Shares are of characters (each line counts with its length), over the kept
    lines, or over all lines when none is kept. A document whose language is
    not in ``languages`` fails with reason ``unsupported-language``: it is
    reported, never dropped in silence. ``languages=("all",)`` keeps every
    language (for benchmarks, or users who filter later).
    """

    name, version = "language", "1"

    def __init__(self, languages: tuple[str, ...] = ("ar", "en")) -> None:
        self.languages = tuple(languages)

    def process(self, doc: Document) -> Document:
        if doc.failure is not None:
            return doc
        lines = doc.kept_lines() or doc.lines
        counts: dict[str, int] = {}
        for line in lines:
            counts[line.lang] = counts.get(line.lang, 0) + len(line.text)
        total = sum(counts.values())
        doc.language_shares = {lang: round(n / total, 5) for lang, n in sorted(counts.items())} if total else {}
        named = {lang: n for lang, n in counts.items() if lang != "und" and n}
        doc.language = max(sorted(named), key=lambda lang: named[lang]) if named else "und"
        if doc.language not in self.languages and ALL_LANGUAGES not in self.languages:
            share = doc.language_shares.get(doc.language, 0.0)
            doc.fail(self.name, "unsupported-language", f"{doc.language} ({share})")
        return doc

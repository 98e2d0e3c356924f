"""The metadata kernel (``pipeline/text/_meta.pyx``) equals the Python expressions its docstrings name: on every
code point where a character class decides, and on random lines of the characters that matter."""

from __future__ import annotations

import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.text import _meta
from pipeline.text.bylines import _CREDIT_START, CREDIT_BULLETS, CREDIT_START_WORDS, could_be_byline
from pipeline.text.dates import _may_hold_year

_EVERY_CHARACTER = [chr(code) for code in range(sys.maxunicode + 1)]
_PIECES = st.lists(st.sampled_from(list("ab Xé_1٣۴|»›/ \t\u00a0\u2028,.*•-ـİﬁΣǅK") + ["by", " / ", "2024"]),
                   max_size=30).map("".join)
_WORD = re.compile(r"\w")


def test_word_characters_are_those_of_the_regex_engine() -> None:
    words = [char for char in _EVERY_CHARACTER if _meta.word_runs(char, 1)]
    assert words == [char for char in _EVERY_CHARACTER if _WORD.match(char)]


@settings(max_examples=400, deadline=None)
@given(_PIECES, st.integers(1, 4))
def test_word_runs_are_findall(text: str, shortest: int) -> None:
    assert _meta.word_runs(text, shortest) == set(re.findall(rf"\w{{{shortest},}}", text))


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=8))
def test_space_counts(texts: list[str]) -> None:
    assert _meta.space_counts(texts) == [text.count(" ") for text in texts]


def test_may_hold_year_on_every_character() -> None:
    for char in _EVERY_CHARACTER:
        for text in (char * 4, "1" + char * 3, char + "123"):
            assert _meta.may_hold_year(text) == _may_hold_year(text), hex(ord(char))


@settings(max_examples=400, deadline=None)
@given(_PIECES)
def test_may_hold_year(text: str) -> None:
    assert _meta.may_hold_year(text) == _may_hold_year(text)


def test_every_credit_start_has_the_credit_mark() -> None:
    """Whatever characters spell a credit word, in any case the regex engine matches, the kernel's test
    (a line without the mark is never a byline) lets it through: every character that matches a letter
    of a credit word case-insensitively (as the class below finds them), in every place of every word."""
    letters = re.compile(f"[{''.join(sorted(set(''.join(CREDIT_START_WORDS))))}]", re.IGNORECASE)
    spellings = [char for char in _EVERY_CHARACTER if letters.match(char)]
    assert len(spellings) < 100  # the letters, their capitals and the few others that fold to them (K, İ, ı, ſ)
    for char in spellings:
        for word in CREDIT_START_WORDS:
            for place in range(len(word)):
                for text in (word[:place] + char + word[place + 1:] + " Jane", " • " + word[:place] + char + word[place + 1:]):
                    if _CREDIT_START.match(text):
                        assert _meta.may_start_credit(text, CREDIT_BULLETS, CREDIT_START_WORDS), (hex(ord(char)), word)
    assert not _meta.may_start_credit("The news", CREDIT_BULLETS, CREDIT_START_WORDS)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(_PIECES, st.sampled_from(["By Jane Roe", " * Written by X", "Jane Roe, AP.", "بقلم علي",
                                                     "by", "March 3, 2024", "١٩ يوليو ٢٠١٨"])), max_size=10))
def test_head_marks_are_never_wrong_about_a_date_or_byline(texts: list[str]) -> None:
    marks = _meta.head_marks(texts, len(texts), CREDIT_BULLETS, CREDIT_START_WORDS)
    for text, mark in zip(texts, marks):
        assert bool(mark & _meta.YEAR) == _may_hold_year(text)
        if could_be_byline(text) or text.lower() == "by":
            assert mark & _meta.CREDIT


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, max_size=8), st.text("ahtx", max_size=3))
def test_starting_with(texts: list[str], firsts: str) -> None:
    assert _meta.starting_with(texts, firsts) == [index for index, text in enumerate(texts) if text[:1] and text[0] in firsts]


def test_title_shape_on_every_character() -> None:
    for char in _EVERY_CHARACTER:
        split = (char + "x y").split()
        initials = [word[0] for word in split if word[0].isalpha()]
        assert _meta.title_shape(char + "x y", "|")[:3] == (len(split), len(initials), sum(map(str.isupper, initials)))


@settings(max_examples=400, deadline=None)
@given(_PIECES)
def test_title_shape(text: str) -> None:
    split = text.split()
    initials = [word[0] for word in split if word[0].isalpha()]
    separators = sum(map(text.count, "|»›")) + len(re.findall(r"\s/\s", text))
    assert _meta.title_shape(text, "|»›") == (len(split), len(initials), sum(map(str.isupper, initials)), separators)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "ab", "é", "ΣΣ", "", "a "]), max_size=12), st.lists(st.sampled_from(["a", "ab", "ΣΣ", "x", ""]), max_size=4))
def test_copies(texts: list[str], wanted: list[str]) -> None:
    assert _meta.copies(texts, wanted) == [texts.count(text) for text in wanted]


def _python_title_rows(texts: list[str], kept: list[bool], first_body: int):
    """The candidates and features of :func:`pipeline.text.titles.candidate_features` as the Python loops computed
    them before :func:`pipeline.text._meta.candidate_lines` and :func:`pipeline.text._meta.title_rows` (one tuple a
    candidate, in the order of FEATURES)."""
    import math
    from collections import Counter
    from itertools import chain, compress, islice, repeat

    from pipeline.text import titles as T

    n = len(texts)
    words = T.line_words(texts)
    main = T.main_text_start(texts, kept, words)
    counts = words[:max(first_body, main) + T.WINDOW_BELOW + T.LOOKAROUND]
    is_dateline = T.dateline_test(texts, counts)
    candidates = []
    for index in T.window_lines((first_body, main), n):
        text = texts[index]
        if not T.TITLE_MIN_WORDS <= counts[index] <= 2 * T.TITLE_MAX_WORDS or T._LIST_ITEM_OR_URL.match(text):
            continue
        title = text
        if any(map(text.__contains__, T._CREDIT_HINT_WORDS)) and T._CREDIT_HINT.search(text) \
                and (split := T.split_title_byline(text)):
            title = split[0]
        if T.TITLE_MIN_WORDS <= len(title.split()) <= T.TITLE_MAX_WORDS and title[-1] not in T._SENTENCE_END \
                and not is_dateline(index):
            candidates.append((index, title))
    if not candidates:
        return [], []
    start = min(first_body, main)
    body_lines = list(islice(compress(range(start, n), kept[start:]), T.TOPIC_LINES))
    vocabularies = [T._topic_words(texts[index][:T.TOPIC_LINE_CHARS]) for index in body_lines]
    uses = Counter(chain.from_iterable(vocabularies))
    paragraphs = set().union(*[vocabulary for index, vocabulary in zip(body_lines, vocabularies)
                               if words[index] >= T.PARAGRAPH_MIN_WORDS][:T.FIRST_PARAGRAPHS])
    repeats = [texts.count(texts[index]) for index, _ in candidates]
    reach = [text.lower() for text in texts[max(0, candidates[0][0] - T.ECHO_REACH):candidates[-1][0] + T.ECHO_REACH]]
    ends = "\n".join(reach) + "\n"
    rows = []
    for (index, title), copies_of_line in zip(candidates, repeats):
        split = title.split()
        initials = [word[0] for word in split if word[0].isalpha()]
        key = title.lower()
        echoed = len(key) >= T.MIN_ECHO_CHARS and (
            ends.count(key + "\n") > (reach.count(line) if (line := texts[index].lower()).endswith(key) else 0))
        topic_words = T._topic_words(title)
        in_body = len(topic_words & paragraphs)
        topic = sum(map(min, map(uses.get, topic_words, repeat(0)), repeat(T.TOPIC_CAP)))
        rows.append((
            len(split), math.log1p(len(title)), sum(map(str.isupper, initials)) / max(1, len(initials)),
            T._separators(title),
            math.log1p(max(0, first_body - index)), min(max(0, index - first_body), T.LOOKAROUND),
            math.log1p(max(0, main - index)), min(max(0, index - main), T.LOOKAROUND),
            *T._neighbourhood(words, index, n), float(index > 0 and bool(T._LIST_ITEM.match(texts[index - 1]))),
            float(any(map(is_dateline, range(index + 1, min(n, index + 1 + T.DATELINE_REACH))))),
            copies_of_line - 1, float(echoed),
            in_body / len(topic_words) if topic_words else 0.0, in_body,
            topic / len(topic_words) if topic_words else 0.0, topic,
        ))
    return candidates, rows


_HEAD_LINES = ["Home", "Menu", "News", "By Jane Roe", "March 3, 2024", "• Recipes", "1. First", "https://example.org/a",
               "Home » Recipes » Sourdough Bread Basics", "Sourdough Bread Basics", "SOURDOUGH BREAD BASICS",
               "Σύνταξη ΟΔΟΣ", "İstanbul Haberleri", "What is new? By Jane Roe", "كتب أحمد علي", "الخبز والعجين",
               "a\nSourdough Bread Basics", "Sourdough Bread Basics\nb", "Share | Print / Email", "Written By", ""]
_BODY_LINES = ["Sourdough bread basics need flour, water, salt and a starter, and some patience to make at home.",
               "The bread rises overnight; the basics are simple and the bread bakes into a crusty loaf.",
               "Short line.", "الخبز والعجين في البيت يحتاجان إلى الدقيق والماء والملح والصبر والوقت الطويل.",
               "ΣΎΝΤΑΞΗ και ΟΔΟΣ: σύνταξη της οδού, με πολλές λέξεις που επαναλαμβάνονται εδώ και εκεί ξανά.",
               "x" * 400 + " bread basics"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.one_of(st.sampled_from(_HEAD_LINES), _PIECES), st.booleans()), max_size=25),
       st.lists(st.tuples(st.one_of(st.sampled_from(_BODY_LINES + _HEAD_LINES), _PIECES), st.booleans()), max_size=25),
       st.integers(0, 6))
def test_title_rows_are_the_python_features(head: list[tuple[str, bool]], body: list[tuple[str, bool]],
                                            slack: int) -> None:
    """The kernel's rows equal the Python loop's, float for float, on pages of headings, menus, bylines,
    datelines, Greek and Arabic lines, lines with a newline inside and long paragraphs."""
    import numpy as np

    from pipeline.text.titles import candidate_features

    texts = [text for text, _ in head] + [text for text, _ in body]
    kept = [False] * len(head) + [keep for _, keep in body]
    first_body = max(0, len(head) - slack)
    candidates, X = candidate_features(texts, kept, first_body)
    expected_candidates, expected = _python_title_rows(texts, kept, first_body)
    assert candidates == expected_candidates
    assert X.tobytes() == np.asarray(expected, dtype=np.float64).reshape(len(expected), X.shape[1]).tobytes()


def test_last_lower_is_that_of_the_lower_case_on_every_character() -> None:
    """The echo test's cheap exit: the last character of a line's lower case, from its last character alone."""
    for char in _EVERY_CHARACTER:
        if char != "Σ":
            for text in (char, "Ab" + char, "ΣΣ" + char):
                assert _meta.last_lower(text) == ord(text.lower()[-1]), hex(ord(char))
    assert _meta.last_lower("ΟΔΟΣ") == 0x110000 and _meta.last_lower("") == 0x110001


_PROSE_PIECES = st.lists(st.sampled_from(list("ab .!…;:,،”\"'»)\n\t\u00a0") + ["word ", "the end.", "x" * 20]),
                         max_size=30).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.lists(_PROSE_PIECES, max_size=6), st.integers(0, 8), st.integers(0, 6))
def test_first_prose_line_is_the_python_loop(texts: list[str], least_chars: int, least_words: int) -> None:
    from pipeline.stages.metadata import CLOSERS, SENTENCE_ENDS

    ends = re.compile(f"[{SENTENCE_ENDS}]$")
    expected = next((index for index, text in enumerate(texts)
                     if len(text) >= least_chars and len(text.split()) >= least_words
                     and ends.search(stripped := text.rstrip(CLOSERS), max(0, len(stripped) - 2))), len(texts))
    assert _meta.first_prose_line(texts, least_chars, least_words, CLOSERS, SENTENCE_ENDS) == expected

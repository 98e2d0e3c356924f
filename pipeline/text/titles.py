"""Titles of text dumps: which line above the article is its headline.

A dump has no ``<h1>``; its headline is one of the short lines above the body,
among menu items, section names, "Posted: 2 days ago", author names, subscribe
prompts and sidebar headlines. A person finds it by its shape and its place
(just above the article, often under a breadcrumb that ends with it, over a
date or a byline) and by what it says (the words the article is about). This
module does the same in three steps:

1. **Candidates** (:func:`title_candidates`): the headline-shaped lines
   (:data:`TITLE_MIN_WORDS` to :data:`TITLE_MAX_WORDS` words; not a list item,
   a URL, a sentence, a dateline or a byline) at most :data:`WINDOW_ABOVE`
   lines above or :data:`WINDOW_BELOW` lines below one of two anchors: the
   first body line the metadata stage found, and the start of the main text,
   where the kept lines reach :data:`MAIN_TEXT_SHARE` of their words (the
   first kept line is sometimes a cookie notice or a promotion far above the
   article).
2. **Features** (:func:`candidate_features`, :data:`FEATURES`): the line's
   shape (words, characters, capitalised words, separators), its place (lines
   to either anchor, the length of the lines around it, a run of short menu
   lines before it, the distance to the next prose line, a dateline or byline
   within :data:`DATELINE_REACH` lines after it, the same line elsewhere on the
   page, another line within :data:`ECHO_REACH` lines that ends with it, as a
   breadcrumb does) and its words: the share and number of them in the first
   :data:`FIRST_PARAGRAPHS` paragraphs, and in how many of the first
   :data:`TOPIC_LINES` body lines each of them appears (a headline names what
   the article keeps talking about; a menu item, a teaser or a caption does not).
3. **Ranking**: small boosted trees (LambdaRank over the candidates of a page,
   evaluated with :class:`pipeline.boilerplate.model.Forest`) score every
   candidate, and the best one is the title. :mod:`pipeline.training.titles`
   trains them on the dev corpora (``make train``) and writes
   ``pipeline/resources/title-model.json``; nothing is random at run time.

    >>> menu = ["Home", "Recipes", "Subscribe to our newsletter", "Home » Recipes » Sourdough Bread for Beginners",
    ...         "Sourdough Bread for Beginners", "By Jane Roe", "March 3, 2024",
    ...         "This sourdough bread for beginners needs flour, water, salt and a starter, and little else."]
    >>> menu[title_line(menu, [False] * 7 + [True], 7)]
    'Sourdough Bread for Beginners'
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from importlib import resources
from itertools import chain, compress

import numpy as np

from pipeline.boilerplate.model import Forest
from pipeline.text._meta import (CREDIT, YEAR, candidate_lines, copies, neighbourhood, space_counts, title_rows,
                                 title_shape, word_runs)
from pipeline.text.bylines import TITLE_CREDIT_WORDS, find_byline, line_marks, split_title_byline
from pipeline.text.dates import DATELINE_MAX_WORDS, find_date

MODEL_RESOURCE = "title-model.json"
#: Version of the exported model format; the loader refuses others.
FORMAT = 1

#: A title has at least this many words and at most this many (a byline after it not counted).
TITLE_MIN_WORDS, TITLE_MAX_WORDS = 1, 30
#: Candidates stand at most this many lines above an anchor ...
WINDOW_ABOVE = 40
#: ... or this many lines below it (the first kept line can be the headline itself).
WINDOW_BELOW = 4
#: The main text starts where the kept lines reach this share of their words.
MAIN_TEXT_SHARE = 0.1
#: Another line that ends with a candidate (a breadcrumb) counts within this many lines of the candidates.
ECHO_REACH = 20
#: A candidate this short proves nothing by ending another line ("News").
MIN_ECHO_CHARS = 12
#: A dateline or byline within this many lines after a candidate belongs to it.
DATELINE_REACH = 3
#: The "first paragraphs" are this many lines of at least :data:`PARAGRAPH_MIN_WORDS` words from the anchor on.
FIRST_PARAGRAPHS, PARAGRAPH_MIN_WORDS = 5, 8
#: How often a title word is used is counted over this many kept lines from the anchor on, each use capped.
TOPIC_LINES, TOPIC_CAP = 15, 5
#: Only this many characters of a body line are read for its words.
TOPIC_LINE_CHARS = 300
#: A title's words count for its topic when they are longer than this. (Leaving out stopwords as well
#: loses 2 points of accuracy: how many small words a line shares with the article tells prose-like
#: headlines from menu items.)
MIN_TOPIC_CHARS = 2
#: A line of at least this many words is prose, not a heading; one of at most this many is a menu item.
PROSE_MIN_WORDS, MENU_ITEM_MAX_WORDS = 12, 3
#: How far the features look from a candidate, in lines: runs and distances are capped there.
LOOKAROUND = 10
#: The constants above, in the order :func:`pipeline.text._meta.title_rows` takes them (its ``Limits``).
_KERNEL_LIMITS = (ECHO_REACH, MIN_ECHO_CHARS, DATELINE_REACH, FIRST_PARAGRAPHS, PARAGRAPH_MIN_WORDS, TOPIC_LINES,
                  TOPIC_CAP, TOPIC_LINE_CHARS, MIN_TOPIC_CHARS + 1, LOOKAROUND, MENU_ITEM_MAX_WORDS, PROSE_MIN_WORDS)

FEATURES = (
    "words", "chars", "capitalised", "separators",
    "lines-above-body", "lines-into-body", "lines-above-main", "lines-into-main",
    "previous-words", "next-words", "menu-lines-before", "lines-to-prose", "after-list-item",
    "dateline-after", "repeated", "echoed",
    "body-share", "body-words", "topic-mean", "topic-sum",
)

_LIST_ITEM = re.compile(r"^(?:[•·*\-–—▪►◦●+]|\d+[.)]\s|o\s)")
_LIST_ITEM_OR_URL = re.compile(_LIST_ITEM.pattern + r"|^https?://\S+$")
_SENTENCE_END = ".;:,،"
_CREDIT_HINT = re.compile(r"\b(?:by|BY|By)\s|بقلم|كتب|حوار|إعداد")
#: Strings one of which a line holds when :data:`_CREDIT_HINT` finds something in it: the cheap test
#: (substring searches) that spares the pattern, tried at every character, on most lines.
_CREDIT_HINT_WORDS = TITLE_CREDIT_WORDS
#: A separator is one of these characters, or a slash between spaces (``\s/\s``).
_SEPARATOR_CHARS = "|»›"
#: The words that count for a topic are the runs of word characters (``\w``) longer than MIN_TOPIC_CHARS:
#: ``re.findall(r"\w{3,}", text)``, which the kernel finds (:func:`pipeline.text._meta.word_runs`) five times
#: faster than the regex engine, on the 15 body lines and the candidates of every dump.


def line_words(texts: list[str]) -> list[int]:
    """Each line's words as the features count them: its spaces plus one (a dump's spaces are single),
    for all the lines in one compiled pass (:func:`pipeline.text._meta.space_counts`)::

        >>> line_words(["Menu", "a b c", ""])
        [1, 3, 1]
    """
    return [spaces + 1 for spaces in space_counts(texts)]


def main_text_start(texts: list[str], kept: list[bool], words: list[int] | None = None) -> int:
    """The line where the kept lines reach :data:`MAIN_TEXT_SHARE` of their words (``words``: their
    :func:`line_words`, if the caller has them)::

        >>> main_text_start(["Menu", "a b c d e f g h i", "j"], [False, True, True])
        1
    """
    words = line_words(texts) if words is None else words
    # The sum of the kept lines' words is the count of the old form, the spaces of the kept lines joined by a
    # space plus one, but with no kept line: then nothing is needed and the loop below finds nothing either.
    needed, running = MAIN_TEXT_SHARE * sum(compress(words, kept)), 0
    for index in compress(range(len(texts)), kept):
        running += words[index]
        if running >= needed:
            return index
    return len(texts)


def dateline_test(texts: list[str], counts: list[int], marks: bytes | None = None) -> Callable[[int], bool]:
    """``is_dateline(index)``: is that line a short date or byline line ("March 3, 2024", "By Jane Roe")? Memoised.

    ``marks`` (:func:`pipeline.text.bylines.line_marks` of at least ``texts[:len(counts)]``) spares the date and
    byline tests on the lines that certainly fail them.
    """
    known: list[bool | None] = [None] * len(texts)
    marks = line_marks(texts, len(counts)) if marks is None else marks

    def is_dateline(index: int) -> bool:
        if (answer := known[index]) is None:
            text, mark = texts[index], marks[index]
            # "by" alone has the CREDIT mark too (a credit word starts it)
            answer = known[index] = counts[index] <= DATELINE_MAX_WORDS and bool(
                mark & YEAR and find_date(text) or mark & CREDIT and (find_byline(text) or text.lower() == "by"))
        return answer

    return is_dateline


def window_lines(anchors: tuple[int, ...], n: int) -> Iterable[int]:
    """The lines at most :data:`WINDOW_ABOVE` above or :data:`WINDOW_BELOW` below an anchor, in order, each once
    (the windows in order of their starts, each from where the ones before it stopped)::

        >>> list(window_lines((45, 3), 60)) == list(range(49)), list(window_lines((60, 3), 60))[5:8]
        (True, [5, 6, 20])
    """
    spans, end = [], 0
    for start, stop in sorted((max(0, anchor - WINDOW_ABOVE), min(n, anchor + WINDOW_BELOW)) for anchor in anchors):
        spans.append(range(max(start, end), stop))
        end = max(end, stop)
    return chain.from_iterable(spans)


def title_candidates(texts: list[str], counts: list[int], anchors: tuple[int, ...],
                     is_dateline: Callable[[int], bool]) -> list[tuple[int, str]]:
    """(index, title) of the headline-shaped lines near the anchors, in order; a trailing byline is cut off.

    Datelines and bylines are not candidates: they have a place in the sidecar of their own. A line is one when it has
    :data:`TITLE_MIN_WORDS` to twice :data:`TITLE_MAX_WORDS` words (``counts``), is no list item or URL
    (:data:`_LIST_ITEM_OR_URL`), and, less a byline after punctuation (:func:`split_title_byline`, tried only on a line
    that holds one of :data:`_CREDIT_HINT_WORDS` and where :data:`_CREDIT_HINT` finds a credit word), has :data:`TITLE_MIN_WORDS` to
    :data:`TITLE_MAX_WORDS` words, does not end in one of :data:`_SENTENCE_END` and is not ``is_dateline``; the loop is
    the kernel's (:func:`pipeline.text._meta.candidate_lines`).
    """
    return candidate_lines(texts, counts, list(window_lines(anchors, len(texts))), TITLE_MIN_WORDS, TITLE_MAX_WORDS,
                           _SENTENCE_END, _LIST_ITEM_OR_URL.match, _CREDIT_HINT_WORDS, _CREDIT_HINT.search,
                           split_title_byline, is_dateline)


def _topic_words(text: str) -> set[str]:
    """The words of ``text`` that count for a topic, lower-cased::

        >>> sorted(_topic_words("The Bread of Life"))
        ['bread', 'life', 'the']
    """
    return word_runs(text.lower(), MIN_TOPIC_CHARS + 1)


def _separators(title: str) -> int:
    """How many separators ``title`` holds: ``|``, ``»``, ``›``, and slashes between spaces::

        >>> _separators("Home » Recipes | Bread / Cakes / Pies and/or")
        4
    """
    return title_shape(title, _SEPARATOR_CHARS)[3]


def _neighbourhood(counts: list[int], index: int, n: int) -> tuple[int, int, int, int]:
    """A candidate's words of the line before and after, its run of menu lines (at most
    :data:`MENU_ITEM_MAX_WORDS` words) right before, and its steps to the next prose line
    (:data:`PROSE_MIN_WORDS` words), both capped at :data:`LOOKAROUND`::

        >>> _neighbourhood([1, 2, 15, 1, 1, 4, 20], 5, 7)
        (1, 20, 2, 1)
    """
    return neighbourhood(counts, index, n, LOOKAROUND, MENU_ITEM_MAX_WORDS, PROSE_MIN_WORDS)


def candidate_features(texts: list[str], kept: list[bool],
                       first_body: int) -> tuple[list[tuple[int, str]], np.ndarray]:
    """The candidates and their :data:`FEATURES` (one row each)."""
    candidates, rows, _ = _marked_features(texts, kept, first_body)
    return candidates, rows


def _marked_features(texts: list[str], kept: list[bool],
                     first_body: int) -> tuple[list[tuple[int, str]], np.ndarray, bytes]:
    """:func:`candidate_features`, and the :func:`pipeline.text.bylines.line_marks` of the lines up to
    :data:`LOOKAROUND` past the last that can be a candidate (:func:`title_lines_marked` says why)."""
    words = line_words(texts)
    main = main_text_start(texts, kept, words)
    # Word counts as far as a feature looks: LOOKAROUND lines past the last line that can be a candidate.
    counts = words[:max(first_body, main) + WINDOW_BELOW + LOOKAROUND]
    marks = line_marks(texts, len(counts))
    is_dateline = dateline_test(texts, counts, marks)
    candidates = title_candidates(texts, counts, (first_body, main), is_dateline)
    if not candidates:
        return [], np.zeros((0, len(FEATURES))), marks
    rows = np.empty((len(candidates), len(FEATURES)))
    title_rows(texts, kept, words, first_body, main, candidates, copies(texts, [texts[index] for index, _ in candidates]),
               is_dateline, _LIST_ITEM.match, _SEPARATOR_CHARS, _KERNEL_LIMITS, rows)
    return candidates, rows, marks


@lru_cache(maxsize=1)
def load_title_model() -> Forest:
    """The shipped title ranker (``pipeline/resources/title-model.json``), loaded once per process."""
    data = json.loads(resources.files("pipeline").joinpath("resources", MODEL_RESOURCE).read_text("utf-8"))
    if data.get("format") != FORMAT or tuple(data.get("features", ())) != FEATURES:
        raise ValueError(f"{MODEL_RESOURCE}: format or features differ from this code's; run `make train`")
    return Forest.from_json(data["forest"])


def title_line(texts: list[str], kept: list[bool], first_body: int) -> int | None:
    """Index of the line that is the dump's title (see the module's steps), or None without candidates."""
    return title_lines([(texts, kept, first_body)])[0]


def title_lines(dumps: Sequence[tuple[list[str], list[bool], int]]) -> list[int | None]:
    """:func:`title_line` of each ``(texts, kept, first_body)``, with one walk of the trees over all their
    candidates (a walk's fixed cost is most of its time on a dump's dozen rows; each row's score is the
    same whatever rows share the walk)."""
    return title_lines_marked(dumps)[0]


def title_lines_marked(dumps: Sequence[tuple[list[str], list[bool], int]]) -> tuple[list[int | None], list[bytes]]:
    """:func:`title_lines`, and each dump's :func:`pipeline.text.bylines.line_marks` as far as the features read
    them: past ``first_body + 3`` and past every candidate's line by :data:`LOOKAROUND`, so they cover the lines
    :func:`pipeline.stages.metadata.metadata_with_title` reads for the date and byline (its ``marks``)."""
    found = [_marked_features(texts, kept, first_body) for texts, kept, first_body in dumps]
    marks = [marked for _, _, marked in found]
    rows = [X for candidates, X, _ in found if candidates]
    if not rows:
        return [None] * len(found), marks
    scores = load_title_model().raw_score(np.vstack(rows))
    lines: list[int | None] = []
    start = 0
    for candidates, _, _ in found:
        if not candidates:
            lines.append(None)
            continue
        lines.append(candidates[int(np.argmax(scores[start:start + len(candidates)]))][0])
        start += len(candidates)
    return lines, marks

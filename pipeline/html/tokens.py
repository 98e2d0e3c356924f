"""What an element's ``class`` and ``id`` say it is: nav, menu, footer, comment, related, ad ...

Sites name their boxes for what they hold (``site-nav``, ``mainMenu``,
``related-posts``, ``adsbygoogle``), so each word of an element's ``class`` and
``id`` values is matched against :data:`TOKEN_CLASSES`, one pattern per class,
and the classes found are bits (the block walk's features)::

    >>> [name for bit, name in enumerate(TOKEN_CLASSES) if token_flags("site-header mainNav") >> bit & 1]
    ['nav', 'header']

The definition is a regular expression, :data:`TOKEN_SCAN`: the alternation of
the classes' patterns, read with ``finditer`` over the lower-cased word, so a
match is the leftmost one, the first class's pattern that matches there wins,
and the next match starts where it ended (``commentitle`` is a comment, not a
title). Python's regex engine takes 5 to 12 us a word, trying every pattern at
every character, and the dev pages have 145,000 distinct words (ids and
template names: caching the answers cannot help), about 2 ms a page. So the
scan runs in a small kernel (``_tokens.pyx``) that follows the same
definition: :func:`alternatives` spells each pattern out as the sequences of
literals and boundaries the regex engine would try, in the order it would try
them, and at each character the kernel tries only those whose first step can
match that character. The tests hold the kernel to the regex on every word of
the test pages and on generated words.
"""

from __future__ import annotations

import re
import re._constants as _sre
import re._parser as _sre_parse
from itertools import product

from pipeline.html import _tokens

#: ``class``/``id`` token classes, each a pattern over the lower-cased attribute values of an element.
#: "ad" needs whole tokens (``header``, ``shadow``, ``download`` must not match); the others are
#: substrings, as sites write ``site-nav``, ``navbar``, ``mainMenu``, ``related-posts``.
TOKEN_CLASSES = {
    "nav": r"nav", "menu": r"menu|dropdown", "footer": r"foot", "header": r"header|masthead|topbar",
    "comment": r"comment|disqus|respond|replies", "related": r"related|recommend|more-?stories|trending|popular|most-?read|read-?more|also",
    "share": r"share|sharing", "social": r"social|facebook|twitter|whatsapp|follow",
    "sidebar": r"sidebar|side-bar|aside|rail|widget", "promo": r"promo|teaser|banner|cta",
    "ad": r"(?:^|[^a-z0-9])(?:ads?|advert\w*|sponsor\w*|dfp|gpt|outbrain|taboola)(?:[^a-z0-9]|$)|adsbygoogle",
    "newsletter": r"newsletter|subscri|signup|sign-up|register|login|paywall",
    "byline": r"byline|author|writer|contributor", "caption": r"caption|credit|figure|photo|gallery|image|media",
    "breadcrumb": r"breadcrumb|crumb", "tags": r"(?:^|[^a-z])tags?(?:[^a-z]|$)|keyword|topic|categor",
    "popup": r"popup|pop-up|modal|overlay|cookie|consent|gdpr", "date": r"date|time|publish|updated",
    "title": r"title|headline|heading", "content": r"article|content|story|entry|post|body|text",
}
#: The definition the kernel follows: one named group per class, ``t<bit>``.
TOKEN_SCAN = re.compile("|".join(f"(?P<t{bit}>{pattern})" for bit, pattern in enumerate(TOKEN_CLASSES.values())))
#: Distinct ``class``/``id`` values whose token classes are remembered (templates repeat them,
#: element after element and page after page).
CACHE_SIZE = 1 << 16


#: The :data:`TOKEN_CLASSES` an element's ``class`` and ``id`` values belong to, as bits (those of each
#: whitespace-separated word, lower-cased, :data:`TOKEN_SCAN`), remembered for the last
#: :data:`CACHE_SIZE` distinct values: ``token_flags(value) -> int``, in the kernel.
token_flags = _tokens.value_flags


def regex_flags(word: str) -> int:
    """The bits :data:`TOKEN_SCAN` gives one lower-cased word: the definition the kernel is held to."""
    bits = 0
    for match in TOKEN_SCAN.finditer(word):
        bits |= 1 << int(match.lastgroup[1:])
    return bits


# The steps of an alternative, as the kernel reads them.
LITERAL, IN_SET, NOT_IN_SET, START, END, WORD_RUN = range(6)


def alternatives(patterns: list[str]) -> list[tuple[int, tuple[tuple, ...]]]:
    """Each pattern's alternatives, as ``(bit, steps)`` in the order the regex engine tries them.

    A step is ``(LITERAL, text)``, ``(IN_SET, ranges)`` or ``(NOT_IN_SET, ranges)`` (one character),
    ``(START,)`` or ``(END,)`` (the word's ends) or ``(WORD_RUN,)``: ``\\w*``, which takes the
    longest run of word characters, as the regex engine does first; it must be followed by the end
    or by a character outside a set of word characters, which that run always meets, so the engine
    never tries a shorter run. A construct outside these (a capture group, a lookahead, a repeat
    other than ``?`` and ``\\w*``) raises ValueError: the kernel could not follow it::

        >>> alternatives(["nav", "more-?stories|ads?$"])
        [(0, ((0, 'nav'),)), (1, ((0, 'more-stories'),)), (1, ((0, 'morestories'),)), (1, ((0, 'ads'), (4,))), (1, ((0, 'ad'), (4,)))]
    """
    found = []
    for bit, pattern in enumerate(patterns):
        for steps in _expand(_sre_parse.parse(pattern)):
            steps = _merge_literals(steps)
            _check(pattern, steps)
            found.append((bit, steps))
    return found


def _expand(items) -> list[list[tuple]]:
    """The step sequences of a parsed pattern, in the engine's order (a sequence's choices vary last-first)."""
    choices = [_expand_item(op, argument) for op, argument in items]
    return [[step for part in combination for step in part] for combination in product(*choices)]


def _expand_item(op, argument) -> list[list[tuple]]:
    if op is _sre.LITERAL:
        return [[(LITERAL, chr(argument))]]
    if op is _sre.BRANCH:
        return [sequence for branch in argument[1] for sequence in _expand(branch)]
    if op is _sre.SUBPATTERN and argument[0] is None and not argument[1] and not argument[2]:
        return _expand(argument[3])
    if op is _sre.AT and argument in (_sre.AT_BEGINNING, _sre.AT_BEGINNING_STRING):
        return [[(START,)]]
    if op is _sre.AT and argument in (_sre.AT_END, _sre.AT_END_STRING):
        return [[(END,)]]
    if op is _sre.IN:
        return [[_character_set(argument)]]
    if op is _sre.MAX_REPEAT and argument[:2] == (0, 1):
        optional = _expand(argument[2])
        return optional + [[]]  # greedy: with the optional part first
    if op is _sre.MAX_REPEAT and argument[:2] == (0, _sre.MAXREPEAT) and list(argument[2]) == [
            (_sre.IN, [(_sre.CATEGORY, _sre.CATEGORY_WORD)])]:
        return [[(WORD_RUN,)]]
    raise ValueError(f"the token kernel cannot follow {op} {argument!r}")


def _character_set(items) -> tuple:
    negate, ranges = False, []
    for op, argument in items:
        if op is _sre.NEGATE:
            negate = True
        elif op is _sre.LITERAL:
            ranges.append((argument, argument))
        elif op is _sre.RANGE:
            ranges.append(tuple(argument))
        else:
            raise ValueError(f"the token kernel cannot follow the set item {op} {argument!r}")
    return (NOT_IN_SET if negate else IN_SET, tuple(ranges))


def _merge_literals(steps: list[tuple]) -> tuple[tuple, ...]:
    merged: list[tuple] = []
    for step in steps:
        if step[0] == LITERAL and merged and merged[-1][0] == LITERAL:
            merged[-1] = (LITERAL, merged[-1][1] + step[1])
        else:
            merged.append(step)
    return tuple(merged)


def _check(pattern: str, steps: tuple[tuple, ...]) -> None:
    if not any(step[0] in (LITERAL, IN_SET, NOT_IN_SET) for step in steps):
        raise ValueError(f"{pattern!r} has an alternative that may match no character, which the kernel does not follow")
    for index, step in enumerate(steps):
        if step[0] != WORD_RUN:
            continue
        after = steps[index + 1] if index + 1 < len(steps) else (END,)
        word_characters = after[0] == NOT_IN_SET and all(re.fullmatch(r"\w", chr(code))
                                                          for low, high in after[1] for code in range(low, high + 1))
        if after[0] != END and not word_characters:
            raise ValueError(f"in {pattern!r}, \\w* is not followed by the end or a boundary the kernel can follow")


_tokens.configure(alternatives(list(TOKEN_CLASSES.values())), CACHE_SIZE)

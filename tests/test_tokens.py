"""The token kernel finds the classes the regular expression defines, on real and made-up words.

A block's ``class:nav``, ``near:ad`` ... features come from the kernel; the definition is
``TOKEN_SCAN``. Were the two to disagree on one word, every block under that element would get
other features than the model was trained on.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.evaluation import corpora
from pipeline.html import _tokens
from pipeline.html.blocks import parse
from pipeline.html.tokens import TOKEN_CLASSES, alternatives, regex_flags, token_flags

EVAL_SLICE = Path(__file__).resolve().parent / "data" / "eval"


def _names(bits: int) -> list[str]:
    return [name for bit, name in enumerate(TOKEN_CLASSES) if bits >> bit & 1]


def _slice_words() -> list[str]:
    pages = [page.html for page in corpora.scrapinghub(EVAL_SLICE) if page.html]
    pages += [page.html for page in corpora.wcxb(EVAL_SLICE, dumps=False) if page.html]
    words = set()
    for html in pages:
        for node in parse(html).root.traverse():
            for name in ("class", "id"):
                words.update((node.attributes.get(name) or "").lower().split())
    return sorted(words)


def test_the_kernel_agrees_with_the_regex_on_every_class_and_id_word_of_the_test_pages() -> None:
    words = _slice_words()
    assert len(words) > 2_000
    assert [_tokens.scan(word) for word in words] == [regex_flags(word) for word in words]
    assert sum(regex_flags(word) != 0 for word in words) > 500  # the words do hold classes


# Pieces that meet the patterns' edges: boundaries, optional letters, \w runs, overlapping classes.
PIECES = ["ad", "ads", "advert", "sponsor", "tag", "tags", "-", "_", "1", "x", "nav", "comment", "title", "itle",
          "head", "header", "line", "more", "stories", "read", "sidebar", "aside", "share", "sharing", "gpt",
          "dfp", "/", "é", "ß", "٣", "i̇", "s", "a", "d", "mostread", "pop-up", "sign-up"]


def test_the_kernel_agrees_with_the_regex_on_words_made_of_the_patterns_edges() -> None:
    rng = random.Random(20261204)
    words = ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6))) for _ in range(20_000)]
    assert [_tokens.scan(word) for word in words] == [regex_flags(word) for word in words]


@settings(max_examples=500, deadline=None)
@given(st.text(max_size=40))
def test_the_kernel_agrees_with_the_regex_on_any_text(word: str) -> None:
    assert _tokens.scan(word) == regex_flags(word)


@pytest.mark.parametrize("value, names", [
    ("site-header mainNav", ["nav", "header"]),
    ("commentitle", ["comment"]),  # leftmost match first, the next from where it ended: no "title"
    ("x-ad-y", ["ad"]), ("ads_box", ["ad"]), ("advertisement", ["ad"]), ("header shadow download", ["header"]),
    ("ad-tags", ["ad"]),  # the "-" ended the ad match, so "tags" has no boundary before it
    ("post-tags", ["tags", "content"]), ("ArticleBody", ["content"]), ("", []),
])
def test_token_flags_names_what_the_classes_say(value: str, names: list[str]) -> None:
    assert _names(token_flags(value)) == sorted(names, key=list(TOKEN_CLASSES).index)


@pytest.mark.parametrize("pattern", [r"(nav)", r"nav(?=bar)", r"na+v", r"\bnav", r"^$", r"x\w*y"])
def test_a_pattern_the_kernel_cannot_follow_is_refused(pattern: str) -> None:
    with pytest.raises(ValueError):
        alternatives([pattern])

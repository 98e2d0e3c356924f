"""Titles of text dumps: the learned ranker of ``pipeline.text.titles`` picks the headline among the head's lines."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline import clean_document
from pipeline.text.titles import FEATURES, MODEL_RESOURCE, candidate_features, load_title_model, title_line

#: A recipe blog: a menu, a long subscribe prompt and a breadcrumb before the headline, a date and the
#: author's name after it, related posts after the article.
RECIPE = """Skip to content
Home
Recipes
Breads
About
Shop
Subscribe to our newsletter and get new recipes every week
Home » Recipes » Breads » Easy Sourdough Bread for Beginners
Easy Sourdough Bread for Beginners
Posted: 2 days ago
Jessica Robinson
Jump to Recipe
This easy sourdough bread for beginners needs only flour, water, salt and an active starter, and it bakes into a crusty loaf with an open crumb.
Most of the time that sourdough bread takes is waiting: the dough rises slowly overnight while the starter does the work, so plan the loaf a day ahead.
Feed your starter in the morning and mix the dough once it has doubled. Fold the dough every half hour for two hours, then leave it covered on the counter.
Bake the bread in a hot Dutch oven, with the lid on for twenty minutes and off for another twenty, until the crust is deep brown.
Related posts
The Best Banana Bread You Will Ever Make
Ten Tips for Baking with Whole Wheat Flour
"""

#: A review: the headline, then a teaser, the author, his credentials (the old scoring took the link under
#: them for the title) and the date, then the article.
REVIEW = """Skip to content
The coffee chronicler
About
Gear
Reviews
Latest
Recommended Gear
Top Espresso Machines under $500: Which One Should You Get?
Recently, some great espresso makers have appeared around the $500 price point. Here are some of my favorites
Asser Christensen
Licensed Q Arabica Grader, M.A. Journalism
→ Learn about my qualifications and review process
April 2, 2024
When it comes to espresso machines, the difference between the authentic models and the entry-level plastic ones is the build, the boiler and the portafilter.
Around $500 is where the line is drawn: an espresso machine at that price has a proper 58 mm portafilter, a steam wand that can texture milk and a boiler that holds its temperature.
Read on to see some of the top espresso machines I have tested over the last couple of years, and which one suits the way you make coffee.
"""

#: A news page: other stories' headlines ("Most read") and a section name above the article's own headline.
NEWS = """Menu
World
Politics
Business
Most read
Storm leaves thousands without power across the north
Council approves new budget after months of talks
Opinion: Why the city needs more buses
World
Flooding forces hundreds from their homes in river towns
By Maria Lopez
12 March 2024
Hundreds of people were forced from their homes on Tuesday as the river burst its banks and flooding spread through three towns, officials said.
Emergency crews used boats to reach families trapped in the river towns, and the flooding closed roads and schools across the valley.
The river is expected to peak on Wednesday, and more rain is forecast for the weekend, the weather service said.
Residents who left their homes are staying in schools and churches, where volunteers hand out food and blankets.
"""


@pytest.mark.parametrize(("text", "title", "first_body_line"), [
    (RECIPE, "Easy Sourdough Bread for Beginners", "This easy sourdough bread"),
    (REVIEW, "Top Espresso Machines under $500: Which One Should You Get?", "When it comes to espresso"),
    (NEWS, "Flooding forces hundreds from their homes in river towns", "Hundreds of people were forced"),
], ids=["menu-and-breadcrumb", "author-credentials", "other-headlines"])
def test_the_headline_wins_over_menus_bylines_and_other_headlines(text: str, title: str, first_body_line: str) -> None:
    doc = clean_document(text, path="page.txt")
    assert doc.metadata["title"] == title
    assert [line.text for line in doc.lines if line.reason == "title"] == [title]  # only the headline leaves
    assert doc.body.splitlines()[0].startswith(first_body_line)


def test_the_news_page_keeps_its_byline_and_date() -> None:
    doc = clean_document(NEWS, path="news.txt")
    assert (doc.metadata["author"], doc.metadata["date"]) == ("Maria Lopez", "2024-03-12")


def test_list_items_urls_sentences_and_datelines_are_not_candidates() -> None:
    lines = ["* Home", "1. Recipes", "https://example.org/bread/", "March 3, 2024", "By Jane Roe",
             "Bread is easy to make at home.", "Easy Bread at Home",
             "Easy bread at home needs flour, water, salt and yeast, and an hour of your time on a quiet morning."]
    candidates, X = candidate_features(lines, [False] * 7 + [True], 7)
    assert [index for index, _ in candidates] == [6]
    assert X.shape == (1, len(FEATURES))
    assert title_line(lines, [False] * 7 + [True], 7) == 6


def test_a_dump_without_headline_shaped_lines_has_no_title() -> None:
    lines = ["This page has only sentences, and none of them is a headline of any kind.",
             "A second sentence follows the first one, and it is no headline either."]
    assert title_line(lines, [True, True], 0) is None
    assert "title" not in clean_document("\n\n".join(lines * 3), path="a.txt").metadata


def test_a_byline_on_the_title_line_is_cut_off() -> None:
    lines = ["Menu", "What is NATO’s New Mission in Iraq? By Salman Rafi Sheikh", "20 January 2019",
             "NATO has a new mission in Iraq, and its members agreed that the mission needs more troops."]
    candidates, _ = candidate_features(lines, [False, False, False, True], 3)
    assert (1, "What is NATO’s New Mission in Iraq?") in candidates


def test_the_shipped_model_is_for_these_features() -> None:
    data = json.loads(resources.files("pipeline").joinpath("resources", MODEL_RESOURCE).read_text("utf-8"))
    assert tuple(data["features"]) == FEATURES
    forest = load_title_model()
    assert len(forest.roots) == data["info"]["rounds"]
    assert int(forest.feature.max()) < len(FEATURES)


def test_silver_titles_of_html_pages_are_their_headlines() -> None:
    pytest.importorskip("lxml")
    from pipeline.training.titles import headline_of_page

    page = ('<html><head><meta property="og:title" content="Flooding forces hundreds from homes | Daily News">'
            "</head><body><h1>Daily News</h1><h1>Flooding forces hundreds from homes</h1></body></html>")
    assert headline_of_page(page) == "Flooding forces hundreds from homes"
    page = "<html><head><title>Storm leaves thousands without power - Daily News</title></head><body></body></html>"
    assert headline_of_page(page) == "Storm leaves thousands without power"


def test_shipped_title_model_was_trained_with_the_trainers_settings() -> None:
    from importlib import metadata

    from pipeline.training.titles import PARAMS, ROUNDS

    info = json.loads(resources.files("pipeline").joinpath("resources", MODEL_RESOURCE).read_text("utf-8"))["info"]
    assert info["params"] == PARAMS and info["rounds"] == ROUNDS
    assert info["lightgbm"] == metadata.version("lightgbm")  # the version pyproject.toml pins


# The first form of the feature helpers, kept here as the reference the faster ones must equal.
_OLD_WORD, _OLD_SEPARATOR = re.compile(r"\w+"), re.compile(r"[|»›]|\s/\s")
_PIECES = st.lists(st.sampled_from(list("ab Xé_1|»›/ \t,.-ـİﬁ") + ["the", " / "]), max_size=30).map("".join)


@settings(max_examples=400, deadline=None)
@given(_PIECES)
def test_topic_words_and_separators_are_those_of_the_first_patterns(text: str) -> None:
    from pipeline.text.titles import MIN_TOPIC_CHARS, _separators, _topic_words

    assert _topic_words(text) == {word for word in _OLD_WORD.findall(text.lower()) if len(word) > MIN_TOPIC_CHARS}
    assert _separators(text) == len(_OLD_SEPARATOR.findall(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_PIECES, st.booleans()), max_size=20))
def test_main_text_start_is_that_of_the_word_list(lines: list[tuple[str, bool]]) -> None:
    from itertools import compress

    from pipeline.text.titles import MAIN_TEXT_SHARE, main_text_start

    texts, kept = [text for text, _ in lines], [keep for _, keep in lines]
    words = [text.count(" ") + 1 for text in compress(texts, kept)]
    needed, running, expected = MAIN_TEXT_SHARE * sum(words), 0, len(texts)
    for index, count in zip(compress(range(len(texts)), kept), words):
        running += count
        if running >= needed:
            expected = index
            break
    assert main_text_start(texts, kept) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(1, 20), min_size=1, max_size=30), st.data())
def test_a_candidates_neighbourhood_is_that_of_the_first_loops(counts: list[int], data: st.DataObject) -> None:
    from pipeline.text.titles import LOOKAROUND, MENU_ITEM_MAX_WORDS, PROSE_MIN_WORDS, _neighbourhood

    n = len(counts) + data.draw(st.integers(0, 3))
    index = data.draw(st.integers(0, max(0, len(counts) - LOOKAROUND)))
    counts = counts + [0] * LOOKAROUND  # as far as a feature looks
    menu_run = 0
    while menu_run < LOOKAROUND and index > menu_run and counts[index - menu_run - 1] <= MENU_ITEM_MAX_WORDS:
        menu_run += 1
    to_prose = next((step for step in range(1, LOOKAROUND)
                     if index + step < n and counts[index + step] >= PROSE_MIN_WORDS), LOOKAROUND)
    expected = (counts[index - 1] if index > 0 else 0, counts[index + 1] if index + 1 < n else 0, menu_run, to_prose)
    assert _neighbourhood(counts, index, n) == expected

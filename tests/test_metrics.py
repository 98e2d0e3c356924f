"""The evaluation metrics on small hand-made cases, and the baselines' rules."""

from __future__ import annotations

import pytest

from pipeline.evaluation import baselines, corpora, metrics

TEXT = "The minister said on Monday that the new budget would cut taxes for families."


def test_shingles_identical_and_disjoint():
    assert metrics.shingle_scores([(TEXT, TEXT)]).f1 == 1.0
    disjoint = metrics.shingle_scores([(TEXT, "Completely other words are here today")])
    assert (disjoint.precision, disjoint.recall, disjoint.f1) == (0.0, 0.0, 0.0)


def test_shingles_are_case_sensitive_multisets_of_four_tokens():
    assert metrics.shingles("a b c d e") == {("a", "b", "c", "d"): 1, ("b", "c", "d", "e"): 1}
    assert metrics.shingles("a b") == {("a", "b"): 1}  # shorter than 4 tokens: one shorter shingle
    assert metrics.shingles("") == {}
    assert metrics.shingle_match("A b c d", "a b c d") == (0.0, 0.5, 0.5)
    tp, fp, fn = metrics.shingle_match("a b c d a b c d", "a b c d")
    assert tp + fp + fn == pytest.approx(1.0)  # normalised so long pages weigh the same


def test_shingle_precision_is_one_when_nothing_is_wrong():
    # The README's rule: a page's precision (and recall) is 1.0 when fp = fn = 0, even with tp = 0.
    assert metrics.shingle_precision(0.0, 0.0, 0.0) == 1.0
    assert metrics.shingle_recall(0.0, 0.0, 0.0) == 1.0
    assert metrics.shingle_precision(0.0, 0.0, 1.0) == 0.0
    # A page with both texts empty has no shingles: it is left out of both averages.
    assert metrics.shingle_scores([("", ""), (TEXT, TEXT)]).f1 == 1.0


def test_shingle_corpus_score_is_macro_and_skips_empty_predictions_for_precision():
    # Page 2 predicts nothing: it counts in recall (0) but not in precision, as in evaluate.py.
    score = metrics.shingle_scores([(TEXT, TEXT), (TEXT, "")])
    assert score.precision == 1.0
    assert score.recall == 0.5
    assert score.f1 == pytest.approx(2 * 0.5 / 1.5)
    assert score.pages == 2


def test_word_f1_is_lower_cased_bag_of_words_macro_averaged():
    assert metrics.word_prf("The Cat sat", "the cat SAT").f1 == 1.0
    half = metrics.word_prf("a b", "a c")
    assert (half.precision, half.recall) == (0.5, 0.5)
    assert metrics.word_scores([("a b", "a b"), ("a b", "x y")]).f1 == 0.5
    assert metrics.word_prf("", "").f1 == 1.0
    assert metrics.word_prf("a", "").f1 == 0.0


def test_arabic_tokens_ignore_harakat_tatweel_and_presentation_forms():
    vowelled = "كَتَبَ الوَلَدُ الدَّرْسَ"
    plain = "كتب الولد الدرس"
    assert metrics.arabic_tokens(vowelled) == metrics.arabic_tokens(plain)
    assert metrics.token_prf(plain, "كتـــب الولد الدرس").f1 == 1.0  # tatweel
    assert metrics.token_prf("لا", "\ufefb").f1 == 1.0  # lam-alef ligature, NFKC
    assert metrics.token_prf(plain, "شيء آخر").f1 == 0.0


def test_line_scores_count_leaked_and_lost_lines_and_ignore_meta():
    text = "Home | News\n\nBreaking: title\n\nFirst body line.\nSecond body line.\nShare this"
    labels = {1: "drop", 3: "meta", 5: "body", 6: "body", 7: "drop"}
    perfect = metrics.line_scores(labels, text, "First body line.\n\nSecond body line.\n")
    assert (perfect.leaked, perfect.lost, perfect.tokens.f1) == (0, 0, 1.0)
    assert (perfect.drop_lines, perfect.body_lines) == (2, 2)
    with_title = metrics.line_scores(labels, text, "Breaking: title\n\nFirst body line.\n\nSecond body line.\n")
    assert with_title.tokens.f1 == 1.0  # meta in the body is neither rewarded nor penalised
    leaky = metrics.line_scores(labels, text, "Home  |  News\nFirst body line.\nShare this\n")
    assert (leaky.leaked, leaky.lost) == (2, 1)  # compared on whitespace-normalised text


def test_snippets_and_metadata_matches():
    assert metrics.snippet_hits("منذ بَدء الحرب", ["منذ بدء", "غائب"], ["كورونا"]) == (1, 1)
    assert metrics.title_matches("“NATO”  leads – now", '"NATO" leads - now')
    assert not metrics.title_matches("NATO leads | Site", "NATO leads")
    assert metrics.author_matches("Dylan Bailey; MS; RD", "By Dylan Bailey, MS and RD")
    assert metrics.date_matches("2025-09-04T10:00:00", "2025-09-04")
    assert not metrics.date_matches(None, "2025-09-04")
    accuracy = metrics.metadata_accuracy([({"title": "A", "date": "2020-01-01"}, {"title": "A", "date": "2020-01-02"}),
                                          ({"title": "B"}, {"title": "C", "author": None})])
    assert accuracy["title"] == {"accuracy": 0.5, "pages": 2}
    assert accuracy["date"] == {"accuracy": 0.0, "pages": 1}
    assert accuracy["author"]["pages"] == 0


def test_line_filter_rule():
    assert baselines.keeps_line("He said it was over.")
    assert baselines.keeps_line('"It is over," he said."')
    assert baselines.keeps_line("ما الذي يحدث؟")
    assert baselines.keeps_line(" ".join(["word"] * baselines.LINE_FILTER_MIN_WORDS))
    assert not baselines.keeps_line(" ".join(["word"] * (baselines.LINE_FILTER_MIN_WORDS - 1)))
    assert not baselines.keeps_line("Home | News | Sport")


def test_justext_stoplist_follows_the_page_language():
    assert baselines.justext_stoplist("هذا نص عربي طويل عن الأخبار والسياسة في المنطقة") == "Arabic"
    assert baselines.justext_stoplist("The minister said on Monday that the budget would pass.") == "English"


def test_make_dump_follows_the_readme_recipe():
    html = "<html><body><p>Menu\u00a0\u00a0 one</p><div>  </div><p>Body\ttext.</p><br><br><br><p>End</p></body></html>"
    dump = corpora.make_dump(html)
    assert dump.endswith("\n") and not dump.startswith("\n")
    assert "Menu one" in dump and "Body text." in dump
    assert "\n\n\n" not in dump

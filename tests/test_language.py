"""Language: Arabic vs English by script, Persian and Urdu kept apart, documents judged on kept lines."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.document import Document, Line
from pipeline.stages import language as language_module
from pipeline.stages.language import DocumentLanguage, LineLanguage, detect_language
from pipeline.text import arabic_script_langid, script

LANGID = Path(__file__).parent / "data" / "langid"
BODY = (Path(__file__).parent / "data" / "arabic" / "cnn-body.txt").read_text(encoding="utf-8")

#: Floors on the slices. ar and en meet issue 4's 0.99 everywhere; fa/ur
#: labelled ar meet its 0.02 on sentences. On word pairs and single words many
#: Persian and Urdu items are spelled exactly like Arabic words (اعلام, اعمال,
#: امتداد) and the model (pipeline.text.arabic_script_langid) keeps a strong
#: prior for Arabic; its wordfreq word frequencies bring the full dev sets to
#: issue 4's targets (fa 0.014 and ur 0.002 on pairs, at most 0.02; fa 0.082
#: and ur 0.062 on single words, at most 0.10). These slices of 100 are at
#: 0.02 / 0.0 and 0.11 / 0.05, so the ceilings are their level with a little
#: margin; without the frequencies the slices were at 0.06 / 0.0 and
#: 0.23 / 0.10, which fail them.
MAX_AS_ARABIC = {
    "sentences": {"fa": 0.02, "ur": 0.02},
    "word-pairs": {"fa": 0.03, "ur": 0.02},
    "single-words": {"fa": 0.13, "ur": 0.08},
}

#: Common words spelled only with letters Arabic also writes, which reach the
#: model: Persian and Urdu ones the n-grams and the Arabic prior called Arabic
#: until the word frequencies were added, and Arabic ones (some common in all
#: three languages: مجلس, حقوق) that must stay Arabic.
COMMON_WORDS = {
    "fa": ["دارم", "ساعت", "دولت", "البته", "جهان", "هنوز", "بهتر", "توسط"],
    "ur": ["عوام", "جماعت", "عدالت", "انصاف", "سوال"],
    "ar": ["الحكومة", "الرئيس", "العربية", "المتحدة", "الشرطة", "الخارجية", "مجلس", "حقوق", "وزير"],
}


def _items(subset: str, lang: str) -> list[str]:
    lines = (LANGID / subset / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip()]


@pytest.mark.parametrize("subset", sorted(MAX_AS_ARABIC))
@pytest.mark.parametrize("lang", ["ar", "en"])
def test_arabic_and_english_are_told_apart(subset: str, lang: str) -> None:
    items = _items(subset, lang)
    correct = sum(detect_language(item)[0] == lang for item in items)
    assert correct / len(items) >= 0.99


@pytest.mark.parametrize("subset", sorted(MAX_AS_ARABIC))
@pytest.mark.parametrize("lang", ["fa", "ur"])
def test_persian_and_urdu_are_rarely_called_arabic(subset: str, lang: str) -> None:
    items = _items(subset, lang)
    as_arabic = sum(detect_language(item)[0] == "ar" for item in items)
    assert as_arabic / len(items) <= MAX_AS_ARABIC[subset][lang]


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("وقال المرصد السوري لحقوق الإنسان، وهو هيئة معارضة مقرها لندن", "ar"),
        ("به زبان ساده می‌توان کروموزوم‌ها را به بسته‌های مواد ژنتیکی تشبیه کرد", "fa"),
        ("اين توهين به زنان نيست كه آنان را نامساوي با مردان شمرده", "fa"),  # Persian typed with ي and ك
        ("۱۹۹۰ میں بی جے پی سے ہی انہوں نے میدان سیاست میں قدم رکھا تھا ۔", "ur"),
        ("آچاتينا", "fa"),  # چ decides; an Arabic ي does not outweigh it
        ("ﺳﯿﺘﻮﺗﻮﮐﺴﯿﺴﯿﺘﻪ", "fa"),  # presentation forms read as the letters they shape
        ("المرصد السوري", "ar"),
        ("اسلام آباد۔", "ur"),  # only letters all three write, but the Urdu full stop
        ("The committee met on Tuesday to discuss the new budget.", "en"),
        ("Le comité s'est réuni mardi pour discuter du nouveau budget, et ses membres ont convenu", "fr"),
        ("Der Ausschuss hat sich am Dienstag getroffen, um über den neuen Haushalt zu sprechen.", "de"),
    ],
)
def test_sentences(text: str, lang: str) -> None:
    assert detect_language(text)[0] == lang


def test_letters_touching_digits_are_no_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """A model number's "UM" is not Portuguese "um": with "plus" alone there is no sign of another language."""
    monkeypatch.setattr(language_module, "_langdetect", lambda text: pytest.fail(f"langdetect called on {text!r}"))
    assert detect_language("LG 65UM7300 4K Smart TV, Now $549 Plus $50 Gift Card")[0] == "en"


_PIECES = ["the", "The", "and", "of", "le", "des", "und", "don't", "it's", "rock'n'roll", "'tis", "dogs'",
           "65UM7300", "4K", "2nd", "2019", "foo_bar", "x", " ", " ", "\t", ".", "-", "’", "“", "—", "'", "_"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40))
def test_the_ascii_path_finds_the_same_words(pieces: list[str]) -> None:
    """The byte-table path for text whose letters are ASCII counts as the Unicode pattern does."""
    text = "".join(pieces)
    assert language_module._function_word_counts(text, True) == language_module._function_word_counts(text, False)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_the_ascii_letter_shortcut_agrees_with_the_script_counts(text: str) -> None:
    if script.ascii_letters_only(text):
        counts = script.script_counts(text)
        assert counts == {"arabic": 0, "latin": script.ascii_letter_count(text), "other": 0}


@pytest.mark.parametrize("word", ["Home", "Contact us", "water parks", "effervescent", "Sport", "Weather", "Andersen"])
def test_short_latin_lines_are_english(word: str) -> None:
    assert detect_language(word)[0] == "en"


@pytest.mark.parametrize("text", ["", "   ", "12:30", "2019-01-20", "|", "ab", "—", "٢٠١٩"])
def test_too_little_text_is_undetermined(text: str) -> None:
    assert detect_language(text) == ("und", 0.0)


def test_script_decides_without_langdetect(monkeypatch: pytest.MonkeyPatch) -> None:
    """Arabic text and English prose never pay for langdetect (9-15 ms a call)."""

    def boom(text: str) -> tuple[str, float]:
        raise AssertionError(f"langdetect called on {text[:40]!r}")

    monkeypatch.setattr(language_module, "_langdetect", boom)
    for line in BODY.split("\n"):
        detect_language(line)
    for item in _items("sentences", "en") + _items("single-words", "en"):
        detect_language(item)


def test_the_model_file_is_small_and_matches_its_report() -> None:
    path = Path(language_module.__file__).parents[1] / "resources" / "langid" / arabic_script_langid.MODEL_FILE
    assert path.stat().st_size < 1_000_000
    model = arabic_script_langid.default_model()
    assert model.report["chosen"] == {
        "smoothing": model.smoothing, "word_weight": model.word_weight,
        "frequency_weight": model.frequency_weight, "arabic_prior": model.arabic_prior,
    }
    assert model.frequency_weight > 0


@pytest.mark.parametrize(("lang", "word"), [(lang, word) for lang, words in COMMON_WORDS.items() for word in words])
def test_common_words_get_their_language(lang: str, word: str) -> None:
    assert detect_language(word)[0] == lang


def test_the_word_frequencies_are_what_decides_common_words(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the wordfreq evidence the Persian and Urdu words are Arabic again: the test words test it."""
    model = arabic_script_langid.default_model()
    for lang, words in COMMON_WORDS.items():
        assert [model.classify(word)[0] for word in words] == [lang] * len(words)
    monkeypatch.setattr(model, "frequency_weight", 0.0)
    assert [model.classify(word)[0] for word in COMMON_WORDS["fa"] + COMMON_WORDS["ur"]] == ["ar"] * 13
    assert {model.classify(word)[0] for word in COMMON_WORDS["ar"]} == {"ar"}


def test_word_frequencies_are_looked_up_as_the_model_spells_words() -> None:
    """Harakat and tatweel are not part of a word: the frequencies find the bare word (as wordfreq stores it)."""
    assert arabic_script_langid.frequency_scores("البتّه") == arabic_script_langid.frequency_scores("البته")
    assert arabic_script_langid.frequency_scores("الحكـومة") == arabic_script_langid.frequency_scores("الحكومة")
    floor = arabic_script_langid.math.log(arabic_script_langid.FREQUENCY_FLOOR)
    ar, fa, ur = arabic_script_langid.frequency_scores("البته")
    assert ar == floor and fa > floor + 10


def test_english_and_decided_lines_never_load_the_word_frequencies() -> None:
    """wordfreq (its import and 15 MB of tables) is paid for only when a text reaches the model."""
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from pipeline.stages.language import detect_language\n"
        f"body = Path({str(Path(__file__).parent / 'data' / 'arabic' / 'cnn-body.txt')!r}).read_text(encoding='utf-8')\n"
        "for line in ['The committee met on Tuesday.', 'Home', 'Le comité s est réuni mardi'] + body.split(chr(10)):\n"
        "    detect_language(line)\n"
        "assert 'wordfreq' not in sys.modules, 'wordfreq imported'\n"
        "detect_language('البته')\n"
        "assert 'wordfreq' in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_the_model_only_sees_what_letters_leave_open(monkeypatch: pytest.MonkeyPatch) -> None:
    """Lines with a letter Arabic never writes, or an Arabic function word, never reach the n-gram model."""
    calls = []
    model = arabic_script_langid.default_model()
    monkeypatch.setattr(model, "classify", lambda text, languages=("ar", "fa", "ur"): calls.append(text) or ("ar", 1.0))
    detect_language("وقال المرصد السوري لحقوق الإنسان في بيان")
    detect_language("۱۹۹۰ میں بی جے پی سے ہی انہوں نے میدان سیاست میں قدم رکھا تھا ۔")
    assert calls == []
    detect_language("اعلام")
    assert calls == ["اعلام"]


def test_results_are_repeatable() -> None:
    text = "Il black Friday incombe su di noi: per chi non lo sapesse"
    assert len({detect_language(text) for _ in range(5)}) == 1


def _doc(*texts: str) -> Document:
    doc = Document(id="a.txt", source="a.txt")
    doc.lines = [Line(number, text) for number, text in enumerate(texts, 1)]
    return doc


def test_line_language_labels_every_line() -> None:
    doc = LineLanguage().process(_doc("Home | News", "وقال المرصد السوري لحقوق الإنسان", "12:30"))
    assert [line.lang for line in doc.lines] == ["en", "ar", "und"]


def test_document_language_describes_the_kept_lines() -> None:
    doc = LineLanguage().process(_doc("Home | News | Sport | Contact us", *BODY.split("\n")))
    doc.lines[0].remove("boilerplate", "navigation")
    DocumentLanguage().process(doc)
    assert doc.language == "ar" and doc.failure is None
    assert set(doc.language_shares) <= {"ar", "und"}
    assert abs(sum(doc.language_shares.values()) - 1) < 1e-4
    assert all(round(share, 5) == share for share in doc.language_shares.values())


def test_all_lines_count_when_none_is_kept() -> None:
    doc = LineLanguage().process(_doc("Home", "News"))
    for line in doc.lines:
        line.remove("boilerplate", "navigation")
    DocumentLanguage().process(doc)
    assert doc.language == "en" and doc.language_shares == {"en": 1.0}


def test_an_unsupported_language_fails_loudly() -> None:
    doc = LineLanguage().process(_doc("به زبان ساده می‌توان کروموزوم‌ها را به بسته‌های مواد ژنتیکی تشبیه کرد"))
    DocumentLanguage().process(doc)
    assert doc.language == "fa"
    assert doc.failure is not None and doc.failure.reason == "unsupported-language"
    assert doc.failure.detail == "fa (1.0)"


def test_the_supported_languages_are_an_option() -> None:
    doc = LineLanguage().process(_doc("The committee met on Tuesday to discuss the new budget."))
    DocumentLanguage(languages=("ar",)).process(doc)
    assert doc.failure is not None and doc.failure.detail == "en (1.0)"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_any_text_gets_a_label(text: str) -> None:
    lang, confidence = detect_language(text)
    assert isinstance(lang, str) and lang
    assert 0.0 <= confidence <= 1.0


def test_a_batch_names_each_documents_lines_as_it_alone_would() -> None:
    """Lines left to langdetect are grouped by document and script: a batch changes no document's answer."""
    from pipeline.stages.language import line_languages

    french = ["Le comité s'est réuni mardi pour discuter du nouveau budget de la ville et des écoles.",
              "Les élus ont voté pour une hausse des dépenses consacrées à la santé et à l'éducation."]
    english = ["The committee met on Tuesday to discuss the new budget for the city and its schools."] * 30
    russian = ["Привет, как дела у тебя сегодня?"] * 3
    documents = [english[:3], french + english[:1], english + french[:1], russian, []]
    together = line_languages(documents)
    assert together == [line_languages([lines])[0] for lines in documents]
    assert together[1] == ["fr", "fr", "en"]
    assert together[2][-1] == "und"  # one French line in a long English page says nothing of it
    assert together[3] == ["ru"] * 3


_EVIDENCE_PIECES = list("abcdefghij ABCDEF éèçàüößñ العربيةکیپچژگےۆ ПриветΕλλη日本語 0123 .,'\n\ufeb3") + [
    "the ", "of ", "and ", "de ", "la ", "le ", "et ", "في ", "من ", "را ", "است ", "اور ", "ہے ", "ة ", "ى "]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_EVIDENCE_PIECES), max_size=40).map("".join), min_size=1, max_size=60))
def test_the_evidence_kernel_decides_as_numpy_over_the_columns(texts: list[str]) -> None:
    import numpy as np

    from pipeline.text.scan import scan_lines

    facts = scan_lines(texts)
    kernel, reference = language_module._decisions(facts), language_module._decisions_numpy(facts)
    assert kernel[1:3] == reference[1:3]
    assert all(np.array_equal(a, b) for a, b in zip(kernel[:1] + kernel[3:], reference[:1] + reference[3:]))

"""Arabic, Persian or Urdu: a small character n-gram model, plus word frequencies, for Arabic-script text the letters do not decide.

Persian and Urdu share the Arabic script, and many of their words are spelled
exactly as Arabic words are (اعلام, اعمال, امتداد); much Persian is also typed
with Arabic ي and ك. Letters only one language writes (پ چ ژ گ ے, the
zero-width non-joiner) decide most lines (:mod:`pipeline.stages.language`);
this model decides the rest, mostly one or two words.

The model
---------
Multinomial naive Bayes over three languages (:data:`LANGUAGES`), with two
kinds of features per word:

- **character n-grams** of orders :data:`NGRAM_ORDERS` (1-4) of the word
  padded with a space on each side (:data:`BOUNDARY`), so prefixes and
  endings are features of their own: Arabic ``" ال"`` and ``"ة "``,
  Persian ``"ه "``, Urdu ``"ات "``;
- the **whole word**, weighted by the model file's ``word_weight`` (words
  recur: frequent words of each language are evidence beyond their n-grams;
  with the word frequencies below, cross-validation chose 0: our few
  thousand training sentences add nothing to them).

``log P(feature | language) = log((count + mu * pooled) / (total + mu))``
per n-gram order (and for words): Dirichlet smoothing towards the pooled
probability over all three languages, ``mu`` being the file's
``smoothing``. (Add-alpha smoothing with one alpha for every language made
any n-gram seen once in Arabic, the largest training text, evidence
*against* Arabic.) Features never seen in training carry no evidence and are
skipped. A language's score is the sum over the features of the first
:data:`MAX_WORDS` words, plus a prior: ``arabic_prior`` nats in favour of
Arabic. The n-grams of a word overlap, so naive Bayes counts the same
evidence several times and the prior is large in nats (about the evidence of
one word); it is what keeps Arabic at 99% and more on single words (issue 4).

Word frequencies
----------------
Our training text is a few thousand sentences: most Persian and Urdu words
the model meets alone (a single word, a pair) were never seen in it, and a
Persian word spelled only with letters Arabic also writes then looks Arabic
to the n-grams, and the prior makes it Arabic. So, when Arabic is among the
candidates, each language's score also gets
``frequency_weight * log f(word | language)`` for each of those words, ``f``
being the word's frequency in the `wordfreq <https://github.com/rspeer/wordfreq>`_
list of the language (:data:`FREQUENCY_WORDLIST`, words of frequency 1e-6
and more, from Wikipedia, subtitles, news, the web...), and
:data:`FREQUENCY_FLOOR` for a word not in the list. A common Persian or
Urdu word spelled only with letters Arabic also writes (Persian دارم، البته،
هنوز; Urdu عوام، عدالت) now outweighs its Arabic-looking n-grams and the
prior; a common Arabic word (الحكومة, or مجلس and حقوق, common in all three)
stays Arabic. ``frequency_weight`` (10 in the shipped file, the prior 34
nats: a word ten times as frequent in Persian as in Arabic moves the scores
by 10 x ln 10, about 23 nats) and the prior were chosen together by
cross-validation (below; the weights live in the model file); on the dev
sets, Persian single words called Arabic went from 21% to 8%, word pairs
from 3.6% to 1.4%, Urdu from 11% to 6% and 1.2% to 0.2%; Arabic single
words from 99.8% to 99.6%, pairs unchanged at 99.4%. The frequencies are looked up at run time
in the installed ``wordfreq`` package (its data is CC-BY-SA 4.0, so none of
it is copied into our MIT model file): each language's table is loaded once
per process, lazily, the first time an Arabic-script text reaches this
model (a fraction of a second and about 15 MB per process for the three
tables), or by the line-language stage's setup (:func:`load_frequency_tables`),
so that no batch pays for it; other callers that meet no Arabic-script text
never import wordfreq. Words are looked up as
:func:`words` gives them (harakat and tatweel removed, as wordfreq removes
marks; presentation forms are NFKC'd by the caller, as wordfreq NFKCs).

The file has two tables: ``arabic_or_not`` (ar/fa/ur) is counted only over
words with no letter Arabic does not write, the only words it is asked
about (the letters decide the others); ``persian_or_urdu`` is counted over
all Persian and Urdu words and picks between the two, without a prior and
without frequencies, when the letters have said "not Arabic". Smoothing,
word weight, frequency weight and prior are chosen together by
cross-validation in :mod:`pipeline.training.langid` (the fewest Persian and
Urdu items called Arabic while Arabic keeps 99.5% on every out-of-fold set;
of the settings within one standard error of that fewest, the one keeping
Arabic highest)
and stored in the file with the counts and the cross-validation report;
rebuilding it (``python -m pipeline.training.langid EVAL_ROOT``) is
deterministic.

Text is reduced to runs of Arabic-script letters (:data:`pipeline.text.script.ARABIC_LETTERS`)
with harakat and tatweel removed; digits, Latin and punctuation are ignored.
Scoring a word is a few dozen dict look-ups and three logarithms (under
20 µs); reading the file
builds the tables once (about 0.35 s); results are cached
per distinct text (:data:`CACHE_SIZE`), as menus and bylines repeat.
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections import Counter
from collections.abc import Iterable
from importlib import resources

from pipeline.text.script import ARABIC_LETTERS

#: The languages the model tells apart, in the order of every count vector.
LANGUAGES = ("ar", "fa", "ur")

#: Orders of the character n-grams.
NGRAM_ORDERS = (1, 2, 3, 4)

#: Padding on both sides of a word, so that n-grams see where it begins and ends.
BOUNDARY = " "

#: Words of a text the model reads: enough to settle, and a long line costs no more.
MAX_WORDS = 12

#: N-grams (and words) seen fewer times than this in all the training text are
#: left out of the model file (they keep it small and are mostly names).
MIN_COUNT = 2

#: Distinct texts whose scores are remembered.
CACHE_SIZE = 8192

#: The model file in ``pipeline/resources/langid/``.
MODEL_FILE = "arabic-script.json"
FORMAT = "arabic-script-langid/2"

#: The wordfreq list looked up: "small" exists for ar, fa and ur alike
#: (wordfreq's "best" would be "large" for Arabic only, whose rarer words
#: would then tilt every comparison towards Arabic).
FREQUENCY_WORDLIST = "small"

#: Frequency of a word missing from a language's list (the lists stop at 1e-6).
FREQUENCY_FLOOR = 1e-8

# Harakat (fathatan .. sukun, and the rest of U+064B-U+065F), superscript alef
# and tatweel are not part of spelling.
_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")
_WORDS = re.compile(f"[{ARABIC_LETTERS}]+")


def words(text: str) -> list[str]:
    """The Arabic-script words of ``text``, harakat and tatweel removed: ``words("العَرَبيّة 2")`` is ``['العربية']``."""
    return _WORDS.findall(_MARKS.sub("", text))


def ngrams(word: str) -> list[str]:
    """The character n-grams of ``word`` padded with :data:`BOUNDARY`: ``ngrams("با")[:3]`` is ``['ب', 'ا', ' ب']``."""
    padded = f"{BOUNDARY}{word}{BOUNDARY}"
    grams = [ch for ch in word]
    for n in NGRAM_ORDERS:
        if n > 1:
            grams += [padded[i : i + n] for i in range(len(padded) - n + 1)]
    return grams


def count_features(texts: Iterable[str]) -> tuple[Counter, Counter]:
    """N-gram and word counts of ``texts`` (the training side of the model)."""
    grams: Counter = Counter()
    vocabulary: Counter = Counter()
    for text in texts:
        for word in words(text):
            grams.update(ngrams(word))
            vocabulary[word] += 1
    return grams, vocabulary


def _table(counts: dict[str, tuple[Counter, Counter]], min_count: int) -> dict:
    """One naive Bayes table: totals and distinct counts before pruning, then the pruned rows (sorted)."""
    langs = LANGUAGES
    totals = {str(n): [0] * len(langs) for n in NGRAM_ORDERS}
    for i, lang in enumerate(langs):
        for gram, count in counts[lang][0].items():
            totals[str(len(gram))][i] += count

    def rows(index: int) -> dict[str, list[int]]:
        keys = set().union(*(counts[lang][index] for lang in langs))
        table = {}
        for key in sorted(keys):
            row = [counts[lang][index].get(key, 0) for lang in langs]
            if sum(row) >= min_count:
                table[key] = row
        return table

    return {
        "ngram_totals": totals,
        "word_totals": [sum(counts[lang][1].values()) for lang in langs],
        "ngrams": rows(0),
        "words": rows(1),
    }


def build_model(
    arabic_or_not: dict[str, tuple[Counter, Counter]],
    persian_or_urdu: dict[str, tuple[Counter, Counter]],
    smoothing: float,
    word_weight: float,
    arabic_prior: float,
    frequency_weight: float,
    min_count: int = MIN_COUNT,
) -> dict:
    """The model file's content from per-language ``(ngram counts, word counts)``.

    ``arabic_or_not`` counts the words the letters leave open (no letter
    Arabic does not write), for ar against fa and ur; ``persian_or_urdu``
    counts all Persian and Urdu words, for fa against ur once the letters
    have said "not Arabic". Keys are sorted: the same counts give the same file.
    The file holds the weight of the word frequencies, never frequencies.
    """
    empty = (Counter(), Counter())
    return {
        "format": FORMAT,
        "languages": list(LANGUAGES),
        "ngram_orders": list(NGRAM_ORDERS),
        "boundary": BOUNDARY,
        "smoothing": smoothing,
        "word_weight": word_weight,
        "arabic_prior": arabic_prior,
        "frequency_weight": frequency_weight,
        "frequency_wordlist": FREQUENCY_WORDLIST,
        "arabic_or_not": _table(arabic_or_not, min_count),
        "persian_or_urdu": _table({**persian_or_urdu, "ar": empty}, min_count),
    }


@functools.lru_cache(maxsize=None)
def frequency_table(lang: str) -> dict[str, float]:
    """wordfreq's frequencies of ``lang`` (:data:`FREQUENCY_WORDLIST`): loaded once per process, when first asked."""
    import wordfreq  # here, not at the top: only Arabic-script text that reaches the model pays for it

    return wordfreq.get_frequency_dict(lang, FREQUENCY_WORDLIST)


def load_frequency_tables() -> None:
    """Load every language's :func:`frequency_table` now (a stage's setup: not in the first batch that
    meets Arabic-script text)."""
    for lang in LANGUAGES:
        frequency_table(lang)


@functools.lru_cache(maxsize=CACHE_SIZE)
def frequency_scores(text: str) -> tuple[float, float, float]:
    """``sum log f(word | language)`` over the first :data:`MAX_WORDS` words of ``text``, for ar, fa, ur."""
    floor = FREQUENCY_FLOOR
    tables = [frequency_table(lang) for lang in LANGUAGES]
    scores = [0.0, 0.0, 0.0]
    for word in words(text)[:MAX_WORDS]:
        for i, table in enumerate(tables):
            scores[i] += math.log(table.get(word, floor))
    return scores[0], scores[1], scores[2]


def _dirichlet(row: list[int], totals: list[int], pooled_total: int, mu: float) -> tuple[float, ...]:
    """``log P(feature | language)`` per language, smoothed towards the pooled (all-language) probability."""
    pooled = sum(row) / pooled_total
    return tuple(math.log((count + mu * pooled) / (total + mu)) if total else 0.0 for count, total in zip(row, totals))


class _NaiveBayes:
    """Log-likelihoods under ar, fa, ur from one table of the model file."""

    def __init__(self, table: dict, mu: float, word_weight: float, cache_size: int | None) -> None:
        totals = {int(n): row for n, row in table["ngram_totals"].items()}
        pooled = {n: sum(row) for n, row in totals.items()}
        self._ngrams = {
            gram: _dirichlet(row, totals[len(gram)], pooled[len(gram)], mu) for gram, row in table["ngrams"].items()
        }
        word_totals = table["word_totals"]
        self._words = (
            {
                word: tuple(word_weight * x for x in _dirichlet(row, word_totals, sum(word_totals), mu))
                for word, row in table["words"].items()
            }
            if word_weight
            else {}
        )
        self.scores = functools.lru_cache(maxsize=cache_size)(self._scores)

    def _scores(self, text: str) -> tuple[float, float, float]:
        """Log-likelihoods of ``text`` (first :data:`MAX_WORDS` words) under ar, fa, ur; no prior."""
        a = f = u = 0.0
        table, vocabulary = self._ngrams, self._words
        for word in words(text)[:MAX_WORDS]:
            for gram in ngrams(word):
                row = table.get(gram)
                if row is not None:
                    a += row[0]
                    f += row[1]
                    u += row[2]
            row = vocabulary.get(word)
            if row is not None:
                a += row[0]
                f += row[1]
                u += row[2]
        return a, f, u


class ArabicScriptModel:
    """ar / fa / ur by naive Bayes from a model file's content (see the module docstring)."""

    def __init__(self, data: dict, cache_size: int | None = CACHE_SIZE) -> None:
        if data.get("format") != FORMAT or tuple(data["languages"]) != LANGUAGES:
            raise ValueError(f"not an {FORMAT} model")
        self.smoothing = float(data["smoothing"])
        self.word_weight = float(data["word_weight"])
        self.arabic_prior = float(data["arabic_prior"])
        self.frequency_weight = float(data["frequency_weight"])
        if data["frequency_wordlist"] != FREQUENCY_WORDLIST:
            raise ValueError(f"model made with wordfreq's {data['frequency_wordlist']!r} list")
        self.report = data.get("report", {})
        self._arabic_or_not = _NaiveBayes(data["arabic_or_not"], self.smoothing, self.word_weight, cache_size)
        self._persian_or_urdu = _NaiveBayes(data["persian_or_urdu"], self.smoothing, self.word_weight, cache_size)

    def arabic_or_not_scores(self, text: str) -> tuple[float, float, float]:
        """Naive Bayes log-likelihoods of ``text`` under ar, fa, ur (the ar/fa/ur table; no prior, no frequencies)."""
        return self._arabic_or_not.scores(text)

    def classify(self, text: str, languages: tuple[str, ...] = LANGUAGES) -> tuple[str, float]:
        """The likeliest of ``languages`` for ``text``, and its posterior probability.

        With ``ar`` among ``languages``: the ar/fa/ur table, plus
        ``frequency_weight`` times the words' log frequencies, plus the
        Arabic prior; ``("fa", "ur")`` (the letters said "not Arabic"): the
        Persian and Urdu table, no prior, no frequencies.
        """
        if "ar" in languages:
            scores = self._arabic_or_not.scores(text)
            if self.frequency_weight:
                weight = self.frequency_weight
                scores = tuple(score + weight * log_f for score, log_f in zip(scores, frequency_scores(text)))
            scores = dict(zip(LANGUAGES, scores))
            scores["ar"] += self.arabic_prior
        else:
            scores = dict(zip(LANGUAGES, self._persian_or_urdu.scores(text)))
        return decide(scores, languages)


def decide(scores: dict[str, float], languages: tuple[str, ...]) -> tuple[str, float]:
    """The best-scoring of ``languages`` (ties to the earlier one) and its posterior probability."""
    candidates = {lang: scores[lang] for lang in languages}
    best = max(candidates, key=lambda lang: (candidates[lang], -languages.index(lang)))
    top = candidates[best]
    total = sum(math.exp(score - top) for score in candidates.values())
    return best, 1.0 / total


@functools.lru_cache(maxsize=1)
def default_model() -> ArabicScriptModel:
    """The model shipped in ``pipeline/resources/langid/`` (read once)."""
    text = resources.files("pipeline").joinpath("resources", "langid", MODEL_FILE).read_text(encoding="utf-8")
    return ArabicScriptModel(json.loads(text))

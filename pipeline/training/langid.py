"""``python -m pipeline.training.langid EVAL_ROOT``: rebuild the Arabic-script language model.

The model (:mod:`pipeline.text.arabic_script_langid`) decides ar / fa / ur
where letters do not. What this script does, in order:

1. **Training text.** The dev corpora only: the ``langid/sentences/`` files
   of ar, fa and ur, and Arabic article text: the CNN Arabic body, the lines
   of ``arabic-dev/dumps/`` labelled ``body`` in ``arabic-dev/gold/``, and the
   ``encoding/bytes`` samples (decoded, tags removed). Lines are
   de-duplicated. ``word-pairs/`` and ``single-words/`` are never trained on.
   The model has two tables: ar/fa/ur, counted only over the words the
   letters leave open (no letter Arabic does not write: :func:`model_words`),
   since those are the only words it is asked about; and fa/ur, counted over
   all Persian and Urdu words, for telling the two apart once the letters
   have said "not Arabic". The word frequencies the model adds
   (``wordfreq``'s lists, fixed by the pinned package version) are not
   trained: only their weight is chosen here, and only the weight is
   written to the model file.
2. **Cross-validation.** Sentences are split into :data:`FOLDS` folds by
   their position (line ``i`` goes to fold ``i % FOLDS``). For each fold a
   model is trained on the other folds (and the Arabic article text, which
   is never evaluated) and scores the held-out sentences, and single words
   and word pairs cut from them the way the langid sets are made
   (:func:`pseudo_items`: words of at least :data:`MIN_ITEM_LETTERS`
   letters, once each; pairs of consecutive such words). Every item goes
   through the whole Arabic-script decision
   (:func:`pipeline.stages.language.arabic_script_language`), letters first.
   The model's part is scored once per fold, smoothing and word weight
   (the naive Bayes log-likelihoods and the wordfreq log frequencies of
   each item the letters leave open); every frequency weight and prior is
   then applied to those scores exactly as
   :meth:`~pipeline.text.arabic_script_langid.ArabicScriptModel.classify`
   does (same sums, same ties), so the whole grid costs little more than
   one setting.
3. **Knobs.** Of the grid (:data:`SMOOTHINGS` x :data:`WORD_WEIGHTS` x
   :data:`FREQUENCY_WEIGHTS` x :data:`ARABIC_PRIORS`), among the settings
   keeping Arabic at :data:`ARABIC_FLOOR` or better on every out-of-fold
   set, those whose Persian and Urdu items called Arabic (mean over single
   words and pairs, out of fold) are within one standard error of the
   fewest (the "one standard error" rule: the binomial standard error of
   that best mean, about 0.002); of these, the one with the highest Arabic
   accuracy (mean over the three sets), then the smaller prior, then the
   grid order. Settings closer than the noise of the cross-validation are
   equally good at keeping Persian and Urdu out; the extra Arabic margin is
   what carries over to unseen sets (choosing the very fewest took
   frequency weight 30, Arabic on the dev word pairs then at the 0.99 edge).
   The report keeps that fewest setting, the standard error, and the best
   setting of each frequency weight (0 is the model without frequencies).
4. **Final model.** Refitted on all the training text with those knobs and
   written to ``pipeline/resources/langid/arabic-script.json`` (sorted keys,
   integer counts), with the cross-validation report. The dev
   ``word-pairs/`` and ``single-words/`` sets, never trained on, are scored
   last and reported.

There is no randomness: the same corpora (and wordfreq version) give the
same file, in well under a minute.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import numpy as np

from pipeline.stages.language import NON_ARABIC_LETTERS, arabic_script_language
from pipeline.text import arabic_script_langid as model_module
from pipeline.text.arabic_script_langid import (
    LANGUAGES,
    ArabicScriptModel,
    build_model,
    count_features,
    frequency_scores,
    words,
)

FOLDS = 5
#: Knob grid: additive smoothing, weight of the whole-word feature, weight of
#: the wordfreq log frequencies, Arabic prior (nats).
SMOOTHINGS = (30.0, 100.0, 300.0, 1000.0, 3000.0, 10000.0)
WORD_WEIGHTS = (0.0, 1.0)
FREQUENCY_WEIGHTS = (0.0, 1.0, 3.0, 10.0, 30.0)
ARABIC_PRIORS = tuple(float(p) for p in range(0, 101, 2))
#: Out-of-fold Arabic accuracy every set must keep (issue 4 asks 0.99; the margin is for unseen sets).
ARABIC_FLOOR = 0.995
#: Words shorter than this are not made into single-word or pair items (the langid sets have none).
MIN_ITEM_LETTERS = 5

OUTPUT = Path(__file__).resolve().parents[1] / "resources" / "langid" / model_module.MODEL_FILE
_TAGS = re.compile(r"<[^>]+>")


def _lines(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def arabic_article_text(eval_root: Path) -> list[str]:
    """Arabic article lines of the dev corpora (CNN body, gold body lines of the dumps, byte samples)."""
    dev = eval_root / "arabic-dev"
    lines = _lines(dev / "cnn-arabic" / "body.txt")
    for labels in sorted((dev / "gold").glob("*.labels.tsv")):
        dump = (dev / "dumps" / labels.name.replace(".labels.tsv", ".txt")).read_text(encoding="utf-8").split("\n")
        for row in labels.read_text(encoding="utf-8").splitlines()[1:]:
            number, label = row.split("\t")[:2]
            if label == "body":
                lines.append(dump[int(number) - 1].strip())
    samples = {"cp1256-sample.txt": "cp1256", "windows-1256.html": "cp1256", "iso-8859-6.html": "iso8859_6"}
    for name, encoding in samples.items():
        text = _TAGS.sub("\n", (eval_root / "encoding" / "bytes" / name).read_bytes().decode(encoding))
        lines += [line.strip() for line in text.splitlines() if line.strip()]
    return list(dict.fromkeys(line for line in lines if words(line)))


def pseudo_items(sentences: list[str]) -> tuple[list[str], list[str]]:
    """Single words and word pairs cut from ``sentences``, as the langid sets are (no duplicates)."""
    tokens = [w for s in sentences for w in s.split() if len(w) >= MIN_ITEM_LETTERS and w == "".join(words(w))]
    singles = list(dict.fromkeys(tokens))
    pairs = list(dict.fromkeys(f"{a} {b}" for a, b in zip(tokens[0::2], tokens[1::2])))
    return singles, pairs


def model_words(text: str) -> str:
    """The words of ``text`` the model would be asked about: those with no letter Arabic does not write."""
    return " ".join(word for word in text.split() if NON_ARABIC_LETTERS.isdisjoint(word))


def _counts(texts_by_lang: dict[str, list[str]]) -> tuple[dict, dict]:
    """Counts for the ar/fa/ur table (words the letters leave open) and for the fa/ur table (all words)."""
    open_words = {lang: count_features(map(model_words, texts_by_lang[lang])) for lang in LANGUAGES}
    all_words = {lang: count_features(texts_by_lang[lang]) for lang in ("fa", "ur")}
    return open_words, all_words


def _labels(model: ArabicScriptModel, items: list[str]) -> list[str]:
    return [arabic_script_language(item, model)[0] for item in items]


def _rates(labels_by_lang: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    return {
        lang: {
            "n": len(labels),
            "correct": round(sum(label == lang for label in labels) / len(labels), 5),
            "as_ar": round(sum(label == "ar" for label in labels) / len(labels), 5),
        }
        for lang, labels in labels_by_lang.items()
    }


class _Deferred:
    """Stands in for a model in :func:`arabic_script_language`: notes the ar/fa/ur questions, answers fa/ur ones."""

    OPEN = "?"

    def __init__(self, model: ArabicScriptModel) -> None:
        self.model = model
        self.asked = ""

    def classify(self, text: str, languages: tuple[str, ...] = LANGUAGES) -> tuple[str, float]:
        if "ar" in languages:
            self.asked = text
            return self.OPEN, 0.0
        return self.model.classify(text, languages)


def _scored_items(model: ArabicScriptModel, items: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Per item the letters' label (or ``_Deferred.OPEN``), and for the open ones naive Bayes and frequency scores."""
    deferred = _Deferred(model)
    labels, naive_bayes, frequencies = [], [], []
    for item in items:
        label = arabic_script_language(item, deferred)[0]
        labels.append(label)
        if label == _Deferred.OPEN:
            naive_bayes.append(model.arabic_or_not_scores(deferred.asked))
            frequencies.append(frequency_scores(deferred.asked))
    return labels, np.array(naive_bayes).reshape(-1, 3), np.array(frequencies).reshape(-1, 3)


def _open_labels(naive_bayes: np.ndarray, frequencies: np.ndarray, weight: float, prior: float) -> np.ndarray:
    """What ``classify`` says for the open items: ar on ties, then fa over ur (same float sums)."""
    scores = naive_bayes + weight * frequencies if weight else naive_bayes
    arabic = scores[:, 0] + prior
    return np.where(arabic >= np.maximum(scores[:, 1], scores[:, 2]), 0, np.where(scores[:, 1] >= scores[:, 2], 1, 2))


def cross_validate(sentences: dict[str, list[str]], arabic_extra: list[str]) -> dict:
    """Out-of-fold counts for every knob setting.

    ``{(smoothing, word weight, frequency weight, prior): {set: {lang: [n, correct, as_ar]}}}``.
    """
    results: dict = {}
    for fold in range(FOLDS):
        train = {lang: [s for i, s in enumerate(sentences[lang]) if i % FOLDS != fold] for lang in LANGUAGES}
        train["ar"] = train["ar"] + arabic_extra
        held = {lang: [s for i, s in enumerate(sentences[lang]) if i % FOLDS == fold] for lang in LANGUAGES}
        sets = {"sentences": held}
        singles_pairs = {lang: pseudo_items(held[lang]) for lang in LANGUAGES}
        sets["single-words"] = {lang: singles_pairs[lang][0] for lang in LANGUAGES}
        sets["word-pairs"] = {lang: singles_pairs[lang][1] for lang in LANGUAGES}
        counts = _counts(train)
        for smoothing in SMOOTHINGS:
            for word_weight in WORD_WEIGHTS:
                model = ArabicScriptModel(build_model(*counts, smoothing, word_weight, 0.0, 0.0), cache_size=None)
                for name, by_lang in sets.items():
                    for lang, items in by_lang.items():
                        labels, naive_bayes, frequencies = _scored_items(model, items)
                        fixed = [label for label in labels if label != _Deferred.OPEN]
                        fixed_correct, fixed_ar = fixed.count(lang), fixed.count("ar")
                        target = LANGUAGES.index(lang)
                        for weight in FREQUENCY_WEIGHTS:
                            for prior in ARABIC_PRIORS:
                                decided = _open_labels(naive_bayes, frequencies, weight, prior)
                                row = results.setdefault((smoothing, word_weight, weight, prior), {}).setdefault(
                                    name, {}).setdefault(lang, [0, 0, 0])
                                row[0] += len(labels)
                                row[1] += fixed_correct + int(np.sum(decided == target))
                                row[2] += fixed_ar + int(np.sum(decided == 0))
        print(f"fold {fold + 1}/{FOLDS} done", file=sys.stderr)
    return results


def _count_rates(per_set: dict) -> dict[str, dict[str, dict[str, float]]]:
    return {
        name: {
            lang: {"n": n, "correct": round(correct / n, 5), "as_ar": round(as_ar / n, 5)}
            for lang, (n, correct, as_ar) in by_lang.items()
        }
        for name, by_lang in per_set.items()
    }


def choose(results: dict) -> tuple[tuple[float, float, float, float], dict]:
    """The knob setting (see the module docstring) and every setting's summary ``(arabic min, arabic mean, fa/ur as ar, rates)``."""
    summary = {}
    for key, per_set in results.items():
        rates = _count_rates(per_set)
        arabic = [rates[name]["ar"]["correct"] for name in rates]
        as_ar = float(np.mean([rates[name][lang]["as_ar"] for name in ("single-words", "word-pairs") for lang in ("fa", "ur")]))
        summary[key] = (min(arabic), round(float(np.mean(arabic)), 6), round(as_ar, 6), rates)
    order = {key: i for i, key in enumerate(results)}
    grid = [key for key in results if summary[key][0] >= ARABIC_FLOOR] or list(results)
    fewest = min(grid, key=lambda key: (summary[key][2], order[key]))
    tolerance = _standard_error(summary[fewest][3])
    near = [key for key in grid if summary[key][2] <= summary[fewest][2] + tolerance]
    best = min(near, key=lambda key: (-summary[key][1], key[3], order[key]))
    return best, summary


def _standard_error(rates: dict) -> float:
    """Binomial standard error of the mean share of Persian and Urdu single words and pairs called Arabic."""
    cells = [rates[name][lang] for name in ("single-words", "word-pairs") for lang in ("fa", "ur")]
    return round(float(np.sqrt(sum(c["as_ar"] * (1 - c["as_ar"]) / c["n"] for c in cells)) / len(cells)), 6)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval_root", type=Path)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    root = args.eval_root
    sentences = {lang: _lines(root / "langid" / "sentences" / f"{lang}.txt") for lang in LANGUAGES}
    arabic_extra = arabic_article_text(root)

    results = cross_validate(sentences, arabic_extra)
    (smoothing, weight, frequency_weight, prior), summary = choose(results)
    cv = summary[(smoothing, weight, frequency_weight, prior)][3]

    model_data = build_model(*_counts({**sentences, "ar": sentences["ar"] + arabic_extra}),
                             smoothing, weight, prior, frequency_weight)
    fewest_key = min((key for key in results if summary[key][0] >= ARABIC_FLOOR),
                     key=lambda key: summary[key][2], default=None)
    fewest_report = fewest_key and {
        "setting": dict(zip(("smoothing", "word_weight", "frequency_weight", "arabic_prior"), fewest_key)),
        "fa_ur_as_ar": summary[fewest_key][2], "standard_error": _standard_error(summary[fewest_key][3]),
    }
    # For the report: per frequency weight, the setting the rule would pick among that weight's alone.
    best_per_weight = {}
    for frequency in FREQUENCY_WEIGHTS:
        key, _ = choose({k: v for k, v in results.items() if k[2] == frequency})
        arabic, arabic_mean, as_ar, rates = summary[key]
        best_per_weight[str(frequency)] = {
            "smoothing": key[0], "word_weight": key[1], "arabic_prior": key[3], "arabic_min": arabic,
            "arabic_mean": arabic_mean, "fa_ur_as_ar": as_ar,
            "as_ar": {name: {lang: rates[name][lang]["as_ar"] for lang in ("fa", "ur")} for name in rates},
        }
    model = ArabicScriptModel(model_data)
    dev = {}
    for name in ("word-pairs", "single-words"):
        items = {lang: _lines(root / "langid" / name / f"{lang}.txt") for lang in LANGUAGES}
        dev[name] = _rates({lang: _labels(model, items[lang]) for lang in LANGUAGES})
    model_data["report"] = {
        "training": {
            "sentences": {lang: len(sentences[lang]) for lang in LANGUAGES},
            "arabic_article_lines": len(arabic_extra),
        },
        "chosen": {"smoothing": smoothing, "word_weight": weight, "frequency_weight": frequency_weight,
                   "arabic_prior": prior},
        "choice": {"arabic_floor": ARABIC_FLOOR, "fewest_fa_ur_as_ar": fewest_report,
                   "grid": {"smoothing": list(SMOOTHINGS), "word_weight": list(WORD_WEIGHTS),
                            "frequency_weight": list(FREQUENCY_WEIGHTS),
                            "arabic_prior": [ARABIC_PRIORS[0], ARABIC_PRIORS[-1], ARABIC_PRIORS[1] - ARABIC_PRIORS[0]]},
                   "best_per_frequency_weight": best_per_weight},
        "cross_validation": cv,
        "dev_sets_never_trained_on": dev,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(model_data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
                           encoding="utf-8")
    print(json.dumps(model_data["report"], indent=1, sort_keys=True))
    for key in sorted(summary):
        arabic, arabic_mean, as_ar, _ = summary[key]
        print(f"smoothing {key[0]:<6} word {key[1]:<4} frequency {key[2]:<5} prior {key[3]:<6} "
              f"ar-min {arabic:.4f} ar-mean {arabic_mean:.4f} fa/ur-as-ar {as_ar:.4f}", file=sys.stderr)
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

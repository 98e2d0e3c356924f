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
   have said "not Arabic".
2. **Cross-validation.** Sentences are split into :data:`FOLDS` folds by
   their position (line ``i`` goes to fold ``i % FOLDS``). For each fold a
   model is trained on the other folds (and the Arabic article text, which
   is never evaluated) and scores the held-out sentences, and single words
   and word pairs cut from them the way the langid sets are made
   (:func:`pseudo_items`: words of at least :data:`MIN_ITEM_LETTERS`
   letters, once each; pairs of consecutive such words). Every item goes
   through the whole Arabic-script decision
   (:func:`pipeline.stages.language.arabic_script_language`), letters first.
3. **Knobs.** Of the grid (:data:`SMOOTHINGS` x :data:`WORD_WEIGHTS` x
   :data:`ARABIC_PRIORS`), the setting with the fewest Persian and Urdu
   items called Arabic (mean over single words and pairs, out of fold)
   among those keeping Arabic at :data:`ARABIC_FLOOR` or better on every
   out-of-fold set; ties go to the smaller prior, then the grid order.
4. **Final model.** Refitted on all the training text with those knobs and
   written to ``pipeline/resources/langid/arabic-script.json`` (sorted keys,
   integer counts), with the cross-validation report. The dev
   ``word-pairs/`` and ``single-words/`` sets, never trained on, are scored
   last and reported.

There is no randomness: the same corpora give the same file.
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
from pipeline.text.arabic_script_langid import LANGUAGES, ArabicScriptModel, build_model, count_features, words

FOLDS = 5
#: Knob grid: additive smoothing, weight of the whole-word feature, Arabic prior (nats).
SMOOTHINGS = (300.0, 1000.0, 3000.0, 10000.0)
WORD_WEIGHTS = (0.0, 1.0)
ARABIC_PRIORS = tuple(float(p) for p in range(0, 41, 2))
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


def cross_validate(sentences: dict[str, list[str]], arabic_extra: list[str]) -> dict:
    """Out-of-fold labels for every knob setting: ``{(smoothing, weight, prior): {set: {lang: [labels]}}}``."""
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
            for weight in WORD_WEIGHTS:
                model = ArabicScriptModel(build_model(*counts, smoothing, weight, 0.0), cache_size=None)
                for prior in ARABIC_PRIORS:
                    model.arabic_prior = prior  # scores are cached per text; only the prior changes
                    key = (smoothing, weight, prior)
                    per_key = results.setdefault(key, {})
                    for name, by_lang in sets.items():
                        for lang, items in by_lang.items():
                            per_key.setdefault(name, {}).setdefault(lang, []).extend(_labels(model, items))
        print(f"fold {fold + 1}/{FOLDS} done", file=sys.stderr)
    return results


def choose(results: dict) -> tuple[tuple[float, float, float], dict]:
    """The knob setting (see the module docstring) and every setting's summary."""
    summary = {}
    for key, per_set in results.items():
        rates = {name: _rates(by_lang) for name, by_lang in per_set.items()}
        arabic = min(rates[name]["ar"]["correct"] for name in rates)
        as_ar = float(np.mean([rates[name][lang]["as_ar"] for name in ("single-words", "word-pairs") for lang in ("fa", "ur")]))
        summary[key] = (arabic, as_ar, rates)
    grid = [key for key in results if summary[key][0] >= ARABIC_FLOOR] or list(results)
    best = min(grid, key=lambda key: (round(summary[key][1], 6), key[2], list(results).index(key)))
    return best, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("eval_root", type=Path)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    root = args.eval_root
    sentences = {lang: _lines(root / "langid" / "sentences" / f"{lang}.txt") for lang in LANGUAGES}
    arabic_extra = arabic_article_text(root)

    results = cross_validate(sentences, arabic_extra)
    (smoothing, weight, prior), summary = choose(results)
    cv = summary[(smoothing, weight, prior)][2]

    model_data = build_model(*_counts({**sentences, "ar": sentences["ar"] + arabic_extra}), smoothing, weight, prior)
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
        "chosen": {"smoothing": smoothing, "word_weight": weight, "arabic_prior": prior},
        "cross_validation": cv,
        "dev_sets_never_trained_on": dev,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(model_data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n",
                           encoding="utf-8")
    print(json.dumps(model_data["report"], indent=1, sort_keys=True))
    for key in sorted(summary):
        arabic, as_ar, _ = summary[key]
        print(f"smoothing {key[0]:<5} word {key[1]:<4} prior {key[2]:<5} ar-min {arabic:.4f} fa/ur-as-ar {as_ar:.4f}",
              file=sys.stderr)
    print(f"wrote {args.output} ({args.output.stat().st_size} bytes)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

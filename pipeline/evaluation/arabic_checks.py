"""Arabic checks: encoding repair, decoding and language ID measured on the full dev data.

``run_arabic_checks(eval_root)`` returns a dict of numbers; run as a module it
prints them as a compact table::

    python -m pipeline.evaluation.arabic_checks ../shared/eval

What is measured (issue 4's targets in brackets):

- ``ftfy``: ftfy's own test cases (``encoding/ftfy/*.json``). Of the cases with
  Arabic text, how many ftfy fixes and how many of those :func:`repair_text`
  fixes [all]; how many negative cases it leaves as expected [all] (one of
  them expects a C1 control to become "…", the rest to stay unchanged).
  Quotes are compared straightened, because the repair keeps them curly on
  purpose.
- ``mojibake``: every paragraph of the CNN Arabic body garbled in each
  direction (:data:`DIRECTIONS`) and repaired; share restored exactly [1.0].
- ``bytes``: the cp1256 and ISO-8859-6 files decoded by
  :func:`decode_bytes` exactly as their true encoding decodes them [all].
- ``langid``: per set (sentences, word pairs, single words) and language, the
  share labelled correctly and the share labelled ``ar`` [ar and en >= 0.99;
  fa and ur as ar <= 0.02, <= 0.10 on single words]; and the Arabic-script
  n-gram model's knobs and its 5-fold cross-validated numbers (from the
  model file's report: sentences, and single words and pairs cut from the
  held-out sentences).
- ``cost``: milliseconds of line + document language ID per article, on the
  CNN body and on the scrapinghub bodies found to be English [< 0.5 mean].
"""

from __future__ import annotations

import json
import re
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import ftfy
from ftfy.fixes import uncurl_quotes

from pipeline.chain import run_batch
from pipeline.document import Document, Line
from pipeline.stages.decode import decode_bytes
from pipeline.stages.language import DocumentLanguage, LineLanguage, detect_language
from pipeline.stages.repair import repair_text
from pipeline.text.arabic_script_langid import default_model

_ARABIC = re.compile("[\u0600-\u06ff]")
_CP1252_UNDEFINED = {0x81, 0x8D, 0x8F, 0x90, 0x9D}


def _utf8_as_cp1252(text: str, drop: bool) -> str:
    """UTF-8 bytes read as Windows-1252: undefined bytes dropped (and soft hyphens lost) or kept as C1."""
    out = []
    for byte in text.encode("utf-8"):
        if byte in _CP1252_UNDEFINED:
            out.append("" if drop else chr(byte))
        else:
            out.append(bytes([byte]).decode("cp1252"))
    garbled = "".join(out)
    return garbled.replace("\xad", "") if drop else garbled


#: How real Arabic text gets garbled, each as a function of the clean text.
DIRECTIONS: dict[str, Callable[[str], str]] = {
    "utf8-as-cp1256": lambda t: t.encode("utf-8").decode("cp1256"),
    "utf8-as-cp1256-soft-hyphens-lost": lambda t: t.encode("utf-8").decode("cp1256").replace("\xad", ""),
    "cp1256-as-latin1": lambda t: t.encode("cp1256").decode("latin-1"),
    "cp1256-as-cp1252": lambda t: t.encode("cp1256").decode("cp1252", errors="ignore"),
    "utf8-as-latin1": lambda t: t.encode("utf-8").decode("latin-1"),
    "utf8-as-cp1252": lambda t: _utf8_as_cp1252(t, drop=False),
    "utf8-as-cp1252-bytes-lost": lambda t: _utf8_as_cp1252(t, drop=True),
}

#: The encoding each sample in ``encoding/bytes`` is really in.
BYTES_SAMPLES = {"windows-1256.html": "cp1256", "iso-8859-6.html": "iso8859_6", "cp1256-sample.txt": "cp1256"}

LANGID_SETS = ("sentences", "word-pairs", "single-words")
LANGID_LANGUAGES = ("ar", "en", "fa", "ur")


def _straight(text: str) -> str:
    return uncurl_quotes(text)


def check_ftfy_cases(folder: Path) -> dict[str, int]:
    """Arabic cases ftfy fixes that we fix too, and negative cases left as expected."""
    result = {"arabic_cases": 0, "arabic_ftfy_fixes": 0, "arabic_we_fix_of_those": 0, "arabic_we_fix": 0,
              "negative_cases": 0, "negative_as_expected": 0, "negative_unchanged": 0}
    for name in ("synthetic.json", "in-the-wild.json", "known-failures.json", "negative.json"):
        for case in json.loads((folder / name).read_text(encoding="utf-8")):
            original = case["original"]
            expected = case.get("fixed", original)
            ours = repair_text(original)[0]
            if name == "negative.json":
                result["negative_cases"] += 1
                result["negative_as_expected"] += _straight(ours) == _straight(expected)
                result["negative_unchanged"] += ours == original
            if not (_ARABIC.search(original) or _ARABIC.search(expected)):
                continue
            result["arabic_cases"] += 1
            ftfy_ok = _straight(ftfy.fix_text(original)) == _straight(expected)
            ours_ok = _straight(ours) == _straight(expected)
            result["arabic_ftfy_fixes"] += ftfy_ok
            result["arabic_we_fix_of_those"] += ftfy_ok and ours_ok
            result["arabic_we_fix"] += ours_ok
    return result


def check_mojibake(body: str) -> dict[str, float]:
    """Share of paragraphs restored exactly, per direction."""
    paragraphs = [p for p in body.split("\n") if p.strip()]
    rates = {}
    for name, garble in DIRECTIONS.items():
        restored = sum(repair_text(garble(p))[0] == p for p in paragraphs)
        rates[name] = round(restored / len(paragraphs), 5)
    rates["paragraphs"] = len(paragraphs)
    return rates


def check_bytes(folder: Path) -> dict[str, bool]:
    """Whether each sample decodes exactly as its true encoding decodes it."""
    result = {}
    for name, encoding in BYTES_SAMPLES.items():
        data = (folder / name).read_bytes()
        text, _, _ = decode_bytes(data, html=name.endswith(".html"))
        result[name] = text == data.decode(encoding)
    return result


def check_langid(folder: Path) -> dict[str, dict[str, dict[str, float]]]:
    """Per set and language: share labelled correctly, share labelled ar."""
    result: dict[str, dict[str, dict[str, float]]] = {}
    for subset in LANGID_SETS:
        result[subset] = {}
        for lang in LANGID_LANGUAGES:
            lines = (folder / subset / f"{lang}.txt").read_text(encoding="utf-8").splitlines()
            items = [line.strip() for line in lines]
            labels = [detect_language(item)[0] for item in items if item]
            result[subset][lang] = {
                "n": len(labels),
                "correct": round(sum(label == lang for label in labels) / len(labels), 5),
                "as_ar": round(sum(label == "ar" for label in labels) / len(labels), 5),
            }
    return result


def _language_ms(text: str) -> tuple[float, str]:
    doc = Document(id="a", source="a")
    doc.lines = [Line(number, line) for number, line in enumerate(text.split("\n"), 1)]
    start = time.perf_counter()
    doc = run_batch([doc], LANGUAGE_STAGES)[0]
    return (time.perf_counter() - start) * 1000, doc.language


#: The stages whose cost is measured: line, then document language ID.
LANGUAGE_STAGES = (LineLanguage(), DocumentLanguage())
#: Articles run once, unmeasured, before the cost is measured: a worker cleans thousands of documents,
#: so the first calls' one-time costs are not a per-article cost.
WARM_UP_ARTICLES = 5


def check_cost(cnn_body: str, english_bodies: list[str], repeats: int = 20) -> dict[str, float]:
    """Milliseconds of line + document language ID per article, in a warm process (as in a run's workers)."""
    detect_language("Le comité s'est réuni mardi")  # langdetect loads its profiles once
    for warm_up in (cnn_body, *english_bodies[:WARM_UP_ARTICLES]):  # first calls build regexes and tables
        _language_ms(warm_up)
    cnn = statistics.median(_language_ms(cnn_body)[0] for _ in range(repeats))
    english = [ms for ms, lang in map(_language_ms, english_bodies) if lang == "en"]
    return {"cnn_ms": round(cnn, 5), "english_articles": len(english),
            "english_mean_ms": round(statistics.mean(english), 5) if english else 0.0,
            "english_median_ms": round(statistics.median(english), 5) if english else 0.0}


def run_arabic_checks(eval_root: Path) -> dict:
    """All checks on the dev data under ``eval_root`` (the folder with ``encoding/``, ``langid/``, ...)."""
    eval_root = Path(eval_root)
    body = (eval_root / "arabic-dev" / "cnn-arabic" / "body.txt").read_text(encoding="utf-8")
    truth = json.loads((eval_root / "scrapinghub" / "ground-truth.json").read_text(encoding="utf-8"))
    english = [truth[key]["articleBody"] for key in sorted(truth)]
    return {
        "ftfy": check_ftfy_cases(eval_root / "encoding" / "ftfy"),
        "mojibake": check_mojibake(body),
        "bytes": check_bytes(eval_root / "encoding" / "bytes"),
        "langid": check_langid(eval_root / "langid"),
        "langid_model": {**default_model().report["chosen"], "cross_validation": default_model().report["cross_validation"]},
        "cost": check_cost(body, english),
    }


def format_table(results: dict) -> str:
    """The results as a few compact lines of text."""
    lines = []
    f = results["ftfy"]
    lines.append(f"ftfy Arabic cases: {f['arabic_cases']}, ftfy fixes {f['arabic_ftfy_fixes']}, "
                 f"we fix {f['arabic_we_fix_of_those']} of those ({f['arabic_we_fix']} in all); "
                 f"negative: as expected {f['negative_as_expected']}/{f['negative_cases']}, "
                 f"unchanged {f['negative_unchanged']}/{f['negative_cases']}")
    m = dict(results["mojibake"])
    count = m.pop("paragraphs")
    lines.append(f"mojibake restored exactly ({count} CNN paragraphs):")
    lines += [f"  {name:36} {rate:.3f}" for name, rate in m.items()]
    decoded = ", ".join(f"{name} {'yes' if ok else 'NO'}" for name, ok in results["bytes"].items())
    lines.append(f"bytes decoded exactly: {decoded}")
    lines.append(f"langid {'':13} " + "  ".join(f"{lang:>14}" for lang in LANGID_LANGUAGES) + "   (correct / as ar)")
    for subset, per_lang in results["langid"].items():
        cells = "  ".join(f"{v['correct']:.3f} / {v['as_ar']:.3f}" for v in per_lang.values())
        lines.append(f"  {subset:18} {cells}")
    if "langid_model" in results:
        lm = results["langid_model"]
        lines.append(f"  Arabic-script n-gram model: smoothing {lm['smoothing']}, word weight {lm['word_weight']}, "
                     f"wordfreq weight {lm['frequency_weight']}, "
                     f"Arabic prior {lm['arabic_prior']} nats; 5-fold CV (correct / as ar): "
                     + "; ".join(f"{name} " + " ".join(f"{lang} {v['correct']:.3f}/{v['as_ar']:.3f}"
                                                        for lang, v in per_lang.items())
                                 for name, per_lang in lm["cross_validation"].items()))
    c = results["cost"]
    lines.append(f"language ID ms per article: CNN {c['cnn_ms']:.3f}; English mean {c['english_mean_ms']:.3f}, "
                 f"median {c['english_median_ms']:.3f} ({c['english_articles']} articles)")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) if args else Path(__file__).resolve().parents[2].parent / "shared" / "eval"
    print(format_table(run_arabic_checks(root)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

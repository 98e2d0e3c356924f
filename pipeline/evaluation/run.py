"""``pipeline eval``: score the pipeline and the reference baselines on the dev corpora.

One command, one table: for each corpus and track (HTML pages or text dumps),
the pipeline and the baselines of :mod:`pipeline.evaluation.baselines`, scored
with the corpus's own metric (:mod:`pipeline.evaluation.metrics`):

==========================  ===========  =======================================================
corpus                      tracks       score
==========================  ===========  =======================================================
scrapinghub                 html, dump   shingle P/R/F1 (the benchmark's ``evaluate.py``)
wcxb-dev                    html, dump   word P/R/F1; title/author/date accuracy
arabic-dev/cnn-arabic       html, dump   token P/R/F1 after Arabic normalisation
arabic-dev/assabah          html, dump   ``with`` snippets found, ``without`` snippets present
arabic-dev/dumps, seeds     dump         leaked drop lines, lost body lines, token P/R/F1
sites-dev                   dump         the same, each site's pages run together
==========================  ===========  =======================================================

The pipeline runs through its runner (:func:`pipeline.run`), as
``make clean`` does, on an input folder per corpus and track laid out as
``<site>/<id>.html`` (or ``.txt``), so any cross-document pass sees each site's
pages together. Inputs, outputs and a cache of trafilatura's results are kept
below ``--out`` (``eval-out/``); the table is also written as
``eval-out/eval.json`` (sorted keys, 4-digit floats, no timings).
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from importlib import metadata as package_metadata
from multiprocessing import Pool
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pipeline.evaluation import baselines, corpora, metrics

#: Processes for the runner and the baselines (the eval machine has 2 cores).
WORKERS = 2
#: Digits of every float in ``eval.json``.
DIGITS = 4
#: Pages per large corpus (scrapinghub, wcxb-dev) with ``--quick``.
QUICK_PAGES = 30
#: Where the corpora are looked for when no folder is given.
DEFAULT_EVAL_ROOT = Path("../shared/eval")
DEFAULT_OUT = Path("eval-out")
RESULT_FILE = "eval.json"

#: Systems, in table order. ``none`` is the whole dump (nothing removed).
PIPELINE, TRAFILATURA, JUSTEXT, LINE_FILTER, NONE = "pipeline", "trafilatura", "justext", "line-filter", "none"
HTML_SYSTEMS = (PIPELINE, TRAFILATURA)
DUMP_SYSTEMS = (PIPELINE, JUSTEXT, LINE_FILTER, NONE)
LABELLED_SYSTEMS = (PIPELINE, JUSTEXT, LINE_FILTER)

#: The F1 the corpora's README reports for a baseline, by (corpus, track, system).
README_FIGURES = {
    ("scrapinghub", "html", TRAFILATURA): 0.960,
    ("scrapinghub", "dump", JUSTEXT): 0.795,
    ("scrapinghub", "dump", LINE_FILTER): 0.834,
    ("scrapinghub", "dump", NONE): 0.679,
    ("wcxb-dev", "html", TRAFILATURA): 0.937,
    ("wcxb-dev", "dump", JUSTEXT): 0.838,
    ("wcxb-dev", "dump", LINE_FILTER): 0.860,
    ("wcxb-dev", "dump", NONE): 0.799,
    ("arabic-dev/cnn-arabic", "html", TRAFILATURA): 0.914,
}
#: Targets named in the issue, by corpus.
TARGETS = {"arabic-dev/assabah": "with 3/3, without 0/3"}

#: How each kind of suite is scored.
SHINGLES, WORDS, TOKENS, SNIPPETS, LINES = "shingle", "word", "token", "snippets", "lines"


@dataclass
class Item:
    """One scored input of a suite: where it was written, and its references."""

    rel: str
    truth: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    with_snippets: tuple[str, ...] = ()
    without_snippets: tuple[str, ...] = ()
    text: str = ""
    labels: dict[int, str] = field(default_factory=dict)


@dataclass
class Suite:
    """A corpus and track: its inputs (one folder), its systems, and how it is scored."""

    corpus: str
    track: str
    kind: str
    systems: tuple[str, ...]
    items: list[Item] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.corpus}-{self.track}".replace("/", "-")


@dataclass
class Row:
    """One line of the table."""

    corpus: str
    track: str
    system: str
    metric: str
    pages: int
    precision: float | None = None
    recall: float | None = None
    f1: float | None = None
    leaked: int | None = None
    lost: int | None = None
    readme: float | None = None
    target: str = ""
    note: str = ""


# --------------------------------------------------------------------------- inputs

def _site(url: str | None, fallback: str) -> str:
    host = urlsplit(url).hostname if url else None
    return host or fallback


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")


def _page_suites(label: str, pages: Iterable[corpora.Page], kind: str, inputs: Path) -> list[Suite]:
    """An HTML suite and a dump suite for ``pages``; their inputs are written below ``inputs``."""
    html = Suite(label, "html", kind, HTML_SYSTEMS)
    dump = Suite(label, "dump", kind, DUMP_SYSTEMS if kind != SNIPPETS else LABELLED_SYSTEMS)
    for page in pages:
        site = _site(page.url, label.split("/")[0])
        meta = {"title": page.title, "author": page.author, "date": page.date}
        for suite, content, suffix in ((html, page.html, ".html"), (dump, page.dump, ".txt")):
            if content is None:
                continue
            rel = f"{site}/{page.id}{suffix}"
            _write(inputs / suite.name / rel, content)
            suite.items.append(Item(rel, page.truth, meta, page.with_snippets, page.without_snippets))
    return [suite for suite in (html, dump) if suite.items]


def _labelled_suite(label: str, dumps: Iterable[corpora.LabelledDump], inputs: Path) -> list[Suite]:
    """A dump suite scored on line labels; each site's dumps share a folder."""
    suite = Suite(label, "dump", LINES, LABELLED_SYSTEMS)
    for dump in dumps:
        site = dump.site or _site(dump.meta.get("url"), dump.id)
        rel = f"{site}/{dump.id.split('/')[-1]}.txt"
        _write(inputs / suite.name / rel, dump.text)
        meta = {name: dump.meta.get(name) for name in metrics.METADATA_CHECKS}
        suite.items.append(Item(rel, dump.truth, meta, text=dump.text, labels=dump.labels))
    return [suite] if suite.items else []


def _shared_folder(eval_root: Path, name: str) -> Path:
    """``<eval_root>/<name>`` if present, else the sibling ``<eval_root>/../<name>`` (the shared layout)."""
    inside = eval_root / name
    return inside if inside.is_dir() else eval_root.parent / name


def _limited(items: Iterable[Any], subset: int | None) -> Iterable[Any]:
    """The first ``subset`` items (all when None), read lazily: later pages are never loaded."""
    return items if subset is None else itertools.islice(items, subset)


def build_suites(eval_root: Path, inputs: Path, dump_cache: Path, subset: int | None = None) -> list[Suite]:
    """Every suite found below ``eval_root``, inputs written below ``inputs``; missing corpora are skipped.

    Dumps the corpora do not ship are made once and kept below ``dump_cache``.
    """
    if inputs.exists():
        shutil.rmtree(inputs)
    suites: list[Suite] = []
    if (eval_root / "scrapinghub" / "ground-truth.json").is_file():
        suites += _page_suites("scrapinghub", _limited(corpora.scrapinghub(eval_root), subset), SHINGLES, inputs)
    if (eval_root / "wcxb-dev" / "ground-truth").is_dir():
        suites += _page_suites("wcxb-dev", _limited(corpora.wcxb(eval_root, cache_dir=dump_cache), subset), WORDS, inputs)
    for page in corpora.arabic_dev(eval_root):
        kind = SNIPPETS if page.with_snippets or page.without_snippets else TOKENS
        suites += _page_suites(f"arabic-dev/{page.id}", [page], kind, inputs)
    if (eval_root / "arabic-dev" / "gold").is_dir():
        suites += _labelled_suite("arabic-dev/dumps", corpora.arabic_dev_dumps(eval_root), inputs)
    seeds_dir, gold_dir = _shared_folder(eval_root, "seeds"), _shared_folder(eval_root, "gold")
    if seeds_dir.is_dir() and gold_dir.is_dir():
        suites += _labelled_suite("seeds", corpora.seeds(seeds_dir, gold_dir), inputs)
    suites += _labelled_suite("sites-dev", corpora.sites_dev(eval_root), inputs)
    return suites


# --------------------------------------------------------------------------- systems

@dataclass
class Output:
    """What a system produced for one item."""

    body: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    status: str = "ok"
    extractor: str = ""  # the pipeline's HTML extractor of the page (its sidecar's trace)


def _author(value: Any) -> str | None:
    if isinstance(value, (list, tuple)):
        return ", ".join(str(part) for part in value) or None
    return value or None


def run_pipeline(suite: Suite, inputs: Path, outputs: Path, workers: int) -> dict[str, Output]:
    """The pipeline on a suite's input folder, through the runner; ``rel -> Output``."""
    from pipeline.config import ALL_LANGUAGES, Config
    from pipeline.io.files import output_stem
    from pipeline.runners.run import run

    target = outputs / suite.name
    if target.exists():
        shutil.rmtree(target)
    # Language filtering off: the benchmarks score extraction on every page; the
    # rows "(pipeline's languages)" then select the pages found Arabic or English.
    run(inputs / suite.name, target, config=Config(languages=(ALL_LANGUAGES,)), workers=workers)
    results = {}
    for item in suite.items:
        stem = output_stem(item.rel)
        body_path, sidecar_path = target / f"{stem}.txt", target / f"{stem}.json"
        sidecar = json.loads(sidecar_path.read_text(encoding="utf-8")) if sidecar_path.is_file() else {}
        body = body_path.read_text(encoding="utf-8") if body_path.is_file() else ""
        meta = {"title": sidecar.get("title"), "author": _author(sidecar.get("author")), "date": sidecar.get("date")}
        status = sidecar.get("status", "missing")
        if status == "ok" and sidecar.get("language") not in Config().languages:
            status = SKIPPED  # what the pipeline's default configuration would have done
        extractor = next((note.get("extractor", "") for note in sidecar.get("trace", []) if "extractor" in note), "")
        results[item.rel] = Output(body, meta, status, extractor)
    return results


def _trafilatura_cache(cache: Path) -> Path:
    return cache / f"trafilatura-{package_metadata.version('trafilatura')}"


def _baseline_job(job: tuple[str, str, str]) -> dict[str, Any]:
    """One baseline on one input file (a worker's unit); trafilatura's results are cached."""
    system, path, cache_path = job
    cached = Path(cache_path) if cache_path else None
    if cached is not None and cached.is_file():
        return json.loads(cached.read_text(encoding="utf-8"))
    text = Path(path).read_text(encoding="utf-8")
    if system == TRAFILATURA:
        extracted = baselines.trafilatura_extract(text)
        result = {"body": extracted.get("text", ""),
                  "meta": {name: extracted.get(name) for name in ("title", "author", "date")}}
    elif system == JUSTEXT:
        result = {"body": baselines.justext_body(text), "meta": {}}
    elif system == LINE_FILTER:
        result = {"body": baselines.line_filter_body(text), "meta": {}}
    elif system == NONE:
        result = {"body": text, "meta": {}}
    else:
        raise ValueError(f"unknown baseline {system!r}")
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_text(json.dumps(result, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    return result


def run_baselines(suites: list[Suite], inputs: Path, cache: Path, workers: int) -> dict[tuple[str, str, str], Output]:
    """Every baseline of every suite, in one pool; ``(suite, system, rel) -> Output``."""
    keys, jobs = [], []
    for suite in suites:
        for system in suite.systems:
            if system == PIPELINE:
                continue
            for item in suite.items:
                cache_path = (_trafilatura_cache(cache) / suite.name / f"{item.rel}.json"
                              if system == TRAFILATURA else None)
                keys.append((suite.name, system, item.rel))
                jobs.append((system, str(inputs / suite.name / item.rel), str(cache_path or "")))
    if workers > 1 and len(jobs) > 1:
        with Pool(workers) as pool:
            results = pool.map(_baseline_job, jobs, chunksize=4)
    else:
        results = [_baseline_job(job) for job in jobs]
    return {key: Output(result["body"], result["meta"]) for key, result in zip(keys, results)}


# --------------------------------------------------------------------------- scoring

def _skipped_note(outputs: list[Output]) -> str:
    statuses: dict[str, int] = {}
    for output in outputs:
        if output.status != "ok":
            statuses[output.status] = statuses.get(output.status, 0) + 1
    return ", ".join(f"{count} {status}" for status, count in sorted(statuses.items()))


def _fallback_note(outputs: list[Output]) -> str:
    """How many HTML pages the block model was unsure of and left to trafilatura (or beautifulsoup)."""
    extracted = [output.extractor for output in outputs if output.extractor and output.extractor != "none"]
    fell = sum(extractor != "blocks" for extractor in extracted)
    return f"{fell} of {len(extracted)} fell back to trafilatura" if extracted else ""


def score_suite(suite: Suite, system: str, outputs: list[Output]) -> list[Row]:
    """The rows of one system on one suite (its score, then metadata accuracy where references exist)."""
    base = {"corpus": suite.corpus, "track": suite.track, "system": system, "pages": len(outputs),
            "readme": README_FIGURES.get((suite.corpus, suite.track, system)),
            "target": TARGETS.get(suite.corpus, ""),
            "note": "; ".join(note for note in (_skipped_note(outputs), _fallback_note(outputs)) if note)}
    pairs = [(item.truth, output.body) for item, output in zip(suite.items, outputs)]
    rows: list[Row] = []
    if suite.kind in (SHINGLES, WORDS, TOKENS):
        scorer: Callable[[Iterable[tuple[str, str]]], metrics.Score] = {
            SHINGLES: metrics.shingle_scores, WORDS: metrics.word_scores,
            TOKENS: lambda ps: metrics.macro(metrics.token_prf(t, p) for t, p in ps)}[suite.kind]
        score = scorer(pairs)
        rows.append(Row(metric=f"{suite.kind} F1", precision=score.precision, recall=score.recall, f1=score.f1,
                        **base))
    elif suite.kind == SNIPPETS:
        found = absent = with_total = without_total = 0
        for item, output in zip(suite.items, outputs):
            hits = metrics.snippet_hits(output.body, item.with_snippets, item.without_snippets)
            found, absent = found + hits[0], absent + hits[1]
            with_total, without_total = with_total + len(item.with_snippets), without_total + len(item.without_snippets)
        note = f"with {found}/{with_total}, without {without_total - absent}/{without_total}"
        base["note"] = "; ".join(part for part in (note, base["note"]) if part)
        rows.append(Row(metric="snippets", precision=absent / without_total if without_total else None,
                        recall=found / with_total if with_total else None, **base))
    elif suite.kind == LINES:
        scores = [metrics.line_scores(item.labels, item.text, output.body)
                  for item, output in zip(suite.items, outputs)]
        tokens = metrics.macro(score.tokens for score in scores)
        leaked, lost = sum(s.leaked for s in scores), sum(s.lost for s in scores)
        drop, body = sum(s.drop_lines for s in scores), sum(s.body_lines for s in scores)
        base["note"] = "; ".join(part for part in (f"of {drop} drop / {body} body lines", base["note"]) if part)
        rows.append(Row(metric="token F1", precision=tokens.precision, recall=tokens.recall, f1=tokens.f1,
                        leaked=leaked, lost=lost, **base))
    if system in (PIPELINE, TRAFILATURA) and any(any(item.meta.values()) for item in suite.items):
        accuracy = metrics.metadata_accuracy((output.meta, item.meta) for item, output in zip(suite.items, outputs))
        for name, value in accuracy.items():
            if value["pages"]:
                rows.append(Row(corpus=suite.corpus, track=suite.track, system=system, metric=f"{name} acc",
                                pages=value["pages"], f1=value["accuracy"]))
    return rows


#: The pipeline's status for a page in a language it is not configured for (``Config.languages``).
SKIPPED = "skipped"
#: Suffix of the metric of rows scored only on the pages the pipeline did not skip.
SUPPORTED_SUFFIX = " (pipeline's languages)"


def _supported_rows(suite: Suite, produced: dict[tuple[str, str, str], Output]) -> list[Row]:
    """Every system again on the pages the pipeline did not skip, when it skipped some.

    The pipeline keeps Arabic and English only: a skipped page scores 0 recall
    for it and full marks for a baseline, so the comparison that says whether
    the pipeline extracts well is the one on the pages it processed.
    """
    if suite.kind not in (SHINGLES, WORDS, TOKENS) or PIPELINE not in suite.systems:
        return []
    kept = [item for item in suite.items if produced[(suite.name, PIPELINE, item.rel)].status != SKIPPED]
    if len(kept) == len(suite.items) or not kept:
        return []
    part = Suite(suite.corpus, suite.track, suite.kind, suite.systems, kept)
    rows = []
    for system in suite.systems:
        scored = score_suite(part, system, [produced[(suite.name, system, item.rel)] for item in kept])[0]
        scored.metric += SUPPORTED_SUFFIX
        scored.readme = None
        rows.append(scored)
    return rows


def _targets_from_baselines(rows: list[Row]) -> None:
    """A pipeline row's target, where none is set: the best baseline F1 on the same corpus and track."""
    for row in rows:
        if row.system != PIPELINE or row.target or row.f1 is None or row.metric.endswith(" acc"):
            continue
        best = [other.f1 for other in rows
                if (other.corpus, other.track, other.metric) == (row.corpus, row.track, row.metric)
                and other.system not in (PIPELINE, NONE) and other.f1 is not None]
        if best:
            row.target = f">= {max(best):.3f}"


def _arabic_checks(eval_root: Path) -> tuple[Any, str]:
    """The results of :mod:`pipeline.evaluation.arabic_checks` and their printed table, when that module exists."""
    try:
        from pipeline.evaluation import arabic_checks
    except ImportError:
        return None, ""
    try:
        results = arabic_checks.run_arabic_checks(eval_root)
    except OSError as error:  # a corpora folder without encoding/ or langid/ (the CI slice)
        return None, f"skipped: {type(error).__name__}: {error.strerror or error}"
    except Exception as error:  # noqa: BLE001 - another module's failure must not lose the eval table
        return {"error": f"{type(error).__name__}: {error}"}, f"FAILED: {type(error).__name__}: {error}"
    formatter = getattr(arabic_checks, "format_table", None)
    return results, formatter(results) if formatter else json.dumps(results, indent=2, sort_keys=True)


#: Suffix of the keys that are timings: printed, but left out of ``eval.json`` so it stays deterministic.
TIMING_SUFFIX = "_ms"


def _without_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _without_timings(item) for key, item in value.items() if not str(key).endswith(TIMING_SUFFIX)}
    return value


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, DIGITS)
    if isinstance(value, dict):
        return {str(key): _rounded(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_rounded(item) for item in value]
    if hasattr(value, "__dataclass_fields__"):
        return _rounded(asdict(value))
    return value


def run_eval(eval_root: Path, out_dir: Path = DEFAULT_OUT, subset: int | None = None,
             workers: int = WORKERS, log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run the pipeline and the baselines on every corpus below ``eval_root``; return the table.

    ``subset`` keeps only the first ``subset`` pages (by id) of scrapinghub and
    wcxb-dev. The result (``{"rows": [...], "arabic_checks": ..., ...}``) is
    also written to ``<out_dir>/eval.json``.
    """
    eval_root, out_dir = Path(eval_root), Path(out_dir)
    say = log or (lambda message: None)
    inputs, outputs = out_dir / "runs" / "in", out_dir / "runs" / "out"
    started = time.monotonic()
    suites = build_suites(eval_root, inputs, out_dir / "dumps", subset)
    say(f"inputs: {sum(len(s.items) for s in suites)} documents in {len(suites)} suites "
        f"({time.monotonic() - started:.0f}s)")
    produced: dict[tuple[str, str, str], Output] = {}
    for suite in suites:
        for rel, output in run_pipeline(suite, inputs, outputs, workers).items():
            produced[(suite.name, PIPELINE, rel)] = output
        say(f"pipeline: {suite.corpus} {suite.track} ({time.monotonic() - started:.0f}s)")
    produced.update(run_baselines(suites, inputs, out_dir / "cache", workers))
    say(f"baselines done ({time.monotonic() - started:.0f}s)")
    rows: list[Row] = []
    for suite in suites:
        for system in suite.systems:
            rows += score_suite(suite, system, [produced[(suite.name, system, item.rel)] for item in suite.items])
        rows += _supported_rows(suite, produced)
    _targets_from_baselines(rows)
    checks, checks_table = _arabic_checks(eval_root)
    say(f"arabic checks done ({time.monotonic() - started:.0f}s)")
    result = {
        "eval_root": eval_root.name,
        "subset": subset,
        "rows": [_rounded(asdict(row)) for row in rows],
        "arabic_checks": _rounded(_without_timings(checks)),
        "versions": {name: package_metadata.version(name) for name in ("trafilatura", "justext", "inscriptis")},
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / RESULT_FILE).write_text(json.dumps(result, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
                                       encoding="utf-8")
    result["arabic_checks_table"] = checks_table
    return result


# --------------------------------------------------------------------------- table and CLI

TABLE_COLUMNS = (("corpus", "corpus"), ("track", "track"), ("system", "system"), ("metric", "metric"),
                 ("pages", "n"), ("precision", "P"), ("recall", "R"), ("f1", "F1/acc"), ("leaked", "leaked"),
                 ("lost", "lost"), ("readme", "README"), ("target", "target"), ("note", "note"))


def format_table(result: dict[str, Any]) -> str:
    """The rows of ``result`` as one aligned plain-text table."""
    def cell(value: Any) -> str:
        if value is None:
            return ""
        return f"{value:.3f}" if isinstance(value, float) else str(value)

    header = [title for _, title in TABLE_COLUMNS]
    body = [[cell(row.get(key)) for key, _ in TABLE_COLUMNS] for row in result["rows"]]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    lines = ["  ".join(text.ljust(width) for text, width in zip(line, widths)).rstrip() for line in [header, *body]]
    lines.insert(1, "  ".join("-" * width for width in widths))
    if result.get("arabic_checks_table"):
        lines += ["", "arabic checks (pipeline.evaluation.arabic_checks):", result["arabic_checks_table"]]
    return "\n".join(lines)


def default_eval_root() -> Path | None:
    """``../shared/eval`` when it exists (CI and the team's machines), else None."""
    return DEFAULT_EVAL_ROOT if DEFAULT_EVAL_ROOT.is_dir() else None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``pipeline eval``."""
    parser.add_argument("eval_root", nargs="?", type=Path, default=None,
                        help=f"folder of evaluation corpora (default: {DEFAULT_EVAL_ROOT} when present)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="folder for eval.json, the runs and caches (default: eval-out)")
    parser.add_argument("--quick", action="store_true",
                        help=f"only the first {QUICK_PAGES} pages of scrapinghub and wcxb-dev")
    parser.add_argument("--workers", type=int, default=WORKERS, help=f"processes (default: {WORKERS})")


def main(args: argparse.Namespace) -> int:
    """Run the evaluation, print the table, write ``eval.json``."""
    eval_root = args.eval_root or default_eval_root()
    if eval_root is None or not Path(eval_root).is_dir():
        print(f"pipeline eval: corpora folder not found: {eval_root or DEFAULT_EVAL_ROOT}", file=sys.stderr)
        return 2
    result = run_eval(eval_root, args.out, subset=QUICK_PAGES if args.quick else None, workers=args.workers,
                      log=lambda message: print(message, file=sys.stderr, flush=True))
    print(format_table(result))
    print(f"\nwrote {Path(args.out) / RESULT_FILE}")
    return 0

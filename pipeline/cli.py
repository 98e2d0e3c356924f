"""The ``pipeline`` command: ``clean``, and the review, evaluation and benchmark tools.

Each sub-command lives with the code it drives; this module only wires the
parser. ``COMMANDS`` maps a name to ``module:function`` of a function that
adds the sub-command's arguments and returns the function that runs it.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

#: name -> (module, help). Each module has ``add_arguments(parser)`` and ``main(args) -> int``.
COMMANDS = {
    "clean": ("pipeline.cli", "clean a folder of raw documents into bodies and sidecars"),
    "diff": ("pipeline.review.diff", "show which lines moved between body and removed between two runs, and why"),
    "report": ("pipeline.review.report", "write a static HTML review page of an output folder"),
    "explain": ("pipeline.review.explain", "clean one file and print every line's decision, stage, reason and language"),
    "bench": ("pipeline.bench", "measure docs/s, MB/s, per-stage time, scaling, memory and re-run time"),
    "eval": ("pipeline.evaluation.run", "score the pipeline and reference baselines on the dev corpora"),
    "train": ("pipeline.training.train", "rebuild the line model from the dev corpora"),
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Arguments of ``pipeline clean``; every default that changes an output is :class:`Config`'s."""
    from pipeline.chain import DEFAULT_BATCH_SIZE
    from pipeline.config import BODY_FORMATS, OUTPUT_FORMATS, Config

    defaults = Config()
    parser.add_argument("input", type=Path,
                        help="folder of raw documents: .txt/.html[.gz] files, .warc[.gz] and .jsonl[.gz] (never modified)")
    parser.add_argument("output", type=Path, help="folder for <name>.txt and <name>.json outputs")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes (default: CPU count; 0 cleans in this process); Dask workers with --engine dask")
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="local process pool (default), or dask.distributed (pip install '.[dask]')")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="with --engine dask: a running scheduler (tcp://host:8786); default a LocalCluster on 127.0.0.1")
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE,
                        help=f"documents a stage sees at once (default {DEFAULT_BATCH_SIZE}; outputs are the same for any)")
    parser.add_argument("--format", dest="output_format", choices=OUTPUT_FORMATS, default=defaults.output_format,
                        help="files: <name>.txt + <name>.json (default); jsonl: one documents.jsonl of {id, text, metadata}")
    parser.add_argument("--body", dest="body_format", choices=BODY_FORMATS, default=defaults.body_format,
                        help=f"body files (and JSONL text): text, kept lines as paragraphs, or markdown, with "
                             f"headings, lists, tables, quotes and code (default {defaults.body_format})")
    parser.add_argument("--timeout", type=float, default=defaults.timeout,
                        help=f"CPU seconds one document may take before it is recorded as failed with reason "
                             f"timeout, plus 10 s per MB of input (default {defaults.timeout:g}; 0: none)")
    parser.add_argument("--site-pass", action=argparse.BooleanOptionalAction, default=defaults.site_pass,
                        help="remove lines repeated across many documents of one site (default: on)")
    parser.add_argument("--follow-symlinks", action="store_true", default=defaults.follow_symlinks,
                        help="read symbolic links that point outside the input folder (default: listed, not read)")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="progress bar on stderr (default: on a terminal, off in CI and when piped)")
    parser.add_argument("--languages", default=",".join(defaults.languages),
                        help="comma-separated languages to keep (or 'all'); others are reported, not dropped silently")
    parser.add_argument("--search-keys", action="store_true", default=defaults.search_keys,
                        help="also write an Arabic search-key form of the body to the sidecar")


def config_from(args: argparse.Namespace):
    from pipeline.config import Config

    languages = tuple(sorted(code.strip() for code in args.languages.split(",") if code.strip()))
    return Config(languages=languages, search_keys=args.search_keys, timeout=args.timeout or None,
                  site_pass=args.site_pass, output_format=args.output_format, follow_symlinks=args.follow_symlinks,
                  body_format=args.body_format)


def main_clean(args: argparse.Namespace) -> int:
    from pipeline.io.write import StorageError
    from pipeline.runners.lock import RunLocked
    from pipeline.runners.pool import WorkerStartError
    from pipeline.runners.run import run
    from pipeline.runners.summary import Progress

    progress = Progress.wanted() if args.progress is None else args.progress
    if args.scheduler and args.engine != "dask":
        print("pipeline clean: --scheduler needs --engine dask", file=sys.stderr)
        return 2
    try:
        summary = run(args.input, args.output, config=config_from(args), workers=args.workers, engine=args.engine,
                      scheduler=args.scheduler, batch_size=args.batch_size, progress=progress)
    except (NotADirectoryError, ValueError, ImportError, WorkerStartError, RunLocked, StorageError) as error:
        print(f"pipeline clean: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("pipeline clean: interrupted; what was finished is kept, and the next run does the rest",
              file=sys.stderr)
        return 130
    print(summary.line())
    return 1 if summary.failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pipeline", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        module = importlib.import_module(module_name)
        if module_name == __name__:
            add_arguments(command)
            command.set_defaults(run=main_clean)
        else:
            module.add_arguments(command)
            command.set_defaults(run=module.main)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())

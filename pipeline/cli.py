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
    """Arguments of ``pipeline clean``."""
    parser.add_argument("input", type=Path,
                        help="folder of raw documents: .txt/.html[.gz] files, .warc[.gz] and .jsonl[.gz] (never modified)")
    parser.add_argument("output", type=Path, help="folder for <name>.txt and <name>.json outputs")
    parser.add_argument("--workers", type=int, default=None,
                        help="processes (default: CPU count; 0 cleans in this process); Dask workers with --engine dask")
    parser.add_argument("--engine", choices=("local", "dask"), default="local",
                        help="local process pool (default), or dask.distributed (pip install '.[dask]')")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS",
                        help="with --engine dask: a running scheduler (tcp://host:8786); default a LocalCluster on 127.0.0.1")
    parser.add_argument("--format", dest="output_format", choices=("files", "jsonl"), default="files",
                        help="files: <name>.txt + <name>.json (default); jsonl: one documents.jsonl of {id, text, metadata}")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="CPU seconds one document may take before it is recorded as failed with reason "
                             "timeout, plus 10 s per MB of input (0: none)")
    parser.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                        help="progress bar on stderr (default: on a terminal, off in CI and when piped)")
    parser.add_argument("--languages", default="ar,en",
                        help="comma-separated languages to keep (or 'all'); others are reported, not dropped silently")
    parser.add_argument("--search-keys", action="store_true",
                        help="also write an Arabic search-key form of the body to the sidecar")


def config_from(args: argparse.Namespace):
    from pipeline.core import Config

    languages = tuple(sorted(code.strip() for code in args.languages.split(",") if code.strip()))
    return Config(languages=languages, search_keys=args.search_keys)


def main_clean(args: argparse.Namespace) -> int:
    from pipeline.runners.local import Progress, WorkerStartError, run

    progress = Progress.wanted() if args.progress is None else args.progress
    if args.scheduler and args.engine != "dask":
        print("pipeline clean: --scheduler needs --engine dask", file=sys.stderr)
        return 2
    try:
        summary = run(args.input, args.output, config_from(args), workers=args.workers,
                      output_format=args.output_format, timeout=args.timeout or None, progress=progress,
                      engine=args.engine, scheduler=args.scheduler)
    except (NotADirectoryError, ValueError, ImportError, WorkerStartError) as error:
        print(f"pipeline clean: {error}", file=sys.stderr)
        return 2
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

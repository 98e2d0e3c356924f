"""Training the shipped models from the dev corpora: labels, features, grouped cross-validation."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pipeline.io.write import write_atomic


def add_corpus_arguments(parser: argparse.ArgumentParser, model_path: Path) -> None:
    """The arguments every trainer takes: the corpora, the seeds and their labels, the model's path, --cv-only."""
    parser.add_argument("eval_root", type=Path, nargs="?", default=Path("../shared/eval"),
                        help="the dev corpora (default: ../shared/eval)")
    parser.add_argument("--seeds", type=Path, default=None, help="seed dumps (default: <eval_root>/../seeds)")
    parser.add_argument("--gold", type=Path, default=None, help="seed labels (default: <eval_root>/../gold)")
    add_model_arguments(parser, model_path)


def add_model_arguments(parser: argparse.ArgumentParser, model_path: Path) -> None:
    """The arguments of where a trainer writes its model: ``--output``, ``--cv-only``."""
    parser.add_argument("--output", type=Path, default=model_path, help="where to write the model")
    parser.add_argument("--cv-only", action="store_true", help="cross-validate and report; do not write a model")


def corpus_folders(args: argparse.Namespace, command: str) -> tuple[Path, Path, Path] | None:
    """The corpora, seed and label folders :func:`add_corpus_arguments` names, defaults filled in;
    None, after saying so on stderr, when the corpora are not there."""
    root = Path(args.eval_root)
    if not root.is_dir():
        print(f"{command}: corpora not found: {root}", file=sys.stderr)
        return None
    return root, args.seeds or root.parent / "seeds", args.gold or root.parent / "gold"


def log(message: str) -> None:
    """A trainer's progress line, on stderr (stdout carries the report)."""
    print(message, file=sys.stderr, flush=True)


def write_model(path: Path, model: dict[str, Any]) -> None:
    """Write a model as compact, sorted JSON, in one atomic rename, and say so."""
    write_atomic(path, json.dumps(model, separators=(",", ":"), sort_keys=True) + "\n")
    print(f"wrote {path} ({path.stat().st_size // 1024} KiB)")

"""Training the shipped models from the dev corpora: labels, features, grouped cross-validation."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_corpus_arguments(parser: argparse.ArgumentParser, model_path: Path) -> None:
    """The arguments every trainer takes: the corpora, the seeds and their labels, the model's path, --cv-only."""
    parser.add_argument("eval_root", type=Path, nargs="?", default=Path("../shared/eval"),
                        help="the dev corpora (default: ../shared/eval)")
    parser.add_argument("--seeds", type=Path, default=None, help="seed dumps (default: <eval_root>/../seeds)")
    parser.add_argument("--gold", type=Path, default=None, help="seed labels (default: <eval_root>/../gold)")
    parser.add_argument("--output", type=Path, default=model_path, help="where to write the model")
    parser.add_argument("--cv-only", action="store_true", help="cross-validate and report; do not write a model")

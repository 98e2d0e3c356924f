"""The examples in the modules' docstrings hold: they are the first documentation a user reads."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

import pipeline

PACKAGE = Path(pipeline.__file__).resolve().parent
#: Every module of the package, found by file, so folders without ``__init__.py`` (``pipeline.io``,
#: ``pipeline.boilerplate``: namespace packages, which ``pkgutil.walk_packages`` passes over) count too.
MODULES = sorted(
    ".".join(("pipeline", *path.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__")
    for path in PACKAGE.rglob("*.py") if path.name != "__main__.py")


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE, verbose=False)
    assert result.failed == 0, f"{result.failed} docstring example(s) of {name} fail: run python -m doctest -v"

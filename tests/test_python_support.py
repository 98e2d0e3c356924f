"""The Python versions claimed are ones the pinned dependencies install on, and the README says the same.

README used to say 3.10+, but the pinned numpy (and regex) need 3.11, so ``make clean`` could not set
up on a Python the project claimed; ``make test-pythons`` runs the suite under each Python found.
"""

from __future__ import annotations

import importlib.metadata
import re
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def minimum(specifier: str | None) -> tuple[int, int]:
    """The lowest Python a ``Requires-Python`` admits (``>=3.11`` -> (3, 11)); (0, 0) when it says none."""
    match = re.search(r">=\s*(\d+)\.(\d+)", specifier or "")
    return (int(match.group(1)), int(match.group(2))) if match else (0, 0)


def test_the_claimed_python_is_one_every_pinned_dependency_supports() -> None:
    claimed = minimum(PROJECT["requires-python"])
    needs = {}
    for requirement in PROJECT["dependencies"]:
        name = re.split(r"[=<>!\[ ]", requirement, maxsplit=1)[0]
        needs[name] = minimum(importlib.metadata.metadata(name).get("Requires-Python"))
    too_new = {name: need for name, need in needs.items() if need > claimed}
    assert not too_new, f"requires-python {PROJECT['requires-python']} but these pins need more: {too_new}"
    assert claimed == (3, 11)


def test_the_readme_names_the_same_python() -> None:
    claimed = "{}.{}+".format(*minimum(PROJECT["requires-python"]))
    assert f"`python3` ({claimed})" in (ROOT / "README.md").read_text(encoding="utf-8")


def test_make_test_pythons_skips_pythons_that_are_absent_or_too_old() -> None:
    result = subprocess.run(["make", "-s", "-C", str(ROOT), "test-pythons", "PYTHONS=python3.99 python2"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines() == ["python3.99: not found (or older than 3.11), skipped",
                                          "python2: not found (or older than 3.11), skipped"]

"""The package's shape: no import cycles (lazy imports inside functions included), and the layers
of ``../shared/DESIGN.md`` respected (nothing imports a module of a higher layer)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "pipeline"

#: Layers from the bottom up; a module may import its own layer and the layers below it.
#: ``pipeline/__init__.py`` and the command line are the top: they may import anything.
LAYERS = (
    ("pipeline.version", "pipeline.config", "pipeline.document"),
    ("pipeline.text", "pipeline.html", "pipeline.model", "pipeline.boilerplate"),
    ("pipeline.io",),
    ("pipeline.stages", "pipeline.sitewide"),
    ("pipeline.chain",),
    ("pipeline.runners",),
    ("pipeline.review", "pipeline.evaluation", "pipeline.training", "pipeline.bench"),
    ("pipeline.cli", "pipeline.__main__", "pipeline"),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, name: str) -> set[str]:
    """Every pipeline module ``path`` imports, at the top or inside a function."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return {item for item in found if item == "pipeline" or item.startswith("pipeline.")}


def graph() -> dict[str, set[str]]:
    modules = {module_name(path): path for path in PACKAGE.rglob("*.py")}
    return {name: {target for target in imports_of(path, name) if target in modules and target != name}
            for name, path in modules.items()}


def layer(name: str) -> int:
    best = -1, -1
    for number, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if name == prefix or name.startswith(prefix + "."):
                best = max(best, (len(prefix), number))
    assert best[1] >= 0, f"{name} is in no layer of LAYERS"
    return best[1]


def test_no_module_of_the_package_is_in_an_import_cycle() -> None:
    edges = graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges[node]):
            if state.get(target) == 1:
                cycles.append(path[path.index(target):] + [target] if target in path else [node, target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(cycle) for cycle in cycles)


def test_no_module_imports_a_higher_layer() -> None:
    upward = [f"{source} ({layer(source)}) imports {target} ({layer(target)})"
              for source, targets in graph().items() for target in sorted(targets)
              if layer(target) > layer(source) and source != "pipeline"]
    assert not upward, "\n".join(upward)

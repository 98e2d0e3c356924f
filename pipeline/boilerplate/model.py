"""The line model at run time: gradient-boosted trees, walked by a compiled kernel.

``make train`` fits the trees with LightGBM and exports them to
``pipeline/resources/line-model.json``; the pipeline itself never imports
LightGBM. The walk (``_forest.pyx``, compiled at install) takes each line down
each tree in C and remembers the leaf it reached, for naming removals; numpy
did the same in vectorised steps at about four times the cost.

The comparison is LightGBM's own (``value <= threshold`` goes left, in double
precision) and no feature is ever NaN, so the scores are the trainer's scores
(``tests/test_boilerplate.py`` checks this against LightGBM on a fixture).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import numpy as np

from pipeline.boilerplate import _forest

MODEL_RESOURCE = "line-model.json"
#: Version of the exported format; the loader refuses others (2: with the page gate).
FORMAT = 2
#: Rows (lines) walked down the trees at a time. Every line is scored on its own, so the blocks give
#: the same scores as one walk over all rows; they bound the (rows x trees) work arrays of a huge dump.
BLOCK_ROWS = 4096


def row_blocks(rows: int, size: int | None = None) -> list[tuple[int, int]]:
    """``(start, stop)`` of consecutive blocks of at most ``size`` rows covering ``rows`` rows.

        >>> row_blocks(10, size=4)
        [(0, 4), (4, 8), (8, 10)]
    """
    size = BLOCK_ROWS if size is None else size
    return [(start, min(start + size, rows)) for start in range(0, rows, size)]


@dataclass(frozen=True)
class Forest:
    """All trees of one boosted model, flattened into node arrays (the exported layout)."""

    feature: np.ndarray  # (nodes,) int64: split feature, 0 at leaves
    threshold: np.ndarray  # (nodes,) float64: split threshold, +inf at leaves (so they "go left" to themselves)
    children: np.ndarray  # (nodes, 2) int64: left and right child; a leaf points to itself
    value: np.ndarray  # (nodes,) float64: leaf value; at internal nodes, LightGBM's internal value
    roots: np.ndarray  # (trees,) int64
    depth: int  # longest root-to-leaf path

    def __post_init__(self) -> None:
        # The walking layout: nodes renumbered breadth-first so that every internal node's children are
        # adjacent (right = left + 1) and one step is ``node = left[node] + (x > threshold[node])``; a leaf's
        # "left child" is itself and its threshold +inf, so a row that reached its leaf stays there.
        # Each tree's depth (its longest path) is the number of steps the walk takes down it.
        order: list[int] = []
        queue = [(int(root), tree, 0) for tree, root in enumerate(self.roots)]
        depths = np.zeros(len(self.roots), dtype=np.int64)
        head = 0
        while head < len(queue):
            node, tree, level = queue[head]
            head += 1
            order.append(node)
            depths[tree] = max(depths[tree], level)
            left, right = self.children[node]
            if left != node:
                queue += [(int(left), tree, level + 1), (int(right), tree, level + 1)]
        old = np.asarray(order, dtype=np.int64)
        new_index = np.empty(len(old), dtype=np.int64)
        new_index[old] = np.arange(len(old))
        left = new_index[self.children[old, 0]]
        internal = self.children[old, 0] != old
        if internal.any() and not (new_index[self.children[old[internal], 1]] == left[internal] + 1).all():
            raise ValueError("tree layout: children are not adjacent")
        feature, value = self.feature[old], self.value[old]
        object.__setattr__(self, "_feature", feature)
        object.__setattr__(self, "_threshold", self.threshold[old].copy())
        object.__setattr__(self, "_left", left)
        object.__setattr__(self, "_value", value)
        object.__setattr__(self, "_roots", new_index[self.roots])
        object.__setattr__(self, "_depths", depths)
        # Each leaf's path, for attribution: the split feature and the value change at each step from the
        # root (step ``d`` of a path shorter than ``depth`` credits 0.0 to feature 0, as a leaf "moving" to
        # itself would). The path is a function of the leaf, so a walk needs to remember only its leaves.
        steps = max(self.depth, 1)
        path_feature = np.zeros((len(old), steps), dtype=np.int64)
        path_delta = np.zeros((len(old), steps))
        path_length = np.zeros(len(old), dtype=np.int64)
        parent = np.full(len(old), -1, dtype=np.int64)
        parent[left[internal]] = np.flatnonzero(internal)
        parent[left[internal] + 1] = np.flatnonzero(internal)
        for leaf in np.flatnonzero(~internal).tolist():
            chain = [leaf]
            while parent[chain[-1]] >= 0:
                chain.append(int(parent[chain[-1]]))
            chain.reverse()
            path_length[leaf] = len(chain) - 1
            for d, (up, down) in enumerate(zip(chain, chain[1:])):
                path_feature[leaf, d] = feature[up]
                path_delta[leaf, d] = value[down] - value[up]
        object.__setattr__(self, "_path_feature", path_feature)
        object.__setattr__(self, "_path_delta", path_delta)
        object.__setattr__(self, "_path_length", path_length)

    def walk(self, X: np.ndarray, extra: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Every row down every tree: LightGBM's raw score per row, and the leaf each row reached in each
        tree (rows x trees), from the compiled walk (``_forest.pyx``). ``extra``: more columns of the same
        rows, after those of ``X`` (as ``np.hstack([X, extra])``, without the copy)."""
        rows = X.shape[0]
        scores = np.zeros(rows)
        leaves = np.empty((rows, len(self._roots)), dtype=np.int32)
        extra = np.zeros((rows, 0)) if extra is None else np.ascontiguousarray(extra, dtype=np.float64)
        _forest.walk(np.ascontiguousarray(X, dtype=np.float64), extra, self._feature, self._threshold, self._left,
                     self._value, self._roots, self._depths, scores, leaves)
        return scores, leaves

    def raw_score(self, X: np.ndarray, extra: np.ndarray | None = None) -> np.ndarray:
        """Sum of the trees' leaf values for each row of ``X`` (and ``extra``, :meth:`walk`): LightGBM's raw
        score."""
        return self.walk(X, extra)[0]

    def predict(self, X: np.ndarray, extra: np.ndarray | None = None) -> np.ndarray:
        """Probability of the positive class (body)."""
        return 1.0 / (1.0 + np.exp(-self.raw_score(X, extra)))

    def top_negative_feature(self, X: np.ndarray, rows: np.ndarray | None = None,
                             leaves: np.ndarray | None = None) -> np.ndarray:
        """For each row, the feature that pushed its score down the most (path attribution).

        Each split on a row's path moves the expected value from the node's to
        the child's; that change is credited to the split's feature (Saabas'
        attribution; the first tree is left out, its leaves carry the base score).
        ``leaves`` is what a :meth:`walk` over all of ``X`` returned and ``rows``
        the rows wanted from it, so no second walk is needed.
        """
        rows = np.arange(X.shape[0]) if rows is None else np.asarray(rows, dtype=np.int64)
        if len(rows) == 0 or len(self._roots) <= 1:
            return np.zeros(len(rows), dtype=np.int64)
        if leaves is None:
            leaves = self.walk(X[rows])[1]
            rows = np.arange(len(rows), dtype=np.int64)
        found = np.zeros(len(rows), dtype=np.int64)
        _forest.most_negative(np.ascontiguousarray(leaves, dtype=np.int32), rows.astype(np.int64), self._path_feature,
                              self._path_delta, self._path_length, np.zeros(X.shape[1]), found)
        return found

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Forest:
        return cls(np.asarray(data["feature"], dtype=np.int64), np.asarray(data["threshold"], dtype=np.float64),
                   np.asarray(data["children"], dtype=np.int64).reshape(-1, 2),
                   np.asarray(data["value"], dtype=np.float64), np.asarray(data["roots"], dtype=np.int64),
                   int(data["depth"]))

    def to_json(self) -> dict[str, Any]:
        return {"feature": self.feature.tolist(), "threshold": [float(t) for t in self.threshold],
                "children": self.children.reshape(-1).tolist(), "value": [float(v) for v in self.value],
                "roots": self.roots.tolist(), "depth": self.depth}


def forest_from_lightgbm(dump: dict[str, Any]) -> Forest:
    """Flatten ``lightgbm.Booster.dump_model()`` into a :class:`Forest` (binary objective, numeric splits)."""
    feature: list[int] = []
    threshold: list[float] = []
    children: list[list[int]] = []
    value: list[float] = []
    roots: list[int] = []
    depth = 0

    def add(node: dict[str, Any], level: int) -> int:
        nonlocal depth
        index = len(feature)
        feature.append(0)
        threshold.append(float("inf"))
        children.append([index, index])
        value.append(0.0)
        if "leaf_value" in node and "split_feature" not in node:
            value[index] = float(node["leaf_value"])
            depth = max(depth, level)
            return index
        if node.get("decision_type", "<=") != "<=":
            raise ValueError(f"unsupported split {node.get('decision_type')!r}: only numeric '<=' splits are exported")
        feature[index] = int(node["split_feature"])
        value[index] = float(node.get("internal_value", 0.0))
        threshold[index] = float(node["threshold"])
        left = add(node["left_child"], level + 1)
        right = add(node["right_child"], level + 1)
        children[index] = [left, right]
        return index

    for tree in dump["tree_info"]:
        roots.append(add(tree["tree_structure"], 0))
    return Forest(np.asarray(feature, dtype=np.int64), np.asarray(threshold), np.asarray(children, dtype=np.int64),
                  np.asarray(value), np.asarray(roots, dtype=np.int64), depth)


@dataclass(frozen=True)
class LineModel:
    """The two line stages, the page gate and the decision thresholds, as exported by ``pipeline train``.

    The page gate scores whole text dumps (:func:`pipeline.boilerplate.features.page_features`): a
    document it finds already clean, with probability at least ``page_threshold``, passes through
    whole (an article body fed in again must not lose its closing list or its first paragraph); one
    it finds possibly clean, from ``soft_threshold``, keeps every line the line model gives at least
    ``soft_keep``.
    """

    features: tuple[str, ...]
    stack_features: tuple[str, ...]
    first: Forest
    second: Forest
    threshold: float  # keep a dump line when the second stage's probability is at least this
    html_threshold: float  # the same for an HTML page's blocks (higher: the extractor already cleaned)
    info: dict[str, Any]
    page_features: tuple[str, ...] = ()
    page: Forest | None = None
    page_threshold: float = float("inf")
    soft_threshold: float = float("inf")
    soft_keep: float = 0.0

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LineModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"line model format {data.get('format')!r}, expected {FORMAT}")
        page = data.get("page")
        return cls(tuple(data["features"]), tuple(data["stack_features"]), Forest.from_json(data["first"]),
                   Forest.from_json(data["second"]), float(data["threshold"]), float(data["html_threshold"]),
                   data.get("info", {}), tuple(data.get("page_features", ())),
                   Forest.from_json(page) if page else None, float(data.get("page_threshold", "inf")),
                   float(data.get("soft_threshold", "inf")), float(data.get("soft_keep", 0.0)))

    def to_json(self) -> dict[str, Any]:
        data = {"format": FORMAT, "features": list(self.features), "stack_features": list(self.stack_features),
                "threshold": self.threshold, "html_threshold": self.html_threshold, "info": self.info,
                "first": self.first.to_json(), "second": self.second.to_json()}
        if self.page is not None:
            data.update(page_features=list(self.page_features), page=self.page.to_json(),
                        page_threshold=self.page_threshold, soft_threshold=self.soft_threshold,
                        soft_keep=self.soft_keep)
        return data


@lru_cache(maxsize=1)
def load_model() -> LineModel:
    """The shipped line model (``pipeline/resources/line-model.json``), loaded once per process."""
    text = resources.files("pipeline").joinpath("resources", MODEL_RESOURCE).read_text("utf-8")
    return LineModel.from_json(json.loads(text))

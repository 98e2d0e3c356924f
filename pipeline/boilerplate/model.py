"""The line model at run time: gradient-boosted trees evaluated with numpy.

``make train`` fits the trees with LightGBM and exports them to
``pipeline/resources/line-model.json``; the pipeline itself never imports
LightGBM. Every tree of a stage is walked at once: ``node`` holds one position
per (line, tree), and each step moves all of them one level down, so a stage
costs ``max depth`` vectorised steps whatever the number of trees or lines.

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

MODEL_RESOURCE = "line-model.json"
#: Version of the exported format; the loader refuses others.
FORMAT = 1


@dataclass(frozen=True)
class Forest:
    """All trees of one boosted model, flattened into node arrays."""

    feature: np.ndarray  # (nodes,) int64: split feature, 0 at leaves
    threshold: np.ndarray  # (nodes,) float64: split threshold, +inf at leaves (so they "go left" to themselves)
    children: np.ndarray  # (nodes, 2) int64: left and right child; a leaf points to itself
    value: np.ndarray  # (nodes,) float64: leaf value; at internal nodes, LightGBM's internal value
    roots: np.ndarray  # (trees,) int64
    depth: int  # longest root-to-leaf path

    def raw_score(self, X: np.ndarray) -> np.ndarray:
        """Sum of the trees' leaf values for each row of ``X`` (LightGBM's raw score)."""
        if X.shape[0] == 0:
            return np.zeros(0)
        node = np.broadcast_to(self.roots, (X.shape[0], len(self.roots))).copy()
        for _ in range(self.depth):
            x = np.take_along_axis(X, self.feature[node], axis=1)
            node = self.children[node, (x > self.threshold[node]).astype(np.int64)]
        return self.value[node].sum(axis=1)

    def top_negative_feature(self, X: np.ndarray) -> np.ndarray:
        """For each row, the feature that pushed its score down the most (path attribution).

        Each split on a row's path moves the expected value from the node's to
        the child's; that change is credited to the split's feature (Saabas'
        attribution; the first tree is left out, its leaves carry the base score).
        """
        rows, trees, width = X.shape[0], len(self.roots) - 1, X.shape[1]
        if rows == 0 or trees <= 0:
            return np.zeros(rows, dtype=np.int64)
        contribution = np.zeros(rows * width)
        node = np.broadcast_to(self.roots[1:], (rows, trees)).copy()
        row_offset = (np.arange(rows) * width)[:, None]
        for _ in range(self.depth):
            feature = self.feature[node]
            x = np.take_along_axis(X, feature, axis=1)
            child = self.children[node, (x > self.threshold[node]).astype(np.int64)]
            contribution += np.bincount((row_offset + feature).ravel(), (self.value[child] - self.value[node]).ravel(),
                                        minlength=rows * width)
            node = child
        return contribution.reshape(rows, width).argmin(axis=1)

    def predict(self, X: np.ndarray) -> np.ndarray:
        """Probability of the positive class (body)."""
        return 1.0 / (1.0 + np.exp(-self.raw_score(X)))

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
    """The two stages and the decision thresholds, as exported by ``pipeline train``."""

    features: tuple[str, ...]
    stack_features: tuple[str, ...]
    first: Forest
    second: Forest
    threshold: float  # keep a dump line when the second stage's probability is at least this
    html_threshold: float  # the same for trafilatura's lines (higher: trafilatura already cleaned)
    info: dict[str, Any]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> LineModel:
        if data.get("format") != FORMAT:
            raise ValueError(f"line model format {data.get('format')!r}, expected {FORMAT}")
        return cls(tuple(data["features"]), tuple(data["stack_features"]), Forest.from_json(data["first"]),
                   Forest.from_json(data["second"]), float(data["threshold"]), float(data["html_threshold"]),
                   data.get("info", {}))

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "features": list(self.features), "stack_features": list(self.stack_features),
                "threshold": self.threshold, "html_threshold": self.html_threshold, "info": self.info,
                "first": self.first.to_json(), "second": self.second.to_json()}


@lru_cache(maxsize=1)
def load_model() -> LineModel:
    """The shipped line model (``pipeline/resources/line-model.json``), loaded once per process."""
    text = resources.files("pipeline").joinpath("resources", MODEL_RESOURCE).read_text("utf-8")
    return LineModel.from_json(json.loads(text))

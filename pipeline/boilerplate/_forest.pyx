# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The compiled tree walk: every row of a feature matrix down every tree of a boosted forest.

The forest is the walking layout of :class:`pipeline.boilerplate.model.Forest`: nodes numbered so
that an internal node's children are adjacent (``left`` and ``left + 1``); a leaf is its own left
child. A row goes right when its value is greater than the node's threshold, as LightGBM's
numerical splits do, and the leaf values of its trees are added in tree order, as LightGBM adds
them.
"""

from libc.stdint cimport int32_t, int64_t


#: Rows walked together down each tree: their walks are independent, so the processor overlaps their
#: memory loads instead of waiting on one chain of nodes at a time (twice as fast as one row at a time
#: on the block model's 120 trees), and their rows of ``X`` stay in the first-level cache.
cdef enum:
    LANES = 8


def walk(const double[:, :] X, const int64_t[:] feature, const double[:] threshold, const int64_t[:] left,
         const double[:] value, const int64_t[:] roots, const int64_t[:] depths, double[:] scores,
         int32_t[:, :] leaves):
    """Fill ``scores`` (each row's raw score) and ``leaves`` (rows x trees: the leaf each row reached).

    Each tree takes ``depths[tree]`` steps, its longest path: a row that reaches a leaf sooner stays
    there (a leaf is its own left child, with an infinite threshold). A row's leaf values are added
    in tree order, whichever rows it is walked with."""
    cdef Py_ssize_t rows = X.shape[0], trees = roots.shape[0], start, tree, step, lane, lanes
    cdef int64_t node
    cdef int64_t nodes[LANES]
    cdef double totals[LANES]
    if scores.shape[0] < rows or leaves.shape[0] < rows or leaves.shape[1] < trees or depths.shape[0] < trees:
        raise ValueError("the output arrays are too small")
    for start in range(0, rows, LANES):
        lanes = min(LANES, rows - start)
        for lane in range(lanes):
            totals[lane] = 0.0
        for tree in range(trees):
            for lane in range(lanes):
                nodes[lane] = roots[tree]
            for step in range(depths[tree]):
                for lane in range(lanes):
                    node = nodes[lane]
                    nodes[lane] = left[node] + (X[start + lane, feature[node]] > threshold[node])
            for lane in range(lanes):
                leaves[start + lane, tree] = <int32_t>nodes[lane]
                totals[lane] += value[nodes[lane]]
        for lane in range(lanes):
            scores[start + lane] = totals[lane]


def most_negative(const int32_t[:, :] leaves, const int64_t[:] rows, const int64_t[:, :] path_feature,
                  const double[:, :] path_delta, double[:] scratch, int64_t[:] out):
    """For each row of ``rows``: the feature whose splits moved its score down the most, summed over its
    paths in every tree but the first (whose leaves carry the base score): Saabas' attribution, from the
    leaves the walk reached and each leaf's path (``path_feature``/``path_delta``: a row per node)."""
    cdef Py_ssize_t count = rows.shape[0], trees = leaves.shape[1], depth = path_feature.shape[1]
    cdef Py_ssize_t width = scratch.shape[0], i, tree, d, f, best
    cdef int64_t row
    cdef int32_t leaf
    if out.shape[0] < count:
        raise ValueError("the output array is too small")
    for i in range(count):
        row = rows[i]
        for f in range(width):
            scratch[f] = 0.0
        for tree in range(1, trees):
            leaf = leaves[row, tree]
            for d in range(depth):
                scratch[path_feature[leaf, d]] += path_delta[leaf, d]
        best = 0
        for f in range(1, width):
            if scratch[f] < scratch[best]:
                best = f
        out[i] = best

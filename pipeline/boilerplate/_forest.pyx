# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The compiled tree walk: every row of a feature matrix down every tree of a boosted forest.

The forest is the walking layout of :class:`pipeline.boilerplate.model.Forest`: nodes numbered so
that an internal node's children are adjacent (``left`` and ``left + 1``); a leaf is its own left
child. A row goes right when its value is greater than the node's threshold, as LightGBM's
numerical splits do, and the leaf values of its trees are added in tree order, as LightGBM adds
them.
"""

from libc.stdint cimport int32_t, int64_t
from libc.stdlib cimport free, malloc


#: Rows walked together down each tree: their walks are independent, so the processor overlaps their
#: memory loads instead of waiting on one chain of nodes at a time (twice as fast as one row at a time
#: on the block model's 120 trees; 16 lanes are 8% faster than 8), and their rows of ``X`` stay in the first-level cache.
cdef enum:
    LANES = 16
#: Rows taken through every tree before the next rows: a tree's nodes, read from the second-level cache
#: for the first lanes, stay in the first for the block's other lanes (a third of the walk's time). The
#: block is copied transposed, so the lanes reading one feature read neighbouring values (15% more).
cdef enum:
    BLOCK = 64


cdef inline void walk_lanes(const double* x, Py_ssize_t lanes, const int64_t* feature, const double* threshold,
                            const int64_t* left, int64_t root, int64_t depth, int64_t* nodes) noexcept nogil:
    """``lanes`` rows down one tree, from ``root``, ``depth`` steps; ``x`` is their block transposed
    (feature ``f`` of lane ``l`` at ``x[f * BLOCK + l]``), so the lanes that read one feature read
    neighbouring values."""
    cdef Py_ssize_t step, lane
    cdef int64_t node
    for lane in range(lanes):
        nodes[lane] = root
    if lanes == LANES:  # the usual case, with a constant bound the compiler unrolls
        for step in range(depth):
            for lane in range(LANES):
                node = nodes[lane]
                nodes[lane] = left[node] + (x[feature[node] * BLOCK + lane] > threshold[node])
    else:
        for step in range(depth):
            for lane in range(lanes):
                node = nodes[lane]
                nodes[lane] = left[node] + (x[feature[node] * BLOCK + lane] > threshold[node])


def walk(const double[:, ::1] X, const double[:, ::1] extra, const int64_t[::1] feature, const double[::1] threshold, const int64_t[::1] left,
         const double[::1] value, const int64_t[::1] roots, const int64_t[::1] depths, double[::1] scores,
         int32_t[:, ::1] leaves):
    """Fill ``scores`` (each row's raw score) and ``leaves`` (rows x trees: the leaf each row reached) for
    the rows of ``X`` with the columns of ``extra`` (as many rows, or none) after their own.

    Each tree takes ``depths[tree]`` steps, its longest path: a row that reaches a leaf sooner stays
    there (a leaf is its own left child, with an infinite threshold). A row's leaf values are added
    in tree order, whichever rows it is walked with."""
    cdef Py_ssize_t rows = X.shape[0], trees = roots.shape[0], own = X.shape[1], added = extra.shape[1]
    cdef Py_ssize_t width = own + added
    cdef Py_ssize_t block_start, block_stop, start, tree, lane, lanes, f
    cdef int64_t nodes[LANES]
    cdef double totals[BLOCK]
    if scores.shape[0] < rows or leaves.shape[0] < rows or leaves.shape[1] < trees or depths.shape[0] < trees:
        raise ValueError("the output arrays are too small")
    if added and extra.shape[0] != rows:
        raise ValueError("the extra columns are not the rows' own")
    if rows == 0 or trees == 0 or width == 0:
        for start in range(rows):
            scores[start] = 0.0
        return
    cdef const double* x = &X[0, 0] if own else NULL
    cdef const double* x2 = &extra[0, 0] if added else NULL
    cdef Py_ssize_t leaf_stride = leaves.shape[1]
    cdef int32_t* leaf_out = &leaves[0, 0]
    cdef double* block = <double*>malloc(BLOCK * width * sizeof(double))
    if block == NULL:
        raise MemoryError()
    with nogil:
        block_start = 0
        while block_start < rows:
            block_stop = min(block_start + BLOCK, rows)
            for lane in range(block_stop - block_start):
                totals[lane] = 0.0
                for f in range(own):
                    block[f * BLOCK + lane] = x[(block_start + lane) * own + f]
                for f in range(added):
                    block[(own + f) * BLOCK + lane] = x2[(block_start + lane) * added + f]
            for tree in range(trees):
                start = block_start
                while start < block_stop:
                    lanes = min(LANES, block_stop - start)
                    walk_lanes(block + (start - block_start), lanes, &feature[0], &threshold[0], &left[0],
                               roots[tree], depths[tree], nodes)
                    for lane in range(lanes):
                        leaf_out[(start + lane) * leaf_stride + tree] = <int32_t>nodes[lane]
                        totals[start - block_start + lane] += value[nodes[lane]]
                    start += LANES
            for lane in range(block_stop - block_start):
                scores[block_start + lane] = totals[lane]
            block_start = block_stop
    free(block)


def most_negative(const int32_t[:, ::1] leaves, const int64_t[::1] rows, const int64_t[:, ::1] path_feature,
                  const double[:, ::1] path_delta, const int64_t[::1] path_length, double[::1] scratch,
                  int64_t[::1] out):
    """For each row of ``rows``: the feature whose splits moved its score down the most, summed over its
    paths in every tree but the first (whose leaves carry the base score): Saabas' attribution, from the
    leaves the walk reached and each leaf's path (``path_feature``/``path_delta``: a row per node, of
    which the first ``path_length`` steps are the path; the rest would credit 0.0 to feature 0, which
    changes no sum's order)."""
    cdef Py_ssize_t count = rows.shape[0], trees = leaves.shape[1], depth = path_feature.shape[1]
    cdef Py_ssize_t width = scratch.shape[0], i, tree, d, f, best
    cdef int64_t row
    cdef int32_t leaf
    cdef const int64_t* features
    cdef const double* deltas
    if out.shape[0] < count:
        raise ValueError("the output array is too small")
    if count == 0 or width == 0:
        return
    cdef double* totals = &scratch[0]
    for i in range(count):
        row = rows[i]
        for f in range(width):
            totals[f] = 0.0
        for tree in range(1, trees):
            leaf = leaves[row, tree]
            features = &path_feature[leaf, 0]
            deltas = &path_delta[leaf, 0]
            for d in range(path_length[leaf]):
                totals[features[d]] += deltas[d]
        best = 0
        for f in range(1, width):
            if totals[f] < totals[best]:
                best = f
        out[i] = best

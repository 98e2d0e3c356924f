# cython: language_level=3, boundscheck=False, wraparound=False, cdivision=True, initializedcheck=False
"""The window sums of :class:`pipeline.boilerplate.features.Segments`, for every width at once.

numpy made each side of each width from four whole-batch temporaries (bounds, two gathers of the
prefix sums, a difference); here each line's sums come from its own prefix sums in one pass. The
sums are the same integers, divided by the same scale, so the values are numpy's to the last bit.
"""

from libc.stdint cimport int64_t


def window_sums(const int64_t[::1] prefix, const int64_t[::1] first, const int64_t[::1] end,
                const int64_t[::1] widths, double scale, double[:, ::1] out):
    """For each width ``widths[j]`` and line ``i``: ``out[2 * j, i]`` the sum of the (fixed-point) values
    of the ``widths[j]`` lines before ``i`` within ``first[i]``..``end[i]`` (its document), and
    ``out[2 * j + 1, i]`` of those after it, each divided by ``scale``; ``prefix`` holds the running
    sums (``prefix[i]`` of the lines before ``i``, one more entry than lines)."""
    cdef Py_ssize_t n = first.shape[0], count = widths.shape[0], i, j
    cdef int64_t k, low, high
    if prefix.shape[0] != n + 1 or end.shape[0] != n or out.shape[0] < 2 * count or out.shape[1] < n:
        raise ValueError("the arrays do not fit the lines")
    with nogil:
        for j in range(count):
            k = widths[j]
            for i in range(n):
                low = i - k
                if low < first[i]:
                    low = first[i]
                high = i + k + 1
                if high > end[i]:
                    high = end[i]
                out[2 * j, i] = <double>(prefix[i] - prefix[low]) / scale
                out[2 * j + 1, i] = <double>(prefix[high] - prefix[i + 1]) / scale

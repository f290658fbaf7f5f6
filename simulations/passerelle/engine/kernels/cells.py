"""Compiled counting in result cells: the kernels of ``passerelle.engine.groups`` (see
there for what each computes, and its numpy twin)."""

from __future__ import annotations

import numba

from passerelle.engine.groups import COVERAGE_GROUP


@numba.njit(cache=True, nogil=True)
def cells(coverage, bim, amu, quintile, commune, band, alive, n_q, n_c, n_a, gone, out):
    # One pass over people instead of numpy's seven: the engine does this every month.
    for i in range(coverage.size):
        cell_of(coverage, bim, amu, quintile, commune, band, alive, n_q, n_c, n_a, gone, out, i)


@numba.njit(cache=True, nogil=True, parallel=True)
def cells_threaded(coverage, bim, amu, quintile, commune, band, alive, n_q, n_c, n_a, gone,
                   out):
    for i in numba.prange(coverage.size):
        cell_of(coverage, bim, amu, quintile, commune, band, alive, n_q, n_c, n_a, gone, out, i)


@numba.njit(inline="always")
def cell_of(coverage, bim, amu, quintile, commune, band, alive, n_q, n_c, n_a, gone, out, i):
    if alive[i]:
        group = COVERAGE_GROUP[coverage[i] * 2 + (bim[i] | amu[i])]
        out[i] = ((group * n_q + quintile[i]) * n_c + commune[i]) * n_a + band[i]
    else:
        out[i] = gone


@numba.njit(cache=True, nogil=True)
def count_all(cell, out):
    for i in range(cell.size):
        out[cell[i]] += 1.0


@numba.njit(cache=True, nogil=True)
def count_mask(cell, mask, out):
    for i in range(cell.size):
        if mask[i]:
            out[cell[i]] += 1.0


@numba.njit(cache=True, nogil=True)
def count_at(cell, uids, out):
    for i in range(uids.size):
        out[cell[uids[i]]] += 1.0


@numba.njit(cache=True, nogil=True)
def sum_at(cell, uids, weights, out):
    for i in range(uids.size):
        out[cell[uids[i]]] += weights[i]


@numba.njit(cache=True, nogil=True)
def weigh_all(cell, each, out):
    for i in range(cell.size):
        out[cell[i]] += each[i]


@numba.njit(cache=True, nogil=True)
def weigh_mask(cell, mask, each, out):
    for i in range(cell.size):
        if mask[i]:
            out[cell[i]] += each[i]


@numba.njit(cache=True, nogil=True)
def weigh_at(cell, uids, each, out):
    for i in range(uids.size):
        out[cell[uids[i]]] += each[uids[i]]


@numba.njit(cache=True, nogil=True)
def weigh_sum_at(cell, uids, weights, each, out):
    for i in range(uids.size):
        out[cell[uids[i]]] += weights[i] * each[uids[i]]


# The kernels of groups.count_in_cells: everyone, a mask, uids, uids with their own
# weights; WEIGHED's take each person's weight (``each``) before ``out``.
COUNTED = (count_all, count_mask, count_at, sum_at)
WEIGHED = (weigh_all, weigh_mask, weigh_at, weigh_sum_at)

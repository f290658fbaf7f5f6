"""Coverage states, age bands and the result groups (coverage × quintile × commune × age band)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from passerelle.engine import kernels

# Coverage status codes (column ``coverage``).
INSURED, LAPSED, UNDOCUMENTED, ASYLUM = 0, 1, 2, 3
COVERAGE_STATES = ("insured", "lapsed", "undocumented", "asylum_seeker")
# Kinds of people a population draws attributes for, besides the two newcomer statuses
# ``undocumented`` and ``asylum_seeker`` (see ``Population.fill``).
RESIDENT, NEWBORN = "resident", "newborn"

# Result groups of coverage: status refined by BIM (insured) and active AMU (undocumented).
COVERAGE_GROUPS = (
    "insured",
    "insured_bim",
    "lapsed",
    "undocumented_amu",
    "undocumented_no_amu",
    "asylum_seeker",
)
# Lookup from coverage * 2 + flag (flag = BIM for the insured, active AMU for the undocumented).
COVERAGE_GROUP = np.array([0, 1, 2, 2, 4, 3, 5, 5], dtype=np.int32)

QUINTILES = ("Q1", "Q2", "Q3", "Q4", "Q5")
AGE_BAND_EDGES = (16, 25, 45, 65, 75)
AGE_BANDS = ("0-15", "16-24", "25-44", "45-64", "65-74", "75+")
ADULT_BANDS = tuple(range(1, len(AGE_BANDS)))  # 16 and over, as in EU-SILC


def age_band(age_years: np.ndarray) -> np.ndarray:
    """Age band index (see ``AGE_BANDS``) of ages in years."""
    return np.searchsorted(np.asarray(AGE_BAND_EDGES), age_years, side="right").astype(np.int8)


def coverage_group(coverage: np.ndarray, bim: np.ndarray, amu: np.ndarray) -> np.ndarray:
    """Coverage group index (see ``COVERAGE_GROUPS``)."""
    return COVERAGE_GROUP[coverage.astype(np.int32) * 2 + (bim | amu)]


@dataclass(frozen=True)
class Grouping:
    """The cells results are counted in: coverage group × quintile × commune × age band."""

    communes: tuple[str, ...]

    @property
    def dimensions(self) -> dict[str, tuple[str, ...]]:
        """Each dimension's labels, in cell order."""
        return {
            "coverage": COVERAGE_GROUPS,
            "quintile": QUINTILES,
            "commune": self.communes,
            "age_band": AGE_BANDS,
        }

    @cached_property
    def shape(self) -> tuple[int, ...]:
        """The number of labels of each dimension."""
        return tuple(len(labels) for labels in self.dimensions.values())

    @cached_property
    def size(self) -> int:
        """Number of cells (a further cell, ``size``, holds the people who left)."""
        return int(np.prod(self.shape))

    def cells(
        self,
        coverage: np.ndarray,
        bim: np.ndarray,
        amu: np.ndarray,
        quintile: np.ndarray,
        commune: np.ndarray,
        band: np.ndarray,
        alive: np.ndarray,
    ) -> np.ndarray:
        """Cell index of each person; people no longer present go to cell ``size``."""
        _, n_q, n_c, n_a = self.shape
        if not kernels.compiled(coverage.size):
            cell = ((coverage_group(coverage, bim, amu) * n_q + quintile) * n_c + commune) * n_a
            cell += band
            return np.where(alive, cell, self.size).astype(np.int32)
        compiled = kernels.load("cells")
        out = np.empty(coverage.size, dtype=np.int32)
        kernels.threaded(out.size, compiled.cells, compiled.cells_threaded)(
            coverage, bim, amu, quintile, commune, band, alive, n_q, n_c, n_a, self.size, out)
        return out


def count_in_cells(cell: np.ndarray, who: np.ndarray | None, weights: np.ndarray | float | None,
                   size: int, each: np.ndarray | None = None) -> np.ndarray:
    """Per cell, the number of people ``who`` (uids, a mask over people, or everyone when
    None), or the sum of their ``weights`` (one per person counted, or one for all); with
    ``each`` (one float64 per person, indexed by uid), every person counts ``each[uid]``
    times (the probability that they are still there, say).

    The same numbers as ``np.bincount(cell[who], weights * each[who], minlength=size)``
    (float64, sums in the order of ``who``); with the compiled kernels (see
    ``passerelle.engine.kernels`` for when), in one pass without the gathered copy.

    Examples
    --------
    >>> cell = np.array([0, 2, 2, 1], dtype=np.int32)
    >>> count_in_cells(cell, np.array([1, 2, 3]), None, 3).tolist()
    [0.0, 1.0, 2.0]
    >>> count_in_cells(cell, cell == 2, 0.5, 3).tolist()
    [0.0, 0.0, 1.0]
    >>> count_in_cells(cell, cell == 2, 2.0, 3, each=np.array([1, 0.5, 0.25, 1])).tolist()
    [0.0, 0.0, 1.5]
    """
    if who is not None and who.dtype == np.bool_ and np.ndim(weights) == 1:
        who = np.flatnonzero(who)
    if weights is not None and who is None and np.ndim(weights) != 0:
        raise ValueError("weights for everyone must be one number")
    if weights is not None and np.ndim(weights) == 1 and len(weights) != len(who):
        raise ValueError(f"{len(weights)} weights for {len(who)} people")
    if not kernels.compiled(cell.size):
        out = _counted(cell, who, weights if np.ndim(weights) == 1 else None, size, each)
    else:
        out = _compiled_count(cell, who, weights, size, each)
    if weights is not None and np.ndim(weights) == 0:
        out *= float(weights)
    return out


def _counted(cell: np.ndarray, who: np.ndarray | None, weights: np.ndarray | None, size: int,
             each: np.ndarray | None) -> np.ndarray:
    """``count_in_cells`` in numpy, without its factor for everyone."""
    counted = cell if who is None else cell[who]
    if each is not None:
        weigh = each if who is None else each[who]
        weights = weigh if weights is None else np.asarray(weights, dtype=np.float64) * weigh
    elif weights is not None:
        weights = np.asarray(weights, dtype=np.float64)
    out = np.bincount(counted, weights, minlength=size).astype(np.float64, copy=False)
    if out.size != size:
        raise ValueError(f"cells up to {out.size - 1} counted in {size}")
    return out


def _compiled_count(cell: np.ndarray, who: np.ndarray | None,
                    weights: np.ndarray | float | None, size: int,
                    each: np.ndarray | None) -> np.ndarray:
    """``count_in_cells`` with the compiled kernels, without its factor for everyone."""
    compiled = kernels.load("cells")
    all_people, masked, at, summed = compiled.WEIGHED if each is not None else compiled.COUNTED
    extra = () if each is None else (each,)
    out = np.zeros(size, dtype=np.float64)
    if who is None:
        all_people(cell, *extra, out)
    elif who.dtype == np.bool_:
        masked(cell, who, *extra, out)
    elif weights is None or np.ndim(weights) == 0:
        at(cell, np.asarray(who, dtype=np.int64), *extra, out)
    else:
        summed(cell, np.asarray(who, dtype=np.int64),
               np.ascontiguousarray(weights, dtype=np.float64), *extra, out)
    return out

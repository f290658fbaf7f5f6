"""Uncertainty of a parameter: the distribution a probabilistic sensitivity analysis draws it
from, written next to the parameter's provenance (``passerelle.engine.parameters``).

Each distribution maps a uniform draw ``u`` in (0, 1) to a value (``ppf``, the inverse of its
distribution function), so that a PSA or a global sensitivity analysis can lay out its draws
in the unit cube (quasi-random or SALib's designs) and read them through the parameters'
own distributions.

Examples
--------
>>> float(Uniform(1.0, 3.0).ppf(0.25))
1.5
>>> round(float(Beta.of_mean(0.25, 0.05).ppf(0.5)), 3)
0.248
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike


@dataclass(frozen=True)
class Uniform:
    """Every value in [``low``, ``high``] equally likely: the argued range of an assumption."""

    low: float
    high: float

    def ppf(self, u: ArrayLike) -> np.ndarray:
        """The value at quantile ``u``."""
        return self.low + (self.high - self.low) * np.asarray(u, dtype=float)


@dataclass(frozen=True)
class Beta:
    """A share or probability in [0, 1] with shape parameters ``a`` and ``b``."""

    a: float
    b: float

    @classmethod
    def of_mean(cls, mean: float, sd: float) -> Beta:
        """The beta distribution of this mean and standard deviation (method of moments)."""
        if not 0 < mean < 1 or not 0 < sd ** 2 < mean * (1 - mean):
            raise ValueError(f"no beta distribution has mean {mean} and sd {sd}")
        common = mean * (1 - mean) / sd ** 2 - 1
        return cls(mean * common, (1 - mean) * common)

    def ppf(self, u: ArrayLike) -> np.ndarray:
        """The value at quantile ``u``."""
        from scipy.special import betaincinv

        return betaincinv(self.a, self.b, np.asarray(u, dtype=float))


@dataclass(frozen=True)
class Gamma:
    """A positive quantity (a cost, a length of stay) of this ``mean`` and ``sd``."""

    mean: float
    sd: float

    def ppf(self, u: ArrayLike) -> np.ndarray:
        """The value at quantile ``u``."""
        from scipy.special import gammaincinv

        shape = (self.mean / self.sd) ** 2
        return gammaincinv(shape, np.asarray(u, dtype=float)) * self.mean / shape


@dataclass(frozen=True)
class LogNormal:
    """A ratio whose logarithm is normal, given by its ``median`` and 95% interval
    [``low``, ``high``] as a study reports a hazard ratio (log-symmetric: the geometric
    mean of the two ends is taken as the spread)."""

    median: float
    low: float
    high: float

    def ppf(self, u: ArrayLike) -> np.ndarray:
        """The value at quantile ``u``."""
        from scipy.special import ndtri

        sigma = (np.log(self.high) - np.log(self.low)) / (2 * 1.959963984540054)
        return self.median * np.exp(sigma * ndtri(np.asarray(u, dtype=float)))


Distribution = Uniform | Beta | Gamma | LogNormal
KINDS = {cls.__name__: cls for cls in (Uniform, Beta, Gamma, LogNormal)}


def describe(distribution: Distribution) -> dict[str, float | str]:
    """The distribution as a plain dict (``{"kind": "Uniform", "low": 1, "high": 3}``)."""
    return {"kind": type(distribution).__name__, **asdict(distribution)}


def from_description(described: dict) -> Distribution:
    """The distribution ``describe`` wrote."""
    fields = {key: value for key, value in described.items() if key != "kind"}
    return KINDS[described["kind"]](**fields)


# Above this many distinct means, poisson_ppf inverts each count instead of tabulating.
TABULATED_MEANS = 16


def poisson_ppf(u: ArrayLike, mean: ArrayLike) -> np.ndarray:
    """Poisson counts at quantiles ``u`` (0 <= u < 1): for each, the smallest ``k`` with
    P(K <= k) >= u for K ~ Poisson(``mean``), as ``scipy.stats.poisson.ppf`` computes it
    (without loading scipy.stats, a second of start-up).

    When the means take few distinct values (a module's rate by a flag, say), each one's
    cumulative probabilities are tabulated and ``u`` looked up in them; otherwise the
    inverse of the regularised gamma function gives each count, then one check below.

    Examples
    --------
    >>> poisson_ppf([0.0, 0.1, 0.5, 0.9], 1.0).tolist()
    [0, 0, 1, 2]
    """
    from scipy.special import pdtr, pdtrik

    u, mean = np.broadcast_arrays(np.asarray(u, dtype=float), np.asarray(mean, dtype=float))
    levels, level_of = np.unique(mean, return_inverse=True)
    if levels.size > TABULATED_MEANS or not np.isfinite(levels).all():
        count = np.ceil(pdtrik(u, mean))
        below = np.maximum(count - 1, 0)
        return np.where(pdtr(below, mean) >= u, below, count).astype(np.int64)
    counts = np.empty(u.shape, dtype=np.int64)
    level_of = level_of.reshape(u.shape)
    for level, rate in enumerate(levels):
        chosen = level_of == level
        wanted = u[chosen]
        cumulative = pdtr(np.arange(int(rate + 8 * np.sqrt(rate)) + 9), rate)
        while wanted.size and cumulative[-1] < wanted.max():
            cumulative = pdtr(np.arange(2 * cumulative.size), rate)
        counts[chosen] = np.searchsorted(cumulative, wanted, side="left")
    return counts

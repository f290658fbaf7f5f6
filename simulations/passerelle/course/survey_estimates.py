"""Design-based estimates from a stratified sample: weighted shares and their standard errors.

The estimator of a share is the ratio ``p = sum(w y) / sum(w)`` over the respondents (``w``
the weight corrected for non-response, ``y`` 0 or 1). Its variance is estimated by
linearisation (Taylor series), the respondents of each stratum being treated as a simple
random sample drawn with replacement (Wolter 2007, *Introduction to Variance Estimation*,
§6.11; Lumley 2010, *Complex Surveys*, §2.2): with ``z_i = w_i (y_i - p) / sum(w)``,
``var(p) = sum_h n_h / (n_h - 1) * sum_{i in h} (z_i - mean_h(z))**2``. The finite
population correction is left out: each commune's sampling fraction is below 1%.
A domain (a quintile, a coverage status) keeps every respondent, with ``z_i = 0`` outside
the domain, so that the domain's random size is accounted for (Lumley 2010, §2.3).
"""

from __future__ import annotations

import numpy as np


def weighted_share(y: np.ndarray, w: np.ndarray) -> float:
    """``sum(w y) / sum(w)``, the weighted share of ``y`` (0/1) among the rows given.

    Examples
    --------
    >>> weighted_share(np.array([1.0, 0.0]), np.array([3.0, 1.0]))
    0.75
    """
    return float(np.sum(w * y) / np.sum(w))


def stratified_variance(z: np.ndarray, strata: np.ndarray, corrected: bool = True) -> float:
    """``sum_h n_h / (n_h - 1) * sum_{i in h} (z_i - mean_h(z))**2``: the variance of a total
    of linearised values ``z`` in a stratified sample (strata with one unit add nothing);
    without the factor ``n_h / (n_h - 1)`` if not ``corrected``. ``strata`` are integer
    codes (0, 1, ...), e.g. a categorical column's ``cat.codes``.

    Examples
    --------
    >>> stratified_variance(np.array([1.0, 3.0, 5.0, 5.0]), np.array([0, 0, 1, 1]))
    4.0
    """
    n = np.bincount(strata).astype(float)
    means = np.divide(np.bincount(strata, weights=z), n, out=np.zeros_like(n), where=n > 0)
    squares = np.bincount(strata, weights=(z - means[strata]) ** 2)
    factor = np.divide(n, n - 1, out=np.zeros_like(n), where=n > 1) if corrected else 1.0
    return float(np.sum(factor * squares))


def share_and_se(y: np.ndarray, w: np.ndarray, strata: np.ndarray,
                 domain: np.ndarray | None = None, corrected: bool = True
                 ) -> tuple[float, float]:
    """Weighted share of ``y`` in ``domain`` (default: every row) and its design-based
    standard error (both as shares 0-1), rows being the respondents of a stratified sample.

    Examples
    --------
    >>> y = np.array([1.0, 0.0, 1.0, 0.0]); w = np.ones(4); s = np.array([0, 0, 1, 1])
    >>> share_and_se(y, w, s)
    (0.5, 0.3535533905932738)
    """
    inside = np.ones(y.size, dtype=bool) if domain is None else np.asarray(domain, dtype=bool)
    share = weighted_share(y[inside], w[inside])
    z = np.where(inside, w * (y - share), 0.0) / np.sum(w[inside])
    return share, float(np.sqrt(stratified_variance(z, strata, corrected)))


def design_variance(frame, outcome: str = "besoin_non_satisfait", weight: str = "poids",
                    stratum: str = "commune") -> float:
    """Design-based variance of the weighted share of ``outcome`` among the respondents.

    The respondents are the rows of ``frame`` that have a ``weight``; the strata are
    ``stratum``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The survey's rows.
    outcome : str, default "besoin_non_satisfait"
        A 0/1 column.
    weight : str, default "poids"
        The sampling weight (missing for non-respondents).
    stratum : str, default "commune"
        The stratum of each row.

    Returns
    -------
    float
        The variance, in share² (the square of the standard error).

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"y": [1.0, 0.0, 1.0, 0.0], "w": 1.0, "s": ["a", "a", "b", "b"]})
    >>> round(design_variance(f, "y", "w", "s"), 6)
    0.125
    """
    rows = frame[frame[weight].notna()]
    strata = rows[stratum].astype("category").cat.codes.to_numpy()
    return share_and_se(rows[outcome].to_numpy(dtype=float), rows[weight].to_numpy(dtype=float),
                        strata)[1] ** 2

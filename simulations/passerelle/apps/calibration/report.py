"""The calibration's report: marginal posteriors against their priors, pairwise plots of
the most correlated parameters, and which parameters the targets do not identify.

A parameter is *not identified* when its posterior standard deviation is more than 0.7 of
its prior's (``UNIDENTIFIED``). Assumption: a flat posterior estimated from about 100
weighted particles scatters by about ±0.1 around a ratio of 1, so 0.7 is clearly below
what noise gives, while a target that binds a parameter narrows it by far more.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from passerelle.apps.calibration.priors import Prior, defaults, uniform_sd
from passerelle.apps.site.figures import figure, svg
from passerelle.apps.site.markdown import table

UNIDENTIFIED = 0.7
PAIRS = 3


def _normalised(posterior: pd.DataFrame) -> np.ndarray:
    weights = posterior["weight"].to_numpy(dtype=float)
    return weights / weights.sum()


def _quantiles(values: np.ndarray, weights: np.ndarray, levels) -> list[float]:
    """The weighted quantiles of ``values`` at ``levels``: the smallest value whose
    cumulative weight reaches each level."""
    order = np.argsort(values)
    found = np.searchsorted(np.cumsum(weights[order]), levels)
    return [float(values[order][min(k, len(values) - 1)]) for k in found]


def weighted_summary(posterior: pd.DataFrame, priors: list[dict]) -> pd.DataFrame:
    """Per parameter: weighted mean, 5% and 95% quantiles, and the ratio of the posterior's
    standard deviation to the prior's; ``identified`` when that ratio is at most 0.7.

    Examples
    --------
    >>> frame = pd.DataFrame({"a": [0.4, 0.5, 0.6], "weight": [1, 1, 1]})
    >>> row = weighted_summary(frame, [{"name": "a", "low": 0, "high": 1}]).iloc[0]
    >>> bool(row["identified"]), round(float(row["mean"]), 2)
    (True, 0.5)
    """
    weights = _normalised(posterior)
    rows = []
    for prior in priors:
        values = posterior[prior["name"]].to_numpy(dtype=float)
        mean = float(weights @ values)
        sd = float(np.sqrt(weights @ (values - mean) ** 2))
        ratio = sd / uniform_sd(prior["low"], prior["high"])
        q05, q95 = _quantiles(values, weights, (0.05, 0.95))
        rows.append({"parameter": prior["name"], "mean": mean, "q05": q05, "q95": q95,
                     "sd_ratio": ratio, "identified": ratio <= UNIDENTIFIED})
    return pd.DataFrame(rows)


def representative(posterior: pd.DataFrame, priors: list[dict]) -> pd.Series:
    """The posterior's representative set: the particle nearest the weighted marginal
    medians, distances in units of each prior's standard deviation (a particle, so that it
    met the calibration's tolerance itself; ``against_defaults`` sets it beside the
    built-in defaults).

    Examples
    --------
    >>> frame = pd.DataFrame({"a": [0.1, 0.45, 0.9], "weight": [1, 1, 1]})
    >>> float(representative(frame, [{"name": "a", "low": 0, "high": 1}])["a"])
    0.45
    """
    weights = _normalised(posterior)
    distance = np.zeros(len(posterior))
    for prior in priors:
        values = posterior[prior["name"]].to_numpy(dtype=float)
        (median,) = _quantiles(values, weights, (0.5,))
        distance += ((values - median) / uniform_sd(prior["low"], prior["high"])) ** 2
    return posterior.iloc[int(np.argmin(distance))][[p["name"] for p in priors]]


def against_defaults(posterior: pd.DataFrame, priors: list[dict]) -> pd.DataFrame:
    """The representative set (a whole-number parameter rounded, as a run takes it) beside
    the built-in defaults; ``same`` when they agree to four significant digits.

    Examples
    --------
    >>> frame = pd.DataFrame({"coverage.amu_apply": [0.06], "weight": [1.0]})
    >>> prior = {"name": "coverage.amu_apply", "low": 0.01, "high": 1.0, "unit": "p",
    ...          "provenance": "", "integer": False}
    >>> row = against_defaults(frame, [prior]).iloc[0]
    >>> float(row["representative"]), bool(row["same"])
    (0.06, True)
    """
    chosen = representative(posterior, priors)
    built_in = defaults([Prior(**p) for p in priors])
    rows = []
    for prior in priors:
        name = prior["name"]
        value = round(chosen[name]) if prior["integer"] else float(chosen[name])
        rows.append({"parameter": name, "representative": value, "default": built_in[name],
                     "same": f"{value:.4g}" == f"{built_in[name]:.4g}"})
    return pd.DataFrame(rows)


def correlated_pairs(posterior: pd.DataFrame, names: list[str], n: int = PAIRS
                     ) -> list[tuple[str, str, float]]:
    """The ``n`` pairs of parameters with the largest weighted correlation (absolute)."""
    if len(names) < 2:
        return []
    weights = posterior["weight"].to_numpy(dtype=float)
    values = posterior[names].to_numpy(dtype=float)
    covariance = np.cov(values, rowvar=False, aweights=weights)
    sd = np.sqrt(np.diag(covariance))
    with np.errstate(invalid="ignore", divide="ignore"):
        correlation = covariance / np.outer(sd, sd)
    pairs = [(names[i], names[j], float(correlation[i, j]))
             for i in range(len(names)) for j in range(i + 1, len(names))
             if np.isfinite(correlation[i, j])]
    return sorted(pairs, key=lambda p: -abs(p[2]))[:n]


def marginals_svg(posterior: pd.DataFrame, priors: list[dict]) -> str:
    """SVG: each parameter's weighted posterior histogram over its uniform prior (red)."""
    columns = 3
    rows = -(-len(priors) // columns)
    fig, _ = figure(9.0, 2.2 * rows)
    fig.clf()
    for index, prior in enumerate(priors):
        ax = fig.add_subplot(rows, columns, index + 1)
        ax.hist(posterior[prior["name"]], bins=12, range=(prior["low"], prior["high"]),
                weights=posterior["weight"], density=True, color="#1b5e20", alpha=0.8)
        ax.axhline(1 / (prior["high"] - prior["low"]), color="#b71c1c", linewidth=1)
        ax.set_title(prior["name"], fontsize=8)
        ax.tick_params(labelsize=7)
    fig.tight_layout()
    return svg(fig)


def pairs_svg(posterior: pd.DataFrame, pairs: list[tuple[str, str, float]]) -> str:
    """SVG: a scatter of the particles (size: weight) for each pair of parameters."""
    fig, _ = figure(3.2 * max(len(pairs), 1), 3.0)
    fig.clf()
    for index, (x, y, r) in enumerate(pairs):
        ax = fig.add_subplot(1, max(len(pairs), 1), index + 1)
        size = 4 + 40 * posterior["weight"] / posterior["weight"].max()
        ax.scatter(posterior[x], posterior[y], s=size, color="#1b5e20", alpha=0.6)
        ax.set_xlabel(x, fontsize=8)
        ax.set_ylabel(y, fontsize=8)
        ax.set_title(f"r = {r:+.2f}", fontsize=8)
        ax.tick_params(labelsize=7)
    fig.tight_layout()
    return svg(fig)


def write_report(posterior: pd.DataFrame, meta: dict, folder: Path) -> Path:
    """``folder/index.md`` with the marginals, pairs and identification table (and their
    SVG figures); returns the page's path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    priors = meta["priors"]
    names = [p["name"] for p in priors]
    summary = weighted_summary(posterior, priors)
    pairs = correlated_pairs(posterior, names)
    (folder / "marginals.svg").write_text(marginals_svg(posterior, priors), encoding="utf-8")
    (folder / "pairs.svg").write_text(pairs_svg(posterior, pairs), encoding="utf-8")
    provenance = {p["name"]: p["provenance"] for p in priors}
    bounds = {p["name"]: (p["low"], p["high"]) for p in priors}
    rows = [[r.parameter, f"{bounds[r.parameter][0]:g} – {bounds[r.parameter][1]:g}",
             f"{r.mean:.3g}", f"{r.q05:.3g} – {r.q95:.3g}", f"{r.sd_ratio:.2f}",
             "yes" if r.identified else "**no**", provenance[r.parameter]]
            for r in summary.itertuples()]
    unidentified = [r.parameter for r in summary.itertuples() if not r.identified]
    compared = against_defaults(posterior, priors)
    software = meta["software"]
    page = "\n".join([
        "# Calibration", "",
        f"ABC-SMC (pyabc) over {len(names)} free parameters against {len(meta['targets'])} "
        f"calibration targets: {meta['generations']} generations, {meta['simulations']:,} "
        f"simulations, final tolerance {meta['epsilon']:.3f} (at most 1: every target in "
        f"its band). Posterior ensemble of {len(posterior)} weighted parameter sets. "
        f"Passerelle {software['version']}, commit {software['commit']}.", "",
        *([] if meta["epsilon"] <= 1 else [
            "**Not converged**: the tolerance is above 1, so parameter sets of this ensemble "
            "may put a target outside its band; run the same command with more "
            "`--generations` to continue.", ""]),
        "## Parameters", "",
        table(["parameter", "prior", "posterior mean", "90% interval", "sd / prior sd",
               "identified", "prior's provenance"], rows), "",
        "Not identified by these targets (posterior spread above "
        f"{UNIDENTIFIED} of the prior's): " + (", ".join(unidentified) or "none") + ".", "",
        "## Representative set", "",
        "The particle nearest the weighted marginal medians (in prior standard deviations), "
        "beside the built-in defaults, which "
        + ("are this set." if compared["same"].all() else "**are not this set**."), "",
        table(["parameter", "representative set", "built-in default"],
              [[r.parameter, f"{r.representative:.6g}", f"{r.default:.6g}"]
               for r in compared.itertuples()]), "",
        "## Marginal posteriors", "", "![marginals](marginals.svg)", "",
        "*Weighted histograms; the red line is the uniform prior's density.*", "",
        "## Most correlated pairs", "", "![pairs](pairs.svg)", "",
        table(["parameter", "parameter", "weighted correlation"],
              [[x, y, f"{r:+.2f}"] for x, y, r in pairs]), "",
        "## Targets", "",
        table(["target", "population", "value", "band", "source"],
              [[t["name"], t["population"], f"{t['value']:.4g}",
                f"{t['low']:.4g} – {t['high']:.4g}", t["source"]] for t in meta["targets"]]),
        "",
    ])
    path = folder / "index.md"
    path.write_text(page, encoding="utf-8")
    return path

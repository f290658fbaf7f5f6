"""Compare scenarios over a posterior ensemble: each scenario on each of ``sets`` parameter
sets drawn from the calibration's posterior (by weight, fixed draw), on the same seeds
(common random numbers within and across sets), with parameter and Monte Carlo
uncertainty reported apart.

For every row of ``passerelle.apps.compare``'s table, ``difference`` is the mean over
sets of each set's paired difference (itself the mean over seeds). The spread of the
sets' differences holds the parameters' uncertainty plus each set's Monte Carlo noise,
whose variance is the square of the set's standard error over seeds (from its t
interval); so ``parameter_sd = sqrt(max(var(sets) − mean(se²), 0))`` and
``monte_carlo_sd = sqrt(mean(se²))``, and ``low``–``high`` is ``difference ± 1.96 ·
sqrt(var(sets))``: the interval of a new parameter set's result, both sources together.
A row without an interval over seeds (a ratio whose denominator is zero) has no spread
(``NaN``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from passerelle.apps.calibration.ensemble import draw_sets, read_posterior
from passerelle.apps.calibration.priors import Prior, overrides
from passerelle.apps.compare import run_comparison
from passerelle.config.scenario_files import locate_posterior

KEYS = ["section", "scenario", "reference", "quantity", "group", "period", "unit"]
def compare_over_sets(scenarios: Sequence[str | Path], parameter_sets: pd.DataFrame,
                      priors: Sequence[Prior], seeds: int = 2, overrides_: Sequence[str] = (),
                      progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """The comparison table of ``scenarios`` over each row of ``parameter_sets`` (columns:
    the priors' names), with the uncertainty columns of the module docstring;
    ``progress(sets done)`` after each set."""
    frames = []
    for done, (index, values) in enumerate(parameter_sets.iterrows(), start=1):
        extra = overrides(values.to_dict(), priors)
        table = run_comparison(scenarios, seeds, (*overrides_, *extra)).table()
        frames.append(table.assign(parameter_set=index))
        if progress is not None:
            progress(done)
    table = pd.concat(frames, ignore_index=True)
    t = stats.t.ppf(0.975, seeds - 1) if seeds > 1 else np.nan
    table["se2"] = ((table["high"] - table["low"]) / (2 * t)) ** 2
    grouped = table.groupby(KEYS, sort=False, observed=True)
    out = grouped.agg(difference=("difference", "mean"), sets_var=("difference", "var"),
                      mc_var=("se2", "mean"), sets=("parameter_set", "nunique")).reset_index()
    out["sets_var"] = out["sets_var"].fillna(0.0)
    out["parameter_sd"] = np.sqrt(np.maximum(out["sets_var"] - out["mc_var"], 0.0))
    out["monte_carlo_sd"] = np.sqrt(out["mc_var"])
    half = 1.96 * np.sqrt(out["sets_var"])
    out["low"], out["high"] = out["difference"] - half, out["difference"] + half
    out["seeds"] = seeds
    return out.drop(columns=["sets_var", "mc_var"])


def compare_posterior(scenarios: Sequence[str | Path], posterior: str | Path, sets: int = 20,
                      seeds: int = 2, overrides_: Sequence[str] = (),
                      progress: Callable[[int], None] | None = None) -> pd.DataFrame:
    """``compare_over_sets`` on ``sets`` parameter sets drawn from a posterior ensemble
    file (``passerelle calibrate``'s ``posterior.parquet``, or ``"built-in"``)."""
    ensemble, meta = read_posterior(locate_posterior(posterior))
    priors = [Prior(**p) for p in meta["priors"]]
    return compare_over_sets(scenarios, draw_sets(ensemble, sets), priors, seeds, overrides_,
                             progress)

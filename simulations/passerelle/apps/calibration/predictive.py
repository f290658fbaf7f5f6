"""Posterior predictive checks: every target against the model over parameter sets drawn
from a calibration's posterior.

Each of ``sets`` parameter sets drawn from the posterior ensemble (by weight, the fixed
draw of ``passerelle.apps.calibration.ensemble.draw_sets``) runs the baseline on the Brussels
and Belgian populations (``passerelle.config.targets.baseline_runs``) on its own seed (set
``i`` on seed ``seed + i``), so that the spread over sets holds parameter and Monte Carlo
uncertainty together, as a new run of the calibrated model would. Each target is read as
``passerelle targets`` reads it (at its source's reference year). The sets run on the
sweep's Dask cluster (local by default); each set's result depends on its parameters and
seed alone, so the table is the same wherever the sets ran.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from distributed import as_completed

from passerelle.apps.calibration.ensemble import draw_sets, read_posterior
from passerelle.apps.calibration.priors import Prior, overrides
from passerelle.apps.sweep import dask_client
from passerelle.config.record import Software
from passerelle.config.scenario import load
from passerelle.config.scenario_files import locate_posterior
from passerelle.config.targets import Check, Target, baseline_runs, check, targets

INTERVAL = (2.5, 97.5)  # percentiles of the posterior predictive interval
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PredictiveCheck:
    """A target and the model's values over the posterior's parameter sets.

    Parameters
    ----------
    target : Target
        The published figure and its band.
    values : tuple of float
        The model's value on each parameter set, in the target's ``unit``.
    compared : str
        The simulated months it was read over.

    Examples
    --------
    >>> first = targets("calibration")[0]
    >>> c = PredictiveCheck(first, (first.value, first.value, first.high * 2))
    >>> c.passed, round(c.in_band, 3)
    (True, 0.667)
    """

    target: Target
    values: tuple[float, ...]
    compared: str = ""

    @property
    def model(self) -> float:
        """The median over parameter sets."""
        return float(np.median(self.values))

    @property
    def interval(self) -> tuple[float, float]:
        """The 95% posterior predictive interval (2.5th and 97.5th percentiles over sets)."""
        low, high = np.percentile(self.values, INTERVAL)
        return float(low), float(high)

    @property
    def in_band(self) -> float:
        """The share of parameter sets whose value lies in the band (0-1)."""
        values = np.asarray(self.values)
        return float(np.mean((values >= self.target.low) & (values <= self.target.high)))

    @property
    def passed(self) -> bool:
        """Whether the median over sets lies in the band."""
        return Check(self.target, self.model).passed

    def as_dict(self) -> dict:
        """The check as a flat record: ``Check.as_dict``'s fields (``model`` the median) and
        ``ppi_low``, ``ppi_high``, ``in_band`` and ``sets``.

        Examples
        --------
        >>> first = targets("calibration")[0]
        >>> row = PredictiveCheck(first, (first.value, first.high * 2)).as_dict()
        >>> row["sets"], row["in_band"], row["ppi_high"] > first.high
        (2, 0.5, True)
        """
        row = Check(self.target, self.model, self.compared).as_dict()
        low, high = self.interval
        return {**row, "ppi_low": low, "ppi_high": high, "in_band": self.in_band,
                "sets": len(self.values)}


def set_values(scenario: str, base: Sequence[str], seed: int, role: str | None
               ) -> tuple[list[float], list[str]]:
    """One parameter set's model values for every target of ``role`` (and the months each
    was read over), on ``seed``."""
    checks = check(baseline_runs(scenario, (*base, f"run.seed={seed}")), role)
    return [c.model for c in checks], [c.compared for c in checks]


def over_sets(parameter_sets: pd.DataFrame, priors: Sequence[Prior], role: str | None = None,
              overrides_: Sequence[str] = (), scenario: str = "baseline", scheduler=None,
              workers: int | None = None, progress: Progress | None = None
              ) -> list[PredictiveCheck]:
    """Every target of ``role`` over each row of ``parameter_sets`` (columns: the priors'
    names), row ``i`` on the scenario's seed plus ``i``, on a Dask cluster.

    Parameters
    ----------
    parameter_sets : pandas.DataFrame
        One parameter set a row, a column a prior's name (at least 2 rows).
    priors : sequence of Prior
        The free parameters the columns set.
    role : str, optional
        ``calibration`` or ``validation``; every target when ``None``.
    overrides_ : sequence of str, optional
        ``section.field=value`` changes applied to every run (``population.size=...``).
    scenario : str, optional
        The scenario the targets are read on.
    scheduler : str or distributed.Client, optional
        A Dask scheduler's address or client; a local cluster when ``None``.
    workers : int, optional
        Processes of the local cluster (one per core when ``None``).
    progress : callable, optional
        ``progress(sets done, sets)``.

    Returns
    -------
    list of PredictiveCheck
        One a target, in the order of ``passerelle.config.targets.targets(role)``.

    Examples
    --------
    >>> from passerelle.apps.calibration.priors import by_name
    >>> sets = pd.DataFrame({"cascade.reach_brussels": [1.2, 1.6]})
    >>> checks = over_sets(sets, by_name(["cascade.reach_brussels"]), "calibration",
    ...                    ("population.size=2000", "run.months=12", "run.burn_in=0"),
    ...                    workers=1)
    >>> len(checks) == len(targets("calibration")), len(checks[0].values)
    (True, 2)
    """
    if len(parameter_sets) < 2:
        raise ValueError(f"{len(parameter_sets)} parameter set(s): a predictive interval "
                         "needs at least 2")
    first_seed = load(scenario, tuple(overrides_)).run.seed
    jobs = [((*overrides_, *overrides(values.to_dict(), priors)), first_seed + i)
            for i, (_, values) in enumerate(parameter_sets.iterrows())]
    results: list = [None] * len(jobs)
    with dask_client(scheduler, workers) as client:
        futures = {client.submit(set_values, scenario, base, seed, role, pure=False): i
                   for i, (base, seed) in enumerate(jobs)}
        for done, future in enumerate(as_completed(futures), start=1):
            results[futures[future]] = future.result()
            if progress is not None:
                progress(done, len(jobs))
    return [PredictiveCheck(t, tuple(r[0][k] for r in results), results[0][1][k])
            for k, t in enumerate(targets(role))]


def predictive_checks(posterior: str | Path, sets: int = 40, role: str | None = None,
                      overrides_: Sequence[str] = (), scenario: str = "baseline",
                      scheduler=None, workers: int | None = None,
                      progress: Progress | None = None) -> list[PredictiveCheck]:
    """``over_sets`` on ``sets`` parameter sets drawn from a posterior ensemble file
    (``passerelle calibrate``'s ``posterior.parquet``, or ``"built-in"``)."""
    if sets < 2:
        raise ValueError(f"sets={sets}: a predictive interval needs at least 2 parameter sets")
    ensemble, meta = read_posterior(locate_posterior(posterior))
    priors = [Prior(**p) for p in meta["priors"]]
    return over_sets(draw_sets(ensemble, sets), priors, role, overrides_, scenario, scheduler,
                     workers, progress)


def write_record(path: str | Path, checks: Sequence[PredictiveCheck], meta: dict,
                 overrides_: Sequence[str] = ()) -> Path:
    """Write the checks to ``path`` as JSON with what produced them: the software, the
    posterior's metadata (``read_posterior``'s second value: settings, generations,
    tolerance), the number of sets and the overrides (the site's calibration page reads
    it).

    Examples
    --------
    >>> import tempfile
    >>> first = targets("calibration")[0]
    >>> checks = [PredictiveCheck(first, (first.value, first.high))]
    >>> path = write_record(Path(tempfile.mkdtemp()) / "predictive.json", checks,
    ...                     {"epsilon": 0.9}, ("population.size=20000",))
    >>> record = json.loads(path.read_text())
    >>> record["sets"], record["posterior"]["epsilon"], record["checks"][0]["passed"]
    (2, 0.9, True)
    """
    record = {"software": asdict(Software.now()),
              "posterior": {k: meta[k] for k in ("settings", "generations", "epsilon",
                                                 "simulations", "software") if k in meta},
              "sets": len(checks[0].values) if checks else 0, "overrides": list(overrides_),
              "checks": [c.as_dict() for c in checks]}
    path = Path(path)
    partial = path.with_suffix(".part")
    partial.write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    partial.replace(path)
    return path

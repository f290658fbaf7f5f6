"""Targets: where the baseline should land, how near, and why that near.

Two sets, each a list of sourced rows of ``belgium_sources.csv``: the *calibration*
targets (``passerelle.config.calibration_targets``), which the free parameters are fitted
to, and the *validation* targets (``passerelle.config.validation_targets``), never fitted
and reported out of sample. ``passerelle targets`` runs the baseline twice, on its default
Brussels population and on a population of the same size drawn over Belgium (for the
national and regional targets), and compares each target with the run cut at the end of
its source's reference year (the last 12 simulated months for the calibration targets).
Bands, dates and the kinds of reasons for a miss are argued in
``passerelle.config.target_model``.
"""

from __future__ import annotations

from dataclasses import dataclass

from passerelle.config import calibration_targets, validation_targets
from passerelle.config.scenario import load
from passerelle.config.target_model import (
    ADULTS,
    CALIBRATION,
    GAP_KINDS,
    RESIDENTS,
    ROLES,
    UNDOCUMENTED,
    VALIDATION,
    Target,
    as_of,
    compared_months,
    survey_band,
)
from passerelle.engine.results import Results
from passerelle.engine.sim import Sim

__all__ = ["ADULTS", "CALIBRATION", "GAP_KINDS", "RESIDENTS", "ROLES", "UNDOCUMENTED", "VALIDATION",
           "Check", "Target", "baseline_runs", "check", "survey_band", "targets"]


def targets(role: str | None = None) -> tuple[Target, ...]:
    """The targets of one ``role`` (``calibration`` or ``validation``), or all of them.

    Parameters
    ----------
    role : str, optional
        ``calibration`` or ``validation``; every target when ``None``.

    Returns
    -------
    tuple of Target
        The calibration targets first, then the validation targets.

    Examples
    --------
    >>> len(targets("calibration")) + len(targets("validation")) == len(targets())
    True
    """
    if role is not None and role not in ROLES:
        raise ValueError(f"role {role!r} is not one of {ROLES}")
    found = calibration_targets.targets() + validation_targets.targets()
    return tuple(t for t in found if role is None or t.role == role)


@dataclass(frozen=True)
class Check:
    """A target, the model's value, the months it was read over (``compared``) and
    whether it lies in the band.

    Parameters
    ----------
    target : Target
        The published figure and its band.
    model : float
        The model's value, in the target's ``unit``.
    compared : str
        The simulated months it was read over (``"2021-01..2021-12"``).

    Examples
    --------
    >>> first = targets("calibration")[0]
    >>> Check(first, first.value).passed
    True
    """

    target: Target
    model: float
    compared: str = ""

    @property
    def passed(self) -> bool:
        """Whether the model's value lies inside the target's band (bounds included)."""
        return self.target.low <= self.model <= self.target.high

    def as_dict(self) -> dict:
        """The check as a flat record (the rows of ``passerelle targets --json``).

        Returns
        -------
        dict
            Target name, role, population, model and published values, band, unit, source,
            definition, reference year, months compared, and the reason for a miss
            (``gap``, ``gap_kind``; empty when the target passes).

        Examples
        --------
        >>> first = targets("calibration")[0]
        >>> Check(first, first.high * 2).as_dict()["gap_kind"] == first.gap_kind
        True
        """
        t = self.target
        return {"target": t.name, "role": t.role, "population": t.population,
                "model": self.model, "value": t.value, "low": t.low, "high": t.high,
                "unit": t.unit, "passed": self.passed, "source": t.source, "band": t.band,
                "definition": t.definition, "seeded": t.seeded, "year": t.year,
                "compared": self.compared, "gap": "" if self.passed else t.gap,
                "gap_kind": "" if self.passed else t.gap_kind}


def baseline_runs(scenario: str = "baseline", overrides: tuple[str, ...] = (),
                  progress=None) -> dict[str, Results]:
    """The baseline on its own (Brussels) population and on a Belgian one of the same size.

    Parameters
    ----------
    scenario : str
        A built-in scenario's name or a scenario file.
    overrides : tuple of str
        ``section.field=value`` changes applied to both runs (as ``--set`` does).
    progress : callable, optional
        Called with each finished month (a progress bar).

    Returns
    -------
    dict of str to Results
        The runs keyed by the population the targets name (``brussels``, ``belgium``).

    Examples
    --------
    >>> runs = baseline_runs(overrides=("population.size=2000", "run.months=12",
    ...                                 "run.burn_in=0"))
    >>> sorted(runs), runs["belgium"].scenario.population.region
    (['belgium', 'brussels'], 'belgium')
    """
    base = load(scenario, overrides)
    return {
        "brussels": Sim(base).run(progress),
        "belgium": Sim(base.with_overrides(["population.region=\"belgium\""])).run(progress),
    }


def check(runs: dict[str, Results], role: str | None = None) -> list[Check]:
    """Compare runs (keyed by population) with every target of ``role`` (all if ``None``),
    each on its run cut at its source's reference date (``as_of``).

    Parameters
    ----------
    runs : dict of str to Results
        Runs keyed by population, as ``baseline_runs`` returns them.
    role : str, optional
        ``calibration`` or ``validation``; every target when ``None``.

    Returns
    -------
    list of Check
        One check a target, in the order of ``targets(role)``.

    Examples
    --------
    >>> runs = baseline_runs(overrides=("population.size=2000", "run.months=12",
    ...                                 "run.burn_in=0"))
    >>> checks = check(runs, "calibration")
    >>> len(checks) == len(targets("calibration")), checks[0].compared != ""
    (True, True)
    """
    checks = []
    for t in targets(role):
        results = as_of(runs[t.population], t.year, t.month)
        checks.append(Check(t, float(t.model(results)), compared_months(results)))
    return checks

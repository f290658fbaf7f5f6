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
    whether it lies in the band."""

    target: Target
    model: float
    compared: str = ""

    @property
    def passed(self) -> bool:
        return self.target.low <= self.model <= self.target.high

    def as_dict(self) -> dict:
        t = self.target
        return {"target": t.name, "role": t.role, "population": t.population,
                "model": self.model, "value": t.value, "low": t.low, "high": t.high,
                "unit": t.unit, "passed": self.passed, "source": t.source, "band": t.band,
                "definition": t.definition, "seeded": t.seeded, "year": t.year,
                "compared": self.compared, "gap": "" if self.passed else t.gap,
                "gap_kind": "" if self.passed else t.gap_kind}


def baseline_runs(scenario: str = "baseline", overrides: tuple[str, ...] = (),
                  progress=None) -> dict[str, Results]:
    """The baseline on its own (Brussels) population and on a Belgian one of the same size."""
    base = load(scenario, overrides)
    return {
        "brussels": Sim(base).run(progress),
        "belgium": Sim(base.with_overrides(["population.region=\"belgium\""])).run(progress),
    }


def check(runs: dict[str, Results], role: str | None = None) -> list[Check]:
    """Compare runs (keyed by population) with every target of ``role`` (all if ``None``),
    each on its run cut at its source's reference date (``as_of``)."""
    checks = []
    for t in targets(role):
        results = as_of(runs[t.population], t.year, t.month)
        checks.append(Check(t, float(t.model(results)), compared_months(results)))
    return checks

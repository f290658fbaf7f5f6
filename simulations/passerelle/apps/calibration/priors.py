"""The free parameters of the calibration and their priors, each from its provenance.

A prior is uniform over a range: a source's range where one exists, otherwise an argued
range for an assumption (the ``provenance`` says which). Parameters are scenario
overrides; an element of a vector parameter is written ``section.field[index]``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from passerelle.config.scenario import load
from passerelle.modules.cascade import CascadeParams

ELEMENT = re.compile(r"^(?P<field>[a-z_.]+)\[(?P<index>\d+)\]$")


def uniform_sd(low: float, high: float) -> float:
    """Standard deviation of a uniform distribution on [``low``, ``high``].

    Examples
    --------
    >>> round(uniform_sd(0.0, 12 ** 0.5), 12)
    1.0
    """
    return (high - low) / math.sqrt(12)


@dataclass(frozen=True)
class Prior:
    """A uniform prior on ``[low, high]`` for the override ``name`` (``integer``: rounded
    to a whole number before the run), in ``unit``, with its provenance."""

    name: str
    low: float
    high: float
    unit: str
    provenance: str
    integer: bool = False

    @property
    def sd(self) -> float:
        """Standard deviation of the uniform prior."""
        return uniform_sd(self.low, self.high)

    def as_dict(self) -> dict:
        return {"name": self.name, "low": self.low, "high": self.high, "unit": self.unit,
                "provenance": self.provenance, "integer": self.integer}


VECTOR_DEFAULTS = {"cascade.pay_by_coverage": tuple(CascadeParams().pay_by_coverage)}

PRIORS = (
    Prior("cascade.perceive_base", 3.0, 7.0, "log-odds", "assumption: 95% to 99.9% of needs "
          "perceived each month at average literacy"),
    Prior("cascade.seek_base", 3.0, 7.0, "log-odds", "assumption: as perceive_base"),
    Prior("cascade.reach_base", 3.5, 7.5, "log-odds", "assumption: as perceive_base, a "
          "little higher (most people reach a GP)"),
    Prior("cascade.reach_brussels", 0.0, 3.0, "log-odds", "assumption: from no Brussels "
          "penalty to twenty times the odds of failing to reach a GP"),
    Prior("cascade.engage_base", 3.5, 7.5, "log-odds", "assumption: as reach_base"),
    Prior("cascade.pay_by_coverage[2]", -3.0, 3.0, "log-odds", "assumption: lapsed rights, "
          "from 5% to 95% affording care in a month"),
    Prior("cascade.pay_by_coverage[4]", -3.0, 3.0, "log-odds", "assumption: undocumented "
          "without AMU, as for lapsed rights"),
    Prior("cascade.seek_undocumented", 0.0, 2.5, "log-odds", "assumption: from no fear of "
          "papers to twelve times the odds of not seeking care (Médecins du Monde)"),
    Prior("coverage.amu_apply", 0.01, 1.0, "probability", "assumption: any probability of "
          "applying in the month after an unmet need"),
    Prior("coverage.amu_validity_months", 1.0, 12.0, "months", "KCE 257: AMU decisions run "
          "from one month to a year depending on the CPAS (Court of Audit 2025: 82 days "
          "on average)", integer=True),
    Prior("cascade.ed_without_regular_gp", 0.02, 0.30, "share", "assumption: 2% to 30% of "
          "met non-urgent needs of people without a regular GP met at the ED"),
    Prior("regular_gp.open_at_visit", 0.005, 0.10, "probability", "assumption: from one "
          "GP visit in 200 to one in 10 opening a DMG for an insured person without one"),
    Prior("regular_gp.open_rr_flanders", 1.0, 5.0, "ratio", "assumption: from no regional "
          "difference to beyond the odds ratio 3.0 of the 2015 DMG shares (Flanders against "
          "Brussels)"),
    Prior("regular_gp.open_rr_wallonia", 0.5, 2.5, "ratio", "assumption: around the odds "
          "ratio 1.3 of the 2015 DMG shares (Wallonia against Brussels)"),
)


def by_name(names: Sequence[str]) -> tuple[Prior, ...]:
    """The priors of ``names`` (all when empty); an unknown name is an error naming them."""
    known = {p.name: p for p in PRIORS}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"no prior for {unknown}; free parameters: {sorted(known)}")
    return tuple(known[n] for n in names) if names else PRIORS


def overrides(values: Mapping[str, float], priors: Sequence[Prior]) -> tuple[str, ...]:
    """Scenario overrides setting each free parameter to its value (vector elements are
    written into the vector's defaults).

    Examples
    --------
    >>> overrides({"coverage.amu_validity_months": 5.6}, by_name(["coverage.amu_validity_months"]))
    ('coverage.amu_validity_months=6',)
    """
    scalars, vectors = [], {}
    for prior in priors:
        value = float(values[prior.name])
        text = str(round(value)) if prior.integer else repr(value)
        match = ELEMENT.match(prior.name)
        if match:
            field = match["field"]
            vector = vectors.setdefault(field, list(VECTOR_DEFAULTS[field]))
            vector[int(match["index"])] = value
        else:
            scalars.append(f"{prior.name}={text}")
    vector_overrides = [f"{field}=[{','.join(repr(float(v)) for v in vector)}]"
                        for field, vector in vectors.items()]
    return (*scalars, *vector_overrides)


def defaults(priors: Sequence[Prior], scenario: str = "baseline") -> dict[str, float]:
    """Each free parameter's value in ``scenario`` (the built-in defaults).

    Examples
    --------
    >>> defaults(by_name(["cascade.pay_by_coverage[4]"]))
    {'cascade.pay_by_coverage[4]': -1.5}
    """
    params = load(scenario).params
    found = {}
    for prior in priors:
        match = ELEMENT.match(prior.name)
        field = match["field"] if match else prior.name
        section, _, name = field.partition(".")
        value = getattr(params[section], name)
        found[prior.name] = float(value[int(match["index"])] if match else value)
    return found

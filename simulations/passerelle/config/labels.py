"""Human names and units of what the outputs show: one dictionary for every table and plot.

Measures take their text and unit from the modules' ``Measure`` declarations (the one home
of what a measure is); the quantities the outputs derive (all unmet needs, all costs, the
ledger's per-person outcomes), the coverage groups and the steps of the cascade are
named here (the payers in ``passerelle.engine.payers``). ``name(key)`` is a measure's
text, ``unit(key)`` its unit, and ``axis(text, unit)`` writes an axis label that carries
its unit.

Examples
--------
>>> name("ed_avoidable"), unit("ed_avoidable")
('avoidable ED visits', 'visits')
>>> name("n_months_uncovered")
'months lapsed, or undocumented without AMU'
>>> axis("ED visits", "visits")
'ED visits (visits)'
>>> print(axis("ED visits per 1,000 people a year", "visits"))
ED visits per 1,000 people a year
(visits)
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from passerelle.engine.groups import COVERAGE_GROUPS
from passerelle.engine.payers import PAYER_NAMES, cost_name
from passerelle.engine.steps import STEPS
from passerelle.modules import BUILTIN
from passerelle.modules.ledger import OUTCOMES

AXIS_LINE = 40  # characters of an axis label on one line
UNMET = "unmet_needs"
COST = "cost_total"


@dataclass(frozen=True)
class Label:
    """What a reader sees of a quantity: its ``text`` and its ``unit``."""

    key: str
    text: str
    unit: str


COVERAGE = {
    "insured": "insured",
    "insured_bim": "insured with BIM",
    "lapsed": "lapsed (not in order with the mutuelle)",
    "undocumented_amu": "undocumented with AMU",
    "undocumented_no_amu": "undocumented without AMU",
    "asylum_seeker": "asylum seekers",
}
STEP_NAMES = {
    "perceive": "perceive the need",
    "seek": "seek care",
    "reach": "reach a service",
    "pay": "pay for care",
    "engage": "engage with care",
}
POLICY_NAMES = {
    "tiers_payant": "generalised tiers payant",
    "amu_simple": "simpler AMU procedure",
    "automatic_bim": "automatic BIM",
}
# Shorter texts where a declaration's description is a sentence (keys: measure names).
SHORT = {
    "ed_avoidable": "avoidable ED visits",
    "forgone": "needs given up without care",
    "needs_new": "new care needs",
    "met_gp": "needs met by a GP",
    "met_maison_medicale": "needs met at a maison médicale",
    "met_ed": "needs met at the ED",
    **{f"cost_{payer}": cost_name(payer) for payer in PAYER_NAMES},
    **{f"unmet_{step}": f"needs unmet at '{STEP_NAMES[step]}'" for step in STEPS},
}
# Costs are priced per contact: what the cost measures count, for plots and reports.
COST_SCOPE = ("INAMI is the health insurance; the federal state pays AMU (through the "
              "CPAS) and asylum seekers' care (Fedasil). Priced: GP consultations, maison "
              "médicale contacts, centre consultations, ED visits and hospital stays, "
              "facilitators' salaries and centres' staff and buildings; not priced: "
              "medicines, specialists, tests, administration")


@cache
def dictionary() -> dict[str, Label]:
    """Every measure of the built-in modules (text and unit from its ``Measure``), the
    derived quantities and the ledger's per-person outcomes, by key."""
    labels: dict[str, Label] = {}
    for cls in BUILTIN.values():
        for measure in cls().measures:
            labels[measure.name] = Label(measure.name,
                                         SHORT.get(measure.name, measure.description),
                                         measure.unit)
    labels[UNMET] = Label(UNMET, "needs unmet in a month", "need-months")
    labels["unmet"] = Label("unmet", "needs unmet in a month", "need-months")
    labels[COST] = Label(COST, "cost to all payers", "EUR")
    for key, (text, outcome_unit) in OUTCOMES.items():
        labels[key] = Label(key, text, outcome_unit)
    for key, text in COVERAGE.items():
        labels.setdefault(key, Label(key, text, "persons"))
    return labels


def label(key: str) -> Label:
    """The ``Label`` of ``key``; a ``KeyError`` names the keys known."""
    labels = dictionary()
    if key not in labels:
        raise KeyError(f"no human name for {key!r}; known: {sorted(labels)}")
    return labels[key]


def name(key: str) -> str:
    """The human text of measure (or outcome, or derived quantity) ``key``."""
    return label(key).text


def unit(key: str) -> str:
    """The unit of ``key``."""
    return label(key).unit


def group(key: str) -> str:
    """The human name of a coverage group (``undocumented_no_amu`` → ``undocumented
    without AMU``)."""
    return COVERAGE[key]


def axis(text: str, unit_text: str, *, log: bool = False) -> str:
    """An axis label: ``text (unit)``, with ``, log scale`` when the axis is logarithmic;
    the unit goes on a line of its own when the label is long (so that a label along a
    short axis fits the figure)."""
    unit_part = f"({unit_text}{', log scale' if log else ''})"
    return f"{text}{chr(10) if len(text) + len(unit_part) > AXIS_LINE else ' '}{unit_part}"


def raw_names() -> frozenset[str]:
    """Every variable name a reader should never see in a plot: measure keys, outcome
    keys and coverage groups that are written with an underscore."""
    return frozenset(key for key in (*dictionary(), *COVERAGE_GROUPS) if "_" in key)


def humanize(text: str) -> str:
    """``text`` with every variable name in it replaced by its human text."""
    labels = dictionary()
    keys = sorted(raw_names(), key=len, reverse=True)
    if not keys:
        return text
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, keys)) + r")\b")
    return pattern.sub(lambda match: labels[match.group(1)].text
                       if match.group(1) in labels else COVERAGE[match.group(1)], text)

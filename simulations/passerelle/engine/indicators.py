"""The key indicators of a run, as ``Results.summary()`` shows them: one row each, with
a stable key, a label a reader reads, a value and a unit."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from passerelle.engine.groups import ADULT_BANDS
from passerelle.engine.numbers import SHARE
from passerelle.engine.payers import PAYER_NAMES, cost_name
from passerelle.engine.steps import STEPS

if TYPE_CHECKING:
    import pandas as pd

    from passerelle.engine.results import Results


def key_indicators(results: Results) -> pd.DataFrame:
    """The key indicators of ``results``: the model's when it has the ``population``
    measure; otherwise (a run of plugins) one row per measure, a stock in the last month
    and a flow over the last 12 months.

    Parameters
    ----------
    results : Results
        A run's results.

    Returns
    -------
    pandas.DataFrame
        Columns ``key``, ``indicator``, ``value``, ``unit``; rows whose value is not finite
        (a share of nobody) are left out.

    Examples
    --------
    >>> from passerelle import run
    >>> results = run("baseline", population={"size": 2_000},
    ...               run={"months": 3, "burn_in": 0})
    >>> key_indicators(results)["key"].iloc[0]
    'population'
    """
    import pandas as pd

    if "population" not in results.cells:
        return pd.DataFrame(
            [(m.name, m.description, results.at_end(m.name), m.unit) if m.kind == "stock"
             else (m.name, f"{m.description} a year", results.last_year(m.name),
                   f"{m.unit} a year") for m in results.measures if m.name in results.cells],
            columns=["key", "indicator", "value", "unit"])
    population = results.at_end("population")
    residents = {"coverage": ("insured", "insured_bim", "lapsed")}
    adults = {"age_band": tuple(results.grouping.dimensions["age_band"][i] for i in ADULT_BANDS)}
    unmet = sum(results.last_year(f"unmet_{s}") for s in STEPS)
    undocumented = results.at_end("population",
                                  coverage=("undocumented_amu", "undocumented_no_amu"))
    rows = [
        ("population", "population in the last month", population, "persons"),
        ("needs_per_person_year", "new care needs per person a year",
         results.last_year("needs_new") / population, "needs"),
        ("unmet_need_months", "needs unmet in a month, summed over a year", unmet,
         "need-months a year"),
        *((f"unmet_share_{s}", f"  of which at '{s}'",
           results.last_year(f"unmet_{s}") / max(unmet, 1e-12), SHARE) for s in STEPS),
        ("needs_given_up", "needs given up without care a year",
         results.last_year("forgone"), "needs a year"),
        ("adults_unmet_12m", "adult residents with a perceived unmet need in the last "
         "12 months", results.at_end("unmet_12m_reported", **residents, **adults)
         / results.at_end("population", **residents, **adults), SHARE),
        ("ed_visits_per_1000", "ED visits per 1,000 people a year",
         1000 * results.last_year("ed_visits") / population, "visits a year"),
        ("ed_avoidable_share", "  of which avoidable", results.last_year("ed_avoidable")
         / max(results.last_year("ed_visits"), 1e-12), SHARE),
        ("hospital_stays_per_1000", "hospital stays per 1,000 people a year",
         1000 * results.last_year("hospital_stays") / population, "stays a year"),
        ("residents_with_dmg", "residents with a DMG in the last month",
         results.at_end("with_dmg", **residents) / results.at_end("population", **residents),
         SHARE),
        ("residents_lapsed", "residents not in order with their mutuelle in the last "
         "month", results.at_end("population", coverage="lapsed")
         / results.at_end("population", **residents), SHARE),
        ("undocumented", "undocumented people in the last month", undocumented,
         "persons"),
        ("undocumented_amu_share", "  of which with active AMU",
         results.at_end("population", coverage="undocumented_amu") / max(undocumented, 1e-12),
         SHARE),
        *((f"cost_{payer}", f"{cost_name(payer)} a year",
           results.last_year(f"cost_{payer}"), "EUR a year") for payer in PAYER_NAMES),
    ]
    present = [row for row in rows if not isinstance(row[2], float) or np.isfinite(row[2])]
    return pd.DataFrame(present, columns=["key", "indicator", "value", "unit"])

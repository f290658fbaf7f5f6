"""A centre's budget year by year, read from a finished run: costs, revenues by funder,
and the funding gap."""

from __future__ import annotations

import numpy as np
import pandas as pd

from passerelle.engine.timeline import END_OF_TIME, parse_month
from passerelle.modules.centre_sites import FUNDERS
from passerelle.modules.places import month_or

# Revenue lines simulated from consultations, and the measure each is read from.
FEES = {"inami_fees": "inami", "federal_fees": "federal", "patient_fees": "fees"}


def budget(results) -> pd.DataFrame:
    """Each centre's budget per calendar year of the run, read from finished ``results``.

    Only open months of the reported period count; amounts are for the real population.

    Parameters
    ----------
    results : Results
        A finished run; without a ``centres`` module the table is empty.

    Returns
    -------
    pandas.DataFrame
        One row per year × centre × line: ``year``, ``centre``, ``kind``, ``line``, ``eur``
        (EUR). ``kind`` is ``cost`` (staff, building), ``revenue`` (fees from INAMI, the
        federal state and patients, simulated; grants and donations by funder) or ``gap``
        (costs − revenues: a deficit when positive).

    Examples
    --------
    >>> from passerelle import run
    >>> from passerelle.apps.budget import budget
    >>> results = run("centres", population={"size": 2000},
    ...               run={"start": "2024-01", "months": 2, "burn_in": 0})
    >>> table = budget(results)
    >>> sorted(table["kind"].unique())
    ['cost', 'gap', 'revenue']
    >>> gap = table[table["line"] == "funding_gap"]["eur"].sum()
    >>> costs = table[table["kind"] == "cost"]["eur"].sum()
    >>> revenues = table[table["kind"] == "revenue"]["eur"].sum()
    >>> bool(abs(gap - (costs - revenues)) < 1e-6 * costs)
    True
    """
    params = results.scenario.params.get("centres")
    if params is None:
        return pd.DataFrame(columns=["year", "centre", "kind", "line", "eur"])
    months = np.array([parse_month(m) for m in results.months])
    years = months // 12 + 2000
    communes = results.grouping.dimensions["commune"]
    rows = []
    for site in params.sites:
        if site.commune not in communes or site.capacity <= 0:
            continue
        is_open = (months >= parse_month(site.opening)) & (
            months <= month_or(site.closing, END_OF_TIME))
        income = {line: results.total(f"centre_{site.name}_{measure}").to_numpy()
                  for line, measure in FEES.items()}
        for year in np.unique(years[is_open]):
            here = is_open & (years == year)
            lines = [("cost", "staff", site.staff_eur_per_year * here.sum() / 12),
                     ("cost", "building", site.building_eur_per_year * here.sum() / 12),
                     *(("revenue", line, float(eur[here].sum()))
                       for line, eur in income.items())]
            for funder in FUNDERS:
                eur = 0.0
                for grant in site.grants:
                    if grant.funder == funder:
                        funded = here & (months >= parse_month(grant.start)) & (
                            months <= month_or(grant.end, END_OF_TIME))
                        eur += grant.eur_per_year * funded.sum() / 12
                lines.append(("revenue", funder, eur))
            costs = sum(eur for kind, _, eur in lines if kind == "cost")
            revenues = sum(eur for kind, _, eur in lines if kind == "revenue")
            lines.append(("gap", "funding_gap", costs - revenues))
            rows += [(int(year), site.name, kind, line, eur) for kind, line, eur in lines]
    return pd.DataFrame(rows, columns=["year", "centre", "kind", "line", "eur"])

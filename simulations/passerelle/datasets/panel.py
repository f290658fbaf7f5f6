"""``panel_communes``: a commune × month panel around the centres' openings and the
facilitators' start, for difference-in-differences and interrupted time series.

Outcomes come from the ``facilitators+centres`` run (see ``runs``), counted for the real
population (simulated counts × scale, rounded). The truth comes from the same population
and seed without the centres (scenario ``facilitators``) and without either intervention
(``baseline``): with common random numbers the differences are the true effects, commune
by commune and month by month.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from passerelle.datasets import runs
from passerelle.engine.results import Results
from passerelle.engine.steps import STEPS
from passerelle.engine.timeline import END_OF_TIME, parse_month
from passerelle.modules.places import commune_mask, distances_km, month_or

COUNTS = {  # column: (measure, coverage groups or None for everyone)
    "population": ("population", None),
    "non_satisfait_12m": ("unmet_12m_reported", None),
    "urgences": ("ed_visits", None),
    "urgences_evitables": ("ed_avoidable", None),
    "hors_ordre_mutuelle": ("population", ("lapsed",)),
    "sans_papiers": ("population", ("undocumented_amu", "undocumented_no_amu")),
    "sans_papiers_amu": ("population", ("undocumented_amu",)),
    "avec_dmg": ("with_dmg", None),
    "consultations_centre": ("met_centre", None),
    "clients_facilitateurs": ("fac_caseload", None),
}


def _by_commune(results: Results, measure: str, coverage: tuple[str, ...] | None = None
                ) -> pd.DataFrame:
    """Monthly totals (real population) by commune: rows months, columns communes."""
    if coverage is None:
        return results.by(measure, "commune")
    communes = results.grouping.dimensions["commune"]
    return pd.DataFrame({c: results.select(measure, commune=c, coverage=coverage)
                         for c in communes}, index=results.months)


def _unmet(results: Results) -> pd.DataFrame:
    """Needs that went unmet in the month, whatever the failed step, by commune."""
    return sum(_by_commune(results, f"unmet_{step}") for step in STEPS)


def _long(wide: pd.DataFrame) -> np.ndarray:
    """Commune-major long values of a months × communes table."""
    return wide.to_numpy().T.reshape(-1)


def tabulate(observed: runs.Run) -> pd.DataFrame:
    """The panel: one row per commune and month, communes in file order."""
    sim, results = observed.sim, observed.results
    areas = sim.population.areas
    communes = [a.name for a in areas]
    months = np.array([parse_month(m) for m in results.months])
    frame = pd.DataFrame({
        "commune": np.repeat(communes, len(months)),
        "mois": np.tile(pd.to_datetime([f"{m}-01" for m in results.months]), len(communes)),
    })
    frame["population"] = _long(_by_commune(results, "population"))
    frame["besoins_non_satisfaits"] = _long(_unmet(results))
    for column, (measure, coverage) in COUNTS.items():
        if column != "population":
            frame[column] = _long(_by_commune(results, measure, coverage))
    counts = [c for c in frame.columns if c not in ("commune", "mois")]
    frame[counts] = frame[counts].round().astype(np.int64)
    general = [s for s in sim.module("centres").pars.sites if s.target == "everyone"]
    distance = np.full((len(communes), len(months)), np.inf)
    in_commune = np.zeros((len(communes), len(months)), dtype=bool)
    for site in general:
        if site.commune not in communes or site.capacity <= 0:
            continue
        home = areas[communes.index(site.commune)]
        open_ = (months >= parse_month(site.opening)) & (
            months <= month_or(site.closing, END_OF_TIME))
        km = distances_km(areas, home.lat, home.lon)
        distance = np.where(open_[None, :], np.minimum(distance, km[:, None]), distance)
        in_commune[communes.index(site.commune)] |= open_
    frame["centre_ouvert"] = in_commune.reshape(-1)
    frame["distance_centre_km"] = np.where(np.isfinite(distance), np.round(distance, 2),
                                           np.nan).reshape(-1)
    active = np.zeros((len(communes), len(months)), dtype=bool)
    for deployment in sim.module("facilitators").pars.deployments:
        if deployment.workers <= 0:
            continue
        inside = commune_mask(deployment.area, areas)
        working = (months >= parse_month(deployment.start)) & (
            months <= month_or(deployment.end, END_OF_TIME))
        active |= inside[:, None] & working[None, :]
    frame["facilitateurs_actifs"] = active.reshape(-1)
    return frame


def _per_1000(results: Results, population: pd.DataFrame) -> dict[str, pd.DataFrame]:
    return {"besoins_non_satisfaits": _unmet(results) / population * 1000,
            "urgences": _by_commune(results, "ed_visits") / population * 1000}


def truth(observed: runs.Run, without_centres: Results, without_any: Results) -> dict:
    """True effects, per 1,000 residents a month (unmet needs, ED visits): of each centre
    in its commune from its opening (``facilitators+centres`` − ``facilitators``), of the
    centres in the communes that have none (spill-over), and of the facilitators over the
    region from their start (``facilitators`` − ``baseline``)."""
    results = observed.results
    population = _by_commune(results, "population")
    months = np.array([parse_month(m) for m in results.months])
    both = _per_1000(results, population)
    fac = _per_1000(without_centres, population)
    base = _per_1000(without_any, population)
    centres_effect = {k: both[k] - fac[k] for k in both}
    fac_effect = {k: fac[k] - base[k] for k in fac}
    sites = [s for s in observed.sim.module("centres").pars.sites
             if s.commune in population.columns and s.capacity > 0]
    found: dict = {"unit": "per 1,000 residents a month", "centres": {}}
    for site in sites:
        after = months >= parse_month(site.opening)
        found["centres"][site.name] = {
            "commune": site.commune, "opening": site.opening, "target": site.target,
            **{f"effect_{k}": float(v.loc[after, site.commune].mean())
               for k, v in centres_effect.items()},
        }
    without = [c for c in population.columns if c not in {s.commune for s in sites}]
    first = min(parse_month(s.opening) for s in sites)
    found["centres_spillover_communes_without_centre"] = {
        f"effect_{k}": float(v.loc[months >= first, without].mean().mean())
        for k, v in centres_effect.items()}
    start = min(parse_month(d.start) for d in observed.sim.module("facilitators").pars
                .deployments if d.workers > 0)
    weights = population.loc[months >= start]
    found["facilitators_region"] = {
        "start": results.months[int(np.argmax(months >= start))],
        **{f"effect_{k}": float((v.loc[months >= start] * weights).to_numpy().sum()
                                / weights.to_numpy().sum())
           for k, v in fac_effect.items()}}
    return found


def build() -> tuple[pd.DataFrame, dict, dict[str, str]]:
    """The panel from the shared intervention run, and its truth from two reference runs."""
    observed = runs.observed()
    frame = tabulate(observed)
    found = truth(observed, runs.reference("facilitators"), runs.reference("baseline"))
    return frame, found, {**runs.facts(), "references": "facilitators baseline"}

"""projet-final: a commune's brief. One commune of Brussels, one budget, two ways to spend
it (facilitators in the commune, or an unconditional centre there); the student simulates
both on the same seed as the situation of reference, evaluates them in the commune and
writes a one-page recommendation, graded by hand with ``course/source/projet-final/
grille.md``.

A student's data are their commune (drawn from their id among ``COMMUNES``), the settings
of their runs (``SETTINGS``, a seed derived from their id) and the two options, each a
built-in scenario and the tables that place it in the commune. The budget is the first
year of Médecins du Monde's Molenbeek centre (staff and building of the default Molenbeek
site, EUR 954,500 a year, ``centre_year1_*``); the facilitators' option buys as many
full-time workers as that budget pays at ``cost_per_worker_year`` (``chw_cost_per_worker_
year``), so that the two options cost about the same.

The autograded questions check that the numbers the recommendation quotes come from the
student's own runs: the hidden tests recompute those runs from the graded id. Tolerances:
a run is reproducible byte for byte (same code, settings and seed give the same results),
so every answer equals the reference computed from the same runs, up to floating-point
slack (``FLOAT_SLACK``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import passerelle
from passerelle.course.identity import student_seed
from passerelle.course.questions import Kind, Misconception, Question
from passerelle.engine.steps import STEPS
from passerelle.modules.centres import CentresParams
from passerelle.modules.facilitators import FacilitatorsParams

NAME = "projet-final"
BASELINE = "baseline"
# Assumption (design choice): the communes of Brussels' "poor crescent" along the canal,
# where unmet need concentrates and where the chair's partners (Médecins du Monde, the
# CPAS, the mutualités' facilitators) work; large enough that both options move simulated
# needs in a population of ``SETTINGS``.
COMMUNES = ("Anderlecht", "Bruxelles", "Forest", "Molenbeek-Saint-Jean", "Saint-Gilles",
            "Saint-Josse-ten-Noode", "Schaerbeek")
# Assumption (design choice): 4,000 simulated people (each for about 300 residents) over
# 12 reported months after a year of burn-in: a run takes about 0.1 s, so the audit's
# 200 students × 4 runs stays near a minute and a half, and a facilitators' deployment of
# 16 workers reaches a few simulated clients in the commune.
SETTINGS = {"population": {"size": 4000},
            "run": {"start": "2024-01", "months": 12, "burn_in": 12}}
# Both options start with the burn-in, so that the reported year sees them running.
OPENING = "2023-01"
OPTIONS = ("facilitateurs", "centre")
EXACT = ("same code, settings and seed give the same bytes: the student's runs are the "
         "reference runs, exact (floating-point slack only)")


def yearly_budget() -> float:
    """EUR a year: staff and building of the default Molenbeek centre (its first-year
    budget, ``centre_year1_*``)."""
    site = CentresParams().sites[0]
    return float(site.staff_eur_per_year + site.building_eur_per_year)


def options(commune: str) -> dict[str, tuple[str, dict]]:
    """The two options for ``commune``: (built-in scenario, tables to add to the settings).

    Examples
    --------
    >>> sorted(options("Forest"))
    ['centre', 'facilitateurs']
    """
    workers = math.floor(yearly_budget() / FacilitatorsParams().cost_per_worker_year)
    site = CentresParams().sites[0].model_copy(update={
        "name": "projet", "commune": commune, "opening": OPENING, "grants": ()})
    return {
        "facilitateurs": ("facilitators", {"facilitators": {"deployments": [
            {"area": [commune], "workers": workers, "start": OPENING}]}}),
        "centre": ("centres", {"centres": {"sites": [site.model_dump()]}}),
    }


@dataclass(frozen=True)
class Figures:
    """What the questions read from one run: needs unmet in the last 12 months in the
    commune and in the region, the same in the last month, and the programme's cost."""

    unmet_commune: float
    unmet_region: float
    unmet_commune_last_month: float
    unmet_commune_simulated: float
    cost: float
    cost_commune: float
    cost_last_month: float

    @classmethod
    def of(cls, results, commune: str) -> Figures:
        here = sum(results.last_year(f"unmet_{s}", commune=commune) for s in STEPS)
        return cls(
            unmet_commune=here,
            unmet_region=sum(results.last_year(f"unmet_{s}") for s in STEPS),
            unmet_commune_last_month=sum(float(results.select(
                f"unmet_{s}", commune=commune)[-1]) for s in STEPS),
            unmet_commune_simulated=here / results.scale,
            cost=results.last_year("cost_programme"),
            cost_commune=results.last_year("cost_programme", commune=commune),
            cost_last_month=float(results.select("cost_programme")[-1]),
        )


def run(scenario: str, tables: dict[str, dict], commune: str) -> Figures:
    """Run ``scenario`` with ``tables`` and keep the figures of ``commune``."""
    return Figures.of(passerelle.run(scenario, **tables), commune)


def seeded(seed: int) -> dict[str, dict]:
    """``SETTINGS`` with the run's seed set to ``seed``."""
    return {**SETTINGS, "run": {**SETTINGS["run"], "seed": seed}}


@dataclass
class DonneesProjet:
    """A student's brief: ``commune``; ``reglages``, the tables of settings (seed included)
    to pass to ``passerelle.run("baseline", **reglages)``; ``options``, for each option its
    scenario and the tables that place it in the commune:
    ``scenario, tables = options["centre"]``, then
    ``passerelle.run(scenario, **reglages, **tables)``; ``budget`` in EUR a year."""

    commune: str
    reglages: dict[str, dict]
    options: dict[str, tuple[str, dict]]
    budget: float
    autre_graine: dict[str, dict] = field(default_factory=dict)

    @cached_property
    def baseline(self) -> Figures:
        return run(BASELINE, self.reglages, self.commune)

    @cached_property
    def baseline_other_seed(self) -> Figures:
        return run(BASELINE, self.autre_graine, self.commune)

    @cached_property
    def option(self) -> dict[str, Figures]:
        return {name: run(scenario, {**self.reglages, **tables}, self.commune)
                for name, (scenario, tables) in self.options.items()}


@lru_cache(maxsize=1024)
def data(student: str) -> DonneesProjet:
    """``student``'s brief; the runs are made (and kept) when a question needs them."""
    seed = student_seed(student, NAME)
    commune = COMMUNES[student_seed(student, f"{NAME}|commune") % len(COMMUNES)]
    other = student_seed(student, f"{NAME}|autre-graine")
    return DonneesProjet(commune, seeded(seed), options(commune), yearly_budget(),
                         seeded(other))


def for_notebook(brief: DonneesProjet) -> DonneesProjet:
    """The student's brief (the misconception's other seed is not handed out)."""
    return DonneesProjet(brief.commune, brief.reglages, brief.options, brief.budget)


# --- the answers (reference solution and misconceptions) ----------------------------------

def _series(values: dict[str, float], name: str):
    import pandas as pd

    return pd.Series({o: values[o] for o in OPTIONS}, name=name)


def effects(d: DonneesProjet, where: str = "commune", other_seed: bool = False):
    """Option minus reference: needs unmet in the last 12 months in the commune (or the
    region if ``where == "region"``); the reference on another seed if ``other_seed``."""
    baseline = d.baseline_other_seed if other_seed else d.baseline
    attribute = f"unmet_{where}"
    return _series({o: getattr(d.option[o], attribute) - getattr(baseline, attribute)
                    for o in OPTIONS}, "effet")


def avoided_share(d: DonneesProjet, denominator: float | None = None):
    """Share of the commune's unmet needs that each option avoids (positive when it
    avoids some), over ``denominator`` (default: the commune's reference)."""
    base = d.baseline.unmet_commune if denominator is None else denominator
    return -effects(d) / base


def costs(d: DonneesProjet, attribute: str = "cost"):
    """Each option's programme cost, EUR over the last 12 months (``attribute`` picks
    another reading of it: the misconceptions)."""
    return _series({o: getattr(d.option[o], attribute) for o in OPTIONS}, "cout")


NEEDS = Kind("un nombre de besoins (population réelle)", 0.0, 1e8)
BY_OPTION = {"labels": OPTIONS}

QUESTIONS: dict[str, Question] = {q.name: q for q in (
    Question(
        "besoins_commune", NEEDS,
        reference=lambda d: d.baseline.unmet_commune, tolerance=lambda d: 0.0,
        tolerance_why=EXACT,
        misconceptions={
            "toute_la_region": Misconception(
                lambda d: d.baseline.unmet_region,
                "C'est le total de la Région : ne gardez que votre commune "
                "(commune=donnees.commune)."),
            "dernier_mois": Misconception(
                lambda d: d.baseline.unmet_commune_last_month,
                "Vous avez pris le dernier mois seulement : la note porte sur les 12 "
                "derniers mois (last_year)."),
            "personnes_simulees": Misconception(
                lambda d: d.baseline.unmet_commune_simulated,
                "Vous avez compté des personnes simulées : last_year donne des nombres pour "
                "la population réelle."),
        },
    ),
    Question(
        "effets_commune", Kind("des différences de nombres de besoins", -1e8, 1e8,
                               **BY_OPTION),
        reference=effects, tolerance=lambda d: 0.0, tolerance_why=EXACT,
        misconceptions={
            "graines_differentes": Misconception(
                lambda d: effects(d, other_seed=True),
                "Votre situation de référence n'a pas la même graine que les options : la "
                "différence mélange l'effet et le hasard. Gardez les mêmes reglages "
                "(nombres aléatoires communs) et n'ajoutez que les tables de l'option."),
            "toute_la_region": Misconception(
                lambda d: effects(d, "region"),
                "C'est l'effet sur toute la Région : la note porte sur votre commune "
                "(une partie des patients d'un centre vient d'ailleurs)."),
            "sens_inverse": Misconception(
                lambda d: -effects(d),
                "Le signe est inversé : calculez option moins situation de référence."),
        },
    ),
    Question(
        "part_evitee", Kind("des parts entre -1 et 1", -1.0, 1.0, **BY_OPTION),
        reference=avoided_share, tolerance=lambda d: 0.0, tolerance_why=EXACT,
        misconceptions={
            "denominateur_region": Misconception(
                lambda d: avoided_share(d, d.baseline.unmet_region),
                "Vous avez divisé par les besoins de toute la Région : rapportez les besoins "
                "évités à ceux de votre commune dans la situation de référence."),
            "signe": Misconception(
                lambda d: -avoided_share(d),
                "Le signe est inversé : une part évitée est positive quand l'option réduit "
                "les besoins non satisfaits."),
        },
    ),
    Question(
        "cout_annuel", Kind("des montants en euros", 0.0, 1e9, **BY_OPTION),
        reference=costs, tolerance=lambda d: 0.0, tolerance_why=EXACT,
        misconceptions={
            "commune_seulement": Misconception(
                lambda d: costs(d, "cost_commune"),
                "Vous avez gardé le coût attribué aux habitants de votre commune : le "
                "financeur paie tout le programme (cost_programme sans filtre de commune)."),
            "dernier_mois": Misconception(
                lambda d: costs(d, "cost_last_month"),
                "C'est le coût d'un mois : la note compare des budgets annuels "
                "(last_year)."),
        },
    ),
)}

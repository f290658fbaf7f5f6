"""tp08-economie-equite: cost-effectiveness (incremental ratio, acceptability curve) and
equity (concentration index by income quintile) of facilitators against centres, on the
student's own runs.

A student's data are the settings of three runs on one seed derived from their id (a small
population, ``SETTINGS``): the status quo (``baseline``), the facilitators and the centres;
on the same seed the runs share their random numbers, so a difference between two runs is
the strategy's effect for that simulated population. Costs are those of every payer the
simulator prices (``passerelle.engine.payers``), EUR over the last 12 months. The effect is
``EFFECT``: needs unmet in a month, summed over the last 12 months and over the five steps
(need-months), counted as need-months *averted* (status quo minus strategy). It is the
measure the simulator has today; a health measure (QALYs) would replace ``EFFECT`` and every
truth follows, since none is typed.

The acceptability curve needs draws: ``draws`` resamples the 12 reported months with
replacement (``DRAWS`` times, paired across strategies, from a seed derived from the
student's id): the month-to-month noise of the student's runs, not the uncertainty about
the model's parameters (the notebook says so).

Tolerances: a run is reproducible byte for byte, and the draws come from a seed, so every
answer computed from the student's own runs equals the reference computed from the same
runs: exact, up to floating-point slack (``FLOAT_SLACK``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

import passerelle
from passerelle.course.identity import student_seed
from passerelle.course.questions import Kind, Misconception, Question
from passerelle.engine.groups import QUINTILES
from passerelle.engine.payers import PAYER_NAMES
from passerelle.engine.steps import STEPS
from passerelle.evaluate import acceptability_curve, concentration_index

NAME = "tp08-economie-equite"
# Assumption (design choice): three runs of under 0.1 s each, 600 in the audit; the centres
# then move tens of simulated need-months (tens of thousands for the real population) a
# year, the facilitators (12 workers for the Region) rarely any.
SETTINGS = {"population": {"size": 1000},
            "run": {"start": "2024-01", "months": 12, "burn_in": 12}}
# The strategies compared, as the notebook names them, and the scenario of each.
STRATEGIES = {"statu_quo": "baseline", "facilitateurs": "facilitators", "centres": "centres"}
INTERVENTIONS = ("facilitateurs", "centres")
EFFECT = tuple(f"unmet_{step}" for step in STEPS)
COSTS = tuple(f"cost_{payer}" for payer in PAYER_NAMES)
PROGRAMME = "cost_programme"
# Assumption (design choice): 1,000 draws put the Monte Carlo error of a share near 1.5
# point; the willingness to pay (EUR per need-month averted) spans the ratios the model
# gives for the centres (tens of EUR), from 0 to well above.
DRAWS = 1000
WTP = (0.0, 25.0, 50.0, 100.0, 200.0)
EXACT = ("same code, settings and seed give the same bytes, and the draws have their own "
         "seed: the student's answers are the reference's, exact (floating-point slack only)")


@dataclass(frozen=True)
class Figures:
    """What the questions read from one run: monthly costs (all payers, and the
    programme's) and need-months of the last 12 months; need-months by quintile over them,
    population by quintile in the last month, and the run's scale."""

    cost_months: np.ndarray
    programme_months: np.ndarray
    effect_months: np.ndarray
    effect_by_quintile: np.ndarray
    population_by_quintile: np.ndarray
    scale: float

    @classmethod
    def of(cls, results) -> Figures:
        def by_quintile(measure: str):
            return results.by(measure, "quintile")[list(QUINTILES)].to_numpy()

        return cls(
            cost_months=sum(results.select(c) for c in COSTS)[-12:],
            programme_months=results.select(PROGRAMME)[-12:],
            effect_months=sum(results.select(m) for m in EFFECT)[-12:],
            effect_by_quintile=sum(by_quintile(m) for m in EFFECT)[-12:].sum(axis=0),
            population_by_quintile=by_quintile("population")[-1],
            scale=float(results.scale),
        )

    @property
    def cost(self) -> float:
        return float(self.cost_months.sum())

    @property
    def effect(self) -> float:
        return float(self.effect_months.sum())


def run(scenario: str, settings: dict[str, dict]) -> Figures:
    """Run ``scenario`` with the tables ``settings`` and keep the figures the questions need."""
    return Figures.of(passerelle.run(scenario, **settings))


def draws(runs: dict[str, Figures], seed: int, strategies=tuple(STRATEGIES),
          averted: bool = True):
    """``DRAWS`` resamplings of the 12 months, paired across strategies: two draws x
    strategies DataFrames, the cost over the year (EUR) minus the status quo's and the
    need-months averted against the status quo (need-months themselves if not
    ``averted``)."""
    months = np.random.default_rng(seed).integers(0, 12, size=(DRAWS, 12))
    base = runs["statu_quo"]
    costs = {s: (runs[s].cost_months - base.cost_months)[months].sum(axis=1)
             for s in strategies}
    effects = {s: ((base.effect_months - runs[s].effect_months) if averted
                   else runs[s].effect_months)[months].sum(axis=1) for s in strategies}
    return pd.DataFrame(costs), pd.DataFrame(effects)


@dataclass
class DonneesEconomie:
    """A student's runs: ``reglages`` are the tables of settings (seed included) to pass to
    ``passerelle.run(scenario, **reglages)``; ``strategies`` the scenario of each
    strategy; ``couts`` the cost measures to add up (EUR), ``mesures_effet`` those of the
    effect (need-months), ``consentements`` the willingness to pay of the curve."""

    reglages: dict[str, dict]
    graine_tirages: int
    strategies: dict[str, str]
    couts: tuple[str, ...] = COSTS
    mesures_effet: tuple[str, ...] = EFFECT
    consentements: tuple[float, ...] = WTP

    @cached_property
    def runs(self) -> dict[str, Figures]:
        return {name: run(scenario, self.reglages) for name, scenario in self.strategies.items()}

    def tirages(self, statu_quo, facilitateurs, centres):
        """The draws of the acceptability curve from the three runs' results: (costs,
        effects), draws x strategies (see ``draws``)."""
        runs = {"statu_quo": Figures.of(statu_quo), "facilitateurs": Figures.of(facilitateurs),
                "centres": Figures.of(centres)}
        return draws(runs, self.graine_tirages)

    @cached_property
    def curve(self):
        """The reference acceptability curve (shares, WTP x strategies)."""
        return acceptability(draws(self.runs, self.graine_tirages))

    @cached_property
    def curve_not_averted(self):
        return acceptability(draws(self.runs, self.graine_tirages, averted=False))

    @cached_property
    def curve_without_status_quo(self):
        return acceptability(draws(self.runs, self.graine_tirages, INTERVENTIONS))


def seeded(seed: int) -> dict[str, dict]:
    """``SETTINGS`` with the run's seed set to ``seed``."""
    return {**SETTINGS, "run": {**SETTINGS["run"], "seed": seed}}


@lru_cache(maxsize=1024)
def data(student: str) -> DonneesEconomie:
    """``student``'s settings; the runs are made (and kept) when a question needs them."""
    return DonneesEconomie(seeded(student_seed(student, NAME)),
                           student_seed(student, f"{NAME}|tirages"), dict(STRATEGIES))


def for_notebook(d: DonneesEconomie) -> DonneesEconomie:
    """The student's settings (a new object: its runs are the student's own)."""
    return DonneesEconomie(d.reglages, d.graine_tirages, dict(d.strategies))


# --- the answers (reference solution and misconceptions) ----------------------------------

def _series(values: dict, name: str):
    return pd.Series(values, name=name)


def yearly_costs(d: DonneesEconomie, programme: bool = True, last_month: bool = False):
    """Cost over the last 12 months, every payer, by strategy (EUR); without the
    programmes' if not ``programme``; the last month only if ``last_month``."""
    def cost(f: Figures) -> float:
        months = f.cost_months - (0 if programme else f.programme_months)
        return float(months[-1]) if last_month else float(months.sum())

    return _series({s: cost(f) for s, f in d.runs.items()}, "cout")


def averted(d: DonneesEconomie, sign: float = 1.0, simulated: bool = False):
    """Need-months averted against the status quo by each intervention (``sign`` -1: the
    strategy minus the status quo; ``simulated``: in simulated people)."""
    base = d.runs["statu_quo"]
    return _series({s: sign * (base.effect - d.runs[s].effect)
                    / (base.scale if simulated else 1.0) for s in INTERVENTIONS}, "evites")


def icer(d: DonneesEconomie, strategy: str = "centres") -> float:
    """Incremental cost per need-month averted of ``strategy`` against the status quo."""
    costs = yearly_costs(d)
    return float((costs[strategy] - costs["statu_quo"]) / averted(d)[strategy])


def acceptability(draw):
    """Share of draws in which each strategy has the best net benefit, at each ``WTP``."""
    costs, effects = draw
    return acceptability_curve(costs.to_numpy(), effects.to_numpy(), WTP,
                               names=list(costs.columns))


def centres_curve(curve):
    """The centres' column of an acceptability curve, indexed by ``WTP``."""
    return curve["centres"].rename("centres")


def averted_by_quintile(d: DonneesEconomie, strategy: str = "centres"):
    """Rows quintile 1 to 5: population (last month) and need-months averted per person."""
    base, mine = d.runs["statu_quo"], d.runs[strategy]
    return pd.DataFrame({
        "quintile": np.arange(1, 6),
        "population": base.population_by_quintile,
        "evites_par_personne": (base.effect_by_quintile - mine.effect_by_quintile)
        / base.population_by_quintile,
        "besoins_par_personne": base.effect_by_quintile / base.population_by_quintile,
    })


def concentration(d: DonneesEconomie, outcome: str = "evites_par_personne",
                  weighted: bool = True) -> float:
    """Concentration index across income quintiles (poorest first), population-weighted."""
    return concentration_index(averted_by_quintile(d), outcome, "quintile",
                               weight="population" if weighted else None)


COSTS_KIND = Kind("des coûts en EUR par an", 0.0, 1e12, labels=tuple(STRATEGIES))
AVERTED_KIND = Kind("des besoins-mois évités", -1e9, 1e9, labels=INTERVENTIONS)


def _exact(d: DonneesEconomie) -> float:
    return 0.0


QUESTIONS: dict[str, Question] = {q.name: q for q in (
    Question(
        "couts_annuels", COSTS_KIND, reference=yearly_costs, tolerance=_exact,
        tolerance_why=EXACT,
        misconceptions={
            "sans_programme": Misconception(
                lambda d: yearly_costs(d, programme=False),
                "Vous avez oublié le coût des programmes eux-mêmes (salaires des "
                "facilitateurs, budget des centres) : additionnez tous les payeurs, "
                "cost_programme compris."),
            "dernier_mois": Misconception(
                lambda d: yearly_costs(d, last_month=True),
                "Vous avez pris le dernier mois seulement : la question porte sur les "
                "12 derniers mois (last_year)."),
        },
    ),
    Question(
        "besoins_mois_evites", AVERTED_KIND, reference=averted, tolerance=_exact,
        tolerance_why=EXACT,
        misconceptions={
            "sens_inverse": Misconception(
                lambda d: averted(d, sign=-1.0),
                "Le signe est inversé : un besoin-mois évité, c'est statu quo moins "
                "stratégie."),
            "personnes_simulees": Misconception(
                lambda d: averted(d, simulated=True),
                "Vous avez compté des personnes simulées : last_year donne des nombres "
                "pour la population réelle, ne divisez pas par l'échelle."),
        },
    ),
    Question(
        "rdcr_centres", Kind("des EUR par besoin-mois évité", -1e12, 1e12),
        reference=icer, tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "inverse": Misconception(
                lambda d: 1.0 / icer(d),
                "Le rapport est inversé : le RDCR est le surcoût divisé par le gain "
                "(EUR par besoin-mois évité)."),
            "cout_total": Misconception(
                lambda d: float(yearly_costs(d)["centres"] / averted(d)["centres"]),
                "Vous avez divisé le coût total des centres : le RDCR divise le coût "
                "*supplémentaire* par rapport au statu quo."),
            "programme_seul": Misconception(
                lambda d: float((yearly_costs(d) - yearly_costs(d, programme=False))
                                ["centres"] / averted(d)["centres"]),
                "Vous n'avez compté que le budget des centres : les soins en plus ou en "
                "moins ailleurs (INAMI, patients, CPAS) font aussi partie du surcoût."),
        },
    ),
    Question(
        "acceptabilite_centres", Kind("des parts entre 0 et 1", 0.0, 1.0, labels=WTP),
        reference=lambda d: centres_curve(d.curve), tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "besoins_non_inverses": Misconception(
                lambda d: centres_curve(d.curve_not_averted),
                "Vous avez donné comme effets les besoins-mois non satisfaits : plus il y "
                "en a, pire c'est. L'effet est le nombre de besoins-mois évités."),
            "sans_statu_quo": Misconception(
                lambda d: centres_curve(d.curve_without_status_quo),
                "Vous avez oublié le statu quo : ne rien faire est aussi une option, et "
                "souvent la moins chère."),
        },
    ),
    Question(
        "indice_concentration", Kind("un indice entre -1 et 1", -1.0, 1.0),
        reference=concentration, tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "sans_poids": Misconception(
                lambda d: concentration(d, weighted=False),
                "Vous n'avez pas pondéré par la population de chaque quintile "
                "(weight=\"population\")."),
            "besoins_non_satisfaits": Misconception(
                lambda d: concentration(d, "besoins_par_personne"),
                "C'est l'indice des besoins non satisfaits du statu quo : la question "
                "porte sur la répartition des besoins-mois *évités* par les centres."),
        },
    ),
)}

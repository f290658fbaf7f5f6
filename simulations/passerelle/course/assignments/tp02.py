"""tp02-cascade: run the Brussels baseline, read barrier attribution by group (the five
Levesque steps), lift one barrier and compare the two runs on the same seed.

A student's data are the settings of their runs: a small population and a short horizon
(``SETTINGS``) and a seed derived from their id. The barrier lifted is the same for all:
``CHANGE`` (a social interpreting service: the language barrier no longer keeps people from
seeking care). Tolerances: a run is reproducible byte for byte (same code, settings and
seed give the same results, the project's fingerprint guarantees it), so every answer the
student computes from their own runs equals the reference computed from the same runs:
exact, up to floating-point slack (``FLOAT_SLACK``). A comparison made on another seed
differs by the Monte Carlo noise the common random numbers remove, which is what the
misconception ``graines_differentes`` is about.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import passerelle
from passerelle.course.identity import student_seed
from passerelle.course.questions import Kind, Misconception, Question

NAME = "tp02-cascade"
BASELINE = "baseline"
# Assumption (design choice): small enough for a run in well under a second on a laptop and
# 600 runs in the audit, large enough that lifting the barrier moves tens of simulated needs.
SETTINGS = {"population": {"size": 2000},
            "run": {"start": "2024-01", "months": 12, "burn_in": 12}}
CHANGE = {"cascade": {"seek_language": 0.0}}
# The five steps of the access cascade, as the simulator names them.
STEPS = ("perceive", "seek", "reach", "pay", "engage")
LAPSED = "lapsed"
EXACT = ("same code, settings and seed give the same bytes: the student's runs are the "
         "reference runs, exact (floating-point slack only)")


@dataclass(frozen=True)
class Figures:
    """What the questions read from one run: needs unmet in the last 12 months at each step,
    for everybody and for people not in order with their mutuelle, and in the last month."""

    unmet: dict[str, float]
    unmet_lapsed: dict[str, float]
    unmet_last_month: dict[str, float]
    unmet_simulated: dict[str, float]
    population: float

    @classmethod
    def of(cls, results) -> Figures:
        scale = results.scale
        return cls(
            unmet={s: results.last_year(f"unmet_{s}") for s in STEPS},
            unmet_lapsed={s: results.last_year(f"unmet_{s}", coverage=LAPSED) for s in STEPS},
            unmet_last_month={s: float(results.select(f"unmet_{s}")[-1]) for s in STEPS},
            unmet_simulated={s: results.last_year(f"unmet_{s}") / scale for s in STEPS},
            population=results.at_end("population"),
        )


def run(scenario: str, settings: dict[str, dict]) -> Figures:
    """Run ``scenario`` with the tables ``settings`` and keep the figures the questions need."""
    return Figures.of(passerelle.run(scenario, **settings))


def seeded(seed: int) -> dict[str, dict]:
    """``SETTINGS`` with the run's seed set to ``seed``."""
    return {**SETTINGS, "run": {**SETTINGS["run"], "seed": seed}}


@dataclass
class DonneesCascade:
    """A student's runs: ``reglages`` are the tables of settings (seed included) to pass to
    ``passerelle.run("baseline", **reglages)``; ``changement`` the barrier to lift, as a
    table to add: ``passerelle.run("baseline", **reglages, **changement)``."""

    reglages: dict[str, dict]
    changement: dict[str, dict] = field(default_factory=lambda: CHANGE)
    autre_graine: dict[str, dict] = field(default_factory=dict)

    @cached_property
    def baseline(self) -> Figures:
        return run(BASELINE, self.reglages)

    @cached_property
    def scenario(self) -> Figures:
        return run(BASELINE, {**self.reglages, **self.changement})

    @cached_property
    def scenario_other_seed(self) -> Figures:
        return run(BASELINE, {**self.autre_graine, **self.changement})


@lru_cache(maxsize=1024)
def data(student: str) -> DonneesCascade:
    """``student``'s settings; the runs are made (and kept) when a question needs them."""
    seed = student_seed(student, NAME)
    other = student_seed(student, f"{NAME}|autre-graine")
    return DonneesCascade(seeded(seed), CHANGE, seeded(other))


def for_notebook(cascade: DonneesCascade) -> DonneesCascade:
    """The student's settings (the misconception's other seed is not handed out)."""
    return DonneesCascade(cascade.reglages, cascade.changement)


# --- the answers (reference solution and misconceptions) ----------------------------------

def total(figures: dict[str, float]) -> float:
    """Needs unmet over every step."""
    return float(sum(figures.values()))


def shares_by_step(figures: dict[str, float]):
    """Share of the unmet needs that failed at each step (a Series over ``STEPS``)."""
    import pandas as pd

    return pd.Series({s: figures[s] / total(figures) for s in STEPS}, name="part")


def _per_person(d: DonneesCascade):
    import pandas as pd

    return pd.Series({s: d.baseline.unmet[s] / d.baseline.population for s in STEPS})


def pay_share_lapsed(d: DonneesCascade) -> float:
    """Among people not in order with their mutuelle, the share of unmet needs at 'pay'."""
    return d.baseline.unmet_lapsed["pay"] / total(d.baseline.unmet_lapsed)


def effect(d: DonneesCascade, step: str | None = None, other_seed: bool = False) -> float:
    """Scenario minus baseline: needs unmet at ``step`` (all steps if ``None``), last 12
    months; the scenario on another seed if ``other_seed`` (the misconception)."""
    scenario = d.scenario_other_seed if other_seed else d.scenario
    if step is None:
        return total(scenario.unmet) - total(d.baseline.unmet)
    return scenario.unmet[step] - d.baseline.unmet[step]


def effects_by_step(d: DonneesCascade, other_seed: bool = False):
    """``effect`` at each step (a Series over ``STEPS``)."""
    import pandas as pd

    return pd.Series({s: effect(d, s, other_seed) for s in STEPS}, name="effet")


def _exact(d: DonneesCascade) -> float:
    return 0.0


NEEDS = Kind("un nombre de besoins (population réelle)", 0.0, 1e8)
EFFECT = Kind("une différence de nombres de besoins", -1e8, 1e8)

QUESTIONS: dict[str, Question] = {q.name: q for q in (
    Question(
        "besoins_non_satisfaits", NEEDS,
        reference=lambda d: total(d.baseline.unmet), tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "dernier_mois": Misconception(
                lambda d: total(d.baseline.unmet_last_month),
                "Vous avez pris le dernier mois seulement : la question porte sur les "
                "12 derniers mois (last_year)."),
            "personnes_simulees": Misconception(
                lambda d: total(d.baseline.unmet_simulated),
                "Vous avez compté des personnes simulées : chacune représente de nombreux "
                "habitants ; last_year donne des nombres pour la population réelle."),
        },
    ),
    Question(
        "parts_par_etape", Kind("des parts entre 0 et 1", 0.0, 1.0, labels=STEPS),
        reference=lambda d: shares_by_step(d.baseline.unmet), tolerance=_exact,
        tolerance_why=EXACT,
        misconceptions={
            "par_habitant": Misconception(
                _per_person,
                "Vous avez divisé par la population : on demande comment les besoins non "
                "satisfaits se répartissent entre les étapes (les parts font 1 ensemble)."),
            "dernier_mois": Misconception(
                lambda d: shares_by_step(d.baseline.unmet_last_month),
                "Vous avez pris le dernier mois seulement : utilisez les 12 derniers mois."),
        },
    ),
    Question(
        "part_payer_hors_ordre", Kind("une part entre 0 et 1", 0.0, 1.0),
        reference=pay_share_lapsed, tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "part_du_groupe": Misconception(
                lambda d: d.baseline.unmet_lapsed["pay"] / d.baseline.unmet["pay"],
                "Vous avez calculé la part des personnes hors ordre de mutuelle parmi tous "
                "les échecs à « payer » : on demande, parmi les besoins non satisfaits de ce "
                "groupe, la part qui échoue à « payer »."),
            "toute_la_population": Misconception(
                lambda d: d.baseline.unmet["pay"] / total(d.baseline.unmet),
                "C'est la part pour toute la population : ne gardez que les personnes hors "
                "ordre de mutuelle (coverage=\"lapsed\")."),
        },
    ),
    Question(
        "effets_par_etape", Kind("des différences de nombres de besoins", -1e8, 1e8,
                                 labels=STEPS),
        reference=effects_by_step, tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "graines_differentes": Misconception(
                lambda d: effects_by_step(d, other_seed=True),
                "Vos deux simulations n'ont pas la même graine : la différence mélange l'effet "
                "du changement et le hasard (regardez l'étape « percevoir », que le "
                "changement ne peut pas toucher). Gardez les mêmes reglages (nombres "
                "aléatoires communs) et n'ajoutez que le changement."),
            "sens_inverse": Misconception(
                lambda d: -effects_by_step(d),
                "Le signe est inversé : calculez scénario moins situation de référence."),
        },
    ),
    Question(
        "effet_total", EFFECT,
        reference=lambda d: effect(d), tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "graines_differentes": Misconception(
                lambda d: effect(d, other_seed=True),
                "Vos deux simulations n'ont pas la même graine : la différence mélange l'effet "
                "du changement et le hasard (nombres aléatoires communs)."),
            "seulement_chercher": Misconception(
                lambda d: effect(d, "seek"),
                "Vous n'avez compté que l'étape « chercher » : additionnez les cinq étapes ; "
                "un besoin qui passe « chercher » peut échouer plus loin."),
        },
    ),
)}

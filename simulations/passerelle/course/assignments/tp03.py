"""tp03-droits: coverage as a state that changes (mutuelle ruptures, the AMU procedure at
the CPAS, BIM non-take-up), then a simpler AMU procedure and automatic BIM simulated on
the student's own seed and compared person by person (common random numbers).

A student's data are the settings of their runs: a small Brussels population over a
short horizon (``SETTINGS``) with the ledger of person-level counters and the
``CoverageTracker`` plugin, and a seed derived from their id; the reform is the same for
all (``REFORM``: both policies from the first reported month). Tolerances: a run is
reproducible byte for byte (same code, settings and seed give the same results, the
project's fingerprint guarantees it), so every answer the student computes from their own
runs equals the reference computed from the same runs: exact, up to floating-point slack
(``FLOAT_SLACK``). The misconception ``graines_differentes`` is the reform run on another
seed: other people, other draws, so a person-by-person difference is no effect at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

import passerelle
from passerelle.course.coverage_tracker import ABSENT, PLUGIN
from passerelle.course.identity import student_seed
from passerelle.course.questions import Kind, Misconception, Question
from passerelle.engine.groups import COVERAGE_GROUPS

NAME = "tp03-droits"
BASELINE = "baseline"
START = "2024-01"
# Assumption (design choice): a few seconds for the three runs; since AMU is fitted to
# KCE 257's yearly recourse (coverage.amu_apply 0.06) a 2,000-person population left one
# student in five without a single AMU refusal (refusals over applications and over
# acceptances then agree); at 6,000 people that happens to fewer than one in a hundred.
SETTINGS = {"population": {"size": 6000},
            "run": {"start": START, "months": 12, "burn_in": 12},
            "modules": ["demography", "coverage", "needs", "cascade", "regular_gp",
                        "escalation", "costs", "outcomes", "policies", "ledger",
                        "coverage_tracker"],
            "plugins": [PLUGIN]}
REFORM = {"policies": {"amu_simple_from": START, "automatic_bim_from": START}}
INSURED_GROUPS = ("insured", "insured_bim")
UNDOCUMENTED_GROUPS = ("undocumented_amu", "undocumented_no_amu")
# The groups "who gains" is asked by: every coverage group but asylum seekers, of whom a
# 2,000-person population may hold none (and whom neither policy concerns).
GAIN_GROUPS = COVERAGE_GROUPS[:-1]
UNMET = "n_unmet_months"
EXACT = ("same code, settings and seed give the same bytes: the student's runs are the "
         "reference runs, exact (floating-point slack only)")


def people_table(people: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per person (index: uid) of a run's ``people``, with the coverage groups at
    the start and at the end as labels (``groupe_debut``, ``groupe_fin``; empty when the
    person was not present).

    Examples
    --------
    >>> people = {"n_unmet_months": np.array([2, 0]), "coverage_start": np.array([4, -1]),
    ...           "coverage_end": np.array([3, 0])}
    >>> people_table(people)
       n_unmet_months         groupe_debut        groupe_fin
    0               2  undocumented_no_amu  undocumented_amu
    1               0                  NaN           insured
    """
    labels = np.array([*COVERAGE_GROUPS, None], dtype=object)
    table = pd.DataFrame({name: values for name, values in people.items()
                          if name not in ("coverage_start", "coverage_end")})
    for column, name in (("groupe_debut", "coverage_start"), ("groupe_fin", "coverage_end")):
        codes = people[name].astype(int)
        table[column] = labels[np.where(codes == ABSENT, len(COVERAGE_GROUPS), codes)]
    return table


@dataclass(frozen=True)
class Figures:
    """What the questions read from one run."""

    lapses: float
    lapses_last_month: float
    reopened: float
    lapsed: float
    insured: float
    population: float
    granted: float
    refused: float
    undocumented: dict[str, float]
    bim: float
    scale: float
    people: pd.DataFrame

    @classmethod
    def of(cls, results) -> Figures:
        return cls(
            lapses=results.last_year("lapses"),
            lapses_last_month=float(results.select("lapses")[-1]),
            reopened=results.last_year("rights_reopened"),
            lapsed=results.at_end("population", coverage="lapsed"),
            insured=results.at_end("population", coverage=INSURED_GROUPS),
            population=results.at_end("population"),
            granted=results.last_year("amu_granted"),
            refused=results.last_year("amu_refused"),
            undocumented={g: results.at_end("population", coverage=g)
                          for g in UNDOCUMENTED_GROUPS},
            bim=results.at_end("population", coverage="insured_bim"),
            scale=results.scale,
            people=people_table(results.people),
        )


def run(settings: dict) -> Figures:
    """Run the baseline with ``settings`` and keep the figures the questions need."""
    return Figures.of(passerelle.run(BASELINE, **settings))


def seeded(seed: int) -> dict:
    """``SETTINGS`` with the run's seed set to ``seed``."""
    return {**SETTINGS, "run": {**SETTINGS["run"], "seed": seed}}


@dataclass
class DonneesDroits:
    """A student's runs: ``reglages`` are the settings (seed included) to pass to
    ``passerelle.run("baseline", **reglages)``; ``reforme`` the two policies, as a table to
    add: ``passerelle.run("baseline", **reglages, **reforme)``. ``personnes(resultats)``
    gives a run's people, one row each; ``groupes`` are the coverage groups "who gains"
    is asked by."""

    reglages: dict
    reforme: dict = field(default_factory=lambda: REFORM)
    autre_graine: dict = field(default_factory=dict)
    groupes: tuple[str, ...] = GAIN_GROUPS

    @staticmethod
    def personnes(resultats) -> pd.DataFrame:
        """One row per simulated person of ``resultats`` (index: the person's number, the
        same person in two runs on the same seed): the ledger's counters over the 12
        reported months and the coverage groups at the start and at the end."""
        return people_table(resultats.people)

    @cached_property
    def reference(self) -> Figures:
        return run(self.reglages)

    @cached_property
    def reform(self) -> Figures:
        return run({**self.reglages, **self.reforme})

    @cached_property
    def reform_other_seed(self) -> Figures:
        return run({**self.autre_graine, **self.reforme})


@lru_cache(maxsize=1024)
def data(student: str) -> DonneesDroits:
    """``student``'s settings; the runs are made (and kept) when a question needs them."""
    seed = student_seed(student, NAME)
    other = student_seed(student, f"{NAME}|autre-graine")
    return DonneesDroits(seeded(seed), REFORM, seeded(other))


def for_notebook(droits: DonneesDroits) -> DonneesDroits:
    """The student's settings (the misconception's other seed is not handed out)."""
    return DonneesDroits(droits.reglages, droits.reforme)


# --- the answers (reference solution and misconceptions) ----------------------------------

def lapse_rate(d: DonneesDroits, denominator: str = "insured", months: str = "year") -> float:
    """Ruptures over the last 12 months (or the last month) per insured resident at the end
    (or per resident)."""
    f = d.reference
    lapses = f.lapses if months == "year" else f.lapses_last_month
    return lapses / (f.insured if denominator == "insured" else f.population)


def lapse_months(d: DonneesDroits, per: float = 12.0) -> float:
    """Mean months a rupture lasts: people lapsed at the end over reopenings per month
    (``per`` = 1: per year, the misconception)."""
    return d.reference.lapsed / (d.reference.reopened / per)


def refusal_rate(d: DonneesDroits) -> float:
    """Share of the CPAS's AMU decisions that were refusals, last 12 months."""
    f = d.reference
    return f.refused / (f.granted + f.refused)


def amu_share(d: DonneesDroits) -> float:
    """Share of undocumented people with AMU in force at the end."""
    u = d.reference.undocumented
    return u["undocumented_amu"] / sum(u.values())


def bim_non_take_up(d: DonneesDroits) -> float:
    """Share of the insured entitled to BIM who do not have it: under automatic BIM every
    entitled insured person has it, so the gap between the runs over the reform's count."""
    return (d.reform.bim - d.reference.bim) / d.reform.bim


def gains(d: DonneesDroits, other_seed: bool = False) -> pd.Series:
    """Unmet need-months averted, person by person (reference minus reform)."""
    reform = d.reform_other_seed if other_seed else d.reform
    return d.reference.people[UNMET] - reform.people[UNMET]


def gain_by_group(d: DonneesDroits, by: str = "start", other_seed: bool = False,
                  sign: float = 1.0) -> pd.Series:
    """Mean unmet need-months averted per person, by coverage group at the start (or at
    the end of the reform run, the misconception)."""
    group = (d.reference.people["groupe_debut"] if by == "start"
             else d.reform.people["groupe_fin"])
    mean = (sign * gains(d, other_seed)).groupby(group).mean()
    return mean.reindex(GAIN_GROUPS).rename("gain")


def needs_averted(d: DonneesDroits, other_seed: bool = False, scaled: bool = True) -> float:
    """Unmet need-months averted over the 12 months, in the real population."""
    reform = d.reform_other_seed if other_seed else d.reform
    averted = float(d.reference.people[UNMET].sum() - reform.people[UNMET].sum())
    return averted * (d.reference.scale if scaled else 1.0)


def _exact(d: DonneesDroits) -> float:
    return 0.0


def _gain_by_group_merge(d: DonneesDroits) -> pd.Series:
    both = d.reference.people[["groupe_debut", UNMET]].join(
        d.reform.people[[UNMET]].add_suffix("_reforme"))
    both["gain"] = both[UNMET] - both[f"{UNMET}_reforme"]
    return both.groupby("groupe_debut")["gain"].mean().reindex(GAIN_GROUPS)


SHARE = Kind("une part entre 0 et 1 (pas un pourcentage)", 0.0, 1.0)

QUESTIONS: dict[str, Question] = {q.name: q for q in (
    Question(
        "taux_rupture", SHARE, reference=lapse_rate, tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "toute_la_population": Misconception(
                lambda d: lapse_rate(d, denominator="population"),
                "Vous avez divisé par toute la population : seules les personnes en ordre "
                "de mutuelle peuvent perdre leurs droits (groupes insured et insured_bim)."),
            "dernier_mois": Misconception(
                lambda d: lapse_rate(d, months="month"),
                "Vous avez pris les ruptures du dernier mois seulement : le taux demandé "
                "porte sur les douze derniers mois (last_year)."),
        },
    ),
    Question(
        "duree_rupture", Kind("une durée en mois", 0.0, 1000.0),
        reference=lapse_months, tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "en_annees": Misconception(
                lambda d: lapse_months(d, per=1.0),
                "Vous avez divisé par les réouvertures de toute l'année : la durée vient en "
                "années. Divisez par le nombre de réouvertures d'un mois moyen."),
            "taux_au_lieu_de_duree": Misconception(
                lambda d: (d.reference.reopened / 12) / d.reference.lapsed,
                "Vous avez calculé la part des personnes hors ordre qui retrouvent leurs "
                "droits chaque mois : la durée moyenne est l'inverse de cette part (stock "
                "divisé par les sorties mensuelles)."),
        },
    ),
    Question(
        "taux_refus_amu", SHARE, reference=refusal_rate, tolerance=_exact,
        tolerance_why=EXACT,
        misconceptions={
            "refus_sur_accords": Misconception(
                lambda d: d.reference.refused / d.reference.granted,
                "Vous avez divisé les refus par les accords : le taux de refus se calcule "
                "sur toutes les décisions du CPAS (accords et refus)."),
            "taux_accord": Misconception(
                lambda d: 1 - refusal_rate(d),
                "C'est la part des décisions favorables : on demande la part des refus."),
        },
    ),
    Question(
        "part_amu", SHARE, reference=amu_share, tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "toute_la_population": Misconception(
                lambda d: d.reference.undocumented["undocumented_amu"] / d.reference.population,
                "Vous avez divisé par toute la population : la part se calcule parmi les "
                "personnes sans titre de séjour (avec ou sans AMU)."),
            "rapport_avec_sans": Misconception(
                lambda d: (d.reference.undocumented["undocumented_amu"]
                           / d.reference.undocumented["undocumented_no_amu"]),
                "Vous avez divisé les personnes avec AMU par celles sans AMU : divisez par "
                "toutes les personnes sans titre de séjour."),
        },
    ),
    Question(
        "non_recours_bim", SHARE, reference=bim_non_take_up, tolerance=_exact,
        tolerance_why=EXACT,
        misconceptions={
            "denominateur_reference": Misconception(
                lambda d: (d.reform.bim - d.reference.bim) / d.reference.bim,
                "Vous avez divisé par les bénéficiaires du BIM de la situation de "
                "référence : le non-recours se rapporte à toutes les personnes qui y ont "
                "droit, c'est-à-dire au BIM sous la réforme (BIM automatique)."),
            "taux_de_recours": Misconception(
                lambda d: d.reference.bim / d.reform.bim,
                "C'est la part des ayants droit qui ont le BIM (le recours) : on demande la "
                "part de ceux qui ne l'ont pas."),
        },
    ),
    Question(
        "gain_par_groupe", Kind("des nombres moyens de mois par personne", -12.0, 12.0,
                                labels=GAIN_GROUPS),
        reference=gain_by_group, tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "groupe_de_fin": Misconception(
                lambda d: gain_by_group(d, by="end"),
                "Vous avez regroupé les personnes selon leur couverture à la fin de la "
                "réforme : la réforme elle-même fait passer des personnes d'un groupe à "
                "l'autre. Regroupez selon la couverture au début (groupe_debut)."),
            "graines_differentes": Misconception(
                lambda d: gain_by_group(d, other_seed=True),
                "Vos deux simulations n'ont pas la même graine : le même numéro ne désigne "
                "pas la même personne dans les deux, et la différence n'est que du hasard. "
                "Gardez les mêmes reglages et n'ajoutez que la réforme."),
            "sens_inverse": Misconception(
                lambda d: gain_by_group(d, sign=-1.0),
                "Le signe est inversé : un gain est ce que la réforme évite, référence "
                "moins réforme."),
        },
        variants={"jointure": _gain_by_group_merge},
    ),
    Question(
        "besoins_evites", Kind("un nombre de mois de besoin (population réelle)", -1e8, 1e8),
        reference=needs_averted, tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "personnes_simulees": Misconception(
                lambda d: needs_averted(d, scaled=False),
                "Vous avez compté des personnes simulées : chacune représente de nombreux "
                "habitants (multipliez par reference.scale)."),
            "graines_differentes": Misconception(
                lambda d: needs_averted(d, other_seed=True),
                "Vos deux simulations n'ont pas la même graine : la différence mélange "
                "l'effet de la réforme et le hasard (nombres aléatoires communs)."),
        },
    ),
)}

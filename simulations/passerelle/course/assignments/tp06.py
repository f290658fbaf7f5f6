"""tp06-essai: evaluating facilitator support, three ways, on simulated data where the
truth is known: a naive comparison of participants, a randomised trial and a
propensity-score analysis; then replications of each design over several seeds show its
bias and the coverage of its confidence intervals against the truth.

A student's data come from ``passerelle.evaluate.designs`` on a small population
(``OPTIONS``): ``REPLICATIONS`` simulation seeds drawn from ``POOL`` by the student's id
(one of several hundred sets); their first seed gives the study they analyse by hand (the
observational data of the ``naive`` and ``propensity`` designs and the randomised cohort
of ``individual-rct``). A pair of runs is about a second of CPU: the designs are computed
once per seed of ``POOL`` (cached in-process), so that the audit grades hundreds of
students from a dozen pairs of runs. Students with the same first seed share the study of
questions 1 to 4 (about one in ``len(POOL)``); the replications' set of seeds, personal to
each, catches a copied notebook (``passerelle course audit``).

Tolerances. Questions 1, 2, 4, 5 and 6 are deterministic functions of the student's data
(the designs and estimators are seeded): exact, floating-point slack only
(``FLOAT_SLACK``). The trial's interval (question 3) is exact for the reference estimator
(``ols`` with HC1 errors and a normal quantile); the textbook conventions it admits are a
t quantile with n − 2 degrees of freedom instead of the normal one, and a standard error
without HC1's factor sqrt(n / (n − 2)) or with Welch's unpooled variances; the tolerance is
their spread in the student's own standard error, ``(t − z) SE + z SE / (n_min − 1)``,
where ``n_min`` is the smaller arm (the standard errors differ relatively by at most
``1 / (n_min − 1)``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd
from scipy import stats

from passerelle.course.identity import student_seed
from passerelle.course.questions import Kind, Misconception, Question
from passerelle.evaluate import ipw, ols
from passerelle.evaluate.designs import DESIGNS
from passerelle.evaluate.designs.replicate import one
from passerelle.evaluate.designs.study import COVARIATES

NAME = "tp06-essai"
# The designs the replications compare, as ``passerelle.evaluate.designs`` names them.
NAIVE, PROPENSITY, TRIAL = "naive", "propensity", "individual-rct"
COMPARED = (NAIVE, PROPENSITY, TRIAL)
# Assumption (design choice): 5,000 simulated people over 24 months (12 before the
# facilitators start, 12 after) give about 90 participants, the smallest cohort whose
# trial still has two arms of about 40 followed people, in about a second a pair of runs.
OPTIONS = {"population": 5000, "months": 24}
# Assumption (design choice): the seeds the students' replications are drawn from, and how
# many each student gets (924 sets of 6 among 12).
POOL = tuple(range(1, 13))
REPLICATIONS = 6
Z95 = float(stats.norm.ppf(0.975))
EXACT = "deterministic on the student's own data: exact (floating-point slack only)"


@dataclass(frozen=True)
class DonneesEssai:
    """A student's data: ``observation`` (participants of the programme, ``treated`` = 1,
    and everyone else, with their baseline ``covariables`` and outcome ``y``), ``essai``
    (the randomised cohort: ``arm`` = 1 for facilitator support), ``graines`` (the seeds
    of the replications) and ``options`` (to pass to ``replicate``)."""

    observation: pd.DataFrame
    essai: pd.DataFrame
    graines: list[int]
    options: dict
    covariables: list[str]


class SeedStudy:
    """What one seed of ``POOL`` gives: the two studies, their estimates, and each compared
    design's row of ``replicate``'s table (the seed's pair of runs is made once)."""

    def __init__(self, seed: int):
        self.rows = {design: one(design, seed, OPTIONS) for design in COMPARED}
        self.observation = DESIGNS[NAIVE].draw(seed, **OPTIONS).data
        self.trial = DESIGNS[TRIAL].draw(seed, **OPTIONS).data
        self.trial_estimate = ols(self.trial, "y", "arm", robust=True)
        self.att, self.ate = (ipw(self.observation, "y", "treated", list(COVARIATES),
                                  estimand=estimand).estimate for estimand in ("ATT", "ATE"))


@lru_cache(maxsize=len(POOL))
def seed_study(seed: int) -> SeedStudy:
    """The studies and replication rows of ``seed`` (cached: the audit reads them for
    every student who drew the seed)."""
    return SeedStudy(seed)


class EssaiData:
    """What the grader knows of a student: their seeds, the study of the first one, and
    their replications."""

    def __init__(self, seeds: list[int]):
        self.seeds = seeds
        self.study = seed_study(seeds[0])
        self.observation, self.trial = self.study.observation, self.study.trial
        self.trial_estimate, self.att, self.ate = (self.study.trial_estimate, self.study.att,
                                                   self.study.ate)

    @cached_property
    def replications(self) -> dict[str, pd.DataFrame]:
        """Per design, the table of the student's replications (one row a seed)."""
        rows = [seed_study(seed).rows for seed in self.seeds]
        return {design: pd.DataFrame([r[design] for r in rows]) for design in COMPARED}


@lru_cache(maxsize=1024)
def data(student: str) -> EssaiData:
    """``student``'s seeds: ``REPLICATIONS`` of ``POOL``, in increasing order."""
    rng = np.random.default_rng(student_seed(student, NAME))
    return EssaiData(sorted(int(s) for s in rng.choice(POOL, REPLICATIONS, replace=False)))


def for_notebook(essai: EssaiData) -> DonneesEssai:
    """Copies of the two studies (the student may change them), the seeds and options."""
    return DonneesEssai(essai.observation.copy(), essai.trial.copy(), list(essai.seeds),
                        dict(OPTIONS), list(COVARIATES))


# --- the answers (reference solution and misconceptions) ----------------------------------

def difference(frame: pd.DataFrame, group: str, outcome: str = "y") -> float:
    """Mean ``outcome`` where ``group`` is 1 minus where it is 0."""
    means = frame.groupby(group)[outcome].mean()
    return float(means.loc[1] - means.loc[0])


def before_after(d: EssaiData) -> float:
    """Participants' mean outcome after minus before (same length of period)."""
    joined = d.observation[d.observation["treated"] == 1]
    return float((joined["y"] - joined["pre_outcome"]).mean())


def trial_interval(d: EssaiData, half_width: float | None = None) -> tuple[float, float]:
    """The trial's 95% interval, or the estimate ± ``half_width``."""
    e = d.trial_estimate
    if half_width is None:
        return e.conf_int
    return (e.estimate - half_width, e.estimate + half_width)


def arms(d: EssaiData) -> tuple[pd.Series, pd.Series]:
    """The outcomes of the followed participants, intervention arm then control arm."""
    return d.trial.loc[d.trial["arm"] == 1, "y"], d.trial.loc[d.trial["arm"] == 0, "y"]


def welch_se(d: EssaiData) -> float:
    """The difference's standard error with unpooled variances (Welch)."""
    treated, control = arms(d)
    return float(np.sqrt(treated.var() / treated.size + control.var() / control.size))


def interval_tolerance(d: EssaiData) -> float:
    """Spread of the interval's bounds between conventions, in the student's SE."""
    n_min = min(s.size for s in arms(d))
    t = float(stats.t.ppf(0.975, len(d.trial) - 2))
    se = d.trial_estimate.std_error
    return (t - Z95) * se + Z95 * se / (n_min - 1)


def by_design(d: EssaiData, measure) -> pd.Series:
    """``measure(table)`` of each design's replications, a Series over ``COMPARED``."""
    return pd.Series({design: float(measure(d.replications[design])) for design in COMPARED})


def bias(table: pd.DataFrame) -> float:
    return (table["estimate"] - table["truth"]).mean()


def coverage(table: pd.DataFrame) -> float:
    return table["covered"].mean()


def _exact(d: EssaiData) -> float:
    return 0.0


EFFECT = Kind("une différence de mois avec un besoin non satisfait, par personne", -100.0,
              100.0)

QUESTIONS: dict[str, Question] = {q.name: q for q in (
    Question(
        "difference_naive", EFFECT,
        reference=lambda d: difference(d.observation, "treated"), tolerance=_exact,
        tolerance_why=EXACT,
        misconceptions={
            "sens_inverse": Misconception(
                lambda d: -difference(d.observation, "treated"),
                "Le signe est inversé : calculez les participants moins les autres."),
            "avant_apres": Misconception(
                before_after,
                "Vous avez comparé les participants avant et après : la question demande "
                "de comparer les participants aux non-participants sur la même période."),
        },
        variants={"ols": lambda d: ols(d.observation, "y", "treated").estimate},
    ),
    Question(
        "effet_essai", EFFECT,
        reference=lambda d: difference(d.trial, "arm"), tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "sens_inverse": Misconception(
                lambda d: -difference(d.trial, "arm"),
                "Le signe est inversé : calculez le bras avec facilitateur moins le bras "
                "témoin."),
            "contre_non_participants": Misconception(
                lambda d: float(arms(d)[0].mean()
                                - d.observation.loc[d.observation["treated"] == 0, "y"].mean()),
                "Vous avez comparé le bras avec facilitateur à la population générale : "
                "le groupe de comparaison d'un essai est son bras témoin, tiré au sort "
                "parmi les mêmes personnes."),
        },
        variants={"ols": lambda d: d.trial_estimate.estimate},
    ),
    Question(
        "intervalle_essai", Kind("deux bornes (basse, haute)", -100.0, 100.0, length=2),
        reference=trial_interval, tolerance=interval_tolerance,
        tolerance_why="conventions, in the student's SE: (t(n - 2) - z) SE + z SE / (n_min - 1)"
                      " for the smaller arm",
        misconceptions={
            "une_erreur_type": Misconception(
                lambda d: trial_interval(d, d.trial_estimate.std_error),
                "Votre intervalle est trop étroit : à 95 %, on s'écarte d'environ deux "
                "erreurs types de part et d'autre de l'estimation, pas d'une seule."),
            "ecart_type": Misconception(
                lambda d: trial_interval(d, Z95 * float(d.trial["y"].std())),
                "Vous avez utilisé l'écart type des résultats : l'incertitude d'une "
                "différence de moyennes est son erreur type, bien plus petite."),
        },
        variants={"student_t": lambda d: trial_interval(
                      d, float(stats.t.ppf(0.975, len(d.trial) - 2))
                      * d.trial_estimate.std_error),
                  "welch": lambda d: trial_interval(d, Z95 * welch_se(d))},
    ),
    Question(
        "effet_score", EFFECT, reference=lambda d: d.att, tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "effet_moyen_population": Misconception(
                lambda d: d.ate,
                "Vous avez estimé l'effet moyen sur toute la population (ATE) : la "
                "question porte sur l'effet chez les participants (estimand=\"ATT\")."),
            "naif": Misconception(
                lambda d: difference(d.observation, "treated"),
                "C'est la comparaison naïve : le score de propension repondère les "
                "non-participants selon leurs caractéristiques de départ (covariables)."),
        },
    ),
    Question(
        "biais", Kind("des biais, un par méthode", -100.0, 100.0, labels=COMPARED),
        reference=lambda d: by_design(d, bias), tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "sens_inverse": Misconception(
                lambda d: -by_design(d, bias),
                "Le signe est inversé : le biais est l'estimation moins la vérité."),
            "moyenne_estimations": Misconception(
                lambda d: by_design(d, lambda t: t["estimate"].mean()),
                "C'est la moyenne des estimations : le biais est l'écart moyen entre "
                "l'estimation et la vérité (colonne truth)."),
        },
        variants={"summary": lambda d: pd.Series({
            design: float(d.replications[design]["estimate"].mean()
                           - d.replications[design]["truth"].mean())
            for design in COMPARED})},
    ),
    Question(
        "couverture", Kind("des parts entre 0 et 1, une par méthode", 0.0, 1.0,
                           labels=COMPARED),
        reference=lambda d: by_design(d, coverage), tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "significatifs": Misconception(
                lambda d: by_design(d, lambda t: t["rejects_zero"].mean()),
                "Vous avez compté les intervalles qui excluent zéro (résultats "
                "« significatifs ») : la couverture est la part des intervalles qui "
                "contiennent la vraie valeur."),
            "une_erreur_type": Misconception(
                lambda d: by_design(d, lambda t: ((t["estimate"] - t["truth"]).abs()
                                                  <= t["std_error"]).mean()),
                "Vous avez pris des intervalles d'une seule erreur type : utilisez les "
                "bornes low et high du tableau (intervalles à 95 %)."),
        },
    ),
)}

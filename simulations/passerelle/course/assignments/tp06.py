"""tp06-essai: evaluating facilitator support, three ways, on simulated data where the
truth is known: a naive comparison of participants, a randomised trial and a
propensity-score analysis; then replications of each design over several seeds show its
bias and the coverage of its confidence intervals against the truth.

A student's data come from ``passerelle.evaluate.designs`` on a small population
(``OPTIONS``): ``REPLICATIONS`` simulation seeds drawn from ``POOL`` by the student's id
(924 possible sets); the first seed drawn, any of ``POOL`` with the same chance, gives the
study they analyse by hand (the observational data of the ``naive`` and ``propensity``
designs and the randomised cohort of ``individual-rct``). A pair of runs is about half a
second of CPU: the designs are computed once per seed of ``POOL`` (cached in-process), so
that the audit grades hundreds of students from a dozen pairs of runs. Students with the
same first seed share the study of the first four autograded questions (about one in
``len(POOL)``); the replications' set of seeds, personal to each, catches a copied
notebook (``passerelle course audit``).

Tolerances. Every autograded answer but the interval is a deterministic function of the
student's data (the designs and estimators are seeded): exact, floating-point slack only
(``FLOAT_SLACK``). The trial's interval (``intervalle_essai``) is exact for the reference
estimator (``ols`` with HC1 errors and a normal quantile); the textbook conventions it
admits are a t quantile with n − 2 degrees of freedom instead of the normal one, and a
standard error without HC1's factor sqrt(n / (n − 2)) or with Welch's unpooled variances;
the tolerance is their spread in the student's own standard error,
``(t − z) SE + z SE / (n_min − 1)``, where ``n_min`` is the smaller arm (the standard
errors differ relatively by at most ``1 / (n_min − 1)``).
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


def difference(frame: pd.DataFrame, group: str, outcome: str = "y") -> float:
    """Mean ``outcome`` where ``group`` is 1 minus where it is 0."""
    means = frame.groupby(group)[outcome].mean()
    return float(means.loc[1] - means.loc[0])


class SeedStudy:
    """What the first seed of a student gives: the two studies, and every number the
    questions read from them (computed once: the audit grades many students per seed)."""

    def __init__(self, seed: int):
        self.observation = obs = DESIGNS[NAIVE].draw(seed, **OPTIONS).data
        self.trial = trial = DESIGNS[TRIAL].draw(seed, **OPTIONS).data
        self.naive = difference(obs, "treated")
        joined = obs[obs["treated"] == 1]
        # Participants after minus before: both periods are PRE_MONTHS long (OPTIONS).
        self.before_after = float((joined["y"] - joined["pre_outcome"]).mean())
        self.trial_difference = difference(trial, "arm")
        treated, control = trial.loc[trial["arm"] == 1, "y"], trial.loc[trial["arm"] == 0, "y"]
        self.arm_against_others = float(treated.mean() - obs.loc[obs["treated"] == 0, "y"]
                                        .mean())
        self.welch_se = float(np.sqrt(treated.var() / treated.size
                                      + control.var() / control.size))
        self.smaller_arm = min(treated.size, control.size)
        self.outcome_sd = float(trial["y"].std())
        self.trial_estimate = ols(trial, "y", "arm", robust=True)
        self.att, self.ate = (ipw(obs, "y", "treated", list(COVARIATES),
                                  estimand=estimand).estimate for estimand in ("ATT", "ATE"))


@lru_cache(maxsize=len(POOL))
def seed_study(seed: int) -> SeedStudy:
    """The studies of ``seed`` (cached: the audit reads them for every student who drew
    the seed first)."""
    return SeedStudy(seed)


class EssaiData:
    """What the grader knows of a student: their seeds, the study of the first one, and
    their replications."""

    def __init__(self, seeds: list[int]):
        self.seeds = seeds
        self.study = seed_study(seeds[0])

    @cached_property
    def replications(self) -> dict[str, pd.DataFrame]:
        """Per design, the table of the student's replications (one row a seed; rows the
        student's notebook drew in this process are recalled, not simulated again)."""
        return {design: pd.DataFrame([one(design, seed, OPTIONS) for seed in self.seeds])
                for design in COMPARED}

    @cached_property
    def summary(self) -> pd.DataFrame:
        """Per design (rows, ``COMPARED``): the mean ``error`` (estimate − truth), the
        mean ``estimate`` and ``truth``, and the shares of intervals ``covered``,
        ``rejects_zero`` and of estimates within one standard error of the truth."""
        return pd.DataFrame({design: {
            "error": (t["estimate"] - t["truth"]).mean(), "estimate": t["estimate"].mean(),
            "truth": t["truth"].mean(), "covered": t["covered"].mean(),
            "rejects_zero": t["rejects_zero"].mean(),
            "within_one_se": ((t["estimate"] - t["truth"]).abs() <= t["std_error"]).mean(),
        } for design, t in self.replications.items()}).T.astype(float)


@lru_cache(maxsize=1024)
def data(student: str) -> EssaiData:
    """``student``'s seeds: ``REPLICATIONS`` of ``POOL`` in the order drawn (the first,
    that of their study, is any of ``POOL`` with the same chance)."""
    rng = np.random.default_rng(student_seed(student, NAME))
    return EssaiData([int(s) for s in rng.choice(POOL, REPLICATIONS, replace=False)])


def for_notebook(essai: EssaiData) -> DonneesEssai:
    """Copies of the two studies (the student may change them), the seeds and options."""
    return DonneesEssai(essai.study.observation.copy(), essai.study.trial.copy(),
                        list(essai.seeds), dict(OPTIONS), list(COVARIATES))


# --- the answers (reference solution and misconceptions) ----------------------------------

def trial_interval(d: EssaiData, half_width: float | None = None) -> tuple[float, float]:
    """The trial's 95% interval, or the estimate ± ``half_width``."""
    e = d.study.trial_estimate
    if half_width is None:
        return e.conf_int
    return (e.estimate - half_width, e.estimate + half_width)


def t_quantile(d: EssaiData) -> float:
    """The 97.5% quantile of Student's t with the trial's n − 2 degrees of freedom."""
    return float(stats.t.ppf(0.975, len(d.study.trial) - 2))


def interval_tolerance(d: EssaiData) -> float:
    """Spread of the interval's bounds between conventions, in the student's SE."""
    se = d.study.trial_estimate.std_error
    return (t_quantile(d) - Z95) * se + Z95 * se / (d.study.smaller_arm - 1)


def _exact(d: EssaiData) -> float:
    return 0.0


EFFECT = Kind("une différence de mois avec un besoin non satisfait, par personne", -100.0,
              100.0)

QUESTIONS: dict[str, Question] = {q.name: q for q in (
    Question(
        "difference_naive", EFFECT,
        reference=lambda d: d.study.naive, tolerance=_exact,
        tolerance_why=EXACT,
        misconceptions={
            "sens_inverse": Misconception(
                lambda d: -d.study.naive,
                "Le signe est inversé : calculez les participants moins les autres."),
            "avant_apres": Misconception(
                lambda d: d.study.before_after,
                "Vous avez comparé les participants avant et après : la question demande "
                "de comparer les participants aux non-participants sur la même période."),
        },
        variants={"ols": lambda d: ols(d.study.observation, "y", "treated").estimate},
    ),
    Question(
        "effet_essai", EFFECT,
        reference=lambda d: d.study.trial_difference, tolerance=_exact,
        tolerance_why=EXACT,
        misconceptions={
            "sens_inverse": Misconception(
                lambda d: -d.study.trial_difference,
                "Le signe est inversé : calculez le bras avec facilitateur moins le bras "
                "témoin."),
            "contre_non_participants": Misconception(
                lambda d: d.study.arm_against_others,
                "Vous avez comparé le bras avec facilitateur à la population générale : "
                "le groupe de comparaison d'un essai est son bras témoin, tiré au sort "
                "parmi les mêmes personnes."),
        },
        variants={"ols": lambda d: d.study.trial_estimate.estimate},
    ),
    Question(
        "intervalle_essai", Kind("deux bornes (basse, haute)", -100.0, 100.0, length=2),
        reference=trial_interval, tolerance=interval_tolerance,
        tolerance_why="conventions, in the student's SE: (t(n - 2) - z) SE + z SE / (n_min - 1)"
                      " for the smaller arm",
        misconceptions={
            "une_erreur_type": Misconception(
                lambda d: trial_interval(d, d.study.trial_estimate.std_error),
                "Votre intervalle est trop étroit : à 95 %, on s'écarte d'environ deux "
                "erreurs types de part et d'autre de l'estimation, pas d'une seule."),
            "ecart_type": Misconception(
                lambda d: trial_interval(d, Z95 * d.study.outcome_sd),
                "Vous avez utilisé l'écart type des résultats : l'incertitude d'une "
                "différence de moyennes est son erreur type, bien plus petite."),
        },
        variants={"student_t": lambda d: trial_interval(
                      d, t_quantile(d) * d.study.trial_estimate.std_error),
                  "welch": lambda d: trial_interval(d, Z95 * d.study.welch_se)},
    ),
    Question(
        "effet_score", EFFECT, reference=lambda d: d.study.att, tolerance=_exact,
        tolerance_why=EXACT,
        misconceptions={
            "effet_moyen_population": Misconception(
                lambda d: d.study.ate,
                "Vous avez estimé l'effet moyen sur toute la population (ATE) : la "
                "question porte sur l'effet chez les participants (estimand=\"ATT\")."),
            "naif": Misconception(
                lambda d: d.study.naive,
                "C'est la comparaison naïve : le score de propension repondère les "
                "non-participants selon leurs caractéristiques de départ (covariables)."),
        },
    ),
    Question(
        "biais", Kind("des biais, un par méthode", -100.0, 100.0, labels=COMPARED),
        reference=lambda d: d.summary["error"], tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "sens_inverse": Misconception(
                lambda d: -d.summary["error"],
                "Le signe est inversé : le biais est l'estimation moins la vérité."),
            "moyenne_estimations": Misconception(
                lambda d: d.summary["estimate"],
                "C'est la moyenne des estimations : le biais est l'écart moyen entre "
                "l'estimation et la vérité (colonne truth)."),
        },
        variants={"summary": lambda d: d.summary["estimate"] - d.summary["truth"]},
    ),
    Question(
        "couverture", Kind("des parts entre 0 et 1, une par méthode", 0.0, 1.0,
                           labels=COMPARED),
        reference=lambda d: d.summary["covered"], tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "significatifs": Misconception(
                lambda d: d.summary["rejects_zero"],
                "Vous avez compté les intervalles qui excluent zéro (résultats "
                "« significatifs ») : la couverture est la part des intervalles qui "
                "contiennent la vraie valeur."),
            "une_erreur_type": Misconception(
                lambda d: d.summary["within_one_se"],
                "Vous avez pris des intervalles d'une seule erreur type : utilisez les "
                "bornes low et high du tableau (intervalles à 95 %)."),
        },
    ),
)}

"""tp01-non-recours: measuring unmet need from the weighted survey ``enquete_sante``.

Each student gets a stratified subsample of the survey: within each commune (stratum) a
share ``SUBSAMPLE`` of the people drawn, at random from their seed, weights multiplied by
the inverse of that share, so that weighted totals still estimate the population's.

Tolerances. Every answer is a deterministic function of the student's own rows, so the
reference computed on the same rows is exact: a share, a count, a domain estimate or a
difference passes at floating-point precision (``FLOAT_SLACK``), which any correct
computation meets and which the answers of the misconceptions miss (a tolerance of a tenth
of the standard error would let the unweighted share pass for the weighted one: weighting
moves it by a fraction of its SE in this survey). Where textbooks differ by a convention,
the tolerance is the spread of those conventions, in units of the student's own standard
error: 2 instead of 1.96 (0.04 SE) and the factor n_h / (n_h - 1) left out, which moves the
variance by at most 1 / (n_h - 1) for the smallest stratum of the student's sample.
"""

from __future__ import annotations

from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

from passerelle.course.identity import student_seed
from passerelle.course.questions import Kind, Misconception, Question
from passerelle.course.survey_estimates import share_and_se, weighted_share
from passerelle.course.survey_file import read_survey

NAME = "tp01-non-recours"

# Assumption: share of the survey's sample each student gets. Why: different samples for
# different students while keeping about 1,300 respondents (a share's SE about 0.7 point,
# a quintile's about 1.5 to 2 points).
SUBSAMPLE = 0.6
# Normal quantile of a two-sided 95% interval.
Z95 = 1.959963984540054


class Sample:
    """A student's sample: ``frame``, every person drawn, and its ``respondents`` (computed
    once: the reference, the misconceptions and the audit read them many times)."""

    def __init__(self, frame: Sample):
        self.frame = frame

    @cached_property
    def respondents(self) -> pd.DataFrame:
        """The rows of people interviewed."""
        return self.frame[self.frame["statut"] == "repondant"]

    @cached_property
    def strata(self) -> np.ndarray:
        """The respondents' commune (stratum), as integer codes."""
        return self.respondents["commune"].cat.codes.to_numpy()

    @cached_property
    def unmet(self) -> np.ndarray:
        """The respondents' answer, 1.0 for an unmet need."""
        return self.respondents["besoin_non_satisfait"].to_numpy(dtype=float)


@lru_cache(maxsize=512)
def data(student: str) -> Sample:
    """``student``'s stratified subsample of ``enquete_sante`` (same columns, rows in the
    survey's order; ``poids_plan`` and ``poids`` rescaled to the subsample)."""
    survey = read_survey()
    rng = np.random.default_rng(student_seed(student, NAME))
    kept, factor = [], np.ones(len(survey))
    for _, rows in survey.groupby("commune", observed=True, sort=True).indices.items():
        size = max(2, round(SUBSAMPLE * rows.size))
        kept.append(rng.choice(rows, size=size, replace=False))
        factor[rows] = rows.size / size
    index = np.sort(np.concatenate(kept))
    frame = survey.iloc[index].reset_index(drop=True)
    frame["poids_plan"] = frame["poids_plan"] * factor[index]
    frame["poids"] = frame["poids"] * factor[index]
    return Sample(frame)


def for_notebook(sample: Sample) -> pd.DataFrame:
    """A copy of the frame: the student may change it without changing the reference."""
    return sample.frame.copy()


# --- the estimators (reference solution and misconceptions) -------------------------------

def _arrays(sample: Sample, weight: str | None = "poids"):
    r, y = sample.respondents, sample.unmet
    w = np.ones(y.size) if weight is None else r[weight].to_numpy(dtype=float)
    return r, y, w, sample.strata


def raw_share(sample: Sample) -> float:
    """Unweighted share of respondents with an unmet need."""
    return float(sample.unmet.mean())


def weighted(sample: Sample, weight: str = "poids") -> float:
    """Weighted share of respondents with an unmet need."""
    _, y, w, _ = _arrays(sample, weight)
    return weighted_share(y, w)


def design_variance(sample: Sample, corrected: bool = True) -> float:
    """Design-based variance of the weighted share (strata: communes)."""
    _, y, w, strata = _arrays(sample)
    return share_and_se(y, w, strata, corrected=corrected)[1] ** 2


def design_se(sample: Sample, corrected: bool = True) -> float:
    """Design-based standard error of the weighted share (strata: communes)."""
    return float(np.sqrt(design_variance(sample, corrected)))


def smallest_stratum(sample: Sample) -> int:
    """Respondents in the student's smallest commune."""
    return int(sample.respondents["commune"].value_counts().loc[lambda n: n > 0].min())


def convention_spread(sample: Sample) -> float:
    """Relative change of the design variance when ``n_h / (n_h - 1)`` is left out, at most
    ``1 / (n_h - 1)`` for the smallest stratum."""
    return 1.0 / (smallest_stratum(sample) - 1)


def simple_se(sample: Sample, ddof: int = 0) -> float:
    """The standard error the weighted share would have in a simple random sample of the
    same size, ``sqrt(p (1 - p) / (n - ddof))``."""
    p, n = weighted(sample), len(sample.respondents)
    return float(np.sqrt(p * (1 - p) / (n - ddof)))


def interval(sample: Sample, z: float = Z95, se: float | None = None
             ) -> tuple[float, float]:
    """95% design-based confidence interval of the weighted share (or with ``se``)."""
    p = weighted(sample)
    se = design_se(sample) if se is None else se
    return (p - z * se, p + z * se)


def interval_tolerance(sample: Sample) -> float:
    """Spread of the interval's bounds between conventions: ``(2 - 1.96) SE`` plus
    ``1.96 SE`` times the relative change of the SE without ``n_h / (n_h - 1)``."""
    se = design_se(sample)
    return (2.0 - Z95) * se + Z95 * se * convention_spread(sample) / 2


def design_effect(sample: Sample, corrected: bool = True, ddof: int = 0) -> float:
    """Design effect, ``(design SE / simple SE)**2``."""
    return (design_se(sample, corrected) / simple_se(sample, ddof)) ** 2


def _domains(sample: Sample, domain: str, weight: str | None = "poids") -> pd.Series:
    r, y, w, strata = _arrays(sample, weight)
    values = r[domain]
    return pd.Series({value: share_and_se(y, w, strata, (values == value).fillna(False)
                                          .to_numpy(dtype=bool))[0]
                      for value in sorted(values.dropna().unique())}, name="part")


def by_quintile(sample: Sample, weight: str | None = "poids") -> pd.Series:
    """Weighted share with an unmet need in each income quintile (1 to 5)."""
    shares = _domains(sample, "quintile_revenu", weight)
    return shares.rename(index=int).rename("part")


def by_quintile_of_all(sample: Sample) -> pd.Series:
    """Misconception: the weighted count in each quintile over all respondents' weight."""
    r, y, w, _ = _arrays(sample)
    quintile = r["quintile_revenu"]
    return pd.Series({q: float(np.sum((w * y)[(quintile == q).fillna(False).to_numpy()])
                               / np.sum(w)) for q in range(1, 6)}, name="part")


def coverage_gap(sample: Sample, weight: str | None = "poids") -> float:
    """Share with an unmet need among respondents not in order with their mutuelle, minus
    that among those in order."""
    shares = _domains(sample, "en_ordre_mutuelle", weight)
    return float(shares.loc[False] - shares.loc[True])


# --- the questions ------------------------------------------------------------------------

SHARE = Kind("une part entre 0 et 1 (pas un pourcentage)", 0.0, 1.0)
EXACT = "deterministic on the student's own rows: exact (floating-point slack only)"


def _exact(sample: Sample) -> float:
    return 0.0


def _raw_by_sum(sample: Sample) -> float:
    r = sample.respondents
    return float(r["besoin_non_satisfait"].sum() / len(r))


def _weighted_by_average(sample: Sample) -> float:
    r = sample.respondents
    return float(np.average(r["besoin_non_satisfait"].astype(float), weights=r["poids"]))


def _interval_plain_variance(sample: Sample) -> tuple[float, float]:
    return interval(sample, se=design_se(sample, corrected=False))


def _interval_variance_as_se(sample: Sample) -> tuple[float, float]:
    return interval(sample, se=design_variance(sample))


def _by_quintile_groupby(sample: Sample) -> pd.Series:
    r = sample.respondents
    return (r.groupby("quintile_revenu")[["besoin_non_satisfait", "poids"]]
            .apply(lambda g: np.average(g["besoin_non_satisfait"].astype(float),
                                        weights=g["poids"])))


def _coverage_gap_groupby(sample: Sample) -> float:
    r = sample.respondents
    shares = (r.groupby("en_ordre_mutuelle")[["besoin_non_satisfait", "poids"]]
              .apply(lambda g: (g["besoin_non_satisfait"] * g["poids"]).sum() / g["poids"].sum()))
    return float(shares[False] - shares[True])


def _design_effect_tolerance(sample: Sample) -> float:
    # n or n - 1 in the simple SE: 1 / (n - 1); n_h / (n_h - 1) left out: convention_spread.
    return design_effect(sample) * (convention_spread(sample) + 1 / (len(sample.respondents) - 1))


QUESTIONS: dict[str, Question] = {q.name: q for q in (
    Question(
        "n_repondants", Kind("un nombre de personnes", 0, 1e6, integer=True),
        reference=lambda f: int((f.frame["statut"] == "repondant").sum()),
        tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "toutes_les_lignes": Misconception(
                lambda f: len(f.frame),
                "Vous avez compté toutes les personnes tirées au sort : les non-répondants et "
                "les personnes hors champ n'ont pas répondu au questionnaire."),
            "non_repondants_inclus": Misconception(
                lambda f: int((f.frame["statut"] != "hors_champ").sum()),
                "Les non-répondants ont été tirés au sort mais pas interviewés : ils ne "
                "comptent pas parmi les répondants (regardez la colonne statut)."),
        },
        variants={"value_counts": lambda f: int(f.frame["statut"].value_counts()["repondant"])},
    ),
    Question(
        "part_brute", SHARE, reference=raw_share, tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "non_repondants_comptes_non": Misconception(
                lambda f: float(f.frame["besoin_non_satisfait"].fillna(False).astype(float).mean()),
                "Vous avez divisé par toutes les personnes tirées : une valeur manquante n'est "
                "pas un « non ». La part se calcule parmi les répondants."),
            "ponderee": Misconception(
                weighted,
                "Cette question demande la part brute : chaque répondant compte pour un, "
                "sans poids (les poids viennent à la question suivante)."),
        },
        variants={"somme_sur_effectif": _raw_by_sum},
    ),
    Question(
        "part_ponderee", SHARE, reference=weighted, tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "non_ponderee": Misconception(
                raw_share,
                "Vous n'avez pas utilisé les poids : les petites communes sont "
                "suréchantillonnées et certains groupes répondent moins ; chaque répondant "
                "doit compter pour le nombre d'habitants qu'il représente (colonne poids)."),
            "poids_de_plan": Misconception(
                lambda f: weighted(f, "poids_plan"),
                "Vous avez pondéré par poids_plan, qui ne corrige pas la non-réponse : "
                "utilisez la colonne poids."),
        },
        variants={"np_average": _weighted_by_average},
    ),
    Question(
        "intervalle", Kind("deux bornes (basse, haute) entre 0 et 1", 0.0, 1.0, length=2),
        reference=interval, tolerance=interval_tolerance,
        tolerance_why="conventions, in the student's SE: (2 - 1.96) SE + 1.96 SE / (2 (n_h - 1)) "
                      "for the smallest stratum",
        misconceptions={
            "une_erreur_type": Misconception(
                lambda f: interval(f, z=1.0),
                "Votre intervalle est trop étroit : à 95 %, on s'écarte d'environ 1,96 "
                "erreur type de part et d'autre de l'estimation, pas d'une seule."),
            "variance_pour_erreur_type": Misconception(
                _interval_variance_as_se,
                "Vous avez utilisé la variance à la place de l'erreur type : l'erreur type "
                "est la racine carrée de la variance."),
            "erreur_type_simple": Misconception(
                lambda f: interval(f, se=simple_se(f)),
                "Vous avez utilisé l'erreur type d'un tirage simple : l'enquête est "
                "stratifiée et pondérée, partez de la variance du plan (variance_plan)."),
        },
        variants={"deux_erreurs_types": lambda f: interval(f, z=2.0),
                  "sans_facteur_n_h": _interval_plain_variance},
    ),
    Question(
        "effet_de_plan", Kind("un rapport de variances, positif", 0.0, 100.0),
        reference=design_effect, tolerance=_design_effect_tolerance,
        tolerance_why="conventions: relative 1 / (n_h - 1) (smallest stratum) + 1 / (n - 1)",
        misconceptions={
            "rapport_des_erreurs_types": Misconception(
                lambda f: design_se(f) / simple_se(f),
                "L'effet de plan compare des variances : élevez le rapport des erreurs types "
                "au carré."),
            "rapport_inverse": Misconception(
                lambda f: (simple_se(f) / design_se(f)) ** 2,
                "Le rapport est inversé : l'effet de plan est la variance du plan réel "
                "divisée par celle d'un tirage simple."),
        },
        variants={"n_moins_un": lambda f: design_effect(f, ddof=1),
                  "sans_facteur_n_h": lambda f: design_effect(f, corrected=False)},
    ),
    Question(
        "par_quintile", Kind("des parts entre 0 et 1", 0.0, 1.0, labels=(1, 2, 3, 4, 5)),
        reference=by_quintile, tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "non_ponderee": Misconception(
                lambda f: by_quintile(f, weight=None),
                "Vous n'avez pas utilisé les poids dans chaque quintile."),
            "denominateur_total": Misconception(
                by_quintile_of_all,
                "Vous avez divisé par tous les répondants : la part d'un quintile se calcule "
                "parmi les répondants de ce quintile."),
        },
        variants={"groupby": _by_quintile_groupby},
    ),
    Question(
        "ecart_couverture", Kind("une différence de parts, entre -1 et 1", -1.0, 1.0),
        reference=coverage_gap, tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "non_ponderee": Misconception(
                lambda f: coverage_gap(f, weight=None),
                "Vous n'avez pas utilisé les poids."),
            "sens_inverse": Misconception(
                lambda f: -coverage_gap(f),
                "Le signe est inversé : calculez la part chez les personnes hors ordre de "
                "mutuelle moins la part chez celles en ordre."),
        },
        variants={"groupby": _coverage_gap_groupby},
    ),
)}

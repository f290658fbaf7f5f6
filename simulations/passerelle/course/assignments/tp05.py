"""tp05-centre: an unconditional centre's registry (who comes, from where, waiting and lost
demand) and its first-year budget against the fees a simulation bills, before and after
the grants end.

A student's data are (1) a random share ``SUBSAMPLE`` of the patients of
``centre_registre`` (every row of each patient drawn, from their seed), with the share of
the centres' patients that sample holds (the file's ``sampling_fraction`` times the share
of its patients kept), and (2) the settings of a run of the ``centres`` scenario. The
run's seed is one of ``RUN_SEEDS``, picked by the student's id: a run is a second of CPU
and the audit grades hundreds of students, so students share a run with about one in
``len(RUN_SEEDS)`` others; the registry questions, personal to each student, catch a
copied notebook (``passerelle course audit``).

Tolerances. Every answer is a deterministic function of the student's own rows or of
their own run (same code, settings and seed give the same bytes), so the reference computed
from the same rows or run is exact: floating-point slack only (``FLOAT_SLACK``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np
import pandas as pd

import passerelle
from passerelle.apps.budget import budget
from passerelle.course.identity import student_seed
from passerelle.course.questions import Kind, Misconception, Question
from passerelle.course.registry_file import read_registry, registry_sampling_fraction
from passerelle.engine import sources
from passerelle.modules.centres import CentresParams

NAME = "tp05-centre"
CENTRE = "molenbeek"
CENTRE_COMMUNE = "Molenbeek-Saint-Jean"
SCENARIO = "centres"
# Assumption: share of the registry's patients each student gets. Why: different samples
# for different students while keeping about 2,000 Molenbeek patients.
SUBSAMPLE = 0.7
# Assumption (design choice): the seeds of the budget runs, one per student by their id.
RUN_SEEDS = tuple(range(1, 13))
# Assumption (design choice): 3,000 simulated people (about 400 inhabitants each) from
# January 2017 to December 2021: the Molenbeek centre's first full year (2018), the last
# funded year (2020, end of FEDER 2014-2020) and the first without grants (2021), in about
# a second of CPU.
SETTINGS = {"population": {"size": 3000},
            "run": {"start": "2017-01", "months": 60, "burn_in": 12}}
FIRST_YEAR, FUNDED_YEAR, UNFUNDED_YEAR = 2018, 2019, 2021
# The waiting-list year the questions read.
WAITING_YEAR = 2019
UNDOCUMENTED = ("sans_papiers_amu", "sans_papiers_sans_amu")
FEE_LINES = ("inami_fees", "federal_fees", "patient_fees")
# The first-year budget's fee line (EUR, datasets/sources/belgium_sources.csv,
# centre_year1_fees: the project description of the Molenbeek centre, 2018).
PLANNED_FEES = sources.value("centre_year1_fees", sources.BRUSSELS_FIGURES)
# Share of the people turned away who are asked to come back (the others leave no trace):
# the centres module's own parameter, so the question moves with the model.
WAIT_SHARE = CentresParams().wait_share
EXACT = ("deterministic on the student's own rows and run: exact (floating-point slack "
         "only)")


@dataclass(frozen=True)
class DonneesCentre:
    """A student's data: ``registre`` (their sample of ``centre_registre``), ``fraction``
    (the share of the centres' real patients it holds), ``part_invites`` (the share of the
    people turned away who are asked to come back) and ``reglages`` (the tables of settings,
    seed included, to pass to ``passerelle.run("centres", **reglages)``)."""

    registre: pd.DataFrame
    fraction: float
    part_invites: float
    reglages: dict[str, dict]


class CentreData:
    """What the grader knows of a student: their sample and their run (made once)."""

    def __init__(self, registry: pd.DataFrame, fraction: float, settings: dict[str, dict]):
        self.registry, self.fraction, self.settings = registry, fraction, settings

    @cached_property
    def consultations(self) -> pd.DataFrame:
        """The Molenbeek centre's consultations."""
        r = self.registry
        return r[(r["type"] == "consultation") & (r["centre"] == CENTRE)]

    @cached_property
    def patients(self) -> pd.DataFrame:
        """One row per Molenbeek patient: their first consultation there."""
        return self.consultations.drop_duplicates("patient")

    @cached_property
    def waiting(self) -> pd.DataFrame:
        """The Molenbeek centre's waiting-list events of ``WAITING_YEAR``."""
        r = self.registry
        return r[(r["type"] == "liste_attente") & (r["centre"] == CENTRE)
                 & (r["date"].dt.year == WAITING_YEAR)]

    @cached_property
    def budget(self) -> pd.DataFrame:
        """The Molenbeek centre's budget: EUR by (kind, line) × year."""
        return centre_budget(self.settings["run"]["seed"])


@lru_cache(maxsize=len(RUN_SEEDS))
def centre_budget(seed: int) -> pd.DataFrame:
    """The Molenbeek centre's budget in the ``centres`` run on ``seed`` (EUR, real
    population): one row per (kind, line), one column per year."""
    results = passerelle.run(SCENARIO, **seeded(seed))
    table = budget(results)
    return table[table["centre"] == CENTRE].pivot_table(index=["kind", "line"],
                                                        columns="year", values="eur")


def seeded(seed: int) -> dict[str, dict]:
    """``SETTINGS`` with the run's seed set to ``seed``."""
    return {**SETTINGS, "run": {**SETTINGS["run"], "seed": seed}}


@lru_cache(maxsize=512)
def data(student: str) -> CentreData:
    """``student``'s sample of the registry (rows in the file's order) and run settings."""
    registry = read_registry()
    seed = student_seed(student, NAME)
    rng = np.random.default_rng(seed)
    patients = registry["patient"].unique()
    kept = rng.choice(patients, size=round(SUBSAMPLE * patients.size), replace=False)
    sample = registry[registry["patient"].isin(kept)].reset_index(drop=True)
    fraction = registry_sampling_fraction() * kept.size / patients.size
    return CentreData(sample, fraction, seeded(RUN_SEEDS[seed % len(RUN_SEEDS)]))


def for_notebook(centre: CentreData) -> DonneesCentre:
    """A copy of the sample (the student may change it), its fraction and the settings."""
    return DonneesCentre(centre.registry.copy(), centre.fraction, WAIT_SHARE,
                         centre.settings)


# --- the answers (reference solution and misconceptions) ----------------------------------

def undocumented_share(rows: pd.DataFrame) -> float:
    """Share of ``rows`` whose coverage at entry is undocumented (with or without AMU)."""
    return float(rows["couverture_entree"].isin(UNDOCUMENTED).mean())


def outside_share(rows: pd.DataFrame) -> float:
    """Among ``rows`` with a known commune, the share living outside the centre's."""
    known = rows[rows["commune"].notna()]
    return float((known["commune"] != CENTRE_COMMUNE).mean())


def turned_away(d: CentreData, scaled: bool = True, lost_too: bool = True) -> float:
    """People turned away by the centre in ``WAITING_YEAR`` (person-months): the waiting
    list, divided by the sample's ``fraction`` if ``scaled`` (real population) and by the
    share asked to come back if ``lost_too`` (those not asked back leave no trace)."""
    count = float(len(d.waiting))
    if scaled:
        count /= d.fraction
    return count / WAIT_SHARE if lost_too else count


def fees(d: CentreData, year: int = FIRST_YEAR) -> float:
    """The fees billed by the centre in ``year`` (INAMI, federal state, patients; EUR)."""
    revenue = d.budget.loc["revenue"]
    return float(revenue.loc[list(FEE_LINES), year].sum())


def gap(d: CentreData, year: int) -> float:
    """The centre's funding gap in ``year`` (costs − revenues, EUR)."""
    return float(d.budget.loc[("gap", "funding_gap"), year])


def _exact(d: CentreData) -> float:
    return 0.0


SHARE = Kind("une part entre 0 et 1 (pas un pourcentage)", 0.0, 1.0)
EUR = Kind("un montant en euros", -1e9, 1e9)

QUESTIONS: dict[str, Question] = {q.name: q for q in (
    Question(
        "patients_molenbeek", Kind("un nombre de patients", 0, 1e6, integer=True),
        reference=lambda d: int(d.consultations["patient"].nunique()),
        tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "consultations": Misconception(
                lambda d: len(d.consultations),
                "Vous avez compté des consultations : un patient peut venir plusieurs fois ; "
                "comptez chaque pseudonyme une seule fois."),
            "tous_evenements": Misconception(
                lambda d: int(d.registry.loc[d.registry["centre"] == CENTRE, "patient"]
                              .nunique()),
                "Vous avez compté toutes les lignes du centre : une inscription sur la liste "
                "d'attente ou une demande d'AMU n'est pas une consultation (colonne type)."),
        },
        variants={"len_unique": lambda d: len(d.consultations["patient"].unique())},
    ),
    Question(
        "part_sans_papiers", SHARE,
        reference=lambda d: undocumented_share(d.patients), tolerance=_exact,
        tolerance_why=EXACT,
        misconceptions={
            "par_consultation": Misconception(
                lambda d: undocumented_share(d.consultations),
                "Vous avez calculé une part des consultations : les patients qui viennent "
                "souvent pèsent plus. La question porte sur les patients, chacun une fois."),
            "tous_les_centres": Misconception(
                lambda d: undocumented_share(
                    d.registry[d.registry["type"] == "consultation"].drop_duplicates("patient")),
                "Vous avez pris les patients de tous les centres : ne gardez que ceux du "
                "centre de Molenbeek (colonne centre)."),
        },
    ),
    Question(
        "part_hors_commune", SHARE,
        reference=lambda d: outside_share(d.patients), tolerance=_exact,
        tolerance_why=EXACT,
        misconceptions={
            "sans_abri_hors_commune": Misconception(
                lambda d: float((d.patients["commune"] != CENTRE_COMMUNE).mean()),
                "Une commune vide (sans-abri) n'est pas « une autre commune » : en pandas, "
                "une valeur manquante est différente de tout. Ne gardez que les patients "
                "dont la commune est connue."),
            "par_consultation": Misconception(
                lambda d: outside_share(d.consultations),
                "Vous avez calculé une part des consultations : comptez chaque patient une "
                "seule fois."),
        },
    ),
    Question(
        "refus_estimes", Kind("un nombre de personnes (population réelle)", 0.0, 1e8),
        reference=turned_away, tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "liste_seulement": Misconception(
                lambda d: turned_away(d, lost_too=False),
                "Vous n'avez compté que la liste d'attente : une partie seulement des "
                "personnes refusées est invitée à revenir ; les autres ne laissent aucune "
                "trace (part_invites)."),
            "echantillon": Misconception(
                lambda d: turned_away(d, scaled=False),
                "Votre nombre est celui de votre échantillon : le registre ne contient "
                "qu'une petite fraction des patients (fraction) ; ramenez-le à la "
                "population réelle."),
        },
    ),
    Question(
        "honoraires_2018", EUR, reference=fees, tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "budget_prevu": Misconception(
                lambda d: PLANNED_FEES,
                "C'est le montant prévu au budget : on demande les honoraires que la "
                "simulation facture (lignes inami_fees, federal_fees, patient_fees)."),
            "toutes_recettes": Misconception(
                lambda d: float(d.budget.loc["revenue", FIRST_YEAR].sum()),
                "Vous avez additionné toutes les recettes : les subsides (feder, "
                "inami_project, social_integration) et les dons ne sont pas des honoraires."),
        },
    ),
    Question(
        "hausse_deficit", EUR,
        reference=lambda d: gap(d, UNFUNDED_YEAR) - gap(d, FUNDED_YEAR), tolerance=_exact,
        tolerance_why=EXACT,
        misconceptions={
            "sens_inverse": Misconception(
                lambda d: gap(d, FUNDED_YEAR) - gap(d, UNFUNDED_YEAR),
                "Le signe est inversé : calculez le déficit de 2021 moins celui de 2019."),
            "deficit_2021": Misconception(
                lambda d: gap(d, UNFUNDED_YEAR),
                "C'est le déficit de 2021 : on demande de combien il augmente par rapport à "
                "2019, quand les subsides couraient encore."),
        },
    ),
)}

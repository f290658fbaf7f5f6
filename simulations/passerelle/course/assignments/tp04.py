"""tp04-facilitateurs: the facilitators' case logs (``facilitateurs_suivi``): clean the
duplicates and the ages typed as years of birth, compute caseload indicators, and compare
the barriers facilitators note (what their manager sees) with the barriers of the whole
simulated population.

Each student gets a random share ``SUBSAMPLE`` of the case files (every entry of a file
kept, slips included, rows in the file's order), drawn from their seed. The population's
barriers come from one small baseline run, the same for everybody (``POPULATION``): it is
the context the log is read against; the student's own numbers are those of their files.

Tolerances. Every answer is a deterministic function of the student's own rows (and of a
reproducible run), so the reference computed on the same rows is exact: it passes at
floating-point precision (``FLOAT_SLACK``), which any correct computation meets and which
the misconceptions miss (each changes a count or a denominator).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, wraps

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

import passerelle
from passerelle.course.identity import student_seed
from passerelle.course.questions import Kind, Misconception, Question
from passerelle.engine.sources import SOURCES_DIR

NAME = "tp04-facilitateurs"
LOG_FILE = "facilitateurs_suivi.parquet"
# Assumption: share of the case files each student gets. Why: about 110 of the file's 160
# files, so that two students' samples differ in tens of files and every indicator moves,
# while keeping about 20 noted barriers.
SUBSAMPLE = 0.7
# Ages above this are years of birth typed in the age field (the oldest client is 100).
# Assumption: no client is older than 110 years.
MAX_AGE = 110
LAPSED = "hors_ordre_mutuelle"
COST = "cout"
# The population the log is read against: the Brussels baseline, as in tp02-cascade
# (design choice: small and fast, one run for everybody).
POPULATION = {"population": {"size": 2000},
              "run": {"start": "2024-01", "months": 12, "burn_in": 12}}
EXACT = "deterministic on the student's own rows: exact (floating-point slack only)"


@lru_cache(maxsize=1)
def read_log() -> pd.DataFrame:
    """``facilitateurs_suivi`` with the types of its schema, read with pyarrow (the schema
    check of ``passerelle.datasets.load`` imports pandera, seconds in a fresh kernel; the
    file is checked against its schema and checksum by the data set tests)."""
    return pq.read_table(SOURCES_DIR.parent / LOG_FILE).to_pandas(date_as_object=False)


# The barriers as the log names them (its categories), in the order of the cascade's steps
# (Levesque et al. 2013).
BARRIERS = tuple(read_log()["barriere_notee"].cat.categories)


def steps() -> dict[str, str]:
    """Each barrier of the log with the simulator's name of its step."""
    # Deferred: the engine imports numba (seconds in a fresh kernel), needed only for a run.
    from passerelle.engine.groups import STEPS

    return dict(zip(BARRIERS, STEPS, strict=True))


@lru_cache(maxsize=1)
def population_shares() -> pd.Series:
    """Share of the population's unmet needs (last 12 months) at each barrier."""
    results = passerelle.run("baseline", **POPULATION)
    unmet = pd.Series({b: results.last_year(f"unmet_{s}") for b, s in steps().items()})
    return (unmet / unmet.sum()).rename("part")


class CaseFiles:
    """A student's case files: ``frame`` as handed out, and what the answers read from it
    (computed once: the reference, the misconceptions and the audit read them often)."""

    def __init__(self, frame: pd.DataFrame):
        self.frame = frame
        self.answers: dict = {}

    @cached_property
    def clean(self) -> pd.DataFrame:
        """The entries without exact duplicates."""
        return self.frame.drop_duplicates()

    @cached_property
    def files(self) -> pd.DataFrame:
        """One row per file: its first entry."""
        return self.clean.drop_duplicates("dossier")

    @cached_property
    def noted(self) -> pd.Series:
        """The barriers noted, one per entry that notes one."""
        return self.clean["barriere_notee"].dropna()


@lru_cache(maxsize=512)
def data(student: str) -> CaseFiles:
    """``student``'s share of the case files (every entry of each file drawn)."""
    log = read_log()
    files = log["dossier"].unique()
    rng = np.random.default_rng(student_seed(student, NAME))
    kept = rng.choice(files, size=round(SUBSAMPLE * files.size), replace=False)
    return CaseFiles(log[log["dossier"].isin(kept)].reset_index(drop=True))


@dataclass
class DonneesSuivi:
    """What the notebook gets: ``journal``, the student's case files (a copy they may
    change), and ``population``, the settings of the population run
    (``passerelle.run("baseline", **population)``); ``etapes()`` maps each barrier of the
    log to the cascade's step in the simulator."""

    journal: pd.DataFrame
    population: dict = field(default_factory=lambda: POPULATION)

    @staticmethod
    def etapes() -> dict[str, str]:
        """Each barrier of the log with the simulator's name of its step."""
        return steps()


def for_notebook(files: CaseFiles) -> DonneesSuivi:
    """A copy of the files and the population's settings."""
    return DonneesSuivi(files.frame.copy())


# --- the answers (reference solution and misconceptions) ----------------------------------

def memoised(function: Callable) -> Callable:
    """``function(files, ...)`` computed once per student's files and arguments (the audit
    grades each answer against the reference and every misconception, many times)."""
    @wraps(function)
    def once(files: CaseFiles, *args, **kwargs):
        key = (function.__name__, args, tuple(sorted(kwargs.items())))
        if key not in files.answers:
            files.answers[key] = function(files, *args, **kwargs)
        return files.answers[key]
    return once


@memoised
def duplicates(files: CaseFiles, keep: str | bool = "first", subset: str | None = None
               ) -> int:
    """Entries identical to an earlier one (every copy, original included, if ``keep`` is
    False; identical in ``subset`` only, if given)."""
    return int(files.frame.duplicated(subset, keep=keep).sum())


@memoised
def entries_per(files: CaseFiles, column: str = "dossier", clean: bool = True) -> float:
    """Entries (without duplicates if ``clean``) per distinct value of ``column``."""
    rows = files.clean if clean else files.frame
    return len(rows) / files.clean[column].nunique()


@memoised
def per_file_age(files: CaseFiles, entries: bool = False, clean: bool = True) -> float:
    """Mean age at intake, one per file (or one per entry), ages over ``MAX_AGE`` left out
    (kept if not ``clean``)."""
    rows = files.clean if entries else files.files
    ages = rows["age"].astype(float)
    return float(ages[ages <= MAX_AGE].mean() if clean else ages.mean())


@memoised
def reopened_share(files: CaseFiles, among: str = "lapsed", entries: bool = False) -> float:
    """Share of the files opened out of order with the mutuelle whose rights were
    reopened at least once (or among every file; or the share of their entries)."""
    rows = files.clean
    if among == "lapsed":
        rows = rows[rows["couverture_entree"] == LAPSED]
    if entries:
        return float(rows["droits_rouverts"].mean())
    return float(rows.groupby("dossier")["droits_rouverts"].any().mean())


@memoised
def noted_shares(files: CaseFiles, over: str = "noted") -> pd.Series:
    """Share of each barrier among the entries noting one (or among every entry, or the
    share of files noting each barrier at least once)."""
    counts = files.noted.value_counts().reindex(BARRIERS, fill_value=0).astype(float)
    if over == "files":
        counts = (files.clean.dropna(subset=["barriere_notee"])
                  .groupby("barriere_notee", observed=False)["dossier"].nunique()
                  .reindex(BARRIERS, fill_value=0).astype(float))
        return (counts / files.files.shape[0]).rename("part")
    total = len(files.clean) if over == "entries" else counts.sum()
    return (counts / total).rename("part")


@memoised
def cost_gap(files: CaseFiles, over: str = "noted", sign: float = 1.0) -> float:
    """Share of cost among the barriers noted minus the population's share of unmet needs
    that failed at 'pay'."""
    return sign * float(noted_shares(files, over)[COST] - population_shares()[COST])


def _exact(files: CaseFiles) -> float:
    return 0.0


def _noted_by_normalize(files: CaseFiles) -> pd.Series:
    return files.clean["barriere_notee"].value_counts(normalize=True)


COUNT = Kind("un nombre d'entrées", 0, 1e5, integer=True)
SHARE = Kind("une part entre 0 et 1 (pas un pourcentage)", 0.0, 1.0)

QUESTIONS: dict[str, Question] = {q.name: q for q in (
    Question(
        "n_doublons", COUNT, reference=duplicates,
        tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "toutes_les_copies": Misconception(
                lambda f: duplicates(f, keep=False),
                "Vous avez compté chaque entrée en double deux fois, l'original avec sa "
                "copie : seules les copies sont en trop."),
            "meme_dossier": Misconception(
                lambda f: duplicates(f, subset="dossier"),
                "Vous avez cherché les doublons sur la seule colonne dossier : un dossier a "
                "normalement plusieurs entrées. Une entrée en double est identique à une "
                "autre dans toutes ses colonnes."),
        },
    ),
    Question(
        "contacts_par_dossier", Kind("un nombre moyen d'entrées", 0.0, 1000.0),
        reference=entries_per, tolerance=_exact,
        tolerance_why=EXACT,
        misconceptions={
            "avec_doublons": Misconception(
                lambda f: entries_per(f, clean=False),
                "Vous avez gardé les entrées saisies deux fois : retirez les doublons "
                "avant de compter."),
            "par_facilitateur": Misconception(
                lambda f: entries_per(f, "facilitateur"),
                "Vous avez divisé par le nombre de facilitateurs : on demande le nombre "
                "moyen d'entrées par dossier (par client)."),
        },
    ),
    Question(
        "age_moyen", Kind("un âge moyen en années", 0.0, 2100.0),
        reference=per_file_age, tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "annees_de_naissance": Misconception(
                lambda f: per_file_age(f, clean=False),
                "Certains âges sont des années de naissance saisies par erreur (regardez "
                "les plus grandes valeurs) : laissez de côté les âges impossibles."),
            "par_entree": Misconception(
                lambda f: per_file_age(f, entries=True),
                "Vous avez fait la moyenne sur les entrées : un client suivi longtemps "
                "compte alors plusieurs fois. Gardez un âge par dossier."),
        },
    ),
    Question(
        "part_droits_rouverts", SHARE, reference=reopened_share, tolerance=_exact,
        tolerance_why=EXACT,
        misconceptions={
            "tous_les_dossiers": Misconception(
                lambda f: reopened_share(f, among="all"),
                "Vous avez divisé par tous les dossiers : seuls les clients arrivés hors "
                "ordre de mutuelle avaient des droits à rouvrir."),
            "par_entree": Misconception(
                lambda f: reopened_share(f, entries=True),
                "Vous avez calculé une part d'entrées : on demande une part de dossiers "
                "(un dossier compte si ses droits ont été rouverts au moins une fois)."),
        },
    ),
    Question(
        "parts_notees", Kind("des parts entre 0 et 1", 0.0, 1.0, labels=BARRIERS),
        reference=noted_shares, tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "toutes_les_entrees": Misconception(
                lambda f: noted_shares(f, over="entries"),
                "Vous avez divisé par toutes les entrées : la plupart ne notent aucune "
                "barrière. Les parts se calculent parmi les barrières notées (elles font "
                "1 ensemble)."),
            "par_dossier": Misconception(
                lambda f: noted_shares(f, over="files"),
                "Vous avez compté des dossiers : on demande comment les barrières notées "
                "se répartissent (une part des barrières notées, qui font 1 ensemble)."),
        },
        variants={"normalize": _noted_by_normalize},
    ),
    Question(
        "ecart_cout", Kind("une différence de parts, entre -1 et 1", -1.0, 1.0),
        reference=cost_gap, tolerance=_exact, tolerance_why=EXACT,
        misconceptions={
            "sens_inverse": Misconception(
                lambda f: cost_gap(f, sign=-1.0),
                "Le signe est inversé : calculez la part dans le journal moins la part "
                "dans la population."),
            "toutes_les_entrees": Misconception(
                lambda f: cost_gap(f, over="entries"),
                "Vous avez pris la part du coût parmi toutes les entrées : prenez-la parmi "
                "les barrières notées, comme à la question précédente."),
        },
    ),
)}

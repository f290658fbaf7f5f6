"""tp00-prise-en-main: a first notebook, lightly graded: a table, a count, a mean, a plot.

Each student gets ``SAMPLE_SIZE`` respondents of ``enquete_sante`` drawn at random from
their seed, with a few columns. Both answers are deterministic on the student's rows:
they pass at floating-point precision (see ``passerelle.course.questions.FLOAT_SLACK``).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd

from passerelle.course.identity import student_seed
from passerelle.course.questions import Kind, Misconception, Question
from passerelle.course.survey_file import read_survey

NAME = "tp00-prise-en-main"

# Assumption: enough rows to make a plot worth reading, few enough to read them all on
# one screen (design choice).
SAMPLE_SIZE = 40
COLUMNS = ("commune", "sexe", "age", "classe_age", "medecin_regulier", "besoin_non_satisfait")
EXACT = "deterministic on the student's own rows: exact (floating-point slack only)"
# The first rows pandas shows with ``head()``.
HEAD_ROWS = 5


@lru_cache(maxsize=512)
def data(student: str) -> pd.DataFrame:
    """``SAMPLE_SIZE`` respondents drawn from ``student``'s seed, columns ``COLUMNS``."""
    survey = read_survey()
    rows = np.flatnonzero((survey["statut"] == "repondant").to_numpy())
    rng = np.random.default_rng(student_seed(student, NAME))
    chosen = np.sort(rng.choice(rows, size=SAMPLE_SIZE, replace=False))
    return survey.loc[chosen, list(COLUMNS)].reset_index(drop=True)


def for_notebook(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy the student may change without changing the reference."""
    return frame.copy()


QUESTIONS: dict[str, Question] = {q.name: q for q in (
    Question(
        "nombre_lignes", Kind("un nombre de lignes", 0, 1e6, integer=True),
        reference=len, tolerance=lambda f: 0.0, tolerance_why=EXACT,
        misconceptions={
            "colonnes": Misconception(
                lambda f: f.shape[1],
                "Vous avez compté les colonnes : chaque personne est une ligne."),
            "apercu": Misconception(
                lambda f: HEAD_ROWS,
                "head() ne montre que les premières lignes : len(donnees) les compte toutes."),
        },
        variants={"shape": lambda f: f.shape[0]},
    ),
    Question(
        "age_moyen", Kind("un âge en années", 0, 120),
        reference=lambda f: float(f["age"].mean()),
        tolerance=lambda f: 0.0, tolerance_why=EXACT,
        misconceptions={
            "mediane": Misconception(
                lambda f: float(f["age"].median()),
                "Vous avez calculé la médiane : la moyenne est mean()."),
            "apercu": Misconception(
                lambda f: float(f["age"].head(HEAD_ROWS).mean()),
                "Vous avez fait la moyenne des premières lignes seulement (head())."),
        },
        variants={"somme_sur_nombre": lambda f: float(f["age"].sum() / len(f))},
    ),
)}

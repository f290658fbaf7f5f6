"""Every student gets personal data; the grader recomputes the graded student's truth from the
folder nbgrader grades in, never from the matricule the notebook declares."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd

from passerelle.course import mes_donnees
from passerelle.course.assignments import assignment as find_assignment
from passerelle.course.identity import graded_student, student_seed

PYTHON = sys.executable


def test_the_seed_is_stable_across_processes():
    """SHA-256, not ``hash()``: another process with another hash seed gets the same seed."""
    code = ("from passerelle.course.identity import student_seed; "
            "print(student_seed('000123', 'tp01-non-recours'))")
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([PYTHON, "-c", code], env=env, capture_output=True, text=True,
                         check=True).stdout
    assert int(out) == student_seed("000123", "tp01-non-recours")
    assert student_seed("000123", "tp01-non-recours") != student_seed("000123", "tp02-cascade")
    assert student_seed("000123", "tp01-non-recours", year="2027-2028") != student_seed(
        "000123", "tp01-non-recours")


def test_two_students_get_different_samples_and_answers():
    module = find_assignment("tp01-non-recours")
    first, second = mes_donnees("tp01-non-recours", "000123"), mes_donnees(
        "tp01-non-recours", "000124")
    assert list(first.columns) == list(second.columns)
    assert set(first["id"]) != set(second["id"])
    for name in ("part_brute", "part_ponderee"):
        question = module.QUESTIONS[name]
        assert question.reference(module.data("000123")) != question.reference(
            module.data("000124"))


def test_the_same_student_gets_the_same_data_and_may_change_their_copy():
    first = mes_donnees("tp01-non-recours", " 000123 ")
    first["poids"] = 0.0
    again = mes_donnees("tp01-non-recours", "000123")
    assert (again["poids"].dropna() > 0).all()
    pd.testing.assert_frame_equal(again, mes_donnees("tp01-non-recours", "000123"))


def test_the_student_subsample_keeps_the_weighted_population():
    """Weights are rescaled within each commune: a student's weights still add up to the
    survey's design total (the population of the frame)."""
    from passerelle.course.survey_file import read_survey

    survey = read_survey()
    sample = mes_donnees("tp01-non-recours", "000123")
    by_commune = sample.groupby("commune", observed=True)["poids_plan"].sum()
    expected = survey.groupby("commune", observed=True)["poids_plan"].sum()
    pd.testing.assert_series_equal(by_commune, expected, check_exact=False, rtol=1e-12)


def test_tp02_data_are_the_settings_of_personal_runs():
    first, second = mes_donnees("tp02-cascade", "000123"), mes_donnees("tp02-cascade", "000124")
    assert first.reglages != second.reglages
    assert first.changement == second.changement
    assert not first.autre_graine


def test_the_graded_id_comes_from_nbgrader_s_folder():
    assert graded_student("tp01-non-recours",
                          Path("/c/autograded/000123/tp01-non-recours")) == "000123"
    assert graded_student("tp01-non-recours", Path("/c/autograded/000123/tp02-cascade")) is None
    assert graded_student("tp01-non-recours", Path("/c/submitted/000123/tp01-non-recours")) is None


def test_a_declared_matricule_does_not_fool_the_grader(tmp_path: Path):
    """In nbgrader's folder for student A, a notebook that declares student B and hands in
    B's answers fails; A's own answers pass."""
    folder = tmp_path / "autograded" / "etudiant-a" / "tp00-prise-en-main"
    folder.mkdir(parents=True)
    code = """
from passerelle.course import mes_donnees
from passerelle.course.grading import check
copie = mes_donnees("tp00-prise-en-main", matricule="etudiant-b")
try:
    check("tp00-prise-en-main", "age_moyen", float(copie["age"].mean()))
    print("copy passed")
except AssertionError as error:
    print("copy failed:", error)
propre = mes_donnees("tp00-prise-en-main", matricule="etudiant-a")
check("tp00-prise-en-main", "age_moyen", float(propre["age"].mean()))
print("own passed")
"""
    out = subprocess.run([PYTHON, "-c", code], cwd=folder, capture_output=True, text=True,
                         check=True).stdout
    assert "copy failed" in out and "own passed" in out
    assert "copy passed" not in out


def test_personal_data_import_nothing_heavy():
    """No dask, duckdb or matplotlib in a fresh kernel until the notebook asks for them."""
    code = """
import sys
from passerelle.course import mes_donnees
for name in ("tp00-prise-en-main", "tp01-non-recours", "tp02-cascade", "tp03-droits",
             "tp04-facilitateurs", "tp05-centre", "tp06-essai"):
    mes_donnees(name, matricule="x")
heavy = ("dask", "duckdb", "matplotlib", "pandera", "nbgrader")
print(sorted(m for m in heavy if m in sys.modules))
"""
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_timing_measures_a_fresh_process():
    from passerelle.course.timing import COMMANDS, measure

    wall, cpu = measure("sum(range(10**6))")
    assert wall > 0 and cpu > 0
    assert any("tp02-cascade" in code for code in COMMANDS.values())

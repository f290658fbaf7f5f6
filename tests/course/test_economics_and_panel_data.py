"""The personal data of tp07 (a resampled commune panel) and tp08 (three runs on one seed)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from passerelle.course import mes_donnees
from passerelle.course.assignments import tp07, tp08


def test_a_student_panel_is_another_sample_of_the_same_population():
    frame, scale, _ = tp07._file()
    first, second = mes_donnees(tp07.NAME, "000123"), mes_donnees(tp07.NAME, "000124")
    for column in ("commune", "mois", "population", "centre_ouvert", "distance_centre_km"):
        assert first[column].equals(frame[column]) and second[column].equals(frame[column])
    for column in tp07.RESAMPLED:
        assert not first[column].equals(second[column])
        # Poisson draws: the total of the simulated counts moves by about its square root;
        # five standard errors bound it for any student.
        simulated = frame[column].sum() / scale
        assert abs(first[column].sum() / scale - simulated) <= 5 * np.sqrt(simulated)
    assert tp07.data("000123").neighbours == tp07.data("000124").neighbours


def test_tp08_strategies_share_their_people_and_the_draws_are_paired():
    d = tp08.data("000123")
    runs = d.runs
    assert set(runs) == set(tp08.STRATEGIES)
    # Same seed, same people: demography does not depend on care.
    for name in tp08.INTERVENTIONS:
        np.testing.assert_array_equal(runs[name].population_by_quintile,
                                      runs["statu_quo"].population_by_quintile)
    costs, effects = tp08.draws(runs, d.graine_tirages)
    assert costs.shape == effects.shape == (tp08.DRAWS, len(tp08.STRATEGIES))
    assert (costs["statu_quo"] == 0).all() and (effects["statu_quo"] == 0).all()
    # A draw sums 12 months drawn with replacement: its expectation is the year's total;
    # the mean of the draws is within five Monte Carlo standard errors of it.
    for name in tp08.INTERVENTIONS:
        year = runs[name].cost - runs["statu_quo"].cost
        error = costs[name].std() / np.sqrt(tp08.DRAWS)
        assert abs(costs[name].mean() - year) <= 5 * error + 1e-9 * abs(year)
    assert tp08.data("000124").reglages != d.reglages


def test_tp07_and_tp08_personal_data_import_nothing_heavy():
    code = """
import sys
from passerelle.course import mes_donnees
for name in ("tp07-double-difference", "tp08-economie-equite"):
    mes_donnees(name, matricule="x")
heavy = ("dask", "duckdb", "matplotlib", "pandera", "nbgrader")
print(sorted(m for m in heavy if m in sys.modules))
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"

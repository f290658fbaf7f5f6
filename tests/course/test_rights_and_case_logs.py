"""The personal data of tp03-droits (personal runs, person by person) and tp04-facilitateurs
(a personal share of the case files), and the plugin that keeps each person's coverage."""

from __future__ import annotations

import numpy as np
import pandas as pd

import passerelle
from passerelle.course import mes_donnees
from passerelle.course.assignments import assignment as find_assignment
from passerelle.course.coverage_tracker import ABSENT, PLUGIN
from passerelle.datasets.schemas import CASE_BARRIERS
from passerelle.engine.groups import COVERAGE_GROUPS

MODEL = ["demography", "coverage", "needs", "cascade", "regular_gp", "escalation", "costs",
         "outcomes"]
SMALL = {"population": {"size": 1000}, "run": {"start": "2024-01", "months": 3, "burn_in": 2}}


def test_the_coverage_tracker_changes_no_result():
    """It draws nothing and changes no one: every measure is the same without it."""
    alone = passerelle.run("baseline", modules=MODEL, **SMALL)
    tracked = passerelle.run("baseline", modules=[*MODEL, "coverage_tracker"],
                             plugins=[PLUGIN], **SMALL)
    assert set(alone.cells) == set(tracked.cells)
    for name, cells in alone.cells.items():
        np.testing.assert_array_equal(cells, tracked.cells[name], err_msg=name)
    for column in ("coverage_start", "coverage_end"):
        codes = tracked.people[column]
        assert set(np.unique(codes)) <= {ABSENT, *range(len(COVERAGE_GROUPS))}
        assert (codes != ABSENT).sum() > 0.9 * codes.size


def test_tp03_data_are_the_settings_of_personal_runs():
    first, second = mes_donnees("tp03-droits", "000123"), mes_donnees("tp03-droits", "000124")
    assert first.reglages != second.reglages
    assert first.reforme == second.reforme
    assert not first.autre_graine


def test_tp03_compares_the_same_people_in_both_runs():
    """The reform starts after the groups at the start are kept: on the same seed both runs
    hold the same people in the same groups at the start, so a difference per row is a
    person's own gain."""
    data = find_assignment("tp03-droits").data("exemple-000")
    before, after = data.reference.people, data.reform.people
    pd.testing.assert_index_equal(before.index, after.index)
    pd.testing.assert_series_equal(before["groupe_debut"], after["groupe_debut"])
    assert (before["groupe_fin"] != after["groupe_fin"]).any()


def test_tp04_gives_each_student_whole_case_files():
    module = find_assignment("tp04-facilitateurs")
    log = module.read_log()
    first = mes_donnees("tp04-facilitateurs", "000123").journal
    second = mes_donnees("tp04-facilitateurs", "000124").journal
    assert set(first["dossier"]) != set(second["dossier"])
    assert first["dossier"].nunique() == round(module.SUBSAMPLE * log["dossier"].nunique())
    whole = log[log["dossier"].isin(set(first["dossier"]))].reset_index(drop=True)
    pd.testing.assert_frame_equal(first, whole)


def test_tp04_barriers_follow_the_schema_and_the_cascade():
    module = find_assignment("tp04-facilitateurs")
    assert module.BARRIERS == CASE_BARRIERS
    assert list(module.steps().values()) == ["perceive", "seek", "reach", "pay", "engage"]
    first = mes_donnees("tp04-facilitateurs", "000123")
    first.journal["age"] = 0
    again = mes_donnees("tp04-facilitateurs", "000123").journal
    assert (again["age"] > 0).any()

"""Personal data of tp05-centre and tp06-essai: different students get different samples and
seeds, a student's copy cannot change the grader's truth, and the budget questions read
lines whose accounting holds."""

from __future__ import annotations

import numpy as np

from passerelle.course import mes_donnees
from passerelle.course.assignments import tp05, tp06
from passerelle.course.registry_file import read_registry, registry_sampling_fraction


def test_tp05_samples_differ_and_keep_every_row_of_a_kept_patient():
    first, second = mes_donnees("tp05-centre", "000123"), mes_donnees("tp05-centre", "000124")
    assert set(first.registre["patient"]) != set(second.registre["patient"])
    registry = read_registry()
    kept = registry[registry["patient"].isin(set(first.registre["patient"]))]
    assert len(kept) == len(first.registre)
    share = first.registre["patient"].nunique() / registry["patient"].nunique()
    assert np.isclose(first.fraction, registry_sampling_fraction() * share, rtol=1e-12)
    assert first.part_invites == tp05.WAIT_SHARE


def test_tp05_a_changed_copy_leaves_the_truth_alone():
    donnees = mes_donnees("tp05-centre", "000125")
    before = tp05.QUESTIONS["patients_molenbeek"].reference(tp05.data("000125"))
    donnees.registre.drop(donnees.registre.index, inplace=True)
    assert tp05.QUESTIONS["patients_molenbeek"].reference(tp05.data("000125")) == before > 0


def test_tp05_the_rise_of_the_gap_is_the_grants_lost_and_the_fees_changed():
    """Costs are the same every full year, so the gap moves by revenues only."""
    table = tp05.data("000123").budget
    revenue = table.loc["revenue"]
    change = (revenue[tp05.FUNDED_YEAR] - revenue[tp05.UNFUNDED_YEAR]).sum()
    answer = tp05.QUESTIONS["hausse_deficit"].reference(tp05.data("000123"))
    assert np.isclose(answer, change, rtol=1e-9)
    grants = ["feder", "inami_project", "social_integration"]
    assert (revenue.loc[grants, tp05.UNFUNDED_YEAR] == 0).all()
    assert (revenue.loc[grants, tp05.FUNDED_YEAR] > 0).all()


def test_tp06_seeds_differ_and_the_study_is_a_copy():
    first, second = mes_donnees("tp06-essai", "000123"), mes_donnees("tp06-essai", "000124")
    assert first.graines != second.graines
    assert len(set(first.graines)) == tp06.REPLICATIONS
    assert set(first.graines) <= set(tp06.POOL)
    first.observation["y"] = 0.0
    assert tp06.data("000123").study.observation["y"].sum() > 0
    assert set(first.essai["arm"]) == {0, 1}

"""Structure in needs and care use (issue 13): needs follow income, ED use is lower in
Flanders, a need met at the GP brings follow-up contacts, and the survey's denominator
counts the people who perceived a need. Each is checked against the same run with the
structure switched off, with common random numbers."""

from __future__ import annotations

import numpy as np
import pytest

from passerelle.config.scenario import load
from passerelle.config.target_model import RESIDENTS, region_communes
from passerelle.engine.sim import Sim
from passerelle.engine.sources import FLANDERS, WALLONIA
from passerelle.modules.regular_gp import RegularGpParams

TINY_BELGIUM = ("population.size=4000", "run.months=24", "run.burn_in=6",
                'population.region="belgium"')
MOST_CHRONIC = 3  # people.chronic holds 0-3 conditions


def run(*overrides: str):
    return Sim(load("baseline", TINY_BELGIUM + overrides)).run()


@pytest.fixture(scope="module")
def default_run():
    return run()


def test_the_poorest_develop_more_needs_and_the_richest_fewer(default_run):
    flat = run("needs.income_ratio=1.0")
    for quintile, more in (("Q1", True), ("Q5", False)):
        new = default_run.select("needs_new", quintile=quintile).sum()
        without = flat.select("needs_new", quintile=quintile).sum()
        assert (new > without) == more, quintile


def test_flanders_takes_fewer_met_needs_to_the_ed(default_run):
    even = run("cascade.ed_flanders=1.0")
    flanders = {"commune": region_communes(default_run, FLANDERS)}
    wallonia = {"commune": region_communes(default_run, WALLONIA)}
    share = {name: r.select("met_ed", **flanders).sum() / r.select("needs_new", **flanders).sum()
             for name, r in (("default", default_run), ("even", even))}
    assert share["default"] < share["even"]
    # Walloon people draw from their own streams: their care is untouched.
    assert (default_run.select("met_ed", **wallonia).sum()
            == even.select("met_ed", **wallonia).sum())


def test_follow_up_contacts_come_after_met_needs_and_are_paid(default_run):
    none = run("regular_gp.followups_per_need=0.0")
    p = RegularGpParams()
    followups = default_run.select("gp_followups").sum()
    met = (default_run.select("met_gp").sum() + default_run.select("met_maison_medicale").sum())
    assert none.select("gp_followups").sum() == 0
    # The mean count per met need lies between that of people without a chronic condition
    # and that of people with the most (a Poisson mean over thousands of needs).
    per_need = followups / met
    assert p.followups_per_need < per_need < p.followups_per_need * (
        1 + p.followup_chronic_rr * MOST_CHRONIC)
    assert default_run.select("cost_inami").sum() > none.select("cost_inami").sum()
    # Follow-ups are the same people: nobody more is seen in the year.
    np.testing.assert_array_equal(default_run.select("gp_12m"), none.select("gp_12m"))


def test_those_who_needed_care_hold_every_reported_unmet_need(default_run):
    where = {"coverage": RESIDENTS}
    needed = default_run.select("needed_12m", **where)
    assert np.all(default_run.select("unmet_12m_reported", **where) <= needed)
    assert np.all(needed <= default_run.select("population", **where))
    assert needed[-1] > default_run.select("unmet_12m_reported", **where)[-1]

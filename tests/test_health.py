"""Health outcomes from unmet need, and costs that follow the money (issue 14)."""

from __future__ import annotations

import pytest

from passerelle.apps.compare import run_comparison
from passerelle.config.labels import COST
from passerelle.config.scenario import load
from passerelle.engine.sim import Sim
from passerelle.modules.costs import PRICE_YEARS, Costs
from passerelle.modules.health import discount_factors

SMALL = ("population.size=4000", "run.months=24", "run.burn_in=6")


def run(*overrides: str, scenario: str = "baseline"):
    return Sim(load(scenario, (*SMALL, *overrides))).run()


@pytest.fixture(scope="module")
def default():
    return run()


def total(results, measure: str) -> float:
    return float(results.cells[measure].sum())


def test_a_stay_lasts_the_sourced_length_scaled_by_severity(default):
    flat = run("health.los_severity=0")
    los = flat.scenario.params["health"].los_days
    assert total(flat, "hospital_days") == pytest.approx(los * total(flat, "hospital_stays"),
                                                         rel=1e-6)
    # Severity only lengthens a stay: the mean stay is at least the length at severity 0.
    assert total(default, "hospital_days") > los * total(default, "hospital_stays")


def test_avoidable_stays_are_a_part_of_all_stays(default):
    assert 0 < total(default, "avoidable_stays") < total(default, "hospital_stays")


def test_raised_severity_kills_only_with_an_excess_risk():
    assert total(run("health.mortality_severity_hr=20"), "excess_deaths") > 0
    assert total(run("health.mortality_severity_hr=1"), "excess_deaths") == 0


def test_qalys_lie_between_the_lowest_and_highest_utility_of_a_person_year(default):
    pars = default.scenario.params["health"]
    ratio = total(default, "qalys") / total(default, "life_years")
    assert min(pars.utility_by_age) - pars.utility_severity < ratio < max(pars.utility_by_age)
    # Life-years count the months people were present, a twelfth of a year each.
    present = default.cells["population"].sum()
    assert total(default, "life_years") == pytest.approx(present / 12, rel=1e-9)


def test_who_recovers_an_uncovered_bill_moves_money_but_not_the_total():
    """The share of uncovered bills recovered from patients only moves money between
    patients and unpaid bills: on the same seed the total cost is the same; when
    everything is recovered, no bill is left unpaid."""
    low, high = run("costs.uncovered_collection=0.1"), run("costs.uncovered_collection=1.0")
    lines = ("cost_inami", "cost_patient", "cost_federal", "cost_programme", "cost_unpaid")
    assert sum(total(low, m) for m in lines) == pytest.approx(
        sum(total(high, m) for m in lines), rel=1e-9)
    assert total(low, "cost_unpaid") > 0
    assert total(high, "cost_unpaid") == 0
    assert total(high, "cost_patient") > total(low, "cost_patient")


def test_bills_taken_to_the_cpas_after_care_are_paid_by_the_federal_state():
    never, always = run("costs.amu_after_care=0"), run("costs.amu_after_care=1")
    assert total(always, "cost_federal") > total(never, "cost_federal")
    assert total(always, "cost_unpaid") < total(never, "cost_unpaid")


def test_prices_are_indexed_from_the_year_of_their_source():
    costs = Costs(price_growth=0.02)
    year = PRICE_YEARS["gp_fee"]
    january = (year - 2000) * 12
    assert costs.price("gp_fee", january) == costs.pars.gp_fee
    assert costs.price("gp_fee", january + 24) == pytest.approx(costs.pars.gp_fee * 1.02 ** 2)


def test_discounting_follows_the_kce_guideline():
    pars = load("baseline").params["health"]
    assert (pars.discount_costs, pars.discount_effects) == (0.03, 0.015)
    assert discount_factors(0.03, 13)[12] == pytest.approx(1 / 1.03)


def test_compare_reports_qalys_gained_and_cost_per_qaly_with_intervals():
    comparison = run_comparison(["baseline", "facilitators+centres"], seeds=2,
                                overrides=("population.size=4000", "run.months=48",
                                           "run.burn_in=6", 'run.start="2021-01"'))
    table = comparison.table()
    ce = table[table.section == "cost-effectiveness"].set_index("quantity")
    assert set(ce.index) >= {"cost_unpaid", "cost_programme", "cost per QALY gained"}
    assert ce.loc["cost_programme", "difference"] > 0
    gained = table[(table.section == "health") & (table.quantity == "qalys")].iloc[0]
    per_qaly = ce.loc["cost per QALY gained"]
    assert gained.difference > 0
    assert per_qaly.difference == pytest.approx(ce.loc[COST, "difference"]
                                                / gained.difference)
    assert per_qaly.low < per_qaly.high
    assert per_qaly.group.startswith("health-care payer")

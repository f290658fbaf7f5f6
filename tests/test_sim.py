"""The engine: accounting identities that hold exactly, determinism, common random numbers,
and how modules plug in.

All identities are checked on counts of simulated people, which ``Results.cells`` holds as
exact integers (float64 sums of integers far below 2**53): equality is exact.
"""

from __future__ import annotations

import numpy as np
import pytest
from support import monthly, needs_balance, small

from passerelle.config.scenario import builtin
from passerelle.engine.module import Measure, Module
from passerelle.engine.sim import Sim
from passerelle.engine.timeline import month_label, parse_month


def test_every_need_is_met_given_up_or_still_open_each_month(small_run):
    """needs_new = met by channel + forgone + growth of the open stock, from month 1 on."""
    open_stock = monthly(small_run, "needs_open")
    np.testing.assert_array_equal(needs_balance(small_run)[1:], np.diff(open_stock))


def test_the_first_reported_month_balances_against_the_stock_left_by_the_burn_in(small_run):
    """The engine does not report the open stock at the end of the burn-in. The same run
    started one month earlier, with one month less of burn-in, simulates exactly the same
    calendar months and reports that stock as its first month."""
    run = small_run.scenario.run
    earlier = Sim(small_run.scenario.with_overrides([
        f'run.start="{month_label(parse_month(run.start) - 1)}"',
        f"run.burn_in={run.burn_in - 1}",
        f"run.months={run.months + 1}",
    ])).run()
    for measure, array in small_run.cells.items():
        np.testing.assert_array_equal(earlier.cells[measure][1:], array, err_msg=measure)
    stock_before = monthly(earlier, "needs_open")[0]
    assert stock_before > 0
    assert needs_balance(small_run)[0] == monthly(small_run, "needs_open")[0] - stock_before


def test_without_burn_in_the_first_month_starts_from_no_open_need():
    results = Sim(small("run.burn_in=0")).run()
    open_stock = np.concatenate([[0.0], monthly(results, "needs_open")])
    np.testing.assert_array_equal(needs_balance(results), np.diff(open_stock))


@pytest.mark.parametrize("name", sorted(builtin()))
def test_every_builtin_scenario_accounts_for_every_need(name):
    """Interventions add channels (an unconditional centre) and must keep the balance."""
    results = Sim(small("run.burn_in=0", scenario=name)).run()
    open_stock = np.concatenate([[0.0], monthly(results, "needs_open")])
    np.testing.assert_array_equal(needs_balance(results), np.diff(open_stock))


def test_needs_of_people_who_die_or_leave_are_given_up():
    """With no need given up while its owner is here, every forgone need is one whose owner
    died or left; raised death and departure rates make them many. The balance still holds
    exactly, so none of them leaks."""
    results = Sim(small("run.burn_in=0", "escalation.forgo_per_month=0",
                        "demography.death_by_age=[0.3, 0.3, 0.3, 0.3]",
                        "demography.death_at_65=0.3", "demography.death_ageing=0.01",
                        "demography.undocumented_departure=0.2")).run()
    forgone = monthly(results, "forgone")
    leaving = monthly(results, "deaths") + monthly(results, "departures")
    assert forgone.sum() > 100
    assert np.all(forgone <= leaving)
    open_stock = np.concatenate([[0.0], monthly(results, "needs_open")])
    np.testing.assert_array_equal(needs_balance(results), np.diff(open_stock))


def test_people_present_change_by_births_arrivals_deaths_and_departures():
    scenario = small("run.burn_in=0")
    results = Sim(scenario).run()
    present = np.concatenate([[scenario.population.size], monthly(results, "population")])
    flows = (monthly(results, "births") + monthly(results, "arrivals")
             - monthly(results, "deaths") - monthly(results, "departures"))
    np.testing.assert_array_equal(np.diff(present), flows)
    # Agent-months count the people present at the start of each month.
    assert results.agent_months == present[:-1].sum()
    assert results.describe()["agent_months_per_second"] > 0


def test_the_same_seed_gives_the_same_run(small_run, small_scenario):
    again = Sim(small_scenario).run()
    for measure, array in small_run.cells.items():
        np.testing.assert_array_equal(again.cells[measure], array, err_msg=measure)


def test_another_seed_gives_another_run(small_run):
    other = Sim(small_run.scenario.with_overrides(["run.seed=2"])).run()
    assert not np.array_equal(other.cells["needs_new"], small_run.cells["needs_new"])
    assert not np.array_equal(other.cells["population"], small_run.cells["population"])


def _coverage_cells(results, measure: str, groups: tuple[str, ...]) -> np.ndarray:
    """Every cell of ``measure`` in the coverage ``groups`` (months × groups × the rest)."""
    labels = results.grouping.dimensions["coverage"]
    array = results.cells[measure].reshape(-1, *results.grouping.shape)
    return array[:, [labels.index(group) for group in groups]]


def test_common_random_numbers_keep_what_care_does_not_touch(small_run):
    """Giving up needs faster changes care, not demography or mutuelle coverage: on the
    same seed the same people are born, die, arrive, leave, lapse and take up BIM."""
    other = Sim(small_run.scenario.with_overrides(["escalation.forgo_per_month=0.6"])).run()
    assert not np.array_equal(other.cells["forgone"], small_run.cells["forgone"])
    # AMU follows unmet needs: undocumented people may move between the AMU groups, and
    # every other cell must be the same.
    others = ("insured", "insured_bim", "lapsed", "asylum_seeker")
    undocumented = ("undocumented_amu", "undocumented_no_amu")
    for measure in ("population", "births", "deaths", "arrivals", "departures", "lapses",
                    "rights_reopened", "bim_activated", "asylum_rejected"):
        for dimension in ("quintile", "commune", "age_band"):
            assert other.by(measure, dimension).equals(small_run.by(measure, dimension))
        np.testing.assert_array_equal(_coverage_cells(other, measure, others),
                                      _coverage_cells(small_run, measure, others))
        np.testing.assert_array_equal(other.select(measure, coverage=undocumented),
                                      small_run.select(measure, coverage=undocumented))


class Probe(Module):
    """A passive analyzer that draws from its own stream and counts open needs."""

    name = "probe"
    order = 45.0
    changes_groups = False
    measures = (Measure("probe_open", "needs", "open needs after the needs module"),
                Measure("probe_lucky", "persons", "people drawn at p = 1/2"))

    def step(self, sim) -> None:
        sim.record("probe_open", sim.people.need_open & sim.people.alive)
        sim.record("probe_lucky", self.chance(sim, "lucky", 0.5, sim.people.n)
                   & sim.people.alive)


def test_an_added_module_runs_in_its_order_and_disturbs_no_other_draw(small_run):
    sim = Sim(small_run.scenario, modules=[Probe()])
    assert [m.order for m in sim.modules] == sorted(m.order for m in sim.modules)
    assert sim.modules.index(sim.module("probe")) == sim.modules.index(sim.module("needs")) + 1
    results = sim.run()
    for measure, array in small_run.cells.items():
        np.testing.assert_array_equal(results.cells[measure], array, err_msg=measure)
    # Between the needs module and the cascade, the open needs are last month's stock, less
    # those closed by deaths and departures (forgone before the needs module), plus new ones.
    probe = monthly(results, "probe_open")
    assert np.all(probe[1:] >= monthly(results, "needs_new")[1:])
    assert np.all(probe[1:] <= monthly(results, "needs_open")[:-1]
                  + monthly(results, "needs_new")[1:])
    lucky = monthly(results, "probe_lucky") / monthly(results, "population")
    # Half of about 10,000 people: 5 standard errors of a share of 1/2 is 0.025.
    assert np.all(np.abs(lucky - 0.5) < 5 * np.sqrt(0.25 / 9_000))


def test_a_module_cannot_appear_twice(small_scenario):
    with pytest.raises(ValueError, match="a module appears twice"):
        Sim(small_scenario, modules=[small_scenario.build_module("needs")])


def test_an_unknown_module_name_lists_the_modules(small_scenario):
    with pytest.raises(KeyError, match="no module 'nope' in this run; modules: \\['demography'"):
        Sim(small_scenario).module("nope")


def test_progress_is_reported_after_every_month(small_scenario):
    seen = []
    Sim(small_scenario).run(lambda done, total: seen.append((done, total)))
    total = small_scenario.run.burn_in + small_scenario.run.months
    assert seen == [(done, total) for done in range(1, total + 1)]


def test_a_column_read_after_growth_or_a_copy_is_the_live_column():
    """People keeps each column's view as a plain attribute until it grows: a read after
    grow() sees the new rows, and a copy or pickle of People shares nothing stale."""
    import copy
    import pickle

    from passerelle.engine.people import Column, People

    people = People(3, capacity=4)
    people.add(Column("visits", "int16", 0))
    before = people.visits
    people.grow(3)  # past the capacity: the storage moves
    people.visits[5] = 7
    assert people.visits.tolist() == [0, 0, 0, 0, 0, 7] and before.size == 3
    for twin in (pickle.loads(pickle.dumps(people)), copy.deepcopy(people)):
        twin.visits[0] = 1
        assert twin._data["visits"][0] == 1 and people.visits[0] == 0

"""Interventions: null versions change nothing, more capacity never raises unmet need,
budgets add up, upward reports are a subset of the truth, bad parameters are named.

Small runs: 10,000 people, 12 months of burn-in, 36 or 48 reported months starting where the
intervention is at work (each run well under a second).
"""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

from passerelle.apps.budget import budget
from passerelle.config.scenario import builtin, load
from passerelle.engine import sources
from passerelle.engine.parameters import provenance
from passerelle.engine.plan import ScenarioError
from passerelle.engine.results import Results
from passerelle.engine.sim import Sim
from passerelle.engine.steps import STEPS
from passerelle.modules import BUILTIN, DEFAULT, INTERVENTIONS
from passerelle.modules.centre_sites import FUNDERS
from passerelle.modules.ledger import Ledger

SMALL = ("population.size=10000", "run.burn_in=12", "run.months=36")
FACILITATORS_AT_WORK = ("run.start=2021-01",)
CENTRES_OPEN = ("run.start=2018-01", "run.months=48")
BRUSSELS_TEAM = ('facilitators.deployments=[{area=["Brussels-Capital Region"], '
                 'workers=WORKERS, start="2021-01"}]')


def run(scenario: str, *overrides: str, seed: int = 1) -> Results:
    """``scenario`` on the small population, with the ledger, on ``seed``."""
    chosen = load(scenario, (*SMALL, f"run.seed={seed}", *overrides))
    return Sim(chosen, modules=[Ledger()]).run()


def assert_identical(results: Results, reference: Results) -> None:
    """Every measure and person counter of ``reference`` is the same, bit for bit."""
    for name, cells in reference.cells.items():
        assert np.array_equal(results.cells[name], cells), name
    for name, values in reference.people.items():
        assert np.array_equal(results.people[name], values), name


def differs(results: Results, reference: Results) -> bool:
    return any(not np.array_equal(results.cells[name], cells)
               for name, cells in reference.cells.items())


def brussels_team(workers: float) -> str:
    return BRUSSELS_TEAM.replace("WORKERS", f"{workers:.1f}")


@pytest.fixture(scope="module")
def baseline_2021() -> Results:
    return run("baseline", *FACILITATORS_AT_WORK)


@pytest.fixture(scope="module")
def baseline_2018() -> Results:
    return run("baseline", *CENTRES_OPEN)


@pytest.fixture(scope="module")
def centres_2018() -> Results:
    return run("centres", *CENTRES_OPEN)


def test_zero_workers_is_the_baseline_bit_for_bit(baseline_2021):
    none = run("facilitators", *FACILITATORS_AT_WORK, brussels_team(0))
    assert_identical(none, baseline_2021)
    assert not any(none.cells[m].any() for m in none.cells if m.startswith("fac_"))
    some = run("facilitators", *FACILITATORS_AT_WORK, brussels_team(12))
    assert differs(some, baseline_2021), "the comparison above must be able to fail"


def test_zero_capacity_is_the_baseline_bit_for_bit(baseline_2018, centres_2018):
    sites = load("centres").params["centres"].sites
    closed = ", ".join(
        f'{{name="{s.name}", commune="{s.commune}", opening="{s.opening}", capacity=0.0, '
        f'services=["medical", "social", "psychological"], staff_eur_per_year=1.0, '
        f'building_eur_per_year=1.0}}' for s in sites)
    none = run("centres", *CENTRES_OPEN, f"centres.sites=[{closed}]")
    assert_identical(none, baseline_2018)
    assert differs(centres_2018, baseline_2018), "the comparison above must be able to fail"


def test_a_policy_out_of_the_run_is_the_baseline_bit_for_bit(baseline_2018):
    later = run("tiers-payant", *CENTRES_OPEN, "policies.tiers_payant_from=2030-01")
    assert_identical(later, baseline_2018)
    assert differs(run("tiers-payant", *CENTRES_OPEN), baseline_2018)


def unmet(results: Results) -> float:
    return float(sum(results.cells[f"unmet_{s}"].sum() for s in STEPS))


def test_more_capacity_never_raises_expected_unmet_need():
    """Capacities 0, ½, 1 and 2 times the defaults on the same seeds. For each step up,
    the paired difference D_s = unmet(more) − unmet(less) is independent across seeds
    (independent streams), with mean E[D] ≤ 0 if capacity never hurts. We reject that only
    if the mean of K differences exceeds t(0.99, K−1)·s/√K: a one-sided t test at 1%, so
    a correct model fails a step with probability at most 1% (exactly 1% only if E[D] = 0;
    here E[D] is far below 0). The step from no centre to half capacity must, conversely,
    lower unmet need beyond the same margin: the check can see an effect."""
    sites = load("centres").params["centres"].sites
    seeds = (1, 2, 3, 4)
    totals = {}
    for factor in (0.0, 0.5, 1.0, 2.0):
        resized = ", ".join(
            f'{{name="{s.name}", commune="{s.commune}", opening="{s.opening}", '
            f'capacity={s.capacity * factor:.1f}, target="{s.target}", '
            f'services=["medical", "social", "psychological"], '
            f'staff_eur_per_year={s.staff_eur_per_year}, '
            f'building_eur_per_year={s.building_eur_per_year}}}' for s in sites)
        totals[factor] = np.array([unmet(run("centres", *CENTRES_OPEN,
                                             f"centres.sites=[{resized}]", seed=seed))
                                   for seed in seeds])
    margin = stats.t.ppf(0.99, len(seeds) - 1) / np.sqrt(len(seeds))
    factors = sorted(totals)
    for less, more in itertools.pairwise(factors):
        d = totals[more] - totals[less]
        assert d.mean() <= margin * d.std(ddof=1), (less, more, d)
    first = totals[0.5] - totals[0.0]
    assert first.mean() < -margin * first.std(ddof=1)


def test_a_centre_budget_adds_up(centres_2018):
    table = budget(centres_2018)
    sites = {s.name: s for s in centres_2018.scenario.params["centres"].sites}
    assert set(table.centre) == {"molenbeek", "addiction"}  # Anderlecht opens in 2023
    for (centre, year), rows in table.groupby(["centre", "year"]):
        by = rows.set_index("line").eur
        costs = rows[rows.kind == "cost"].eur.sum()
        revenues = rows[rows.kind == "revenue"].eur.sum()
        assert costs == pytest.approx(sites[centre].staff_eur_per_year
                                      + sites[centre].building_eur_per_year)
        assert revenues + by["funding_gap"] == pytest.approx(costs)
        grants = {g.funder: g for g in sites[centre].grants}
        for funder in FUNDERS:
            expected = grants[funder].eur_per_year if year <= 2020 or funder == "donations" \
                else 0.0
            assert by[funder] == pytest.approx(expected), (centre, year, funder)
        for line, measure in (("inami_fees", "inami"), ("federal_fees", "federal"),
                              ("patient_fees", "fees")):
            months = [m for m in centres_2018.months if m.startswith(str(year))]
            series = centres_2018.total(f"centre_{centre}_{measure}")
            assert by[line] == pytest.approx(series[months].sum())
    # Programme costs are what fees leave of staff and building, month by month.
    fees = sum(centres_2018.total(f"centre_{s}_{m}").sum() for s in ("molenbeek", "addiction")
               for m in ("inami", "federal", "fees"))
    costs = table[table.kind == "cost"].eur.sum()
    assert centres_2018.total("cost_programme").sum() == pytest.approx(costs - fees)
    gap = table[table.line == "funding_gap"].set_index(["centre", "year"]).eur
    assert (gap.xs(2021, level="year") > gap.xs(2020, level="year")).all()


def test_upward_reports_are_a_subset_of_the_true_barriers():
    """In every month and result cell: reported ≤ caseload's true barriers ≤ all unmet
    needs at that step; reporting everything gives the caseload's barriers exactly."""
    results = run("facilitators", *FACILITATORS_AT_WORK, brussels_team(40))
    assert sum(results.cells[f"fac_barrier_{s}"].sum() for s in STEPS) > 0
    for step in STEPS:
        reported = results.cells[f"fac_reported_{step}"]
        caseload = results.cells[f"fac_barrier_{step}"]
        assert (reported <= caseload).all() and (caseload <= results.cells[f"unmet_{step}"]).all()
    everything = run("facilitators", *FACILITATORS_AT_WORK, brussels_team(40),
                     "facilitators.observe_by_step=[1, 1, 1, 1, 1]")
    for step in STEPS:
        assert np.array_equal(everything.cells[f"fac_reported_{step}"],
                              everything.cells[f"fac_barrier_{step}"])


def test_facilitators_cost_their_workers_every_month_they_work():
    """EUR 59,300 per worker-year, every active month, whoever the clients are (people who
    die while enrolled leave the caseload at once, so no cost goes to people who left)."""
    results = run("facilitators", *FACILITATORS_AT_WORK, brussels_team(12), seed=3)
    monthly = results.total("cost_programme").to_numpy()
    assert np.allclose(monthly, 12 * 59_300 / 12, rtol=1e-9)


def test_facilitators_work_in_every_city_of_a_facilitator_cities_population():
    results = run("facilitators", *FACILITATORS_AT_WORK, "population.size=20000",
                  "population.region=facilitator-cities")
    caseload = results.by("fac_caseload", "commune").iloc[-1]
    for city in ("Liège", "Charleroi", "Gent", "Antwerpen", "Genk"):
        assert caseload[city] > 0, city
    brussels = [c.name for c in sources.communes() if c.region == "Brussels-Capital Region"]
    assert caseload[brussels].sum() > 0
    yearly = results.total("cost_programme").iloc[-12:].sum()
    workers = sum(d.workers for d in results.scenario.params["facilitators"].deployments)
    assert yearly == pytest.approx(workers * 59_300)


@pytest.mark.parametrize(("override", "named", "says"), [
    ('centres.sites=[{name="x", commune="Molenbeek-Saint-Jean", opening="2018-01", '
     'capacity=-5.0, services=["medical"], staff_eur_per_year=1.0, '
     'building_eur_per_year=1.0}]', "centres.sites.0.capacity", "greater than or equal to 0"),
    ('centres.sites=[{name="x", commune="Molenbek", opening="2018-01", capacity=5.0, '
     'services=["medical"], staff_eur_per_year=1.0, building_eur_per_year=1.0}]',
     "centres.sites.0.commune", "did you mean 'Molenbeek-Saint-Jean'"),
    ('centres.sites=[{name="x", commune="Anderlecht", opening="2018-01", closing="2017-06", '
     'capacity=5.0, services=["medical"], staff_eur_per_year=1.0, '
     'building_eur_per_year=1.0}]', "centres.sites.0.closing", "before it starts"),
    ('centres.uptake_by_barrier=[0.3, 0.2, 1.5, 0.3]', "centres.uptake_by_barrier.2",
     "less than or equal to 1"),
])
def test_bad_centre_parameters_name_the_field(override, named, says):
    with pytest.raises(ScenarioError) as error:
        load("centres", (override,))
    assert named in str(error.value) and says in str(error.value)


@pytest.mark.parametrize(("override", "named", "says"), [
    ('facilitators.deployments=[{area=["Liège"], workers=3.0, start="2021-06", '
     'end="2020-12"}]', "facilitators.deployments.0.end", "before it starts"),
    ('facilitators.deployments=[{area=["Luik"], workers=3.0, start="2021-06"}]',
     "facilitators.deployments.0.area", "unknown commune or region 'Luik'"),
    ('facilitators.deployments=[{area=["Gent"], workers=-1.0, start="2021-06"}]',
     "facilitators.deployments.0.workers", "greater than or equal to 0"),
    ("facilitators.targeting=door-to-door", "facilitators.targeting", "'discharge'"),
])
def test_bad_facilitator_parameters_name_the_field(override, named, says):
    with pytest.raises(ScenarioError) as error:
        load("facilitators", (override,))
    assert named in str(error.value) and says in str(error.value)


def test_a_policy_ending_before_it_starts_names_the_field():
    with pytest.raises(ScenarioError) as error:
        load("tiers-payant", ("policies.tiers_payant_until=2019-01",))
    assert "policies.tiers_payant_until" in str(error.value)


@pytest.mark.parametrize("module", [cls.name for cls in INTERVENTIONS])
def test_every_intervention_parameter_has_a_source(module):
    for row in provenance(BUILTIN[module].Params):
        assert row["source"], row["name"]
        assert row["description"], row["name"]


def test_intervention_scenarios_run_the_model_plus_their_interventions():
    expected = {
        "baseline": (), "facilitators": ("facilitators",), "centres": ("centres",),
        "facilitators+centres": ("facilitators", "centres"), "tiers-payant": ("policies",),
        "impact-check": ("facilitators",),
    }
    assert set(expected) <= set(builtin())
    for name, interventions in expected.items():
        scenario = load(name)
        assert scenario.modules == (*DEFAULT, *interventions), name
        assert len(scenario.description.split()) > 30, name


def test_docs_describe_every_intervention_parameter_and_scenario():
    page = Path(__file__).parents[1] / "docs" / "en" / "interventions.md"
    text = page.read_text(encoding="utf-8")
    for cls in INTERVENTIONS:
        for name in cls.Params.model_fields:
            assert f"`{name}`" in text, (cls.name, name)
    for name in ("baseline", "facilitators", "centres", "facilitators+centres", "tiers-payant",
                 "impact-check"):
        assert f"**`{name}`" in text, name

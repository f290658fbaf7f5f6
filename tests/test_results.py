"""Results: tidy tables, selections, summaries, and what is written to disk."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from support import monthly
from typer.testing import CliRunner

from passerelle.apps.cli import app
from passerelle.apps.cli.terminal import console
from passerelle.engine import sources
from passerelle.engine.groups import AGE_BANDS, COVERAGE_GROUPS, QUINTILES
from passerelle.engine.numbers import number, percent, shown
from passerelle.engine.sim import Sim
from passerelle.engine.store import RESULTS_FILE, SUMMARY_FILE, connect, summary_json


@pytest.fixture(scope="module")
def table(small_run) -> pd.DataFrame:
    return small_run.table()


def test_table_is_tidy(small_run, table):
    assert list(table.columns) == ["month", "group_by", "group", "measure", "value", "sample"]
    dimensions = small_run.grouping.dimensions
    rows_per_month_and_measure = 1 + sum(len(labels) for labels in dimensions.values())
    assert len(table) == len(small_run.months) * len(small_run.cells) * (
        rows_per_month_and_measure)
    assert set(table["group_by"].unique()) == {"all", *dimensions}
    assert set(table["measure"].unique()) == set(small_run.cells)
    assert list(table["month"].cat.categories) == small_run.months
    assert not table.duplicated(["month", "group_by", "group", "measure"]).any()
    np.testing.assert_allclose(table["value"], table["sample"] * small_run.scale, rtol=1e-15)


def test_table_all_rows_equal_the_sum_over_each_dimension(table):
    keys = ["measure", "month"]
    everything = table[table["group_by"] == "all"].set_index(keys)["sample"].sort_index()
    for dimension in ("coverage", "quintile", "commune", "age_band"):
        rows = table[table["group_by"] == dimension]
        sums = rows.groupby(keys, observed=True)["sample"].sum().sort_index()
        # Sums of the same integers in another order: exact up to float rounding.
        pd.testing.assert_series_equal(sums, everything, check_names=False, rtol=1e-12)


def test_table_all_rows_equal_the_cell_totals(small_run, table):
    everything = table[(table["group_by"] == "all") & (table["measure"] == "needs_new")]
    np.testing.assert_array_equal(everything["sample"], monthly(small_run, "needs_new"))


def test_select_filters_cells(small_run):
    array = small_run.cells["needs_new"].reshape(-1, *small_run.grouping.shape)
    lapsed_q1 = array[:, COVERAGE_GROUPS.index("lapsed"), QUINTILES.index("Q1")]
    np.testing.assert_allclose(
        small_run.select("needs_new", coverage="lapsed", quintile=["Q1"]),
        lapsed_q1.reshape(len(small_run.months), -1).sum(axis=1) * small_run.scale)
    adults = AGE_BANDS[1:]
    np.testing.assert_allclose(
        small_run.select("population", age_band=adults) + small_run.select(
            "population", age_band="0-15"),
        small_run.select("population"))
    np.testing.assert_allclose(small_run.select("population"),
                               small_run.total("population").to_numpy())


def test_select_rejects_unknown_labels_and_dimensions(small_run):
    with pytest.raises(KeyError, match="coverage has no \\['covered'\\]"):
        small_run.select("population", coverage="covered")
    with pytest.raises(KeyError, match="no dimension \\['sex'\\]"):
        small_run.select("population", sex="F")
    with pytest.raises(KeyError, match="no measure 'people'"):
        small_run.select("people")


def test_population_by_each_dimension_sums_to_the_total(small_run):
    total = small_run.total("population").to_numpy()
    for dimension, labels in small_run.grouping.dimensions.items():
        by = small_run.by("population", dimension)
        assert list(by.columns) == list(labels)
        np.testing.assert_allclose(by.sum(axis=1).to_numpy(), total, rtol=1e-12)


def test_ages_and_groups_are_sane(small_run):
    """Age shares at the first reported month against the sourced shares of Brussels.

    Residents under 18 are drawn uniformly over 0-17, so 16/18 of them are 0-15. Tolerance:
    5 standard errors of a share among 10,000 people, plus 1.5 points for the drift of a
    year of burn-in and the newcomers' other age mix (4% of people, under 18: 10-28%)."""
    first = small_run.by("population", "age_band").iloc[0]
    n = first.sum() / small_run.scale
    brussels = "Brussels-Capital Region"
    expected = {"0-15": sources.value("share_under_18", brussels) * 16 / 18,
                "65+": sources.value("share_65_plus", brussels)}
    observed = {"0-15": first["0-15"] / first.sum(),
                "65+": (first["65-74"] + first["75+"]) / first.sum()}
    for band, share in expected.items():
        tolerance = 5 * np.sqrt(share * (1 - share) / n) + 0.015
        assert abs(observed[band] - share) < tolerance, band
    assert (small_run.by("population", "age_band") > 0).all().all()
    coverage = small_run.by("population", "coverage").iloc[-1]
    assert coverage["insured"] > coverage[["lapsed", "undocumented_amu",
                                           "undocumented_no_amu", "asylum_seeker"]].sum()
    assert (small_run.by("population", "commune").iloc[-1] > 0).all()


def test_summary_shares_lie_in_the_unit_interval(small_run):
    summary = small_run.summary()
    shares = summary[summary["unit"] == "share 0-1"]
    assert len(shares) >= 9
    assert shares["value"].between(0, 1).all(), shares
    assert summary["value"].map(np.isfinite).all()
    barriers = shares[shares["indicator"].str.contains("of which at")]
    assert barriers["value"].sum() == pytest.approx(1.0)


def test_last_year_and_at_end(small_run):
    assert small_run.last_year("needs_new") == small_run.total("needs_new").iloc[-12:].sum()
    assert small_run.at_end("population") == small_run.total("population").iloc[-1]
    assert small_run.months[0] == small_run.scenario.run.start
    assert len(small_run.months) == small_run.scenario.run.months


def test_a_run_shorter_than_a_year_annualises_yearly_sums(small_scenario):
    short = Sim(small_scenario.with_overrides(["run.months=6"])).run()
    assert short.last_year("needs_new") == pytest.approx(2 * short.total("needs_new").sum())
    rate = short.summary().set_index("key").loc["needs_per_person_year", "value"]
    # About 2.4 needs a person-year at the baseline (0.2 a month): not half of it.
    assert 1.5 < rate < 3.5


def test_summary_json_is_stable_json(small_run):
    data = json.loads(summary_json(small_run))
    assert data["run"]["seed"] == small_run.scenario.run.seed
    assert data["run"]["simulated_people"] == pytest.approx(
        small_run.scenario.population.size, rel=0.05)
    assert data["summary"]["population"] == pytest.approx(small_run.at_end("population"))


def test_the_same_seed_writes_byte_identical_parquet(small_run, small_scenario, tmp_path):
    small_run.save(tmp_path / "first")
    Sim(small_scenario).run().save(tmp_path / "second")
    first = (tmp_path / "first" / RESULTS_FILE).read_bytes()
    assert first == (tmp_path / "second" / RESULTS_FILE).read_bytes()
    Sim(small_scenario.with_overrides(["run.seed=2"])).run().save(tmp_path / "other")
    assert first != (tmp_path / "other" / RESULTS_FILE).read_bytes()


def test_duckdb_reads_every_run_below_a_folder(small_run, tmp_path):
    for name in ("a", "b"):
        small_run.save(tmp_path / "runs" / name)
    assert json.loads((tmp_path / "runs" / "a" / SUMMARY_FILE).read_text())["run"]
    db = connect(tmp_path / "runs")
    runs = db.execute("SELECT run, sum(sample) FROM results WHERE measure = 'needs_new' AND "
                      "group_by = 'all' GROUP BY run ORDER BY run").fetchall()
    assert [run.rsplit("/", 1)[-1] for run, _ in runs] == ["a", "b"]
    assert runs[0][1] == runs[1][1] == monthly(small_run, "needs_new").sum()


def test_every_indicator_says_its_period(small_run):
    """Flows are sums a year, stocks are read in the last month; a share ("of which")
    takes the period of the line above."""
    for row in small_run.summary().itertuples():
        assert (row.indicator.startswith("  of which") or "a year" in row.indicator
                or "last month" in row.indicator or "last 12 months" in row.indicator), (
            row.indicator)
    keys = small_run.summary()["key"]
    assert keys.is_unique and keys.str.fullmatch(r"[a-z0-9_]+").all()


@pytest.mark.parametrize(("value", "text"), [
    (319437.2, "319,400"), (1234.5, "1,234"), (12.3456, "12.35"), (0.012345, "0.01235"),
    (-25e6, "-25,000,000"), (0.5, "0.5"), (0.0, "0"), (float("nan"), "–"),
    (float("inf"), "–"), (None, "–")])
def test_numbers_have_separators_and_no_exponent(value, text):
    assert number(value) == text


def test_shares_are_percentages():
    assert percent(0.0841) == "8.41%"
    assert percent(1.0) == "100%"
    assert shown(0.0841, "share 0-1") == "8.41%"
    assert shown(0.0841, "persons") == "0.0841"


def test_the_run_table_fits_80_columns_and_keeps_numbers_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(console, "width", 80)
    out = tmp_path / "run"
    result = CliRunner(env={"COLUMNS": "80"}).invoke(app, [
        "run", "--population", "3000", "--months", "12", "--out", str(out)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= 80
    written = json.loads((out / SUMMARY_FILE).read_text(encoding="utf-8"))
    assert "e+" not in result.output
    rows = [line for line in lines if "│" in line]
    for key, value in written["summary"].items():
        assert any(f" {shown(value, written['units'][key])} " in row for row in rows), key

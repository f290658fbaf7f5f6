"""Every parameter says where its value comes from, and sourced ones point at a real figure."""

from __future__ import annotations

import csv
import inspect
import json
import math
import typing

import annotated_types
import pytest
from pydantic import TypeAdapter, ValidationError
from typer.testing import CliRunner

from passerelle.apps.cli import app
from passerelle.apps.cli.terminal import console
from passerelle.config.population import PopulationSpec
from passerelle.config.scenario_tables import RunSpec
from passerelle.engine import sources, units
from passerelle.engine.parameters import Params, provenance
from passerelle.modules import BUILTIN

PARAMS = {
    **{f"{name}.Params": module.Params for name, module in BUILTIN.items()},
    "PopulationSpec": PopulationSpec,
    "RunSpec": RunSpec,
}
OTHER_KINDS = ("calibrated to the target ", "assumption: ", "design choice")


def rows():
    for owner, params in PARAMS.items():
        for row in provenance(params):
            yield pytest.param(owner, row, id=f"{owner}.{row['name']}")


def _csv_citations() -> dict[str, tuple[str, str, str]]:
    """What ``sourced`` writes for each figure of the CSV (read directly, not through the
    loader): ``key@geography (source, year; grade G)`` → (key, geography, value)."""
    with sources.FIGURES_FILE.open(newline="", encoding="utf-8") as handle:
        return {f"{row['key']}@{row['geography']} ({row['source']}, {row['year']}; grade "
                f"{row['grade']})": (row["key"], row["geography"], row["value"])
                for row in csv.DictReader(handle)}


CITATIONS = _csv_citations()


def _cited(source: str) -> tuple[str, tuple[str, str, str]] | None:
    """The CSV citation that ``source`` starts with, and that figure."""
    found = [(citation, figure) for citation, figure in CITATIONS.items()
             if source.startswith(citation)]
    return max(found, key=lambda pair: len(pair[0])) if found else None


@pytest.mark.parametrize("owner, row", list(rows()))
def test_every_field_names_its_source(owner, row):
    """A source is a sourced figure of the CSV, a calibration target, an assumption that
    says what it rests on, or a design choice."""
    name = f"{owner}.{row['name']}"
    assert row["source"].strip(), f"{name} has no source"
    assert row["description"].strip(), f"{name} has no description"
    if row["source"].startswith("assumption: "):
        assert len(row["source"]) > len("assumption: ") + 10, f"{name}: say why"
    elif not row["source"].startswith(OTHER_KINDS):
        assert _cited(row["source"]) is not None, (
            f"{name}: {row['source']!r} is no figure of {sources.FIGURES_FILE.name}")


def test_sourced_defaults_equal_their_figure_or_say_how_they_are_derived():
    sourced = 0
    for owner, params in PARAMS.items():
        for row in provenance(params):
            cited = _cited(row["source"])
            if cited is None:
                continue
            sourced += 1
            citation, (key, geography, value) = cited
            how = row["source"][len(citation):]
            if not how:
                assert float(value) == pytest.approx(row["default"]), (
                    f"{owner}.{row['name']} differs from {key}@{geography} without saying how")
            else:
                assert how.startswith("; ") and len(how) > 5, row["source"]
    assert sourced >= 15


def test_params_are_strict_and_frozen():
    params = BUILTIN["escalation"].Params()
    assert isinstance(params, Params)
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        BUILTIN["escalation"].Params(nope=1)
    with pytest.raises(ValidationError, match="frozen"):
        params.forgo_per_month = 0.5  # type: ignore[misc]


@pytest.mark.parametrize("owner", sorted(PARAMS))
def test_defaults_satisfy_their_own_constraints(owner):
    """pydantic does not validate defaults: validating them as if a scenario gave them
    checks that every default lies in its allowed range (and that a scenario can set it)."""
    params = PARAMS[owner]
    defaults = params()
    assert params.model_validate(defaults.model_dump()) == defaults


@pytest.mark.parametrize("owner, row", list(rows()))
def test_every_field_has_a_unit_and_bounds(owner, row):
    assert row["unit"], f"{owner}.{row['name']}: type it with a unit type of config.units"
    assert row["bounds"], f"{owner}.{row['name']}"


NUMBER_TYPES = {name: kind for name, kind in vars(units).items()
                if typing.get_origin(kind) is typing.Annotated
                and typing.get_args(kind)[0] in (int, float)}


def _limits(kind) -> tuple[float | None, float | None, bool, bool]:
    """(low, high, low included, high included) of a unit type, from its own metadata."""
    low = high = None
    low_in = high_in = True
    for item in units._flatten(kind):
        if isinstance(item, annotated_types.Ge):
            low, low_in = item.ge, True
        elif isinstance(item, annotated_types.Gt):
            low, low_in = item.gt, False
        elif isinstance(item, annotated_types.Le):
            high, high_in = item.le, True
        elif isinstance(item, annotated_types.Lt):
            high, high_in = item.lt, False
    return low, high, low_in, high_in


def test_the_unit_types_are_all_checked():
    assert len(NUMBER_TYPES) >= 20
    assert {"MonthlyProbability", "Share", "LogOdds", "EurPerContact", "Months",
            "Seed"} <= set(NUMBER_TYPES)


@pytest.mark.parametrize("name", sorted(NUMBER_TYPES))
def test_every_unit_type_refuses_non_finite_wrong_typed_and_out_of_range_values(name):
    kind = NUMBER_TYPES[name]
    adapter = TypeAdapter(kind)
    whole = typing.get_args(kind)[0] is int
    refused = [math.nan, math.inf, -math.inf, True, "1", None]
    low, high, low_in, high_in = _limits(kind)
    if low is not None:
        refused.append(low - 1 if whole else (low if not low_in else low - 1e-9))
        assert adapter.validate_python(low if low_in else low + 1) is not None
    if high is not None:
        refused.append(high + 1 if whole else (high if not high_in else high + 1e-9))
        assert adapter.validate_python(high if high_in else high - 1) is not None
    if whole:
        refused.append(1.5)
    for value in refused:
        with pytest.raises(ValidationError):
            adapter.validate_python(value)
    assert units.unit_of(kind)


def test_a_vector_is_checked_element_by_element_and_shares_sum():
    adapter = TypeAdapter(units.summing_to_one(units.vector(units.Share, 3)))
    assert adapter.validate_python([0.1, 0.87, 0.03]) == (0.1, 0.87, 0.03)
    for bad in ([0.5, 0.5, 0.5], [1.5, -0.5, 0.0], [0.5, 0.5], [0.5, math.nan, 0.5]):
        with pytest.raises(ValidationError):
            adapter.validate_python(bad)


def test_months_lie_in_the_stated_window_and_an_end_follows_its_start():
    month = TypeAdapter(units.Month)
    assert month.validate_python(units.FIRST_MONTH) == units.FIRST_MONTH
    for bad in ("1999-12", "2061-01", "0000-01", "2016-13", "2016-1", 201601):
        with pytest.raises(ValidationError):
            month.validate_python(bad)
    Grant = BUILTIN["centres"].Params.model_fields["sites"].default[0].grants[0].__class__
    with pytest.raises(ValidationError, match=r"ends \(2019-12\) before it starts \(start "
                       r"2020-01\)"):
        Grant(funder="feder", eur_per_year=1.0, start="2020-01", end="2019-12")


runner = CliRunner()


@pytest.fixture
def narrow(monkeypatch):
    """The command line's console as an 80-column terminal would have it."""
    monkeypatch.setattr(console, "width", 80)


def test_params_lists_every_parameter_with_its_unit_within_80_columns(narrow):
    result = runner.invoke(app, ["params", "needs"])
    assert result.exit_code == 0, result.output
    assert all(len(line) <= 80 for line in result.output.splitlines())
    for row in provenance(BUILTIN["needs"].Params):
        assert row["name"] in result.output
    assert "probability a" in result.output and "[0, 1]" in result.output


def test_params_json_holds_name_default_unit_bounds_and_source():
    result = runner.invoke(app, ["params", "--json"])
    rows = json.loads(result.stdout)
    assert {row["section"] for row in rows} == {
        "population", "run", *(name for name, m in BUILTIN.items() if m.Params.model_fields)}
    chronic = next(r for r in rows if (r["section"], r["name"]) == ("needs", "chronic_rr"))
    assert chronic["unit"] == "ratio" and chronic["bounds"] == ">= 0"
    assert chronic["default"] == BUILTIN["needs"].Params().chronic_rr
    assert chronic["source"].startswith("assumption: ")


def test_params_of_an_unknown_section_is_a_clear_error():
    result = runner.invoke(app, ["params", "needz"])
    assert result.exit_code == 2 and "no section 'needz'" in result.stderr


def test_measures_lists_every_measure_with_its_unit_and_kind(narrow):
    result = runner.invoke(app, ["measures", "--json"])
    rows = {row["name"]: row for row in json.loads(result.stdout)}
    declared = [m for module in BUILTIN.values() for m in module().measures]
    assert set(rows) == {m.name for m in declared}
    assert {m.kind for m in declared} == {"stock", "flow"}
    assert rows["population"]["kind"] == "stock" and rows["needs_new"]["kind"] == "flow"
    table = runner.invoke(app, ["measures"])
    assert "population" in table.output
    assert all(len(line) <= 80 for line in table.output.splitlines())


@pytest.mark.parametrize("owner", [owner for owner, params in PARAMS.items()
                                   if params.model_fields])
def test_help_on_parameters_lists_every_field_with_its_unit_and_source(owner):
    """``help(FacilitatorsParams)`` is numpydoc, made from the fields (their only home)."""
    doc = inspect.getdoc(PARAMS[owner]) or ""
    assert "\nParameters\n----------\n" in f"\n{doc}"
    section = doc.split("Parameters\n----------\n", 1)[1].split("\nExamples\n", 1)[0]
    flat = " ".join(section.split())
    for row in provenance(PARAMS[owner]):
        assert f"{row['name']} : {row['unit']}" in section
        assert " ".join(row["source"].split()) in flat

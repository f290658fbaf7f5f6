"""Every parameter says where its value comes from, and sourced ones point at a real figure."""

from __future__ import annotations

import csv

import pytest
from pydantic import ValidationError

from passerelle.config.population import PopulationSpec
from passerelle.config.scenario import RunSpec
from passerelle.engine import sources
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

"""Options shared by the commands (population, months, seed, ``--set``), the parsers that
refuse a bad value in one line, and the scenario overrides the options amount to."""

from __future__ import annotations

from typing import Annotated

import typer


def population_size(text: str | None) -> str | None:
    """``--population``: a whole number of people, at least 1, or ``full``."""
    if text is None or text == "full":
        return text
    digits = text.replace("_", "").replace(",", "")
    if not digits.isdigit() or int(digits) < 1:
        raise typer.BadParameter(f"{text!r}: give a whole number of people, at least 1 "
                                 "(e.g. 20000), or 'full'")
    return digits


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not a number") from None
    if value != value or value in (float("inf"), float("-inf")):
        raise typer.BadParameter(f"{text!r}: give a finite number")
    return value


def above_zero(text: str) -> float:
    """A finite number above 0 (``evaluate --staffing``)."""
    value = _number(text)
    if value <= 0:
        raise typer.BadParameter(f"{text}: give a number above 0")
    return value


def reported_share(text: str) -> float:
    """A share in (0, 1] (``evaluate --reporting``)."""
    value = _number(text)
    if not 0 < value <= 1:
        raise typer.BadParameter(f"{text}: give a share in (0, 1]")
    return value


def lost_share(text: str) -> float:
    """A share in [0, 1) (``evaluate --attrition``)."""
    value = _number(text)
    if not 0 <= value < 1:
        raise typer.BadParameter(f"{text}: give a share in [0, 1)")
    return value


def overrides(population: str | None, months: int | None, seed: int | None,
              assignments: list[str] | None) -> list[str]:
    """The ``section.field=value`` overrides that the options amount to, ``--set`` last."""
    found = []
    if population is not None:
        found.append(f"population.size={population if population.isdigit() else repr(population)}")
    if months is not None:
        found.append(f"run.months={months}")
    if seed is not None:
        found.append(f"run.seed={seed}")
    return [*found, *(assignments or [])]


Population = Annotated[str | None, typer.Option(
    "--population", parser=population_size, help="simulated people (a number) or 'full'")]
Months = Annotated[int | None, typer.Option("--months", help="reported months")]
Seed = Annotated[int | None, typer.Option("--seed", help="random seed")]
Set = Annotated[list[str] | None, typer.Option(
    "--set", help="override a parameter: section.field=value (repeatable)")]

"""Parameter types that carry their unit and their bounds.

A field typed ``MonthlyProbability`` is a finite float in [0, 1] whose unit is
"probability a month"; a vector of them (``tuple[Share, Share, Share]``) is checked
element by element. Every type refuses NaN and ±inf, booleans and strings (strict): a
scenario that says ``seek_trust = nan`` or ``seed = true`` is an error, not a run.
``bounded(Months, ge=1, le=24)`` narrows a type's bounds for one field. ``Month`` is a
calendar month written YYYY-MM inside ``FIRST_MONTH``..``LAST_MONTH``; ``Until`` is an
optional last month that may not come before the field it closes (``end`` closes
``start``, ``closing`` closes ``opening``, ``<policy>_until`` closes ``<policy>_from``).

This module imports nothing of the model and, of the engine, only its calendar
(``passerelle.engine.timeline``), so the engine and the model may both use it.

Examples
--------
>>> from passerelle.engine.units import Share, unit_of
>>> from pydantic import TypeAdapter
>>> TypeAdapter(Share).validate_python(0.25)
0.25
>>> unit_of(Share)
'share'
"""

from __future__ import annotations

import typing
from dataclasses import dataclass
from typing import Annotated, Any

import annotated_types
from pydantic import AfterValidator, Field, Strict, ValidationInfo

from passerelle.engine import timeline

# The calendar window of every month a scenario may name. The model's institutions (AMU
# since 1996, the DMG since 1999, BIM in its current form since 2014) and its sourced
# figures (2011-2024) describe this period; far outside it the figures mean nothing.
FIRST_MONTH = "2000-01"
LAST_MONTH = "2060-12"


@dataclass(frozen=True)
class Unit:
    """The unit a parameter type carries, as a reader writes it ("EUR a year")."""

    symbol: str


def _finite(unit: str, **bounds: float) -> Any:
    return Annotated[float, Strict(), Field(allow_inf_nan=False, **bounds), Unit(unit)]


def _whole(unit: str, **bounds: int) -> Any:
    return Annotated[int, Strict(), Field(**bounds), Unit(unit)]


Probability = _finite("probability", ge=0, le=1)
MonthlyProbability = _finite("probability a month", ge=0, le=1)
YearlyProbability = _finite("probability a year", ge=0, le=1)
Share = _finite("share", ge=0, le=1)
LogOdds = _finite("log-odds")
StandardDeviations = _finite("standard deviations")
RelativeRisk = _finite("ratio", ge=0)
Weight = _finite("relative weight", ge=0)
EurPerContact = _finite("EUR a contact", ge=0)
EurPerStay = _finite("EUR a stay", ge=0)
EurPerDay = _finite("EUR a day", ge=0)
EurPerYear = _finite("EUR a year", ge=0)
Persons = _finite("persons", ge=0)
Workers = _finite("full-time equivalents", ge=0)
ClientsPerWorker = _finite("clients a worker", ge=0)
ConsultationsPerMonth = _finite("consultations a month", ge=0)
Kilometres = _finite("km", gt=0)
MonthlyShare = _finite("share a month", ge=0, le=1)
MeanMonths = _finite("months", gt=0)
RatePerYear = _finite("1/year", gt=0)
SeverityPoints = _finite("severity points (0-1 scale)", ge=0, le=1)
Utility = _finite("utility (EQ-5D index, 1 = full health)", ge=0, le=1)
Days = _finite("days", gt=0)
DiscountRate = _finite("rate a year", ge=0, le=0.2)
GrowthRate = _finite("growth a year", ge=-0.2, le=0.2)
Months = _whole("months", ge=0)
Seed = _whole("seed", ge=0, lt=2**63)
Text = Annotated[str, Strict(), Unit("text")]


def bounded(kind: Any, **bounds: float) -> Any:
    """``kind`` with narrower bounds for one field (its unit is kept).

    Examples
    --------
    >>> from pydantic import TypeAdapter
    >>> TypeAdapter(bounded(Months, le=12)).validate_python(6)
    6
    """
    return Annotated[kind, Field(**bounds)]


def _month(text: str) -> str:
    """``text`` if it is a month written YYYY-MM inside the supported window."""
    timeline.parse_month(text)
    if not FIRST_MONTH <= text <= LAST_MONTH:
        raise ValueError(f"{text!r} is outside the supported months {FIRST_MONTH} to "
                         f"{LAST_MONTH}")
    return text


def _start_field(name: str) -> str:
    if name.endswith("_until"):
        return name.removesuffix("_until") + "_from"
    return {"end": "start", "closing": "opening"}[name]


def _not_before_start(value: str | None, info: ValidationInfo) -> str | None:
    if value is None or info.field_name is None:
        return value
    start_name = _start_field(info.field_name)
    start = info.data.get(start_name)
    if start is not None and value < start:
        raise ValueError(f"ends ({value}) before it starts ({start_name} {start})")
    return value


Month = Annotated[str, Strict(), AfterValidator(_month), Unit("YYYY-MM")]
Until = Annotated[Month | None, AfterValidator(_not_before_start), Unit("YYYY-MM")]


def _flatten(kind: Any) -> list[Any]:
    """Every metadata item of ``kind`` and of the types inside it, outermost last."""
    found: list[Any] = []
    if typing.get_origin(kind) is Annotated:
        inner, *extra = typing.get_args(kind)
        found += _flatten(inner)
        for item in extra:
            found += list(getattr(item, "metadata", ())) if hasattr(item, "metadata") else [item]
    else:
        for arg in typing.get_args(kind):
            found += _flatten(arg)
    return found


def unit_of(kind: Any, metadata: list[Any] | tuple[Any, ...] = ()) -> str:
    """The unit a type (or a field's annotation and metadata) carries; "" when none.

    Examples
    --------
    >>> unit_of(tuple[MonthlyProbability, MonthlyProbability])
    'probability a month'
    """
    units = [item.symbol for item in (*_flatten(kind), *metadata) if isinstance(item, Unit)]
    return units[-1] if units else ""


def _number(value: Any) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:g}"


def bounds_of(kind: Any, metadata: list[Any] | tuple[Any, ...] = ()) -> str:
    """The bounds a type carries, written as an interval ("[0, 1]", "> 0", "any").

    Examples
    --------
    >>> bounds_of(Share)
    '[0, 1]'
    """
    if unit_of(kind, metadata) == "YYYY-MM":
        return f"{FIRST_MONTH} to {LAST_MONTH}"
    low = high = None
    for item in (*_flatten(kind), *metadata):
        if isinstance(item, annotated_types.Ge):
            low = f"[{_number(item.ge)}"
        elif isinstance(item, annotated_types.Gt):
            low = f"]{_number(item.gt)}"
        elif isinstance(item, annotated_types.Le):
            high = f"{_number(item.le)}]"
        elif isinstance(item, annotated_types.Lt):
            high = f"{_number(item.lt)}["
    if low and high:
        return f"{low}, {high}"
    if low:
        return (">= " if low[0] == "[" else "> ") + low[1:]
    if high:
        return ("<= " if high[-1] == "]" else "< ") + high[:-1]
    return "any"


def _sums_to_one(values: tuple[float, ...]) -> tuple[float, ...]:
    if abs(sum(values) - 1) > SUM_TOLERANCE:
        raise ValueError(f"shares must sum to 1 (±{SUM_TOLERANCE:g}); they sum to "
                         f"{sum(values):.6g}")
    return values


def _some_positive(values: tuple[float, ...]) -> tuple[float, ...]:
    if not any(value > 0 for value in values):
        raise ValueError("weights are normalised by their total: at least one must be above 0")
    return values


SUM_TOLERANCE = 1e-3  # shares are normalised before use: rounding in a file is harmless


def summing_to_one(kind: Any) -> Any:
    """A vector of shares that must sum to 1 (within ``SUM_TOLERANCE``).

    Examples
    --------
    >>> from pydantic import TypeAdapter
    >>> TypeAdapter(summing_to_one(tuple[Share, Share])).validate_python([0.25, 0.75])
    (0.25, 0.75)
    """
    return Annotated[kind, AfterValidator(_sums_to_one)]


def normalised(kind: Any) -> Any:
    """A vector of weights divided by their total: at least one must be above 0."""
    return Annotated[kind, AfterValidator(_some_positive)]


def vector(kind: Any, length: int) -> Any:
    """A fixed-length vector of ``kind`` (one value by age band, quintile, step...), each
    element checked.

    Examples
    --------
    >>> from pydantic import TypeAdapter
    >>> TypeAdapter(vector(Share, 2)).validate_python([0.5, 1])
    (0.5, 1.0)
    """
    return tuple[(kind,) * length]

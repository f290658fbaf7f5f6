"""Parameters with their provenance: every default names its source or says it is an assumption.

A module's ``Params`` is a pydantic model whose fields are typed with a unit type of
``passerelle.engine.units`` (which carries the unit and the bounds) and made with
``sourced``, ``calibrated`` or ``assumption``; ``provenance(Params)`` lists them, with
their unit and bounds, for the docs, ``passerelle params`` and the tests. A field may give
its ``uncertainty`` (a ``passerelle.engine.distributions`` distribution, from the source's
own interval or the argued range of an assumption): the probabilistic and global
sensitivity analyses (``passerelle.apps.psa``) draw it from there.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from passerelle.engine import sources
from passerelle.engine.distributions import Distribution, describe
from passerelle.engine.units import bounds_of, unit_of


class Params(BaseModel):
    """Base of every module's parameters: unknown fields are errors, values are immutable,
    and no float may be NaN or infinite."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def sourced(
    key: str,
    geography: str = "Belgium",
    *,
    description: str,
    derive: Callable[[float], Any] | None = None,
    how: str = "",
    uncertainty: Distribution | None = None,
    **constraints: Any,
) -> Any:
    """A field whose default is the sourced figure ``key``@``geography`` (optionally derived).

    ``constraints`` (``ge``, ``le``...) are for a field typed without bounds: a unit type's
    own bounds win over them, so narrow a unit type with ``units.bounded`` instead.
    """
    figure = sources.figure(key, geography)
    default = derive(figure.value) if derive else figure.value
    citation = figure.citation + (f"; {how}" if how else "")
    return Field(default=default, description=description,
                 json_schema_extra=_extra(citation, uncertainty), **constraints)


def _extra(source: str, uncertainty: Distribution | None) -> dict[str, Any]:
    extra: dict[str, Any] = {"source": source}
    if uncertainty is not None:
        extra["distribution"] = describe(uncertainty)
    return extra


def calibrated(default: Any, *, description: str, target: str,
               uncertainty: Distribution | None = None, **constraints: Any) -> Any:
    """A field set so that the baseline lands on a calibration target (``passerelle targets``);
    ``constraints`` as for ``sourced``."""
    return Field(default=default, description=description,
                 json_schema_extra=_extra(f"calibrated to the target {target}", uncertainty),
                 **constraints)


def assumption(default: Any, *, description: str, why: str,
               uncertainty: Distribution | None = None, **constraints: Any) -> Any:
    """A field with no source: ``why`` says what the value rests on; ``constraints`` as for
    ``sourced``."""
    return Field(default=default, description=description,
                 json_schema_extra=_extra(f"assumption: {why}", uncertainty), **constraints)


def design(default: Any, *, description: str) -> Any:
    """A field that is a choice of the study (a run's length, its seed), not a fact."""
    return Field(default=default, description=description,
                 json_schema_extra={"source": "design choice"})


def provenance(params: type[BaseModel]) -> list[dict[str, Any]]:
    """One row per field: name, default, unit, bounds, description, source and the
    distribution of its uncertainty (``None`` when it is not drawn).

    Examples
    --------
    >>> from passerelle.modules.escalation import EscalationParams
    >>> row = provenance(EscalationParams)[1]
    >>> row["name"], row["unit"], row["bounds"]
    ('urgent_per_month', 'probability a month', '[0, 1]')
    """
    rows = []
    for name, field in params.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        rows.append(
            {
                "name": name,
                "default": field.default,
                "unit": unit_of(field.annotation, field.metadata),
                "bounds": bounds_of(field.annotation, field.metadata),
                "description": field.description or "",
                "source": extra.get("source", ""),
                "distribution": extra.get("distribution"),
            }
        )
    return rows

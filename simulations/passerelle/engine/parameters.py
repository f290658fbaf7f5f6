"""Parameters with their provenance: every default names its source or says it is an assumption.

A module's ``Params`` is a pydantic model whose fields are made with ``sourced``,
``calibrated`` or ``assumption``; ``provenance(Params)`` lists them for the docs and tests.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from passerelle.engine import sources


class Params(BaseModel):
    """Base of every module's parameters: unknown fields are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def sourced(
    key: str,
    geography: str = "Belgium",
    *,
    description: str,
    derive: Callable[[float], Any] | None = None,
    how: str = "",
    **constraints: Any,
) -> Any:
    """A field whose default is the sourced figure ``key``@``geography`` (optionally derived)."""
    figure = sources.figure(key, geography)
    default = derive(figure.value) if derive else figure.value
    citation = figure.citation + (f"; {how}" if how else "")
    return Field(
        default=default,
        description=description,
        json_schema_extra={"source": citation},
        **constraints,
    )


def calibrated(default: Any, *, description: str, target: str, **constraints: Any) -> Any:
    """A field set so that the baseline lands on a calibration target (``passerelle targets``)."""
    return Field(
        default=default,
        description=description,
        json_schema_extra={"source": f"calibrated to the target {target}"},
        **constraints,
    )


def assumption(default: Any, *, description: str, why: str, **constraints: Any) -> Any:
    """A field with no source: ``why`` says what the value rests on."""
    return Field(
        default=default,
        description=description,
        json_schema_extra={"source": f"assumption: {why}"},
        **constraints,
    )


def provenance(params: type[BaseModel]) -> list[dict[str, Any]]:
    """One row per field: name, default, description and source."""
    rows = []
    for name, field in params.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        rows.append(
            {
                "name": name,
                "default": field.default,
                "description": field.description or "",
                "source": extra.get("source", ""),
            }
        )
    return rows

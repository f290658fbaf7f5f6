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

import inspect
import textwrap
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from passerelle.engine import sources
from passerelle.engine.distributions import Distribution, describe
from passerelle.engine.units import bounds_of, unit_of


class Params(BaseModel):
    """Base of every module's parameters.

    Unknown fields are errors, values are immutable, and no float may be NaN or infinite.
    A subclass declares each field with a unit type of ``passerelle.engine.units`` and
    ``sourced``, ``calibrated``, ``assumption`` or ``design``.

    Examples
    --------
    >>> from passerelle.engine.parameters import Params, assumption
    >>> from passerelle.engine.units import MonthlyProbability
    >>> class VisitParams(Params):
    ...     visit_per_month: MonthlyProbability = assumption(
    ...         0.05, description="chance of a home visit a month", why="illustration")
    >>> VisitParams().visit_per_month
    0.05
    >>> VisitParams(visit_per_month=0.1).model_dump()
    {'visit_per_month': 0.1}
    """

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.__doc__ = documented(cls)


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
    """A field whose default is the sourced figure ``key``@``geography``.

    Parameters
    ----------
    key : str
        The figure's key in the sourced table (``passerelle.engine.sources``).
    geography : str, default "Belgium"
        Where the figure holds.
    description : str
        What the field means, with its unit.
    derive : callable or None, default None
        Turns the figure into the default (a rate into a monthly probability, ...).
    how : str, default ""
        How ``derive`` turns it, appended to the citation.
    uncertainty : Distribution or None, default None
        The distribution the PSA draws the field from.
    **constraints
        ``ge``, ``le``... for a field typed without bounds: a unit type's own bounds win
        over them, so narrow a unit type with ``units.bounded`` instead.

    Returns
    -------
    pydantic.fields.FieldInfo
        The field, its citation as its ``source``.

    Examples
    --------
    >>> from passerelle.engine.parameters import Params, provenance, sourced
    >>> from passerelle.engine.sources import BRUSSELS
    >>> from passerelle.engine.units import Share
    >>> class GpParams(Params):
    ...     dmg: Share = sourced("dmg_coverage", BRUSSELS,
    ...                          description="share of residents with a regular GP")
    >>> 0 < GpParams().dmg < 1, provenance(GpParams)[0]["source"] != ""
    (True, True)
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
    """A field set so that the baseline lands on a calibration target.

    Parameters
    ----------
    default : object
        The calibrated value.
    description : str
        What the field means, with its unit.
    target : str
        The calibration target it is fitted to (``passerelle targets``).
    uncertainty : Distribution or None, default None
        The distribution the PSA draws the field from.
    **constraints
        As for ``sourced``.

    Returns
    -------
    pydantic.fields.FieldInfo
        The field, its source naming the target.

    Examples
    --------
    >>> from passerelle.engine.parameters import Params, calibrated, provenance
    >>> from passerelle.engine.units import LogOdds
    >>> class SeekParams(Params):
    ...     seek_base: LogOdds = calibrated(-1.0, description="log-odds of seeking care",
    ...                                     target="unmet_need_medical")
    >>> provenance(SeekParams)[0]["source"]
    'calibrated to the target unmet_need_medical'
    """
    return Field(default=default, description=description,
                 json_schema_extra=_extra(f"calibrated to the target {target}", uncertainty),
                 **constraints)


def assumption(default: Any, *, description: str, why: str,
               uncertainty: Distribution | None = None, **constraints: Any) -> Any:
    """A field with no source: ``why`` says what the value rests on.

    Parameters
    ----------
    default : object
        The assumed value.
    description : str
        What the field means, with its unit.
    why : str
        What the value rests on.
    uncertainty : Distribution or None, default None
        The distribution the PSA draws the field from (the argued range).
    **constraints
        As for ``sourced``.

    Returns
    -------
    pydantic.fields.FieldInfo
        The field, its source ``assumption: <why>``.

    Examples
    --------
    >>> from passerelle.engine.parameters import Params, assumption, provenance
    >>> from passerelle.engine.units import Share
    >>> class ToyParams(Params):
    ...     uptake: Share = assumption(0.5, description="share who accept", why="illustration")
    >>> provenance(ToyParams)[0]["source"]
    'assumption: illustration'
    """
    return Field(default=default, description=description,
                 json_schema_extra=_extra(f"assumption: {why}", uncertainty), **constraints)


def design(default: Any, *, description: str) -> Any:
    """A field that is a choice of the study (a run's length, its seed), not a fact.

    Parameters
    ----------
    default : object
        The chosen value.
    description : str
        What the field means, with its unit.

    Returns
    -------
    pydantic.fields.FieldInfo
        The field, its source ``design choice``.

    Examples
    --------
    >>> from passerelle.engine.parameters import Params, design, provenance
    >>> class RunParams(Params):
    ...     months: int = design(12, description="reported months")
    >>> provenance(RunParams)[0]["source"]
    'design choice'
    """
    return Field(default=default, description=description,
                 json_schema_extra={"source": "design choice"})


def provenance(params: type[BaseModel]) -> list[dict[str, Any]]:
    """One row per field of ``params``, for the docs, ``passerelle params`` and the tests.

    Parameters
    ----------
    params : type of pydantic.BaseModel
        A module's ``Params`` class.

    Returns
    -------
    list of dict
        Per field: ``name``, ``default``, ``unit``, ``bounds``, ``description``, ``source``
        and ``distribution`` of its uncertainty (``None`` when it is not drawn).

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


def documented(model: type[BaseModel]) -> str:
    """``model``'s docstring with a numpydoc Parameters section made from its fields.

    Each field's name, unit, description and source are written once, on the field; the
    section is built from them (``provenance``), before the docstring's Examples.

    Parameters
    ----------
    model : type of pydantic.BaseModel
        A ``Params`` (or nested spec) class.

    Returns
    -------
    str
        The cleaned docstring with the section.

    Examples
    --------
    >>> from passerelle.modules.escalation import EscalationParams
    >>> print(documented(EscalationParams).split("urgent_per_month : ")[1].splitlines()[0])
    probability a month, bounds [0, 1]
    """
    doc = inspect.cleandoc(model.__doc__ or "")
    if "\nParameters\n----------\n" in f"\n{doc}":
        return doc
    lines = ["Parameters", "----------"]
    for row in provenance(model):
        bounds = "" if row["bounds"] == "any" else f", bounds {row['bounds']}"
        lines.append(f"{row['name']} : {row['unit']}{bounds}")
        text = row["description"] + (f". Source: {row['source']}." if row["source"] else "")
        lines += textwrap.wrap(text, 84, initial_indent="    ", subsequent_indent="    ",
                               break_on_hyphens=False, break_long_words=False)
    section = "\n".join(lines)
    head, examples, tail = doc.partition("\nExamples\n--------\n")
    return f"{head.rstrip()}\n\n{section}\n" + (f"\n{examples.strip()}\n{tail}" if examples else "")


"""What a scenario can set and what a run records: the rows of ``passerelle params`` and
``passerelle measures``, read from the modules' declarations (nothing is typed twice).

Examples
--------
>>> rows = parameter_rows("needs")
>>> rows[0]["section"], rows[0]["name"], rows[0]["unit"]
('needs', 'incidence_by_age', 'probability a month')
>>> next(row for row in measure_rows() if row["name"] == "population")["kind"]
'stock'
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from passerelle.config.population import PopulationSpec
from passerelle.config.scenario_tables import RunSpec
from passerelle.engine.parameters import provenance
from passerelle.modules import BUILTIN

MAX_DEFAULT = 24  # characters of a default shown in a table (--json gives it whole)


def sections() -> dict[str, type[BaseModel]]:
    """Every table a scenario file may hold, and the parameter model behind it."""
    return {"population": PopulationSpec, "run": RunSpec,
            **{name: module.Params for name, module in BUILTIN.items()}}


def parameter_rows(section: str | None = None) -> list[dict[str, Any]]:
    """One row per parameter of ``section`` (all sections when None): section, name,
    default, unit, bounds, description and source.

    Raises
    ------
    KeyError
        When ``section`` is neither ``population``, ``run`` nor a built-in module.
    """
    known = sections()
    if section is not None and section not in known:
        raise KeyError(section)
    chosen = known if section is None else {section: known[section]}
    return [{"section": name, **row} for name, params in chosen.items()
            for row in provenance(params)]


def measure_rows() -> list[dict[str, Any]]:
    """One row per measure the built-in modules record with their default parameters:
    module, name, unit, kind (stock or flow) and description."""
    return [{"module": name, "name": m.name, "unit": m.unit, "kind": m.kind,
             "description": m.description}
            for name, module in BUILTIN.items() for m in module().measures]


def shown(value: Any, unit: str = "") -> str:
    """A default as a table shows it: a vector as a list, a table of deployments or centres
    as their count, cut to ``MAX_DEFAULT`` characters.

    Examples
    --------
    >>> shown((0.5, 0.25))
    '[0.5, 0.25]'
    """
    if isinstance(value, tuple) and value and isinstance(value[0], BaseModel):
        return f"{len(value)} {unit}"
    text = "none" if value is None else str(list(value) if isinstance(value, tuple) else value)
    return text if len(text) <= MAX_DEFAULT else text[:MAX_DEFAULT - 1] + "…"

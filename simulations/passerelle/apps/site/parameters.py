"""The parameters page: every module's parameters, read from the code at build time.

Columns come from ``passerelle.engine.parameters.provenance`` (name, default,
description, source) and from the pydantic field itself: the bounds (``ge``, ``le``,
``gt``, ``lt``, ``max_length``) from its metadata, and a unit when ``provenance`` gives
one. A nested parameter type (a centre's ``Site``, a facilitators' ``Deployment``) gets a
table of its own.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from passerelle.apps.site.markdown import table
from passerelle.config.population import PopulationSpec
from passerelle.config.scenario_tables import RunSpec
from passerelle.engine.parameters import provenance
from passerelle.modules import BUILTIN, INTERVENTIONS

WORDS = {
    "fr": {
        "title": "Paramètres",
        "intro": (
            "Cette page est produite à partir du code à chaque construction du site : elle "
            "ne peut pas s'écarter du modèle. Chaque paramètre dit d'où vient sa valeur : un "
            "chiffre sourcé (ligne de `datasets/sources/belgium_sources.csv` : éditeur, "
            "année, qualité), une cible de calibration, ou une hypothèse avec sa raison. "
            "Les descriptions et sources sont en anglais, comme le code. Dans un scénario, "
            "un paramètre se change par sa section : `[cascade]` puis `seek_trust = 2.0`, ou "
            "`--set cascade.seek_trust=2.0`."),
        "model": "Modèle", "interventions": "Interventions", "setup": "Population et simulation",
        "name": "nom", "default": "défaut", "unit": "unité", "bounds": "bornes",
        "description": "description", "source": "provenance",
        "nested": "Chaque élément de `{owner}.{field}` est un `{type}` :",
        "items": "éléments", "count": "{n} × `{type}`", "empty": "aucun",
    },
    "en": {
        "title": "Parameters",
        "intro": (
            "This page is produced from the code at every build of the site: it cannot drift "
            "from the model. Every parameter says where its value comes from: a sourced "
            "figure (a row of `datasets/sources/belgium_sources.csv`: publisher, year, "
            "grade), a calibration target, or an assumption with its reason. In a scenario "
            "a parameter is set in its section: `[cascade]` then `seek_trust = 2.0`, or "
            "`--set cascade.seek_trust=2.0`."),
        "model": "Model", "interventions": "Interventions", "setup": "Population and run",
        "name": "name", "default": "default", "unit": "unit", "bounds": "bounds",
        "description": "description", "source": "provenance",
        "nested": "Each item of `{owner}.{field}` is a `{type}`:",
        "items": "items", "count": "{n} × `{type}`", "empty": "none",
    },
}
BOUND_SYMBOLS = (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<"))


def owners() -> dict[str, dict[str, type[BaseModel]]]:
    """The parameter types by section of the page: ``{section: {scenario section: Params}}``."""
    interventions = {cls.name for cls in INTERVENTIONS}
    return {
        "model": {name: m.Params for name, m in BUILTIN.items()
                  if name not in interventions and m.Params.model_fields},
        "interventions": {name: BUILTIN[name].Params for name in sorted(interventions)},
        "setup": {"population": PopulationSpec, "run": RunSpec},
    }


def bounds(params: type[BaseModel], name: str, words: dict[str, str]) -> str:
    """The field's bounds from its pydantic metadata, e.g. ``≥ 0, ≤ 1``."""
    found = []
    for constraint in params.model_fields[name].metadata:
        for attribute, symbol in BOUND_SYMBOLS:
            value = getattr(constraint, attribute, None)
            if value is not None:
                found.append(f"{symbol} {_number(value)}")
        length = getattr(constraint, "max_length", None)
        if length is not None:
            found.append(f"≤ {length} {words['items']}")
    return ", ".join(found)


def _number(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def default(value: Any, words: dict[str, str]) -> str:
    """A default as a reader reads it: numbers short, nested models counted."""
    if isinstance(value, bool) or value is None:
        return f"`{value}`"
    if isinstance(value, int | float):
        return _number(value)
    if isinstance(value, tuple | list) and value and isinstance(value[0], BaseModel):
        return words["count"].format(n=len(value), type=type(value[0]).__name__)
    if isinstance(value, tuple | list | dict) and not value:
        return words["empty"]
    text = str(value)
    return f"`{text}`" if len(text) <= 80 else f"`{text[:77]}…`"


def nested_types(params: type[BaseModel]) -> dict[str, type[BaseModel]]:
    """Fields whose default is a sequence of parameter models: ``{field: model type}``."""
    found = {}
    for name, field in params.model_fields.items():
        value = field.default
        if isinstance(value, tuple | list) and value and isinstance(value[0], BaseModel):
            found[name] = type(value[0])
    return found


def params_table(params: type[BaseModel], words: dict[str, str]) -> str:
    """One row per field: name, default, unit (when known), bounds, description, source."""
    rows = provenance(params)
    with_unit = any("unit" in row for row in rows)
    header = [words["name"], words["default"], *([words["unit"]] if with_unit else []),
              words["bounds"], words["description"], words["source"]]
    body = [[f"`{row['name']}`", default(row["default"], words),
             *([row.get("unit", "")] if with_unit else []),
             bounds(params, row["name"], words), row["description"], row["source"]]
            for row in rows]
    return table(header, body)


def page(language: str) -> str:
    """The parameters page in ``language`` (``"fr"`` or ``"en"``)."""
    words = WORDS[language]
    parts = [f"# {words['title']}", "", words["intro"], ""]
    for section, members in owners().items():
        parts += [f"## {words[section]}", ""]
        for owner, params in members.items():
            parts += [f"### `{owner}`", "", params_table(params, words), ""]
            for field, kind in nested_types(params).items():
                parts += [words["nested"].format(owner=owner, field=field, type=kind.__name__),
                          "", params_table(kind, words), ""]
    return "\n".join(parts)

"""What is wrong with a scenario, worded one problem a line for ``ScenarioError``.

A problem names the field, the bad value (cut to ``MAX_SHOWN`` characters) and what is
allowed; pydantic's validation errors are described in those terms here.
"""

from __future__ import annotations

import difflib
import typing
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from passerelle.engine.units import bounds_of, unit_of

MAX_SHOWN = 60  # characters of a bad value quoted in a message


def shorten(value: Any) -> str:
    """``repr(value)``, cut to ``MAX_SHOWN`` characters (a huge value stays one line)."""
    text = repr(value)
    if len(text) <= MAX_SHOWN:
        return text
    return f"{text[:MAX_SHOWN - 3]}... ({len(text):,} characters)"


def suggest(word: str, choices: Iterable[str]) -> str:
    if len(word) > MAX_SHOWN:
        return ""
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _nested_model(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds (directly or as the elements of a tuple), if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _nested_model(arg)
        if found is not None:
            return found
    return None


def _field_at(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[Any, type[BaseModel]]:
    """The info of the innermost named field of ``loc`` (None when ``loc`` names none), and
    the model that ``loc`` leads into (the one a further field would belong to)."""
    info, inside = None, model
    for part in loc:
        if isinstance(part, str) and part in inside.model_fields:
            info = inside.model_fields[part]
            inside = _nested_model(info.annotation) or inside
    return info, inside


def _is_member_tag(part: Any) -> bool:
    """Whether a ``loc`` part names a member of a union (``constrained-int``,
    ``literal['full']``) rather than a field or an index."""
    return isinstance(part, str) and not part.isidentifier()


def _describe(error: Mapping[str, Any], section: str, params: type[BaseModel]) -> str:
    parts = tuple(part for part in error["loc"] if not _is_member_tag(part))
    if error["type"] == "missing" and parts and isinstance(parts[-1], int):
        parts = parts[:-1]
        message = f"too few values ({len(error.get('input') or ())} given)"
    else:
        message = error["msg"] if len(error["msg"]) <= 4 * MAX_SHOWN else (
            error["msg"][:4 * MAX_SHOWN] + "...")
    loc = ".".join(str(part) for part in parts)
    where = f"{section}.{loc}" if section and loc else section or loc
    if error["type"] == "extra_forbidden":
        _, owner = _field_at(params, parts[:-1])
        field = str(parts[-1])
        allowed = ", ".join(owner.model_fields)
        table = f"[{section}]" if section and len(parts) == 1 else (
            f"a {owner.__name__}" if section else "a scenario's top level")
        where = where.removesuffix(field) + shorten(field)[1:-1]
        return (f"{where}: unknown field{suggest(field, owner.model_fields)}; allowed fields "
                f"of {table}: {allowed}")
    info, _ = _field_at(params, parts)
    expected = f"; expected: {info.description}" if info is not None and info.description else ""
    unit = unit_of(info.annotation, info.metadata) if info is not None else ""
    allowed = f" ({unit}, {bounds_of(info.annotation, info.metadata)})" if unit not in (
        "", "text", "choice") and _nested_model(info.annotation) is None else ""
    return f"{where} = {shorten(error.get('input'))}: {message}{expected}{allowed}"


def problems_of(error: ValidationError, section: str, model: type[BaseModel]) -> list[str]:
    """The problems of a validation ``error`` of ``model`` in table ``section``, one line a
    field, each naming the field, the bad value and what is allowed.

    Examples
    --------
    >>> from passerelle.config.scenario_tables import RunSpec
    >>> try:
    ...     RunSpec(months=0)
    ... except ValidationError as error:
    ...     problems_of(error, "run", RunSpec)
    ['run.months = 0: Input should be greater than or equal to 1; expected: reported months ...']
    """
    return _join_alternatives([_describe(e, section, model) for e in error.errors()])


def _join_alternatives(lines: list[str]) -> list[str]:
    """One line per field: a value refused by every member of a union (a size that is
    neither a number of people nor 'full') gets their reasons joined by "or"."""
    joined: dict[str, tuple[list[str], str]] = {}
    for line in lines:
        head, _, reason = line.partition(": ")
        reason, sep, detail = reason.partition("; expected: ")
        reasons, _ = joined.setdefault(head, ([], sep + detail))
        if reason not in reasons:
            reasons.append(reason)
    return [f"{head}: {' or '.join(reasons)}{detail}" for head, (reasons, detail)
            in joined.items()]

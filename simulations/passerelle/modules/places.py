"""Places and dates in intervention parameters: commune and region names (as types),
distances between commune centroids, open-ended months, and weighted picking without
replacement.

Commune centroids are the ``lat``/``lon`` columns of ``datasets/sources/communes.csv``
(approximate town-hall positions, grade E, good to about 1 km: see that folder's README).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from typing import Annotated, Any

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, Strict

from passerelle.engine import sources
from passerelle.engine.parameters import documented
from passerelle.engine.timeline import parse_month
from passerelle.engine.units import Unit

EARTH_RADIUS_KM = 6371.0
MAX_SITES = 127  # deployments or centres: their index is held in an int8 column


class Spec(BaseModel):
    """A nested part of an intervention's parameters (a deployment, a centre, a grant):
    unknown fields are errors, values are immutable. Its parent field carries the source."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.__doc__ = documented(cls)


def place_names() -> tuple[str, ...]:
    """Names a place may take: every commune or area of communes.csv, and every region."""
    areas = sources.communes()
    return (*(a.name for a in areas), *sorted({a.region for a in areas}))


def suggest(name: str, known: Iterable[str]) -> str:
    """`` (did you mean 'X'?)`` for the known name closest to ``name``, whole or by its
    first word (``Molenbek`` → ``Molenbeek-Saint-Jean``), or an empty string."""
    known = list(known)
    close = difflib.get_close_matches(name, known, n=1)
    if not close:
        first = {re.split(r"[- ]", k)[0].casefold(): k for k in known}
        words = difflib.get_close_matches(name.casefold(), list(first), n=1)
        close = [first[words[0]]] if words else []
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_place(name: str) -> str:
    """``name`` if it is a commune, an area or a region; a clear error otherwise."""
    known = place_names()
    if name not in known:
        raise ValueError(f"unknown commune or region {name!r}{suggest(name, known)}; "
                         f"known: {', '.join(known)}")
    return name


def check_commune(name: str) -> str:
    """``name`` if it is one of the communes of communes.csv (not a region or a rest)."""
    known = [c.name for c in sources.communes() if c.population is not None]
    if name not in known:
        raise ValueError(f"unknown commune {name!r}{suggest(name, known)}; communes: "
                         f"{', '.join(known)}")
    return name


Place = Annotated[str, Strict(), AfterValidator(check_place), Unit("commune or region")]
CommuneName = Annotated[str, Strict(), AfterValidator(check_commune), Unit("commune")]


def month_or(text: str | None, default: int) -> int:
    """Months since 2000-01 of ``text``, or ``default`` when it is None."""
    return default if text is None else parse_month(text)


def commune_mask(names: Iterable[str], areas: tuple[sources.Commune, ...]) -> np.ndarray:
    """Which of the run's ``areas`` belong to the places ``names`` (communes or regions)."""
    wanted = set(names)
    return np.array([a.name in wanted or a.region in wanted for a in areas], dtype=bool)


def distances_km(areas: tuple[sources.Commune, ...], lat: float, lon: float) -> np.ndarray:
    """Great-circle distance (km) from each area's centroid to the point (lat, lon)."""
    lat1 = np.radians([a.lat for a in areas])
    lon1 = np.radians([a.lon for a in areas])
    lat2, lon2 = np.radians(lat), np.radians(lon)
    h = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(h))


def pick(uids: np.ndarray, weights: np.ndarray, k: int, u: np.ndarray) -> np.ndarray:
    """``k`` of ``uids`` drawn without replacement with probability proportional to
    ``weights`` (Efraimidis & Spirakis 2006: the ``k`` smallest keys −log(u)/w), given one
    uniform draw ``u`` per uid; people with zero weight are never drawn."""
    keep = weights > 0
    uids, weights, u = uids[keep], weights[keep], u[keep]
    if k <= 0 or uids.size == 0:
        return uids[:0]
    if k >= uids.size:
        return uids
    keys = -np.log1p(-u) / weights
    return np.sort(uids[np.argpartition(keys, k - 1)[:k]])

"""Where and when facilitators work: a ``Deployment`` (an area, a number of workers, a
start and an end month) and the federal project's roll-out across nine cities, the default
of ``FacilitatorsParams.deployments``."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from passerelle.engine.sources import BRUSSELS
from passerelle.engine.units import Month, Unit, Until, Workers
from passerelle.modules.places import MAX_SITES, Place, Spec


class Deployment(Spec):
    """Workers in a place from ``start`` to ``end`` (last month of work, inclusive).

    Examples
    --------
    >>> from passerelle.modules.deployments import Deployment
    >>> Deployment(area=("Gent",), workers=2, start="2024-01").end is None
    True
    >>> try:
    ...     Deployment(area=("Gent",), workers=2, start="2024-01", end="2023-12")
    ... except ValueError as error:
    ...     print(error.errors()[0]["msg"])
    Value error, ends (2023-12) before it starts (start 2024-01)
    """

    area: tuple[Place, ...] = Field(min_length=1, description="communes or regions covered")
    workers: Workers = Field(description="facilitators (full-time equivalents)")
    start: Month = Field(description="first month of work, YYYY-MM")
    end: Until = Field(default=None, description="last month of work, YYYY-MM, or none")


# The federal project's roll-out: 50 workers from June 2021 (chw_budget, chw_first_in_post:
# 17 in Wallonia, 6 in Gent). How the other workers are shared between cities is ours.
ROLL_OUT = (
    (("Liège",), 7), (("Dison", "Verviers"), 3), (("Charleroi",), 7),
    (("Gent",), 6), (("Antwerpen",), 8), (("Genk",), 3), (("Oostende",), 2), (("Tienen",), 2),
    ((BRUSSELS,), 12),
)


def roll_out(start: str) -> tuple[Deployment, ...]:
    """The federal project's deployments, all starting in ``start``."""
    return tuple(Deployment(area=area, workers=workers, start=start)
                 for area, workers in ROLL_OUT)


Deployments = Annotated[tuple[Deployment, ...], Field(max_length=MAX_SITES), Unit("deployments")]

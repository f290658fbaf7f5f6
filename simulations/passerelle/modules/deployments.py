"""Where and when facilitators work: a ``Deployment`` (an area, a number of workers, a
start and an end month) and the federal project's roll-out across nine cities, the default
of ``FacilitatorsParams.deployments``."""

from __future__ import annotations

from pydantic import Field, field_validator

from passerelle.modules.places import Spec, check_end, check_month, check_place


class Deployment(Spec):
    """Workers in a place from ``start`` to ``end`` (last month of work, inclusive)."""

    area: tuple[str, ...] = Field(min_length=1, description="communes or regions covered")
    workers: float = Field(ge=0, description="facilitators (full-time equivalents)")
    start: str = Field(description="first month of work, YYYY-MM")
    end: str | None = Field(default=None, description="last month of work, YYYY-MM, or none")

    @field_validator("area")
    @classmethod
    def _places(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(check_place(name) for name in value)

    @field_validator("start")
    @classmethod
    def _start(cls, value: str) -> str:
        return check_month(value)

    @field_validator("end")
    @classmethod
    def _end(cls, value: str | None, info) -> str | None:
        return check_end(value, info.data.get("start"))


# The federal project's roll-out: 50 workers from June 2021 (chw_budget, chw_first_in_post:
# 17 in Wallonia, 6 in Gent). How the other workers are shared between cities is ours.
ROLL_OUT = (
    (("Liège",), 7), (("Dison", "Verviers"), 3), (("Charleroi",), 7),
    (("Gent",), 6), (("Antwerpen",), 8), (("Genk",), 3), (("Oostende",), 2), (("Tienen",), 2),
    (("Brussels-Capital Region",), 12),
)


def roll_out(start: str) -> tuple[Deployment, ...]:
    """The federal project's deployments, all starting in ``start``."""
    return tuple(Deployment(area=area, workers=workers, start=start)
                 for area, workers in ROLL_OUT)

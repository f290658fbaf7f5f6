"""The tables of a scenario file that belong to no module: the top-level fields
(``Header``) and ``[run]`` (``RunSpec``); ``[population]`` is
``passerelle.config.population.PopulationSpec``."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from passerelle.engine.parameters import Params, design
from passerelle.engine.units import Month, Months, Seed, Text, bounded

TOP_LEVEL = ("name", "description", "extends", "modules", "plugins", "population", "run")
MAX_NAME = 200  # characters: a name titles reports and tables
MAX_DESCRIPTION = 10_000


class RunSpec(Params):
    """When the run starts, how long it lasts, and its seed."""

    start: Month = design("2016-01", description="first reported month, YYYY-MM")
    months: bounded(Months, ge=1, le=600) = design(120, description="reported months")
    burn_in: bounded(Months, le=240) = design(
        24, description="months simulated before start and not reported")
    seed: Seed = design(1, description="random seed")


def _unique(names: tuple[str, ...]) -> tuple[str, ...]:
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        raise ValueError(f"each module may appear once; repeated: {', '.join(repeated)}")
    return names


ModuleNames = Annotated[tuple[Text, ...], Field(min_length=1), AfterValidator(_unique)]


class Header(BaseModel):
    """The top-level fields of a scenario file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: bounded(Text, min_length=1, max_length=MAX_NAME) = Field(
        description=f"the scenario's name: text of 1 to {MAX_NAME} characters")
    description: bounded(Text, max_length=MAX_DESCRIPTION) = Field(
        default="", description=f"what the scenario is, as text (at most {MAX_DESCRIPTION:,} "
        "characters)")
    modules: ModuleNames | None = Field(
        default=None, description="the modules to run, each once (default: the model's "
        "modules)")
    plugins: tuple[Text, ...] = Field(default=(), description="package.module:Class paths "
                                      "of modules outside Passerelle")

"""The memory guard: a run's peak memory estimated from its scenario's population and
modules, checked against what the machine has before anything is allocated.

``Sim(scenario)`` calls ``check_fits`` through ``Scenario.check``, and so does the command
line when it validates a scenario (``validate``, ``run``, ``sweep``): a run too large for
the machine is refused with a clear line.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from passerelle.config.population import COLUMNS, areas_of, capacity, simulated_people
from passerelle.engine.groups import Grouping
from passerelle.engine.module import Module
from passerelle.engine.people import ALIVE
from passerelle.engine.plan import ScenarioError

if TYPE_CHECKING:
    from passerelle.config.scenario import Scenario

# Memory beyond the declared columns, measured with tracemalloc's peak (numpy arrays) on
# facilitators+centres, 24 months: from 600,000 to 1,200,000 people the peak grows by 158
# bytes a person, 131 of them the declared columns (124 bytes a row, with room for the
# run's arrivals); the other 27 (a month's draws, masks and index arrays) are rounded up
# to WORKING_BYTES. What does not grow with the size (the
# population drawn in chunks, of 250,000 people then: about 27 MB at 1,200,000, 5 MB in
# chunks of 50,000 now) is rounded up to FIXED_BYTES. tests/test_scenario.py checks that
# the estimate bounds a measured peak.
WORKING_BYTES = 32
FIXED_BYTES = 64_000_000


def bytes_needed(scenario: Scenario, modules: Sequence[Module] | None = None) -> int:
    """Estimated peak bytes of a run of ``scenario`` with ``modules`` (default: its own):
    every declared column of its people (with room for arrivals), the working memory of a
    month, and the result arrays.

    Examples
    --------
    >>> from passerelle.config.scenario import load
    >>> small, large = (load("baseline", [f"population.size={n}"]) for n in (1_000, 100_000))
    >>> bytes_needed(small) < bytes_needed(large)
    True
    """
    classes = ([scenario.build_module(name) for name in scenario.modules] if modules is None
               else list(modules))
    columns = {column.name: column for column in (ALIVE, *COLUMNS)}
    for module in classes:
        columns.update({column.name: column for column in module.columns})
    per_person = sum(np.dtype(column.dtype).itemsize for column in columns.values())
    size = simulated_people(scenario.population)
    region = scenario.population.region
    communes = ("none",) if region == "none" else tuple(a.name for a in areas_of(region))
    cells = Grouping(communes).size + 1
    measures = sum(len(module.measures) for module in classes)
    months = scenario.run.burn_in + scenario.run.months
    return (capacity(size, months) * per_person + size * WORKING_BYTES + FIXED_BYTES
            + measures * scenario.run.months * cells * 8)


def available_bytes() -> int | None:
    """Memory available to a new run (bytes): psutil's estimate when installed, else
    MemAvailable of /proc/meminfo; None when neither can tell."""
    try:
        import psutil
    except ImportError:
        meminfo = Path("/proc/meminfo")
        if not meminfo.exists():
            return None
        for line in meminfo.read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
        return None
    return int(psutil.virtual_memory().available)


def check_fits(scenario: Scenario, modules: Sequence[Module] | None = None) -> None:
    """Refuse, before anything is allocated, a run that would not fit in memory."""
    needed, available = bytes_needed(scenario, modules), available_bytes()
    if available is not None and needed > available:
        size = simulated_people(scenario.population)
        raise ScenarioError(scenario.source, [
            f"population.size = {size:,}: the run needs about {needed / 1e9:,.1f} GB "
            f"({needed // max(size, 1):,} bytes a person) and {available / 1e9:,.1f} GB are "
            "available; simulate fewer people (each stands for more real ones)"])

"""Data sets to open in a notebook: the sourced figures the model is built on, and synthetic
person-level records generated from simulation runs (no real person is in them).

``load(name)`` returns a pandas DataFrame validated against the data set's schema;
``build()`` regenerates every synthetic file, byte for byte, with a ``SHA256SUMS`` file
and the simulated truth behind each data set (``truth.json``, read with ``truth(name)``);
``catalog()`` lists them; ``NAMES`` are their names. Each data set has a bilingual
datasheet, ``datasets/<name>.md``.

The names below load on first use, so that the command line does not import pandera and
the simulation for commands that do not need them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from passerelle.datasets.api import (
        DATASETS,
        DATASETS_DIR,
        NAMES,
        Dataset,
        build,
        catalog,
        load,
        truth,
    )

__all__ = ["DATASETS", "DATASETS_DIR", "NAMES", "Dataset", "build", "catalog", "load", "truth"]


def __getattr__(name: str):
    if name in __all__:
        from passerelle.datasets import api

        return getattr(api, name)
    raise AttributeError(f"module 'passerelle.datasets' has no attribute {name!r}")

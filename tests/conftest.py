"""Shared fixtures for the engine tests: one small baseline run, and scenario files on disk."""

from __future__ import annotations

import os

# One BLAS thread per process for xdist's workers and every process the tests start (they
# inherit it; this process may have loaded numpy already, through a plugin): the workers
# already fill the cores, and OpenBLAS's spinning threads on a full machine doubled the CPU
# time of the statsmodels fits (10 stepped-wedge replications: 1.8-2.4 CPU s with two BLAS
# threads, 0.8-1.05 with one, on the shared 2-core machine).
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from collections.abc import Callable
from pathlib import Path

import pytest
from support import small

from passerelle.config.scenario import Scenario
from passerelle.engine.results import Results
from passerelle.engine.sim import Sim


@pytest.fixture(scope="session")
def small_scenario() -> Scenario:
    return small()


@pytest.fixture(scope="session")
def small_run(small_scenario: Scenario) -> Results:
    """The baseline on the small population, seed 1 (shared: treat as read-only)."""
    return Sim(small_scenario).run()


@pytest.fixture
def write_toml(tmp_path: Path) -> Callable[[str, str], Path]:
    """Write a scenario file ``name`` with ``text`` into the test's folder; returns its path."""

    def write(name: str, text: str) -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write

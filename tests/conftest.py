"""Shared fixtures for the engine tests: one small baseline run, and scenario files on disk."""

from __future__ import annotations

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

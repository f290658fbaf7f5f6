"""CONTRIBUTING.md's example works as written: its files, its test and its command."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from passerelle import load
from passerelle.modules import DEFAULT

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "CONTRIBUTING.md"
MAX_LINES = 60
BLOCK = re.compile(r"```(python|toml)\n# (\S+?):[^\n]*\n(.*?)```", re.DOTALL)


def _files(folder: Path) -> list[Path]:
    """Write each code block of the guide to the file its first comment names."""
    written = []
    for _, name, body in BLOCK.findall(GUIDE.read_text(encoding="utf-8")):
        path = folder / name
        path.write_text(body, encoding="utf-8")
        written.append(path)
    return written


def test_the_guide_is_short() -> None:
    assert len(GUIDE.read_text(encoding="utf-8").splitlines()) < MAX_LINES


def test_the_guide_s_module_is_tested_and_run_from_its_scenario_file(tmp_path: Path) -> None:
    names = [path.name for path in _files(tmp_path)]
    assert names == ["home_visits.py", "home_visits.toml", "test_home_visits.py"]
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    tested = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_home_visits.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert "1 passed" in tested.stdout
    run = subprocess.run(
        [str(Path(sys.executable).parent / "passerelle"), "run", "home_visits.toml",
         "--population", "3000", "--months", "2", "--out", "out"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "out" / "summary.json").is_file()


def test_the_guide_s_scenario_runs_the_whole_model_and_the_new_module(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its section adds the module: no list of the model's modules to copy (and to forget
    one of when the model gains a module)."""
    _files(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "home_visits", raising=False)
    scenario = load(tmp_path / "home_visits.toml")
    assert scenario.modules == (*DEFAULT, "home_visits")
    assert scenario.params["home_visits"].visit_per_month == 0.05
    sys.modules.pop("home_visits", None)


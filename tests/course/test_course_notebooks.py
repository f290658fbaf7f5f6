"""The source notebooks: up to date with their builder, valid nbformat 4 with nbgrader
metadata, and they run top to bottom with every hidden test passing."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import nbformat
import pytest

from passerelle.course.assignments import NAMES
from passerelle.course.assignments import assignment as find_assignment
from passerelle.course.notebooks import text

SOURCE = Path(__file__).resolve().parents[2] / "course" / "source"

GRADED = [name for name in NAMES if name != "tp00-prise-en-main"]


@pytest.mark.parametrize("name", NAMES)
def test_the_committed_notebook_is_the_built_one(name: str):
    path = SOURCE / name / f"{name}.ipynb"
    assert path.read_text(encoding="utf-8") == text(name), (
        f"{path} is stale: run `python -m passerelle.course.notebooks course`")
    nbformat.validate(nbformat.read(path, as_version=4))


@pytest.mark.parametrize("name", NAMES)
def test_each_question_has_its_answer_and_test_cells(name: str):
    nb = nbformat.read(SOURCE / name / f"{name}.ipynb", as_version=4)
    meta = [cell.metadata["nbgrader"] for cell in nb.cells if "nbgrader" in cell.metadata]
    ids = [m["grade_id"] for m in meta]
    assert len(ids) == len(set(ids))
    autograded = [m for m in meta if m["grade"] and not m["solution"]]
    manual = [m for m in meta if m["grade"] and m["solution"]]
    assert all(m["locked"] and m["points"] > 0 for m in autograded)
    tested = {cell.source.split('"')[3] for cell in nb.cells
              if cell.metadata.get("nbgrader", {}).get("grade_id", "").startswith("test_")}
    assert tested == set(find_assignment(name).QUESTIONS)
    if name in GRADED:
        assert 4 <= len(autograded) <= 8
        assert manual and all(m["points"] > 0 for m in manual)
        assert "2 heures" in nb.cells[0].source and "Objectifs" in nb.cells[0].source


@pytest.mark.parametrize("name", NAMES)
def test_the_source_runs_top_to_bottom_and_passes_its_hidden_tests(name: str, tmp_path: Path,
                                                                   monkeypatch):
    """Run in-process (no kernel: fast), in a folder outside nbgrader's autograded tree, as an
    instructor running the source: the example matricule is used."""
    matplotlib.use("Agg")
    monkeypatch.chdir(tmp_path)
    nb = nbformat.read(SOURCE / name / f"{name}.ipynb", as_version=4)
    namespace: dict = {"__name__": "__main__"}
    ran = 0
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source.strip():
            exec(compile(cell.source, f"{name}:{cell.get('id')}", "exec"), namespace)
            ran += 1
    assert ran and namespace["MATRICULE"] == "exemple-000"
    assert os.getcwd() == str(tmp_path)

"""``passerelle course solutions``: the source run for the example student, outputs and
HTML, for instructors only; an output folder inside release/ or docs/ is refused."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from typer.testing import CliRunner

from passerelle.apps.cli import app
from passerelle.course.gates import secret_lines

COURSE = Path(__file__).resolve().parents[2] / "course"
ASSIGNMENT = "tp00-prise-en-main"


def test_solutions_are_the_executed_source_with_outputs_and_html(tmp_path: Path):
    out = tmp_path / "corrige"
    result = CliRunner().invoke(app, ["course", "solutions", ASSIGNMENT, "--cours", str(COURSE),
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    notebook = nbformat.read(out / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", 4)
    code = [c for c in notebook.cells if c.cell_type == "code" and c.source.strip()]
    assert code and all(c.execution_count for c in code)
    outputs = [o for c in code for o in c.outputs]
    assert outputs and not [o for o in outputs if o.output_type == "error"]
    sources = "\n".join(c.source for c in notebook.cells)
    secrets = secret_lines(COURSE / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    assert secrets and all(s in sources for s in secrets)
    page = (out / ASSIGNMENT / f"{ASSIGNMENT}.html").read_text(encoding="utf-8")
    printed = next(o.text.strip().splitlines()[0] for o in outputs if o.output_type == "stream")
    assert "<html" in page and printed in page
    assert not (COURSE / "solutions").exists()


@pytest.mark.parametrize("public", ["release", "docs"])
def test_an_output_folder_inside_release_or_docs_is_refused(tmp_path: Path, public: str):
    out = tmp_path / public / "solutions"
    result = CliRunner().invoke(app, ["course", "solutions", ASSIGNMENT, "--cours", str(COURSE),
                                      "--out", str(out)])
    assert result.exit_code == 2
    assert f"'{public}'" in result.output and "--out" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / public).exists()

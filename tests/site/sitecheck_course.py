"""A tiny nbgrader assignment for the site's tests, and what must never reach the site.

The fixture assignment has a solution cell holding a planted seed and true value, a
visible test and a hidden test block; the leak audit checks that none of its solution or
hidden lines (nor those of the real assignments in ``course/source``) is published.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat

ASSIGNMENT = "tp-essai"
TITLE = "TP d'essai : une part pondérée"
SECRET_SEED = "918273645"      # planted in the solution: must not be published
SECRET_TRUTH = "0.4187"        # the "true value" of the fixture: must not be published
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
REPO = Path(__file__).resolve().parents[2]


def _cell(kind: str, source: str, grade_id: str, **nbgrader) -> nbformat.NotebookNode:
    make = nbformat.v4.new_markdown_cell if kind == "markdown" else nbformat.v4.new_code_cell
    cell = make(source)
    cell.metadata["nbgrader"] = {"grade_id": grade_id, "schema_version": 3, "solution": False,
                                 "grade": False, "locked": False, **nbgrader}
    return cell


def fixture_notebook() -> nbformat.NotebookNode:
    """A real nbgrader notebook: intro, a solution cell, a visible and a hidden test."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.cells = [
        _cell("markdown", f"# {TITLE}\n\nCalculez la part pondérée des besoins non "
              "satisfaits.", "intro", locked=True),
        _cell("code", "### BEGIN SOLUTION\n"
              f"graine = {SECRET_SEED}\n"
              f"reponse = {SECRET_TRUTH}  # la vraie part pondérée\n"
              "### END SOLUTION", "q1", solution=True),
        _cell("code", "assert 0 <= reponse <= 1, \"une part est entre 0 et 1\"", "q1_visible",
              grade=True, locked=True, points=1),
        _cell("code", "assert 0 <= reponse <= 1\n### BEGIN HIDDEN TESTS\n"
              f"assert abs(reponse - {SECRET_TRUTH}) < 1e-9, \"graine {SECRET_SEED}\"\n"
              "### END HIDDEN TESTS", "q1_hidden", grade=True, locked=True, points=2),
    ]
    return notebook


def make_course(folder: Path) -> Path:
    """A course folder: the real assignments of ``course/source`` (and the course's
    nbgrader config, when present) plus the fixture assignment."""
    course = Path(folder)
    real = REPO / "course"
    if (real / "source").is_dir():
        shutil.copytree(real / "source", course / "source")
    for name in ("nbgrader_config.py", "syllabus.md", "README.md"):
        if (real / name).exists():
            shutil.copy(real / name, course / name)
    target = course / "source" / ASSIGNMENT
    target.mkdir(parents=True, exist_ok=True)
    nbformat.write(fixture_notebook(), target / f"{ASSIGNMENT}.ipynb")
    return course


def secret_lines(course: Path) -> set[str]:
    """Every line inside a solution or hidden-test block, or in a solution cell without markers, of
    every source notebook of ``course``, unless the same line is also given to students
    elsewhere in the notebook (whitespace collapsed; comments and lines of a few
    characters, such as ``pass``, are left out as they prove nothing)."""
    found, public = set(), set()
    for path in sorted((Path(course) / "source").rglob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) \
                else cell["source"]
            meta = cell.get("metadata", {}).get("nbgrader", {})
            blocks = re.findall(r"BEGIN (?:SOLUTION|HIDDEN TESTS)\n(.*?)### END", source,
                                re.DOTALL)
            whole = meta.get("solution") and "BEGIN SOLUTION" not in source
            if whole:  # nbgrader replaces the whole cell by the stub
                blocks.append(source)
            outside = re.sub(r"### BEGIN (SOLUTION|HIDDEN TESTS).*?### END \1", "", source,
                             flags=re.DOTALL)
            if not whole:
                public.update(" ".join(line.split()) for line in outside.splitlines())
            for block in blocks:
                for line in block.splitlines():
                    line = " ".join(line.split())
                    if len(line) >= 12 and not line.startswith("#"):
                        found.add(line)
    return found - public

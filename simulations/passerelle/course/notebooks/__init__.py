"""The source notebooks of the course, written from Python so that they are valid nbformat 4
with correct nbgrader metadata and the same bytes on every build.

``write(course_dir)`` writes ``<course_dir>/source/<assignment>/<assignment>.ipynb`` for
every assignment; run ``python -m passerelle.course.notebooks course`` after changing one.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from passerelle.course.notebooks import tp00, tp01, tp02, tp03, tp04, tp05, tp06, tp07

BUILDERS = {module.NAME: module.build
            for module in (tp00, tp01, tp02, tp03, tp04, tp05, tp06, tp07)}


def text(assignment: str) -> str:
    """The source notebook of ``assignment``, as the file holds it."""
    nb = BUILDERS[assignment]()
    nbformat.validate(nb)
    return nbformat.writes(nb) + "\n"


def write(course_dir: Path) -> list[Path]:
    """Write every source notebook under ``course_dir``; returns their paths."""
    paths = []
    for assignment in BUILDERS:
        path = Path(course_dir) / "source" / assignment / f"{assignment}.ipynb"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text(assignment), encoding="utf-8")
        paths.append(path)
    return paths

"""The instructor's solutions: an assignment's source notebook run top to bottom for the
example student, outputs included, and the same rendered to HTML.

The source notebook holds the solutions and the hidden tests: its run must never reach
students. The build therefore refuses an output folder that is, or lies inside, a folder
named ``release`` (what nbgrader hands out) or ``docs`` (the public site's sources), and
writes by default to ``<course>/solutions/``, which the repository ignores.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert import HTMLExporter

from passerelle.course.nbgrader_course import Course, CourseInputError, environment_first_on_path

PUBLIC_FOLDERS = ("release", "docs")
SOLUTIONS = "solutions"
KERNEL = "python3"
# Seconds a cell may run: the course's slowest honest cell takes a few seconds (see the
# course's Execute.timeout, which this build reads when the course sets it).
DEFAULT_TIMEOUT = 60


@dataclass(frozen=True)
class Solutions:
    """What the build wrote: the executed notebooks and their HTML pages."""

    notebooks: list[Path]
    pages: list[Path]


def default_folder(course: Course) -> Path:
    """``<course>/solutions``: where the solutions go unless told otherwise."""
    return course.root / SOLUTIONS


def check_folder(out: Path) -> Path:
    """``out`` resolved, unless it is or lies inside a public folder.

    Raises
    ------
    CourseInputError
        When ``out`` is or lies inside a folder named ``release`` or ``docs``.

    Examples
    --------
    >>> check_folder(Path("/srv/cours/solutions")).as_posix()
    '/srv/cours/solutions'
    >>> check_folder(Path("/srv/cours/release/tp01"))
    Traceback (most recent call last):
    ...
    passerelle.course.nbgrader_course.CourseInputError: --out /srv/cours/release/tp01: ...
    """
    resolved = Path(out).resolve()
    public = [part for part in resolved.parts if part in PUBLIC_FOLDERS]
    if public:
        raise CourseInputError(
            f"--out {resolved}: lies inside a folder named {public[0]!r}; solutions must "
            f"never go where students or the public site read ({', '.join(PUBLIC_FOLDERS)}): "
            f"choose another folder, e.g. the default {SOLUTIONS}/ of the course")
    return resolved


def _timeout(course: Course) -> int:
    configured = course.config().Execute
    return int(configured.timeout) if "timeout" in configured else DEFAULT_TIMEOUT


def build(course: Course, assignment: str, out: Path | None = None) -> Solutions:
    """Run every source notebook of ``assignment`` for the example student and write it,
    with its outputs, and its HTML rendering, to ``out/<assignment>/``.

    The notebooks run in a scratch copy of the assignment's source folder (outside
    nbgrader's autograded tree, so the source's matricule cell takes its example id).

    Parameters
    ----------
    course
        The nbgrader course.
    assignment
        The assignment's name (a folder of ``source/``).
    out
        Folder for the solutions (default :func:`default_folder`); refused if public.

    Raises
    ------
    CourseInputError
        When the folder is public, or a cell of the source fails (its error is named).

    Examples
    --------
    >>> build(Course(Path("course")), "tp02-cascade")  # doctest: +SKIP
    """
    names = course.check().notebooks(assignment)
    target = check_folder(default_folder(course) if out is None else out) / assignment
    timeout = _timeout(course)
    environment_first_on_path()
    notebooks, pages = [], []
    with tempfile.TemporaryDirectory(prefix="passerelle-solutions-") as scratch:
        work = Path(scratch) / assignment
        shutil.copytree(course.source / assignment, work)
        target.mkdir(parents=True, exist_ok=True)
        for name in names:
            notebook = nbformat.read(work / f"{name}.ipynb", 4)
            client = NotebookClient(notebook, timeout=timeout, kernel_name=KERNEL,
                                    resources={"metadata": {"path": str(work)}})
            try:
                client.execute()
            except CellExecutionError as error:
                last = str(error).strip().splitlines()[-1:]
                raise CourseInputError(f"{course.source / assignment / name}.ipynb: a cell of "
                                       f"the source fails: {' '.join(last)}") from None
            path = target / f"{name}.ipynb"
            nbformat.write(notebook, path)
            page = target / f"{name}.html"
            html, _ = HTMLExporter().from_notebook_node(notebook)
            page.write_text(html, encoding="utf-8")
            notebooks.append(path)
            pages.append(page)
    return Solutions(notebooks, pages)

"""The course pages: the syllabus and every assignment's student version.

The student version is what nbgrader releases: ``release(course, workdir)`` copies
``course/source`` into a scratch course directory, reads ``course/nbgrader_config.py``
when there is one (so the stubs are the course's own), and runs nbgrader's
``generate_assignment`` (its Python API, a real SQLite gradebook in the scratch folder)
for every assignment. Each released notebook is converted to Markdown with nbconvert:
never the source, never a solution.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from passerelle.apps.site.markdown import repository_paths, table

CONFIG = "nbgrader_config.py"


class CourseBuildError(RuntimeError):
    """nbgrader could not release an assignment (its log says why)."""


@dataclass
class Notebook:
    """A released notebook as a page: its path in the site, title, Markdown and files."""

    assignment: str
    path: str
    title: str
    markdown: str
    files: dict[str, bytes] = field(default_factory=dict)


def assignments(course: Path) -> list[str]:
    """The assignments of ``course/source`` (folders holding a notebook), sorted."""
    source = Path(course) / "source"
    if not source.is_dir():
        return []
    return sorted(p.name for p in source.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


@contextmanager
def _environment_first_on_path():
    """nbgrader runs ``alembic`` from PATH: put this environment's ``bin/`` first."""
    before = os.environ.get("PATH", "")
    os.environ["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), before])
    try:
        yield
    finally:
        os.environ["PATH"] = before


def release(course: Path, workdir: Path) -> Path:
    """Release every assignment of ``course`` into ``workdir``; the release folder."""
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    course, root = Path(course), Path(workdir) / "course"
    shutil.copytree(course / "source", root / "source")
    config = Config()
    if (course / CONFIG).exists():
        config.merge(PyFileConfigLoader(CONFIG, path=str(course)).load_config())
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    coursedir = CourseDirectory(config=config)
    api = NbGraderAPI(coursedir=coursedir, config=config)
    with _environment_first_on_path():
        for name in assignments(course):
            result = api.generate_assignment(name, force=True, create=True)
            if not result["success"]:
                raise CourseBuildError(f"course/source/{name}: nbgrader generate_assignment "
                                       f"failed:\n{result.get('log', '')}{result.get('error', '')}")
    return root / "release"


LIST_ITEM = re.compile(r"^\s{0,3}([-*+]|\d+[.)])\s")


def commonmark_lists(markdown: str) -> str:
    r"""A blank line before a list that follows a paragraph line: Jupyter (CommonMark)
    starts the list there, Python-Markdown would run it into the paragraph. Code fences
    are left alone.

    Examples
    --------
    >>> commonmark_lists("Vous saurez :\n1. lire\n2. compter")
    'Vous saurez :\n\n1. lire\n2. compter'
    """
    lines, fenced, previous = [], False, ""
    for line in markdown.splitlines():
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif (not fenced and LIST_ITEM.match(line) and previous.strip()
              and not LIST_ITEM.match(previous) and not previous.startswith((" ", "\t"))):
            lines.append("")
        lines.append(line)
        previous = line
    return "\n".join(lines)


def _title(markdown: str, fallback: str) -> str:
    for line in markdown.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return fallback


def notebooks(course: Path, workdir: Path) -> list[Notebook]:
    """Every released notebook of ``course`` as Markdown (pages under ``course/``)."""
    if not assignments(course):
        return []
    from nbconvert import MarkdownExporter

    released = release(course, workdir)
    exporter = MarkdownExporter()
    pages = []
    for name in assignments(course):
        for notebook in sorted((released / name).glob("*.ipynb")):
            files_dir = f"{notebook.stem}_files"
            markdown, resources = exporter.from_filename(
                str(notebook), resources={"output_files_dir": files_dir})
            files = {f"course/{name}/{file}": data
                     for file, data in resources.get("outputs", {}).items()}
            markdown = commonmark_lists(markdown)
            pages.append(Notebook(name, f"course/{name}/{notebook.stem}.md",
                                  _title(markdown, notebook.stem), markdown, files))
    return pages


def index(course: Path, pages: list[Notebook], instructors: str | None) -> str:
    """The course's home page (French): the syllabus when there is one, then the
    assignments' student versions."""
    syllabus = Path(course) / "syllabus.md"
    parts = ([repository_paths(syllabus.read_text(encoding="utf-8").strip(), "course"), ""]
             if syllabus.exists() else
             ["# Le cours", "",
              "Travaux pratiques d'épidémiologie de l'accès aux soins avec Passerelle, pour "
              "des étudiantes et étudiants qui n'ont jamais programmé : chaque séance est un "
              "notebook Jupyter à ouvrir dans JupyterLab, avec ses données personnelles."])
    parts += ["", "## Travaux pratiques", "",
              "Version étudiante de chaque notebook, telle que nbgrader la distribue (sans "
              "les solutions ni les tests cachés).", ""]
    if pages:
        parts.append(table(["séance", "notebook"],
                           [[f"`{p.assignment}`", f"[{p.title}]({p.path.removeprefix('course/')})"]
                            for p in pages]))
    else:
        parts.append("Aucun travail pratique n'est encore publié.")
    if instructors:
        parts += ["", f"Enseignantes et enseignants : voir [le guide]({instructors})."]
    return "\n".join(parts) + "\n"

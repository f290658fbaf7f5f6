"""An nbgrader course directory, opened through nbgrader's Python API.

The course folder holds ``nbgrader_config.py`` and ``source/<assignment>/``; nbgrader writes
``release/``, ``submitted/``, ``autograded/``, ``feedback/`` and ``gradebook.db`` (SQLite) beside
them. Every nbgrader call goes through :meth:`Course.api`, which loads the course's configuration
and puts this environment's ``bin/`` first on ``PATH`` (nbgrader runs ``alembic`` from ``PATH``
when it creates a gradebook).
"""

from __future__ import annotations

import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nbgrader.apps import NbGraderAPI
from nbgrader.coursedir import CourseDirectory
from sqlalchemy.exc import SAWarning
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

CONFIG_FILE = "nbgrader_config.py"


class CourseInputError(ValueError):
    """Bad input from the instructor: a file, a field, a value and what is allowed."""


def environment_first_on_path() -> None:
    """Put the running environment's ``bin/`` first on ``PATH`` (for ``alembic``, ``jupyter``)."""
    bindir = str(Path(sys.executable).parent)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if parts[0] != bindir:
        os.environ["PATH"] = os.pathsep.join([bindir, *[p for p in parts if p != bindir]])


@dataclass(frozen=True)
class Course:
    """An nbgrader course folder.

    Parameters
    ----------
    root
        The folder holding ``nbgrader_config.py`` and ``source/``.

    Examples
    --------
    >>> course = Course(Path("course"))
    >>> course.submission(course.submitted, "ab12", "tp01-non-recours").as_posix()
    'course/submitted/ab12/tp01-non-recours'
    """

    root: Path

    @property
    def source(self) -> Path:
        return self.root / "source"

    @property
    def release(self) -> Path:
        return self.root / "release"

    @property
    def submitted(self) -> Path:
        return self.root / "submitted"

    @property
    def autograded(self) -> Path:
        return self.root / "autograded"

    @property
    def feedback(self) -> Path:
        return self.root / "feedback"

    @property
    def gradebook(self) -> Path:
        return self.root / "gradebook.db"

    @staticmethod
    def submission(stage: Path, student_id: str, assignment: str) -> Path:
        """The folder of one student's assignment in a stage (submitted, autograded, ...)."""
        return stage / student_id / assignment

    def check(self) -> Course:
        """Raise :class:`CourseInputError` unless the folder is an nbgrader course."""
        if not (self.root / CONFIG_FILE).is_file():
            raise CourseInputError(f"{self.root}: no {CONFIG_FILE}: not an nbgrader course folder "
                                   "(use --cours to point at the folder holding it)")
        return self

    def assignments(self) -> list[str]:
        """Names of the assignments in ``source/``, sorted."""
        if not self.source.is_dir():
            return []
        return sorted(p.name for p in self.source.iterdir() if p.is_dir()
                      and any(p.glob("*.ipynb")))

    def notebooks(self, assignment: str) -> list[str]:
        """Notebook names (without ``.ipynb``) of an assignment's source, sorted."""
        folder = self.source / assignment
        if not folder.is_dir():
            known = ", ".join(self.assignments()) or "none"
            raise CourseInputError(f"{self.source}: no assignment {assignment!r} "
                                   f"(found: {known})")
        return sorted(p.stem for p in folder.glob("*.ipynb"))

    def config(self, overrides: dict[str, dict[str, Any]] | None = None) -> Config:
        """The course's nbgrader configuration with the root made absolute, plus overrides."""
        self.check()
        config = PyFileConfigLoader(CONFIG_FILE, path=str(self.root)).load_config()
        config.CourseDirectory.root = str(self.root.resolve())
        config.NbGraderAPI.log_level = "WARN"
        for section, values in (overrides or {}).items():
            for key, value in values.items():
                config[section][key] = value
        return config

    def api(self, overrides: dict[str, dict[str, Any]] | None = None) -> NbGraderAPI:
        """nbgrader's Python API on this course (its real SQLite gradebook)."""
        environment_first_on_path()
        # nbgrader 0.9 with SQLAlchemy 2 warns on every submission it adds ("not in session"):
        # harmless, and it would bury the instructor's output.
        warnings.filterwarnings("ignore", category=SAWarning, module=r"nbgrader\.")
        config = self.config(overrides)
        coursedir = CourseDirectory(config=config)
        return NbGraderAPI(coursedir=coursedir, config=config)

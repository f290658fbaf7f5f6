"""JupyterLab for a student: their own copy of the released assignments, served on 127.0.0.1.

The copy lives in ``<folder>/<student_id>/<assignment>/``, the layout nbgrader grades under, so
a notebook's working folder names its student. The pinned JupyterLab runs with nbgrader's
student extensions (assignment list, the Validate button); the instructor's formgrader and
course list are switched off in a student's server.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from passerelle.course.nbgrader_course import Course, CourseInputError
from passerelle.course.roster import check_student_id

HOST = "127.0.0.1"
STUDENT_EXTENSIONS = {
    "nbgrader.server_extensions.formgrader": False,
    "nbgrader.server_extensions.course_list": False,
    "nbgrader.server_extensions.assignment_list": True,
    "nbgrader.server_extensions.validate_assignment": True,
}


def student_copy(course: Course, student_id: str, folder: Path) -> Path:
    """Copy every released assignment into ``folder/<student_id>/`` (existing files are kept).

    Examples
    --------
    >>> student_copy(Course(Path("course")), "ab123456", Path("mes-tp"))  # doctest: +SKIP
    PosixPath('mes-tp/ab123456')
    """
    check_student_id(student_id, "--matricule")
    if not course.release.is_dir() or not any(course.release.iterdir()):
        raise CourseInputError(f"{course.release}: no released assignment: run "
                               "'passerelle course generate <assignment>' first")
    home = folder / student_id
    for released in sorted(p for p in course.release.iterdir() if p.is_dir()):
        shutil.copytree(released, home / released.name, dirs_exist_ok=True,
                        copy_function=_copy_new)
    return home


def _copy_new(source: str, target: str) -> None:
    if not Path(target).exists():
        shutil.copy2(source, target)


@dataclass(frozen=True)
class LabServer:
    """How to start the student's JupyterLab (or a bare Jupyter server, for tests)."""

    root: Path
    port: int = 8888
    token: str | None = None
    open_browser: bool = True

    def command(self, application: str = "lab") -> list[str]:
        """The command line (``application``: ``lab`` or ``server``).

        Examples
        --------
        >>> LabServer(Path("mes-tp"), port=9999, token="t").command()[1:4]
        ['-m', 'jupyterlab', '--ServerApp.ip=127.0.0.1']
        """
        module = {"lab": "jupyterlab", "server": "jupyter_server"}[application]
        cmd = [sys.executable, "-m", module, f"--ServerApp.ip={HOST}",
               f"--ServerApp.port={self.port}", "--ServerApp.port_retries=0",
               f"--ServerApp.root_dir={self.root.resolve()}",
               f"--ServerApp.jpserver_extensions={STUDENT_EXTENSIONS!r}"]
        if self.token is not None:
            cmd.append(f"--IdentityProvider.token={self.token}")
        if not self.open_browser:
            cmd.append("--no-browser")
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")  # containers and CI machines run as root
        return cmd

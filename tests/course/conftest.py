"""A course directory made with nbgrader's Python API: the source notebooks and their release."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pytest

from passerelle.course.assignments import NAMES
from passerelle.course.stubs import CODE_STUB, TEXT_STUB

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO / "course" / "source"


@pytest.fixture(scope="session")
def released(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tmp course whose ``release/`` nbgrader generated from ``course/source`` (minimal
    config: the French stubs; the course's own nbgrader_config.py sets the same)."""
    from nbgrader.apps import NbGraderAPI
    from traitlets.config import Config

    # nbgrader runs ``alembic`` from PATH when it opens the gradebook.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"
    root = tmp_path_factory.mktemp("course")
    shutil.copytree(SOURCE, root / "source")
    config = Config()
    config.CourseDirectory.root = str(root)
    config.ClearSolutions.code_stub = {"python": CODE_STUB}
    config.ClearSolutions.text_stub = TEXT_STUB
    api = NbGraderAPI(config=config)
    for name in NAMES:
        result = api.generate_assignment(name, force=True)
        assert result["success"], result.get("error") or result.get("log")
    return root

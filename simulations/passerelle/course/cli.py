"""``passerelle course …``: the course's commands (the instructor's workflow registers its own
on this sub-app)."""

from __future__ import annotations

import typer

from passerelle.course.instructor_cli import register

app = typer.Typer(help="The nbgrader course: audit its tests, grade, give feedback.",
                  no_args_is_help=True, add_completion=False)
register(app)

"""The ``passerelle`` command line: the typer app and its entry point. The commands live in
the modules beside this one; the model, pandas and the progress bar load inside them, so
``passerelle --help`` answers at once."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from passerelle.apps.cli.calibration import calibrate
from passerelle.apps.cli.failures import OneLineErrors
from passerelle.apps.cli.goals import bench, targets
from passerelle.apps.cli.hta import psa, sensitivity
from passerelle.apps.cli.listings import measures, params
from passerelle.apps.cli.runs import run, scenarios, validate
from passerelle.apps.cli.studies import compare, evaluate, sweep
from passerelle.apps.cli.terminal import console, errors
from passerelle.course.cli import app as course_app
from passerelle.datasets.cli import app as datasets_app

app = typer.Typer(cls=OneLineErrors, help="Simulate access to care in Belgium, with and "
                  "without facilitators and unconditional centres.", no_args_is_help=True,
                  add_completion=False)
app.add_typer(datasets_app, name="datasets")
app.add_typer(course_app, name="course")


def _version(shown: bool) -> None:
    # importlib.metadata (with email and zipfile) would add a tenth of the time of --help.
    from importlib.metadata import version

    if shown:
        console.print(f"passerelle {version('passerelle')}", highlight=False)
        raise typer.Exit()


@app.callback()
def passerelle(
    show_version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True,
        help="print the version and exit")] = False,
) -> None:
    """Simulate access to care in Belgium, with and without facilitators and unconditional
    centres."""


for command in (run, scenarios, validate, params, measures, targets, calibrate, sweep, compare,
                evaluate, psa, sensitivity, bench):
    app.command()(command)


def main() -> None:
    """Entry point: large temporaries stay on the heap (see ``passerelle.engine.heap``)."""
    from passerelle.engine.heap import keep_heap

    keep_heap()
    try:
        app()
    except KeyboardInterrupt:
        errors.print("interrupted")
        sys.exit(130)

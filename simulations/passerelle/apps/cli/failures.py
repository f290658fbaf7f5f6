"""Bad input on the command line as one line on stderr and exit code 2, no traceback: usage
errors, an output folder that cannot be written, a scenario that does not check."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.markup import escape
from typer._click.exceptions import NoArgsIsHelpError, UsageError
from typer.core import TyperGroup

from passerelle.apps.cli.terminal import errors
from passerelle.datasets.cli import fail
from passerelle.engine.output_folder import OutputError
from passerelle.engine.output_folder import check as check_output

if TYPE_CHECKING:
    from passerelle.config.scenario import Scenario
    from passerelle.engine.plan import ScenarioError


class OneLineErrors(TyperGroup):
    """Usage errors (a bad option value, a missing argument, an unknown command) as one
    line, ``error: passerelle <command>: <what is wrong>``, exit code 2, rather than
    click's boxed panel with the usage text. (Typer 0.29 parses with its own copy of
    click, ``typer._click``: its exceptions are those raised.)"""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except UsageError as error:
            _usage(error)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except UsageError as error:
            _usage(error)


def _usage(error: UsageError) -> NoReturn:
    if isinstance(error, NoArgsIsHelpError):
        raise error
    where = error.ctx.command_path if error.ctx is not None else "passerelle"
    fail(f"{where}: {' '.join(error.format_message().split())}", error.exit_code)


def checked_output(out: Path, replace: bool = True) -> Path:
    """``out`` checked before any work (see ``passerelle.engine.output_folder.check``)."""
    try:
        return check_output(out, replace=replace)
    except OutputError as error:
        fail(str(error))


def checked_scenario(scenario: str, overrides: list[str]) -> Scenario:
    """The scenario, checked as a run would check it (the same check for ``validate`` and
    ``run``: values, modules and their requirements, and that the run fits in memory)."""
    from passerelle.config.memory import check_fits
    from passerelle.config.scenario import load
    from passerelle.engine.plan import ScenarioError

    try:
        chosen = load(scenario, overrides)
        check_fits(chosen)
        return chosen
    except ScenarioError as error:
        invalid(error)


def invalid(error: ScenarioError) -> NoReturn:
    """Print a scenario's problems (a single one on the line of its heading), exit 2."""
    # The message holds [section] names: print it as text, not markup, and unwrapped.
    text = str(error)
    if len(error.problems) == 1:
        text = " ".join(line.strip() for line in text.splitlines())
    errors.print("[red]error:[/red]", escape(text), highlight=False, soft_wrap=True)
    raise typer.Exit(2)


@contextmanager
def sweep_failures() -> Iterator[None]:
    """A scheduler that cannot be reached (exit code 2) or runs that failed (exit code 1),
    as one line: what every command on the sweep machinery says of them."""
    from passerelle.apps.sweep import SchedulerError, SweepError

    try:
        yield
    except SchedulerError as error:
        fail(str(error))
    except SweepError as error:
        fail(str(error), code=1)


def checked_posterior(posterior: Path) -> Path:
    """The posterior ensemble file ``--posterior`` names (the word ``built-in``: the built-in
    scenarios' calibration), or a one-line error when there is no such file or it is not a
    posterior; a warning on stderr when its calibration did not converge."""
    from passerelle.apps.calibration.ensemble import CalibrationError, read_posterior
    from passerelle.config.scenario_files import locate_posterior

    path = locate_posterior(posterior)
    if not path.is_file():
        fail(f"--posterior {posterior}: no such file; give passerelle calibrate's "
             "posterior.parquet, or built-in")
    try:
        _, meta = read_posterior(path)
    except CalibrationError as error:
        fail(str(error))
    if meta.get("epsilon", 0.0) > 1:
        errors.print(f"warning: {path}: the calibration did not converge (tolerance "
                     f"{meta['epsilon']:.2f} > 1): its parameter sets may put a calibration "
                     "target outside its band", markup=False, highlight=False, soft_wrap=True)
    return path

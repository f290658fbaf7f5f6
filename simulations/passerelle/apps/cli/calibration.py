"""``passerelle calibrate``: ABC-SMC calibration of the free parameters against the
calibration targets, on Dask, resumable, with a posterior ensemble and its report."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from passerelle.apps.cli.terminal import console, progress_bar
from passerelle.datasets.cli import fail


def calibrate(
    out: Annotated[Path, typer.Option("--out", help="calibration folder (resumed when it "
                                      "holds one with the same options)")] = Path(
        "results/calibration"),
    parameters: Annotated[list[str] | None, typer.Option(
        "--parameter", help="a free parameter to fit (repeatable; default: all of them, "
        "see passerelle.apps.calibration.priors)")] = None,
    particles: Annotated[int, typer.Option(min=10, help="parameter sets per generation "
                                           "(the posterior ensemble's size)")] = 100,
    generations: Annotated[int, typer.Option(min=1, help="at most this many generations")
                           ] = 6,
    population: Annotated[int, typer.Option(min=1_000, help="people in each simulation")
                          ] = 20_000,
    months: Annotated[int, typer.Option(min=24, help="months of each simulation")] = 120,
    max_runs: Annotated[int, typer.Option("--max-runs", min=1, help="stop after this many "
                                          "simulated parameter sets")] = 20_000,
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="address of a Dask scheduler (default: a local cluster)")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, help="processes of the local cluster (default: one per core)")
    ] = None,
) -> None:
    """Fit the free parameters to the calibration targets by ABC-SMC (pyabc) on Dask.

    Writes OUT/posterior.parquet (the posterior ensemble with the code version, targets and
    priors in its metadata) and OUT/report/index.md (marginals, correlated pairs, which
    parameters are not identified). An interrupted calibration resumes from OUT/abc.db."""
    from passerelle.apps.calibration.abc import POSTERIOR, Settings
    from passerelle.apps.calibration.abc import calibrate as run_calibration
    from passerelle.apps.calibration.ensemble import CalibrationError, read_posterior
    from passerelle.apps.calibration.report import write_report
    from passerelle.apps.sweep import SchedulerError

    settings = Settings(parameters=tuple(parameters or ()), population=population,
                        months=months, particles=particles, generations=generations,
                        max_runs=max_runs)
    try:
        settings.priors()
        settings.chosen_targets()
    except ValueError as error:
        fail(str(error))
    if out.exists() and not out.is_dir():
        fail(f"--out {out}: a file is there; give a folder")

    def advance(done: int, total: int, epsilon: float) -> None:
        bar.update(task, completed=done, total=total,
                   description=f"generations (tolerance {epsilon:.3g})")

    with progress_bar("generations") as bar:
        task = bar.add_task("generations", total=generations)
        try:
            run_calibration(out, settings, scheduler=scheduler, workers=workers,
                                        progress=advance)
        except (CalibrationError, SchedulerError) as error:
            fail(str(error))
        except KeyboardInterrupt:
            bar.stop()
            fail(f"interrupted: finished generations are kept in {out / 'abc.db'}; run the "
                 "same command again to resume", code=130)
    ensemble, meta = read_posterior(out / POSTERIOR)
    page = write_report(ensemble, meta, out / "report")
    console.print(f"{len(ensemble)} parameter sets in {out / POSTERIOR}; report {page}",
                  highlight=False)

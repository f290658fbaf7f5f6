"""The health-technology-assessment commands: ``psa`` (probabilistic sensitivity analysis on
the Dask sweep machinery) and ``sensitivity`` (Morris screening, then Sobol indices)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from passerelle.apps.cli.failures import (
    checked_output,
    checked_posterior,
    checked_scenario,
    sweep_failures,
)
from passerelle.apps.cli.options import Months, Population, overrides
from passerelle.apps.cli.terminal import console, progress_bar, text_table
from passerelle.datasets.cli import fail

Scenarios = Annotated[list[str] | None, typer.Argument(
    help="scenarios, the first the reference (default: baseline facilitators centres "
    "facilitators+centres)")]
DEFAULT_SCENARIOS = ["baseline", "facilitators", "centres", "facilitators+centres"]
Start = Annotated[str, typer.Option("--start", help="first reported month, YYYY-MM")]
# The default horizon of an evaluation (first reported month, months): the five years
# 2021-2025, from the year the facilitators start (chw_first_in_post, 2021-06) to the end
# of the built-in scenarios; the centres, open since 2017-10, are then evaluated over five
# years of running, their earlier years in the burn-in. The 2016-2020 months would add 70%
# to each run and nothing to the facilitators' differences.
HORIZON_START, HORIZON_MONTHS = "2021-01", 60
# People simulated per PSA draw: at 10,000 the 1,000-draw PSA took 27 minutes on 2 cores
# (one run, 2026-12-02) and the Monte Carlo share of the variance over draws is 1% for the
# centres' QALYs gained and 16% for their incremental cost; a 20,000-person run costs about
# 1.3 times as much, which would take the PSA past 30 minutes (docs/*/economics.md).
PSA_POPULATION = "10000"
# Draws run twice to measure the Monte Carlo error of one draw: the variance estimate from
# m pairs has a relative standard error of sqrt(2/m), 22% at 40 (assumption: enough to tell
# a share of 10% from one of 50%), for 4% more runs on 1,000 draws.
REPLICATED_DRAWS = 40


def _settings(population, months, start) -> list[str]:
    return [*overrides(population, months, None, None), f'run.start="{start}"']


def _checked(scenarios: list[str] | None, settings: list[str]) -> list[str]:
    chosen = list(scenarios or DEFAULT_SCENARIOS)
    if len(chosen) < 2:
        fail("give a reference and at least one other scenario")
    for name in chosen:
        checked_scenario(name, settings)
    return chosen


def _number(value) -> str:
    from passerelle.engine.numbers import number

    return value if isinstance(value, str) else number(float(value))


def psa(
    scenarios: Scenarios = None,
    draws: Annotated[int, typer.Option("--draws", min=2, help="parameter draws")] = 1000,
    population: Population = PSA_POPULATION,
    months: Months = HORIZON_MONTHS,
    start: Start = HORIZON_START,
    seed: Annotated[int, typer.Option("--seed", min=0, help="seed of the draws")] = 1,
    replicates: Annotated[int, typer.Option(
        "--replicates", min=0, help="draws run a second time on another seed, to measure "
        "the Monte Carlo error of one draw at the draws' own parameters (0: none)")
    ] = REPLICATED_DRAWS,
    out: Annotated[Path, typer.Option("--out", help="output folder")] = Path("results/psa"),
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="address of a Dask scheduler (default: a local cluster)")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, help="processes of the local cluster (default: one per core)")
    ] = None,
    posterior: Annotated[Path | None, typer.Option(
        "--posterior", help="also draw the calibration's free parameters jointly from this "
        "posterior ensemble (passerelle calibrate's posterior.parquet, or built-in)")] = None,
) -> None:
    """Probabilistic sensitivity analysis: every uncertain parameter drawn from its
    distribution (and, with --posterior, the calibrated ones from a calibration's
    posterior), every scenario on each draw (common random numbers within a draw), on
    Dask; writes the CE plane, acceptability curves, frontier, EVPI and EVPPI (tables and
    plots) from each perspective to OUT/health_care_payer and OUT/societal. Resumable: runs
    already in OUT are kept."""
    import time

    from passerelle.apps.psa import (
        DRAWS_FOLDER,
        MONTE_CARLO_FOLDER,
        PsaPlan,
        outcomes,
        run_psa,
        uncertain,
    )
    from passerelle.apps.psa import draws as draw_table
    from passerelle.apps.psa_analysis import plot, report
    from passerelle.engine.payers import PERSPECTIVES

    settings = _settings(population, months, start)
    chosen = _checked(scenarios, settings)
    checked_output(out, replace=False)
    table = draw_table(uncertain(chosen), draws, seed)
    if posterior is not None:
        table = _with_posterior(table, posterior, seed)
    plan = PsaPlan(tuple(chosen), table, tuple(settings))
    began = time.perf_counter()
    with progress_bar("runs") as bar:
        task = bar.add_task("runs", total=None)
        try:
            with sweep_failures():
                run_psa(plan, out, replicates, client=scheduler, workers=workers,
                        progress=lambda done, total: bar.update(task, completed=done,
                                                                total=total))
        except KeyboardInterrupt:
            bar.stop()
            fail(f"interrupted: the runs done are kept in {out}; run the same command again "
                 "to compute the others", code=130)
    seconds = time.perf_counter() - began
    found = outcomes(out / DRAWS_FOLDER)
    monte_carlo = (outcomes(out / MONTE_CARLO_FOLDER, plan.replicates(replicates))
                   if replicates else None)
    for perspective in PERSPECTIVES.values():
        frames = report(plan.draws, found, chosen, monte_carlo, perspective=perspective)
        folder = out / perspective.key
        folder.mkdir(exist_ok=True)
        for name, frame in frames.items():
            frame.to_csv(folder / f"{name}.csv", index=name == "acceptability")
        plot(frames, folder)
        _print_psa(frames, perspective)
    console.print(f"{len(plan.draws)} draws × {len(chosen)} scenarios in {seconds:.0f} s; "
                  f"tables and plots in {out}/<perspective>", highlight=False)


def _with_posterior(table, posterior: Path, seed: int):
    """The draws with the posterior's parameters, or a one-line error."""
    from passerelle.apps.calibration.ensemble import CalibrationError
    from passerelle.apps.psa import with_posterior

    path = checked_posterior(posterior)
    try:
        return with_posterior(table, path, seed)
    except CalibrationError as error:
        fail(str(error))


# Short headings of error.csv's columns, so that the terminal table keeps every column.
ERROR_COLUMNS = {"sd over draws": "sd", "monte carlo sd of one draw": "MC sd",
                 "monte carlo share of variance": "MC share", "replicated draws": "pairs"}


def _print_psa(frames, perspective) -> None:
    from passerelle.apps.psa_analysis import HEADLINE_WTP

    seen = f"{perspective.name} perspective ({perspective.scope})"
    at = frames["acceptability"].loc[HEADLINE_WTP]
    console.print(text_table(frames["strategies"][["name", "cost", "effect", "status",
                                                   "icer"]].map(_number),
                             f"Strategies: mean discounted cost (EUR) and QALYs, frontier; "
                             f"{seen}"))
    console.print(text_table(at.rename_axis("scenario").rename("probability").reset_index()
                             .map(_number),
                             f"Probability cost-effective at EUR {HEADLINE_WTP:,.0f}/QALY, "
                             f"{perspective.name} perspective"))
    evpi = frames["evpi"].set_index("wtp").loc[HEADLINE_WTP, "evpi"]
    console.print(f"EVPI at EUR {HEADLINE_WTP:,.0f}/QALY, {perspective.name} perspective: "
                  f"EUR {_number(max(evpi, 0.0))} (population, reported period)",
                  highlight=False)
    if "error" in frames:
        error = frames["error"].drop(columns="perspective").rename(columns=ERROR_COLUMNS)
        pairs = int(error.pop("pairs").iloc[0])
        error["measure"] = error["measure"].map(
            {"incremental cost (EUR)": "cost, EUR", "incremental QALYs": "QALYs"})
        error["MC share"] = [f"{share:.0%}" for share in error["MC share"]]
        console.print(text_table(error.map(_number),
                                 "Monte Carlo error of one draw against the spread over "
                                 f"draws, increments on the reference ({pairs} draws run "
                                 f"twice); {perspective.name} perspective"))


def sensitivity(
    scenarios: Annotated[list[str] | None, typer.Argument(
        help="scenarios, the first the reference (default: baseline facilitators centres)")
    ] = None,
    measure: Annotated[str, typer.Option(
        "--measure", help="output ranked: cost_per_qaly, incremental_cost, qalys_gained or "
        "net_benefit")] = "cost_per_qaly",
    trajectories: Annotated[int, typer.Option("--trajectories", min=2,
                                              help="Morris trajectories")] = 4,
    top: Annotated[int, typer.Option("--top", min=1, help="parameters kept for Sobol "
                                     "indices and the tornado")] = 5,
    sobol_n: Annotated[int, typer.Option(
        "--sobol-n", min=0, help="Saltelli base sample of the Sobol indices, a power of 2 "
        "(0: none)")] = 0,
    population: Population = "5000",
    months: Months = HORIZON_MONTHS,
    start: Start = HORIZON_START,
    seed: Annotated[int, typer.Option("--seed", min=0, help="the common seed of every "
                                      "point")] = 1,
    perspective: Annotated[str, typer.Option(
        "--perspective", help="whose costs: health_care_payer or societal")
    ] = "health_care_payer",
    out: Annotated[Path, typer.Option("--out", help="output folder")] = Path(
        "results/sensitivity"),
    scheduler: Annotated[str | None, typer.Option(
        "--scheduler", help="address of a Dask scheduler (default: a local cluster)")] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", min=1, help="processes of the local cluster (default: one per core)")
    ] = None,
) -> None:
    """Global sensitivity analysis with SALib: Morris screening of every uncertain
    parameter, a tornado of the TOP that matter and, with --sobol-n, their Sobol indices;
    names the parameters that drive each intervention's MEASURE."""
    from passerelle.apps.psa import uncertain
    from passerelle.apps.sensitivity import (
        MEASURES,
        ModelOutputs,
        drivers,
        plot_tornado,
        ranked,
        screen,
        sobol_of_model,
    )
    from passerelle.apps.sensitivity import tornado as one_way
    from passerelle.engine.payers import PERSPECTIVES

    if measure not in MEASURES:
        fail(f"--measure {measure!r} is not one of {', '.join(MEASURES)}")
    if perspective not in PERSPECTIVES:
        fail(f"--perspective {perspective!r} is not one of {', '.join(PERSPECTIVES)}")
    if sobol_n and sobol_n & (sobol_n - 1):
        fail(f"--sobol-n {sobol_n} is not a power of 2 (Saltelli's design needs one)")
    settings = _settings(population, months, start)
    chosen = _checked(scenarios or DEFAULT_SCENARIOS[:3], settings)
    checked_output(out, replace=False)
    model = ModelOutputs(chosen, uncertain(chosen), settings, out, seed, scheduler, workers,
                         PERSPECTIVES[perspective])
    with sweep_failures():
        with progress_bar("Morris screening") as bar:
            bar.add_task("Morris screening", total=None)
            indices = screen(model, trajectories, seed)
        for (scenario, name), table in indices.items():
            table.rename_axis("parameter").reset_index().assign(
                scenario=scenario, measure=name).to_csv(
                    out / f"morris-{scenario}-{name}.csv", index=False)
        ranking = ranked(indices, chosen[1:], measure, top)
        leaders = sorted(set(ranking.parameter))
        tornado = one_way(model, leaders)
        tornado.to_csv(out / "tornado.csv", index=False)
        plot_tornado(tornado, measure, out, model.perspective)
        sobol = sobol_of_model(model, leaders, sobol_n, seed) if sobol_n else {}
    for (scenario, name), table in sobol.items():
        table.rename_axis("parameter").reset_index().to_csv(
            out / f"sobol-{scenario}-{name}.csv", index=False)
    ranking.assign(perspective=model.perspective.name).to_csv(out / "drivers.csv",
                                                              index=False)
    console.print(text_table(ranking.map(_number), f"The {top} parameters that drive each "
                             f"intervention's {measure}, {model.perspective.name} "
                             "perspective (Morris mu*)"))
    for sentence in drivers(ranking, measure, model.perspective):
        console.print(sentence, highlight=False)
    console.print(f"Morris, tornado{' and Sobol' if sobol else ''} tables and plots in {out}",
                  highlight=False)

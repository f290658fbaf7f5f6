"""``passerelle bench``: every figure is a rate or a ratio measured in this process.

(a) The full baseline model on ``full_people`` Brussels people: agent-months per second
    and peak bytes per simulated person (numpy allocations, traced on two runs as long as
    the timed one: the growth of the peak from half the people to all of them, per person
    added, since the result tables (months × cells × measures) do not grow with people;
    they are reported apart, in MB).
(b) The reference model on the Passerelle engine against the same model in plain numpy:
    time ratio (goal: at most 1.5).
(c) With the ``bench`` extra: Starsim and Mesa on the same model, as speed-ups of the
    engine over them (goal: at least 2 over Starsim). Mesa runs on fewer people (one
    Python object each) and is compared by agent-months per second.
(d) The cost of realism: the full model's time per agent-month over plain numpy's on the
    reference model (goal: at most 8), each module's share of the full model's time (where
    to fuse passes next), and bytes per person of each module's columns.
(e) Start-up (:mod:`passerelle.bench.startup`), sweeps and the store
    (:mod:`passerelle.bench.sweeps`), Belgium's full population (:mod:`passerelle.bench.belgium`,
    minutes; ``belgium=False`` leaves it out).

Each timing is the best of ``repeats`` runs after a warm-up, to keep ratios stable on a
shared machine. ``goals`` gives each figure that has a goal with its goal and whether it
is met.
"""

from __future__ import annotations

import importlib.util
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass

from passerelle.bench import belgium as national
from passerelle.bench import passerelle_engine, plain_numpy, startup, sweeps
from passerelle.config.scenario import load
from passerelle.engine.sim import Sim

REFERENCE_PEOPLE = 1_000_000
MESA_PEOPLE = 20_000
REALISM = "cost of realism: full-model time per agent-month / numpy reference's"


@dataclass(frozen=True)
class Goal:
    """A figure's goal (issue 15): at most ``most`` or at least ``least``."""

    figure: str
    most: float | None = None
    least: float | None = None

    def met(self, value: float) -> bool:
        """Whether ``value`` meets the goal."""
        return (self.most is None or value <= self.most) and (
            self.least is None or value >= self.least)

    def __str__(self) -> str:
        return f"≤ {self.most:g}" if self.most is not None else f"≥ {self.least:g}"


GOALS = (
    Goal(REALISM, most=8),
    Goal("full model: peak bytes per person", most=150),
    Goal("reference: engine time / numpy time", most=1.5),
    Goal("reference: starsim time / engine time", least=2),
    Goal(startup.IMPORT, most=0.3),
    Goal(startup.HELP, most=0.5),
    Goal(startup.FIRST_RUN, most=1.5),
    Goal(sweeps.SPEED_UP, least=1.8),
    Goal(sweeps.QUERY, most=1.0),
    Goal(national.WALL, most=90),
    Goal(national.PEAK, most=2.5),
)


def _best(run: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return min(times)


def full_model(people: int, months: int) -> dict[str, float]:
    """Agent-months per second and peak bytes per person of the full baseline."""
    scenario = load("baseline", [f"population.size={people}", f"run.months={months}"])
    sim = Sim(scenario)
    results = sim.run()
    half = people // 2
    (half_peak, _), (peak, traced) = traced_peak(half, months), traced_peak(people, months)
    per_person = (peak - half_peak) / (people - half)
    return {
        "full model: people": float(people),
        "full model: months (with burn-in)": float(months + scenario.run.burn_in),
        "full model: seconds": results.seconds,
        "full model: agent-months per second": results.agent_months / results.seconds,
        "full model: peak bytes per person": per_person,
        "full model: peak MB beside people (result tables)": (peak - per_person * people) / 1e6,
        **step_shares(sim),
        **column_bytes(traced, people),
    }


def step_shares(sim: Sim) -> dict[str, float]:
    """Each module's share (0-1) of the run's time, largest first; what is left (setup,
    regrouping cells) is ``other``."""
    shares = {name: seconds / sim.seconds for name, seconds in sorted(
        sim.step_seconds.items(), key=lambda item: -item[1])}
    shares["other"] = 1 - sum(shares.values())
    return {f"profile: {name} share of the full model's time": share
            for name, share in shares.items()}


def traced_peak(people: int, months: int) -> tuple[int, Sim]:
    """Peak bytes numpy allocates in a run of the baseline on ``people`` for ``months``
    months after its burn-in, and the run: the whole run, because the people who arrive
    during it take room too (before the rows kept room for a run's arrivals, 12-month runs
    showed 188 bytes a person where a 144-month run took 324)."""
    traced = Sim(load("baseline", [f"population.size={people}", f"run.months={months}"]))
    tracemalloc.start()
    try:
        traced.run()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak, traced


def column_bytes(sim: Sim, people: int) -> dict[str, float]:
    """Bytes per person of the state columns, by the module that declares them (spare rows
    for newcomers included; ``population`` holds the columns every person is drawn with)."""
    owner = {column.name: module.name for module in sim.modules for column in module.columns}
    per_module: dict[str, float] = {}
    for column in sim.people.columns:
        name = owner.get(column.name, "population")
        nbytes = getattr(sim.people, column.name).itemsize * sim.people.capacity
        per_module[name] = per_module.get(name, 0.0) + nbytes / people
    return {f"memory: {name} columns, bytes per person": value
            for name, value in per_module.items()}


def reference(months: int, repeats: int = 3, log: Callable[[str], None] = print
              ) -> dict[str, float]:
    """The reference model on the engine, in numpy, and (if installed) Starsim and Mesa."""
    n = REFERENCE_PEOPLE
    passerelle_engine.run(1_000, 2, 0)
    engine = _best(lambda: passerelle_engine.run(n, months, 1), repeats)
    numpy = _best(lambda: plain_numpy.run(n, months, 1), repeats)
    report = {
        "reference: engine agent-months per second": n * months / engine,
        "reference: numpy agent-months per second": n * months / numpy,
        "reference: engine time / numpy time": engine / numpy,
    }
    if importlib.util.find_spec("starsim") is not None:
        from passerelle.bench import with_starsim

        log("reference model in Starsim…")
        with_starsim.run(1_000, 2, 0)
        starsim = _best(lambda: with_starsim.run(n, months, 1), repeats)
        report["reference: starsim agent-months per second"] = n * months / starsim
        report["reference: starsim time / engine time"] = starsim / engine
    else:
        log("Starsim is not installed (install the bench extra): skipped")
    if importlib.util.find_spec("mesa") is not None:
        from passerelle.bench import with_mesa

        log(f"reference model in Mesa ({MESA_PEOPLE:,} agents)…")
        mesa = _best(lambda: with_mesa.run(MESA_PEOPLE, months, 1), 1)
        report["reference: mesa agent-months per second"] = MESA_PEOPLE * months / mesa
        report["reference: engine speed / mesa speed"] = (n / engine) / (MESA_PEOPLE / mesa)
    else:
        log("Mesa is not installed (install the bench extra): skipped")
    return report


def measure(full_people: int = 1_000_000, months: int = 120, belgium: bool = True,
            repeats: int = 3, log: Callable[[str], None] = print) -> dict[str, float | dict]:
    """Every measurement of ``passerelle bench``, then ``goals``: each figure with a goal,
    its value, the goal and whether it is met. Sweeps run on ``full_people / 20`` people;
    timings are the best of ``repeats``."""
    log(f"full model on {full_people:,} people × {months} months…")
    report: dict[str, float | dict] = dict(full_model(full_people, months))
    log("reference model on the engine and in numpy…")
    report.update(reference(months, repeats, log=log))
    report[REALISM] = (report["reference: numpy agent-months per second"]
                       / report["full model: agent-months per second"])
    log("start-up in fresh processes…")
    report.update(startup.measure(repeats))
    log("sweeps: 8 runs on 2 workers and serially, a query over 100 runs…")
    report.update(sweeps.measure(max(full_people // 20, 1_000), repeats))
    if belgium:
        log("Belgium's full population (a few minutes)…")
        report.update(national.measure(months))
    report["goals"] = {
        goal.figure: {"value": report[goal.figure], "goal": str(goal),
                      "met": goal.met(report[goal.figure])}
        for goal in GOALS if goal.figure in report
    }
    return report

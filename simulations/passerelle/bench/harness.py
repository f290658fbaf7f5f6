"""``passerelle bench``: every figure is a rate or a ratio measured in this process.

(a) The full baseline model on ``full_people`` Brussels people: agent-months per second
    and peak bytes per simulated person (numpy allocations, traced on a shorter run).
(b) The reference model on the Passerelle engine against the same model in plain numpy:
    time ratio (goal: at most 1.5).
(c) With the ``bench`` extra: Starsim and Mesa on the same model, as speed-ups of the
    engine over them (goal: at least 2 over Starsim). Mesa runs on fewer people (one
    Python object each) and is compared by agent-months per second.

Each timing is the best of ``repeats`` runs after a warm-up, to keep ratios stable on a
shared machine.
"""

from __future__ import annotations

import importlib.util
import time
import tracemalloc
from collections.abc import Callable

from passerelle.bench import passerelle_engine, plain_numpy
from passerelle.config.scenario import load
from passerelle.engine.sim import Sim

REFERENCE_PEOPLE = 1_000_000
MESA_PEOPLE = 20_000


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
    traced = load("baseline", [f"population.size={people}", "run.months=12", "run.burn_in=0"])
    tracemalloc.start()
    Sim(traced).run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "full model: people": float(people),
        "full model: months (with burn-in)": float(months + scenario.run.burn_in),
        "full model: seconds": results.seconds,
        "full model: agent-months per second": results.agent_months / results.seconds,
        "full model: peak bytes per person": peak / people,
    }


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


def measure(full_people: int = 1_000_000, months: int = 120,
            log: Callable[[str], None] = print) -> dict[str, float]:
    """Every measurement of ``passerelle bench``."""
    log(f"full model on {full_people:,} people × {months} months…")
    report = full_model(full_people, months)
    log("reference model on the engine and in numpy…")
    report.update(reference(months, log=log))
    return report

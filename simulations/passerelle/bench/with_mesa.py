"""The reference model in Mesa 3.x (needs the ``bench`` extra).

One :class:`mesa.Agent` per person, stepped with ``model.agents.do("step")`` (people do not
interact, so activation order does not matter and no shuffle is needed); each agent draws
from the model's seeded ``random.Random``. Agents keep the model's count of open needs up
to date, as in Mesa's Schelling example, and a :class:`mesa.DataCollector` records it
after every month.
"""

from __future__ import annotations

import numpy as np

from passerelle.bench.reference import (
    P_NEED,
    P_SEEK_INSURED,
    P_SEEK_UNINSURED,
    ReferenceRun,
    check_size,
    insured_count,
)

try:
    import mesa
except ImportError as error:
    raise ImportError(
        "passerelle.bench.with_mesa needs Mesa: install the bench extra (uv sync --extra bench)"
    ) from error


class Person(mesa.Agent):
    """A person who may have an open need for care."""

    def __init__(self, model: CareModel, insured: bool):
        super().__init__(model)
        self.insured = insured
        self.p_seek = P_SEEK_INSURED if insured else P_SEEK_UNINSURED
        self.need = False

    def step(self):
        """One month: maybe develop a need, then, with a need, maybe seek care."""
        if not self.need and self.random.random() < P_NEED:
            self.need = True
            self.model.n_need += 1
        if self.need and self.random.random() < self.p_seek:
            self.need = False
            self.model.n_need -= 1


class CareModel(mesa.Model):
    """``n_people`` people, the first ``insured_count(n_people)`` of them insured."""

    def __init__(self, n_people: int, seed: int):
        super().__init__(seed=seed)
        self.n_need = 0
        insured = [True] * insured_count(n_people)
        Person.create_agents(self, n_people, insured=insured + [False] * (n_people - len(insured)))
        self.datacollector = mesa.DataCollector(model_reporters={"n_need": "n_need"})

    def step(self):
        """One month for every person, then record the number with an open need."""
        self.agents.do("step")
        self.datacollector.collect(self)


def run(n_people: int, months: int, seed: int) -> ReferenceRun:
    """Simulate ``n_people`` agents for ``months`` model steps with ``Model(seed=seed)``."""
    check_size(n_people, months)
    model = CareModel(n_people, seed)
    for _ in range(months):
        model.step()
    return ReferenceRun(np.asarray(model.datacollector.model_vars["n_need"]) / n_people)

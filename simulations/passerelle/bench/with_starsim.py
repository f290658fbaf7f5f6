"""The reference model in Starsim 3.x (needs the ``bench`` extra).

A non-communicable :class:`starsim.Disease`, ``CareNeed``, with one ``ss.bernoulli`` per
event, on a monthly timeline: no networks, no demographics, no ageing, no People-level
results, silent. Starsim's time vectors include both endpoints and it runs one step per
time point, so ``months`` months is a duration of ``months - 1`` months; the automatic
result ``n_need[ti]`` is recorded after step ``ti``, i.e. at the end of month ``ti + 1``.
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
    import starsim as ss
except ImportError as error:
    raise ImportError(
        "passerelle.bench.with_starsim needs Starsim: install the bench extra "
        "(uv sync --extra bench)"
    ) from error


class CareNeed(ss.Disease):
    """Open needs for care: they develop, and seeking care resolves them (per month)."""

    def __init__(self, pars=None, **kwargs):
        super().__init__()
        self.define_pars(
            p_need=ss.bernoulli(p=P_NEED),
            p_seek_insured=ss.bernoulli(p=P_SEEK_INSURED),
            p_seek_uninsured=ss.bernoulli(p=P_SEEK_UNINSURED),
        )
        self.update_pars(pars, **kwargs)
        self.define_states(
            ss.BoolArr("insured", label="Insured"),
            ss.BoolState("need", label="Open need for care"),
        )

    def init_post(self):
        """Insure the first ``insured_count(n)`` agents."""
        super().init_post()
        self.insured[ss.uids(np.arange(insured_count(len(self.sim.people))))] = True

    def step(self):
        """Develop new needs, then let everyone with a need seek care."""
        self.need[self.pars.p_need.filter(self.need.false())] = True
        self.need[self.pars.p_seek_insured.filter((self.need & self.insured).uids)] = False
        self.need[self.pars.p_seek_uninsured.filter((self.need & ~self.insured).uids)] = False


def run(n_people: int, months: int, seed: int, *, crn: bool = False) -> ReferenceRun:
    """Simulate ``n_people`` agents for ``months`` monthly steps with ``rand_seed=seed``.

    ``crn=False`` (the default here) switches off Starsim's common-random-number slot
    machinery, which only matters when comparing scenarios: one plain uniform per draw.
    """
    check_size(n_people, months)
    with ss.options.context(crn=crn):
        sim = ss.Sim(
            n_agents=n_people,
            start=0,
            dur=ss.months(months - 1),
            dt=ss.months(1),
            rand_seed=seed,
            use_aging=False,
            people_results=False,
            verbose=0,
            diseases=CareNeed(),
        )
        sim.run()
    return ReferenceRun(np.asarray(sim.results.careneed.n_need) / n_people)

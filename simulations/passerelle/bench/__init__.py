"""``passerelle bench``: one small reference model, several engines, agent-months per second.

The model is fixed in :mod:`passerelle.bench.reference` (with its analytic stationary
share). :mod:`~passerelle.bench.plain_numpy` is the vectorised-numpy yardstick;
:mod:`~passerelle.bench.with_starsim` and :mod:`~passerelle.bench.with_mesa` need the
``bench`` extra. Every implementation exposes ``run(n_people, months, seed) -> ReferenceRun``.
"""

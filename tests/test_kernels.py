"""Each compiled kernel and its numpy twin give the same bytes, whichever the process uses
(``passerelle.engine.kernels``): draws, first failures of a chain, counts in cells, the
cells themselves and the accrual of QALYs, on random inputs with the edges that could part
them (log-odds whose ``exp`` overflows, a probability of exactly 0 or 1, empty arrays, uids
near 2**62). A whole run's bytes are checked both ways in ``test_parallel.py``."""

from __future__ import annotations

from types import SimpleNamespace
from unittest.mock import patch

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from passerelle.engine import groups, kernels, splitmix
from passerelle.engine.random import Streams
from passerelle.modules.health import accrue

property_settings = settings(max_examples=40, deadline=None)
sizes = st.integers(min_value=0, max_value=3_000)
seeds = st.integers(min_value=0, max_value=2**63 - 1)


def both(compute):
    """``compute()`` with the numpy twins, then with the compiled kernels."""
    results = []
    for compiled in (False, True):
        with patch.object(kernels, "compiled", lambda size, c=compiled: c):
            results.append(compute())
    return results


def same(a: np.ndarray, b: np.ndarray) -> bool:
    return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()


def uids_and_logits(seed: int, n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed % 2**32)
    uids = rng.integers(0, 2**62, n)
    logits = rng.normal(0, 4, n).astype(np.float32)
    logits[::7] = rng.choice(np.array([-800, 800, 0, -30, 30], dtype=np.float32), logits[::7].size)
    return uids, logits


@property_settings
@given(seed=seeds, n=sizes)
def test_uniform_and_chance_draws(seed, n):
    streams = Streams(seed)
    uids, _ = uids_and_logits(seed, n)
    p = np.random.default_rng(seed % 2**32).random(n)
    p[::5] = 0.0
    p[1::5] = 1.0

    def draws():
        return (streams.uniform("m", "s", 300, n), streams.uniform("m", "s", 300, uids),
                streams.chance("m", "c", 300, p, n), streams.chance("m", "c", 300, 0.3, uids),
                streams.chance("m", "c", 300, p, uids))

    for twin, kernel in zip(*both(draws), strict=True):
        assert same(twin, kernel)


@property_settings
@given(seed=seeds, n=sizes)
def test_draws_given_log_odds_even_where_exp_overflows(seed, n):
    streams = Streams(seed)
    uids, logits = uids_and_logits(seed, n)
    twin, kernel = both(lambda: streams.chance_logit("m", "l", 12, logits, uids))
    assert same(twin, kernel)


@property_settings
@given(seed=seeds, n=sizes, steps=st.integers(1, 5))
def test_first_failed_step_of_a_chain(seed, n, steps):
    streams = Streams(seed)
    uids, _ = uids_and_logits(seed, n)
    rng = np.random.default_rng(seed % 2**32 + 1)
    logits = rng.normal(1, 3, (steps, n)).astype(np.float32)
    sure = rng.random(n) < 0.3
    twin, kernel = both(lambda: streams.first_failed(
        "m", [f"s{k}" for k in range(steps)], 40, logits, uids, sure))
    assert same(twin, kernel)


@property_settings
@given(seed=seeds, n=sizes)
def test_chance_among_some_people_by_category(seed, n):
    rng = np.random.default_rng(seed % 2**32)
    among, index = rng.random(n) < 0.4, rng.integers(0, 6, n).astype(np.int8)
    p = np.array([0.0, 0.1, 0.5, 0.9, 1.0, 0.33])
    twin, kernel = both(
                        lambda: Streams(seed).chance_among("m", "a", 7, among, p, index))
    assert same(twin, kernel)


@property_settings
@given(seed=st.integers(0, 2**32 - 1), n=sizes)
def test_counts_in_cells_every_way_of_naming_who(seed, n):
    rng = np.random.default_rng(seed)
    size = 37
    cell = rng.integers(0, size, n).astype(np.int32)
    mask = rng.random(n) < 0.5
    uids = rng.permutation(n)[: n // 2]
    weights = rng.random(uids.size) * 3
    each = rng.random(n)
    calls = [(None, None), (None, 0.25), (mask, None), (mask, 2.0), (uids, None),
             (uids, 0.5), (uids, weights), (mask, rng.random(int(mask.sum())))]

    def counts():
        return [groups.count_in_cells(cell, who, w, size, each=e)
                for who, w in calls for e in (None, each)]

    for twin, kernel in zip(*both(counts), strict=True):
        assert same(twin, kernel)


@property_settings
@given(seed=st.integers(0, 2**32 - 1), n=sizes)
def test_cells_of_people(seed, n):
    rng = np.random.default_rng(seed)
    grouping = groups.Grouping(tuple(f"c{k}" for k in range(19)))
    people = (rng.integers(0, 4, n).astype(np.int8), rng.random(n) < 0.2,
              rng.random(n) < 0.3, rng.integers(0, 5, n).astype(np.int8),
              rng.integers(0, 19, n).astype(np.int16), rng.integers(0, 6, n).astype(np.int8),
              rng.random(n) < 0.9)
    twin, kernel = both(lambda: grouping.cells(*people))
    assert same(twin, kernel)
    assert kernel[~people[-1]].tolist() == [grouping.size] * int((~people[-1]).sum())


@property_settings
@given(seed=st.integers(0, 2**32 - 1), n=sizes)
def test_accrual_of_qalys_and_life_years(seed, n):
    rng = np.random.default_rng(seed)
    present = np.flatnonzero(rng.random(n) < 0.8)
    band = rng.integers(0, 6, n).astype(np.int8)
    severity = rng.random(n).astype(np.float32) * 4
    survival, start = rng.random(n), rng.random((2, n))
    utility = np.array([0.94, 0.92, 0.89, 0.84, 0.80, 0.73])

    def accrued():
        qalys, years = start.copy()
        month = accrue(present, band, severity, utility, np.float32(0.3), survival, qalys,
                       years)
        return month, qalys, years

    for twin, kernel in zip(*both(accrued), strict=True):
        assert same(twin, kernel)


def test_the_twins_run_until_they_have_cost_about_what_numba_costs_to_load(monkeypatch):
    monkeypatch.setattr(kernels, "sys", SimpleNamespace(modules={}))  # numba not loaded
    monkeypatch.setattr(kernels, "_sent", 0)
    assert kernels.compiled(kernels.COMPILED_FROM)
    call = kernels.COMPILED_FROM - 1
    answers = [kernels.compiled(call) for _ in range(kernels.COMPILED_AFTER // call + 2)]
    first = answers.index(True)
    assert not any(answers[:first]) and all(answers[first:])
    assert first * call <= kernels.COMPILED_AFTER < (first + 1) * call


@pytest.mark.parametrize("size", [0, 1, 5])
def test_an_empty_or_tiny_call_goes_either_way(size):
    twin, kernel = both(lambda: Streams(1).uniform("m", "s", 0, size))
    assert same(twin, kernel) and twin.shape == (size,)


def test_the_twins_exp_is_the_one_numba_s_kernels_call():
    # numpy's own exp differs from the C library's in the last bit for about 5% of values
    # on AVX-512 machines; one such bit can turn a draw given log-odds.
    import numba

    @numba.njit
    def exp_each(x, out):
        for i in range(x.size):
            out[i] = np.exp(x[i])

    x = np.random.default_rng(3).normal(0, 8, 200_000)
    x[:4] = (-800.0, 800.0, 709.9, 0.0)
    compiled = np.empty_like(x)
    exp_each(x, compiled)
    assert same(splitmix.exp(x), compiled)

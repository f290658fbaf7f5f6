"""Counter-based random streams: ranges, determinism, common random numbers, independence.

Statistical checks use n = 200,000 draws and accept 5 standard errors of the statistic
under the null hypothesis (independent uniforms): a correct generator fails one such check
with probability below 6e-7, while a real correlation or bias of 1.2% (5/sqrt(n)) or more
is caught. The draws are a pure function of their keys, so each check is deterministic.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.stats import chi2

from passerelle.engine.random import Streams, stream_key

N = 200_000
SIGMA = 5.0

seeds = st.integers(min_value=0, max_value=2**63 - 1)
names = st.text(min_size=1, max_size=20)
months = st.integers(min_value=-5_000, max_value=5_000)
uid_lists = st.lists(st.integers(min_value=0, max_value=2**62), min_size=0, max_size=300)
probabilities = st.floats(min_value=0.0, max_value=1.0)

property_settings = settings(max_examples=60, deadline=None)


@property_settings
@given(seed=seeds, module=names, stream=names, month=months, n=st.integers(0, 5_000))
def test_uniform_lies_in_the_unit_interval(seed, module, stream, month, n):
    draws = Streams(seed).uniform(module, stream, month, n)
    assert draws.shape == (n,)
    assert np.all((draws >= 0.0) & (draws < 1.0))


@property_settings
@given(seed=seeds, module=names, month=months, uids=uid_lists)
def test_uniform_at_large_uids_lies_in_the_unit_interval(seed, module, month, uids):
    draws = Streams(seed).uniform(module, "s", month, np.array(uids, dtype=np.int64))
    assert np.all((draws >= 0.0) & (draws < 1.0))


@property_settings
@given(seed=seeds, module=names, month=months, n=st.integers(1, 3_000))
def test_chance_with_p_zero_is_never_and_p_one_is_always(seed, module, month, n):
    streams = Streams(seed)
    assert not streams.chance(module, "s", month, 0.0, n).any()
    assert streams.chance(module, "s", month, 1.0, n).all()
    uids = np.arange(0, 7 * n, 7)
    assert not streams.chance(module, "s", month, np.zeros(n), uids).any()
    assert streams.chance(module, "s", month, np.ones(n), uids).all()


@property_settings
@given(seed=seeds, module=names, stream=names, month=months, uids=uid_lists,
       others=uid_lists)
def test_a_persons_draw_does_not_depend_on_who_else_is_drawn(
    seed, module, stream, month, uids, others
):
    """Common random numbers: drawing a uid alone, with others, in any order, gives the
    same number."""
    streams = Streams(seed)
    together = np.array(uids + others, dtype=np.int64)
    shuffled = together[::-1].copy()
    both = streams.uniform(module, stream, month, together)
    reverse = streams.uniform(module, stream, month, shuffled)[::-1]
    alone = np.array([streams.uniform(module, stream, month, np.array([uid]))[0]
                      for uid in uids])
    np.testing.assert_array_equal(both, reverse)
    np.testing.assert_array_equal(both[: len(uids)], alone)


@property_settings
@given(seed=seeds, module=names, stream=names, month=months, n=st.integers(1, 2_000),
       p=probabilities)
def test_a_count_draws_the_same_as_the_uids_zero_to_n(seed, module, stream, month, n, p):
    streams = Streams(seed)
    everyone = np.arange(n, dtype=np.int64)
    np.testing.assert_array_equal(streams.uniform(module, stream, month, n),
                                  streams.uniform(module, stream, month, everyone))
    np.testing.assert_array_equal(streams.chance(module, stream, month, p, n),
                                  streams.chance(module, stream, month, p, everyone))


@property_settings
@given(seed=seeds, module=names, stream=names, month=months, uids=uid_lists)
def test_the_same_key_gives_the_same_draw_in_any_instance(seed, module, stream, month, uids):
    uids = np.array(uids, dtype=np.int64)
    streams = Streams(seed)
    first = streams.uniform(module, stream, month, uids)
    streams.uniform(module, stream + "'", month, uids)  # no hidden state advances
    np.testing.assert_array_equal(first, streams.uniform(module, stream, month, uids))
    np.testing.assert_array_equal(first, Streams(seed).uniform(module, stream, month, uids))


@property_settings
@given(seed=seeds, month=months, uids=uid_lists, p=st.lists(probabilities, min_size=300,
                                                            max_size=300))
def test_chance_is_a_uniform_draw_below_p(seed, month, uids, p):
    """So that a person's Bernoulli outcomes are monotone in p across scenarios (the draw is
    shared, only the threshold moves)."""
    streams = Streams(seed)
    uids = np.array(uids, dtype=np.int64)
    p = np.array(p[: uids.size])
    np.testing.assert_array_equal(streams.chance("m", "s", month, p, uids),
                                  streams.uniform("m", "s", month, uids) < p)


logit_lists = st.lists(st.floats(min_value=-50, max_value=50), min_size=1, max_size=300)


@property_settings
@given(seed=seeds, month=months, logits=logit_lists,
       dtype=st.sampled_from([np.float32, np.float64]))
def test_chance_logit_is_chance_at_the_logistic_probability(seed, month, logits, dtype):
    """Same draw as ``chance``: outcomes agree except, possibly, where the draw is within
    rounding (1e-12) of the threshold, which the two compute differently."""
    streams = Streams(seed)
    logits = np.array(logits, dtype=dtype)
    uids = np.arange(3, 3 + 5 * logits.size, 5)
    p = 1 / (1 + np.exp(-logits.astype(np.float64)))
    by_logit = streams.chance_logit("m", "s", month, logits, uids)
    by_p = streams.chance("m", "s", month, p, uids)
    near = np.abs(streams.uniform("m", "s", month, uids) - p) < 1e-12
    np.testing.assert_array_equal(by_logit[~near], by_p[~near])


@property_settings
@given(seed=seeds, month=months, n=st.integers(1, 2_000))
def test_chance_logit_at_infinite_log_odds_is_never_or_always(seed, month, n):
    streams = Streams(seed)
    uids = np.arange(n)
    assert not streams.chance_logit("m", "s", month, np.full(n, -np.inf), uids).any()
    assert not streams.chance_logit("m", "s", month, np.full(n, -800.0), uids).any()
    assert streams.chance_logit("m", "s", month, np.full(n, np.inf), uids).all()
    assert streams.chance_logit("m", "s", month, np.full(n, 800.0), uids).all()


def test_chance_logit_rejects_a_wrong_number_of_log_odds():
    with pytest.raises(ValueError, match=r"3 log-odds for 4 people in m\.s"):
        Streams(1).chance_logit("m", "s", 0, np.zeros(3), np.arange(4))


def test_chance_rejects_a_wrong_number_of_probabilities():
    with pytest.raises(ValueError, match=r"3 probabilities for 4 people in m\.s"):
        Streams(1).chance("m", "s", 0, np.full(3, 0.5), 4)


def test_every_part_of_the_key_changes_the_stream():
    keys = {stream_key(seed, module, stream, month)
            for seed in (0, 1) for module in ("needs", "cascade") for stream in ("a", "b")
            for month in (0, 1, 12)}
    assert len(keys) == 2 * 2 * 2 * 3


def _correlation_bound(n: int) -> float:
    # Under independence the sample correlation is about N(0, 1/n).
    return SIGMA / math.sqrt(n)


@pytest.mark.parametrize(
    "a, b",
    [
        pytest.param((1, "needs", "new", 200), (1, "needs", "urgent", 200), id="stream"),
        pytest.param((1, "needs", "new", 200), (1, "cascade", "new", 200), id="module"),
        pytest.param((1, "needs", "new", 200), (1, "needs", "new", 201), id="month"),
        pytest.param((1, "needs", "new", 200), (2, "needs", "new", 200), id="seed"),
    ],
)
def test_streams_that_differ_in_one_key_part_are_uncorrelated(a, b):
    x = Streams(a[0]).uniform(*a[1:], N)
    y = Streams(b[0]).uniform(*b[1:], N)
    assert abs(np.corrcoef(x, y)[0, 1]) < _correlation_bound(N)
    # Agreement of the Bernoulli outcomes at p = 1/2: each pair agrees with probability 1/2.
    agree = np.mean((x < 0.5) == (y < 0.5))
    assert abs(agree - 0.5) < SIGMA * math.sqrt(0.25 / N)


def test_neighbouring_uids_are_uncorrelated():
    x = Streams(7).uniform("needs", "new", 0, N + 1)
    assert abs(np.corrcoef(x[:-1], x[1:])[0, 1]) < _correlation_bound(N)


def test_draws_are_uniform():
    x = Streams(3).uniform("population", "kind", 192, N)
    # Mean: sd of the mean of n uniforms is sqrt(1/12 / n).
    assert abs(x.mean() - 0.5) < SIGMA * math.sqrt(1 / 12 / N)
    # 100 equal bins: Pearson's statistic is chi-square with 99 degrees of freedom; accept
    # below its 1 - 6e-7 quantile (the same false-alarm rate as 5 sigma).
    counts = np.bincount((x * 100).astype(int), minlength=100)
    expected = N / 100
    statistic = np.sum((counts - expected) ** 2 / expected)
    assert statistic < chi2.isf(5.7e-7, df=99)


@pytest.mark.parametrize("p", [0.001, 0.05, 0.3, 0.9])
def test_chance_has_frequency_p(p):
    hits = Streams(11).chance("m", "s", 0, p, N)
    assert abs(hits.mean() - p) < SIGMA * math.sqrt(p * (1 - p) / N)

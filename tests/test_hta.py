"""PSA and global sensitivity (issue 14): distributions, Sobol indices of the Ishigami
function against their analytic values, an economic example with a closed form, and PSA
runs bit-identical serially and on Dask."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from typer.testing import CliRunner

from passerelle.apps.cli import app
from passerelle.apps.psa import DRAWS_FOLDER, PsaPlan, draws, outcomes, run_psa, totals, uncertain
from passerelle.apps.psa_analysis import evppi, matrices, monte_carlo_error, report
from passerelle.apps.sensitivity import drivers, ranked, sobol_indices
from passerelle.apps.sweep import run_id
from passerelle.config.scenario import load
from passerelle.engine.distributions import Beta, Gamma, LogNormal, Uniform
from passerelle.engine.payers import HEALTH_CARE_PAYER, SOCIETAL
from passerelle.engine.store import RESULTS_FILE
from passerelle.evaluate.cost_effectiveness import acceptability_curve, evpi

QUANTILES = np.array([0.025, 0.3, 0.5, 0.9, 0.975])


def test_each_distribution_reads_its_quantiles_as_scipy_does():
    beta = Beta.of_mean(0.25, 0.05)
    assert stats.beta(beta.a, beta.b).mean() == pytest.approx(0.25)
    assert stats.beta(beta.a, beta.b).std() == pytest.approx(0.05)
    np.testing.assert_allclose(beta.ppf(QUANTILES), stats.beta(beta.a, beta.b).ppf(QUANTILES))
    shape = (300 / 60) ** 2
    np.testing.assert_allclose(Gamma(300, 60).ppf(QUANTILES),
                               stats.gamma(shape, scale=300 / shape).ppf(QUANTILES))
    hazard = LogNormal(1.40, 1.06, 1.84)
    assert hazard.ppf(0.5) == pytest.approx(1.40)
    # log-symmetric: the interval's geometric half-width is kept
    assert hazard.ppf(0.975) / hazard.ppf(0.025) == pytest.approx(1.84 / 1.06)
    np.testing.assert_allclose(Uniform(2, 4).ppf(QUANTILES), 2 + 2 * QUANTILES)


def test_every_drawn_parameter_accepts_its_whole_central_range():
    """A draw at either end of the central 99% of any distribution is a valid scenario."""
    parameters = uncertain(["facilitators+centres"])
    assert len(parameters) >= 20
    for u in (0.005, 0.995):
        row = {p.key: float(p.distribution.ppf(u)) for p in parameters}
        load("facilitators+centres", [f"{key}={value!r}" for key, value in row.items()])


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    z = -np.pi + 2 * np.pi * x
    return np.sin(z[:, 0]) + a * np.sin(z[:, 1]) ** 2 + b * z[:, 2] ** 4 * np.sin(z[:, 0])


def test_sobol_indices_of_the_ishigami_function_match_their_analytic_values():
    a, b = 7.0, 0.1
    v1 = 0.5 * (1 + b * np.pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = b ** 2 * np.pi ** 8 * (1 / 18 - 1 / 50)
    variance = v1 + v2 + v13
    first = np.array([v1, v2, 0.0]) / variance
    total = np.array([v1 + v13, v2, v13]) / variance
    found = sobol_indices(ishigami, ["x1", "x2", "x3"], n=4096, seed=3)
    # SALib's *_conf are 95% bootstrap half-widths: 2.6 of them cover 99.9% of a normal
    # estimator's error.
    width = 2.6 / 1.96
    assert np.all(np.abs(found.S1 - first) < width * found.S1_conf + 1e-3)
    assert np.all(np.abs(found.ST - total) < width * found.ST_conf + 1e-3)


def test_evpi_and_acceptability_match_the_normal_loss_of_a_two_strategy_choice():
    """Two strategies whose incremental net benefit is normal N(mu, sigma^2): the
    probability that the new one is better is Phi(mu / sigma), and the EVPI is the unit
    normal loss sigma * phi(mu/sigma) - mu * Phi(-mu/sigma); the regression EVPPI of the
    one parameter that drives the choice is the EVPI itself."""
    rng = np.random.default_rng(7)
    mu, sigma, n, wtp = 2.0, 5.0, 200_000, 10.0
    theta = rng.normal(size=n)
    effects = np.column_stack([np.zeros(n), np.full(n, 1.0)])
    costs = np.column_stack([np.zeros(n), wtp * 1.0 - (mu + sigma * theta)])
    z = mu / sigma
    loss = sigma * stats.norm.pdf(z) - mu * stats.norm.cdf(-z)
    nmb = np.maximum(0.0, mu + sigma * theta)
    error = 4 * nmb.std() / np.sqrt(n)  # four standard errors of a mean over n draws
    assert evpi(costs, effects, wtp) == pytest.approx(loss, abs=error)
    share = acceptability_curve(costs, effects, [wtp]).iloc[0, 1]
    assert share == pytest.approx(stats.norm.cdf(z), abs=4 * np.sqrt(0.25 / n))
    both = np.column_stack([wtp * effects[:, 0] - costs[:, 0], wtp * effects[:, 1] - costs[:, 1]])
    assert evppi(theta[:, None], both) == pytest.approx(loss, abs=error)


SMALL = ("population.size=1500", "run.months=6", "run.burn_in=3", 'run.start="2022-01"')


def test_psa_runs_on_dask_are_bit_identical_to_serial_runs_and_feed_the_report(tmp_path):
    scenarios = ("baseline", "facilitators+centres")
    plan = PsaPlan(scenarios, draws(uncertain(scenarios), 3, seed=5), SMALL)
    run_psa(plan, tmp_path, replicates=2, workers=2)
    for run in plan.runs():
        scenario = run.resolve()
        written = (tmp_path / DRAWS_FOLDER / run_id(scenario) / RESULTS_FILE).read_bytes()
        assert written == totals(scenario)[RESULTS_FILE]
    found = outcomes(tmp_path / DRAWS_FOLDER)
    assert sorted(found.seed.unique()) == [1, 2, 3]
    again = outcomes(tmp_path / "monte-carlo")
    assert sorted(again.seed.unique()) == [4, 5]  # draws 0 and 1 on seeds past the draws'
    assert outcomes(tmp_path / "monte-carlo", plan.replicates(1)).seed.unique().tolist() == [4]
    frames = report(plan.draws, found, list(scenarios), again)
    assert set(frames) == {"strategies", "plane", "acceptability", "evpi", "evppi", "error"}
    assert (frames["error"]["replicated draws"] == 2).all()
    assert np.allclose(frames["acceptability"].sum(axis=1), 1.0)
    assert (frames["evpi"].evpi >= -1e-6).all()
    assert len(frames["plane"]) == 3
    assert (frames["strategies"].perspective == HEALTH_CARE_PAYER.name).all()
    societal = report(plan.draws, found, list(scenarios), perspective=SOCIETAL)
    assert (societal["evpi"].perspective == SOCIETAL.name).all()
    unpaid = found.groupby("scenario").cost_unpaid.mean()
    by_name = {name: frame.set_index("name").cost for name, frame in
               (("payer", frames["strategies"]), ("societal", societal["strategies"]))}
    assert np.allclose(by_name["societal"] - by_name["payer"], unpaid[by_name["payer"].index])


def test_a_replicated_draw_keeps_its_parameters_and_changes_only_its_seed():
    plan = PsaPlan(("baseline", "facilitators"), draws(uncertain(["facilitators"]), 5, seed=2))
    first, again = plan.runs()[:6], plan.replicates(3)
    assert [run.overrides for run in again] == [run.overrides for run in first]
    assert [run.seed for run in again] == [6, 6, 7, 7, 8, 8]
    assert len(plan.replicates(99)) == len(plan.runs())


def _outcomes(seeds: np.ndarray, increments: np.ndarray) -> pd.DataFrame:
    """PSA outcomes of a reference with nothing and one scenario with these QALYs gained."""
    n = len(seeds)
    return pd.DataFrame({"scenario": np.repeat(["baseline", "new"], n),
                         "seed": np.tile(seeds, 2), HEALTH_CARE_PAYER.measure: 0.0,
                         "qalys": np.r_[np.zeros(n), increments]})


def test_the_monte_carlo_error_is_the_mean_noise_at_the_draws_parameters():
    """Noise whose variance depends on the parameter, exp(theta) with theta ~ N(0, 1): the
    Monte Carlo variance of one draw is E[exp(theta)] = exp(1/2), not the noise at the
    reference theta = 0 (1); the parameter variance is var(theta) = 1."""
    rng = np.random.default_rng(11)
    n, m = 20_000, 10_000
    theta = rng.normal(size=n)
    sd = np.exp(theta / 2)
    seeds = np.arange(1, n + 1)
    first = theta + sd * rng.normal(size=n)
    again = theta[:m] + sd[:m] * rng.normal(size=m)
    costs, effects = matrices(_outcomes(seeds, first), ["baseline", "new"])
    error = monte_carlo_error(costs, effects, seeds, _outcomes(seeds[:m] + n, again),
                              ["baseline", "new"], n).set_index("measure")
    row = error.loc["incremental QALYs"]
    half_squares = (first[:m] - again) ** 2 / 2
    tolerance = 4 * half_squares.std() / np.sqrt(m)  # four standard errors of the mean
    assert row["monte carlo sd of one draw"] ** 2 == pytest.approx(np.exp(0.5), abs=tolerance)
    total = np.var(first, ddof=1)
    assert row["sd over draws"] ** 2 == pytest.approx(total)
    # var(theta + noise) = 1 + exp(1/2); the difference's error adds both estimates' errors
    # (a sample variance's standard error is sqrt((mu4 - sigma^4) / n))
    fourth = np.mean((first - first.mean()) ** 4)
    assert row["parameter sd"] ** 2 == pytest.approx(
        1.0, abs=tolerance + 4 * np.sqrt((fourth - total ** 2) / n))
    assert row["monte carlo share of variance"] == pytest.approx(
        row["monte carlo sd of one draw"] ** 2 / total)
    assert error.loc["incremental cost (EUR)", "monte carlo sd of one draw"] == 0


def test_psa_and_sensitivity_refuse_bad_input_in_one_line(tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["psa", "baseline", "--out", str(tmp_path / "p")])
    assert result.exit_code == 2
    assert "reference and at least one other" in result.output
    result = runner.invoke(app, ["sensitivity", "--measure", "happiness",
                                 "--out", str(tmp_path / "s")])
    assert result.exit_code == 2
    assert "cost_per_qaly" in result.output
    assert "Traceback" not in result.output


def test_sensitivity_names_the_drivers_of_each_intervention_even_where_a_ratio_is_undefined():
    """An intervention whose cost per QALY is undefined at some design points (Morris then
    has no index for it) is ranked by its net benefit, and its sentence says so."""
    names = [f"module.p{k}" for k in range(7)]
    table = pd.DataFrame({"mu_star": np.arange(7.0)[::-1]}, index=names)
    indices = {("centres", "cost_per_qaly"): table, ("centres", "net_benefit"): table,
               ("facilitators", "net_benefit"): table.iloc[::-1]}
    ranking = ranked(indices, ["facilitators", "centres"], "cost_per_qaly", 5)
    assert ranking.groupby("scenario").size().to_dict() == {"centres": 5, "facilitators": 5}
    assert set(ranking[ranking.scenario == "facilitators"].measure) == {"net_benefit"}
    first, second = drivers(ranking, "cost_per_qaly", HEALTH_CARE_PAYER)
    assert first.startswith("facilitators: its cost per qaly is undefined")
    assert first.endswith("module.p6, module.p5, module.p4, module.p3, module.p2.")
    assert second.startswith("centres: the 5 parameters that drive its cost per qaly")


def test_psa_draws_the_calibrated_parameters_jointly_from_a_posterior(tmp_path):
    """Each draw takes one particle of the posterior by weight (never one of weight 0),
    keeps the other parameters' own draws, and its runs set a vector's element and a whole
    number of months as the calibration's priors write them."""
    import json

    import pyarrow as pa
    import pyarrow.parquet as pq

    from passerelle.apps.calibration.ensemble import METADATA_KEY
    from passerelle.apps.calibration.priors import by_name
    from passerelle.apps.psa import with_posterior

    priors = by_name(["cascade.pay_by_coverage[2]", "coverage.amu_validity_months"])
    ensemble = pd.DataFrame({"cascade.pay_by_coverage[2]": [-2.0, 0.5, 1.5],
                             "coverage.amu_validity_months": [2.2, 5.6, 9.4],
                             "weight": [0.0, 0.5, 0.5]})
    path = tmp_path / "posterior.parquet"
    table = pa.Table.from_pandas(ensemble, preserve_index=False)
    meta = {"priors": [p.as_dict() for p in priors]}
    pq.write_table(table.replace_schema_metadata({METADATA_KEY: json.dumps(meta).encode()}),
                   path)
    own = draws(uncertain(["baseline", "centres"]), 6, seed=1)
    drawn = with_posterior(own, path, seed=3)
    assert drawn.index.equals(own.index) and drawn[own.columns].equals(own)
    particles = {tuple(row) for row in ensemble.iloc[1:, :2].to_numpy()}
    assert {tuple(row) for row in drawn[ensemble.columns[:2]].to_numpy()} <= particles
    assert drawn.equals(with_posterior(own, path, seed=3))
    plan = PsaPlan(("baseline", "centres"), drawn.head(2), SMALL)
    for run, (_, row) in zip(plan.runs()[::2], drawn.head(2).iterrows(), strict=True):
        scenario = run.resolve()
        assert scenario.params["cascade"].pay_by_coverage[2] == row["cascade.pay_by_coverage[2]"]
        assert scenario.params["coverage"].amu_validity_months == round(
            row["coverage.amu_validity_months"])
    result = CliRunner().invoke(app, ["psa", "baseline", "centres", "--posterior",
                                      str(tmp_path / "none.parquet"), "--out",
                                      str(tmp_path / "p")])
    assert result.exit_code == 2 and "no such file" in result.output

"""Calibration: priors from provenance, ABC-SMC that recovers a parameter from synthetic
targets made by the model itself, resumes, and rejects the issue's alternative set."""

from __future__ import annotations

import dataclasses

import numpy as np
import pyabc
import pytest

from passerelle.apps.calibration.abc import (
    POSTERIOR,
    Settings,
    TargetModel,
    band_distance,
    calibrate,
)
from passerelle.apps.calibration.ensemble import CalibrationError, read_posterior
from passerelle.apps.calibration.priors import PRIORS, by_name, overrides
from passerelle.apps.calibration.report import weighted_summary, write_report
from passerelle.config.scenario import load
from passerelle.config.targets import CALIBRATION, targets

# Issue 13's very different set that passed the seven point-prevalence targets.
ALTERNATIVE = {"cascade.pay_by_coverage[2]": -0.5, "cascade.pay_by_coverage[4]": 1.5,
               "cascade.seek_undocumented": 0.0, "coverage.amu_apply": 1.0,
               "coverage.amu_validity_months": 6}
BRUSSELS_TARGETS = ("adults with an unmet medical need in 12 months, Brussels",
                    "ED contacts per 1,000 a year, Brussels")
TRUTH = {"cascade.reach_brussels": 1.4, "cascade.pay_by_coverage[4]": -1.5}


def test_every_free_parameter_has_a_prior_with_its_provenance():
    assert len({p.name for p in PRIORS}) == len(PRIORS)
    for prior in PRIORS:
        assert prior.low < prior.high and prior.unit and prior.provenance.strip(), prior.name
    middle = {p.name: (p.low + p.high) / 2 for p in PRIORS}
    load("baseline", overrides(middle, PRIORS))  # every override is a valid scenario
    for name, value in ALTERNATIVE.items():  # the alternative is inside the priors
        prior = by_name([name])[0]
        assert prior.low <= value <= prior.high, name
    with pytest.raises(ValueError, match="no prior for"):
        by_name(["cascade.nosuch"])


def test_the_alternative_parameter_set_is_rejected():
    """The issue's alternative set, on 20,000 people: AMU recourse over a year (KCE 257's
    definition) puts it far outside its band, so its distance exceeds 1."""
    settings = Settings(parameters=tuple(ALTERNATIVE), population=20_000)
    chosen = settings.chosen_targets()
    simulated = TargetModel(settings)(ALTERNATIVE)
    observed = {t.name: t.value for t in chosen}
    assert band_distance(chosen)(simulated, observed) > 1
    amu = next(t for t in chosen if "AMU" in t.name)
    assert simulated[amu.name] > amu.high


def test_calibration_recovers_a_parameter_from_synthetic_targets(tmp_path):
    """Targets made by the model at a known parameter set (tiny Brussels population, two
    generations, a seeded single-core sampler): the known reach penalty lies in its 90%
    posterior interval and is identified; the pay step of undocumented people, which the
    residents' targets cannot see, is not. A second call resumes and simulates nothing."""
    settings = Settings(parameters=tuple(TRUTH), targets=BRUSSELS_TARGETS, population=2_000,
                        months=30, burn_in=12, particles=15, generations=2, tolerance=0.5)
    settings = dataclasses.replace(settings, observed=TargetModel(settings)(TRUTH))
    np.random.seed(7)  # noqa: NPY002 (pyabc draws from numpy's global random state)
    posterior = calibrate(tmp_path, settings, sampler=pyabc.sampler.SingleCoreSampler())
    assert len(posterior) == settings.particles
    ensemble, meta = read_posterior(tmp_path / POSTERIOR)
    assert meta["software"]["commit"] and [t["name"] for t in meta["targets"]] == list(
        BRUSSELS_TARGETS)
    summary = weighted_summary(ensemble, meta["priors"]).set_index("parameter")
    reach = summary.loc["cascade.reach_brussels"]
    assert reach["q05"] <= TRUTH["cascade.reach_brussels"] <= reach["q95"]
    assert reach["identified"]
    assert not summary.loc["cascade.pay_by_coverage[4]"]["identified"]
    assert (write_report(ensemble, meta, tmp_path / "report")).read_text().count("**no**") == 1

    simulations = meta["simulations"]
    again = calibrate(tmp_path, settings, sampler=pyabc.sampler.SingleCoreSampler())
    assert read_posterior(tmp_path / POSTERIOR)[1]["simulations"] == simulations
    assert again.equals(posterior)
    # A smaller budget stops where the calibration stands, also without simulating.
    calibrate(tmp_path, dataclasses.replace(settings, generations=1))
    assert read_posterior(tmp_path / POSTERIOR)[1]["simulations"] == simulations
    with pytest.raises(CalibrationError, match="other settings"):
        calibrate(tmp_path, dataclasses.replace(settings, particles=20))


def test_unknown_targets_are_refused():
    with pytest.raises(CalibrationError, match="no calibration target"):
        Settings(targets=("nosuch",)).chosen_targets()
    assert len(Settings().chosen_targets()) == len(targets(CALIBRATION))


def test_the_shipped_posterior_and_its_predictive_record_match_the_code():
    """The built-in posterior was fitted to today's calibration targets with today's
    priors, and its recorded predictive checks were made from it and cover every target:
    a change of priors or targets without a new calibration fails here."""
    import json

    from passerelle.config.scenario_files import POSTERIOR_FILE, PREDICTIVE_FILE, locate_posterior

    assert locate_posterior("built-in") == POSTERIOR_FILE
    ensemble, meta = read_posterior(POSTERIOR_FILE)
    assert meta["priors"] == [p.as_dict() for p in by_name([p["name"] for p in meta["priors"]])]
    assert [t["name"] for t in meta["targets"]] == [t.name for t in targets(CALIBRATION)]
    assert len(ensemble) == meta["settings"]["particles"]
    assert np.isclose(ensemble["weight"].sum(), 1.0) and (ensemble["weight"] >= 0).all()
    for prior in meta["priors"]:
        assert ensemble[prior["name"]].between(prior["low"], prior["high"]).all()
    record = json.loads(PREDICTIVE_FILE.read_text(encoding="utf-8"))
    assert {k: record["posterior"][k] for k in ("epsilon", "simulations", "generations")} == {
        k: meta[k] for k in ("epsilon", "simulations", "generations")}
    assert [c["target"] for c in record["checks"]] == [t.name for t in targets()]
    assert {c["sets"] for c in record["checks"]} == {record["sets"]}

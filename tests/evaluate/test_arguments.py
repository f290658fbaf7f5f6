"""The estimators agree on the names of their arguments, so that one call reads like another."""

from __future__ import annotations

import inspect

import passerelle.evaluate as evaluate
from passerelle.evaluate import Estimate

# The one name of each role, and the synonyms an estimator might otherwise take.
SYNONYMS = {"treatment": {"treated", "treat", "d", "exposure", "arm"},
            "n_resamples": {"n_boot", "n_bootstrap", "replications", "reps", "b", "draws"},
            "alpha": {"level", "conf_level", "confidence", "significance"},
            "seed": {"random_state", "rng", "random_seed"},
            "covariates": {"controls", "x", "features"},
            "outcome": {"y", "response", "dependent"}}


def _estimators() -> dict[str, inspect.Signature]:
    found = {}
    for name in evaluate.__all__:
        value = getattr(evaluate, name)
        if inspect.isfunction(value):
            signature = inspect.signature(value)
            if signature.return_annotation in (Estimate, "Estimate"):
                found[name] = signature
    return found


def test_the_estimators_are_found() -> None:
    assert {"ols", "gee", "mixed", "ipw", "nn_match", "twfe", "callaway_santanna",
            "synthetic_control", "synthetic_did", "plain_did", "segmented"} <= set(_estimators())


def test_no_estimator_takes_a_synonym_of_a_shared_argument() -> None:
    taken = [f"{name}({argument}): say {role}" for name, signature in _estimators().items()
             for argument in signature.parameters
             for role, synonyms in SYNONYMS.items() if argument.lower() in synonyms]
    assert taken == []


def test_every_estimator_takes_alpha_and_a_resampling_one_takes_its_seed() -> None:
    lacking = []
    for name, signature in _estimators().items():
        arguments = set(signature.parameters)
        if "alpha" not in arguments:
            lacking.append(f"{name}: no alpha")
        if "n_resamples" in arguments and "seed" not in arguments:
            lacking.append(f"{name}: n_resamples without seed")
    assert lacking == []

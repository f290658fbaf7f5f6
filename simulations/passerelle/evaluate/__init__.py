"""Evaluation lab: estimators that work on plain pandas data frames with named columns."""

from passerelle.evaluate.cost_effectiveness import (
    acceptability_curve,
    evpi,
    icer_table,
    net_monetary_benefit,
)
from passerelle.evaluate.distributional import DistributionalSummary, distributional_summary
from passerelle.evaluate.equity import (
    atkinson_index,
    concentration_index,
    equally_distributed_equivalent,
    relative_index_of_inequality,
    slope_index_of_inequality,
)
from passerelle.evaluate.estimate import Estimate
from passerelle.evaluate.propensity import ipw, nn_match, propensity_score
from passerelle.evaluate.regression import gee, mixed, ols, segmented
from passerelle.evaluate.staggered import callaway_santanna, twfe
from passerelle.evaluate.synthetic import plain_did, synthetic_control, synthetic_did

__all__ = [
    "DistributionalSummary",
    "Estimate",
    "acceptability_curve",
    "atkinson_index",
    "callaway_santanna",
    "concentration_index",
    "distributional_summary",
    "equally_distributed_equivalent",
    "evpi",
    "gee",
    "icer_table",
    "ipw",
    "mixed",
    "net_monetary_benefit",
    "nn_match",
    "ols",
    "plain_did",
    "propensity_score",
    "relative_index_of_inequality",
    "segmented",
    "slope_index_of_inequality",
    "synthetic_control",
    "synthetic_did",
    "twfe",
]

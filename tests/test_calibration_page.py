"""The site's calibration page, from a posterior file and its recorded predictive checks:
every parameter with its prior, identification and representative value, the figures, the
counts of targets in band, and the warnings when the ensemble is unconverged or has no
recorded check."""

from __future__ import annotations

import json

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from passerelle.apps.calibration.ensemble import METADATA_KEY
from passerelle.apps.calibration.predictive import PredictiveCheck, write_record
from passerelle.apps.calibration.priors import by_name
from passerelle.apps.site import calibration, validation
from passerelle.config.targets import targets

PRIORS = by_name(["cascade.reach_brussels", "coverage.amu_apply"])


def _posterior(folder, epsilon: float):
    frame = pd.DataFrame({"cascade.reach_brussels": [0.2, 1.4, 1.5, 2.8],
                          "coverage.amu_apply": [0.9, 0.06, 0.07, 0.3],
                          "weight": [0.1, 0.4, 0.4, 0.1]})
    meta = {"priors": [p.as_dict() for p in PRIORS],
            "settings": {"population": 10_000, "months": 120, "seed": 1},
            "software": {"version": "9.9", "commit": "abc1234"},
            "targets": [{"name": t.name} for t in targets("calibration")],
            "generations": 5, "epsilon": epsilon, "simulations": 1234}
    table = pa.Table.from_pandas(frame, preserve_index=False)
    path = folder / "posterior.parquet"
    pq.write_table(table.replace_schema_metadata({METADATA_KEY: json.dumps(meta).encode()}),
                   path)
    return path, meta


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_page_shows_the_posterior_and_its_predictive_checks(tmp_path, language):
    posterior, meta = _posterior(tmp_path, 0.9)
    # Every target in its band on both sets, but the first (a calibration target) and the
    # last (a validation target), whose sets are all above.
    checks = [PredictiveCheck(t, (t.value, t.value)) for t in targets()]
    first, last = targets()[0], targets()[-1]
    checks[0] = PredictiveCheck(first, (first.high * 2, first.high * 3))
    checks[-1] = PredictiveCheck(last, (last.high * 2, last.high * 3))
    record = write_record(tmp_path / "predictive.json", checks, meta, ("population.size=9",))
    files = calibration.files(language, posterior, record)
    page = files["calibration.md"]
    for prior in PRIORS:
        assert f"`{prior.name}`" in page and prior.provenance in page
    assert {"fr": "1 234", "en": "1,234"}[language] in page
    assert "abc1234" in page and "`population.size=9`" in page
    words = calibration.WORDS[language]
    assert words["unconverged"] not in page
    calibrated = len(targets("calibration"))
    validated = len(targets("validation"))
    assert words["summary"].format(role=words["in"], passed=calibrated - 1,
                                   total=calibrated) in page
    assert words["summary"].format(role=words["out"], passed=validated - 1,
                                   total=validated) in page
    assert page.count(f"| {words['fail']} |") == 2
    # Each miss is explained: the validation target with its kind and reason, as on the
    # validation page; the calibration target as a fitted target the ensemble misses at
    # its tolerance.
    shared = validation.WORDS[language]
    assert page.count(f"## {shared['misses']}") == 1
    assert f"| {last.name} | {shared['kinds'][last.gap_kind]} | {last.gap} |" in page
    unmet = words["unmet"].format(epsilon="0.90")
    assert f"| {first.name} | {words['fitted']} | {unmet} |" in page
    # The representative set is the particle nearest the medians (1.4 and 0.06, or 1.5
    # and 0.07), shown beside the default; the page says whether the defaults are it.
    row = next(line for line in page.splitlines() if "`coverage.amu_apply`" in line)
    assert "| 0.06 | 0.06 |" in row or "| 0.07 | 0.06 |" in row
    same = "| 0.06 | 0.06 |" in row
    assert (words["are_defaults"] in page) == same and (words["not_defaults"] in page) != same
    for figure in (calibration.MARGINALS, calibration.PAIRS, calibration.PREDICTIVE):
        assert files[figure].startswith("<?xml") and figure in page


def test_an_unconverged_ensemble_and_a_missing_record_are_said(tmp_path):
    posterior, _ = _posterior(tmp_path, 3.5)
    files = calibration.files("en", posterior, tmp_path / "none.json")
    page = files["calibration.md"]
    assert calibration.WORDS["en"]["unconverged"] in page
    assert calibration.WORDS["en"]["no_predictive"] in page
    assert calibration.PREDICTIVE not in files
    missing = calibration.files("fr", tmp_path / "none.parquet")
    assert list(missing) == ["calibration.md"]
    assert calibration.WORDS["fr"]["missing"] in missing["calibration.md"]

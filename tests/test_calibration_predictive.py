"""Posterior predictive checks: every target over parameter sets drawn from a posterior
file, each set on its own seed, the same wherever the sets run, and ``passerelle targets
--posterior`` with its one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from passerelle.apps.calibration.ensemble import METADATA_KEY, draw_sets
from passerelle.apps.calibration.predictive import over_sets, predictive_checks, set_values
from passerelle.apps.calibration.priors import by_name, overrides
from passerelle.config.targets import CALIBRATION, targets

PASSERELLE = Path(sys.executable).parent / "passerelle"
TINY = ("population.size=2000", "run.months=24", "run.burn_in=0")
PRIORS = by_name(["cascade.reach_brussels", "coverage.amu_apply"])


@pytest.fixture(scope="module")
def posterior(tmp_path_factory) -> Path:
    """A posterior file of three weighted sets, as ``passerelle calibrate`` writes one."""
    frame = pd.DataFrame({"cascade.reach_brussels": [0.2, 1.4, 2.8],
                          "coverage.amu_apply": [0.9, 0.06, 0.3], "weight": [0.2, 0.5, 0.3]})
    meta = {"priors": [p.as_dict() for p in PRIORS], "settings": {}, "targets": []}
    table = pa.Table.from_pandas(frame, preserve_index=False)
    path = tmp_path_factory.mktemp("posterior") / "posterior.parquet"
    pq.write_table(table.replace_schema_metadata({METADATA_KEY: json.dumps(meta).encode()}),
                   path)
    return path


def test_predictive_checks_hold_each_sets_value_on_its_own_seed(posterior):
    """Three sets drawn by weight: each target holds one value a set, equal to that set
    run alone on seed 1 + its index; the median and the 95% interval lie within the
    values, and a target passes exactly when its median lies in its band."""
    checks = predictive_checks(posterior, sets=3, role=CALIBRATION, overrides_=TINY,
                               workers=2)
    chosen = targets(CALIBRATION)
    assert [c.target.name for c in checks] == [t.name for t in chosen]
    drawn = draw_sets(pd.read_parquet(posterior), 3)
    for index, values in drawn.iterrows():
        alone, _ = set_values("baseline", (*TINY, *overrides(values.to_dict(), PRIORS)),
                              1 + index, CALIBRATION)
        assert [c.values[index] for c in checks] == alone
    for c in checks:
        low, high = c.interval
        assert min(c.values) <= low <= c.model <= high <= max(c.values)
        assert c.passed == (c.target.low <= np.median(c.values) <= c.target.high)
        row = c.as_dict()
        assert row["sets"] == 3 and 0 <= row["in_band"] <= 1 and row["compared"]
    # The sets differ in AMU application: AMU recourse over a year spreads.
    amu = next(c for c in checks if "AMU" in c.target.name)
    assert len(set(amu.values)) > 1


def test_the_same_sets_give_the_same_values_on_one_worker_or_two():
    sets = pd.DataFrame({"cascade.reach_brussels": [0.5, 2.5], "coverage.amu_apply": [0.1, 0.5]})
    one = over_sets(sets, PRIORS, CALIBRATION, TINY, workers=1)
    two = over_sets(sets, PRIORS, CALIBRATION, TINY, workers=2)
    assert [c.values for c in one] == [c.values for c in two]
    with pytest.raises(ValueError, match="at least 2"):
        over_sets(sets.head(1), PRIORS, CALIBRATION, TINY, workers=1)


def test_targets_command_over_a_posterior(posterior, tmp_path):
    """``--posterior --json`` gives each row its interval and share of sets in band, and
    the plot draws it; a missing or unreadable file is one line, without a traceback."""
    plot, record = tmp_path / "targets.svg", tmp_path / "predictive.json"
    command = [str(PASSERELLE), "targets", "--role", "calibration", "--json",
               "--posterior", str(posterior), "--sets", "2", "--workers", "1",
               "--plot", str(plot), "--record", str(record), *(f"--set={s}" for s in TINY)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    assert done.returncode in (0, 1), done.stderr  # 1: a calibration target missed
    rows = json.loads(done.stdout)
    assert len(rows) == len(targets(CALIBRATION))
    assert all(r["sets"] == 2 and r["ppi_low"] <= r["model"] <= r["ppi_high"] for r in rows)
    assert done.returncode == (0 if all(r["passed"] for r in rows) else 1)
    assert plot.read_text(encoding="utf-8").startswith("<?xml")
    recorded = json.loads(record.read_text(encoding="utf-8"))
    assert recorded["checks"] == rows and recorded["sets"] == 2
    assert recorded["overrides"] == list(TINY) and recorded["software"]["version"]

    broken = tmp_path / "broken.parquet"
    broken.write_text("not parquet", encoding="utf-8")
    for path, message in ((tmp_path / "none.parquet", "no such file"),
                          (broken, "not a posterior ensemble")):
        done = subprocess.run([str(PASSERELLE), "targets", "--posterior", str(path)],
                              capture_output=True, text=True, check=False)
        assert done.returncode == 2 and message in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
    done = subprocess.run([str(PASSERELLE), "targets", "--record", str(record)],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 2 and "--record needs --posterior" in done.stderr


def test_an_unconverged_posterior_is_used_with_a_warning(tmp_path, capsys):
    """A posterior whose calibration stopped above tolerance 1 is accepted, with a warning
    on stderr that names its tolerance; a converged one is accepted silently."""
    from passerelle.apps.cli.failures import checked_posterior

    frame = pd.DataFrame({"cascade.reach_brussels": [1.4, 1.5], "weight": [1.0, 1.0]})
    for epsilon, warned in ((2.61, True), (0.93, False)):
        meta = {"priors": [by_name(["cascade.reach_brussels"])[0].as_dict()],
                "epsilon": epsilon}
        path = tmp_path / f"posterior-{epsilon}.parquet"
        table = pa.Table.from_pandas(frame, preserve_index=False)
        pq.write_table(table.replace_schema_metadata(
            {METADATA_KEY: json.dumps(meta).encode()}), path)
        assert checked_posterior(path) == path
        err = capsys.readouterr().err
        assert ("did not converge (tolerance 2.61 > 1)" in err) == warned, err

"""Start-up: what a fresh interpreter loads for ``import passerelle`` and ``passerelle --help``.

Not timed (timings are ``passerelle bench``'s job): the tests check which libraries are in
``sys.modules``, which is what the start-up time depends on.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from scipy.stats import poisson

from passerelle.modules.demography import poisson_quantile

# Libraries a student's first cell must not pay for: loaded when a command or method needs them.
HEAVY = ("pandas", "pyarrow", "duckdb", "dask", "distributed", "matplotlib", "statsmodels",
         "scipy")


def loaded_after(statement: str) -> set[str]:
    """Top-level packages in ``sys.modules`` after ``statement`` in a fresh interpreter."""
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    return {name.split(".")[0] for name in json.loads(done.stdout.splitlines()[-1])}


def test_import_passerelle_loads_no_heavy_library():
    loaded = loaded_after("import passerelle")
    assert not loaded & {*HEAVY, "numba", "pydantic", "rich"}, loaded & {*HEAVY, "numba"}


def test_command_line_module_loads_neither_the_model_nor_heavy_libraries():
    loaded = loaded_after("import passerelle.apps.cli")
    assert not loaded & {*HEAVY, "numba"}


def test_lazy_names_resolve_to_the_model():
    import passerelle
    from passerelle.engine.sim import Sim

    assert passerelle.Sim is Sim
    assert set(passerelle.__all__) <= set(dir(passerelle))
    with pytest.raises(AttributeError, match="no attribute 'Simulation'"):
        _ = passerelle.Simulation


@pytest.mark.parametrize("mean", [0.05, 1.0, 7.3, 41.6, 950.0])
def test_poisson_quantile_is_scipy_stats_poisson_ppf(mean):
    # 2,000 fixed uniforms a mean: the arrival counts must not change when scipy.stats goes.
    q = np.random.default_rng(15).random(2_000)
    ours = np.array([poisson_quantile(value, mean) for value in q])
    assert np.array_equal(ours, poisson.ppf(q, mean).astype(int))

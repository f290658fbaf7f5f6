"""Start-up: what a fresh interpreter loads for ``import passerelle`` and ``passerelle --help``,
and numba's cache, so that a second fresh process compiles nothing, even from a read-only
install.

Not timed (timings are ``passerelle bench``'s job): the tests check which libraries are in
``sys.modules`` and numba's own counters of cache hits and misses.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import poisson

import passerelle
from passerelle.engine.distributions import poisson_ppf

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


def test_a_student_sized_run_does_not_load_numba():
    # A course's runs (1,000 to 6,000 people) use the kernels' numpy twins: numba's import
    # and its cache's first load cost more than such a run spends in its kernels.
    loaded = loaded_after("import passerelle\n"
                          "passerelle.run('baseline', population={'size': 5000}, "
                          "run={'months': 12})")
    assert not loaded & {"numba", "llvmlite"}, loaded & {"numba", "llvmlite"}


def test_importing_the_evaluation_lab_loads_no_numba():
    # tp06-tp08 import passerelle.evaluate in their first cell; the Frank-Wolfe loop of
    # synthetic difference-in-differences is compiled when first used.
    assert not loaded_after("import passerelle.evaluate") & {"numba", "llvmlite"}


def test_only_the_version_option_reads_the_package_metadata():
    # importlib.metadata brings email, zipfile and csv: a tenth of the time of --help.
    code = ("import sys\nfrom passerelle.apps.cli import main\n"
            "sys.argv = ['passerelle', '--help']\ntry:\n    main()\nexcept SystemExit:\n"
            "    pass\nprint('importlib.metadata' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True)
    assert done.stdout.splitlines()[-1] == "False"
    from importlib.metadata import version

    from typer.testing import CliRunner

    from passerelle.apps.cli import app

    shown = CliRunner().invoke(app, ["--version"])
    assert shown.exit_code == 0 and shown.stdout.split() == ["passerelle", version("passerelle")]


def test_lazy_names_resolve_to_the_model():
    import passerelle
    from passerelle.engine.sim import Sim

    assert passerelle.Sim is Sim
    assert set(passerelle.__all__) <= set(dir(passerelle))
    with pytest.raises(AttributeError, match="no attribute 'Simulation'"):
        _ = passerelle.Simulation


@pytest.mark.parametrize("mean", [0.05, 1.0, 7.3, 41.6, 950.0])
def test_poisson_ppf_is_scipy_stats_poisson_ppf(mean):
    # 2,000 fixed uniforms a mean: the arrival counts must not change when scipy.stats goes.
    q = np.random.default_rng(15).random(2_000)
    ours = poisson_ppf(q, mean)
    assert np.array_equal(ours, poisson.ppf(q, mean).astype(int))

REPOSITORY = Path(passerelle.__file__).resolve().parents[2]

CHILD = """
import json, numba, passerelle
from passerelle.engine.kernels import accrual, cells, draws
passerelle.run("baseline", population={"size": 2000}, run={"months": 2, "burn_in": 1})
kernels = {}
for module in (draws, cells, accrual):
    for name, value in vars(module).items():
        if isinstance(value, numba.core.dispatcher.Dispatcher) and value.signatures:
            kernels[f"{module.__name__}.{name}"] = {
                "hits": sum(value.stats.cache_hits.values()),
                "misses": sum(value.stats.cache_misses.values()),
                "folder": getattr(value._cache, "_cache_path", None),
            }
print(json.dumps({"package": passerelle.__file__, "kernels": kernels}))
"""


# An install whose folders are read-only (a shared JupyterHub image, the autograder) cannot
# hold numba's cache beside the code: numba then uses the user's cache folder
# ($XDG_CACHE_HOME/numba). The test installs a copy of the package read-only, runs a small
# scenario in two fresh processes and reads numba's counters of each kernel: the first
# process compiles and saves, the second only loads.


def install_read_only(root: Path) -> Path:
    """Copy the package (and the sourced tables it reads) under ``root``, read-only."""
    shutil.copytree(REPOSITORY / "simulations" / "passerelle", root / "simulations" / "passerelle",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPOSITORY / "datasets" / "sources", root / "datasets" / "sources")
    for folder, _, _ in os.walk(root / "simulations"):
        # root ignores permission bits: a file where __pycache__ would go stops it too.
        (Path(folder) / "__pycache__").write_bytes(b"")
    for folder, _, _ in os.walk(root, topdown=False):
        Path(folder).chmod(stat.S_IRUSR | stat.S_IXUSR | stat.S_IRGRP | stat.S_IXGRP)
    return root / "simulations"


def run_fresh(path: Path, cache: Path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("NUMBA_")}
    env.update(PYTHONPATH=str(path), XDG_CACHE_HOME=str(cache), HOME=str(cache))
    done = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True,
                          env=env, cwd=cache, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def test_second_process_compiles_nothing_from_a_read_only_install(tmp_path):
    cache = tmp_path / "cache"
    cache.mkdir()
    path = install_read_only(tmp_path / "install")
    try:
        first = run_fresh(path, cache)
        second = run_fresh(path, cache)
    finally:
        for folder, _, _ in os.walk(tmp_path):
            Path(folder).chmod(stat.S_IRWXU)
    assert first["package"].startswith(str(path))
    assert len(first["kernels"]) >= 4, first["kernels"]
    for name, kernel in first["kernels"].items():
        assert kernel["misses"] > 0, name
        assert kernel["folder"].startswith(str(cache / "numba")), (name, kernel["folder"])
    assert second["kernels"].keys() == first["kernels"].keys()
    for name, kernel in second["kernels"].items():
        assert kernel["misses"] == 0 and kernel["hits"] > 0, (name, kernel)

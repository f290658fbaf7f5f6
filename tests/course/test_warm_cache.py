"""The sandbox's warm caches: made once before a batch, a sandboxed kernel started from them
loads every numba kernel the assignment's runs need and compiles none (the course's own runs
need none), and reads matplotlib's font list instead of building it; the kernel's copy is
private (what a submission writes there never reaches the shared caches)."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from passerelle.course.sandbox import KERNEL_NAME, SandboxKernel
from passerelle.course.warm_cache import warm

ASSIGNMENT = "tp02-cascade"
SOURCE = Path(__file__).resolve().parents[2] / "course" / "source" / ASSIGNMENT
CELL = """
import glob, os
fonts = glob.glob("/tmp/matplotlib/fontlist-*.json")
stamps = [os.stat(path).st_mtime_ns for path in fonts]
import matplotlib.font_manager
rebuilt = [os.stat(path).st_mtime_ns for path in fonts] != stamps
import json, pathlib, sys
from passerelle.course.assignments import assignment
from passerelle.engine import kernels
module = assignment("tp02-cascade")
module.run(module.BASELINE, module.seeded(12345))
small_run_loaded_numba = "numba" in sys.modules
kernels.preload()
module.run(module.BASELINE, module.seeded(12345))
import numba
from passerelle.engine.kernels import accrual, cells, draws
stats = [value.stats for m in (draws, cells, accrual) for value in vars(m).values()
         if isinstance(value, numba.core.dispatcher.Dispatcher) and value.signatures]
pathlib.Path("/tmp/numba/plante.txt").write_text("x")
print(json.dumps({"fonts": len(fonts), "rebuilt": rebuilt, "kernels": len(stats),
                  "small_run_loaded_numba": small_run_loaded_numba,
                  "hits": sum(sum(s.cache_hits.values()) for s in stats),
                  "misses": sum(sum(s.cache_misses.values()) for s in stats)}))
"""


# The course's runs are small enough for the kernels' numpy twins, so an assignment's own
# notebook loads no numba kernel; one that loads them (a larger population, a sweep) gets
# them from the warm cache. This notebook stands for it.
COMPILED = """
from passerelle.course.assignments import assignment
from passerelle.engine import kernels
kernels.preload()
module = assignment("tp02-cascade")
module.run(module.BASELINE, module.seeded(12345))
"""


def test_a_kernel_started_from_the_warm_caches_compiles_nothing(tmp_path: Path, monkeypatch):
    cache = tmp_path / "caches"
    compiled = tmp_path / "compiled.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(COMPILED)]),
                   compiled)
    assert warm(cache, ASSIGNMENT, [SOURCE / f"{ASSIGNMENT}.ipynb", compiled])
    before = sorted(p.name for p in cache.rglob("*"))
    assert any(name.endswith(".nbi") for name in before)
    assert any(name.startswith("fontlist-") for name in before)
    kernels = SandboxKernel(tmp_path / "noyaux", tmp_path / "cours", cache).install()
    monkeypatch.setenv("JUPYTER_PATH", str(kernels))
    work = tmp_path / "copie"
    work.mkdir()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)])
    NotebookClient(notebook, kernel_name=KERNEL_NAME, timeout=300,
                   resources={"metadata": {"path": str(work)}}).execute()
    found = json.loads(notebook.cells[0].outputs[-1]["text"])
    assert not found["small_run_loaded_numba"], found
    assert found["kernels"] >= 4 and found["hits"] > 0 and found["misses"] == 0, found
    assert found["fonts"] == 1 and not found["rebuilt"], found
    assert sorted(p.name for p in cache.rglob("*")) == before


def test_an_assignment_outside_the_course_modules_gets_an_empty_cache(tmp_path: Path):
    assert not warm(tmp_path / "caches", "tp-essai", [])
    assert list((tmp_path / "caches").iterdir()) == []

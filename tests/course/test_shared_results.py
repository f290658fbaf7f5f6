"""The batch's shared results: written once by the warm-up, read in place by every sandboxed
kernel, which cannot change them; outside a batch, computed in-process."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from passerelle.course import shared_results
from passerelle.course.sandbox import KERNEL_NAME, SandboxKernel

SENTINEL = "depuis-le-magasin"
CELL = """
import json, os, pathlib
from passerelle.course import shared_results
from passerelle.course.assignments import assignment
store = shared_results.folder()
try:
    (store / "tp06-essai" / "graine-1.pickle").write_bytes(b"plante")
    written = True
except OSError:
    written = False
print(json.dumps({"study": assignment("tp06-essai").seed_study(1), "written": written}))
"""


def test_outside_a_batch_a_result_is_computed(monkeypatch):
    monkeypatch.delenv(shared_results.ENV, raising=False)
    calls = []
    assert shared_results.shared("tp06-essai", "k", lambda: calls.append(1) or 7) == 7
    assert shared_results.shared("tp06-essai", "k", lambda: calls.append(1) or 7) == 7
    assert len(calls) == 2


def test_the_warm_up_writes_a_result_once_and_then_reads_it(tmp_path, monkeypatch):
    monkeypatch.setenv(shared_results.ENV, str(tmp_path))
    calls = []
    first = shared_results.shared("tp06-essai", "k", lambda: calls.append(1) or [1.5, 2.5])
    again = shared_results.shared("tp06-essai", "k", lambda: calls.append(1) or [9.0])
    assert first == again == [1.5, 2.5] and len(calls) == 1
    assert (tmp_path / "tp06-essai" / "k.pickle").is_file()


def test_a_sandboxed_kernel_reads_the_store_in_place_and_cannot_write_it(tmp_path: Path,
                                                                          monkeypatch):
    store = tmp_path / "partage"
    monkeypatch.setenv(shared_results.ENV, str(store))
    store.mkdir()
    shared_results.shared("tp06-essai", "graine-1", lambda: SENTINEL)
    before = (store / "tp06-essai" / "graine-1.pickle").read_bytes()
    monkeypatch.delenv(shared_results.ENV)
    kernels = SandboxKernel(tmp_path / "noyaux", tmp_path / "cours", shared=store).install()
    monkeypatch.setenv("JUPYTER_PATH", str(kernels))
    work = tmp_path / "copie"
    work.mkdir()
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(CELL)])
    NotebookClient(notebook, kernel_name=KERNEL_NAME, timeout=120,
                   resources={"metadata": {"path": str(work)}}).execute()
    found = json.loads(notebook.cells[0].outputs[-1]["text"])
    assert found == {"study": SENTINEL, "written": False}
    assert (store / "tp06-essai" / "graine-1.pickle").read_bytes() == before

"""The kernel server: each forked kernel is confined as its own bubblewrap would confine it
(its own folder only, a fresh /tmp, its own processes only, no capability), what one kernel
leaves behind never reaches the next, the end of either side ends the other, and a request
for a folder that is not a graded one is refused."""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path

import nbformat
import pytest
from jupyter_client.manager import start_new_kernel
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError

from passerelle.course.sandbox import KERNEL_NAME, KernelServer, SandboxKernel

LOOK = """
import json, os, pathlib, sys
status = {line.split(":")[0]: int(line.split(":")[1], 16)
          for line in open("/proc/self/status") if line.startswith("Cap")}
pathlib.Path("ecrit.txt").write_text("copie")
import passerelle
from passerelle.course.identity import graded_student
try:
    pathlib.Path(passerelle.__file__).with_name("plante.py").write_text("x")
    package_written = True
except OSError:
    package_written = False
seen = sorted(os.listdir("/tmp"))
pathlib.Path("/tmp/plante.txt").write_text("x")
pathlib.Path(CACHE, "plante.txt").write_text("x")
print(json.dumps({"pid": os.getpid(), "parent": os.getppid(),
                  "processes": sorted(p for p in os.listdir("/proc") if p.isdigit()),
                  "neighbours": os.listdir("../.."), "tmp": seen,
                  "secrets": [p for p in sys.argv[1:] if os.path.exists(p)],
                  "capabilities": status, "package_written": package_written,
                  "graded": graded_student("tp"),
                  "pandas": "pandas" in sys.modules,
                  "folder_on_path": os.getcwd() in sys.path}))
"""


@pytest.fixture
def course(tmp_path: Path) -> Path:
    root = tmp_path / "cours"
    for student in ("e001", "e002"):
        (root / "autograded" / student / "tp").mkdir(parents=True)
    (root / "gradebook.db").write_text("notes")
    (root / "source").mkdir()
    return root


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    """The server's cache, empty for the first test: the server compiles the kernels then."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture
def server(tmp_path: Path, course: Path, cache: Path, monkeypatch):
    with KernelServer(tmp_path / "serveur", course, course / "autograded", cache) as running:
        kernels = SandboxKernel(tmp_path / "noyaux", course, None, running.address).install()
        monkeypatch.setenv("JUPYTER_PATH", str(kernels))
        yield running


def _execute(code: str, folder: Path) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    NotebookClient(notebook, kernel_name=KERNEL_NAME, timeout=60,
                   resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


def _looked(course: Path, student: str, secrets: list[str], cache: Path) -> dict:
    code = f"import sys\nsys.argv[1:] = {secrets!r}\nCACHE = {str(cache)!r}\n{LOOK}"
    notebook = _execute(code, course / "autograded" / student / "tp")
    return json.loads(notebook.cells[0].outputs[-1]["text"])


def test_a_forked_kernel_sees_its_own_folder_and_processes_only(course, server, cache):
    secrets = [str(course / "gradebook.db"), str(course / "source"), str(server.address),
               "../../../gradebook.db"]
    assert (cache / "numba").is_dir()
    first = _looked(course, "e001", [*secrets, str(course / "autograded" / "e002")], cache)
    # The kernel wrote in its private copy of the server's cache, never in the cache.
    assert not (cache / "plante.txt").exists()
    assert first["neighbours"] == ["e001"], first
    assert first["secrets"] == [], first
    assert (first["pid"], first["parent"], first["processes"]) == (2, 1, ["1", "2"]), first
    assert set(first["capabilities"].values()) == {0}, first
    assert not first["package_written"], first
    assert first["graded"] == "e001", first
    assert first["pandas"] and first["folder_on_path"], first
    assert (course / "autograded" / "e001" / "tp" / "ecrit.txt").read_text() == "copie"

    second = _looked(course, "e002", [*secrets, str(course / "autograded" / "e001")], cache)
    assert "plante.txt" not in second["tmp"], second
    assert second["neighbours"] == ["e002"] and second["secrets"] == [], second
    assert second["graded"] == "e002", second
    assert not (course / "autograded" / "e001" / "tp" / "plante.txt").exists()


RUN = """
import json
import numba
from passerelle import run
from passerelle.engine.kernels import accrual, cells, draws
def compiled():
    return sum(len(value.signatures) for m in (draws, cells, accrual) for value in vars(m).values()
               if isinstance(value, numba.core.dispatcher.Dispatcher))
before = compiled()
run("baseline", population={"size": 1_500}, run={"months": 3, "burn_in": 0})
print(json.dumps({"before": before, "after": compiled()}))
"""


def test_a_forked_kernel_runs_the_simulator_on_kernels_the_server_compiled(course, server):
    notebook = _execute(RUN, course / "autograded" / "e001" / "tp")
    found = json.loads(notebook.cells[0].outputs[-1]["text"])
    assert found["before"] >= 4 and found["after"] == found["before"], found


def test_a_kernel_that_kills_itself_is_a_dead_kernel(course, server):
    with pytest.raises(DeadKernelError):
        _execute("import os\nos._exit(3)", course / "autograded" / "e001" / "tp")


def _request(address: Path, cwd: str) -> dict:
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as link:
        link.connect(str(address))
        link.sendall(json.dumps({"cwd": cwd, "connection": "{}"}).encode() + b"\n")
        return json.loads(link.makefile("rb").readline())


def test_a_folder_that_is_not_a_graded_one_is_refused(course, server, tmp_path):
    for cwd in ("/", str(course), str(course / "autograded" / "e001"),
                str(course / "autograded" / "e001" / "tp" / ".." / ".." / ".." / "source")):
        answer = _request(server.address, cwd)
        assert answer["exit"] == 1 and "graded folder" in answer["error"], (cwd, answer)


def _sleepers(mark: str) -> list[str]:
    """Processes of the machine whose command line is ``mark``."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            line = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
        except OSError:
            continue
        if line == mark:
            found.append(entry.name)
    return found


def _gone(mark: str) -> bool:
    deadline = time.monotonic() + 10
    while _sleepers(mark) and time.monotonic() < deadline:
        time.sleep(0.1)
    return _sleepers(mark) == []


def test_killing_the_client_kills_the_kernel_and_what_it_started(course, server):
    mark = "sleep 4321.5"
    manager, client = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60,
                                       cwd=str(course / "autograded" / "e001" / "tp"))
    try:
        client.execute_interactive(f"import subprocess\nsubprocess.Popen({mark.split()!r})",
                                   timeout=30)
        assert len(_sleepers(mark)) == 1
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    assert _gone(mark)


def test_stopping_the_server_kills_its_kernels(course, tmp_path, monkeypatch):
    mark = "sleep 4321.25"
    with KernelServer(tmp_path / "serveur", course, course / "autograded", None) as running:
        kernels = SandboxKernel(tmp_path / "noyaux", course, None, running.address).install()
        monkeypatch.setenv("JUPYTER_PATH", str(kernels))
        manager, client = start_new_kernel(kernel_name=KERNEL_NAME, startup_timeout=60,
                                           cwd=str(course / "autograded" / "e001" / "tp"))
        client.execute_interactive(f"import subprocess\nsubprocess.Popen({mark.split()!r})",
                                   timeout=30)
        assert len(_sleepers(mark)) == 1
    try:
        assert _gone(mark)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)

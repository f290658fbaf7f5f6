"""Autograde every collected submission with nbgrader, in parallel, each kernel in a sandbox.

With ``kernel_server`` (the default), one server a batch imports what the kernels import,
compiles the simulator's numba kernels (from a cache kept between batches) and forks each
kernel, confined as the sandbox's own bubblewrap would confine it (see
:mod:`passerelle.course.kernel_server`): a copy no longer pays for starting Python, IPython,
pandas, matplotlib and numba. Without it, the numba kernels are compiled once before the
batch by a run of the source notebooks (which also writes matplotlib's font list), and every
sandboxed kernel starts from a private copy of those caches. One worker
process a core, each holding one nbgrader API for the whole batch (nbgrader costs about 2 s
to start): workers take the next student as they finish, nbgrader writes the grades into the
course's SQLite gradebook. A cell that runs past the per-cell timeout is interrupted and
scores 0, and the rest of the notebook is graded (nbgrader's ``Execute`` preprocessor). A
submission that still hangs (one that ignores the interrupt) is stopped by a watchdog: its
worker is killed, the submission gets a line in the error report and a fresh worker carries on.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from passerelle.course import incidents as report
from passerelle.course.incidents import Incident
from passerelle.course.nbgrader_course import Course, CourseInputError
from passerelle.course.sandbox import (
    CACHE,
    KERNEL_NAME,
    KernelServer,
    SandboxKernel,
    SandboxUnavailable,
    bubblewrap,
)
from passerelle.course.warm_cache import warm

STEP = report.AUTOGRADE
TIMEOUT_ENAME = "CellTimeoutError"


@dataclass(frozen=True)
class AutogradeSettings:
    """How to run the batch.

    Parameters
    ----------
    workers
        Worker processes (default: the machine's cores).
    cell_timeout
        Seconds a cell may run (default: ``Execute.timeout`` of the course's configuration).
    start_margin
        Seconds allowed on top of ``cell_timeout`` × code cells before the watchdog stops a
        submission (kernel start and nbgrader's own work; assumption: 10 × a typical 3 s).
    sandbox
        Run each kernel under bubblewrap (see :mod:`passerelle.course.sandbox`).
    warm_numba
        Give every sandboxed kernel the simulator's compiled numba kernels: the kernel server
        compiles them (or loads them from its cache, kept from one batch to the next) and
        every kernel it forks inherits them; without the server, the source notebooks are run
        once before the batch to fill numba's cache and matplotlib's font list, and every
        kernel starts from a copy of those caches (see :mod:`passerelle.course.warm_cache`).
    kernel_server
        Fork each sandboxed kernel from one pre-imported server (see
        :mod:`passerelle.course.kernel_server`) rather than start it afresh; where the server
        cannot confine its kernels (user namespaces refused), a warning says so and every
        kernel starts afresh under its own bubblewrap.
    """

    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    cell_timeout: int | None = None
    start_margin: float = 30.0
    sandbox: bool = True
    warm_numba: bool = True
    kernel_server: bool = True


@dataclass(frozen=True)
class Autograded:
    """Result of a batch: students graded, incidents, wall-clock seconds."""

    graded: list[str]
    incidents: list[Incident]
    seconds: float


def _overrides(settings: AutogradeSettings, kernels: Path | None) -> dict:
    execute: dict = {}
    if settings.cell_timeout is not None:
        execute["timeout"] = settings.cell_timeout
    if kernels is not None:
        execute["kernel_name"] = KERNEL_NAME
    return {"Execute": execute} if execute else {}


def _worker(root: str, overrides: dict, kernels: str | None, tasks, results) -> None:
    """Grade the students sent on ``tasks`` with one nbgrader API; answer on ``results``."""
    if kernels is not None:
        os.environ["JUPYTER_PATH"] = kernels
    api = Course(Path(root)).api(overrides)
    while (task := tasks.get()) is not None:
        assignment, student_id = task
        results.put((student_id, None, []))
        outcome = api.autograde(assignment, student_id)
        results.put((student_id, bool(outcome["success"]),
                     (outcome.get("error") or "").strip().splitlines()[-1:]))


@dataclass
class _Slot:
    process: multiprocessing.Process
    tasks: object
    student: str | None = None
    started: float | None = None


def _code_cells(course: Course, assignment: str) -> int:
    return sum(sum(c.cell_type == "code" for c in nbformat.read(
        course.source / assignment / f"{name}.ipynb", 4).cells)
        for name in course.notebooks(assignment))


def _cell_timeout(course: Course, settings: AutogradeSettings) -> int:
    if settings.cell_timeout is not None:
        return settings.cell_timeout
    return int(course.config().Execute.timeout)


def _run(course: Course, assignment: str, students: list[str], settings: AutogradeSettings,
         kernels: Path | None, found: list[Incident]) -> list[str]:
    # fork where the system has it: a worker then starts without importing anything again.
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    results = context.Queue()
    overrides = _overrides(settings, kernels)
    deadline = (_cell_timeout(course, settings) * _code_cells(course, assignment)
                + settings.start_margin)

    def start() -> _Slot:
        tasks = context.Queue()
        process = context.Process(target=_worker, daemon=True, args=(
            str(course.root.resolve()), overrides, None if kernels is None else str(kernels),
            tasks, results))
        process.start()
        return _Slot(process, tasks)

    pending = list(reversed(students))
    # A failed nbgrader run is tried once more, last: a kernel that did not start in time on
    # a busy machine must not cost a student their points; a second failure is reported.
    retried: set[str] = set()
    slots = [start() for _ in range(max(1, min(settings.workers, len(students))))]
    graded: list[str] = []

    def feed(slot: _Slot) -> None:
        slot.student = pending.pop() if pending else None
        slot.started = None
        slot.tasks.put(None if slot.student is None else (assignment, slot.student))

    for slot in slots:
        feed(slot)
    while any(slot.student is not None for slot in slots):
        try:
            student_id, success, error = results.get(timeout=1.0)
        except queue.Empty:
            student_id = None
        for index, slot in enumerate(slots):
            if student_id is not None and slot.student == student_id and success is None:
                slot.started = time.monotonic()
            elif student_id is not None and slot.student == student_id:
                if success:
                    graded.append(student_id)
                elif student_id not in retried:
                    retried.add(student_id)
                    pending.insert(0, student_id)
                else:
                    found.append(Incident(student_id, STEP, assignment,
                                          "la correction automatique a échoué deux fois : "
                                          + " ".join(error)[:200],
                                          "note 0 : à corriger à la main", False))
                feed(slot)
            elif slot.student is not None and (not slot.process.is_alive() or (
                    slot.started is not None and time.monotonic() - slot.started > deadline)):
                found.append(Incident(slot.student, STEP, assignment,
                                      f"correction arrêtée après {deadline:.0f} s (le notebook "
                                      "ignore l'interruption ou a tué le correcteur)",
                                      "note 0 : à corriger à la main", False))
                slot.process.kill()
                slot.process.join()
                slots[index] = start()
                feed(slots[index])
    for slot in slots:
        slot.process.join(timeout=30)
    return sorted(graded)


def _graded_incidents(course: Course, assignment: str, student_id: str,
                      timeout: int) -> list[Incident]:
    """Lines for what a graded notebook shows: cells interrupted, test cells writing stderr."""
    found = []
    folder = course.submission(course.autograded, student_id, assignment)
    for path in sorted(folder.glob("*.ipynb")):
        for cell in nbformat.read(path, 4).cells:
            meta = cell.metadata.get("nbgrader", {})
            outputs = cell.get("outputs", [])
            if any(o.get("ename") == TIMEOUT_ENAME for o in outputs):
                found.append(Incident(student_id, STEP, path.name,
                                      f"cellule {meta.get('grade_id', '?')} interrompue après "
                                      f"{timeout} s (boucle sans fin ?)",
                                      "cette cellule vaut 0, la suite est corrigée", True))
            elif meta.get("grade") and not meta.get("solution") and any(
                    o.get("name") == "stderr" for o in outputs):
                found.append(Incident(student_id, STEP, path.name,
                                      f"sortie d'erreur (stderr) dans le test "
                                      f"{meta.get('grade_id', '?')}", "ce test vaut 0", True))
    return found


def _server(stack: contextlib.ExitStack, folder: Path, course: Course,
            compiled: bool) -> Path | None:
    """The running kernel server's socket, or ``None`` (with a warning) where the server
    cannot confine its kernels: each kernel then gets a bubblewrap of its own."""
    bubblewrap()  # no bubblewrap at all is an error for the instructor, not a fallback
    try:
        return stack.enter_context(KernelServer(folder, course.root, course.autograded,
                                                CACHE if compiled else None)).address
    except SandboxUnavailable as why:
        warnings.warn(f"{why}; chaque copie aura un noyau neuf sous bubblewrap", stacklevel=3)
        return None


def autograde(course: Course, assignment: str, students: list[str] | None = None,
              settings: AutogradeSettings | None = None) -> Autograded:
    """Autograde the collected submissions of ``assignment`` (all, or ``students``).

    Parameters
    ----------
    course
        The nbgrader course (``generate`` must have run: the gradebook knows the assignment).
    assignment
        The assignment's name.
    students
        Student ids to grade (default: every folder of ``submitted/`` holding the assignment).
    settings
        Workers, timeouts, sandbox.

    Examples
    --------
    >>> autograde(Course(Path("course")), "tp01-non-recours")  # doctest: +SKIP
    """
    settings = settings or AutogradeSettings()
    started = time.perf_counter()
    api = course.api()
    with api.gradebook as gradebook:
        if assignment not in {a.name for a in gradebook.assignments}:
            raise CourseInputError(f"{course.gradebook}: assignment {assignment!r} is not in the "
                                   "gradebook: run 'passerelle course generate' first")
        if students is None:
            students = sorted(p.parent.name for p in course.submitted.glob(f"*/{assignment}")
                              if p.is_dir())
        for student_id in students:
            gradebook.update_or_create_student(student_id)
    found: list[Incident] = []
    with (tempfile.TemporaryDirectory(prefix="passerelle-noyaux-") as scratch,
          contextlib.ExitStack() as stack):
        server = (_server(stack, Path(scratch) / "serveur", course, settings.warm_numba)
                  if settings.sandbox and settings.kernel_server else None)
        cache = None
        if settings.sandbox and settings.warm_numba and server is None:
            cache = Path(scratch) / "caches"
            warm(cache, assignment, [course.source / assignment / f"{name}.ipynb"
                                     for name in course.notebooks(assignment)])
        kernels = (SandboxKernel(Path(scratch), course.root, cache, server).install()
                   if settings.sandbox else None)
        graded = _run(course, assignment, students, settings, kernels, found)
    timeout = _cell_timeout(course, settings)
    for student_id in graded:
        found += _graded_incidents(course, assignment, student_id, timeout)
    report.write(report.report_path(course.root, assignment), found, append=True)
    return Autograded(graded, found, time.perf_counter() - started)

"""``passerelle course …``: the course's commands: ``audit`` and ``timing`` here, the
instructor's workflow (generate, collect, autograde, feedback, grades, lab, bench) from
``passerelle.course.instructor_cli``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from passerelle.course.assignments import NAMES
from passerelle.course.instructor_cli import register
from passerelle.course.timing import timings

app = typer.Typer(help="The nbgrader course: audit its tests, grade, give feedback.",
                  no_args_is_help=True, add_completion=False)
# Wide enough for the audit table when the output is not a terminal (CI logs, a file).
console = Console(width=150)
errors = Console(stderr=True, soft_wrap=True)
register(app)


@app.command()
def audit(
    assignment: Annotated[list[str] | None, typer.Argument(
        help="assignments to audit (default: all)")] = None,
    students: Annotated[int, typer.Option(min=10, help="simulated students per question")] = 200,
) -> None:
    """Sensitivity and specificity of every autograded question's hidden test, over simulated
    correct students and known misconceptions; exit code 1 if a gate fails."""
    from passerelle.course import audit as auditing

    chosen = assignment or list(NAMES)
    unknown = [name for name in chosen if name not in NAMES]
    if unknown:
        errors.print(f"error: assignment {unknown[0]!r} does not exist; "
                     f"assignments: {', '.join(NAMES)}")
        raise typer.Exit(2)
    lines = [line for name in chosen for line in auditing.audit(name, students)]
    table = Table(title=f"audit of the hidden tests ({students} simulated students each)")
    for column in ("assignment", "question", "case", "sensitivity", "specificity",
                   "hint shown", "gate", "ok"):
        table.add_column(column, justify="right" if column in {"sensitivity", "specificity",
                                                                 "hint shown"} else "left")
    for line in lines:
        correct = line.case == auditing.CORRECT
        table.add_row(
            line.assignment, line.question, line.case,
            f"{line.rate:.1%}" if correct else "",
            "" if correct else f"{line.rate:.1%}",
            "" if line.hinted is None else f"{line.hinted:.1%}",
            "—" if line.gate is None else f"≥ {line.gate:.0%}",
            "yes" if line.ok else "NO",
        )
    console.print(table)
    if not all(line.ok for line in lines):
        raise typer.Exit(1)


@app.command()
def timing(
    repeats: Annotated[int, typer.Option(min=1, help="fresh processes per step")] = 5,
) -> None:
    """Seconds until a student's personal data are ready in a fresh process, import
    included: wall clock (median, min, max, and against ``python -c pass`` in the same loop)
    and CPU."""
    found = timings(repeats)
    reference = found[0].median
    table = Table(title=f"fresh-process timings ({repeats} repeats, interleaved)")
    for column in ("step", "wall median s", "min s", "max s", "× python -c pass",
                   "CPU median s"):
        table.add_column(column, justify="left" if column == "step" else "right")
    for t in found:
        table.add_row(t.label, f"{t.median:.2f}", f"{min(t.seconds):.2f}",
                      f"{max(t.seconds):.2f}", f"{t.median / reference:.1f}",
                      f"{t.cpu_median:.2f}")
    console.print(table)

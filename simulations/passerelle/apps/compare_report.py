"""A comparison's report folder (``passerelle compare --out``): its table as CSV, what was
run, the figures and a Markdown page with the headline tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from passerelle.apps.compare import Comparison
from passerelle.apps.compare_plots import drawn_plots, figures
from passerelle.apps.compare_tables import tables
from passerelle.apps.figures import save
from passerelle.apps.report import what_was_run
from passerelle.config.labels import COST_SCOPE
from passerelle.engine.numbers import number


def _markdown(frame: pd.DataFrame) -> list[str]:
    columns = list(frame.columns)
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(str(v) for v in row) + " |" for row in frame.itertuples(
        index=False)]
    return lines


def title(comparison: Comparison) -> str:
    """``facilitators + facilitators.caseload=80 vs centres against baseline``: each
    scenario with the overrides that changed it."""
    def named(scenario: str) -> str:
        record = comparison.records.get(scenario)
        return record.title if record is not None else scenario

    others = " vs ".join(named(s) for s in comparison.scenarios[1:])
    return f"{others} against {named(comparison.reference)}"


def write_report(comparison: Comparison, folder: str | Path) -> Path:
    """Write ``comparison.csv``, ``record.json``, the plots and ``report.md`` into
    ``folder``; returns the Markdown page."""
    import json

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    table = comparison.table()
    table.to_csv(folder / "comparison.csv", index=False)
    (folder / "record.json").write_text(json.dumps(
        {name: record.as_dict() for name, record in comparison.records.items()}, indent=2,
        sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8")
    drawn = []
    for (file, heading, _), (_, fig) in zip(drawn_plots(comparison), figures(comparison),
                                            strict=True):
        save(fig, folder / file)
        drawn.append((file, heading))
    lines = [
        f"# {title(comparison)}", "",
        f"Seeds {', '.join(map(str, comparison.seeds))}; reported months {comparison.months[0]}"
        f" to {comparison.months[1]}; each simulated person stands for "
        f"{number(comparison.scale)} people; {len(comparison.runs)} runs in "
        f"{comparison.seconds:.1f} s. Same population and seeds in every scenario (common "
        "random numbers): differences are paired, person-level effects exact. Intervals: "
        "95% t intervals over seeds. The full table is `comparison.csv` "
        "(see `passerelle.apps.compare`); what was run, `record.json`.", "",
        f"Costs: {COST_SCOPE}.", "",
    ]
    for scenario in comparison.scenarios:
        record = comparison.records.get(scenario)
        if record is not None:
            lines += [f"## What was run: {record.title}", "",
                      *what_was_run(record, comparison.months, comparison.scale), ""]
    for heading, frame in tables(comparison).items():
        lines += [f"## {heading}", "", *_markdown(frame), ""]
    lines += [f"## {heading}\n\n![{heading}]({file})\n" for file, heading in drawn]
    page = folder / "report.md"
    page.write_text("\n".join(lines), encoding="utf-8")
    return page

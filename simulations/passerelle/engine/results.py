"""Results of a run: monthly counts per group cell, turned into tidy tables and summaries."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from passerelle.config.scenario import Scenario
from passerelle.engine.groups import ADULT_BANDS, STEPS, Grouping
from passerelle.engine.module import Measure
from passerelle.engine.timeline import month_label

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Results:
    """Monthly counts of every measure in every cell (coverage × quintile × commune × age).

    ``cells[measure]`` has shape (months, cells) and counts simulated people; multiply by
    ``scale`` for the real population (``table`` and ``total`` do). ``people`` holds the
    final value of each module's ``person_totals`` columns, indexed by uid.
    """

    scenario: Scenario
    grouping: Grouping
    measures: tuple[Measure, ...]
    cells: dict[str, np.ndarray]
    scale: float
    start: int
    agent_months: int = 0
    seconds: float = 0.0
    people: dict[str, np.ndarray] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)

    @property
    def months(self) -> list[str]:
        """Month labels, YYYY-MM."""
        n = next(iter(self.cells.values())).shape[0] if self.cells else 0
        return [month_label(self.start + t) for t in range(n)]

    def _array(self, measure: str) -> np.ndarray:
        if measure not in self.cells:
            raise KeyError(f"no measure {measure!r}; measures: {sorted(self.cells)}")
        return self.cells[measure].reshape(-1, *self.grouping.shape)

    def select(self, measure: str, **where: str | tuple[str, ...] | list[str]) -> np.ndarray:
        """Monthly totals (real population) of ``measure`` over the cells matching ``where``,
        e.g. ``select("population", coverage=("insured", "lapsed"), age_band=adults)``."""
        array = self._array(measure)
        for axis, (dimension, labels) in enumerate(self.grouping.dimensions.items(), start=1):
            if dimension not in where:
                continue
            wanted = (where[dimension],) if isinstance(where[dimension], str) else where[dimension]
            unknown = set(wanted) - set(labels)
            if unknown:
                raise KeyError(f"{dimension} has no {sorted(unknown)}; it has {labels}")
            index = [labels.index(label) for label in wanted]
            array = np.take(array, index, axis=axis)
        unknown_dims = set(where) - set(self.grouping.dimensions)
        if unknown_dims:
            raise KeyError(f"no dimension {sorted(unknown_dims)}; "
                           f"dimensions: {list(self.grouping.dimensions)}")
        return array.reshape(array.shape[0], -1).sum(axis=1) * self.scale

    def total(self, measure: str) -> pd.Series:
        """Monthly total of ``measure`` for the real population."""
        import pandas as pd

        return pd.Series(self.select(measure), index=self.months, name=measure)

    def by(self, measure: str, dimension: str) -> pd.DataFrame:
        """Monthly totals of ``measure`` by one dimension (columns: its labels)."""
        import pandas as pd

        labels = self.grouping.dimensions[dimension]
        axis = list(self.grouping.dimensions).index(dimension) + 1
        array = self._array(measure)
        other = tuple(a for a in range(1, array.ndim) if a != axis)
        return pd.DataFrame(array.sum(axis=other) * self.scale, index=self.months,
                            columns=list(labels))

    def table(self) -> pd.DataFrame:
        """Tidy table: one row per month × group × measure, for the whole population
        (``group_by == "all"``) and by each dimension. ``value`` is for the real population,
        ``sample`` counts simulated people (or sums their EUR)."""
        import pandas as pd

        frames = []
        months = np.array(self.months)
        for measure in sorted(self.cells):
            array = self._array(measure)
            n_months = array.shape[0]
            total = array.reshape(n_months, -1).sum(axis=1)
            frames.append(pd.DataFrame({
                "month": months, "group_by": "all", "group": "all", "measure": measure,
                "sample": total,
            }))
            for axis, (dimension, labels) in enumerate(self.grouping.dimensions.items(), 1):
                other = tuple(a for a in range(1, array.ndim) if a != axis)
                sums = array.sum(axis=other)
                frames.append(pd.DataFrame({
                    "month": np.repeat(months, len(labels)),
                    "group_by": dimension,
                    "group": np.tile(np.array(labels, dtype=object), n_months),
                    "measure": measure,
                    "sample": sums.reshape(-1),
                }))
        table = pd.concat(frames, ignore_index=True)
        table["value"] = table["sample"] * self.scale
        for column in ("month", "group_by", "group", "measure"):
            table[column] = table[column].astype("category")
        return table[["month", "group_by", "group", "measure", "value", "sample"]]

    def last_year(self, measure: str, **where) -> float:
        """Sum of ``measure`` over the last 12 reported months (real population); a run of
        fewer months gives its monthly mean × 12, so that yearly rates stay yearly."""
        recent = self.select(measure, **where)[-12:]
        return float(recent.sum() * (12 / len(recent)))

    def at_end(self, measure: str, **where) -> float:
        """Value of a stock ``measure`` in the last month (real population)."""
        return float(self.select(measure, **where)[-1])

    def summary(self) -> pd.DataFrame:
        """Key indicators over the last 12 months: one row per indicator, with its unit."""
        import pandas as pd

        population = self.at_end("population")
        residents = {"coverage": ("insured", "insured_bim", "lapsed")}
        adults = {"age_band": tuple(self.grouping.dimensions["age_band"][i] for i in ADULT_BANDS)}
        unmet = sum(self.last_year(f"unmet_{s}") for s in STEPS)
        rows = [
            ("population", population, "persons"),
            ("needs per person-year", self.last_year("needs_new") / population, "needs"),
            ("needs unmet in a month", unmet, "need-months"),
            *((f"  of which at '{s}'", self.last_year(f"unmet_{s}") / max(unmet, 1e-12),
               "share 0-1") for s in STEPS),
            ("needs given up", self.last_year("forgone"), "needs"),
            ("adult residents with a perceived unmet need (12 months)",
             self.at_end("unmet_12m_reported", **residents, **adults)
             / self.at_end("population", **residents, **adults), "share 0-1"),
            ("ED visits per 1,000 a year", 1000 * self.last_year("ed_visits") / population,
             "visits"),
            ("  of which avoidable", self.last_year("ed_avoidable")
             / max(self.last_year("ed_visits"), 1e-12), "share 0-1"),
            ("hospital stays per 1,000 a year",
             1000 * self.last_year("hospital_stays") / population, "stays"),
            ("residents with a DMG", self.at_end("with_dmg", **residents)
             / self.at_end("population", **residents), "share 0-1"),
            ("residents not in order with their mutuelle",
             self.at_end("population", coverage="lapsed")
             / self.at_end("population", **residents), "share 0-1"),
            ("undocumented people", self.at_end(
                "population", coverage=("undocumented_amu", "undocumented_no_amu")), "persons"),
            ("  of which with active AMU", self.at_end("population", coverage="undocumented_amu")
             / max(self.at_end("population", coverage=("undocumented_amu",
                                                       "undocumented_no_amu")), 1e-12),
             "share 0-1"),
            *((f"cost to {payer}", self.last_year(f"cost_{payer}"), "EUR a year")
              for payer in ("inami", "patient", "federal", "programme")),
        ]
        present = [row for row in rows if not isinstance(row[1], float) or np.isfinite(row[1])]
        return pd.DataFrame(present, columns=["indicator", "value", "unit"])

    def describe(self) -> dict:
        """Run metadata, as written to summary.json."""
        return {
            "scenario": self.scenario.name,
            "source": self.scenario.source,
            "seed": self.scenario.run.seed,
            "region": self.scenario.population.region,
            "simulated_people": round(self.at_end("population") / self.scale),
            "scale": self.scale,
            "months": [self.months[0], self.months[-1]] if self.months else [],
            "agent_months": self.agent_months,
            "agent_months_per_second": self.agent_months / self.seconds if self.seconds else None,
            **self.meta,
        }

    def save(self, out: str | Path) -> Path:
        """Write ``results.parquet`` and ``summary.json`` into ``out``; returns ``out``."""
        from passerelle.engine.store import write_results

        return write_results(self, Path(out))

    def __repr__(self) -> str:
        return (f"Results({self.scenario.name!r}, {len(self.months)} months, "
                f"{len(self.cells)} measures)")


def summary_json(results: Results) -> str:
    """The summary and metadata as stable JSON (sorted keys, rounded floats)."""
    summary = {row.indicator.strip(): round(float(row.value), 10)
               for row in results.summary().itertuples()}
    return json.dumps({"run": results.describe(), "summary": summary}, indent=2,
                      sort_keys=True, default=str)

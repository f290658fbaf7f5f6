"""Results of a run: monthly counts per group cell, turned into tidy tables and summaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from passerelle.engine.groups import ADULT_BANDS, STEPS, Grouping
from passerelle.engine.module import Measure
from passerelle.engine.numbers import SHARE
from passerelle.engine.payers import PAYER_NAMES, cost_name
from passerelle.engine.plan import Plan, Record
from passerelle.engine.store import write_results
from passerelle.engine.timeline import month_label

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Results:
    """Monthly counts of every measure in every cell (coverage × quintile × commune × age).

    ``cells[measure]`` has shape (months, cells) and counts simulated people; multiply by
    ``scale`` for the real population (``table`` and ``total`` do). ``people`` holds the
    final value of each module's ``person_totals`` columns, indexed by uid. ``record``
    says what was run (the command line sets it with the overrides as given).
    """

    scenario: Plan
    grouping: Grouping
    measures: tuple[Measure, ...]
    cells: dict[str, np.ndarray]
    scale: float
    start: int
    agent_months: int = 0
    seconds: float = 0.0
    people: dict[str, np.ndarray] = field(default_factory=dict)
    meta: dict = field(default_factory=dict)
    record: Record | None = None

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
        """Key indicators: one row per indicator with a stable ``key``, the ``indicator``
        as a reader reads it (saying "a year" for flows over the last 12 months, "in the
        last month" for stocks), its ``value`` and ``unit`` (a share is ``share 0-1``).
        A run without the model's ``population`` measure (a run of plugins) gets one row
        per measure: a stock in the last month, a flow over the last 12 months."""
        import pandas as pd

        if "population" not in self.cells:
            return pd.DataFrame(
                [(m.name, m.description, self.at_end(m.name), m.unit) if m.kind == "stock"
                 else (m.name, f"{m.description} a year", self.last_year(m.name),
                       f"{m.unit} a year") for m in self.measures if m.name in self.cells],
                columns=["key", "indicator", "value", "unit"])
        population = self.at_end("population")
        residents = {"coverage": ("insured", "insured_bim", "lapsed")}
        adults = {"age_band": tuple(self.grouping.dimensions["age_band"][i] for i in ADULT_BANDS)}
        unmet = sum(self.last_year(f"unmet_{s}") for s in STEPS)
        undocumented = self.at_end("population", coverage=("undocumented_amu",
                                                           "undocumented_no_amu"))
        rows = [
            ("population", "population in the last month", population, "persons"),
            ("needs_per_person_year", "new care needs per person a year",
             self.last_year("needs_new") / population, "needs"),
            ("unmet_need_months", "needs unmet in a month, summed over a year", unmet,
             "need-months a year"),
            *((f"unmet_share_{s}", f"  of which at '{s}'",
               self.last_year(f"unmet_{s}") / max(unmet, 1e-12), SHARE) for s in STEPS),
            ("needs_given_up", "needs given up without care a year",
             self.last_year("forgone"), "needs a year"),
            ("adults_unmet_12m", "adult residents with a perceived unmet need in the last "
             "12 months", self.at_end("unmet_12m_reported", **residents, **adults)
             / self.at_end("population", **residents, **adults), SHARE),
            ("ed_visits_per_1000", "ED visits per 1,000 people a year",
             1000 * self.last_year("ed_visits") / population, "visits a year"),
            ("ed_avoidable_share", "  of which avoidable", self.last_year("ed_avoidable")
             / max(self.last_year("ed_visits"), 1e-12), SHARE),
            ("hospital_stays_per_1000", "hospital stays per 1,000 people a year",
             1000 * self.last_year("hospital_stays") / population, "stays a year"),
            ("residents_with_dmg", "residents with a DMG in the last month",
             self.at_end("with_dmg", **residents) / self.at_end("population", **residents),
             SHARE),
            ("residents_lapsed", "residents not in order with their mutuelle in the last "
             "month", self.at_end("population", coverage="lapsed")
             / self.at_end("population", **residents), SHARE),
            ("undocumented", "undocumented people in the last month", undocumented,
             "persons"),
            ("undocumented_amu_share", "  of which with active AMU",
             self.at_end("population", coverage="undocumented_amu") / max(undocumented, 1e-12),
             SHARE),
            *((f"cost_{payer}", f"{cost_name(payer)} a year",
               self.last_year(f"cost_{payer}"), "EUR a year") for payer in PAYER_NAMES),
        ]
        present = [row for row in rows if not isinstance(row[2], float) or np.isfinite(row[2])]
        return pd.DataFrame(present, columns=["key", "indicator", "value", "unit"])

    def run_record(self) -> Record:
        """What was run: the record given to the run (``record``), or the scenario's
        own (its changes from the scenario file stand for the overrides)."""
        return self.record if self.record is not None else self.scenario.run_record()

    def describe(self) -> dict:
        """Run metadata, as written to summary.json: the record of what was run, and
        the run's size and speed."""
        record = self.run_record()
        return {
            "scenario": self.scenario.name,
            "title": record.title,
            "source": self.scenario.source,
            "seed": self.scenario.run.seed,
            "region": self.scenario.population.region,
            "simulated_people": (round(self.at_end("population") / self.scale)
                                 if "population" in self.cells else None),
            "scale": self.scale,
            "months": [self.months[0], self.months[-1]] if self.months else [],
            "agent_months": self.agent_months,
            "agent_months_per_second": self.agent_months / self.seconds if self.seconds else None,
            "record": record.as_dict(),
            **self.meta,
        }

    def parquet_metadata(self) -> dict[str, str]:
        """Schema metadata of ``results.parquet``: the scenario, the seed and the whole
        record of what was run (JSON under ``passerelle.record``)."""
        record = self.run_record()
        return {"passerelle.config.scenario": self.scenario.name,
                "passerelle.seed": str(self.scenario.run.seed),
                "passerelle.title": record.title,
                "passerelle.params_hash": record.params_hash,
                "passerelle.record": record.to_json()}

    def save(self, out: str | Path) -> Path:
        """Write ``results.parquet`` and ``summary.json`` into ``out``; returns ``out``."""
        return write_results(self, Path(out))

    def __repr__(self) -> str:
        return (f"Results({self.scenario.name!r}, {len(self.months)} months, "
                f"{len(self.cells)} measures)")

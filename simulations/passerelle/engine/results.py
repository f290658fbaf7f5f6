"""Results of a run: monthly counts per group cell, turned into tidy tables and summaries."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from passerelle.engine.groups import ADULT_BANDS, STEPS, Grouping
from passerelle.engine.module import Measure
from passerelle.engine.store import write_results
from passerelle.engine.timeline import month_label

if TYPE_CHECKING:
    import pandas as pd


@dataclass
class Results:
    """Monthly counts of every measure in every cell (coverage × quintile × commune × age).

    ``cells[measure]`` has shape (months, cells) and counts simulated people; multiply by
    ``scale`` for the real population (``table`` and ``total`` do). ``people`` holds the
    final value of each module's ``person_totals`` columns, indexed by uid. ``scenario``
    is the scenario that was run (a ``passerelle.config.scenario.Scenario``).

    Examples
    --------
    >>> import passerelle
    >>> results = passerelle.run("baseline", population={"size": 2_000},
    ...                          run={"months": 3, "burn_in": 0})
    >>> results.total("population").index.tolist()
    ['2016-01', '2016-02', '2016-03']
    >>> list(results.by("population", "coverage").columns)[:2]
    ['insured', 'insured_bim']
    >>> bool(results.select("population", coverage="lapsed")[-1] > 0)
    True
    >>> results.summary().columns.tolist()
    ['indicator', 'value', 'unit']
    """

    scenario: Any
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
        """Monthly totals (real population) of ``measure`` over the cells matching ``where``.

        Parameters
        ----------
        measure : str
            A measure of the run (``passerelle measures`` lists them).
        **where
            A dimension (``coverage``, ``quintile``, ``commune``, ``age_band``) mapped to
            one label or several, e.g. ``coverage=("insured", "lapsed")``.

        Returns
        -------
        numpy.ndarray
            One total a reported month, in the measure's unit.
        """
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
        """Monthly total of ``measure`` for the real population, indexed by month
        (YYYY-MM)."""
        import pandas as pd

        return pd.Series(self.select(measure), index=self.months, name=measure)

    def by(self, measure: str, dimension: str) -> pd.DataFrame:
        """Monthly totals of ``measure`` by one ``dimension`` (``coverage``, ``quintile``,
        ``commune`` or ``age_band``): one row a month, one column a label."""
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
        """Key indicators over the last 12 months: one row per indicator, with its unit.

        The model's indicators (needs, unmet needs by barrier, ED visits, coverage, costs)
        appear when the run records the measures they are made of. A run without the
        model's ``population`` measure (a run of plugins) gets one row per measure
        instead: a stock at the end of the run, a flow over its last 12 months.

        Returns
        -------
        pandas.DataFrame
            Columns ``indicator``, ``value`` (real population) and ``unit``.
        """
        import pandas as pd

        if "population" not in self.cells:
            return pd.DataFrame(
                [(m.name, self.at_end(m.name) if m.kind == "stock" else self.last_year(m.name),
                  m.unit if m.kind == "stock" else f"{m.unit} a year")
                 for m in self.measures if m.name in self.cells],
                columns=["indicator", "value", "unit"])
        rows = [(label, compute(), unit) for needs, label, unit, compute in self._indicators()
                if set(needs) <= set(self.cells)]
        present = [row for row in rows if not isinstance(row[1], float) or np.isfinite(row[1])]
        return pd.DataFrame(present, columns=["indicator", "value", "unit"])

    def _indicators(self) -> list[tuple[tuple[str, ...], str, str, Callable[[], float]]]:
        """The model's indicators: (measures needed besides ``population``, label, unit,
        how to compute it), in the order the summary lists them."""
        population = self.at_end("population")
        residents = {"coverage": ("insured", "insured_bim", "lapsed")}
        adults = {"age_band": tuple(self.grouping.dimensions["age_band"][i] for i in ADULT_BANDS)}
        undocumented = ("undocumented_amu", "undocumented_no_amu")
        steps = tuple(f"unmet_{s}" for s in STEPS)

        def unmet() -> float:
            return sum(self.last_year(m) for m in steps)

        def resident_share(measure: str, **where) -> float:
            return (self.at_end(measure, **residents, **where)
                    / self.at_end("population", **residents, **where))

        return [
            ((), "population", "persons", lambda: population),
            (("needs_new",), "needs per person-year", "needs",
             lambda: self.last_year("needs_new") / population),
            (steps, "needs unmet in a month", "need-months", unmet),
            *((steps, f"  of which at '{s}'", "share 0-1",
               lambda s=s: self.last_year(f"unmet_{s}") / max(unmet(), 1e-12)) for s in STEPS),
            (("forgone",), "needs given up", "needs", lambda: self.last_year("forgone")),
            (("unmet_12m_reported",), "adult residents with a perceived unmet need (12 months)",
             "share 0-1", lambda: resident_share("unmet_12m_reported", **adults)),
            (("ed_visits",), "ED visits per 1,000 a year", "visits",
             lambda: 1000 * self.last_year("ed_visits") / population),
            (("ed_visits", "ed_avoidable"), "  of which avoidable", "share 0-1",
             lambda: self.last_year("ed_avoidable") / max(self.last_year("ed_visits"), 1e-12)),
            (("hospital_stays",), "hospital stays per 1,000 a year", "stays",
             lambda: 1000 * self.last_year("hospital_stays") / population),
            (("with_dmg",), "residents with a DMG", "share 0-1",
             lambda: resident_share("with_dmg")),
            ((), "residents not in order with their mutuelle", "share 0-1",
             lambda: self.at_end("population", coverage="lapsed")
             / self.at_end("population", **residents)),
            ((), "undocumented people", "persons",
             lambda: self.at_end("population", coverage=undocumented)),
            ((), "  of which with active AMU", "share 0-1",
             lambda: self.at_end("population", coverage="undocumented_amu")
             / max(self.at_end("population", coverage=undocumented), 1e-12)),
            *(((f"cost_{payer}",), f"cost to {payer}", "EUR a year",
               lambda payer=payer: self.last_year(f"cost_{payer}"))
              for payer in ("inami", "patient", "federal", "programme")),
        ]

    def describe(self) -> dict:
        """Run metadata, as written to summary.json."""
        return {
            "scenario": self.scenario.name,
            "source": self.scenario.source,
            "seed": self.scenario.run.seed,
            "region": self.scenario.population.region,
            "simulated_people": (round(self.at_end("population") / self.scale)
                                 if "population" in self.cells else None),
            "scale": self.scale,
            "months": [self.months[0], self.months[-1]] if self.months else [],
            "agent_months": self.agent_months,
            "agent_months_per_second": self.agent_months / self.seconds if self.seconds else None,
            **self.meta,
        }

    def save(self, out: str | Path) -> Path:
        """Write ``results.parquet`` and ``summary.json`` into ``out``; returns ``out``."""
        return write_results(self, Path(out))

    def summary_json(self) -> str:
        """The summary and metadata as stable JSON (sorted keys, rounded floats)."""
        summary = {row.indicator.strip(): round(float(row.value), 10)
                   for row in self.summary().itertuples()}
        return json.dumps({"run": self.describe(), "summary": summary}, indent=2,
                          sort_keys=True, default=str)

    def __repr__(self) -> str:
        return (f"Results({self.scenario.name!r}, {len(self.months)} months, "
                f"{len(self.cells)} measures)")


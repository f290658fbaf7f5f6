"""Results of a run: monthly counts per group cell, turned into tidy tables and summaries."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from passerelle.engine.groups import Grouping
from passerelle.engine.indicators import key_indicators
from passerelle.engine.module import Measure
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

    Parameters
    ----------
    scenario : Plan
        What was run (a ``Scenario``).
    grouping : Grouping
        The group cells the counts are kept in.
    measures : tuple of Measure
        What each module recorded, with its unit and kind (stock or flow).
    cells : dict of str to ndarray
        Per measure, simulated people (or EUR) counted per month and cell.
    scale : float
        Real people each simulated person stands for.
    start : int
        The first reported month, in months since 2000-01.
    agent_months, seconds, people, meta : int, float, dict, dict
        Person-months simulated, wall-clock seconds, the final ``person_totals``
        columns by uid, and extra entries for ``summary.json``.
    record : Record, optional
        What was run; default: the scenario's own record.

    Examples
    --------
    >>> from passerelle import Sim, load
    >>> results = Sim(load("baseline").replace(population={"size": 2_000},
    ...                                        run={"months": 3, "burn_in": 0})).run()
    >>> results.months, results.scale > 1
    (['2016-01', '2016-02', '2016-03'], True)
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
        """Monthly totals (real population) of ``measure`` over the cells matching ``where``.

        Parameters
        ----------
        measure : str
            A measure's name (``results.cells`` has them all).
        **where : str or sequence of str
            A dimension of the cells (``coverage``, ``quintile``, ``commune``,
            ``age_band``) and the labels to keep.

        Returns
        -------
        ndarray
            One total a reported month, in the measure's unit, for the real population.

        Examples
        --------
        >>> from passerelle import run
        >>> results = run("baseline", population={"size": 2_000}, run={"months": 3, "burn_in": 0})
        >>> lapsed = results.select("population", coverage=("lapsed", "undocumented_no_amu"))
        >>> bool((lapsed < results.select("population")).all())
        True
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
        """Monthly total of ``measure`` for the real population.

        Parameters
        ----------
        measure : str
            A measure's name.

        Returns
        -------
        pandas.Series
            Indexed by month (YYYY-MM), named ``measure``.

        Examples
        --------
        >>> from passerelle import run
        >>> results = run("baseline", population={"size": 2_000}, run={"months": 3, "burn_in": 0})
        >>> results.total("population").index.tolist()
        ['2016-01', '2016-02', '2016-03']
        """
        import pandas as pd

        return pd.Series(self.select(measure), index=self.months, name=measure)

    def by(self, measure: str, dimension: str) -> pd.DataFrame:
        """Monthly totals of ``measure`` by one dimension of the cells.

        Parameters
        ----------
        measure : str
            A measure's name.
        dimension : str
            ``coverage``, ``quintile``, ``commune`` or ``age_band``.

        Returns
        -------
        pandas.DataFrame
            One row a month, one column a label of ``dimension`` (real population).

        Examples
        --------
        >>> from passerelle import run
        >>> results = run("baseline", population={"size": 2_000}, run={"months": 3, "burn_in": 0})
        >>> by_coverage = results.by("population", "coverage")
        >>> import numpy as np
        >>> bool(np.allclose(by_coverage.sum(axis=1), results.total("population")))
        True
        """
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
        ``sample`` counts simulated people (or sums their EUR).

        Returns
        -------
        pandas.DataFrame
            Columns ``month``, ``group_by``, ``group``, ``measure``, ``value``, ``sample``.

        Examples
        --------
        >>> from passerelle import run
        >>> results = run("baseline", population={"size": 2_000}, run={"months": 3, "burn_in": 0})
        >>> table = results.table()
        >>> sorted(table["group_by"].unique())
        ['age_band', 'all', 'commune', 'coverage', 'quintile']
        """
        import pandas as pd

        # Columns gathered as arrays and framed once: a frame per measure and dimension
        # made saving a run take as long as running it (50,000 people, 48 months).
        months = np.array(self.months, dtype=object)
        columns: dict[str, list[np.ndarray]] = {
            "month": [], "group_by": [], "group": [], "measure": [], "sample": []}
        for measure in sorted(self.cells):
            array = self._array(measure)
            n_months = array.shape[0]
            blocks = [("all", ("all",), array.reshape(n_months, -1).sum(axis=1))]
            for axis, (dimension, labels) in enumerate(self.grouping.dimensions.items(), 1):
                other = tuple(a for a in range(1, array.ndim) if a != axis)
                blocks.append((dimension, labels, array.sum(axis=other)))
            for group_by, labels, sums in blocks:
                rows = n_months * len(labels)
                columns["month"].append(np.repeat(months, len(labels)))
                columns["group_by"].append(np.full(rows, group_by, dtype=object))
                columns["group"].append(np.tile(np.array(labels, dtype=object), n_months))
                columns["measure"].append(np.full(rows, measure, dtype=object))
                columns["sample"].append(sums.reshape(-1))
        table = pd.DataFrame({name: np.concatenate(parts) for name, parts in columns.items()})
        table["value"] = table["sample"] * self.scale
        for column in ("month", "group_by", "group", "measure"):
            table[column] = table[column].astype("category")
        return table[["month", "group_by", "group", "measure", "value", "sample"]]

    def last_year(self, measure: str, **where) -> float:
        """Sum of ``measure`` over the last 12 reported months (real population); a run of
        fewer months gives its monthly mean × 12, so that yearly rates stay yearly.

        Parameters
        ----------
        measure : str
            A flow's name (needs, visits, EUR: events of the month).
        **where : str or sequence of str
            Cells to keep, as in ``select``.

        Returns
        -------
        float
            The measure's yearly total, in its unit.

        Examples
        --------
        >>> from passerelle import run
        >>> results = run("baseline", population={"size": 2_000}, run={"months": 3, "burn_in": 0})
        >>> three_months = float(results.select("needs_new").sum())
        >>> round(results.last_year("needs_new") / three_months, 6)
        4.0
        """
        recent = self.select(measure, **where)[-12:]
        return float(recent.sum() * (12 / len(recent)))

    def at_end(self, measure: str, **where) -> float:
        """Value of a stock ``measure`` in the last month (real population).

        Parameters
        ----------
        measure : str
            A stock's name (people present, open needs at the end of the month).
        **where : str or sequence of str
            Cells to keep, as in ``select``.

        Returns
        -------
        float
            The measure in the last reported month, in its unit.

        Examples
        --------
        >>> from passerelle import run
        >>> results = run("baseline", population={"size": 2_000}, run={"months": 3, "burn_in": 0})
        >>> results.at_end("population") == float(results.total("population").iloc[-1])
        True
        """
        return float(self.select(measure, **where)[-1])

    def summary(self) -> pd.DataFrame:
        """Key indicators: one row per indicator with a stable ``key``, the ``indicator``
        as a reader reads it (saying "a year" for flows over the last 12 months, "in the
        last month" for stocks), its ``value`` and ``unit`` (a share is ``share 0-1``).
        A run without the model's ``population`` measure (a run of plugins) gets one row
        per measure: a stock in the last month, a flow over the last 12 months.

        Returns
        -------
        pandas.DataFrame
            Columns ``key``, ``indicator``, ``value``, ``unit``.

        Examples
        --------
        >>> from passerelle import run
        >>> results = run("baseline", population={"size": 2_000}, run={"months": 3, "burn_in": 0})
        >>> summary = results.summary().set_index("key")
        >>> summary.loc["population", "unit"]
        'persons'
        """
        return key_indicators(self)

    def run_record(self) -> Record:
        """What was run: the record given to the run (``record``), or the scenario's
        own (its changes from the scenario file stand for the overrides).

        Returns
        -------
        Record
            A ``passerelle.config.record.RunRecord`` for a scenario.

        Examples
        --------
        >>> from passerelle import run
        >>> results = run("baseline", population={"size": 2_000}, run={"months": 3, "burn_in": 0})
        >>> results.run_record().title
        'baseline + population.size=2000 + run.months=3 + run.burn_in=0'
        """
        return self.record if self.record is not None else self.scenario.run_record()

    def describe(self) -> dict:
        """Run metadata, as written to summary.json: the record of what was run, and
        the run's size and speed.

        Returns
        -------
        dict
            JSON-ready values: scenario, seed, region, scale, months, speed, record.

        Examples
        --------
        >>> from passerelle import run
        >>> results = run("baseline", population={"size": 2_000}, run={"months": 3, "burn_in": 0})
        >>> results.describe()["months"]
        ['2016-01', '2016-03']
        """
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
        record of what was run (JSON under ``passerelle.record``).

        Returns
        -------
        dict of str to str
            Keys ``passerelle.config.scenario``, ``passerelle.seed``, ``passerelle.title``,
            ``passerelle.params_hash``, ``passerelle.record``.

        Examples
        --------
        >>> from passerelle import run
        >>> results = run("baseline", population={"size": 2_000}, run={"months": 3, "burn_in": 0})
        >>> results.parquet_metadata()["passerelle.seed"]
        '1'
        """
        record = self.run_record()
        return {"passerelle.config.scenario": self.scenario.name,
                "passerelle.seed": str(self.scenario.run.seed),
                "passerelle.title": record.title,
                "passerelle.params_hash": record.params_hash,
                "passerelle.record": record.to_json()}

    def save(self, out: str | Path) -> Path:
        """Write ``results.parquet`` and ``summary.json`` into ``out``.

        Parameters
        ----------
        out : str or Path
            A folder, created if missing.

        Returns
        -------
        Path
            ``out``.

        Examples
        --------
        >>> import tempfile
        >>> from passerelle import run
        >>> results = run("baseline", population={"size": 2_000}, run={"months": 3, "burn_in": 0})
        >>> out = results.save(tempfile.mkdtemp())
        >>> sorted(path.name for path in out.iterdir())
        ['results.parquet', 'summary.json']
        """
        return write_results(self, Path(out))

    def __repr__(self) -> str:
        return (f"Results({self.scenario.name!r}, {len(self.months)} months, "
                f"{len(self.cells)} measures)")

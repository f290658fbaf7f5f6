"""People as a struct of arrays: one row per person, the row index is the person's uid."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Column:
    """A state column a module declares: name, numpy dtype and the value of a new person.

    Parameters
    ----------
    name : str
        The attribute it is read as (``people.<name>``).
    dtype : str
        A numpy dtype (``"bool"``, ``"int16"``, ``"float32"``).
    default : float, int or bool
        The value of a person when the column is added, and of each newcomer.
    description : str
        What it holds, with its unit.

    Examples
    --------
    >>> Column("visits", "int16", 0, "GP visits this year (visits)").dtype
    'int16'
    """

    name: str
    dtype: str
    default: float | int | bool = 0
    description: str = ""


ALIVE = Column("alive", "bool", True, "present in the population")


class People:
    """Struct of arrays with spare capacity, so arrivals append without copying each month.

    ``people.age_band`` is the live view of column ``age_band`` for the ``n`` people
    created so far (alive or not); a person's uid is their row and never changes.

    Parameters
    ----------
    n : int
        People created now.
    capacity : int, optional
        Rows to allocate (at least ``n``), so that arrivals need no copy.

    Examples
    --------
    >>> people = People(3, capacity=10)
    >>> people.add(Column("visits", "int16"))
    >>> people.visits[0] = 4
    >>> people.grow(2).tolist(), people.visits.tolist()
    ([3, 4], [4, 0, 0, 0, 0])
    """

    def __init__(self, n: int, capacity: int | None = None):
        self.n = int(n)
        self._capacity = max(int(capacity or n), 1)
        self._columns: dict[str, Column] = {}
        self._data: dict[str, np.ndarray] = {}
        self.add(ALIVE)

    def add(self, column: Column) -> None:
        """Add a column filled with its default; adding the same column twice is a no-op.

        Parameters
        ----------
        column : Column
            Its dtype must agree with a column of the same name already added.

        Examples
        --------
        >>> people = People(2)
        >>> people.add(Column("visits", "int16", 1))
        >>> people.visits.tolist()
        [1, 1]
        """
        known = self._columns.get(column.name)
        if known is not None:
            if known.dtype != column.dtype:
                raise ValueError(
                    f"column {column.name!r} declared as {known.dtype} and as {column.dtype}"
                )
            return
        self._columns[column.name] = column
        self._data[column.name] = np.full(self._capacity, column.default, dtype=column.dtype)

    def __getattr__(self, name: str) -> np.ndarray:
        data = self.__dict__.get("_data")
        if data is None or name not in data:
            raise AttributeError(f"People has no column {name!r}")
        # The view of the first n rows is kept as a plain attribute, so the next reads of
        # the column (tens of thousands a run) skip this method; grow() drops the views.
        view = self.__dict__[name] = data[name][: self.n]
        return view

    def __getstate__(self) -> dict:
        # A copied or pickled view would no longer share the column's storage.
        return {key: value for key, value in self.__dict__.items() if key not in self._data}

    def _forget_views(self) -> None:
        for name in self._data:
            self.__dict__.pop(name, None)

    def __contains__(self, name: str) -> bool:
        return name in self._data

    def __len__(self) -> int:
        return self.n

    @property
    def columns(self) -> tuple[Column, ...]:
        """The declared columns, in order."""
        return tuple(self._columns.values())

    def grow(self, k: int) -> np.ndarray:
        """Create ``k`` new people with default values.

        Parameters
        ----------
        k : int
            People to create.

        Returns
        -------
        ndarray of int64
            Their uids, ``n`` to ``n + k - 1``.

        Examples
        --------
        >>> People(5).grow(2).tolist()
        [5, 6]
        """
        k = int(k)
        if self.n + k > self._capacity:
            capacity = max(self.n + k, int(self._capacity * 1.25) + 16)
            # Without its views, each column's old array is freed as soon as it is copied:
            # the peak is one column more, not every column twice.
            self._forget_views()
            for name, column in self._columns.items():
                grown = np.full(capacity, column.default, dtype=column.dtype)
                grown[: self.n] = self._data[name][: self.n]
                self._data[name] = grown
            self._capacity = capacity
        uids = np.arange(self.n, self.n + k, dtype=np.int64)
        self.n += k
        self._forget_views()
        return uids

    @property
    def capacity(self) -> int:
        """Rows allocated for each column (people created so far plus spare room)."""
        return self._capacity

    @property
    def nbytes(self) -> int:
        """Bytes held by all columns (capacity included)."""
        return sum(array.nbytes for array in self._data.values())

"""The in-memory synthetic district that the builder modules fill step by step.

Frames hold contract column names with native dtypes (datetime64 dates, bool flags, float
hours, nullable Int64 counts); :mod:`mtcollect_nb.synthetic.write` renders them as CSV text.

Example:
    >>> d = District.new(students=40, seed=3, number="0999", name="X")
    >>> d.year.spring.date().isoformat(), d.n
    ('2025-02-03', 40)
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from mtcollect_nb.synthetic.calendar import SchoolYear

#: Grades in order with their offset from kindergarten (PK = -1).
GRADE_OFFSETS: dict[str, int] = {"PK": -1, "KG": 0, **{f"{g:02d}": g for g in range(1, 13)}}
#: School kinds: K-8 (small districts), elementary, middle, high, and the two early-literacy
#: calendars that hang off the first elementary school.
SECONDARY_KINDS: frozenset[str] = frozenset({"ms", "hs"})


def concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate the non-empty ``frames`` (the first one when all are empty), index reset.

    Example:
        >>> len(concat([pd.DataFrame({"a": [1]}), pd.DataFrame({"a": []})]))
        1
    """
    keep = [f for f in frames if len(f)] or frames[:1]
    return pd.concat(keep, ignore_index=True)


@dataclass
class District:
    """Everything generated for one district (frames are filled by the builder modules).

    Attributes:
        pop: one row per student with internal attributes (grade, kind, calendarID, role,
            periods) that drive the other tables; not written.
        att: attendance code matrix, students (pop order) x :attr:`SchoolYear.dates`.
        cal_meta: per calendar: calendarID, schoolID, kind, dayMinutes, pirDay, wholeDay.
        tables: contract tables by name.
        plan: planted cases, rule id -> description (filled by :mod:`.plant`).
        planted: rule id -> the keys planted (personIDs, sectionIDs, courseIDs).
        fall_planted: the same for the fall cases (:mod:`.plant_fall`).
    """

    number: str
    name: str
    n: int
    rng: np.random.Generator
    year: SchoolYear = field(default_factory=SchoolYear)
    pop: pd.DataFrame = field(default_factory=pd.DataFrame)
    att: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype="int8"))
    cal_meta: pd.DataFrame = field(default_factory=pd.DataFrame)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    plan: dict[str, str] = field(default_factory=dict)
    planted: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    overrides: list[tuple[int, str, object]] = field(default_factory=list)
    fall_planted: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    #: The forecast edges planted (:mod:`.plant_forecast`): edge -> personID, enrollmentID.
    forecast_planted: dict[str, dict[str, int]] = field(default_factory=dict)

    @classmethod
    def new(cls, *, students: int, seed: int, number: str, name: str) -> District:
        """An empty district with its random generator seeded from ``seed`` and ``number``."""
        if students < 20:
            raise ValueError("a synthetic district needs at least 20 students")
        rng = np.random.default_rng([seed, int(number)])
        return cls(number=number, name=name, n=students, rng=rng)

    def dates_between(self, start: str | pd.Timestamp, end: str | pd.Timestamp,
                      size: int, pir_day: str | None = None) -> pd.DatetimeIndex:
        """``size`` random instructional dates in [start, end] (with replacement)."""
        inst = self.year.instruction(pir_day) if pir_day else self.year.instruction()
        d = self.year.dates
        pool = d[inst & np.asarray((d >= pd.Timestamp(start)) & (d <= pd.Timestamp(end)))]
        return pd.DatetimeIndex(pool[self.rng.integers(0, len(pool), size)])

    def take(self, mask: np.ndarray | pd.Series, k: int) -> np.ndarray:
        """Up to ``k`` random positions (pop order) where ``mask`` is true, sorted."""
        idx = np.flatnonzero(np.asarray(mask))
        if len(idx) == 0 or k <= 0:
            return np.array([], dtype="int64")
        return np.sort(self.rng.permutation(idx)[: min(k, len(idx))])

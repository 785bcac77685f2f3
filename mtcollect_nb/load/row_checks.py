"""Row checks: values that parse but cannot be true (DQ-03), per table.

Example:
    >>> import pandas as pd
    >>> (check,) = [c for c in ROW_CHECKS["programs"] if c.column == "endDate"]
    >>> f = pd.DataFrame({"startDate": pd.to_datetime(["2025-01-02"]),
    ...                   "endDate": pd.to_datetime(["2025-01-01"])})
    >>> check.bad(f).tolist(), check.reason
    ([True], 'endDate is before startDate')
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

MAX_DAY_MINUTES = 1440


@dataclass(frozen=True)
class RowCheck:
    """``column`` of a row is impossible when ``bad(frame)`` is true; ``reason`` says why.

    ``frame`` maps column names to typed row values: a DataFrame, or a mapping of the arrays
    :meth:`ColumnParse.values` gives; ``bad`` returns a bool ndarray (a missing value is not bad).
    """

    column: str
    reason: str
    bad: Callable[[Mapping[str, Any]], np.ndarray]


def _mask(cmp: Any) -> np.ndarray:
    """A comparison result as a bool ndarray, missing (NA) as False."""
    if isinstance(cmp, np.ndarray):
        return cmp.astype(bool, copy=False)
    return np.asarray(cmp.to_numpy(dtype=bool, na_value=False), dtype=bool)


def _end_before(end: str, start: str) -> RowCheck:
    return RowCheck(end, f"{end} is before {start}", lambda f: _mask(f[end] < f[start]))


def _negative(col: str) -> RowCheck:
    return RowCheck(col, "negative value", lambda f: _mask(f[col] < 0))


def _minutes(col: str) -> tuple[RowCheck, RowCheck]:
    return _negative(col), _above_a_day(col)


def _above_a_day(col: str) -> RowCheck:
    return RowCheck(col, f"more than {MAX_DAY_MINUTES} minutes (a day has {MAX_DAY_MINUTES})",
                    lambda f: _mask(f[col] > MAX_DAY_MINUTES))


def _threshold(col: str) -> tuple[RowCheck, RowCheck]:
    """A whole-day absence threshold: 1..1,440 minutes (0 would make any minute a whole day)."""
    return RowCheck(col, f"below 1 minute: a whole-day absence threshold is 1..{MAX_DAY_MINUTES} "
                    "minutes (0 or less would make a student a few minutes late absent all day)",
                    lambda f: _mask(f[col] < 1)), _above_a_day(col)


def _count(col: str) -> tuple[RowCheck, RowCheck]:
    """A count of students: a whole number, 0 or more."""
    return (RowCheck(col, "negative value (a count is a whole number, 0 or more)",
                     lambda f: _mask(f[col] < 0)),
            RowCheck(col, "not a whole number (a count is a whole number, 0 or more)",
                     lambda f: _fraction(np.asarray(f[col], dtype="float64"))))


def _fraction(values: np.ndarray) -> np.ndarray:
    """Whether each number has a fractional part (NaN: no)."""
    return np.isfinite(values) & (np.mod(values, 1.0, where=np.isfinite(values),
                                         out=np.zeros_like(values)) != 0)


ROW_CHECKS: dict[str, tuple[RowCheck, ...]] = {
    "calendars": (_end_before("endDate", "startDate"), *_threshold("wholeDayAbsence")),
    "grade_levels": _threshold("wholeDayAbsence"),
    "days": _minutes("minutes"),
    "enrollments": (_end_before("endDate", "startDate"), _negative("mtFallAggregateHours"),
                    _negative("mtSpringAggregateHours"), _negative("mtFallAbsent"),
                    _negative("mtSpringAbsent")),
    "attendance": _minutes("presentMinutes"),
    "district_residency": (_end_before("endDate", "startDate"),),
    "programs": (_end_before("endDate", "startDate"),),
    "fall_count": (_negative("fallAggregateHours"),),
    "sections": (_end_before("termEndDate", "termStartDate"), *_minutes("minutesPerDay")),
    "section_staff": (_end_before("endDate", "startDate"),),
    "rosters": (_end_before("endDate", "startDate"),),
    "ic_counts": _count("count"),
}

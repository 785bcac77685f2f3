"""Date intervals: the one definition of "a record covers a day" (blank start or end = open).

Enrollments, rosters, section staff, programs and residency records all use it. Joining records
to the intervals they may overlap (rosters to enrollments, say) is an equi-join on a key followed
by a date test; :func:`mtcollect_nb.compute.joins.join_pairs` does the join on numpy arrays.

Example:
    >>> s = pd.Series(pd.to_datetime(["2025-01-01", None]))
    >>> e = pd.Series(pd.to_datetime([None, "2025-02-02"]))
    >>> covers(s, e, pd.Timestamp("2025-02-03")).tolist()
    [True, False]
"""

from __future__ import annotations

import pandas as pd


def covers(start: pd.Series, end: pd.Series, date: pd.Series | pd.Timestamp) -> pd.Series:
    """Whether [start, end] (blank = open on that side) contains ``date`` (NaT: never).

    Example:
        >>> covers(pd.Series(pd.to_datetime(["2025-02-03"])), pd.Series([pd.NaT]),
        ...        pd.Series([pd.NaT])).tolist()
        [False]
    """
    return (start.isna() | (start <= date)) & (end.isna() | (date <= end))

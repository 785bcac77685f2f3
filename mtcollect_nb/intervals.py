"""Date intervals: the one definition of "a record covers a day" (blank start or end = open).

Enrollments, rosters, section staff, programs and residency records all use it. Joining records
to the intervals they may overlap (rosters to enrollments, say) is an equi-join on a key followed
by a date test; :func:`join_pairs` and :func:`pair_keys` do the join on numpy arrays, without
building the merged frame.

Example:
    >>> s = pd.Series(pd.to_datetime(["2025-01-01", None]))
    >>> e = pd.Series(pd.to_datetime([None, "2025-02-02"]))
    >>> covers(s, e, pd.Timestamp("2025-02-03")).tolist()
    [True, False]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def covers(start: pd.Series, end: pd.Series, date: pd.Series | pd.Timestamp) -> pd.Series:
    """Whether [start, end] (blank = open on that side) contains ``date`` (NaT: never).

    Example:
        >>> covers(pd.Series(pd.to_datetime(["2025-02-03"])), pd.Series([pd.NaT]),
        ...        pd.Series([pd.NaT])).tolist()
        [False]
    """
    return (start.isna() | (start <= date)) & (end.isna() | (date <= end))


def join_pairs(left: np.ndarray, right: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Row positions (left, right) of the inner equi-join of two int64 key arrays.

    The pairs come in left-row order, each left row's matches in right-row order: the order
    of ``pd.merge(how="inner")`` where the right keys are distinct.

    Example:
        >>> li, ri = join_pairs(np.array([1, 2, 1, 3]), np.array([1, 2, 1]))
        >>> li.tolist(), ri.tolist()
        ([0, 0, 1, 2, 2], [0, 2, 1, 0, 2])
    """
    index = pd.Index(pd.unique(np.asarray(right, dtype=np.int64)))  # hash of distinct keys
    rcode = index.get_indexer(np.asarray(right, dtype=np.int64))
    lcode = index.get_indexer(np.asarray(left, dtype=np.int64))
    count = np.append(np.bincount(rcode, minlength=len(index)), 0)  # code -1: no match
    order = np.argsort(rcode, kind="stable")  # right rows grouped by key, in row order
    lo = np.append(np.cumsum(count[:-1]) - count[:-1], 0)[lcode]
    n = count[lcode]
    li = np.repeat(np.arange(len(lcode), dtype=np.int64), n)
    first = np.repeat(lo - (np.cumsum(n) - n), n)
    return li, order[first + np.arange(len(li), dtype=np.int64)]


def pair_keys(left: Sequence[pd.Series | np.ndarray],
              right: Sequence[pd.Series | np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """One int64 key per row for joining on several columns: equal rows <=> equal keys.

    Values are coded by the distinct values of ``right``; a left row with a value not in
    ``right`` gets key -1, which no right row has.

    Example:
        >>> k1, k2 = pair_keys([pd.Series([7, 7, 8]), pd.Series([1, 2, 2])],
        ...                    [pd.Series([7]), pd.Series([2])])
        >>> k1.tolist(), k2.tolist()
        ([-1, 0, -1], [0])
    """
    lkey = np.zeros(len(left[0]), dtype=np.int64)
    rkey = np.zeros(len(right[0]), dtype=np.int64)
    for lcol, rcol in zip(left, right, strict=True):
        index = pd.Index(pd.unique(np.asarray(rcol)))
        lcode, rcode = index.get_indexer(np.asarray(lcol)), index.get_indexer(np.asarray(rcol))
        lkey = np.where((lkey < 0) | (lcode < 0), -1, lkey * len(index) + lcode)
        rkey = rkey * len(index) + rcode
    return lkey, rkey


def take_by_key(keys: pd.Series, frame: pd.DataFrame, key: str, col: str) -> pd.Series:
    """``frame[col]`` of the row whose ``key`` (distinct in ``frame``) is each of ``keys``.

    The column a left merge on that key would add, aligned with ``keys``: the same dtype
    where every key is found, missing values (and the merge's upcast) where not.

    Example:
        >>> f = pd.DataFrame({"id": [5, 6], "v": [1, 2]})
        >>> take_by_key(pd.Series([6, 5]), f, "id", "v").tolist()
        [2, 1]
        >>> take_by_key(pd.Series([6, 7]), f, "id", "v").tolist()
        [2.0, nan]
    """
    values = frame[col]
    at = pd.Index(frame[key]).get_indexer(keys)
    if (at >= 0).all():
        return pd.Series(values.array.take(at), index=keys.index, name=col)
    return pd.Series(values.set_axis(frame[key]).reindex(keys).array, index=keys.index,
                     name=col)

"""Joins by key on numpy positions, for the hot paths: the same results as ``pd.merge``.

The derived frames and rules join small lookup tables (students, streaks, hours, sections) onto
tens of thousands of enrollments or roster rows. Where a key is distinct on one side, the join
is a position lookup (``Index.get_indexer``) and a ``take``, with no hash join of whole frames;
every helper falls back to pandas (or says when its order is pandas') otherwise.

Example:
    >>> positions(pd.Series([6, 5]), pd.Series([5, 6])).tolist()
    [1, 0]
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


def positions(keys: pd.Series | np.ndarray, distinct: pd.Series | np.ndarray) -> np.ndarray | None:
    """Row of ``distinct`` holding each of ``keys``; None unless all are found exactly once.

    Example:
        >>> positions(np.array([2, 9]), np.array([9, 2])).tolist(), positions([3], [1, 2])
        ([1, 0], None)
    """
    index = pd.Index(distinct)
    if not index.is_unique:
        return None
    at = index.get_indexer(keys)
    return at if (at >= 0).all() else None


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
    at = positions(keys, frame[key])
    if at is not None:
        return pd.Series(values.array.take(at), index=keys.index, name=col)
    return pd.Series(values.set_axis(frame[key]).reindex(keys).array, index=keys.index,
                     name=col)


def left_join(left: pd.DataFrame, right: pd.DataFrame, on: str) -> pd.DataFrame:
    """``left.merge(right, on=on, how="left")``, taken by position when that is the same.

    Same rows, order, columns, dtypes and RangeIndex as the merge. When both keys are int64,
    ``right``'s keys are unique, every left key is found and no other column name is shared,
    ``right``'s columns are taken by position (no hash join of the whole frames, no copy of
    ``left``'s columns: do not modify the result's values in place); otherwise it merges.

    Example:
        >>> left = pd.DataFrame({"k": [2, 1, 2], "x": ["a", "b", "c"]}, index=[7, 8, 9])
        >>> left_join(left, pd.DataFrame({"k": [1, 2], "y": [0.5, 1.5]}), "k").values.tolist()
        [[2, 'a', 1.5], [1, 'b', 0.5], [2, 'c', 1.5]]
    """
    other = [c for c in right.columns if c != on]
    lk, rk = left[on].to_numpy(), right[on].to_numpy()
    if (len(left) == 0 or lk.dtype != np.int64 or rk.dtype != np.int64
            or any(c in left.columns for c in other)):
        return left.merge(right, on=on, how="left")
    pos = positions(lk, rk)
    if pos is None:
        return left.merge(right, on=on, how="left")
    out = left.copy(deep=False)
    out.index = pd.RangeIndex(len(out))
    for c in other:
        out[c] = right[c].array.take(pos)
    return out

"""Fast paths of :mod:`mtcollect_nb.load.parse`: the clean values, parsed by pyarrow/numpy.

Each fast parser looks at a column's distinct values (a ``pa.StringArray`` without nulls) and
decides only those it can decide *exactly as* the plain (pandas/regex) parser would: keys
that are plain ASCII digits, dates written ``YYYY-MM-DD`` or ``MM/DD/YYYY`` that exist,
yes/no words, and blanks. It returns ``(values, null, done)``; a value it decided is never bad
and its blank flag is ``value == ""``. Every value not ``done`` (spaces around it, a time of
day, a 1-digit month, an Excel serial, non-ASCII text, junk, an impossible date) goes to the
plain parser, which stays the single definition of what is accepted and why a value fails.

Example:
    >>> vals, null, done = fast_date(pa.array(["2025-02-03", "02/30/2025", "", "2/3/2025"]))
    >>> [str(v)[:10] for v in vals], null.tolist(), done.tolist()
    (['2025-02-03', 'NaT', 'NaT', 'NaT'], [False, True, True, True], [True, False, True, False])
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Longest digit string read as an int64 (the plain parser's ``\\d{1,18}``).
MAX_INT_DIGITS = 18
#: Years whose every day is inside ``datetime64[ns]`` (others go to the plain parser).
FIRST_YEAR, LAST_YEAR = 1678, 2261
_ISO_STRICT = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_US_STRICT = r"^[0-9]{2}/[0-9]{2}/[0-9]{4}$"
#: What ``str.strip`` removes from ASCII text.
ASCII_SPACE = " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"

Fast = tuple[np.ndarray, np.ndarray, np.ndarray]  # values, null, done (over distinct values)


def _np(arr: pa.Array | pa.ChunkedArray) -> np.ndarray:
    return np.asarray(arr.to_numpy(zero_copy_only=False))


def digits_int(arr: pa.Array) -> np.ndarray | None:
    """``arr`` as int64 when every value is 1-18 ASCII digits (keys: the common case), else None.

    Example:
        >>> digits_int(pa.array(["007", "12"])).tolist(), digits_int(pa.array([" 1", "2"]))
        ([7, 12], None)
    """
    if len(arr) == 0 or arr.null_count or not pc.all(pc.ascii_is_decimal(arr)).as_py():
        return None
    if pc.max(pc.binary_length(arr)).as_py() > MAX_INT_DIGITS:
        return None
    return np.asarray(_np(pc.cast(arr, pa.int64())), dtype="int64")


def strip_free(arr: pa.Array) -> bool:
    r"""Whether ``str.strip`` leaves every value unchanged (ASCII text without spaces around it).

    Example:
        >>> strip_free(pa.array(["a b", "c"])), strip_free(pa.array(["a\x1f"]))
        (True, False)
    """
    if not pc.all(pc.string_is_ascii(arr)).as_py():
        return False  # non-ASCII whitespace: left to str.strip
    trimmed = pc.ascii_trim(arr, ASCII_SPACE)
    return bool(pc.all(pc.equal(pc.binary_length(trimmed), pc.binary_length(arr))).as_py())


def fast_int(dic: pa.Array) -> Fast:
    """Plain-digit values (1-18 ASCII digits) and blanks (null) of an int column.

    Example:
        >>> [a.tolist() for a in fast_int(pa.array(["12", "", "+4", "1.0"]))]
        [[12, 0, 0, 0], [False, True, True, True], [True, True, False, False]]
    """
    digits = _np(pc.and_(pc.ascii_is_decimal(dic),
                         pc.less_equal(pc.binary_length(dic), MAX_INT_DIGITS)))
    values = np.zeros(len(dic), dtype="int64")
    if digits.any():
        values[digits] = _np(pc.cast(dic.filter(pa.array(digits)), pa.int64()))
    blank = _np(pc.equal(dic, ""))
    return values, ~digits, digits | blank


def _slice_int(arr: pa.Array, start: int, width: int) -> np.ndarray:
    return np.asarray(_np(pc.cast(pc.utf8_slice_codeunits(arr, start, start + width),
                                  pa.int64())), dtype="int64")


def ymd_dates(y: np.ndarray, m: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``datetime64[ns]`` of year/month/day, and whether each is a real date in the ns range.

    Example:
        >>> y, m, d = np.array([2024, 2023, 2025]), np.array([2, 2, 13]), np.array([29, 29, 1])
        >>> v, ok = ymd_dates(y, m, d)
        >>> str(v[0])[:10], ok.tolist()
        ('2024-02-29', [True, False, False])
    """
    ok = (m >= 1) & (m <= 12) & (y >= FIRST_YEAR) & (y <= LAST_YEAR)
    months = np.where(ok, (y - 1970) * 12 + (m - 1), 0)
    first = months.astype("datetime64[M]").astype("datetime64[D]")
    length = ((months + 1).astype("datetime64[M]").astype("datetime64[D]") - first).astype(int)
    ok &= (d >= 1) & (d <= length)
    days = first + np.where(ok, d - 1, 0).astype("timedelta64[D]")
    return np.where(ok, days, np.datetime64("NaT")).astype("datetime64[ns]"), ok


def fast_date(dic: pa.Array) -> Fast:
    """Real dates written ``YYYY-MM-DD`` or ``MM/DD/YYYY`` (2-digit month and day), and blanks."""
    n = len(dic)
    values = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    null = np.ones(n, dtype=bool)
    done = _np(pc.equal(dic, ""))
    for pattern, (ys, ms, ds) in ((_ISO_STRICT, (0, 5, 8)), (_US_STRICT, (6, 0, 3))):
        match = _np(pc.match_substring_regex(dic, pattern))
        if not match.any():
            continue
        sub = dic.filter(pa.array(match))
        dates, ok = ymd_dates(_slice_int(sub, ys, 4), _slice_int(sub, ms, 2),
                              _slice_int(sub, ds, 2))
        rows = np.flatnonzero(match)[ok]
        values[rows], null[rows], done[rows] = dates[ok], False, True
    return values, null, done


def bool_fast(true_words: frozenset[str],
              false_words: frozenset[str]) -> Callable[[pa.Array], Fast]:
    """A fast parser deciding the ASCII spellings of ``true_words`` / ``false_words`` (any case).

    Example:
        >>> f = bool_fast(frozenset({"Y"}), frozenset({"", "N"}))
        >>> true, null, done = f(pa.array(["y", "N", "", " Y", "maybe"]))
        >>> true.tolist(), bool(null.any()), done.tolist()
        ([True, False, False, False, False], False, [True, True, True, False, False])
    """
    true_set, false_set = pa.array(sorted(true_words)), pa.array(sorted(false_words))

    def parse(dic: pa.Array) -> Fast:
        up = pc.ascii_upper(dic)  # a non-ASCII value never matches an ASCII word here
        true = _np(pc.is_in(up, value_set=true_set))
        false = _np(pc.is_in(up, value_set=false_set))
        return true, np.zeros(len(dic), dtype=bool), true | false
    return parse


# ---- key checks of the loader (DQ-01 repeated keys, DQ-02 missing parents) ------------------
_PACK_LIMIT = 1 << 62
_DAY_NS = 86_400 * 10**9


def _key_codes(arr: Any) -> tuple[np.ndarray, int]:
    """Integer codes of a key column (equal values, equal codes; NA one code) and their count."""
    if isinstance(arr, np.ndarray) and arr.dtype.kind in "iM" and len(arr):
        v = arr.view("int64")
        if arr.dtype == np.dtype("datetime64[ns]") and not (v % _DAY_NS).any():
            v = v // _DAY_NS  # dates: days are the dense unit
        lo, hi = int(v.min()), int(v.max())
        if hi - lo < len(arr) * 64:  # a dense range: the offset is the code
            return v - lo, hi - lo + 1
    codes, uniques = pd.factorize(arr, use_na_sentinel=False)
    return codes.astype("int64", copy=False), len(uniques)


def first_copies(keys: list[Any]) -> np.ndarray:
    """Position of the first row with the same key as each row (keys: equal-length columns).

    The columns are packed into one integer code (re-numbered whenever the product of their
    widths would overflow); sorted codes give the runs of copies directly, others are
    numbered in order of first appearance.

    Example:
        >>> first_copies([np.array([5, 7, 5, 5]), np.array([1, 1, 2, 1])]).tolist()
        [0, 1, 2, 0]
    """
    n = len(keys[0]) if keys else 0
    if n == 0:
        return np.zeros(0, dtype="int64")
    packed, span = _key_codes(keys[0])
    for arr in keys[1:]:
        codes, width = _key_codes(arr)
        if span * width >= _PACK_LIMIT:
            packed, uniques = pd.factorize(packed)
            span = len(uniques)
        packed = packed * width + codes
        span *= width
    if n > 1 and bool((packed[1:] >= packed[:-1]).all()):  # sorted: copies are adjacent
        new = np.concatenate(([True], packed[1:] != packed[:-1]))
        return np.flatnonzero(new)[np.cumsum(new) - 1]
    group = pd.factorize(packed)[0]  # numbered in order of first appearance
    top = np.maximum.accumulate(group)
    starts = np.flatnonzero(np.concatenate(([True], top[1:] > top[:-1])))
    return starts[group]


def isin_known(values: Any, known: Any) -> np.ndarray:
    """Whether each of ``values`` is among ``known`` (as pandas ``isin``).

    Int64 keys in a dense range are looked up in a bool table; others by pandas ``isin``.

    Example:
        >>> isin_known(np.array([3, 9, 4]), pd.Series([4, 3])).tolist()
        [True, False, True]
    """
    ref = np.asarray(known) if isinstance(known, pd.Series) else known
    if (isinstance(values, np.ndarray) and isinstance(ref, np.ndarray)
            and values.dtype == ref.dtype == np.dtype("int64") and len(ref) and len(values)):
        lo, hi = int(ref.min()), int(ref.max())
        if hi - lo < (len(values) + len(ref)) * 8:
            table = np.zeros(hi - lo + 1, dtype=bool)
            table[ref - lo] = True
            inside = (values >= lo) & (values <= hi)
            out = np.zeros(len(values), dtype=bool)
            out[inside] = table[values[inside] - lo]
            return out
    return pd.Series(values, copy=False).isin(known).to_numpy(dtype=bool)

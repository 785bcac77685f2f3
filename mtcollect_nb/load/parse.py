"""Typed parsing of one text column, and the row checks that reject impossible rows (DQ-03).

Parsing runs on the column's distinct values (``dictionary_encode``) and is spread back to the
rows with one ``take``: a 3-million-row attendance file has a few hundred distinct dates, so
the cost is the read, not the parse. Clean values (plain digits, ``YYYY-MM-DD`` /
``MM/DD/YYYY`` dates, yes/no words, blanks) are decided by the pyarrow fast paths of
:mod:`mtcollect_nb.load.fast`; the rest go through the plain parsers here, which define
what is accepted. A key column of plain digits is cast row by row, without the dictionary.
Everything is vectorized; only the (few) distinct codes go through
:func:`mtcollect_nb.load.typed.normalize_code`.

Example:
    >>> import pyarrow as pa
    >>> from mtcollect_nb.load.contract import Column
    >>> p = parse_column(pa.array(["2025-02-03", "02/04/2025", "2025-02-30", ""]),
    ...                  Column("d", "date", required=True))
    >>> [str(v)[:10] for v in p.values()]
    ['2025-02-03', '2025-02-04', 'NaT', 'NaT']
    >>> p.reasons_of(p.bad())
    ['not a valid date (use YYYY-MM-DD or MM/DD/YYYY)', 'missing value (required)']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from mtcollect_nb.load.contract import Column
from mtcollect_nb.load.fast import (
    Fast,
    bool_fast,
    digits_int,
    fast_date,
    fast_int,
    strip_free,
)
from mtcollect_nb.load.row_checks import MAX_DAY_MINUTES, ROW_CHECKS, RowCheck
from mtcollect_nb.load.typed import dtype_of, normalize_code

#: Values of a boolean column (compared upper-case after stripping); blank is false.
TRUE_WORDS: frozenset[str] = frozenset({"1", "1.0", "Y", "YES", "T", "TRUE", "X"})
FALSE_WORDS: frozenset[str] = frozenset({"", "0", "0.0", "N", "NO", "F", "FALSE"})

MISSING = "missing value (required)"
TOO_LARGE = "number too large for this column"
#: Largest magnitude of a ``num`` value (hours, FTE): anything larger is a typo, not data.
MAX_NUMBER = 1e12
_BIG_INT_RE = r"[+-]?[0-9]{19,}(?:\.0*)?"
REASONS: dict[str, str] = {
    "int": "not a whole number",
    "num": "not a number",
    "date": "not a valid date (use YYYY-MM-DD or MM/DD/YYYY)",
    "bool": "not a yes/no value (use 1/0, Y/N, Yes/No, TRUE/FALSE or X/blank)",
    "grade": "unknown grade code (use PK, KG or 01..12)",
    "code4": "not a code of up to 4 digits",
    "role": "unknown teacher role (use 00..12)",
}
# Numbers are ASCII digits only ([0-9], not \d: pandas' to_numeric cannot read other digits)
_INT_RE = r"[+-]?[0-9]{1,18}(?:\.0*)?"
_NUM_RE = r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?"
_THOUSANDS_RE = r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?"
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?)?"
_ISO_RE = r"\d{4}-\d{1,2}-\d{1,2}" + _TIME
_US_RE = r"\d{1,2}/\d{1,2}/\d{4}" + _TIME

Parsed = tuple[np.ndarray, np.ndarray, np.ndarray]  # values, null, bad (over distinct values)


@dataclass
class ColumnParse:
    """One parsed column: typed values and problems of its distinct values, and row indices.

    ``index`` None means the ``uniq_*`` arrays are per row already (keys cast row by row);
    ``uniq_reason`` None means no value has a problem (every reason is ``""``).
    """

    column: Column
    index: np.ndarray | None
    uniq_values: np.ndarray
    uniq_null: np.ndarray
    uniq_bad: np.ndarray
    uniq_reason: np.ndarray | None

    def _rows(self, arr: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        if self.index is None:
            return arr if rows is None else arr[rows]
        return arr[self.index if rows is None else self.index[rows]]

    def bad(self) -> np.ndarray:
        """Row mask: the value could not be parsed or a required value is blank."""
        return self._rows(self.uniq_bad)

    def any_bad(self) -> bool:
        """Whether any row is :meth:`bad` (checked on the distinct values)."""
        return bool(self.uniq_bad.any())

    def reasons_of(self, rows: np.ndarray) -> list[str]:
        """The reason text of each row in ``rows`` (a row mask or positions)."""
        if self.uniq_reason is None:
            return [""] * (int(np.count_nonzero(rows)) if rows.dtype == bool else len(rows))
        at = rows if self.index is None else self.index[rows]
        return [str(r) for r in self.uniq_reason[at]]

    def values(self, rows: np.ndarray | None = None) -> Any:
        """The typed values of the rows at positions ``rows`` (default: every row).

        The dtype is the one :func:`typed.dtype_of` gives the column; the array is the
        caller's own (never a read-only view of pyarrow memory).

        Example:
            >>> p = parse_column(pa.array(["3", "", "3"]), Column("n", "int"))
            >>> p.values(np.array([2, 1])).tolist()
            [3, <NA>]
        """
        dtype = dtype_of(self.column)
        vals = self._rows(self.uniq_values, rows)
        if dtype == "Int64":
            return pd.arrays.IntegerArray(vals.astype("int64"), self._rows(self.uniq_null, rows))
        if not vals.flags.writeable:  # a zero-copy view of pyarrow memory
            vals = vals.copy()
        return vals


def parse_column(text: pa.Array, col: Column) -> ColumnParse:
    """Parse a string column as ``col.type`` (see :data:`REASONS` for what fails).

    A blank bool is false, or true where ``col.blank_true`` (``schools.accredited``).

    Example:
        >>> p = parse_column(pa.array(["7", "k", "13"]), Column("grade", "grade"))
        >>> list(p.values()), p.bad().tolist()
        (['07', 'KG', ''], [False, False, True])
    """
    digits = digits_int(text) if col.type == "int" else None
    if digits is not None:  # keys: every value is plain digits, nothing to reject
        ok = np.zeros(len(digits), dtype=bool)
        return ColumnParse(col, None, digits, ok, ok.copy(), None)
    enc = text.dictionary_encode()
    index = enc.indices.to_numpy(zero_copy_only=False).astype("int64", copy=False)
    values, null, bad, blank = _parse_distinct(enc.dictionary, col.type)
    if col.type == "bool" and col.blank_true:
        values = values | blank
    reason = np.full(len(bad), "", dtype=object)
    reason[bad] = REASONS.get(col.type, "")
    if col.type in ("int", "num"):
        big = _too_large(enc.dictionary, values, bad, col.type)
        bad |= big
        reason[big] = TOO_LARGE
    if col.required:
        missing = blank & ~bad
        reason[missing] = MISSING
        bad = bad | missing
    return ColumnParse(col, index, values, null, bad, reason)


def _too_large(dic: pa.Array, values: np.ndarray, bad: np.ndarray, type_: str) -> np.ndarray:
    """Distinct values that are numbers too large for the column (int64, :data:`MAX_NUMBER`).

    Example:
        >>> d = pa.array(["99999999999999999999", "7", "x"])
        >>> _too_large(d, np.zeros(3), np.array([True, False, True]), "int").tolist()
        [True, False, False]
    """
    if type_ == "num":
        return ~bad & ~(np.abs(np.nan_to_num(values, nan=0.0)) <= MAX_NUMBER)
    if not bad.any():
        return np.zeros(len(bad), dtype=bool)
    text = stripped_text(dic).str.replace(",", "", regex=False)
    return bad & text.str.fullmatch(_BIG_INT_RE).to_numpy(dtype=bool)


def stripped_text(dic: pa.Array) -> pd.Series:
    """The distinct values with surrounding whitespace removed (``str.strip``), as a Series."""
    if dic.null_count:
        return pd.Series(dic.to_pylist(), dtype=object).str.strip()
    return pd.Series([v.strip() for v in dic.to_pylist()], dtype=object)


def _parse_distinct(dic: pa.Array, type_: str) -> tuple[np.ndarray, ...]:
    """Values, null, bad and blank of each distinct value: fast path first, then the plain parser.

    Example:
        >>> values, null, bad, blank = _parse_distinct(pa.array(["5", " 6", "x", ""]), "int")
        >>> values.tolist(), null.tolist(), bad.tolist()
        ([5, 6, 0, 0], [False, False, True, True], [False, False, True, False])
        >>> blank.tolist()
        [False, False, False, True]
    """
    if type_ == "str" and not dic.null_count:  # text: strip, nothing to reject
        if strip_free(dic):
            text = np.asarray(dic.to_numpy(zero_copy_only=False), dtype=object)
        else:
            text = np.array([v.strip() for v in dic.to_pylist()], dtype=object)
        none = np.zeros(len(text), dtype=bool)
        return text, none, none.copy(), text == ""
    fast = _FAST.get(type_)
    if fast is None or dic.null_count:
        uniq = stripped_text(dic)
        return (*_PARSERS[type_](uniq), (uniq == "").to_numpy())
    values, null, done = fast(dic)
    bad = np.zeros(len(dic), dtype=bool)
    blank = done & pc.equal(dic, "").to_numpy(zero_copy_only=False)
    rest = np.flatnonzero(~done)
    if len(rest):
        uniq = stripped_text(dic.take(pa.array(rest)))
        values[rest], null[rest], bad[rest] = _PARSERS[type_](uniq)
        blank[rest] = (uniq == "").to_numpy()
    return values, null, bad, blank


def _parse_int(u: pd.Series) -> Parsed:
    blank = (u == "").to_numpy()
    ok = u.str.fullmatch(_INT_RE).to_numpy(dtype=bool)
    vals = np.zeros(len(u), dtype="int64")
    if ok.any():
        digits = u[ok].str.replace(r"\.0*$", "", regex=True)
        vals[ok] = pd.to_numeric(digits).to_numpy(dtype="int64")
    return vals, ~ok, ~ok & ~blank


def _parse_num(u: pd.Series) -> Parsed:
    blank = (u == "").to_numpy()
    thousands = u.str.fullmatch(_THOUSANDS_RE).to_numpy(dtype=bool)
    u = u.where(~thousands, u.str.replace(",", "", regex=False))
    ok = u.str.fullmatch(_NUM_RE).to_numpy(dtype=bool)
    vals = np.full(len(u), np.nan)
    if ok.any():
        vals[ok] = u[ok].astype("float64").to_numpy()  # (to_numeric overflows on 20 digits)
    return vals, ~ok, ~ok & ~blank


def _parse_date(u: pd.Series) -> Parsed:
    out = pd.Series(pd.NaT, index=u.index, dtype="datetime64[ns]")
    day = u.str.split(r"[ T]", n=1, regex=True).str[0]
    for pattern, fmt in ((_ISO_RE, "%Y-%m-%d"), (_US_RE, "%m/%d/%Y")):
        m = u.str.fullmatch(pattern).to_numpy(dtype=bool)
        if m.any():
            out[m] = pd.to_datetime(day[m], format=fmt, errors="coerce")
    vals = out.to_numpy(dtype="datetime64[ns]")
    null = np.isnat(vals)
    return vals, null, null & (u != "").to_numpy()


def _parse_bool(u: pd.Series) -> Parsed:
    up = u.str.upper()
    true = up.isin(TRUE_WORDS).to_numpy()
    bad = ~true & ~up.isin(FALSE_WORDS).to_numpy()
    return true, np.zeros(len(u), dtype=bool), bad


def _parse_text(u: pd.Series) -> Parsed:
    vals = u.to_numpy(dtype=object)
    return vals, np.zeros(len(u), dtype=bool), np.zeros(len(u), dtype=bool)


def _code_parser(type_: str) -> Callable[[pd.Series], Parsed]:
    def parse(u: pd.Series) -> Parsed:
        codes = [normalize_code(v, type_) for v in u.tolist()]
        bad = np.array([c is None for c in codes], dtype=bool)
        vals = np.array([c or "" for c in codes] or [], dtype=object)
        return vals, np.zeros(len(u), dtype=bool), bad
    return parse


_FAST: dict[str, Callable[[pa.Array], Fast]] = {
    "int": fast_int, "date": fast_date, "bool": bool_fast(TRUE_WORDS, FALSE_WORDS),
}
_PARSERS: dict[str, Callable[[pd.Series], Parsed]] = {
    "int": _parse_int, "num": _parse_num, "date": _parse_date, "bool": _parse_bool,
    "str": _parse_text, "code4": _code_parser("code4"), "grade": _code_parser("grade"),
    "role": _code_parser("role"),
}


__all__ = ["MAX_DAY_MINUTES", "MISSING", "REASONS", "ROW_CHECKS", "TOO_LARGE", "ColumnParse",
           "RowCheck", "parse_column"]

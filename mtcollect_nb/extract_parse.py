"""Typed parsing of one text column, and the row checks that reject impossible rows (DQ-03).

Parsing runs on the column's distinct values (``dictionary_encode``) and is spread back to the
rows with one ``take``: a 3-million-row attendance file has a few hundred distinct dates, so
the cost is the read, not the parse. Everything is vectorized; only the (few) distinct codes
go through :func:`mtcollect_nb.schemas.normalize_code`.

Example:
    >>> import pyarrow as pa
    >>> from mtcollect_nb.schemas import Column
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

from mtcollect_nb.schemas import Column, dtype_of, normalize_code

#: Values of a boolean column (compared upper-case after stripping); blank is false.
TRUE_WORDS: frozenset[str] = frozenset({"1", "1.0", "Y", "YES", "T", "TRUE", "X"})
FALSE_WORDS: frozenset[str] = frozenset({"", "0", "0.0", "N", "NO", "F", "FALSE"})
#: Excel serial dates accepted: 1 (1900-01-01) .. 73050 (2099-12-31), origin 1899-12-30.
EXCEL_SERIAL_MAX = 73050
MAX_DAY_MINUTES = 1440

MISSING = "missing value (required)"
REASONS: dict[str, str] = {
    "int": "not a whole number",
    "num": "not a number",
    "date": "not a valid date (use YYYY-MM-DD or MM/DD/YYYY)",
    "bool": "not a yes/no value (use 1/0, Y/N, Yes/No, TRUE/FALSE or X/blank)",
    "grade": "unknown grade code (use PK, KG or 01..12)",
    "code4": "not a code of up to 4 digits",
    "role": "unknown teacher role (use 00..12)",
}
_INT_RE = r"[+-]?\d{1,18}(?:\.0*)?"
_NUM_RE = r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d{1,3})?"
_THOUSANDS_RE = r"\d{1,3}(?:,\d{3})+(?:\.\d*)?"
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?)?"
_ISO_RE = r"\d{4}-\d{1,2}-\d{1,2}" + _TIME
_US_RE = r"\d{1,2}/\d{1,2}/\d{4}" + _TIME
_SERIAL_RE = r"\d{1,5}(?:\.\d+)?"

Parsed = tuple[np.ndarray, np.ndarray, np.ndarray]  # values, null, bad (over distinct values)


@dataclass
class ColumnParse:
    """One parsed column: typed values and problems of its distinct values, and row indices."""

    column: Column
    index: np.ndarray
    uniq_values: np.ndarray
    uniq_null: np.ndarray
    uniq_bad: np.ndarray
    uniq_reason: np.ndarray

    def bad(self) -> np.ndarray:
        """Row mask: the value could not be parsed or a required value is blank."""
        return self.uniq_bad[self.index]

    def reasons_of(self, rows: np.ndarray) -> list[str]:
        """The reason text of each row in ``rows`` (a row mask or positions)."""
        return [str(r) for r in self.uniq_reason[self.index[rows]]]

    def values(self) -> Any:
        """The typed row values, with the dtype :func:`schemas.dtype_of` gives the column."""
        dtype = dtype_of(self.column)
        vals = self.uniq_values[self.index]
        if dtype == "Int64":
            return pd.arrays.IntegerArray(vals.astype("int64"), self.uniq_null[self.index])
        return vals


def parse_column(text: pa.Array, col: Column) -> ColumnParse:
    """Parse a string column as ``col.type`` (see :data:`REASONS` for what fails).

    A blank bool is false, or true where ``col.blank_true`` (``schools.accredited``).

    Example:
        >>> p = parse_column(pa.array(["7", "k", "13"]), Column("grade", "grade"))
        >>> list(p.values()), p.bad().tolist()
        (['07', 'KG', ''], [False, False, True])
    """
    enc = text.dictionary_encode()
    index = enc.indices.to_numpy(zero_copy_only=False).astype("int64", copy=False)
    digits = _digits_only(enc.dictionary) if col.type == "int" else None
    if digits is not None:  # keys: every distinct value is plain digits, nothing to reject
        ok = np.zeros(len(digits), dtype=bool)
        return ColumnParse(col, index, digits, ok, ok.copy(), np.full(len(digits), "", object))
    uniq = pd.Series(enc.dictionary.to_pylist(), dtype=object).str.strip()
    values, null, bad = _PARSERS[col.type](uniq)
    blank = (uniq == "").to_numpy()
    if col.type == "bool" and col.blank_true:
        values = values | blank
    reason = np.where(bad, REASONS.get(col.type, ""), "").astype(object)
    if col.required:
        missing = blank & ~bad
        reason[missing] = MISSING
        bad = bad | missing
    return ColumnParse(col, index, values, null, bad, reason)


def _digits_only(arr: pa.Array) -> np.ndarray | None:
    """The values as int64 when every one is 1-18 ASCII digits (keys: the common case).

    Such values parse the same by :func:`_parse_int`'s regex path, with nothing to strip or
    reject; pyarrow casts them in C. None when any value is not plain digits (spaces, signs,
    ``.0``, blanks, junk): the regex path decides those.

    Example:
        >>> _digits_only(pa.array(["007", "12"])).tolist(), _digits_only(pa.array([" 1"]))
        ([7, 12], None)
    """
    if len(arr) == 0 or arr.null_count or not pc.all(
            pc.match_substring_regex(arr, r"^[0-9]{1,18}$")).as_py():
        return None
    return np.asarray(pc.cast(arr, pa.int64()).to_numpy(zero_copy_only=False), dtype="int64")


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
        vals[ok] = pd.to_numeric(u[ok]).to_numpy(dtype="float64")
    return vals, ~ok, ~ok & ~blank


def _parse_date(u: pd.Series) -> Parsed:
    out = pd.Series(pd.NaT, index=u.index, dtype="datetime64[ns]")
    day = u.str.split(r"[ T]", n=1, regex=True).str[0]
    for pattern, fmt in ((_ISO_RE, "%Y-%m-%d"), (_US_RE, "%m/%d/%Y")):
        m = u.str.fullmatch(pattern).to_numpy(dtype=bool)
        if m.any():
            out[m] = pd.to_datetime(day[m], format=fmt, errors="coerce")
    serial = u.str.fullmatch(_SERIAL_RE).to_numpy(dtype=bool)
    if serial.any():
        n = np.floor(pd.to_numeric(u[serial]).to_numpy(dtype="float64"))
        ok = (n >= 1) & (n <= EXCEL_SERIAL_MAX)
        days = pd.to_timedelta(np.where(ok, n, 0), unit="D")
        out[serial] = np.where(ok, pd.Timestamp("1899-12-30") + days, np.datetime64("NaT"))
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


_PARSERS: dict[str, Callable[[pd.Series], Parsed]] = {
    "int": _parse_int, "num": _parse_num, "date": _parse_date, "bool": _parse_bool,
    "str": _parse_text, "code4": _code_parser("code4"), "grade": _code_parser("grade"),
    "role": _code_parser("role"),
}


# ---- row checks: values that parse but cannot be true (DQ-03) -------------------------------
@dataclass(frozen=True)
class RowCheck:
    """``column`` of a row is impossible when ``bad(frame)`` is true; ``reason`` says why."""

    column: str
    reason: str
    bad: Callable[[pd.DataFrame], Any]


def _end_before(end: str, start: str) -> RowCheck:
    return RowCheck(end, f"{end} is before {start}", lambda f: (f[end] < f[start]).to_numpy())


def _negative(col: str) -> RowCheck:
    return RowCheck(col, "negative value", lambda f: (f[col] < 0).fillna(False).to_numpy(bool))


def _minutes(col: str) -> tuple[RowCheck, RowCheck]:
    return _negative(col), RowCheck(
        col, f"more than {MAX_DAY_MINUTES} minutes (a day has {MAX_DAY_MINUTES})",
        lambda f: (f[col] > MAX_DAY_MINUTES).fillna(False).to_numpy(bool))


ROW_CHECKS: dict[str, tuple[RowCheck, ...]] = {
    "calendars": (_end_before("endDate", "startDate"), *_minutes("wholeDayAbsence")),
    "days": _minutes("minutes"),
    "enrollments": (_end_before("endDate", "startDate"), _negative("mtFallAggregateHours"),
                    _negative("mtSpringAggregateHours"), _negative("mtSpringAbsent")),
    "attendance": _minutes("presentMinutes"),
    "district_residency": (_end_before("endDate", "startDate"),),
    "programs": (_end_before("endDate", "startDate"),),
    "fall_count": (_negative("fallAggregateHours"),),
    "sections": (_end_before("termEndDate", "termStartDate"), *_minutes("minutesPerDay")),
    "section_staff": (_end_before("endDate", "startDate"),),
    "rosters": (_end_before("endDate", "startDate"),),
}

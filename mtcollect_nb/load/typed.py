"""Typed frames of the contract: the dtype of each column type, codes, and frames from records.

Every loaded table is a DataFrame whose columns are the contract's names with these dtypes:

=========  ======================================================================
type       dtype after loading
=========  ======================================================================
``int``    ``int64`` when ``required`` (keys, references), else nullable ``Int64``
``num``    ``float64`` (blank = NaN)
``date``   ``datetime64[ns]`` (blank = NaT)
``bool``   ``bool`` (blank = False)
``str``    ``object`` holding Python ``str``; **blank is ``""``, never NaN**
``code4``  like ``str``; digits zero-padded to 4 ("123" -> "0123"); blank ``""``
``grade``  like ``str``; one of ``PK``, ``KG``, ``01``..``12``
``role``   like ``str``; ``00``..``12`` (zero-padded)
=========  ======================================================================

plus the loader's ``_line`` column (source line; header = line 1).

Example:
    >>> frame_from_records("schools", [{"schoolID": 1, "schoolNumber": "12"}])["schoolNumber"][0]
    '0012'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from mtcollect_nb.columns import GRADES, LINE
from mtcollect_nb.load.contract import TABLES, TEXT_TYPES, Column

__all__ = ["dtype_of", "empty_frame", "frame_from_records", "normalize_code"]


def dtype_of(col: Column) -> str:
    """The pandas dtype a loaded column has (see the module docstring).

    Example:
        >>> dtype_of(Column("x", "int", required=True)), dtype_of(Column("y", "int"))
        ('int64', 'Int64')
    """
    if col.type == "int":
        return "int64" if col.required else "Int64"
    return {"num": "float64", "date": "datetime64[ns]", "bool": "bool"}.get(col.type, "object")


def normalize_code(value: str, type_: str) -> str | None:
    """Canonical text of a code value, or ``None`` when it is not a valid code of ``type_``.

    Example:
        >>> [normalize_code(g, "grade") for g in ("7", "k", "13")]
        ['07', 'KG', None]
        >>> normalize_code("123", "code4"), normalize_code("1", "role")
        ('0123', '01')
    """
    v = value.strip()
    if v == "":
        return ""
    if type_ == "grade":
        up = v.upper()
        if up in ("K", "KG", "0K"):
            return "KG"
        if up in ("PK", "P", "PS"):
            return "PK"
        if up.isdigit() and len(up) <= 2:
            up = up.zfill(2)
        return up if up in GRADES else None
    if type_ == "code4":
        return v.zfill(4) if v.isdigit() and len(v) <= 4 else None
    if type_ == "role":
        return v.zfill(2) if v.isdigit() and 0 <= int(v) <= 12 and len(v) <= 2 else None
    return v


def empty_frame(table: str) -> pd.DataFrame:
    """A zero-row typed frame of ``table`` (used for a missing optional file).

    Example:
        >>> list(empty_frame("graduation").columns)
        ['personID', 'dateFirstEntered9', '_line']
    """
    t = TABLES[table]
    data = {c.name: pd.Series([], dtype=dtype_of(c)) for c in t.columns}
    data[LINE] = pd.Series([], dtype="int64")
    return pd.DataFrame(data)


def frame_from_records(table: str, records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """A typed frame of ``table`` from Python records; missing columns are blank.

    For tests and the synthetic generator: values are trusted (no rejection), dates may be
    ``date`` objects or ISO strings, codes are normalised. ``_line`` numbers rows from 2.

    Example:
        >>> df = frame_from_records("days", [{"calendarID": 1, "date": "2025-02-03",
        ...                                   "instruction": True, "minutes": 360}])
        >>> str(df["date"].dtype), bool(df["schoolDay"][0])
        ('datetime64[ns]', False)
    """
    t = TABLES[table]
    raw = pd.DataFrame.from_records(list(records))
    out: dict[str, pd.Series] = {}
    n = len(raw)
    for col in t.columns:
        if col.name in raw.columns:
            out[col.name] = _cast(raw[col.name].reset_index(drop=True), col)
        elif col.absent_true:
            out[col.name] = pd.Series([True] * n, dtype=bool)
        else:
            out[col.name] = _cast(pd.Series([None] * n, dtype="object"), col)
    frame = pd.DataFrame(out)
    frame[LINE] = pd.RangeIndex(2, n + 2).to_numpy(dtype="int64")
    for extra in raw.columns.difference(list(t.column_names)):
        frame[extra] = raw[extra].to_numpy()
    return frame


def _cast(s: pd.Series, col: Column) -> pd.Series:
    dtype = dtype_of(col)
    if col.type == "date":
        return pd.to_datetime(s, errors="raise").astype("datetime64[ns]")
    if col.type == "bool":
        def truth(v: Any) -> bool:
            text = "" if v is None or v != v else str(v).strip().upper()
            if text == "":
                return col.blank_true
            return text not in ("0", "N", "NO", "FALSE", "F")

        return s.map(truth).astype(bool)
    if col.type in TEXT_TYPES:
        text = s.map(lambda v: "" if v is None or v != v else str(v))
        if col.type != "str":
            text = text.map(lambda v: normalize_code(v, col.type) or "")
        return text.astype(object)
    return pd.to_numeric(s).astype(dtype)

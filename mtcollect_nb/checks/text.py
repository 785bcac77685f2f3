"""Findings text: how a value is shown in the Findings table and the workbook.

ISO dates, whole numbers without ``.0``, Yes/No for booleans, blank for a missing value.

Example:
    >>> to_text(pd.Series([180.0, None])).tolist()
    ['180', '']
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def to_text(s: pd.Series) -> pd.Series:
    """Render a column as text: ISO dates, whole numbers without ``.0``, Yes/No, blank for NA.

    Example:
        >>> to_text(pd.Series([180.0, 12.5, None])).tolist()
        ['180', '12.5', '']
    """
    return pd.Series(text_values(s), index=s.index, name=s.name, dtype=object, copy=False)


def text_values(s: pd.Series) -> np.ndarray:
    """:func:`to_text` as a fresh object array (vectorised where the dtype allows).

    Example:
        >>> text_values(pd.Series([True, False])).tolist()
        ['Yes', 'No']
    """
    dtype = s.dtype
    if dtype == _NS:  # naive datetime64[ns]: years 1677..2262, always 4 digits
        days = s.to_numpy().astype("datetime64[D]")
        out = np.datetime_as_string(days).astype(object)
        out[np.isnat(days)] = ""
        return out
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.strftime("%Y-%m-%d").fillna("").to_numpy(dtype=object)
    if dtype == np.bool_:
        return np.where(s.to_numpy(), "Yes", "No").astype(object)
    if pd.api.types.is_bool_dtype(s):
        return s.map({True: "Yes", False: "No"}).fillna("").to_numpy(dtype=object)
    if pd.api.types.is_numeric_dtype(s):
        f = pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        out = np.full(len(f), "", dtype=object)
        whole = np.isfinite(f) & (np.floor(f) == f)
        out[whole] = f[whole].astype("int64").astype(str)
        other = ~whole & ~np.isnan(f)
        out[other] = [f"{v:.4f}".rstrip("0").rstrip(".") for v in f[other].tolist()]
        return out
    values = s.to_numpy(dtype=object)
    if dtype == _OBJECT and pd.api.types.infer_dtype(values, skipna=False) == "string":
        return values.copy()  # every value is already a str
    return np.array([_scalar_text(v) for v in values.tolist()] if len(values) else [],
                    dtype=object)


_NS = np.dtype("datetime64[ns]")
_OBJECT = np.dtype(object)


def _scalar_text(v: object) -> str:
    if v is None or v is pd.NaT or (isinstance(v, float) and v != v) or v is pd.NA:
        return ""
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, bool):
        return "Yes" if v else "No"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)

"""Measured prototypes of hot-spot fixes in modules the benchmark does not own.

Each prototype keeps the original's behaviour and is applied only by monkeypatching, inside a
benchmark process (``python bench/breakdown.py PARAMS --prototypes``), to measure the gain
before its owner adopts it. Nothing here is imported by mtcollect_nb.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd


# ---- engine._fill: index each lookup table once per analysis, not once per rule ----
def _lookup_index(lookup: pd.DataFrame, key: str) -> pd.DataFrame:
    cache: dict[tuple[int, str], pd.DataFrame] = _lookup_index.__dict__.setdefault("cache", {})
    k = (id(lookup), key)
    hit = cache.get(k)
    if hit is None or hit.attrs.get("_src") is not lookup:
        hit = lookup.drop_duplicates(key).set_index(key)
        hit.attrs["_src"] = lookup
        cache[k] = hit
    return hit


def fill_cached(df: pd.DataFrame, lookup: pd.DataFrame, key: str, cols: list[str]
                ) -> pd.DataFrame:
    """engine._fill with the de-duplicated, indexed lookup built once per lookup frame."""
    if key not in df.columns or lookup.empty:
        return df
    keys = pd.to_numeric(df[key], errors="coerce")
    right = _lookup_index(lookup, key)
    for col in cols:
        found = keys.map(right[col]) if col in right.columns else None
        if found is None:
            continue
        if col not in df.columns:
            df[col] = found
        else:
            blank = df[col].isna() | (df[col].astype(str) == "")
            df.loc[blank, col] = found[blank]
    return df


# ---- engine._normalize: one DataFrame constructor instead of 20 column insertions ----
def normalize_fast(out: pd.DataFrame, r: Any, analysis: Any) -> pd.DataFrame:
    """engine._normalize building the findings frame from a dict of columns at once."""
    from mtcollect_nb import engine
    from mtcollect_nb.columns import FINDINGS_COLUMNS, PERSON_ID

    df = engine._enrich(out.reset_index(drop=True).copy(), analysis)
    n = len(df)
    cols: dict[str, Any] = {}
    for col in FINDINGS_COLUMNS:
        cols[col] = (engine.to_text(df[col]).to_numpy(dtype=object) if col in df.columns
                     else np.full(n, "", dtype=object))
    cols["ruleId"] = np.full(n, r.id, dtype=object)
    cols["severity"] = np.full(n, r.severity, dtype=object)
    cols["collection"] = np.full(n, r.collection, dtype=object)
    cols["remedy"] = np.full(n, r.remedy, dtype=object)
    msg = cols["message"]
    cols["message"] = np.where(msg == "", r.title, msg).astype(object)
    person = df[PERSON_ID] if PERSON_ID in df.columns else pd.Series(pd.NA, index=df.index)
    cols[PERSON_ID] = pd.array(person, dtype="Int64")
    return pd.DataFrame(cols, index=df.index)


# ---- hours._scheduled_minutes: built-in groupby sums instead of a Python lambda ----
def scheduled_minutes_fast(a: Any) -> pd.DataFrame:
    """hours._scheduled_minutes with ``GroupBy.sum(min_count=1)`` in place of the lambda."""
    from mtcollect_nb.columns import EFFECTIVE_COUNT_DATE
    from mtcollect_nb.hours import ROSTERED_SECTIONS, SCHEDULED_MINUTES

    e = a.on_count_date[["enrollmentID", "personID", "calendarID", EFFECTIVE_COUNT_DATE]]
    out = e[["enrollmentID"]].reset_index(drop=True)
    if not a.has("rosters"):
        out[ROSTERED_SECTIONS] = 0
        out[SCHEDULED_MINUTES] = np.nan
        return out
    sec = a.table("sections")[["sectionID", "courseID", "termStartDate", "termEndDate",
                               "minutesPerDay"]]
    sec = sec.merge(a.table("courses")[["courseID", "calendarID"]], on="courseID")
    ros = a.table("rosters")[["sectionID", "personID", "startDate", "endDate"]]
    ros = ros.merge(sec, on="sectionID").merge(e, on=["personID", "calendarID"])
    day = ros[EFFECTIVE_COUNT_DATE]
    active = ((ros["startDate"].isna() | (ros["startDate"] <= day))
              & (ros["endDate"].isna() | (day <= ros["endDate"]))
              & (ros["termStartDate"] <= day) & (day <= ros["termEndDate"]))
    ros = ros.loc[active].assign(
        minutes=pd.to_numeric(ros["minutesPerDay"], errors="coerce").astype("float64"))
    g = ros.groupby("enrollmentID")
    agg = pd.DataFrame({ROSTERED_SECTIONS: g.size(),
                        SCHEDULED_MINUTES: g["minutes"].sum(min_count=1)})
    out = out.merge(agg.reset_index(), on="enrollmentID", how="left")
    out[ROSTERED_SECTIONS] = out[ROSTERED_SECTIONS].fillna(0).astype("int64")
    out[SCHEDULED_MINUTES] = out[SCHEDULED_MINUTES].astype("float64")
    return out


# ---- extract_parse._parse_int: all-ASCII-digit columns cast by pyarrow, else as before ----
def make_parse_int_fast(original: Any) -> Any:
    """A ``_parse_int`` that casts with pyarrow when every distinct value is 1-18 ASCII digits.

    Such values parse identically under the original regex path (``to_numeric``); any other
    column (signs, ``.0``, blanks, junk) falls back to ``original``.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    def parse_int(u: pd.Series) -> Any:
        arr = pa.array(u.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
        if len(arr) and arr.null_count == 0 and pc.all(
                pc.match_substring_regex(arr, r"^[0-9]{1,18}$")).as_py():
            vals = pc.cast(arr, pa.int64()).to_numpy()
            none = np.zeros(len(u), dtype=bool)
            return vals, none, none.copy()
        return original(u)

    return parse_int


def apply() -> list[str]:
    """Monkeypatch the prototypes in (this process only); return what was patched."""
    from bench.streaks_fast import fast_streaks
    from mtcollect_nb import absence, engine, hours

    patched = []
    engine._fill = fill_cached
    patched.append("engine._fill -> fill_cached")
    engine._normalize = normalize_fast
    patched.append("engine._normalize -> normalize_fast")
    if hasattr(hours, "_scheduled_minutes"):
        hours._scheduled_minutes = scheduled_minutes_fast
        patched.append("hours._scheduled_minutes -> scheduled_minutes_fast")
    from mtcollect_nb import extract_parse

    extract_parse._PARSERS["int"] = make_parse_int_fast(extract_parse._parse_int)
    patched.append("extract_parse._parse_int -> pyarrow cast for all-digit columns")
    absence.compute_streaks = fast_streaks
    patched.append("absence.compute_streaks -> streaks_fast.fast_streaks")
    return patched

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


def apply() -> list[str]:
    """Monkeypatch the prototypes in (this process only); return what was patched.

    Adopted already (now in the package, so no longer here): the grid streak engine
    (absence -> streak_grid), built-in groupby sums in hours._scheduled_minutes, and the
    pyarrow cast of all-digit int columns in extract_parse.
    """
    from mtcollect_nb import engine

    engine._fill = fill_cached
    engine._normalize = normalize_fast
    return ["engine._fill -> fill_cached", "engine._normalize -> normalize_fast"]

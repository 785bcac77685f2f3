"""Attendance rows as Infinite Campus keeps them: codes, and rows without minutes.

IC's own attendance records (the Attendance table, the ``v_AttendanceDetail`` view, most
period exports) say that a student had status ``A`` (absent), ``T`` (tardy) or ``E`` (early
release) in a period, with an excuse and an attendance **code**, and carry no
``presentMinutes``. The status and excuse may sit on the code rather than on the row (IC reads
``COALESCE(code.status, row.status)``). Here (spec/extracts.md):

* :func:`unknown_codes`: a row with no status of its own whose code attendance_codes.csv does
  not hold is rejected (DQ-02 naming the code): absent or not is unknown;
* :func:`blank_periods`: in a period-form file (the header has ``periodID``) a row with a blank
  periodID is rejected (DQ-03): it is never read as a daily row;
* :func:`fill_from_codes`: a blank status or excuse is the code's (so an exempt absence is
  recognised by its code, not only by the letter ``X``);
* :func:`fill_minutes`: a row without minutes is absent for the whole period (or day) when its
  status is ``A``; a ``T``/``E`` row without minutes is not absent minutes (the minutes missed
  are unknown), and such rows are counted in the loader notes.

Example:
    >>> att = pd.DataFrame({"code": ["EX", "AU", ""], "status": ["", "", "T"],
    ...                     "excuse": ["", "E", ""]})
    >>> codes = pd.DataFrame({"code": ["EX", "AU"], "status": ["A", "A"], "excuse": ["X", "U"]})
    >>> out, n = fill_from_codes(att, codes)
    >>> out[["status", "excuse"]].values.tolist(), n
    ([['A', 'X'], ['A', 'E'], ['T', '']], 2)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mtcollect_nb.load.parse import MISSING
from mtcollect_nb.load.periods import period_minutes
from mtcollect_nb.load.rejects import FileRows, RowReject
from mtcollect_nb.load.row_checks import MAX_DAY_MINUTES

ABSENT, NOT_ABSENT = "A", ("T", "E")


def _key(values: object) -> pd.Series:
    """Codes compared without case and surrounding spaces (worked out per distinct value).

    Example:
        >>> _key([" au", None, "AU"]).tolist()
        ['AU', '', 'AU']
    """
    codes, uniques = pd.factorize(pd.Series(np.asarray(values, dtype=object)),
                                  use_na_sentinel=False)
    keys = pd.Series(uniques, dtype=object).fillna("").astype(str).str.strip().str.upper()
    return pd.Series(keys.to_numpy(dtype=object)[codes], dtype=object)


def unknown_codes(rows: FileRows) -> list[RowReject]:
    """DQ-02: a row with no status of its own and a code attendance_codes.csv does not hold."""
    if "code" not in rows.text:
        return []
    code = _key(rows.cols["code"])
    cand = (code != "").to_numpy() & (_key(rows.cols["status"]) == "").to_numpy()
    if not cand.any():
        return []
    codes = rows.parents.get("attendance_codes")
    known = _key(codes["code"]) if codes is not None else pd.Series([], dtype=object)
    bad = cand & ~code.isin(set(known)).to_numpy()
    where = (f"not in {rows.parent_files.get('attendance_codes', 'attendance_codes.csv')}"
             if codes is not None else "unknown: attendance_codes.csv was not provided")
    reason = np.array([f"attendance code {c!r} {where}, and the row has no status of its own "
                       "(absent or not is unknown)" for c in code], dtype=object)
    return [RowReject("DQ-02", bad, "code", reason)]


def blank_periods(rows: FileRows) -> list[RowReject]:
    """DQ-03: a blank periodID in a period-form file (never read as a daily row)."""
    if "periodID" not in rows.text:
        return []
    blank = np.asarray(pd.isna(rows.cols["periodID"]), dtype=bool)
    return [RowReject("DQ-03", blank, "periodID",
                      f"{MISSING}: the file is in the period form (its header has periodID)")]


def fill_from_codes(att: pd.DataFrame, codes: pd.DataFrame | None) -> tuple[pd.DataFrame, int]:
    """``att`` with blank status/excuse taken from the row's code; rows that took one."""
    if codes is None or "code" not in att.columns or att.empty:
        return att, 0
    table = codes.assign(_k=_key(codes["code"]).to_numpy()).drop_duplicates("_k").set_index("_k")
    code = _key(att["code"])
    took = np.zeros(len(att), dtype=bool)
    out = att.copy()
    for col in ("status", "excuse"):
        own = _key(att[col]).to_numpy()
        from_code = code.map(table[col].fillna("").astype(str).str.strip()).fillna("").to_numpy()
        use = (own == "") & (from_code != "")
        if use.any():
            out[col] = np.where(use, from_code, att[col].to_numpy(dtype=object)).astype(object)
            took |= use
    return out, int(took.sum())


def fill_minutes(att: pd.DataFrame, tables: dict[str, pd.DataFrame]
                 ) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """Rows without presentMinutes: ``A`` = 0 present; ``T``/``E`` = present throughout.

    A ``T``/``E`` row is given its period's length (period form) or its day's minutes (the
    whole day, :data:`MAX_DAY_MINUTES` when the day is not in days.csv): no absent minute.
    Other rows without minutes are left blank (read as 0 minutes present, as before).
    """
    blank = att["presentMinutes"].isna().to_numpy()
    if not blank.any():
        return att, []
    status = _key(att["status"]).to_numpy()
    absent, partial = blank & (status == ABSENT), blank & np.isin(status, NOT_ABSENT)
    full = np.full(len(att), float(MAX_DAY_MINUTES))
    days = tables.get("days")
    if days is not None and not days.empty:
        idx = pd.MultiIndex.from_frame(days[["calendarID", "date"]])
        pos = idx.get_indexer(pd.MultiIndex.from_frame(att[["calendarID", "date"]]))
        mins = np.append(days["minutes"].to_numpy(dtype="float64", na_value=np.nan), np.nan)
        full = np.where(np.isnan(mins[pos]), full, mins[pos])
    periods = tables.get("periods")
    if periods is not None and "periodID" in att.columns:
        pos = pd.Index(periods["periodID"]).get_indexer(
            att["periodID"].fillna(-1).astype("int64"))
        length = np.append(period_minutes(periods), np.nan)[pos]
        full = np.where(att["periodID"].notna().to_numpy() & ~np.isnan(length), length, full)
    present = att["presentMinutes"].to_numpy(dtype="float64", na_value=np.nan)
    present = np.where(absent, 0.0, np.where(partial, np.round(full), present))
    out = att.copy()
    out["presentMinutes"] = pd.array(present, dtype="Int64")
    notes = []
    if absent.any():
        notes.append(("presentMinutes", f"{int(absent.sum())} absent row(s) (status A) have no "
                      "minutes: each is absent for its whole period (or day)"))
    if partial.any():
        notes.append(("presentMinutes", f"{int(partial.sum())} tardy or early-release row(s) "
                      "(status T or E) have no minutes: the minutes missed are unknown and "
                      "are not counted as absent"))
    return out, notes

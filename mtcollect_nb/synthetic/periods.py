"""Infinite Campus's period form of attendance for a synthetic district, and its periods.csv.

:func:`periods_frame` gives each calendar seven periods: six instructional ones that together
last the calendar's longest day (one given by startTime/endTime instead of minutes) and a
30-minute lunch that is not instructional. :func:`grade_levels_frame` lists each calendar's
grade levels (no override, none excluded). :func:`split_daily` spreads each daily attendance
row's absent minutes over the periods (in a random order per row), so that
:func:`mtcollect_nb.load.periods.to_daily` gives back exactly the daily absent minutes;
:func:`to_period_form` rewrites a written bundle folder's attendance.csv that way. Rows that
cannot be split (a date that is not a date, a day not on the calendar: the planted
data-quality rows) keep a blank periodID and stand for the whole day.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> from mtcollect_nb.synthetic.write import write_district
    >>> out = write_district(Path(tempfile.mkdtemp()) / "x", students=40, seed=5, plant=False)
    >>> _ = to_period_form(out)
    >>> (out / "attendance.csv").read_text().splitlines()[0]
    'personID,calendarID,date,presentMinutes,status,excuse,periodID'
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mtcollect_nb.load.periods import period_minutes

#: Columns only the period form writes (the daily form's header has no periodID).
PERIOD_FORM_ONLY: dict[str, tuple[str, ...]] = {"attendance": ("periodID",)}
#: Instructional periods per calendar, the lunch's minutes, and periodID = calendarID * 100 + k.
N_PERIODS, LUNCH_MINUTES, _ID = 6, 30, 100


def periods_frame(calendars: pd.DataFrame, days: pd.DataFrame) -> pd.DataFrame:
    """periods.csv rows: per calendar six instructional periods and a lunch (see the module).

    Example:
        >>> cal = pd.DataFrame({"calendarID": [7]})
        >>> days = pd.DataFrame({"calendarID": [7, 7], "minutes": [360, 180]})
        >>> p = periods_frame(cal, days)
        >>> int(p.loc[p["instructional"], "minutes"].fillna(60).sum()), len(p)
        (360, 7)
    """
    longest = days.groupby("calendarID")["minutes"].max()
    rows = []
    for cid in calendars["calendarID"].astype("int64"):
        total = int(longest.get(cid, 360))
        each, start = total // N_PERIODS, 8 * 60
        for k in range(N_PERIODS):
            mins = total - each * (N_PERIODS - 1) if k == 0 else each
            timed = k == 1  # one period gives its length as start/end times
            rows.append({"calendarID": cid, "periodID": cid * _ID + k + 1, "name": f"P{k + 1}",
                         "minutes": pd.NA if timed else mins,
                         "startTime": _hhmm(start) if timed else "",
                         "endTime": _hhmm(start + mins) if timed else "",
                         "instructional": True})
            start += mins
        rows.append({"calendarID": cid, "periodID": cid * _ID + N_PERIODS + 1, "name": "Lunch",
                     "minutes": LUNCH_MINUTES, "startTime": "", "endTime": "",
                     "instructional": False})
    out = pd.DataFrame(rows, columns=["calendarID", "periodID", "name", "minutes", "startTime",
                                      "endTime", "instructional"])
    out["minutes"] = out["minutes"].astype("Int64")
    return out


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def grade_levels_frame(enrollments: pd.DataFrame) -> pd.DataFrame:
    """grade_levels.csv rows: each (calendarID, grade) enrolled, no threshold, not excluded.

    Example:
        >>> grade_levels_frame(pd.DataFrame({"calendarID": [1, 1], "grade": ["KG", "KG"]})
        ...                    ).values.tolist()
        [[1, 'KG', <NA>, False]]
    """
    g = enrollments[["calendarID", "grade"]].drop_duplicates().sort_values(
        ["calendarID", "grade"], kind="mergesort").reset_index(drop=True)
    g["wholeDayAbsence"] = pd.array([pd.NA] * len(g), dtype="Int64")
    g["stateExclude"] = False
    return g


def split_daily(attendance: pd.DataFrame, days: pd.DataFrame, periods: pd.DataFrame,
                rng: np.random.Generator, lunch_rows: float = 0.0,
                exempt_mix: float = 0.0) -> pd.DataFrame:
    """Period rows whose daily form is ``attendance`` (typed; rows that cannot split kept whole).

    Each row's absent minutes (day minutes - presentMinutes) fill its calendar's instructional
    periods in a random order per row; a day with no absent minute keeps one full period row.
    ``lunch_rows`` adds lunch rows (no effect) to that share of days; ``exempt_mix`` marks that
    share of the period rows of non-exempt days exempt, keeping at least one row as it was, so
    the day stays non-exempt.
    """
    att = attendance.reset_index(drop=True)
    per = periods.loc[periods["instructional"]].sort_values("periodID", kind="mergesort")
    lengths = period_minutes(per)
    key = pd.MultiIndex.from_frame(days[["calendarID", "date"]])
    pos = key.get_indexer(pd.MultiIndex.from_frame(att[["calendarID", "date"]]))
    day_min = np.append(days["minutes"].to_numpy(dtype="float64", na_value=np.nan), np.nan)[pos]
    by_cal = {int(c): np.flatnonzero(per["calendarID"].to_numpy() == c)
              for c in per["calendarID"].unique()}
    k = N_PERIODS
    splittable = (pos >= 0) & np.isfinite(day_min) & att["calendarID"].isin(by_cal).to_numpy()
    idx = np.flatnonzero(splittable)
    if len(idx) and any(len(v) != k for v in by_cal.values()):
        raise ValueError("split_daily expects six instructional periods per calendar")
    cal_rows = np.stack([by_cal[int(c)] for c in att["calendarID"].to_numpy()[idx]]) if len(
        idx) else np.zeros((0, k), dtype=int)
    order = np.argsort(rng.random((len(idx), k)), axis=1)
    slots = np.take_along_axis(cal_rows, order, axis=1)  # periods in fill order, per row
    slot_len = lengths[slots]
    absent = np.clip(day_min[idx] - att["presentMinutes"].to_numpy(
        dtype="float64", na_value=0.0)[idx], 0, slot_len.sum(axis=1))
    before = np.cumsum(slot_len, axis=1) - slot_len
    part = np.clip(absent[:, None] - before, 0, slot_len)
    keep = part > 0
    keep[:, 0] |= ~keep.any(axis=1)  # no absent minute: one full period row
    r, c = np.nonzero(keep)
    rows = att.iloc[idx[r]].reset_index(drop=True)
    rows["periodID"] = per["periodID"].to_numpy()[slots[r, c]]
    rows["presentMinutes"] = (slot_len[r, c] - part[r, c]).round().astype("int64")
    if exempt_mix:
        not_x = rows["excuse"].astype(str).str.upper().ne("X").to_numpy()
        first = np.r_[True, r[1:] != r[:-1]]
        flip = not_x & ~first & (rng.random(len(rows)) < exempt_mix)
        rows.loc[flip, "excuse"] = "X"
    parts = [rows, att.iloc[np.flatnonzero(~splittable)].assign(periodID=pd.NA)]
    if lunch_rows and len(idx):
        lunch = att.iloc[idx[rng.random(len(idx)) < lunch_rows]].copy()
        lunch_id = periods.loc[~periods["instructional"]].set_index("calendarID")["periodID"]
        lunch["periodID"] = lunch["calendarID"].map(lunch_id)
        lunch["presentMinutes"] = 0
        parts.append(lunch.dropna(subset=["periodID"]))
    out = pd.concat(parts, ignore_index=True)
    out["periodID"] = out["periodID"].astype("Int64")
    out["presentMinutes"] = out["presentMinutes"].astype("Int64")
    return out


def split_text(text: pd.DataFrame, days: pd.DataFrame, periods: pd.DataFrame,
               rng: np.random.Generator) -> pd.DataFrame:
    """Text rows of attendance.csv (daily form) split into period rows (:func:`split_daily`).

    Each period row keeps its day's text, with its own presentMinutes and periodID; rows that
    cannot be split keep their text and a blank periodID. Ordered as the days, then periods.
    """
    att = text.copy()
    att["calendarID"] = pd.to_numeric(att["calendarID"], errors="coerce").fillna(-1).astype(
        "int64")
    att["date"] = pd.to_datetime(att["date"], errors="coerce", format="%Y-%m-%d")
    att["presentMinutes"] = pd.to_numeric(att["presentMinutes"], errors="coerce")
    att["_row"] = np.arange(len(att))
    rows = split_daily(att, days, periods, rng)
    out = text.iloc[rows["_row"].to_numpy()].reset_index(drop=True)
    split = rows["periodID"].notna().to_numpy()
    out.loc[split, "presentMinutes"] = rows.loc[split, "presentMinutes"].astype(str).to_numpy()
    out["periodID"] = rows["periodID"].astype(str).where(rows["periodID"].notna(), "").to_numpy()
    return out.assign(_o=rows["_row"].to_numpy()).sort_values(
        ["_o", "periodID"], kind="mergesort").drop(columns="_o")


def to_period_form(folder: Path, seed: int = 0) -> Path:
    """Rewrite ``folder``'s attendance.csv in the period form and write its periods.csv.

    The other files are untouched; the planted data-quality rows keep their values.
    """
    folder = Path(folder)
    text = pd.read_csv(folder / "attendance.csv", dtype=str, keep_default_na=False)
    days = pd.read_csv(folder / "days.csv", dtype={"calendarID": "int64"})
    days["date"] = pd.to_datetime(days["date"])
    cals = pd.read_csv(folder / "calendars.csv", usecols=["calendarID"])
    per = periods_frame(cals, days)
    out = split_text(text, days, per, np.random.default_rng(seed))
    out.to_csv(folder / "attendance.csv", index=False, lineterminator="\n")
    p = per.copy()
    p["minutes"] = p["minutes"].astype(str).where(p["minutes"].notna(), "")
    p["instructional"] = np.where(p["instructional"], "1", "0")
    p.to_csv(folder / "periods.csv", index=False, lineterminator="\n")
    return folder

"""Attendance in Infinite Campus's period form, turned into the daily form (spec/extracts.md).

A period-form attendance file has a ``periodID`` column: one row per (personID, calendarID,
date, periodID) with that period's presentMinutes; periods.csv gives each period's length
(``minutes``, or ``endTime - startTime`` as HH:MM) and whether it is instructional (blank =
true). The loader reads the rows with the attendance contract (key with periodID: a second copy
is DQ-01; an unknown periodID is DQ-02; each rejected row is listed by its own line, and the
accounting counts period rows), then :func:`to_daily` gives one row per day:

* absent minutes of the day = sum over the day's rows of (period minutes - presentMinutes,
  at least 0) for instructional periods; a row with a blank periodID stands for the whole day
  (day minutes - presentMinutes);
* presentMinutes of the day = the day's minutes (days.csv; else the calendar's instructional
  period minutes) - absent minutes, at least 0; the streak engine then sees the same absent
  minutes as in the daily form (a day with only a blank-periodID row keeps its row as is);
* excuse ``X`` (exempt) only when every absent minute is exempt, else ``U`` where any absent
  minute is unexcused, else ``E`` where any is excused, else blank; status is that of the row
  with the most absent minutes; ``_line`` is the day's first period row.

Example:
    >>> att = pd.DataFrame({"personID": [1, 1], "calendarID": 1, "periodID": [11, 12],
    ...     "date": pd.to_datetime(["2025-02-03"] * 2), "presentMinutes": [0, 10],
    ...     "status": "A", "excuse": ["X", "E"], "_line": [2, 3]})
    >>> per = pd.DataFrame({"calendarID": 1, "periodID": [11, 12], "minutes": [60, 60],
    ...     "startTime": "", "endTime": "", "instructional": True})
    >>> days = pd.DataFrame({"calendarID": [1], "date": pd.to_datetime(["2025-02-03"]),
    ...                      "minutes": [360]})
    >>> to_daily(att, {"periods": per, "days": days}, "attendance.csv")[
    ...     ["presentMinutes", "excuse", "_line"]].values.tolist()
    [[250, 'E', 2]]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mtcollect_nb.columns import LINE
from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load.parse import MAX_DAY_MINUTES, ROW_CHECKS, RowCheck
from mtcollect_nb.load.rejects import FileRows, RowReject

_DAY = ["personID", "calendarID", "date"]
_EXCUSE_RANK = {"U": 2, "E": 1}


def clock_minutes(values: Any) -> np.ndarray:
    """Minutes after midnight of ``HH:MM`` text (``H:MM``, seconds ignored); NaN if not a time.

    Example:
        >>> clock_minutes(pd.Series(["08:05", "13:30:00", "", "25:00"])).tolist()
        [485.0, 810.0, nan, nan]
    """
    s = pd.Series(np.asarray(values, dtype=object)).astype(str).str.strip()
    hm = s.str.extract(r"^(\d{1,2}):(\d{2})(?::\d{2})?$").astype("float64")
    ok = (hm[0] < 24) & (hm[1] < 60)
    return np.where(ok, hm[0] * 60 + hm[1], np.nan)


def period_minutes(periods: pd.DataFrame | dict[str, Any]) -> np.ndarray:
    """Each period's length: ``minutes``, else ``endTime - startTime`` (NaN when neither).

    Example:
        >>> period_minutes({"minutes": pd.array([50, None], dtype="Int64"),
        ...                 "startTime": ["", "08:00"], "endTime": ["", "08:55"]}).tolist()
        [50.0, 55.0]
    """
    given = pd.to_numeric(pd.Series(periods["minutes"]), errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan)
    span = clock_minutes(periods["endTime"]) - clock_minutes(periods["startTime"])
    return np.where(np.isnan(given), np.where(span > 0, span, np.nan), given)


def _end_not_after_start(periods: Any) -> np.ndarray:
    """Whether both times are HH:MM and the end is not after the start, minutes given.

    (Without minutes such a period has no length: the first check of the periods says so.)
    """
    start, end = clock_minutes(periods["startTime"]), clock_minutes(periods["endTime"])
    given = pd.array(periods["minutes"], dtype="Int64").isna()
    with np.errstate(invalid="ignore"):
        return np.asarray(end <= start, dtype=bool) & ~np.asarray(given, dtype=bool)


#: DQ-03 for a period whose length is unknown (no minutes, no valid startTime/endTime) or
#: impossible: minutes out of 1..1,440, or an end time not after the start time.
ROW_CHECKS.setdefault("periods", (
    RowCheck("minutes", "no period length: minutes blank and startTime/endTime not HH:MM with "
             "end after start", lambda f: np.isnan(period_minutes(f))),
    RowCheck("minutes", f"below 1 minute (a period is 1..{MAX_DAY_MINUTES} minutes)",
             lambda f: np.asarray(pd.array(f["minutes"]).fillna(1) < 1, dtype=bool)),
    RowCheck("minutes", f"more than {MAX_DAY_MINUTES} minutes (a day has {MAX_DAY_MINUTES})",
             lambda f: np.asarray(pd.array(f["minutes"]).fillna(0) > MAX_DAY_MINUTES,
                                  dtype=bool)),
    RowCheck("endTime", "endTime is not after startTime", _end_not_after_start),
))


def other_calendar_periods(rows: FileRows) -> list[RowReject]:
    """DQ-02: an attendance row whose periodID is a period of another calendar (periods.csv).

    Example:
        >>> per = pd.DataFrame({"periodID": [11, 21], "calendarID": [1, 2]})
        >>> cols = {"periodID": pd.array([11, 21, None], dtype="Int64"),
        ...         "calendarID": np.array([1, 1, 1])}
        >>> (r,) = other_calendar_periods(FileRows("attendance.csv", cols, {"periodID": 0},
        ...                               {"periods": per}, {"periods": "periods.csv"}))
        >>> r.mask.tolist(), r.reason[1][:45]
        ([False, True, False], 'periodID 21 is a period of calendar 2 in peri')
    """
    periods = rows.parents.get("periods")
    if "periodID" not in rows.text or periods is None:
        return []
    pid = pd.array(rows.cols["periodID"], dtype="Int64")
    pos = pd.Index(periods["periodID"]).get_indexer(pid.fillna(-1).to_numpy(dtype="int64"))
    cal_of = np.append(periods["calendarID"].to_numpy(dtype="int64"), -1)[pos]
    cal = np.asarray(rows.cols["calendarID"], dtype="int64")
    bad = (pos >= 0) & (cal_of != cal)
    reason = np.full(len(cal), "", dtype=object)
    file = rows.parent_files.get("periods", "periods.csv")
    for at in np.flatnonzero(bad):  # rejected rows only
        reason[at] = (f"periodID {int(pid[at])} is a period of calendar {int(cal_of[at])} in "
                      f"{file}, not of this row's calendar {int(cal[at])}")
    return [RowReject("DQ-02", bad, "periodID", reason)]


def overlap_notes(periods: pd.DataFrame) -> list[tuple[str, str]]:
    """A loader note naming periods of one calendar and schedule whose times overlap.

    Periods are grouped by calendarID and periodScheduleID (blank: one group per calendar);
    a period overlaps when it starts before an earlier-starting period of its group ends.
    Only periods with both times as HH:MM are compared (periods.csv is small: a plain loop).

    Example:
        >>> per = pd.DataFrame({"calendarID": [1, 1, 1], "periodID": [11, 12, 13],
        ...     "startTime": ["08:00", "08:30", "09:30"], "endTime": ["09:00", "09:20", "10:00"],
        ...     "_line": [2, 3, 4]})
        >>> overlap_notes(per)[0][1][:60]
        '1 period(s) overlap another period of the same calendar and '
    """
    start, end = clock_minutes(periods["startTime"]), clock_minutes(periods["endTime"])
    ok = ~np.isnan(start) & ~np.isnan(end) & (end > start)
    if int(ok.sum()) < 2:
        return []
    sched = (periods["periodScheduleID"] if "periodScheduleID" in periods.columns
             else pd.Series(pd.NA, index=periods.index))
    df = pd.DataFrame({"cal": periods["calendarID"].to_numpy(),
                       "sched": pd.array(sched, dtype="Int64").fillna(-1).to_numpy(),
                       "pid": periods["periodID"].to_numpy(), "start": start, "end": end,
                       "line": periods[LINE].to_numpy()})[ok]
    df = df.sort_values(["cal", "sched", "start", "end", "line"], kind="mergesort")
    found: list[str] = []
    group, latest = None, None
    for r in df.itertuples(index=False):
        if (r.cal, r.sched) != group:
            group, latest = (r.cal, r.sched), r
            continue
        assert latest is not None
        if r.start < latest.end:
            where = f"calendar {r.cal}" + (f", schedule {r.sched}" if r.sched >= 0 else "")
            found.append(f"periodID {r.pid} (line {r.line}) overlaps {latest.pid} "
                         f"(line {latest.line}), {where}")
        if r.end > latest.end:
            latest = r
    if not found:
        return []
    more = f" … +{len(found) - 10} more" if len(found) > 10 else ""
    return [("startTime", f"{len(found)} period(s) overlap another period of the same calendar "
             "and period schedule (by startTime/endTime): the minutes of overlapping "
             "instructional periods are counted twice in a day's minutes; check the period "
             f"schedule in IC: {'; '.join(found[:10])}{more}")]


def is_period_form(attendance: pd.DataFrame) -> bool:
    """Whether the attendance rows carry periodIDs (Infinite Campus's period form)."""
    return "periodID" in attendance.columns and bool(attendance["periodID"].notna().any())


def to_daily(attendance: pd.DataFrame, tables: dict[str, pd.DataFrame],
             file: str) -> pd.DataFrame:
    """The daily form of ``attendance`` (see the module docstring); daily rows pass unchanged.

    Raises:
        ExtractError: period-form rows and no periods.csv (one line naming ``file``).
    """
    if not is_period_form(attendance):
        return attendance
    if "periods" not in tables:
        raise ExtractError(f"{file}: attendance in the period form of Infinite Campus (a "
                           "periodID column) needs periods.csv (the minutes of each period), "
                           "which is missing")
    per = tables["periods"]
    att = attendance.reset_index(drop=True)
    pos = pd.Index(per["periodID"]).get_indexer(att["periodID"].fillna(-1).astype("int64"))
    length = np.append(period_minutes(per), np.nan)[pos]
    instr = np.append(per["instructional"].to_numpy(dtype=bool), False)[pos]
    present = att["presentMinutes"].to_numpy(dtype="float64", na_value=0.0)
    day_min = _day_minutes(att, tables.get("days"), per)
    whole_day = att["periodID"].isna().to_numpy()
    absent = np.where(whole_day, day_min - present,
                      np.where(instr, length - present, 0.0))
    absent = np.clip(np.nan_to_num(absent), 0.0, None)
    excuse = att["excuse"].fillna("").astype(str).str.strip().str.upper()
    counted = absent > 0
    exempt_min = np.where(counted & (excuse == "X").to_numpy(), absent, 0.0)
    rank = np.where(counted, excuse.map(_EXCUSE_RANK).fillna(0).to_numpy(), 0)
    g = att.groupby(_DAY, sort=False)
    key = g.ngroup().to_numpy()
    n = int(key.max()) + 1 if len(key) else 0
    tot = np.bincount(key, weights=absent, minlength=n)
    exempt_all = (tot > 0) & (np.bincount(key, weights=exempt_min, minlength=n) >= tot)
    best = np.zeros(n)
    np.maximum.at(best, key, rank)
    first = np.full(n, len(att))
    np.minimum.at(first, key, np.arange(len(att)))
    lead = pd.DataFrame({"k": key, "a": -absent, "i": np.arange(len(att))}).sort_values(
        ["k", "a", "i"], kind="mergesort").drop_duplicates("k")["i"].to_numpy()
    day_total = np.fmax(np.bincount(key, weights=np.nan_to_num(day_min), minlength=n)
                        / np.maximum(np.bincount(key, minlength=n), 1), 0)
    out = att.iloc[first][_DAY].reset_index(drop=True)
    present_out = pd.array(np.clip(np.round(day_total - tot), 0, None).astype("int64"),
                           dtype="Int64")
    count = np.bincount(key, minlength=n)
    daily = np.bincount(key, weights=whole_day, minlength=n) == count  # a daily row alone
    given = att["presentMinutes"].array[first]
    out["presentMinutes"] = pd.array(np.where(daily, given, present_out), dtype="Int64")
    out["status"] = att["status"].to_numpy(dtype=object)[lead]
    out["excuse"] = np.where(exempt_all, "X", np.select([best == 2, best == 1], ["U", "E"], ""))
    out["excuse"] = out["excuse"].astype(object)
    out["periodID"] = pd.array([pd.NA] * n, dtype="Int64")
    out[LINE] = att[LINE].to_numpy(dtype="int64")[first]
    return out.sort_values(LINE, kind="mergesort").reset_index(drop=True)


def _day_minutes(att: pd.DataFrame, days: pd.DataFrame | None,
                 periods: pd.DataFrame) -> np.ndarray:
    """Per row: the day's minutes from days.csv, else the calendar's instructional minutes.

    A calendar with several period schedules (periods.csv's ``periodScheduleID``) gives its
    longest schedule's minutes.
    """
    lengths = np.nan_to_num(period_minutes(periods)) * periods["instructional"].to_numpy(bool)
    schedule = (periods["periodScheduleID"].fillna(-1).to_numpy(dtype="int64")
                if "periodScheduleID" in periods.columns else np.zeros(len(periods), "int64"))
    per_cal = pd.Series(lengths).groupby([periods["calendarID"].to_numpy(), schedule]).sum(
        ).groupby(level=0).max()
    fallback = att["calendarID"].map(per_cal).to_numpy(dtype="float64", na_value=np.nan)
    if days is None or days.empty:
        return fallback
    idx = pd.MultiIndex.from_frame(days[["calendarID", "date"]])
    pos = idx.get_indexer(pd.MultiIndex.from_frame(att[["calendarID", "date"]]))
    mins = np.append(pd.to_numeric(days["minutes"]).to_numpy(dtype="float64", na_value=np.nan),
                     np.nan)[pos]
    return np.where(np.isnan(mins), fallback, mins)

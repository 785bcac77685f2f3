"""A day's minutes from its period schedule: Infinite Campus keeps no minutes on a Day.

In IC a Day names its period schedule (Calendar > Structure > Period Schedule > Period), and
the minutes of the day are those of the schedule's instructional periods. So days.csv may give
``periodScheduleID`` instead of ``minutes``; periods.csv then holds each schedule's periods
(``periodScheduleID``, and ``minutes`` or ``startTime``/``endTime``; IC's Non-Instructional
checkbox read as the opposite of ``instructional``). The loader fills the days table's
``minutes`` here, so every computation (whole-day thresholds, half days, computed hours) sees
the same numbers as from a days file with minutes:

* a day's minutes = sum of its schedule's instructional period lengths (0 on a day that is not
  instructional);
* where a day has both, ``minutes`` wins, and days whose two values differ are listed in the
  loader notes;
* a day naming a schedule periods.csv does not hold is rejected (DQ-02); days that need a
  schedule's minutes when periods.csv (or its periodScheduleID column) is missing stop the run.

Example:
    >>> per = pd.DataFrame({"periodScheduleID": pd.array([1, 1, 1, 2], dtype="Int64"),
    ...     "minutes": pd.array([60, None, 30, 90], dtype="Int64"),
    ...     "startTime": ["", "09:00", "", ""], "endTime": ["", "10:30", "", ""],
    ...     "instructional": [True, True, False, True]})
    >>> schedule_minutes(per).to_dict()
    {1: 150.0, 2: 90.0}
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mtcollect_nb.columns import LINE
from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load.fast import isin_known
from mtcollect_nb.load.periods import period_minutes
from mtcollect_nb.load.rejects import FileRows, RowReject

MAX_LINES = 10


def schedule_minutes(periods: pd.DataFrame) -> pd.Series:
    """Per periodScheduleID: the minutes of its instructional periods (float)."""
    has = periods["periodScheduleID"].notna().to_numpy()
    lengths = np.nan_to_num(period_minutes(periods)) * periods["instructional"].to_numpy(bool)
    ids = periods["periodScheduleID"].to_numpy(dtype="float64", na_value=np.nan)[has]
    return pd.Series(lengths[has]).groupby(ids.astype("int64")).sum()


def _needing(days_minutes: object, schedule: object) -> np.ndarray:
    return np.asarray(pd.isna(days_minutes), dtype=bool) & ~np.asarray(pd.isna(schedule),
                                                                      dtype=bool)


def unknown_schedules(rows: FileRows) -> list[RowReject]:
    """DQ-02: a day naming a periodScheduleID periods.csv does not hold.

    Raises:
        ExtractError: days without minutes name a schedule and periods.csv, or its
            periodScheduleID column, is missing (the minutes cannot be found).
    """
    if "periodScheduleID" not in rows.text:
        return []
    sched = rows.cols["periodScheduleID"]
    named = ~np.asarray(pd.isna(sched), dtype=bool)
    needs = _needing(rows.cols["minutes"], sched)
    periods = rows.parents.get("periods")
    held = (periods["periodScheduleID"].dropna().astype("int64")
            if periods is not None else pd.Series([], dtype="int64"))
    if held.empty:
        if needs.any():
            pfile = rows.parent_files.get("periods", "periods.csv")
            what = ("periods.csv (the periods of each period schedule, with their minutes or "
                    "start and end times) is needed and missing" if periods is None else
                    f"no period of {pfile} has a length (every row was rejected: a period "
                    "needs minutes, or startTime and endTime)" if periods.empty else
                    f"{pfile} has no periodScheduleID column: export the periods with their "
                    "period schedule")
            raise ExtractError(f"{rows.file}: {int(needs.sum())} day(s) give a "
                               f"periodScheduleID and no minutes, so their minutes come from "
                               f"the period schedule; {what}")
        return []
    values = np.asarray(pd.array(sched).fillna(-1), dtype="int64")
    missing = named & ~isin_known(values, held.to_numpy(dtype="int64"))
    file = rows.parent_files.get("periods", "periods.csv")
    return [RowReject("DQ-02", missing, "periodScheduleID",
                      f"periodScheduleID not found in {file} (no period of this schedule was "
                      "loaded, so the day's minutes are unknown)")]


def _lines(lines: np.ndarray) -> str:
    shown = ", ".join(str(int(x)) for x in lines[:MAX_LINES])
    return shown + (f" … +{len(lines) - MAX_LINES} more" if len(lines) > MAX_LINES else "")


def fill_day_minutes(days: pd.DataFrame,
                     periods: pd.DataFrame | None) -> tuple[pd.DataFrame, list[tuple[str, str]]]:
    """``days`` with ``minutes`` from the period schedule where blank; loader notes.

    Example:
        >>> per = pd.DataFrame({"periodScheduleID": pd.array([7], dtype="Int64"),
        ...     "minutes": pd.array([300], dtype="Int64"), "startTime": [""], "endTime": [""],
        ...     "instructional": [True]})
        >>> days = pd.DataFrame({"instruction": [True, False, True],
        ...     "minutes": pd.array([None, None, 290], dtype="Int64"),
        ...     "periodScheduleID": pd.array([7, 7, 7], dtype="Int64"), "_line": [2, 3, 4]})
        >>> out, notes = fill_day_minutes(days, per)
        >>> out["minutes"].tolist(), [n[1][:30] for n in notes]
        ([300, 0, 290], ['1 day(s) have minutes that dif', '2 day(s) took their minutes fr'])
    """
    sched = days["periodScheduleID"]
    named = sched.notna().to_numpy()
    if periods is None or not named.any() or periods["periodScheduleID"].isna().all():
        return days, []
    per_schedule = schedule_minutes(periods)
    from_schedule = sched.map(per_schedule).to_numpy(dtype="float64", na_value=np.nan)
    from_schedule = np.where(days["instruction"].to_numpy(bool), from_schedule, 0.0)
    given = days["minutes"].to_numpy(dtype="float64", na_value=np.nan)
    fill = named & np.isnan(given) & ~np.isnan(from_schedule)
    differ = (named & ~np.isnan(given) & days["instruction"].to_numpy(bool)
              & ~np.isnan(from_schedule) & (given != from_schedule))
    notes = []
    lines = days[LINE].to_numpy()
    if differ.any():
        notes.append(("minutes", f"{int(differ.sum())} day(s) have minutes that differ from the "
                      "sum of their period schedule's instructional periods (the days file's "
                      f"minutes were used): line {_lines(lines[differ])}"))
    if fill.any():
        days = days.copy()
        days["minutes"] = pd.array(np.where(fill, np.round(from_schedule), given),
                                   dtype="Int64").fillna(pd.NA)
        days.loc[np.isnan(given) & ~fill, "minutes"] = pd.NA
        notes.append(("minutes", f"{int(fill.sum())} day(s) took their minutes from their "
                      "period schedule (the instructional periods of periods.csv)"))
    return days, notes

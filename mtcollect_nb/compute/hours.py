"""Computed aggregate hours of instruction, and the hour bands that turn hours into FTE.

Computed aggregate hours of an enrollment on the count date (spec/rules.md):
``m`` = the student's scheduled minutes per day on the effective count date in that
enrollment's calendar, and hours = Σ over the calendar's instructional days of
``min(day minutes, m) / 60``.

Decisions (spec open), kept here:
    * **Which days**: every instructional day of the enrollment's calendar, not only the days
      inside the enrollment. The aggregate hours of MCA 20-9-311(4) describe the program the
      pupil is enrolled in on the count date (its school-year hours), which is what IC's
      MT Count Date Attendance tool writes to the enrollment: a pupil who enrolled in January,
      or whose grade changed mid-year, is still in a full-time program on the count date.
    * **Scheduled minutes**: the sum of ``minutesPerDay`` over the student's roster rows whose
      own dates (blank = open) and whose section's term both cover the effective count date,
      in sections of courses of the enrollment's calendar. ``courses.active`` and
      ``stateExclude`` are not looked at (a blank checkbox reads as false, so filtering on
      them would drop whole schedules). Sections with a blank ``minutesPerDay`` add nothing;
      when no rostered section that day has minutes (or rosters.csv was not provided), ``m``
      is the effective count date's own ``minutes`` ("the day's own minutes"), so a student
      without a schedule gets Σ min(day minutes, count-date minutes).
    * Hours are rounded to 2 decimals (this never moves a value across a band edge).

Example:
    >>> band(pd.Series([179.99, 180, 359, 360, 539, 540, 719, 720, None])).tolist()
    [0.0, 0.25, 0.25, 0.5, 0.5, 0.75, 0.75, 1.0, nan]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mtcollect_nb.columns import COMPUTED_HOURS, EFFECTIVE_COUNT_DATE
from mtcollect_nb.compute.joins import join_pairs, pair_keys

if TYPE_CHECKING:
    from mtcollect_nb.compute.frames import Frames

#: Lower edge of each band (hours) and its FTE, MCA 20-9-311(4)(a).
BAND_EDGES: tuple[tuple[float, float], ...] = (
    (720.0, 1.0), (540.0, 0.75), (360.0, 0.5), (180.0, 0.25), (0.0, 0.0))
SCHEDULED_MINUTES = "scheduledMinutes"
ROSTERED_SECTIONS = "rosteredSections"
_NO_SCHEDULE = -1.0  # sentinel for "use the day's minutes" in the (calendar, m) merge


def band(hours: pd.Series) -> pd.Series:
    """FTE of aggregate hours: <180 → 0, 180–359 → 0.25, ... ≥720 → 1.0; NaN stays NaN.

    Example:
        >>> band(pd.Series([0, 359.99, 1080.0])).tolist()
        [0.0, 0.25, 1.0]
    """
    h = pd.to_numeric(hours, errors="coerce").astype("float64")
    values = h.to_numpy()
    conds = [values >= edge for edge, _ in BAND_EDGES]
    ftes = [fte for _, fte in BAND_EDGES]
    with np.errstate(invalid="ignore"):
        out = np.select(conds, ftes, default=0.0)
    out = np.where(np.isnan(values), np.nan, out)
    return pd.Series(out, index=h.index, dtype="float64")


def scheduled_minutes(a: Frames) -> pd.DataFrame:
    """Per enrollment on the count date: its rostered sections and scheduled minutes that day.

    Returns:
        enrollmentID, ``rosteredSections`` (int: roster rows active on the effective count
        date in that calendar), ``scheduledMinutes`` (float: sum of their known
        minutesPerDay; NaN when none is known).

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> scheduled_minutes(tiny_analysis())["rosteredSections"].tolist()
        [0, 0]
    """
    return a.memo("hours.scheduled_minutes", lambda: _scheduled_minutes(a))


def _scheduled_minutes(a: Frames) -> pd.DataFrame:
    e = a.on_count_date[["enrollmentID", "personID", "calendarID", EFFECTIVE_COUNT_DATE]]
    out = e[["enrollmentID"]].reset_index(drop=True)
    if not a.has("rosters"):
        out[ROSTERED_SECTIONS] = 0
        out[SCHEDULED_MINUTES] = np.nan
        return out
    # the effective count date depends on the calendar only, so the term and the roster dates
    # are tested per section and per roster row before joining to the enrollments
    sec, crs, ros = a.table("sections"), a.table("courses"), a.table("rosters")
    si, ci = join_pairs(sec["courseID"].to_numpy(), crs["courseID"].to_numpy())
    cal = crs["calendarID"].to_numpy()[ci]
    at = pd.Index(a.calendars["calendarID"]).get_indexer(cal)
    day = np.where(at >= 0, _ns(a.calendars[EFFECTIVE_COUNT_DATE])[at], np.datetime64("NaT"))
    term = (_ns(sec["termStartDate"])[si] <= day) & (day <= _ns(sec["termEndDate"])[si])
    si, cal, day = si[term], cal[term], day[term]
    ri, k = join_pairs(ros["sectionID"].to_numpy(), sec["sectionID"].to_numpy()[si])
    start, end, day = _ns(ros["startDate"])[ri], _ns(ros["endDate"])[ri], day[k]
    active = (np.isnat(start) | (start <= day)) & (np.isnat(end) | (day <= end))
    ri, si, cal = ri[active], si[k[active]], cal[k[active]]
    lkey, rkey = pair_keys([ros["personID"].to_numpy()[ri], cal],
                           [e["personID"].to_numpy(), e["calendarID"].to_numpy()])
    j, row = join_pairs(lkey, rkey)  # rows of e (enrollmentID is a key: one row each)
    minutes = pd.to_numeric(sec["minutesPerDay"], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan)[si[j]]
    known = ~np.isnan(minutes)
    total = np.bincount(row[known], weights=minutes[known], minlength=len(e))
    out[ROSTERED_SECTIONS] = np.bincount(row, minlength=len(e)).astype("int64")
    out[SCHEDULED_MINUTES] = np.where(np.bincount(row[known], minlength=len(e)) > 0, total,
                                      np.nan)
    return out


def _ns(s: pd.Series) -> np.ndarray:
    return s.to_numpy(dtype="datetime64[ns]")


def hours_for_schedule(instructional_days: pd.DataFrame, schedule: pd.DataFrame) -> pd.Series:
    """Σ over each calendar's instructional days of min(day minutes, m) / 60, per row.

    Args:
        instructional_days: calendarID, date, minutes.
        schedule: calendarID and ``scheduledMinutes`` (NaN = the day's own minutes).

    Returns:
        hours aligned with ``schedule``'s index (0 for a calendar with no instructional day).

    Example:
        >>> days = pd.DataFrame({"calendarID": 1, "minutes": [360, 120]})
        >>> hours_for_schedule(days, pd.DataFrame({"calendarID": [1, 1],
        ...                    "scheduledMinutes": [180, None]})).tolist()
        [5.0, 8.0]
    """
    m = pd.to_numeric(schedule[SCHEDULED_MINUTES], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan)
    m = np.where(np.isnan(m), _NO_SCHEDULE, m)
    cal = schedule["calendarID"].to_numpy(dtype="int64")
    key, _ = pair_keys([cal, m], [cal, m])
    pair = pd.factorize(key)[0]  # the distinct (calendar, m), coded in order of first row
    first = np.flatnonzero(pair > np.maximum.accumulate(np.append(-1, pair[:-1])))
    pcal, pm = cal[first], m[first]
    p, d = join_pairs(pcal, instructional_days["calendarID"].to_numpy(dtype="int64"))
    mins = pd.to_numeric(instructional_days["minutes"], errors="coerce").to_numpy(
        dtype="float64", na_value=0.0)[d]
    per_day = np.where(pm[p] == _NO_SCHEDULE, mins, np.minimum(mins, pm[p]))
    minutes = np.bincount(p, weights=per_day, minlength=len(pcal))  # whole minutes: exact
    return pd.Series(np.round(minutes[pair] / 60.0, 2), index=schedule.index)


def computed_hours(a: Frames) -> pd.DataFrame:
    """Computed aggregate hours of every enrollment on the count date.

    See the module docstring for the decisions (all the calendar's instructional days; the
    count-date schedule, else the count date's minutes).

    Returns:
        enrollmentID, ``computedHours`` (float, 2 decimals).

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> computed_hours(tiny_analysis())["computedHours"].tolist()  # 205 days x 6 h
        [1230.0, 1230.0]
    """
    e = a.on_count_date
    days = a.instructional_days
    lkey, rkey = pair_keys([e["calendarID"].to_numpy(), _ns(e[EFFECTIVE_COUNT_DATE])],
                           [days["calendarID"].to_numpy(), _ns(days["date"])])
    at = pd.Index(rkey).get_indexer(lkey)  # the count date among the calendar's days
    day_minutes = pd.to_numeric(days["minutes"], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan)[at]
    sched = scheduled_minutes(a)[SCHEDULED_MINUTES].to_numpy()  # rows of on_count_date
    m = np.where(np.isnan(sched), np.where(at >= 0, day_minutes, np.nan), sched)
    hours = hours_for_schedule(days, pd.DataFrame({"calendarID": e["calendarID"].to_numpy(),
                                                   SCHEDULED_MINUTES: m}))
    return pd.DataFrame({"enrollmentID": e["enrollmentID"].to_numpy(),
                         COMPUTED_HOURS: hours.to_numpy()})

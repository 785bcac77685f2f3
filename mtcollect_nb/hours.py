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

if TYPE_CHECKING:
    from mtcollect_nb.analysis import Analysis

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


def scheduled_minutes(a: Analysis) -> pd.DataFrame:
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


def _scheduled_minutes(a: Analysis) -> pd.DataFrame:
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
    g = ros.groupby("enrollmentID")  # built-in reductions: no Python call per enrollment
    agg = pd.DataFrame({ROSTERED_SECTIONS: g.size(),
                        SCHEDULED_MINUTES: g["minutes"].sum(min_count=1)})
    out = out.merge(agg.reset_index(), on="enrollmentID", how="left")
    out[ROSTERED_SECTIONS] = out[ROSTERED_SECTIONS].fillna(0).astype("int64")
    out[SCHEDULED_MINUTES] = out[SCHEDULED_MINUTES].astype("float64")
    return out


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
    m = pd.to_numeric(schedule[SCHEDULED_MINUTES], errors="coerce").astype("float64")
    keys = pd.DataFrame({"calendarID": schedule["calendarID"].to_numpy(),
                         "m": m.fillna(_NO_SCHEDULE).to_numpy()})
    pairs = keys.drop_duplicates()
    d = pairs.merge(instructional_days[["calendarID", "minutes"]], on="calendarID")
    mins = pd.to_numeric(d["minutes"], errors="coerce").astype("float64").fillna(0.0)
    d["h"] = np.where(d["m"] == _NO_SCHEDULE, mins, np.minimum(mins, d["m"])) / 60.0
    per = d.groupby(["calendarID", "m"])["h"].sum()
    got = keys.merge(per.reset_index(), on=["calendarID", "m"], how="left")["h"]
    return pd.Series(got.fillna(0.0).round(2).to_numpy(), index=schedule.index)


def computed_hours(a: Analysis) -> pd.DataFrame:
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
    e = a.on_count_date[["enrollmentID", "calendarID", EFFECTIVE_COUNT_DATE]]
    sched = e.reset_index(drop=True).merge(
        scheduled_minutes(a)[["enrollmentID", SCHEDULED_MINUTES]], on="enrollmentID",
        how="left")
    days = a.instructional_days.rename(columns={"date": EFFECTIVE_COUNT_DATE})
    day_minutes = sched[["calendarID", EFFECTIVE_COUNT_DATE]].merge(
        days, on=["calendarID", EFFECTIVE_COUNT_DATE], how="left")["minutes"]
    sched[SCHEDULED_MINUTES] = sched[SCHEDULED_MINUTES].fillna(
        pd.to_numeric(day_minutes, errors="coerce").astype("float64"))
    sched[COMPUTED_HOURS] = hours_for_schedule(a.instructional_days, sched)
    return sched[["enrollmentID", COMPUTED_HOURS]]

"""One student's days around the count date: the absence calendar, with the streak marked.

Reads one student's few rows of a :class:`~mtcollect_nb.checks.run.DistrictRun`; whole-day
absences and streaks come from :mod:`mtcollect_nb.compute.absence` (the one definition).

Decisions (spec open), kept here:
    * The calendar shows the instructional days of the calendars the student is enrolled in on
      the count date (all of their calendars when none is), over ``weeks`` weeks (Monday to
      Sunday) ending with the week after the effective count date, reaching further back when
      the streak started earlier.
    * A day is *not enrolled* when no enrollment of the student in that calendar (no-shows
      left out) covers it, *exempt* for excuse ``X``, *whole-day absent* as absence.py says,
      *partial* for an attendance row with fewer present minutes than the day's, else
      *present* (IC lists absences only: no row = present).

Example:
    >>> from mtcollect_nb.testing import make_analysis, student, enrollment, absences
    >>> from mtcollect_nb.checks.run import run_from_analysis
    >>> a = make_analysis(students=[student(1)], enrollments=[enrollment(10, 1)],
    ...     attendance=absences(1, pd.bdate_range("2025-01-20", "2025-02-03")))
    >>> c = student_calendar(run_from_analysis(a), 1)
    >>> c.loc[c["isCountDate"], ["status", "streakDay"]].values.tolist()
    [['whole-day absent', 11]]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mtcollect_nb.columns import (
    EFFECTIVE_COUNT_DATE,
    ON_COUNT_DATE,
    PERSON_ID,
    STREAK,
    STREAK_START,
)
from mtcollect_nb.compute.absence import EXEMPT, whole_day_absence_rows
from mtcollect_nb.compute.intervals import covers
from mtcollect_nb.compute.thresholds import day_attendance

if TYPE_CHECKING:
    from mtcollect_nb.checks.run import DistrictRun
    from mtcollect_nb.compute.analysis import Analysis

PRESENT, PARTIAL, ABSENT, EXEMPT_DAY, NOT_ENROLLED = (
    "present", "partial", "whole-day absent", "exempt", "not enrolled")
#: A forecast run's day after ``as_of``: its attendance is not known yet.
TO_COME = "to come"
#: Every day status of the calendar, in legend order.
DAY_STATUSES: tuple[str, ...] = (PRESENT, PARTIAL, ABSENT, EXEMPT_DAY, NOT_ENROLLED, TO_COME)
IN_STREAK, STREAK_DAY, IS_COUNT_DATE = "inStreak", "streakDay", "isCountDate"
#: A forecast calendar's days left: after ``as_of``, up to and including the count date.
DAY_LEFT = "dayLeft"
CALENDAR_COLUMNS: tuple[str, ...] = (
    "calendarID", "schoolNumber", "date", "weekday", "minutes", "presentMinutes", "excuse",
    "status", IN_STREAK, STREAK_DAY, IS_COUNT_DATE,
)
_DAY = pd.Timedelta(days=1)


def _monday(d: pd.Series) -> pd.Series:
    return d - pd.to_timedelta(d.dt.weekday, unit="D")


def _calendars(a: Analysis, enr: pd.DataFrame) -> pd.DataFrame:
    """The student's calendars to show, with window start/end and the streak on each."""
    on = enr.loc[enr[ON_COUNT_DATE]]
    ids = (on if len(on) else enr)["calendarID"].unique()
    cal = a.calendars.loc[a.calendars["calendarID"].isin(ids),
                          ["calendarID", "schoolNumber", EFFECTIVE_COUNT_DATE]]
    st = a.streaks.merge(on[["enrollmentID", "calendarID"]], on="enrollmentID")
    st = st.loc[st[STREAK] > 0].groupby("calendarID", as_index=False).agg(
        streak=(STREAK, "max"), streakStart=(STREAK_START, "min"))
    cal = cal.merge(st, on="calendarID", how="left")
    return cal.reset_index(drop=True)


def student_calendar(run: DistrictRun, person_id: int, weeks: int = 6) -> pd.DataFrame:
    """The student's instructional days around the count date, with the streak marked.

    Returns:
        One row per calendar and instructional day (columns :data:`CALENDAR_COLUMNS`):
        ``status`` (one of :data:`DAY_STATUSES`), ``inStreak`` (the day is one of the
        consecutive whole-day absences ending on the effective count date), ``streakDay``
        (1 on the streak's first day ... the streak length on the count date; blank
        elsewhere) and ``isCountDate``. Empty when the student has no enrollment.

    Example:
        >>> from mtcollect_nb.testing import make_analysis, student, enrollment, absences
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> a = make_analysis(students=[student(1)], enrollments=[enrollment(10, 1)],
        ...                   attendance=absences(1, ["2025-01-31", "2025-02-03"]))
        >>> c = student_calendar(run_from_analysis(a), 1)
        >>> c.loc[c["inStreak"], "streakDay"].tolist(), len(c)
        ([1, 2], 30)
    """
    a = run.analysis
    enr = a.enrollments.loc[a.enrollments[PERSON_ID] == person_id]
    cal = _calendars(a, enr)
    if cal.empty:
        return pd.DataFrame(columns=list(CALENDAR_COLUMNS))
    center = cal[EFFECTIVE_COUNT_DATE].fillna(a.count_date)
    cal["end"] = _monday(center) + 13 * _DAY
    start = _monday(center) - 7 * max(weeks - 2, 0) * _DAY
    cal["start"] = start.where(~(_monday(cal[STREAK_START]) < start), _monday(cal[STREAK_START]))
    d = a.instructional_days.merge(cal, on="calendarID")
    d = d.loc[(d["date"] >= d["start"]) & (d["date"] <= d["end"])].reset_index(drop=True)
    att = day_attendance(a)  # with the resolved whole-day threshold of each row
    att = att.loc[(att[PERSON_ID] == person_id) & att["calendarID"].isin(cal["calendarID"])]
    att = att.assign(wholeDay=whole_day_absence_rows(att, a.instructional_days,
                                                     a.calendars).to_numpy())
    d = d.merge(att[["calendarID", "date", "presentMinutes", "excuse", "wholeDay"]],
                on=["calendarID", "date"], how="left")
    spans = enr.loc[~enr["noShow"], ["calendarID", "startDate", "endDate"]]
    cov = d[["calendarID", "date"]].reset_index().merge(spans, on="calendarID")
    inside = covers(cov["startDate"], cov["endDate"], cov["date"])
    enrolled = d.index.isin(cov.loc[inside, "index"])
    row = d["wholeDay"].notna()
    exempt = row & (d["excuse"].fillna("").astype(str).str.strip().str.upper() == EXEMPT)
    whole = d["wholeDay"].eq(True)
    present = pd.to_numeric(d["presentMinutes"], errors="coerce").fillna(0)
    partial = row & ~whole & ~exempt & (present < d["minutes"].fillna(0))
    d["status"] = np.select([~enrolled, exempt, whole, partial],
                            [NOT_ENROLLED, EXEMPT_DAY, ABSENT, PARTIAL], PRESENT)
    ecd = d[EFFECTIVE_COUNT_DATE]
    d[IN_STREAK] = (d[STREAK].fillna(0) > 0) & (d[STREAK_START] <= d["date"]) & (d["date"] <= ecd)
    d[STREAK_DAY] = pd.array(d.groupby("calendarID")[IN_STREAK].cumsum(), dtype="Int64")
    d[STREAK_DAY] = d[STREAK_DAY].where(d[IN_STREAK])
    d[IS_COUNT_DATE] = d["date"] == ecd
    d["weekday"] = d["date"].dt.day_name().str[:3]
    d["excuse"] = d["excuse"].fillna("")
    d = d.sort_values(["calendarID", "date"], kind="mergesort")
    return d[list(CALENDAR_COLUMNS)].reset_index(drop=True)


def forecast_calendar(run: DistrictRun, person_id: int, weeks: int = 6) -> pd.DataFrame:
    """A forecast run's calendar of one student: up to ``as_of`` as known, then the days left.

    :func:`student_calendar` with, in a forecast run (``as_of``), the streak *at as_of* marked
    (the call list's ``streakAsOf``, numbered from its first day) and every day after ``as_of``
    ``to come`` (no attendance known yet); ``dayLeft`` marks the instructional days left up to
    and including the effective count date (the call list's ``daysLeft``). Outside a forecast
    run it is :func:`student_calendar` with ``dayLeft`` false.

    Example:
        >>> from mtcollect_nb.testing import make_analysis, params, student, enrollment
        >>> from mtcollect_nb.testing import absences
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> a = make_analysis(params(as_of="2025-01-24"), students=[student(1)],
        ...     enrollments=[enrollment(10, 1)],
        ...     attendance=absences(1, pd.bdate_range("2025-01-20", "2025-01-24")))
        >>> c = forecast_calendar(run_from_analysis(a), 1)
        >>> int(c["streakDay"].max()), int(c["dayLeft"].sum()), c["status"].iloc[-1]
        (5, 6, 'to come')
    """
    c = student_calendar(run, person_id, weeks)
    p, a = run.params, run.analysis
    if p.as_of is None or c.empty:
        return c.assign(**{DAY_LEFT: False})
    as_of = pd.Timestamp(p.as_of)
    st = a.streaks_as_of
    st = st.loc[(st[PERSON_ID] == person_id) & (st["streakAsOf"] > 0)]
    st = st.groupby("calendarID").agg(start=(STREAK_START, "min"), end=("lastDayAsOf", "max"))
    start = c["calendarID"].map(st["start"])
    end = c["calendarID"].map(st["end"])
    c[IN_STREAK] = (start <= c["date"]) & (c["date"] <= end)
    c[STREAK_DAY] = pd.array(c.groupby("calendarID")[IN_STREAK].cumsum(), dtype="Int64")
    c[STREAK_DAY] = c[STREAK_DAY].where(c[IN_STREAK])
    later = c["date"] > as_of
    c.loc[later & (c["status"] != NOT_ENROLLED), "status"] = TO_COME
    ecd = c["calendarID"].map(a.calendars.set_index("calendarID")[EFFECTIVE_COUNT_DATE])
    c[DAY_LEFT] = later & (c["date"] <= ecd)
    return c

"""Chronic absence per student in a school, and per school x grade (rules.md "Chronic absence").

For a student in a school: ``daysEnrolled`` = the instructional days of the school's calendars
within the student's enrollments up to the run's date (``as_of`` in a forecast run, else each
calendar's effective count date); ``daysAbsent`` = those days with absent minutes at least half
the day's minutes; chronically absent when ``daysEnrolled`` >= 10 and ``daysAbsent`` >= 10% of
``daysEnrolled`` (OPI, Attendance Works). It is not a finding: no collection certifies it.

Decisions (spec open), kept here:
    * "Any reason" is excused and unexcused alike; an exempt absence (excuse ``X``) is not an
      absence, as for the streak and in Infinite Campus ("Exempt doesn't count"): the student
      was at a school activity. The half-day test is
      :func:`~mtcollect_nb.compute.absence.whole_day_absence` with a threshold of half the
      day's minutes, so exempt and blank ``presentMinutes`` read as for the streak.
    * The enrollments are those the state sees: not noShow, not stateExclude, not in a
      state-excluded calendar or grade level. Overlapping enrollments in one calendar count a
      day once; a day of two calendars of one school counts in each (the spec's days are the
      school's calendars' days).
    * A student's ``grade`` in a school is that of their latest-starting enrollment there.
    * The Attendance sheet's ``students`` are those enrolled at least 10 days (who can be
      chronically absent: Attendance Works' denominator); a school x grade where every student
      has fewer has a row with 0 students and a blank rate.

Example:
    >>> from mtcollect_nb.testing import make_analysis, student, enrollment, absences
    >>> days = pd.bdate_range("2025-01-06", "2025-01-17")
    >>> a = make_analysis(students=[student(1)], enrollments=[enrollment(10, 1,
    ...     startDate="2025-01-06")], attendance=absences(1, days[:3], present_minutes=180))
    >>> chronic_by_student(a)[[DAYS_ENROLLED, DAYS_ABSENT, CHRONICALLY_ABSENT]].values.tolist()
    [[21, 3, True]]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mtcollect_nb.columns import (
    ATTENDANCE_COLUMNS,
    CHRONIC_STUDENT_COLUMNS,
    CHRONICALLY_ABSENT,
    DAYS_ABSENT,
    DAYS_ENROLLED,
    EFFECTIVE_COUNT_DATE,
    GRADES,
)
from mtcollect_nb.compute.absence import whole_day_absence
from mtcollect_nb.compute.day_keys import DayKeys
from mtcollect_nb.compute.intervals import covers
from mtcollect_nb.compute.thresholds import day_attendance

if TYPE_CHECKING:
    from mtcollect_nb.compute.frames import Frames

#: Fewer days enrolled than this and a student cannot be chronically absent.
CHRONIC_MIN_DAYS = 10
#: Chronically absent from this share of the days enrolled on (percent).
CHRONIC_PERCENT = 10


def chronically_absent(days_enrolled: pd.Series, days_absent: pd.Series) -> pd.Series:
    """Enrolled 10+ days and absent at least 10% of them (the one place of that rule).

    Example:
        >>> chronically_absent(pd.Series([9, 10, 20, 20]), pd.Series([9, 1, 2, 1])).tolist()
        [False, True, True, False]
    """
    return ((days_enrolled >= CHRONIC_MIN_DAYS)
            & (days_absent * 100 >= days_enrolled * CHRONIC_PERCENT))


def chronic_limits(a: Frames) -> pd.Series:
    """Per calendarID: the last day chronic absence counts.

    ``as_of`` in a forecast run, else the effective count date (a calendar without one, DQ-04:
    the count date).

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> str(chronic_limits(tiny_analysis()).iloc[0].date())
        '2025-02-03'
    """
    cal = a.calendars
    if a.params.as_of is not None:
        values = pd.Series(pd.Timestamp(a.params.as_of), index=cal.index)
    else:
        values = cal[EFFECTIVE_COUNT_DATE].fillna(pd.Timestamp(a.params.count_date))
    return pd.Series(values.to_numpy(dtype="datetime64[ns]"), index=cal["calendarID"].to_numpy())


def _state_enrollments(a: Frames, limit: pd.Series) -> pd.DataFrame:
    """The enrollments the state sees that started by their calendar's limit, end clipped."""
    e = a.enrollments
    keep = ~(e["noShow"] | e["stateExclude"] | e["calendarExcluded"] | e["gradeExcluded"])
    e = e.loc[keep, ["enrollmentID", "personID", "calendarID", "schoolNumber", "grade",
                     "startDate", "endDate"]]
    last = e["calendarID"].map(limit)
    e = e.assign(endDate=e["endDate"].fillna(last).where(e["endDate"].fillna(last) <= last,
                                                          last))
    return e.loc[e["startDate"] <= last]


def _enrolled_days(e: pd.DataFrame, days: DayKeys) -> pd.Series:
    """Instructional days of each enrollment's calendar within it, overlaps counted once."""
    e = e.sort_values(["personID", "calendarID", "startDate", "endDate"], kind="mergesort")
    pair = [e["personID"], e["calendarID"]]
    covered = e.groupby(pair, sort=False)["endDate"].cummax().groupby(pair).shift(1)
    start = e["startDate"].where(covered.isna() | (e["startDate"] > covered),
                                 covered + pd.Timedelta(days=1))
    return pd.Series(days.count(e["calendarID"], start, e["endDate"]), index=e.index)


def _absent_days(a: Frames, e: pd.DataFrame, limit: pd.Series, days: DayKeys) -> pd.DataFrame:
    """personID, schoolNumber of each half-day absence on an enrolled instructional day."""
    att = day_attendance(a)
    row = days.find(att["calendarID"], att["date"])
    sel = np.flatnonzero((row >= 0) & (att["date"] <= att["calendarID"].map(limit)).to_numpy())
    m = att[["personID", "calendarID", "date", "presentMinutes", "excuse"]].take(sel)
    mins = pd.Series(days.minutes[row[sel]], index=m.index)
    half = whole_day_absence(mins, m["presentMinutes"], m["excuse"], mins / 2)
    m = m.loc[half.to_numpy(), ["personID", "calendarID", "date"]].reset_index(names="_row")
    j = m.merge(e[["personID", "calendarID", "schoolNumber", "startDate", "endDate"]],
                on=["personID", "calendarID"])
    j = j.loc[covers(j["startDate"], j["endDate"], j["date"])]
    return j.drop_duplicates("_row")[["personID", "schoolNumber"]]


def chronic_by_student(a: Frames) -> pd.DataFrame:
    """Per student in a school: grade, daysEnrolled, daysAbsent, chronicallyAbsent.

    Columns CHRONIC_STUDENT_COLUMNS; students with at least one day enrolled, sorted by
    schoolNumber and personID.

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> chronic_by_student(tiny_analysis())["daysEnrolled"].tolist()
        [116, 116]
    """
    limit = chronic_limits(a)
    days = DayKeys(a.instructional_days)
    e = _state_enrollments(a, limit)
    e = e.assign(_days=_enrolled_days(e, days))
    key = ["personID", "schoolNumber"]
    out = e.groupby(key, as_index=False)["_days"].sum().rename(columns={"_days": DAYS_ENROLLED})
    latest = e.sort_values(["startDate", "enrollmentID"], kind="mergesort").drop_duplicates(
        key, keep="last")[[*key, "grade"]]
    out = out.merge(latest, on=key, how="left")
    absent = _absent_days(a, e, limit, days).groupby(key).size().rename(DAYS_ABSENT)
    out = out.merge(absent, left_on=key, right_index=True, how="left")
    out[DAYS_ENROLLED] = out[DAYS_ENROLLED].astype("int64")
    out[DAYS_ABSENT] = out[DAYS_ABSENT].fillna(0).astype("int64")
    out[CHRONICALLY_ABSENT] = chronically_absent(out[DAYS_ENROLLED], out[DAYS_ABSENT])
    out = out.loc[out[DAYS_ENROLLED] > 0].sort_values(key, kind="mergesort")
    return out[list(CHRONIC_STUDENT_COLUMNS)].reset_index(drop=True)


def attendance_table(chronic: pd.DataFrame) -> pd.DataFrame:
    """The Attendance sheet: per schoolNumber x grade, students, chronicallyAbsent, rate.

    ``chronic`` is :func:`chronic_by_student`. ``students`` counts those enrolled at least 10
    days; the rate is chronicallyAbsent / students (4 decimals; blank when 0 students).

    Example:
        >>> c = pd.DataFrame({"personID": [1, 2, 3], "schoolNumber": "0001", "grade": "06",
        ...                   "daysEnrolled": [20, 20, 5], "daysAbsent": [2, 1, 5],
        ...                   "chronicallyAbsent": [True, False, False]})
        >>> attendance_table(c).values.tolist()
        [['0001', '06', 2, 1, 0.5]]
    """
    g = chronic.assign(students=chronic[DAYS_ENROLLED] >= CHRONIC_MIN_DAYS).groupby(
        ["schoolNumber", "grade"], as_index=False, dropna=False)[
        ["students", CHRONICALLY_ABSENT]].sum()
    g["students"] = g["students"].astype("int64")
    g[CHRONICALLY_ABSENT] = g[CHRONICALLY_ABSENT].astype("int64")
    rate = g[CHRONICALLY_ABSENT] / g["students"].where(g["students"] > 0)
    g["chronicAbsenceRate"] = rate.astype("float64").round(4)
    rank = g["grade"].map({gr: i for i, gr in enumerate(GRADES)}).fillna(len(GRADES))
    g = g.assign(_r=rank).sort_values(["schoolNumber", "_r", "grade"], kind="mergesort")
    return g[list(ATTENDANCE_COLUMNS)].reset_index(drop=True)

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
from mtcollect_nb.compute.day_keys import KEY_SPAN, DayKeys
from mtcollect_nb.compute.streak_grid import Coder, day_numbers
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


class _Spans:
    """The days each student was enrolled in each calendar: disjoint spans of day numbers.

    The enrollments of one (student, calendar) pair, sorted by start, each keep only the part
    after every earlier one's end (so overlaps count once); a span is held as two sorted int64
    keys (pair x span + day), so "was this student enrolled on that day" is one searchsorted.
    """

    def __init__(self, e: pd.DataFrame, days: DayKeys) -> None:
        self.days = days
        self.person_ids = pd.unique(e["personID"].to_numpy(dtype="int64"))
        self.person = Coder(self.person_ids)
        self.ncal = len(days.cal_ids) + 1
        cal = days.cal_pos(e["calendarID"])
        pair = self.pair(e["personID"], cal)
        start, end = day_numbers(e["startDate"]), day_numbers(e["endDate"])
        order = np.lexsort((start, pair))
        off = pair[order] * KEY_SPAN
        top = np.maximum.accumulate(off + end[order])  # latest end so far (pairs ascend)
        lo = np.maximum(off + start[order], np.concatenate(([-1], top[:-1])) + 1)
        hi = off + end[order]
        #: instructional days of each enrollment not covered by an earlier one (row order)
        self.enrolled = np.zeros(len(e), dtype=np.int64)
        self.enrolled[order] = days.count_days(cal[order], lo - off, hi - off)
        keep = lo <= hi
        self.lo, self.hi, self.row = lo[keep], hi[keep], order[keep]

    def pair(self, person: pd.Series | np.ndarray, cal: np.ndarray) -> np.ndarray:
        """The (student, calendar) code of each row; -1 where either is unknown."""
        p = self.person(np.asarray(person, dtype=np.int64))
        return np.where((p < 0) | (cal < 0), -1, p * self.ncal + cal + 1)

    def enrollment_on(self, person: np.ndarray, calendar: np.ndarray,
                      date: np.ndarray) -> np.ndarray:
        """Row (of the enrollments) of the span holding each day; -1 when not enrolled."""
        pair = self.pair(person, self.days.cal_pos(calendar))
        if not len(self.lo):
            return np.full(len(pair), -1, dtype=np.int64)
        k = pair * KEY_SPAN + day_numbers(date)
        pos = np.searchsorted(self.lo, k, "right") - 1
        at = np.where(pos >= 0, pos, 0)
        ok = (pair >= 0) & (pos >= 0) & (k <= self.hi[at])
        return np.where(ok, self.row[at], -1)


def _half_day_absences(a: Frames, days: DayKeys) -> dict[str, np.ndarray]:
    """personID, calendarID, date of the attendance rows missing half an instructional day."""
    att = day_attendance(a)
    row = days.find(att["calendarID"], att["date"])
    sel = np.flatnonzero(row >= 0)
    mins = pd.Series(days.minutes[row[sel]])
    half = whole_day_absence(mins, pd.Series(att["presentMinutes"].array[sel]),
                             pd.Series(att["excuse"].array[sel]), mins / 2).to_numpy()
    return {c: att[c].to_numpy()[sel[half]] for c in ("personID", "calendarID", "date")}


def chronic_by_student(a: Frames) -> pd.DataFrame:
    """Per student in a school: grade, daysEnrolled, daysAbsent, chronicallyAbsent.

    Columns CHRONIC_STUDENT_COLUMNS; students with at least one day enrolled, sorted by
    schoolNumber and personID.

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> chronic_by_student(tiny_analysis())["daysEnrolled"].tolist()
        [116, 116]
    """
    days = DayKeys(a.instructional_days)
    e = _state_enrollments(a, chronic_limits(a))
    spans = _Spans(e, days)
    # one group per (student, school)
    school, schools = pd.factorize(e["schoolNumber"].to_numpy(dtype=object))
    person = spans.person(e["personID"].to_numpy(dtype="int64"))
    group, keys = pd.factorize(person * max(len(schools), 1) + school)
    n = len(keys)
    enrolled = np.bincount(group, weights=spans.enrolled, minlength=n).astype(np.int64)
    absences = _half_day_absences(a, days)
    on = spans.enrollment_on(absences["personID"], absences["calendarID"], absences["date"])
    absent = np.bincount(group[on[on >= 0]], minlength=n).astype(np.int64)
    order = np.lexsort((e["enrollmentID"].to_numpy(), e["startDate"].to_numpy(), group))
    ends = np.ones(len(order), dtype=bool)  # the last row of each group: the latest start
    ends[:-1] = group[order][1:] != group[order][:-1]
    last = order[ends]
    grade = np.empty(n, dtype=object)
    grade[group[last]] = e["grade"].to_numpy(dtype=object)[last]
    out = pd.DataFrame({
        "personID": spans.person_ids[keys // max(len(schools), 1)],
        "schoolNumber": schools[keys % max(len(schools), 1)].astype(object),
        "grade": grade, DAYS_ENROLLED: enrolled, DAYS_ABSENT: absent})
    out[CHRONICALLY_ABSENT] = chronically_absent(out[DAYS_ENROLLED], out[DAYS_ABSENT])
    out = out.loc[out[DAYS_ENROLLED] > 0].sort_values(["schoolNumber", "personID"],
                                                     kind="mergesort")
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

"""The whole-day absence threshold of each attendance row (rules.md "Absence streak").

The threshold of a day is the grade level's Whole Day Absence (grade_levels.csv), else the
calendar's ``wholeDayAbsence``, else ``whole_day_absence_default`` (240, IC's default):
:func:`whole_day_threshold`. :func:`attendance_thresholds` gives it to every attendance row
(the grade of the student's enrollment covering the day); :func:`day_attendance` is the
attendance table with that column, read by the streak engine, chronic absence, the explorer's
calendar and the figures; in a forecast run only its rows up to ``as_of``
(:func:`known_attendance`). What a whole-day absence *is* given the threshold is
:func:`mtcollect_nb.compute.absence.whole_day_absence`.

Example:
    >>> s = lambda *v: pd.Series(v, dtype="Float64")
    >>> whole_day_threshold(s(None), s(None)).tolist()
    [240.0]
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mtcollect_nb.columns import WHOLE_DAY_THRESHOLD
from mtcollect_nb.compute.intervals import covers

if TYPE_CHECKING:
    from mtcollect_nb.compute.frames import Frames

#: Infinite Campus's Whole Day Absence when neither grade level nor calendar sets one (rules.md).
WHOLE_DAY_ABSENCE_DEFAULT = 240


def whole_day_threshold(grade_value: pd.Series, calendar_value: pd.Series,
                        default: int = WHOLE_DAY_ABSENCE_DEFAULT) -> pd.Series:
    """Whole-day threshold in minutes: the grade level's, else the calendar's, else ``default``.

    Example:
        >>> s = lambda *v: pd.Series(v, dtype="Float64")
        >>> whole_day_threshold(s(200, None, None), s(300, 300, None)).tolist()
        [200.0, 300.0, 240.0]
    """
    g = pd.to_numeric(grade_value, errors="coerce").astype("float64")
    c = pd.to_numeric(calendar_value, errors="coerce").astype("float64")
    return g.fillna(c).fillna(float(default))


def attendance_thresholds(attendance: pd.DataFrame, enrollments: pd.DataFrame,
                          calendars: pd.DataFrame, grade_levels: pd.DataFrame,
                          default: int = WHOLE_DAY_ABSENCE_DEFAULT) -> pd.Series:
    """The whole-day threshold of each attendance row (:func:`whole_day_threshold`).

    Only rows of calendars with a grade-level override are joined to their enrollment's grade
    (vectorized merge on personID + calendarID, then the enrollment covering the date).

    Example:
        >>> from mtcollect_nb.testing import make_analysis, enrollment, absences
        >>> a = make_analysis(enrollments=[enrollment(10, 1, grade="KG")],
        ...                   attendance=absences(1, ["2025-02-03"]))
        >>> gl = pd.DataFrame({"calendarID": [1], "grade": ["KG"], "wholeDayAbsence": [180]})
        >>> attendance_thresholds(a.table("attendance"), a.table("enrollments"), a.calendars,
        ...                       gl).tolist()
        [180.0]
    """
    att = attendance.reset_index(drop=True)
    cal = att["calendarID"].map(calendars.set_index("calendarID")["wholeDayAbsence"])
    grade = pd.Series(np.nan, index=att.index)
    gl = grade_levels.loc[grade_levels["wholeDayAbsence"].notna(),
                          ["calendarID", "grade", "wholeDayAbsence"]]
    hit = np.flatnonzero(att["calendarID"].isin(gl["calendarID"]).to_numpy())
    if len(gl) and len(hit):
        e = enrollments.loc[~enrollments["noShow"].astype(bool),
                            ["personID", "calendarID", "grade", "startDate", "endDate"]]
        e = e.merge(gl, on=["calendarID", "grade"])
        m = att.loc[hit, ["personID", "calendarID", "date"]].reset_index().merge(
            e, on=["personID", "calendarID"])
        m = m.loc[covers(m["startDate"], m["endDate"], m["date"])]
        m = m.sort_values(["index", "startDate"], kind="mergesort").drop_duplicates(
            "index", keep="last")
        grade[m["index"].to_numpy()] = m["wholeDayAbsence"].to_numpy(dtype="float64")
    out = whole_day_threshold(grade, cal.reset_index(drop=True), default)
    return pd.Series(out.to_numpy(), index=attendance.index, name=WHOLE_DAY_THRESHOLD)


def known_attendance(attendance: pd.DataFrame, as_of: dt.date | None) -> pd.DataFrame:
    """The attendance known on ``as_of``: rows dated after it are left out (all rows if None).

    The one place of the forecast's decision (docs/decisions.md): a forecast run (``as_of``
    before the count date) knows attendance up to ``as_of`` only. A row dated later (a
    pre-entered absence, or an older export rerun as a forecast) is not read by anything that
    reads :func:`day_attendance`, so the streak at the count date, which ends on a day after
    ``as_of``, is 0 for every enrollment: the validated count (FTE, ANB) assumes no absences
    after ``as_of``, and the call list says who would be lost if they went on.

    Example:
        >>> att = pd.DataFrame({"date": pd.to_datetime(["2025-01-21", "2025-01-22"])})
        >>> len(known_attendance(att, dt.date(2025, 1, 21))), len(known_attendance(att, None))
        (1, 2)
    """
    if as_of is None:
        return attendance
    return attendance.loc[attendance["date"] <= pd.Timestamp(as_of)]


def day_attendance(a: Frames) -> pd.DataFrame:
    """The attendance table + ``wholeDayThreshold`` of each row (computed once per analysis).

    What the streak engine, the explorer's calendar and the figures read; in a forecast run
    only the rows up to ``as_of`` (:func:`known_attendance`).

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> list(day_attendance(tiny_analysis()).columns)[-1]
        'wholeDayThreshold'
    """
    def build() -> pd.DataFrame:
        att = known_attendance(a.table("attendance"), a.params.as_of)
        thr = attendance_thresholds(att, a.table("enrollments"), a.calendars,
                                    a.table("grade_levels"), a.params.whole_day_absence_default)
        return att.assign(**{WHOLE_DAY_THRESHOLD: thr})
    return a.memo("absence.attendance", build)

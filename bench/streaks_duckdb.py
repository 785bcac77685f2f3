"""Absence streaks at the count date in DuckDB SQL: the alternative an analyst would write.

Same inputs and output as :func:`mtcollect_nb.compute.absence.compute_streaks` (instructional days,
attendance, enrollments with ``effectiveCountDate``/``onCountDate``, calendars with
``wholeDayAbsence``), computed as a classic *gaps-and-islands* query:

1. number each calendar's instructional days 1, 2, 3, ... (``row_number``);
2. keep the whole-day absences (absent minutes = day minutes - presentMinutes, blank present =
   0, reach min(calendar's ``wholeDayAbsence``, day minutes), blank = 240, IC's default;
   excuse ``X`` does not count) on instructional days the student was enrolled in that
   calendar (any enrollment not noShow covering the day, so a grade change does not break a
   run) -- the decisions documented in :mod:`mtcollect_nb.compute.absence`;
3. consecutive day numbers form an island: ``idx - row_number() over (person, calendar)`` is
   constant along a run of consecutive instructional days;
4. an enrollment's streak is the part of the island holding its effective count date that ends
   there: ``ecd_idx - first_idx + 1`` (0 when the count date is not in an island).

DuckDB is a benchmark-only dependency (the ``bench`` extra); mtcollect_nb never imports it.
"""

from __future__ import annotations

import duckdb
import pandas as pd

STREAKS_SQL = """
WITH days AS (
    SELECT calendarID, date, minutes,
           row_number() OVER (PARTITION BY calendarID ORDER BY date) AS idx
    FROM idays
),
targets AS (
    SELECT e.enrollmentID, e.personID, e.calendarID, d.idx AS ecd_idx
    FROM enr e
    JOIN days d ON d.calendarID = e.calendarID AND d.date = e.effectiveCountDate
    WHERE e.onCountDate
),
absent AS (
    SELECT a.personID, a.calendarID, d.idx, d.date
    FROM att a
    JOIN days d ON d.calendarID = a.calendarID AND d.date = a.date
    JOIN cal c ON c.calendarID = a.calendarID
    WHERE upper(trim(coalesce(a.excuse, ''))) <> 'X'
      AND coalesce(d.minutes, 0) - coalesce(a.presentMinutes, 0)
          >= least(coalesce(c.wholeDayAbsence, 240), coalesce(d.minutes, 0))
      AND d.date <= c.effectiveCountDate
      AND EXISTS (
          SELECT 1 FROM enr e
          WHERE e.personID = a.personID AND e.calendarID = a.calendarID
            AND e.startDate <= a.date AND (e.endDate IS NULL OR a.date <= e.endDate)
            {covering})
),
islands AS (
    SELECT personID, calendarID, idx, date,
           idx - row_number() OVER (PARTITION BY personID, calendarID ORDER BY idx) AS grp
    FROM absent
),
runs AS (
    SELECT personID, calendarID, min(idx) AS first_idx, max(idx) AS last_idx,
           min(date) AS first_date
    FROM islands
    GROUP BY personID, calendarID, grp
)
SELECT t.enrollmentID,
       coalesce(t.ecd_idx - r.first_idx + 1, 0)::BIGINT AS streak,
       r.first_date AS streakStart
FROM targets t
LEFT JOIN runs r
  ON r.personID = t.personID AND r.calendarID = t.calendarID
 AND r.first_idx <= t.ecd_idx AND t.ecd_idx <= r.last_idx
ORDER BY t.enrollmentID
"""

#: Extra condition on the enrollments that cover an absence day (kept in step with the engine).
COVERING_CONDITION = "AND NOT e.noShow"


def duckdb_streaks(instructional_days: pd.DataFrame, attendance: pd.DataFrame,
                   enrollments: pd.DataFrame, calendars: pd.DataFrame,
                   threads: int | None = None) -> pd.DataFrame:
    """Per enrollment on the count date: ``enrollmentID``, ``streak``, ``streakStart``.

    Example:
        >>> from mtcollect_nb.testing import absences, enrollment, make_analysis, student
        >>> a = make_analysis(students=[student(1)], enrollments=[enrollment(10, 1)],
        ...                   attendance=absences(1, ["2025-01-31", "2025-02-03"]))
        >>> duckdb_streaks(a.instructional_days, a.table("attendance"), a.enrollments,
        ...                a.calendars)["streak"].tolist()
        [2]
    """
    con = duckdb.connect()
    try:
        if threads:
            con.execute(f"SET threads TO {int(threads)}")
        con.register("idays", instructional_days[["calendarID", "date", "minutes"]])
        con.register("att", attendance[["personID", "calendarID", "date", "presentMinutes",
                                        "excuse"]])
        con.register("enr", enrollments[["enrollmentID", "personID", "calendarID", "startDate",
                                         "endDate", "noShow", "effectiveCountDate",
                                         "onCountDate"]])
        con.register("cal", calendars[["calendarID", "wholeDayAbsence", "effectiveCountDate"]])
        out = con.execute(STREAKS_SQL.format(covering=COVERING_CONDITION)).df()
    finally:
        con.close()
    out["enrollmentID"] = out["enrollmentID"].astype("int64")
    out["streak"] = out["streak"].astype("int64")
    out["streakStart"] = pd.to_datetime(out["streakStart"]).astype("datetime64[ns]")
    return out.reset_index(drop=True)

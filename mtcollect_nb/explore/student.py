"""One student, up close: the absence calendar around the count date and why they are excluded.

Both functions read one student's few rows of a :class:`~mtcollect_nb.report.pipeline.DistrictRun`;
whole-day absences and streaks come from :mod:`mtcollect_nb.compute.absence` (the one definition).
They are re-exported by :mod:`mtcollect_nb.explore.views`.

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
    >>> why_excluded(run_from_analysis(a), 1)
    ['11 consecutive whole-day absences ending on the count date 2025-02-03 (from 2025-01-20)']
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mtcollect_nb.columns import (
    COMPUTED_HOURS,
    EFFECTIVE_COUNT_DATE,
    FTE_VALIDATED,
    ON_COUNT_DATE,
    PERSON_ID,
    STREAK,
    STREAK_START,
)
from mtcollect_nb.compute.absence import EXCLUDE_STREAK, EXEMPT, whole_day_absence_rows
from mtcollect_nb.compute.anb import (
    EXCLUDED_VALIDATED,
    KINDERGARTEN_MIN_AGE,
    age_on,
    kindergarten_under_age,
)
from mtcollect_nb.compute.hours import band
from mtcollect_nb.compute.intervals import covers
from mtcollect_nb.compute.thresholds import day_attendance

if TYPE_CHECKING:
    from mtcollect_nb.checks.run import DistrictRun
    from mtcollect_nb.compute.analysis import Analysis

PRESENT, PARTIAL, ABSENT, EXEMPT_DAY, NOT_ENROLLED = (
    "present", "partial", "whole-day absent", "exempt", "not enrolled")
#: Every day status of the calendar, in legend order.
DAY_STATUSES: tuple[str, ...] = (PRESENT, PARTIAL, ABSENT, EXEMPT_DAY, NOT_ENROLLED)
IN_STREAK, STREAK_DAY, IS_COUNT_DATE = "inStreak", "streakDay", "isCountDate"
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
    center = cal[EFFECTIVE_COUNT_DATE].fillna(a.spring)
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


def _day(ts: Any) -> str:
    return pd.Timestamp(ts).date().isoformat()


def _flag_reasons(r: dict[str, Any]) -> list[str]:
    """The reported flags and the computed exclusions of one enrollment on the count date."""
    out: list[str] = []
    streak = int(r[STREAK]) if pd.notna(r[STREAK]) else 0
    if r["mtExcludeSpringANB"]:
        note = (f"; the computed streak is only {streak} days" if streak < EXCLUDE_STREAK
                else "")
        out.append(f"marked mtExcludeSpringANB in Infinite Campus{note}")
    if r["mtExcludeANB"]:
        why = str(r["mtExcludeReason"] or "").strip()
        out.append("marked mtExcludeANB in Infinite Campus" + (f" (reason: {why})" if why else ""))
    if streak >= EXCLUDE_STREAK:
        out.append(f"{streak} consecutive whole-day absences ending on the count date "
                   f"{_day(r[EFFECTIVE_COUNT_DATE])} (from {_day(r[STREAK_START])})")
    if r["under5"]:
        out.append(f"kindergarten: {int(r['age'])} years old on {_day(r['kDate'])} "
                   f"(born {_day(r['birthdate'])}), under {KINDERGARTEN_MIN_AGE}")
    if r["dayTreatment"]:
        out.append("day treatment (dayTreatment checked): not counted in ANB")
    if r["extracurricularOnly"]:
        out.append("extracurricular only (extracurricularOnly checked): not counted in ANB")
    return out


def _hours_reasons(r: dict[str, Any]) -> list[str]:
    """Why a counted enrollment gets less than 1.0 FTE: part-time hours or the cap."""
    if r[EXCLUDED_VALIDATED]:
        return []
    reported = r["mtSpringAggregateHours"]
    hours = r[COMPUTED_HOURS] if pd.isna(reported) else reported
    fte = float(band(pd.Series([hours])).fillna(0.0).iloc[0])
    out = []
    if pd.isna(reported):
        out.append(f"no reported aggregate hours (mtSpringAggregateHours blank): validated at "
                   f"{hours:g} computed hours, FTE {fte:g}")
    elif fte < 1.0:
        out.append(f"part-time: {reported:g} reported aggregate hours, FTE {fte:g}")
    if r[FTE_VALIDATED] < fte:
        out.append(f"FTE {fte:g} cut to {r[FTE_VALIDATED]:g} by the 1.0 cap per student "
                   "(another enrollment on the count date counts first)")
    return out


def _off_count_date(a: Analysis, enr: pd.DataFrame, person_id: int) -> list[str]:
    """Why a student with enrollments has none on the count date; early graduates."""
    out = [f"no enrollment on the count date {_day(a.spring)}"]
    for r in enr.to_dict("records"):  # one student's enrollments
        label = f"enrollment {r['enrollmentID']} (school {r['schoolNumber']}, grade {r['grade']})"
        ecd = r[EFFECTIVE_COUNT_DATE]
        if r["noShow"]:
            out.append(f"{label} is a no-show")
        elif r["stateExclude"]:
            out.append(f"{label} is state-excluded (stateExclude checked)")
        elif r["calendarExcluded"]:
            out.append(f"{label} is in a state-excluded calendar")
        elif pd.isna(ecd):
            out.append(f"{label}: its calendar has no instructional day on or after the count "
                       "date")
        elif r["startDate"] > ecd:
            out.append(f"{label} starts on {_day(r['startDate'])}, after the count date "
                       f"{_day(ecd)}")
        elif pd.notna(r["endDate"]) and r["endDate"] < ecd:
            status = f" (endStatus {r['endStatus']})" if r["endStatus"] else ""
            out.append(f"{label} ended on {_day(r['endDate'])}{status}, before the count date "
                       f"{_day(ecd)}")
    g = a.early_graduates
    for r in g.loc[g[PERSON_ID] == person_id].to_dict("records"):
        if r["onFallCount"]:
            out.append(f"early graduate (ended {_day(r['endDate'])}): counted in the spring "
                       f"count at FTE {r[FTE_VALIDATED]:g}")
        else:
            out.append(f"ended {_day(r['endDate'])} with endStatus 400 but not counted in "
                       "grade 12 on the fall count: not an early graduate for ANB "
                       f"(FTE reported {r['fteReported']:g}, validated 0)")
    return out


def why_excluded(run: DistrictRun, person_id: int) -> list[str]:
    """Plain-language reasons the student is not counted, or counted at less than 1.0 FTE.

    Covers the flags marked in Infinite Campus, the computed exclusions (11+ consecutive
    whole-day absences, kindergarten under 5, day treatment, extracurricular only), part-time
    hours and the 1.0 cap, and, for a student with no enrollment on the count date, what each
    enrollment is instead (and early graduation). Empty when the student counts in full.
    With several enrollments on the count date each reason names its enrollment.
    """
    a = run.analysis
    enr = a.enrollments.loc[a.enrollments[PERSON_ID] == person_id]
    if enr.empty:
        return ["no enrollment in this district's extract"]
    f = a.fte.loc[a.fte[PERSON_ID] == person_id, [
        "enrollmentID", "schoolNumber", "grade", STREAK, COMPUTED_HOURS, EXCLUDED_VALIDATED,
        FTE_VALIDATED, "mtSpringAggregateHours", "mtExcludeSpringANB", "mtExcludeANB",
        "extracurricularOnly", "dayTreatment"]]
    if f.empty:
        return _off_count_date(a, enr, person_id)
    f = f.merge(a.streaks[["enrollmentID", STREAK_START]], on="enrollmentID", how="left")
    f = f.merge(enr[["enrollmentID", EFFECTIVE_COUNT_DATE, "mtExcludeReason"]], on="enrollmentID")
    f["birthdate"] = pd.Series(person_birthdate(a, person_id), index=f.index,
                               dtype="datetime64[ns]")
    f["kDate"] = a.k_age_date
    f["age"] = age_on(f["birthdate"], a.k_age_date)
    f["under5"] = kindergarten_under_age(f["grade"], f["birthdate"], a.k_age_date)
    many = len(f) > 1
    reasons: list[str] = []
    for r in f.to_dict("records"):  # one student's enrollments on the count date
        prefix = (f"enrollment {r['enrollmentID']} (school {r['schoolNumber']}, grade "
                  f"{r['grade']}): " if many else "")
        reasons += [prefix + t for t in _flag_reasons(r) + _hours_reasons(r)]
    return reasons


def person_birthdate(a: Analysis, person_id: int) -> pd.Timestamp:
    """The student's birthdate (NaT if blank or unknown)."""
    s = a.students.loc[a.students[PERSON_ID] == person_id, "birthdate"]
    return pd.Timestamp(s.iloc[0]) if len(s) else pd.NaT

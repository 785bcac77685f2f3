"""Absence streaks at the count date of the season (the 10-day rule, ARM 10.20.102(4)(a)).

The streak of an enrollment on the count date is the number of consecutive instructional days
of its calendar, ending on the calendar's effective count date and walking backwards, that are
whole-day absences of the student while enrolled in that calendar (spec/rules.md).

The engine (:func:`compute_streaks`) is vectorized: each calendar's instructional days up to its
effective count date are numbered backwards (0 on the effective count date), whole-day absences
on enrolled days fill a (student x calendar) x days-back grid, and the streak is the first day
back that is not one (:mod:`mtcollect_nb.compute.streak_grid`; no sort or merge of the attendance).
:func:`streaks_reference` is the same semantics as a plain per-enrollment loop, for tests and
the benchmark.

Decisions (spec open):
    * The whole-day threshold of a day is the grade level's Whole Day Absence (grade_levels.csv),
      else the calendar's ``wholeDayAbsence``, else ``whole_day_absence_default`` (240, IC's
      default; :mod:`~mtcollect_nb.compute.thresholds`). On a day shorter than the threshold
      (a half day) missing all of the day's minutes is a whole-day absence: the test is
      ``absent >= min(threshold, day minutes)``.
    * The grade of an attendance row is that of the student's enrollment (not noShow) in that
      calendar covering the date (the latest-starting one where two cover it).
    * A blank ``presentMinutes`` means 0 minutes present (``status`` is not looked at).
    * Excuse ``X`` (exempt) is not an absence: it breaks the streak like a day present.
    * Enrolled days are the union of the student's enrollments in that calendar (noShow ones
      left out; stateExcluded ones kept), so a grade change that ends one enrollment and starts
      the next the following day does not break the streak.

Example:
    >>> from mtcollect_nb.testing import make_analysis, student, enrollment, absences
    >>> days = pd.bdate_range("2025-01-20", "2025-02-03")
    >>> a = make_analysis(students=[student(1)], enrollments=[enrollment(10, 1)],
    ...                   attendance=absences(1, days))
    >>> streaks_at_count_date(a)[["enrollmentID", "streak"]].iloc[0].tolist()
    [10, 11]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mtcollect_nb.columns import (
    EFFECTIVE_COUNT_DATE,
    EXCLUDE_COMPUTED,
    ON_COUNT_DATE,
    STREAK,
    STREAK_START,
    WHOLE_DAY_THRESHOLD,
)
from mtcollect_nb.compute.streak_grid import grid_streaks
from mtcollect_nb.compute.thresholds import (
    WHOLE_DAY_ABSENCE_DEFAULT,
    day_attendance,
    whole_day_threshold,
)

if TYPE_CHECKING:
    from mtcollect_nb.compute.frames import Frames

#: The 11th consecutive absence on the count date excludes the pupil (ARM 10.20.102(4)(a)).
EXCLUDE_STREAK = 11
#: The Absences sheet lists streaks from this length on (students to watch).
ABSENCES_SHEET_MIN_STREAK = 6
#: Excuse code that does not count as an absence (exempt).
EXEMPT = "X"

_PAIR = ["personID", "calendarID"]
_OUT = ["enrollmentID", STREAK, STREAK_START]


def whole_day_absence(minutes: pd.Series, present: pd.Series, excuse: pd.Series,
                      threshold: pd.Series) -> pd.Series:
    """Whether each attendance row is a whole-day absence (the one place of that decision).

    Absent minutes (day minutes - presentMinutes) reach ``min(threshold, day minutes)``: on a
    day shorter than the threshold (a half day), missing all of it is a whole-day absence.

    Args:
        minutes: the day's scheduled minutes.
        present: presentMinutes (NA = 0 minutes present).
        excuse: ``E``, ``U``, ``X`` or blank; ``X`` (exempt) is never an absence.
        threshold: the resolved threshold (:mod:`~mtcollect_nb.compute.thresholds`; NA = 240).

    Example:
        >>> s = lambda *v: pd.Series(v)
        >>> whole_day_absence(s(360, 360, 360, 360, 180), s(121, 120, 119, 0, 0),
        ...                   s("U", "E", "U", "X", "U"), s(240, 240, pd.NA, 240, 240)).tolist()
        [False, True, True, False, True]
    """
    mins = pd.to_numeric(minutes, errors="coerce").to_numpy(dtype="float64", na_value=0.0)
    pres = pd.to_numeric(present, errors="coerce").to_numpy(dtype="float64", na_value=0.0)
    need = pd.to_numeric(threshold, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    need = np.minimum(np.where(np.isnan(need), WHOLE_DAY_ABSENCE_DEFAULT, need), mins)
    whole = (mins - pres) >= need
    rows = np.flatnonzero(whole)  # normalise the few distinct excuse codes of those rows only
    codes, uniques = pd.factorize(np.asarray(excuse, dtype=object)[rows], use_na_sentinel=True)
    exempt = np.array([str(u).strip().upper() == EXEMPT for u in uniques] + [False], dtype=bool)
    whole[rows[exempt[codes]]] = False
    return pd.Series(whole, index=minutes.index)


def default_targets(enrollments: pd.DataFrame, calendars: pd.DataFrame) -> pd.Series:
    """The enrollmentIDs on the count date.

    Those flagged ``onCountDate`` where ``enrollments`` has that column (Analysis.enrollments),
    else those covering their calendar's effective count date and neither noShow nor
    stateExclude.
    """
    if ON_COUNT_DATE in enrollments.columns:
        return enrollments.loc[enrollments[ON_COUNT_DATE].astype(bool), "enrollmentID"]
    e = enrollments.drop(columns=[EFFECTIVE_COUNT_DATE], errors="ignore").merge(
        calendars[["calendarID", EFFECTIVE_COUNT_DATE]], on="calendarID")
    ecd = e[EFFECTIVE_COUNT_DATE]
    on = (ecd.notna() & (e["startDate"] <= ecd) & (e["endDate"].isna() | (ecd <= e["endDate"]))
          & ~e["noShow"].astype(bool))
    if "stateExclude" in e.columns:
        on &= ~e["stateExclude"].astype(bool)
    return e.loc[on, "enrollmentID"]


def _target_frame(enrollments: pd.DataFrame, targets: pd.Series | None,
                  calendars: pd.DataFrame) -> pd.DataFrame:
    ids = default_targets(enrollments, calendars) if targets is None else targets
    eid = enrollments["enrollmentID"]
    rows = np.flatnonzero(eid.isin(ids).to_numpy())
    rows = rows[~pd.Index(eid.array[rows]).duplicated()]  # first row of each enrollmentID
    return pd.DataFrame({c: enrollments[c].array[rows] for c in ("enrollmentID", *_PAIR)})


def compute_streaks(instructional_days: pd.DataFrame, attendance: pd.DataFrame,
                    enrollments: pd.DataFrame, calendars: pd.DataFrame,
                    targets: pd.Series | None = None,
                    end: str = EFFECTIVE_COUNT_DATE) -> pd.DataFrame:
    """Absence streak of each target enrollment ending on its calendar's end day (vectorized).

    The end day is the effective count date, or any other instructional day per calendar held
    in the ``end`` column of ``calendars`` (the forecast's last instructional day on or before
    ``as_of``: :mod:`mtcollect_nb.compute.forecast`).

    Args:
        instructional_days: calendarID, date, minutes of the days with instruction.
        attendance: personID, calendarID, date, presentMinutes, excuse.
        enrollments: every enrollment: enrollmentID, personID, calendarID, startDate,
            endDate (NaT = open), noShow. All of a student's enrollments in a calendar make up
            the days they were enrolled.
        calendars: calendarID, effectiveCountDate, wholeDayAbsence (and the ``end`` column).
        targets: the enrollmentIDs to report (default: :func:`default_targets`).
        end: the column of ``calendars`` with the day each calendar's streaks end on.

    Returns:
        enrollmentID, ``streak`` (int64), ``streakStart`` (first day of the streak, NaT if 0),
        one row per target, in target order.

    Example:
        >>> from mtcollect_nb.testing import streak_example
        >>> r = compute_streaks(*streak_example())  # absent Fri Jan 31 and Mon Feb 3
        >>> int(r["streak"][0]), str(r["streakStart"][0].date())
        (2, '2025-01-31')
    """
    tgt = _target_frame(enrollments, targets, calendars)
    return grid_streaks(tgt, instructional_days, attendance, enrollments, calendars,
                        whole_day_absence, end)


def streaks_reference(instructional_days: pd.DataFrame, attendance: pd.DataFrame,
                      enrollments: pd.DataFrame, calendars: pd.DataFrame,
                      targets: pd.Series | None = None,
                      end: str = EFFECTIVE_COUNT_DATE) -> pd.DataFrame:
    """The same result as :func:`compute_streaks`, by a plain loop per target enrollment.

    Obviously-correct and slow: for tests and the benchmark only.

    Example:
        >>> from mtcollect_nb.testing import streak_example
        >>> r = streaks_reference(*streak_example())
        >>> int(r["streak"][0]), str(r["streakStart"][0].date())
        (2, '2025-01-31')
    """
    tgt = _target_frame(enrollments, targets, calendars)
    cal = calendars.set_index("calendarID")
    absent_days = attendance.loc[whole_day_absence_rows(attendance, instructional_days,
                                                        calendars)]
    absent = set(zip(absent_days["personID"], absent_days["calendarID"], absent_days["date"],
                     strict=True))
    spans: dict[tuple[int, int], list[tuple[pd.Timestamp, pd.Timestamp]]] = {}
    for r in enrollments.to_dict("records"):
        if not r["noShow"]:
            stop = r["endDate"] if pd.notna(r["endDate"]) else pd.Timestamp.max
            spans.setdefault((r["personID"], r["calendarID"]), []).append((r["startDate"], stop))
    by_cal = {c: sorted(g["date"], reverse=True) for c, g in instructional_days.groupby(
        "calendarID")}
    rows = []
    for r in tgt.to_dict("records"):
        p, c = r["personID"], r["calendarID"]
        last = cal.at[c, end] if c in cal.index else pd.NaT
        streak, start = 0, pd.NaT
        for day in by_cal.get(c, []) if pd.notna(last) else []:
            if day > last:
                continue
            enrolled = any(s <= day <= e for s, e in spans.get((p, c), []))
            if not enrolled or (p, c, day) not in absent:
                break
            streak, start = streak + 1, day
        rows.append({"enrollmentID": r["enrollmentID"], STREAK: streak, STREAK_START: start})
    out = pd.DataFrame(rows, columns=_OUT)
    out["enrollmentID"] = out["enrollmentID"].astype(tgt["enrollmentID"].dtype)
    out[STREAK] = out[STREAK].astype("int64")
    out[STREAK_START] = pd.to_datetime(out[STREAK_START]).astype("datetime64[ns]")
    return out


def whole_day_absence_rows(attendance: pd.DataFrame, instructional_days: pd.DataFrame,
                           calendars: pd.DataFrame) -> pd.Series:
    """Boolean mask over ``attendance``: whole-day absence on an instructional day.

    Example:
        >>> days = pd.DataFrame({"calendarID": [1], "minutes": [360],
        ...                      "date": pd.to_datetime(["2025-02-03"])})
        >>> att = pd.DataFrame({"personID": [5, 5], "calendarID": [1, 1], "excuse": "U",
        ...     "presentMinutes": [0, 0], "date": pd.to_datetime(["2025-02-03", "2025-02-01"])})
        >>> cal = pd.DataFrame({"calendarID": [1], "wholeDayAbsence": [240]})
        >>> whole_day_absence_rows(att, days, cal).tolist()
        [True, False]
    """
    att = attendance.reset_index(drop=True)
    m = att[["calendarID", "date"]].merge(
        instructional_days[["calendarID", "date", "minutes"]], on=["calendarID", "date"],
        how="left")
    on_day = m["minutes"].notna()
    if WHOLE_DAY_THRESHOLD in att.columns:
        thr = att[WHOLE_DAY_THRESHOLD]
    else:
        thr = whole_day_threshold(pd.Series(np.nan, index=att.index), att["calendarID"].map(
            calendars.set_index("calendarID")["wholeDayAbsence"]))
    whole = whole_day_absence(m["minutes"], att["presentMinutes"], att["excuse"], thr)
    return pd.Series((on_day & whole).to_numpy(), index=attendance.index)


def streaks_at_count_date(a: Frames) -> pd.DataFrame:
    """Streak of every enrollment on the count date: enrollmentID, streak, streakStart.

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> streaks_at_count_date(tiny_analysis())["streak"].tolist()
        [0, 0]
    """
    return compute_streaks(a.instructional_days, day_attendance(a),
                           a.table("enrollments"), a.calendars,
                           targets=a.on_count_date["enrollmentID"])


def absences_table(a: Frames, streaks: pd.DataFrame) -> pd.DataFrame:
    """The Absences sheet: enrollments on the count date with a streak of 6 or more.

    ``streaks`` is :func:`streaks_at_count_date`. ``excludeComputed`` is streak >= 11. Sorted by
    schoolNumber, longest streak, stateID. The reported absences and flag are the season's
    (``mtFallAbsent``, ``mtExcludeFallANB`` in a fall run: ``Season.absences_columns``).

    Example:
        >>> from mtcollect_nb.columns import ABSENCES_COLUMNS
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> a = tiny_analysis()
        >>> list(absences_table(a, a.streaks).columns) == list(ABSENCES_COLUMNS)
        True
    """
    f = a.season.fields
    e = a.on_count_date[["enrollmentID", "personID", "schoolNumber", "grade", f.absent,
                         f.exclude]]
    t = e.merge(streaks, on="enrollmentID")
    t = t.loc[t[STREAK] >= ABSENCES_SHEET_MIN_STREAK]
    t = t.merge(a.students[["personID", "stateID", "studentName"]], on="personID", how="left")
    t[EXCLUDE_COMPUTED] = t[STREAK] >= EXCLUDE_STREAK
    t = t.sort_values(["schoolNumber", STREAK, "stateID", "enrollmentID"],
                      ascending=[True, False, True, True], kind="mergesort")
    return t[list(a.season.absences_columns)].reset_index(drop=True)

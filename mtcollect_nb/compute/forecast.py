"""Before the count date: the call list of students about to be lost (rules.md "as_of").

A forecast run (``as_of`` before the count date) knows attendance up to ``as_of`` only
(:func:`~mtcollect_nb.compute.thresholds.known_attendance`). For each enrollment on the count
date by its dates (``onCountDate``: start on or before the effective count date, no end or an
end on or after it, not noShow, not state-excluded):

* ``streakAsOf``: the absence streak ending on the last instructional day of its calendar on or
  before ``as_of``: the streak engine itself (:func:`~mtcollect_nb.compute.absence.
  compute_streaks`) with that day as the end day, so thresholds, half days and enrollment
  boundaries are those of the streak at the count date;
* ``daysLeft``: instructional days of its calendar after ``as_of`` up to and including the
  effective count date;
* at risk when ``streakAsOf`` >= ``call_list_min_streak`` and ``streakAsOf + daysLeft`` >= 11
  (:func:`at_risk`); ``reaches11On``: the instructional day the streak would reach 11 (blank
  when it has); ``lastPresent``: the instructional day before the streak;
* ``fteAtRisk``: the FTE validated that excluding it would remove from the count.

Decisions (spec open), kept here:
    * ``lastPresent`` is blank when the student was not enrolled in that calendar on the day
      before the streak (absent every day since enrolling): that day was not a day present.
    * ``fteAtRisk`` is the enrollment's share after the 1.0 cap, as the count would be computed
      on the count date with no absences after ``as_of`` (``Analysis.fte`` of a forecast run),
      less what the cap would then give back to the student's other enrollments: excluding a
      primary enrollment of 1.0 lets a 0.5 partial enrollment elsewhere count, so the count
      loses 0.5, not 1.0. Where one student has several enrollments at risk, the student's
      loss (all of them excluded) is shared in proportion to their shares. An at-risk
      enrollment whose FTE is already 0 (marked excluded, kindergarten under 5, ...) stays on
      the list with 0.
    * ANB at risk of a budget unit counts each enrollment's ``fteAtRisk`` in the unit of its
      grade: Σ fteAtRisk / 2 x (180 + pir_days) / 180.
    * Sorted by ``daysLeft - (11 - streakAsOf)`` (how far past 11 the streak would be on the
      count date if the absence went on; outputs.md), then the longest streak, then
      schoolNumber, stateID, enrollmentID (a stable order between reruns).

Example:
    >>> from mtcollect_nb.testing import make_analysis, params, student, enrollment, absences
    >>> a = make_analysis(params(as_of="2025-01-24"), students=[student(1)],
    ...     enrollments=[enrollment(10, 1)], attendance=absences(1, pd.bdate_range(
    ...         "2025-01-20", "2025-01-24")))
    >>> r = a.call_list.iloc[0]
    >>> int(r["streakAsOf"]), int(r["daysLeft"]), str(r["reaches11On"].date())
    (5, 6, '2025-02-03')
    >>> float(r["fteAtRisk"]), float(a.at_risk_by_unit["anbAtRisk"].sum())
    (1.0, 0.5)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mtcollect_nb.columns import (
    ANB_AT_RISK,
    AT_RISK,
    AT_RISK_COLUMNS,
    BUDGET_UNIT,
    CALL_LIST_COLUMNS,
    CHRONICALLY_ABSENT,
    DAYS_ABSENT,
    DAYS_ENROLLED,
    DAYS_LEFT,
    EFFECTIVE_COUNT_DATE,
    ELEMENTARY,
    FTE_AT_RISK,
    FTE_VALIDATED,
    HIGH_SCHOOL,
    LAST_DAY_AS_OF,
    LAST_PRESENT,
    REACHES_11_ON,
    STREAK,
    STREAK_AS_OF,
    STREAK_START,
)
from mtcollect_nb.compute.absence import EXCLUDE_STREAK, compute_streaks
from mtcollect_nb.compute.anb import anb_formula, cap_per_student, validated_uncapped
from mtcollect_nb.compute.day_keys import DayKeys
from mtcollect_nb.compute.frames import budget_unit
from mtcollect_nb.compute.intervals import covers
from mtcollect_nb.compute.joins import take_by_key
from mtcollect_nb.compute.thresholds import day_attendance

if TYPE_CHECKING:
    from mtcollect_nb.compute.frames import Frames

_AS_OF_COLUMNS = ["enrollmentID", "personID", "calendarID", STREAK_AS_OF, STREAK_START,
                  LAST_DAY_AS_OF, DAYS_LEFT, AT_RISK]


def at_risk(streak: pd.Series, days_left: pd.Series, min_streak: int) -> pd.Series:
    """At risk: the call list's rule (the one place of it).

    A streak of ``min_streak`` or more that would reach 11 by the count date if the absence
    went on.

    Example:
        >>> at_risk(pd.Series([3, 3, 2, 11]), pd.Series([8, 7, 9, 0]), 3).tolist()
        [True, False, False, True]
    """
    return (streak >= min_streak) & (streak + days_left >= EXCLUDE_STREAK)


def as_of_calendars(a: Frames, as_of: pd.Timestamp, days: DayKeys) -> pd.DataFrame:
    """Calendars + ``lastDayAsOf`` and ``daysLeft``.

    ``lastDayAsOf``: the last instructional day on or before ``as_of``; ``daysLeft``: the
    instructional days after ``as_of`` up to and including the effective count date.

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> a = tiny_analysis()
        >>> c = as_of_calendars(a, pd.Timestamp("2025-01-26"), DayKeys(a.instructional_days))
        >>> str(c["lastDayAsOf"].iloc[0].date()), int(c["daysLeft"].iloc[0])
        ('2025-01-24', 6)
    """
    cal = a.calendars.copy()
    when = pd.Series(as_of, index=cal.index)
    cal[LAST_DAY_AS_OF] = days.last_on_or_before(cal["calendarID"], when)
    cal[DAYS_LEFT] = days.count(cal["calendarID"], when + pd.Timedelta(days=1),
                                cal[EFFECTIVE_COUNT_DATE]).astype("int64")
    return cal


def streaks_as_of(a: Frames) -> pd.DataFrame:
    """Per enrollment on the count date: the streak at ``as_of``, days left and ``atRisk``.

    Columns enrollmentID, personID, calendarID, streakAsOf, streakStart, lastDayAsOf, daysLeft,
    atRisk; no rows in a run without ``as_of``.

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> streaks_as_of(tiny_analysis()).empty
        True
    """
    on = a.on_count_date[["enrollmentID", "personID", "calendarID"]].reset_index(drop=True)
    if a.params.as_of is None:
        on = on.iloc[:0]
    as_of = pd.Timestamp(a.params.as_of or a.params.count_date)
    days = DayKeys(a.instructional_days)
    cal = as_of_calendars(a, as_of, days)
    s = compute_streaks(a.instructional_days, day_attendance(a), a.table("enrollments"), cal,
                        targets=on["enrollmentID"], end=LAST_DAY_AS_OF)
    out = on.assign(**{STREAK_AS_OF: s[STREAK].to_numpy(dtype="int64"),
                       STREAK_START: s[STREAK_START].to_numpy(dtype="datetime64[ns]")})
    for col in (LAST_DAY_AS_OF, DAYS_LEFT):
        out[col] = take_by_key(out["calendarID"], cal, "calendarID", col).to_numpy(
            dtype=cal[col].dtype)
    out[AT_RISK] = at_risk(out[STREAK_AS_OF], out[DAYS_LEFT], a.params.call_list_min_streak)
    return out[_AS_OF_COLUMNS]


def fte_at_risk(fte: pd.DataFrame, enrollment_ids: pd.Series, hours: str) -> pd.Series:
    """FTE validated that excluding ``enrollment_ids`` would remove, per enrollmentID.

    ``fte`` is :func:`~mtcollect_nb.compute.anb.enrollment_fte` (the count on the count date),
    ``hours`` the season's reported-hours column.
    See the module's decisions: the share after the cap, less what the cap gives back.

    Example:
        >>> f = pd.DataFrame({"enrollmentID": [1, 2], "personID": 7, "serviceType": ["P", "S"],
        ...     "mtSpringAggregateHours": [1080.0, 400.0], "computedHours": None,
        ...     "excludedValidated": False, "fteValidated": [1.0, 0.0]})
        >>> h = "mtSpringAggregateHours"
        >>> fte_at_risk(f, pd.Series([1]), h).tolist(), fte_at_risk(f, pd.Series([2]), h).tolist()
        ([0.5], [0.0])
    """
    risk = fte["enrollmentID"].isin(enrollment_ids).to_numpy()
    people = fte["personID"].isin(fte["personID"].to_numpy()[risk]).to_numpy()
    mine = fte.loc[people]  # the students with an enrollment at risk, all their enrollments
    risk = pd.Series(risk[people], index=mine.index)
    f = mine[["enrollmentID", "personID", "serviceType", FTE_VALIDATED]].copy()
    f["_after"] = validated_uncapped(mine, hours).where(~risk, 0.0)
    after = cap_per_student(f, "_after")
    person = f["personID"]
    loss = (f[FTE_VALIDATED] - after).groupby(person).transform("sum")
    share = f[FTE_VALIDATED].where(risk, 0.0)
    shares = share.groupby(person).transform("sum")
    part = (loss * share / shares.where(shares > 0)).fillna(0.0).round(4)
    return pd.Series(part[risk].to_numpy(dtype="float64"),
                     index=f.loc[risk, "enrollmentID"].to_numpy(), name=FTE_AT_RISK)


def _enrolled_on(enrollments: pd.DataFrame, rows: pd.DataFrame, day: pd.Series) -> np.ndarray:
    """Whether each row's student had an enrollment (not noShow) in its calendar on ``day``."""
    q = rows[["personID", "calendarID"]].assign(_day=day.to_numpy(), _row=np.arange(len(rows)))
    e = enrollments.loc[~enrollments["noShow"].astype(bool).to_numpy()
                        & enrollments["personID"].isin(q["personID"]).to_numpy(),
                        ["personID", "calendarID", "startDate", "endDate"]]
    m = q.merge(e, on=["personID", "calendarID"])
    hit = m.loc[covers(m["startDate"], m["endDate"], m["_day"]), "_row"]
    return np.isin(np.arange(len(rows)), hit.to_numpy())


#: The dtype of each Call list column (:func:`call_list`, with rows or without).
CALL_LIST_DTYPES: dict[str, str] = {
    "schoolNumber": "object", "schoolName": "object", "stateID": "object",
    "studentNumber": "object", "studentName": "object", "grade": "object",
    "enrollmentID": "int64", STREAK_AS_OF: "int64", LAST_PRESENT: "datetime64[ns]",
    DAYS_LEFT: "int64", REACHES_11_ON: "datetime64[ns]", FTE_AT_RISK: "float64",
    CHRONICALLY_ABSENT: "bool", DAYS_ENROLLED: "int64", DAYS_ABSENT: "int64",
}


def no_calls() -> pd.DataFrame:
    """The Call list of a run without ``as_of``: no rows (nobody is at risk before it).

    What :func:`call_list` gives for no enrollment at risk, without reading a frame.

    Example:
        >>> list(no_calls().columns) == list(CALL_LIST_COLUMNS), len(no_calls())
        (True, 0)
    """
    return pd.DataFrame({c: np.array([], dtype=CALL_LIST_DTYPES[c]) for c in CALL_LIST_COLUMNS})


def call_list(a: Frames, as_of_frame: pd.DataFrame, fte: pd.DataFrame,
              chronic: pd.DataFrame) -> pd.DataFrame:
    """The Call list sheet's rows: the enrollments at risk (columns CALL_LIST_COLUMNS).

    ``as_of_frame`` is :func:`streaks_as_of`, ``fte`` the count on the count date
    (:func:`~mtcollect_nb.compute.anb.enrollment_fte`), ``chronic`` is
    :func:`~mtcollect_nb.compute.chronic.chronic_by_student`. Sorted as the module says.

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> list(tiny_analysis().call_list.columns) == list(CALL_LIST_COLUMNS)
        True
    """
    r = as_of_frame.loc[as_of_frame[AT_RISK]].reset_index(drop=True)
    e = a.on_count_date
    e = e.loc[e["enrollmentID"].isin(r["enrollmentID"]).to_numpy()]  # a few rows: cheap joins
    for col in ("schoolNumber", "schoolID", "grade"):
        r[col] = take_by_key(r["enrollmentID"], e, "enrollmentID", col).to_numpy(dtype=object)
    r["schoolName"] = take_by_key(r["schoolID"], a.table("schools"), "schoolID", "name")
    people = a.students.loc[a.students["personID"].isin(r["personID"]).to_numpy()]
    for col in ("stateID", "studentNumber", "studentName"):
        r[col] = take_by_key(r["personID"], people, "personID", col)
    days = DayKeys(a.instructional_days)
    as_of = pd.Series(pd.Timestamp(a.params.as_of or a.params.count_date), index=r.index)
    r[REACHES_11_ON] = days.nth_after(r["calendarID"], as_of,
                                      (EXCLUDE_STREAK - r[STREAK_AS_OF]).to_numpy())
    before = days.before(r["calendarID"], r[STREAK_START])
    r[LAST_PRESENT] = before.where(_enrolled_on(a.table("enrollments"), r, before))
    risk = fte_at_risk(fte, r["enrollmentID"], a.season.fields.hours)
    r[FTE_AT_RISK] = r["enrollmentID"].map(risk).fillna(0.0).astype("float64")
    c = chronic.set_index(["personID", "schoolNumber"])
    idx = pd.MultiIndex.from_frame(r[["personID", "schoolNumber"]])
    for col, fill in ((CHRONICALLY_ABSENT, False), (DAYS_ENROLLED, 0), (DAYS_ABSENT, 0)):
        r[col] = c[col].reindex(idx).fillna(fill).to_numpy().astype(type(fill))
    r[DAYS_ENROLLED] = r[DAYS_ENROLLED].astype("int64")
    r[DAYS_ABSENT] = r[DAYS_ABSENT].astype("int64")
    r["_spare"] = r[DAYS_LEFT] - (EXCLUDE_STREAK - r[STREAK_AS_OF])
    r = r.sort_values(["_spare", STREAK_AS_OF, "schoolNumber", "stateID", "enrollmentID"],
                      ascending=[True, False, True, True, True], kind="mergesort")
    return r[list(CALL_LIST_COLUMNS)].reset_index(drop=True)


def at_risk_by_unit(calls: pd.DataFrame, pir_days: int) -> pd.DataFrame:
    """FTE and ANB at risk per budget unit (columns AT_RISK_COLUMNS; both units, 0 if none).

    ANB at risk = Σ fteAtRisk / 2 x (180 + pir_days) / 180 (no fall count: the spring count's
    half of ANB).

    Example:
        >>> calls = pd.DataFrame({"grade": ["06", "10", "11"], "fteAtRisk": [1.0, 0.5, 0.25]})
        >>> at_risk_by_unit(calls, 0).values.tolist()
        [['Elementary', 1.0, 0.5], ['High School', 0.75, 0.375]]
    """
    fte = calls[FTE_AT_RISK].astype("float64").groupby(budget_unit(calls["grade"])).sum()
    fte = fte.reindex([ELEMENTARY, HIGH_SCHOOL], fill_value=0.0).round(4)
    anb = anb_formula(pd.Series(0.0, index=fte.index), fte, pir_days).round(4)
    return pd.DataFrame({BUDGET_UNIT: fte.index, FTE_AT_RISK: fte.to_numpy(),
                         ANB_AT_RISK: anb.to_numpy()})[list(AT_RISK_COLUMNS)]

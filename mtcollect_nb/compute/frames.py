"""The base frames of a district run: tables, parameters, calendars and enrollments.

:class:`Frames` is what every computation module takes: the typed tables of the bundle, the
parameters, and the frames derived straight from the tables (calendars with their effective
count date, instructional days, enrollments with the count flags, sections with their course).
:class:`~mtcollect_nb.compute.analysis.Analysis` adds the heavy derived frames on top.

The count date is the season's (:mod:`mtcollect_nb.season`): ``spring_count_date`` in a spring
run, ``fall_count_date`` in a fall run; so are the enrollment fields read (``mtFallAbsent``...).

Example:
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> a = tiny_analysis()
    >>> str(a.calendars["effectiveCountDate"].iloc[0].date()), a.season.fields.exclude
    ('2025-02-03', 'mtExcludeSpringANB')
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from mtcollect_nb.columns import (
    BUDGET_UNIT,
    COUNTED,
    EFFECTIVE_COUNT_DATE,
    ELEMENTARY,
    HIGH_SCHOOL,
    HIGH_SCHOOL_GRADES,
    LINE,
    ON_COUNT_DATE,
    STUDENT_NAME,
)
from mtcollect_nb.compute.intervals import covers
from mtcollect_nb.load.bundle import Bundle
from mtcollect_nb.load.contract import SEASON_FIELDS, TABLES
from mtcollect_nb.params import Params
from mtcollect_nb.season import Season


def effective_count_dates(days: pd.DataFrame, count_date: pd.Timestamp) -> pd.Series:
    """Per calendarID: the first instructional day on or after ``count_date`` (NaT if none).

    Example:
        >>> days = pd.DataFrame({"calendarID": [1, 1, 2], "instruction": [False, True, True],
        ...     "date": pd.to_datetime(["2025-02-03", "2025-02-04", "2025-01-31"])})
        >>> effective_count_dates(days, pd.Timestamp("2025-02-03")).to_dict()
        {1: Timestamp('2025-02-04 00:00:00')}
    """
    inst = days.loc[days["instruction"] & (days["date"] >= count_date), ["calendarID", "date"]]
    return inst.groupby("calendarID")["date"].min()


def budget_unit(grade: pd.Series) -> pd.Series:
    """Elementary for PK..08, High School for 09..12.

    Example:
        >>> budget_unit(pd.Series(["KG", "09"])).tolist()
        ['Elementary', 'High School']
    """
    return pd.Series(np.where(grade.isin(HIGH_SCHOOL_GRADES), HIGH_SCHOOL, ELEMENTARY),
                     index=grade.index)


def season_enrollments(enrollments: pd.DataFrame, season: Season) -> pd.DataFrame:
    """The contract columns of ``enrollments`` and ``_line``: the season's fields and the rest.

    The loader types every season's fields (``load/contract``: optional in the header, blank
    when absent; the run's own season's are required), and its guard (``load/frame_checks``)
    refuses a frame whose field has another dtype, so nothing here checks them again. A frame
    built by hand may lack the other season's fields (the metamorphic test renames them).

    Example:
        >>> from mtcollect_nb.load.typed import frame_from_records
        >>> from mtcollect_nb.season import FALL
        >>> e = frame_from_records("enrollments", [{"enrollmentID": 1, "personID": 1,
        ...     "calendarID": 1, "mtFallAbsent": 12}])
        >>> f = season_enrollments(e.drop(columns=["mtSpringAbsent"]), FALL)
        >>> f["mtFallAbsent"].tolist(), "mtSpringAbsent" in f
        ([12], False)
    """
    others = SEASON_FIELDS - set(season.fields.names)
    return enrollments[[c for c in TABLES["enrollments"].column_names
                        if c in enrollments.columns or c not in others] + [LINE]]


class Frames:
    """The tables and parameters of one district run, with the frames derived from them.

    ``season`` is the run's :class:`~mtcollect_nb.season.Season`, ``count_date`` its count
    date; ``spring`` and ``fall`` the two count dates (the CTE roster window and the early
    graduates' window read them).
    """

    def __init__(self, bundle: Bundle, params: Params) -> None:
        self.bundle = bundle
        self.params = params
        self.season: Season = params.season
        self.count_date = pd.Timestamp(params.count_date)
        self.spring = pd.Timestamp(params.spring)
        self.fall = pd.Timestamp(params.fall)
        self.k_age_date = pd.Timestamp(params.k_age_date)
        self._memo: dict[str, Any] = {}

    # ---- tables ------------------------------------------------------------------------------
    def has(self, table: str) -> bool:
        """Whether the optional file of ``table`` was provided."""
        return self.bundle.has(table)

    def table(self, table: str) -> pd.DataFrame:
        """The typed frame of ``table`` (empty and typed when the file was not provided)."""
        return self.bundle.table(table)

    def _contract(self, table: str) -> pd.DataFrame:
        """``table`` with only its contract columns and ``_line`` (extra columns dropped)."""
        return self.table(table)[[*TABLES[table].column_names, LINE]]

    def memo(self, key: str, fn: Callable[[], Any]) -> Any:
        """Compute ``fn()`` once per analysis under ``key`` (for frames shared by rule modules)."""
        if key not in self._memo:
            self._memo[key] = fn()
        return self._memo[key]

    # ---- identity ------------------------------------------------------------------------------
    @cached_property
    def students(self) -> pd.DataFrame:
        """Students + ``studentName`` ("Last, First")."""
        s = self.table("students").copy()
        s[STUDENT_NAME] = (s["lastName"] + ", " + s["firstName"]).str.strip(", ")
        return s

    @cached_property
    def staff(self) -> pd.DataFrame:
        """Staff keyed by ``staffPersonID`` (the staff member's personID) + ``staffName``."""
        s = self.table("staff").rename(columns={"personID": "staffPersonID"}).copy()
        s["staffName"] = (s["lastName"] + ", " + s["firstName"]).str.strip(", ")
        return s

    # ---- calendars and enrollments ---------------------------------------------------------
    @cached_property
    def calendars(self) -> pd.DataFrame:
        """Calendars + ``schoolNumber`` and ``effectiveCountDate`` (the season's; NaT if none)."""
        cal = self._contract("calendars").merge(
            self._contract("schools")[["schoolID", "schoolNumber"]], on="schoolID", how="left")
        cal["schoolNumber"] = cal["schoolNumber"].fillna("")
        ecd = effective_count_dates(self.table("days"), self.count_date)
        cal[EFFECTIVE_COUNT_DATE] = cal["calendarID"].map(ecd).astype("datetime64[ns]")
        return cal

    @cached_property
    def instructional_days(self) -> pd.DataFrame:
        """Days with ``instruction`` true: calendarID, date, minutes (sorted)."""
        d = self.table("days")
        d = d.loc[d["instruction"], ["calendarID", "date", "minutes"]]
        return d.sort_values(["calendarID", "date"], kind="mergesort").reset_index(drop=True)

    @cached_property
    def enrollments(self) -> pd.DataFrame:
        """Every enrollment + its calendar's school and count date, and the count flags.

        Added columns: ``schoolID``, ``schoolNumber``, ``calendarExcluded``, ``gradeExcluded``
        (a state-excluded grade level of grade_levels.csv), ``effectiveCountDate`` (NaT where
        the calendar has no instructional day on or after the count date: not on it, DQ-04),
        ``budgetUnit``, ``onCountDate`` (extracts.md) and ``counted``
        (on the count date, not marked excluded, not extracurricular-only). The season's
        enrollment fields are those of :func:`season_enrollments`.
        """
        cal = self.calendars[["calendarID", "schoolID", "schoolNumber", "stateExclude",
                              EFFECTIVE_COUNT_DATE]].rename(
            columns={"stateExclude": "calendarExcluded"})
        e = season_enrollments(self.table("enrollments"), self.season).merge(
            cal, on="calendarID", how="left")
        ecd = e[EFFECTIVE_COUNT_DATE]
        e["calendarExcluded"] = e["calendarExcluded"].fillna(False).astype(bool)
        e[BUDGET_UNIT] = budget_unit(e["grade"])
        gl = self.table("grade_levels")
        gl = gl.loc[gl["stateExclude"], ["calendarID", "grade"]].assign(gradeExcluded=True)
        e = e.merge(gl, on=["calendarID", "grade"], how="left")
        e["gradeExcluded"] = e["gradeExcluded"].eq(True)
        e[ON_COUNT_DATE] = (
            covers(e["startDate"], e["endDate"], ecd)
            & ~e["noShow"] & ~e["stateExclude"] & ~e["calendarExcluded"] & ~e["gradeExcluded"]
            & ~e["calendarID"].isin(self.bundle.calendars_outside)  # another district or year
        )
        e[COUNTED] = (e[ON_COUNT_DATE] & ~e[self.season.fields.exclude] & ~e["mtExcludeANB"]
                      & ~e["extracurricularOnly"])
        return e

    @cached_property
    def on_count_date(self) -> pd.DataFrame:
        """The enrollments on the count date (a view of :attr:`enrollments`)."""
        return self.enrollments.loc[self.enrollments[ON_COUNT_DATE]]

    @cached_property
    def section_info(self) -> pd.DataFrame:
        """Sections + course number/name/calendar and school: sectionID, courseNumber, ..."""
        sec = self._contract("sections")
        crs = self._contract("courses").drop(columns=[LINE]).rename(
            columns={"number": "courseNumber", "name": "courseName",
                     "stateExclude": "courseExcluded"})
        out = sec.merge(crs, on="courseID", how="left")
        return out.merge(self.calendars[["calendarID", "schoolNumber"]], on="calendarID",
                         how="left")

"""ANB rules about exclusions (ANB-01..05, ANB-23, ANB-24), on the season's count date.

ANB-01..05 look at every enrollment on the count date that is not extracurricularOnly
(rules.md), and compare the reported IC flags with the computed streak, age and day-treatment
status; the 10-day flag and reported absences are the season's (``mtExcludeFallANB`` and
``mtFallAbsent`` in a fall run: :mod:`mtcollect_nb.season`). ANB-23 (a school that is not
accredited) looks at counted enrollments; ANB-24 (PK special education, from endYear 2026:
:mod:`mtcollect_nb.compute.law`) at every PK ``specialEd`` enrollment on the count date.

Example:
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> len(anb01_streak_not_excluded(tiny_analysis()))
    0
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from mtcollect_nb.checks.registry import finding_rows, rule
from mtcollect_nb.columns import (
    COUNTED,
    EFFECTIVE_COUNT_DATE,
    ERROR,
    STREAK,
    STREAK_START,
    WARNING,
)
from mtcollect_nb.compute.absence import EXCLUDE_STREAK
from mtcollect_nb.compute.anb import kindergarten_under_age, school_accredited
from mtcollect_nb.compute.joins import left_join
from mtcollect_nb.compute.law import law_for
from mtcollect_nb.season import ANB_COLLECTION

if TYPE_CHECKING:
    from mtcollect_nb.compute.analysis import Analysis

ENROLLMENT_FIELDS = "Student Information > General > Enrollments > State Reporting Fields"
COUNT_DATE_TOOL = "MT Count Date Attendance tool (Reports > Montana State Reporting)"


def finding_frame(df: pd.DataFrame, field: str, value: object, expected: object,
                  message: object) -> pd.DataFrame:
    """Findings of ``df``'s enrollments (enrollmentID, personID) with the given columns.

    Example:
        >>> df = pd.DataFrame({"enrollmentID": [3], "personID": [1]})
        >>> finding_frame(df, "grade", "KG", "01", "m")["field"].tolist()
        ['grade']
    """
    return finding_rows(df, ("enrollmentID", "personID"), field=field, value=value,
                        expected=expected, message=message)


#: Columns of :func:`exclusion_scope` taken from the enrollments on the count date (and the
#: season's 10-day flag and reported absences).
SCOPE_COLUMNS: tuple[str, ...] = (
    "enrollmentID", "personID", "grade", EFFECTIVE_COUNT_DATE, "mtExcludeANB", "dayTreatment")


def exclusion_scope(a: Analysis) -> pd.DataFrame:
    """Enrollments on the count date, not extracurricularOnly, with streak and birthdate.

    Columns: :data:`SCOPE_COLUMNS` and the season's exclude flag and absences (what ANB-01..05
    read), ``streak``, ``streakStart`` and ``birthdate``. Built once per analysis and shared
    by the rules: do not modify it.

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> exclusion_scope(tiny_analysis())["streak"].tolist()
        [0, 0]
    """
    def build() -> pd.DataFrame:
        o = a.on_count_date
        cols = [*SCOPE_COLUMNS, a.season.fields.exclude, a.season.fields.absent]
        e = o.loc[~o["extracurricularOnly"].to_numpy(), cols]
        e = left_join(e, a.streaks, "enrollmentID")
        e[STREAK] = e[STREAK].fillna(0).astype("int64")
        return left_join(e, a.students[["personID", "birthdate"]], "personID")

    return a.memo("anb_exclusions.scope", build)


def _streak_text(e: pd.DataFrame) -> pd.Series:
    start = e[STREAK_START].dt.strftime("%Y-%m-%d").fillna("")
    ecd = e["effectiveCountDate"].dt.strftime("%Y-%m-%d")
    return ("absent " + e[STREAK].astype(str) + " consecutive instructional days ending "
            + ecd + (" (from " + start + ")").where(start != "", ""))


@rule("ANB-01", ERROR, ANB_COLLECTION,
      title="Absent 11+ consecutive days at the count date, not marked {exclude_flag}",
      remedy=f"{ENROLLMENT_FIELDS}: check {{exclude_label}} (the "
             f"{COUNT_DATE_TOOL} sets it and {{absent_label}} when rerun)",
      count_date_attendance=True)
def anb01_streak_not_excluded(a: Analysis) -> pd.DataFrame:
    """Streak >= 11 at the count date, the season's 10-day flag (mtExcludeSpringANB) not set."""
    flag = a.season.fields.exclude
    e = exclusion_scope(a)
    hit = e.loc[(e[STREAK] >= EXCLUDE_STREAK) & ~e[flag]]
    return finding_frame(hit, flag, "No", "Yes",
                         _streak_text(hit) + ": not countable (ARM 10.20.102(4)(a))")


@rule("ANB-02", WARNING, ANB_COLLECTION,
      title="Marked {exclude_flag} but fewer than 11 consecutive absences computed",
      remedy=f"{ENROLLMENT_FIELDS}: clear {{exclude_label}}, or correct the "
             f"attendance and rerun the {COUNT_DATE_TOOL}", count_date_attendance=True)
def anb02_excluded_without_streak(a: Analysis) -> pd.DataFrame:
    """The season's 10-day flag set, computed streak < 11."""
    flag = a.season.fields.exclude
    e = exclusion_scope(a)
    hit = e.loc[e[flag] & (e[STREAK] < EXCLUDE_STREAK)]
    return finding_frame(hit, flag, "Yes", "No",
                         "marked excluded (10-day rule) but " + _streak_text(hit))


@rule("ANB-03", WARNING, ANB_COLLECTION,
      title="Reported {absent_label} and computed streak fall on different sides of 11",
      remedy=f"Rerun the {COUNT_DATE_TOOL} to recompute {{absent_label}}, or correct "
             f"{ENROLLMENT_FIELDS}: {{absent_label}}", count_date_attendance=True)
def anb03_absent_disagrees(a: Analysis) -> pd.DataFrame:
    """The season's reported absences (when given) >= 11 differ from computed streak >= 11."""
    f = a.season.fields
    e = exclusion_scope(a)
    rep = pd.to_numeric(e[f.absent], errors="coerce").astype("float64")
    hit = e.loc[rep.notna() & ((rep >= EXCLUDE_STREAK) != (e[STREAK] >= EXCLUDE_STREAK))]
    return finding_frame(hit, f.absent, hit[f.absent], hit[STREAK],
                         f.absent_label + " " + hit[f.absent].astype(str) + " but "
                         + _streak_text(hit))


@rule("ANB-04", ERROR, ANB_COLLECTION,
      title="Kindergarten student under 5 on the kindergarten age date, not marked Exclude ANB",
      remedy=f"{ENROLLMENT_FIELDS}: check Exclude ANB and enter the Exclude Reason; an early "
             "entry approved by the board is documented in the enrollment comments")
def anb04_kindergarten_under_five(a: Analysis) -> pd.DataFrame:
    """Grade KG, fifth birthday after kindergarten_age_date, mtExcludeANB not set."""
    e = exclusion_scope(a)
    e = e.loc[(e["grade"] == "KG") & ~e["mtExcludeANB"]]  # the age only where it can matter
    hit = e.loc[kindergarten_under_age(e["grade"], e["birthdate"], a.k_age_date)]
    born = hit["birthdate"].dt.strftime("%Y-%m-%d")
    return finding_frame(hit, "mtExcludeANB", "No", "Yes",
                         "kindergarten student born " + born + " is not 5 on "
                         + str(a.k_age_date.date()) + " (MCA 20-5-101)")


@rule("ANB-05", ERROR, ANB_COLLECTION,
      title="Day-treatment student not marked Exclude ANB",
      remedy=f"{ENROLLMENT_FIELDS}: check Exclude ANB and enter the Exclude Reason (private "
             "non-sectarian day treatment); clear Day Treatment if the student has returned")
def anb05_day_treatment(a: Analysis) -> pd.DataFrame:
    """Flag dayTreatment set, mtExcludeANB not set."""
    e = exclusion_scope(a)
    hit = e.loc[e["dayTreatment"] & ~e["mtExcludeANB"]]
    return finding_frame(hit, "mtExcludeANB", "No", "Yes",
                         "in day treatment on the count date: the resident district is "
                         "reimbursed through the tuition report, not ANB")


@rule("ANB-23", ERROR, ANB_COLLECTION,
      title="Counted enrollment in a school that is not accredited",
      remedy="School & District Settings > Schools > School Information: confirm the school's "
             "accreditation (OPI AccredMT); pupils of a school the Board of Public Education "
             "has not accredited cannot be counted: enroll them in the accredited school that "
             f"serves them, or check Exclude ANB in {ENROLLMENT_FIELDS}")
def anb23_not_accredited(a: Analysis) -> pd.DataFrame:
    """Counted enrollment whose school has ``accredited`` false (ARM 10.20.102(1))."""
    o = a.on_count_date
    e = o.loc[o[COUNTED].to_numpy(), ["enrollmentID", "personID", "schoolID", "schoolNumber"]]
    hit = e.loc[~school_accredited(a, e["schoolID"])]
    return finding_frame(hit, "accredited", "No", "Yes",
                         "school " + hit["schoolNumber"] + " is not accredited: its pupils "
                         "cannot be counted (ARM 10.20.102(1)); FTE validated 0")


@rule("ANB-24", WARNING, ANB_COLLECTION,
      title="PK special-education child excluded or without hours (counted from 2025-26)",
      remedy=f"{ENROLLMENT_FIELDS}: clear Exclude ANB and run the {COUNT_DATE_TOOL} so "
             "{hours_label} are filled; from 2025-26 (HB 168) a 3- or 4-year-old receiving "
             "special education from the district counts on aggregate hours",
      law="pk_special_ed_counted")
def anb24_pk_special_ed(a: Analysis) -> pd.DataFrame:
    """PK ``specialEd`` enrollment on the count date marked mtExcludeANB or with blank hours."""
    f = a.season.fields
    o = a.on_count_date
    e = o.loc[((o["grade"] == "PK") & o["specialEd"]).to_numpy(),
              ["enrollmentID", "personID", "mtExcludeANB", f.hours]]
    law = law_for(a.params.school_year).label
    excluded = e.loc[e["mtExcludeANB"]]
    blank = e.loc[~e["mtExcludeANB"] & e[f.hours].isna()]
    return pd.concat([
        finding_frame(excluded, "mtExcludeANB", "Yes", "No",
                      f"PK child receiving special education marked Exclude ANB: counted on "
                      f"aggregate hours ({law})"),
        finding_frame(blank, f.hours, "", "the program's aggregate hours",
                      f"PK child receiving special education with no {f.hours_label}: "
                      f"counted on aggregate hours ({law})"),
    ], ignore_index=True)

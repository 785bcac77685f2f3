"""ANB rules about hours, FTE, eligibility and early graduates (ANB-06..08, 15..21).

Hours, FTE and eligibility rules look only at counted enrollments (extracts.md), with the
season's reported hours (``mtFallAggregateHours`` in a fall run: :mod:`mtcollect_nb.season`).
Early graduates (ANB-17..19) are part of the spring collection only (``seasons=``). ANB-15
needs rosters (with sections and courses) to know that a student has no schedule, so without
them it does not run; ANB-16 checks reported hours always, and active rosters where rosters.csv was
provided. ANB-17..19 need fall_count.csv (who was counted in grade 12 in the fall); ANB-21 needs
programs.csv.

Example:
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> len(anb06_blank_hours(tiny_analysis())), len(anb08_fte_over_one(tiny_analysis()))
    (0, 0)
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from mtcollect_nb.checks.anb_exclusions import COUNT_DATE_TOOL, ENROLLMENT_FIELDS, finding_frame
from mtcollect_nb.checks.registry import rule
from mtcollect_nb.columns import (
    COMPUTED_HOURS,
    EFFECTIVE_COUNT_DATE,
    ERROR,
    FTE_REPORTED,
    WARNING,
)
from mtcollect_nb.compute.anb import FTE_REPORTED_UNCAPPED, STUDENT_REPORTED_SUM, age_on
from mtcollect_nb.compute.graduates import EARLY_GRADUATE_STATUS, ON_FALL_COUNT
from mtcollect_nb.compute.hours import ROSTERED_SECTIONS, band, scheduled_minutes
from mtcollect_nb.compute.intervals import covers
from mtcollect_nb.compute.joins import left_join
from mtcollect_nb.compute.law import law_for
from mtcollect_nb.season import ANB_COLLECTION, SPRING

if TYPE_CHECKING:
    from mtcollect_nb.compute.analysis import Analysis

MIN_HOURS = 180.0  # below this a program generates no ANB (MCA 20-9-311(4))
ADULT_AGE = 19  # on the kindergarten age date (MCA 20-5-101)
HOURS_TOLERANCE = 0.005
GRADUATION = "Student Information > General > Enrollments > Graduation fields"


def _fmt(s: pd.Series) -> pd.Series:
    """Numbers as short text (``1080``, ``12.5``), blank for NaN."""
    f = pd.to_numeric(s, errors="coerce").astype("float64")
    return f.map(lambda v: "" if v != v else f"{v:.2f}".rstrip("0").rstrip(".")).astype(object)


#: Columns of :func:`counted` taken from the enrollments on the count date (and the season's
#: reported hours).
COUNTED_COLUMNS: tuple[str, ...] = (
    "enrollmentID", "personID", "grade", "serviceType", "schoolNumber",
    "age19Or20Eligible", "specialEd", EFFECTIVE_COUNT_DATE)


def counted(a: Analysis) -> pd.DataFrame:
    """Counted enrollments with FTE, computed hours and rostered sections that day.

    Columns: :data:`COUNTED_COLUMNS` and the season's hours (what the rules read), the FTE
    columns and
    :func:`~mtcollect_nb.compute.hours.scheduled_minutes`. Shared by the rules: do not modify it.
    """
    def build() -> pd.DataFrame:
        o = a.on_count_date
        e = o.loc[o["counted"].to_numpy(), [*COUNTED_COLUMNS, a.season.fields.hours]]
        keep = ["enrollmentID", COMPUTED_HOURS, FTE_REPORTED, FTE_REPORTED_UNCAPPED,
                STUDENT_REPORTED_SUM]
        e = left_join(e, a.fte[keep], "enrollmentID")
        return left_join(e, scheduled_minutes(a), "enrollmentID")

    return a.memo("anb_counts.counted", build)


@rule("ANB-06", ERROR, ANB_COLLECTION, title="Counted enrollment with blank {hours_label}",
      remedy=f"Run the {COUNT_DATE_TOOL} for the {{season}} count, or enter "
             f"{ENROLLMENT_FIELDS}: {{hours_label}}")
def anb06_blank_hours(a: Analysis) -> pd.DataFrame:
    """Counted enrollment with blank reported hours of the season (mtSpringAggregateHours)."""
    hours = a.season.fields.hours
    e = counted(a)
    hit = e.loc[e[hours].isna()]
    return finding_frame(hit, hours, "", _fmt(hit[COMPUTED_HOURS]),
                         "no aggregate hours reported: the enrollment generates no ANB; "
                         "computed " + _fmt(hit[COMPUTED_HOURS]) + " hours")


@rule("ANB-07", WARNING, ANB_COLLECTION,
      title="Reported {hours_label} fall in a different FTE band than computed",
      remedy=f"Rerun the {COUNT_DATE_TOOL} to recompute {{hours_label}}; check the "
             "student's schedule and the calendar's day minutes")
def anb07_hours_band_differs(a: Analysis) -> pd.DataFrame:
    """Reported hours present and band(reported) != band(computed)."""
    hours = a.season.fields.hours
    e = counted(a)
    rep, comp = band(e[hours]), band(e[COMPUTED_HOURS])
    hit_mask = rep.notna() & comp.notna() & (rep != comp)
    hit = e.loc[hit_mask]
    msg = ("reported hours give FTE " + _fmt(rep[hit_mask]) + ", computed hours give FTE "
           + _fmt(comp[hit_mask]))
    return finding_frame(hit, hours, _fmt(hit[hours]), _fmt(hit[COMPUTED_HOURS]), msg)


@rule("ANB-08", ERROR, ANB_COLLECTION,
      title="Student's reported FTE over all enrollments exceeds 1.0",
      remedy="Student Information > General > Enrollments: Service Type and State Reporting "
             "Fields: {hours_label} of the partial (S) or special-ed (N) enrollments; "
             "a student counts at most 1.0 (MCA 20-9-311(4)(e))")
def anb08_fte_over_one(a: Analysis) -> pd.DataFrame:
    """Per student: Σ band(reported hours) over counted enrollments > 1.0 (one finding)."""
    hours = a.season.fields.hours
    e = counted(a)
    over = e.loc[e[STUDENT_REPORTED_SUM] > 1.0 + 1e-9].sort_values(
        ["personID", "enrollmentID"], kind="mergesort")
    if over.empty:
        return finding_frame(over, hours, "", "", "")
    parts = ("enrollment " + over["enrollmentID"].astype(str) + " (" + over["serviceType"]
             + ", school " + over["schoolNumber"] + ") " + _fmt(over[FTE_REPORTED_UNCAPPED]))
    listing = parts.groupby(over["personID"]).agg("; ".join)
    # the finding points at the enrollment the cap cuts (the last one in cap order)
    over = over.assign(cut=over[FTE_REPORTED_UNCAPPED] - over[FTE_REPORTED])
    first = over.sort_values(["personID", "cut", "enrollmentID"], ascending=[True, False, False],
                             kind="mergesort").drop_duplicates("personID")
    return finding_frame(first, hours, _fmt(first[STUDENT_REPORTED_SUM]),
                         "1.0 or less", "reported FTE sums to "
                         + _fmt(first[STUDENT_REPORTED_SUM]) + ": "
                         + first["personID"].map(listing))


@rule("ANB-15", WARNING, ANB_COLLECTION,
      title="Counted enrollment with no schedule on the count date and under 180 reported hours",
      remedy="Student Information > General > Schedule: add the student's courses; for a "
             f"student who only takes part in activities check {ENROLLMENT_FIELDS}: "
             "Extracurricular Activities Only",
      tables=("rosters", "sections", "courses"))
def anb15_no_schedule(a: Analysis) -> pd.DataFrame:
    """No active roster on the count date and blank or < 180 reported hours."""
    e = counted(a)
    hours = e[a.season.fields.hours]
    hit = e.loc[(e[ROSTERED_SECTIONS] == 0) & (hours.isna() | (hours < MIN_HOURS))]
    return finding_frame(hit, "extracurricularOnly", "No", "Yes",
                         "no class on the student's schedule on the count date and "
                         + _fmt(hours[hit.index]).replace("", "no")
                         + " reported hours")


@rule("ANB-16", WARNING, ANB_COLLECTION,
      title="Extracurricular-only enrollment with 180+ reported hours or a class schedule",
      remedy=f"{ENROLLMENT_FIELDS}: clear Extracurricular Activities Only if the student takes "
             "classes (and rerun the count date tool), else end the student's schedule")
def anb16_extracurricular_with_hours(a: Analysis) -> pd.DataFrame:
    """Flag extracurricularOnly with reported hours >= 180, or an active roster (rosters given)."""
    reported = a.season.fields.hours
    o = a.on_count_date
    e = o.loc[o["extracurricularOnly"].to_numpy(), ["enrollmentID", "personID", reported]]
    e = left_join(e, scheduled_minutes(a), "enrollmentID")
    hours = e[reported] >= MIN_HOURS
    rostered = e[ROSTERED_SECTIONS].fillna(0) > 0
    hit = e.loc[hours | rostered]
    why = (_fmt(hit[reported]) + " reported hours").where(
        hours[hit.index], "") + (", " + hit[ROSTERED_SECTIONS].astype(str)
                                 + " classes on the schedule").where(rostered[hit.index], "")
    return finding_frame(hit, "extracurricularOnly", "Yes", "No",
                         "extracurricular only, but " + why.str.lstrip(", "))


def graduate_candidates(a: Analysis) -> pd.DataFrame:
    """Graduations before the count date: the one definition the spring count uses too.

    :func:`mtcollect_nb.compute.graduates.graduation_candidates` (cached on the analysis):
    students counted on the count date are left out, an extracurricular-only, excluded or
    zero-hour enrollment does not leave them out. Shared by ANB-17..19: do not modify it.
    """
    return a.graduation_candidates


@rule("ANB-17", ERROR, ANB_COLLECTION,
      title="Early graduate with missing or out-of-window diploma fields",
      remedy=f"{GRADUATION}: Diploma Date, Diploma Type, Diploma Period (with End Status 400)",
      tables=("fall_count",), seasons=("spring",))
def anb17_diploma_fields(a: Analysis) -> pd.DataFrame:
    """Early graduate missing diplomaDate/Type/Period, or diplomaDate outside [fall, spring)."""
    c = graduate_candidates(a)
    c = c.loc[c[ON_FALL_COUNT]]
    window = f"a date from {a.fall.date()} to before {a.spring.date()}"
    dd = c["diplomaDate"]
    out = [
        finding_frame(c.loc[dd.isna()], "diplomaDate", "", window, "early graduate without "
                      "a Diploma Date"),
        finding_frame(bad := c.loc[dd.notna() & ((dd < a.fall) | (dd >= a.spring))],
                      "diplomaDate", bad["diplomaDate"].dt.strftime("%Y-%m-%d"), window,
                      "Diploma Date outside the early-graduate window"),
    ]
    for col, label in (("diplomaType", "Diploma Type"), ("diplomaPeriod", "Diploma Period")):
        out.append(finding_frame(c.loc[c[col].astype(str).str.strip() == ""], col, "",
                                 label, f"early graduate without a {label}"))
    return pd.concat(out, ignore_index=True)


@rule("ANB-18", WARNING, ANB_COLLECTION,
      title="Early graduate's Spring Aggregate Hours differ from the fall count's hours",
      remedy=f"{ENROLLMENT_FIELDS}: Spring Aggregate Hours of an early graduate equal the "
             "aggregate hours certified in the fall count",
      tables=("fall_count",), seasons=("spring",))
def anb18_graduate_hours_differ(a: Analysis) -> pd.DataFrame:
    """Early graduate whose mtSpringAggregateHours != fallAggregateHours; a blank is a value.

    Decision: blank fall hours on the student's grade-12 fall_count row are compared too (the
    fall count gave the student no FTE, so the early graduate generates no validated spring
    ANB from them); both blank is a finding as well: the early graduate counts 0 either way.
    """
    c = graduate_candidates(a)
    hours = SPRING.fields.hours  # early graduates are the spring collection's
    spring, fall = c[hours], c["fallAggregateHours"]
    differ = spring.isna() | fall.isna() | ((spring - fall).abs() > HOURS_TOLERANCE)
    hit = c.loc[c[ON_FALL_COUNT] & differ]
    blank_fall = hit["fallAggregateHours"].isna()
    msg = pd.Series("early graduate: spring hours should equal the fall count's hours",
                    index=hit.index, dtype=object)
    msg[blank_fall] = ("early graduate: the fall count row has no aggregate hours, so the "
                       "graduate generates no spring ANB from the fall count; check the "
                       "certified fall count")
    return finding_frame(hit, hours, _fmt(hit[hours]), _fmt(hit["fallAggregateHours"]), msg)


@rule("ANB-19", WARNING, ANB_COLLECTION,
      title="Graduated before the spring count date but not counted in grade 12 in the fall",
      remedy=f"Student Information > General > Enrollments: End Status and {GRADUATION}; only "
             "students counted in grade 12 on the fall count date are early graduates for ANB",
      tables=("fall_count",), seasons=("spring",))
def anb19_not_grade12_in_fall(a: Analysis) -> pd.DataFrame:
    """Flag endStatus 400 before the spring count date, not counted in grade 12 on fall_count."""
    c = graduate_candidates(a)
    hit = c.loc[(c["endStatus"].astype(str).str.strip() == EARLY_GRADUATE_STATUS)
                & ~c[ON_FALL_COUNT]]
    return finding_frame(hit, "endStatus", EARLY_GRADUATE_STATUS,
                         "grade 12 on the fall count", "ended "
                         + hit["endDate"].dt.strftime("%Y-%m-%d") + " as a graduate in grade "
                         + hit["grade"] + ", but not counted in grade 12 on the fall count: "
                         "not an early graduate for ANB")


@rule("ANB-20", WARNING, ANB_COLLECTION,
      title="Counted student aged 19 or more on the kindergarten age date, not marked eligible",
      remedy=f"{ENROLLMENT_FIELDS}: Age 19 or 20 Eligible for ANB (check it if the student "
             "meets the requirements, else check Exclude ANB)")
def anb20_age_19_not_eligible(a: Analysis) -> pd.DataFrame:
    """Counted, age >= 19 on kindergarten_age_date, age19Or20Eligible not set."""
    s = a.students  # only a student born before this year's (k_age_date.year - 18) can be 19+
    born = s.loc[s["birthdate"] < pd.Timestamp(a.k_age_date.year - ADULT_AGE + 1, 1, 1),
                 ["personID", "birthdate"]]
    e = counted(a)
    e = e.loc[~e["age19Or20Eligible"] & e["personID"].isin(born["personID"])]
    e = left_join(e, born, "personID")
    age = age_on(e["birthdate"], a.k_age_date)
    hit = e.loc[age >= ADULT_AGE]
    return finding_frame(hit, "age19Or20Eligible", "No", "Yes",
                         "age " + _fmt(age[hit.index]) + " on " + str(a.k_age_date.date()))


@rule("ANB-21", WARNING, ANB_COLLECTION,
      title="Preschool (PK) student counted without a classroom early literacy program",
      remedy="Student Information > Program Participation > Early Literacy: add the "
             "classroom-based record covering the count date (or check Exclude ANB); from "
             "2025-26 a PK child receiving special education is counted: check Special Ed "
             "Status on the enrollment",
      tables=("programs",))
def anb21_pk_without_program(a: Analysis) -> pd.DataFrame:
    """Counted PK enrollment with no EL_CLASSROOM program covering the count date.

    From endYear 2026 (HB 168, :mod:`mtcollect_nb.compute.law`) a PK child receiving special
    education (``specialEd``) is counted on aggregate hours and is not flagged.
    """
    e = counted(a)
    pk = e["grade"] == "PK"
    if law_for(a.params.school_year).pk_special_ed_counted:
        pk &= ~e["specialEd"].astype(bool)
    e = e.loc[pk]
    p = a.table("programs")
    p = p.loc[p["program"].astype(str).str.strip().str.upper() == "EL_CLASSROOM"]
    m = e[["enrollmentID", "personID", "effectiveCountDate"]].merge(p, on="personID")
    day = m["effectiveCountDate"]
    cover = covers(m["startDate"], m["endDate"], day)
    hit = e.loc[~e["enrollmentID"].isin(m.loc[cover, "enrollmentID"])]
    return finding_frame(hit, "program", "", "EL_CLASSROOM",
                         "PK students are counted for ANB only in the classroom-based early "
                         "literacy program (MCA 20-7-1801..1804)")

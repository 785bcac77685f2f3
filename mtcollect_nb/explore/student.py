"""One student, up close: the picker, their enrollments and findings, and why they do not count.

Every function reads one student's few rows of a :class:`~mtcollect_nb.checks.run.DistrictRun`
(masked or not: the labels then show pseudonyms). The absence calendar around the count date
is :mod:`mtcollect_nb.explore.days`.

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

import pandas as pd

from mtcollect_nb.columns import (
    COMPUTED_HOURS,
    COUNTED,
    EFFECTIVE_COUNT_DATE,
    EXCLUDE_COMPUTED,
    EXCLUDE_REASON,
    FTE_REPORTED,
    FTE_VALIDATED,
    ON_COUNT_DATE,
    PERSON_ID,
    STREAK,
    STREAK_START,
)
from mtcollect_nb.compute.absence import EXCLUDE_STREAK
from mtcollect_nb.compute.anb import (
    EXCLUDED_VALIDATED,
    KINDERGARTEN_MIN_AGE,
    age_on,
    kindergarten_under_age,
)
from mtcollect_nb.compute.hours import band
from mtcollect_nb.season import SeasonFields

if TYPE_CHECKING:
    from mtcollect_nb.checks.run import DistrictRun
    from mtcollect_nb.compute.analysis import Analysis

_HOURS, _EXCLUDE = "_hours", "_exclude"  # the season's reported hours and 10-day flag
BAND_REPORTED = "bandReported"
BAND_COMPUTED = "bandComputed"
EARLY_GRADUATE = "earlyGraduate"
ENROLLMENT_COLUMNS: tuple[str, ...] = (
    "enrollmentID", "schoolNumber", "calendarID", "grade", "serviceType", "startDate",
    "endDate", "endStatus", "noShow", ON_COUNT_DATE, COUNTED, "mtSpringAggregateHours",
    BAND_REPORTED, COMPUTED_HOURS, BAND_COMPUTED, FTE_REPORTED, FTE_VALIDATED, STREAK,
    STREAK_START, "mtSpringAbsent", "mtExcludeSpringANB", "mtExcludeANB", EXCLUDE_COMPUTED,
    EXCLUDE_REASON, EARLY_GRADUATE,
)
STUDENT_FINDING_COLUMNS: tuple[str, ...] = (
    "ruleId", "severity", "collection", "schoolNumber", "enrollmentID", "courseNumber",
    "sectionID", "field", "value", "expected", "message", "remedy",
)


def student_options(run: DistrictRun, with_findings: bool = False) -> dict[str, int]:
    """Student picker entries, label -> personID, sorted by name then stateID.

    The label is ``stateID name`` (a pseudonym and a blank name in a masked run); a blank
    label becomes ``personID <id>``, and a label two students share gets ``(#personID)``.

    Example:
        >>> from mtcollect_nb.testing import make_analysis, student
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> run = run_from_analysis(make_analysis(students=[student(2, stateID="")]))
        >>> student_options(run)
        {'Last2, First2': 2}
    """
    s = run.analysis.students[[PERSON_ID, "stateID", "studentName"]]
    if with_findings:
        s = s.loc[s[PERSON_ID].isin(run.findings[PERSON_ID].dropna())]
    s = s.sort_values(["studentName", "stateID", PERSON_ID], kind="mergesort")
    pid = s[PERSON_ID].astype(str)
    label = (s["stateID"] + " " + s["studentName"]).str.strip()
    label = label.where(label != "", "personID " + pid)
    twice = label.duplicated(keep=False)
    label = label.where(~twice, label + " (#" + pid + ")")
    return dict(zip(label, s[PERSON_ID].astype(int), strict=True))


def student_enrollments(run: DistrictRun, person_id: int) -> pd.DataFrame:
    """Every enrollment of one student, with how it counts on the season's count date.

    Columns :data:`ENROLLMENT_COLUMNS` (a fall run's: the fall fields, ``mtFallAbsent``...,
    ``Season.column``): the enrollment, ``onCountDate``/``counted``, reported
    and computed hours with their bands, FTE reported/validated (after the 1.0 cap; early
    graduates at their early-graduate FTE), the absence streak and the computed exclusions.
    Enrollments off the count date have blank hours, FTE and streak. Sorted by start date.

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> e = student_enrollments(run_from_analysis(tiny_analysis()), 1)
        >>> e[["enrollmentID", "bandReported", "computedHours", "fteValidated", "streak"]
        ...   ].values.tolist()
        [[10, 1.0, 1230.0, 1.0, 0]]
    """
    a = run.analysis
    e = a.enrollments.loc[a.enrollments[PERSON_ID] == person_id]
    fte = a.fte[["enrollmentID", COMPUTED_HOURS, FTE_REPORTED, FTE_VALIDATED,
                 EXCLUDE_COMPUTED, EXCLUDE_REASON]]
    e = e.merge(fte, on="enrollmentID", how="left")
    e = e.merge(a.streaks[["enrollmentID", STREAK, STREAK_START]], on="enrollmentID", how="left")
    grads = a.early_graduates.set_index("enrollmentID")
    e[EARLY_GRADUATE] = e["enrollmentID"].isin(grads.index)
    for col in (FTE_REPORTED, FTE_VALIDATED):
        e[col] = e[col].fillna(e["enrollmentID"].map(grads[col]))
    e[STREAK] = pd.array(e[STREAK], dtype="Int64")
    e[EXCLUDE_REASON] = e[EXCLUDE_REASON].fillna("")
    e[BAND_REPORTED] = band(e[a.season.fields.hours])
    e[BAND_COMPUTED] = band(e[COMPUTED_HOURS])
    e = e.sort_values(["startDate", "enrollmentID"], kind="mergesort")
    return e[list(a.season.columns(ENROLLMENT_COLUMNS))].reset_index(drop=True)


def student_findings(run: DistrictRun, person_id: int) -> pd.DataFrame:
    """Every finding about one student, each with its remedy (columns STUDENT_FINDING_COLUMNS).

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> student_findings(run_from_analysis(tiny_analysis()), 1).empty
        True
    """
    f = run.findings
    mine = f.loc[(f[PERSON_ID] == person_id).fillna(False).astype(bool)]
    return mine[list(STUDENT_FINDING_COLUMNS)].reset_index(drop=True)


def _day(ts: Any) -> str:
    return pd.Timestamp(ts).date().isoformat()


def _flag_reasons(r: dict[str, Any], fields: SeasonFields) -> list[str]:
    """The reported flags and the computed exclusions of one enrollment on the count date.

    ``r[_EXCLUDE]`` is the season's 10-day flag (``fields.exclude`` names it).
    """
    out: list[str] = []
    streak = int(r[STREAK]) if pd.notna(r[STREAK]) else 0
    if r[_EXCLUDE]:
        note = (f"; the computed streak is only {streak} days" if streak < EXCLUDE_STREAK
                else "")
        out.append(f"marked {fields.exclude} in Infinite Campus{note}")
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


def _hours_reasons(r: dict[str, Any], fields: SeasonFields) -> list[str]:
    """Why a counted enrollment gets less than 1.0 FTE: part-time hours or the cap.

    ``r[_HOURS]`` is the season's reported hours (``fields.hours`` names them).
    """
    if r[EXCLUDED_VALIDATED]:
        return []
    reported = r[_HOURS]
    hours = r[COMPUTED_HOURS] if pd.isna(reported) else reported
    fte = float(band(pd.Series([hours])).fillna(0.0).iloc[0])
    out = []
    if pd.isna(reported):
        out.append(f"no reported aggregate hours ({fields.hours} blank): validated at "
                   f"{hours:g} computed hours, FTE {fte:g}")
    elif fte < 1.0:
        out.append(f"part-time: {reported:g} reported aggregate hours, FTE {fte:g}")
    if r[FTE_VALIDATED] < fte:
        out.append(f"FTE {fte:g} cut to {r[FTE_VALIDATED]:g} by the 1.0 cap per student "
                   "(another enrollment on the count date counts first)")
    return out


def _off_count_date(a: Analysis, enr: pd.DataFrame, person_id: int) -> list[str]:
    """Why a student with enrollments has none on the count date; early graduates."""
    out = [f"no enrollment on the count date {_day(a.count_date)}"]
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
    fields = a.season.fields  # the season's reported hours and 10-day flag
    f = a.fte.loc[a.fte[PERSON_ID] == person_id, [
        "enrollmentID", "schoolNumber", "grade", STREAK, COMPUTED_HOURS, EXCLUDED_VALIDATED,
        FTE_VALIDATED, fields.hours, fields.exclude, "mtExcludeANB",
        "extracurricularOnly", "dayTreatment"]].rename(
            columns={fields.hours: _HOURS, fields.exclude: _EXCLUDE})
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
        reasons += [prefix + t for t in _flag_reasons(r, fields) + _hours_reasons(r, fields)]
    return reasons


def person_birthdate(a: Analysis, person_id: int) -> pd.Timestamp:
    """The student's birthdate (NaT if blank or unknown)."""
    s = a.students.loc[a.students[PERSON_ID] == person_id, "birthdate"]
    return pd.Timestamp(s.iloc[0]) if len(s) else pd.NaT

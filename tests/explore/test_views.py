"""The exploration functions on small hand-built districts, with exact expected values."""

from __future__ import annotations

import pandas as pd
import pytest

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.checks.run import DistrictRun, run_from_analysis
from mtcollect_nb.explore import days
from mtcollect_nb.explore import student as one_student
from mtcollect_nb.explore import views as explore
from mtcollect_nb.explore.days import (
    ABSENT,
    CALENDAR_COLUMNS,
    EXEMPT_DAY,
    NOT_ENROLLED,
    PARTIAL,
    PRESENT,
)
from mtcollect_nb.privacy.masking import mask_run
from mtcollect_nb.testing import (
    absences,
    enrollment,
    make_analysis,
    school_days,
    student,
)

MLK = "2025-01-20"
# Fri 17 Jan, then 21..24, 27..31 Jan and Mon 3 Feb: 11 instructional days (20 Jan is off)
STREAK_11 = [d for d in pd.bdate_range("2025-01-17", "2025-02-03") if d != pd.Timestamp(MLK)]


def run_of(**tables) -> DistrictRun:
    tables.setdefault("days", school_days(holidays=[MLK]))
    return run_from_analysis(make_analysis(**tables))


@pytest.fixture(scope="module")
def streak_run() -> DistrictRun:
    return run_of(students=[student(1), student(2)],
                  enrollments=[enrollment(10, 1), enrollment(11, 2)],
                  attendance=absences(1, STREAK_11) + absences(2, STREAK_11[1:]))


# ---- filters --------------------------------------------------------------------------------
FINDINGS = pd.DataFrame({
    "ruleId": ["ANB-01", "ANB-04", "TCH-02", "DQ-01"],
    "severity": ["error", "error", "error", "warning"],
    "collection": ["Spring ANB", "Spring ANB", "Spring Teacher-Class", "Data quality"],
    "schoolNumber": ["0002", "0001", "0001", ""],
})


def test_filter_findings_combines_filters_and_lists() -> None:
    f = explore.filter_findings
    assert f(FINDINGS)["ruleId"].tolist() == ["ANB-01", "ANB-04", "TCH-02", "DQ-01"]
    assert f(FINDINGS, school="0001", collection="Spring ANB")["ruleId"].tolist() == ["ANB-04"]
    assert f(FINDINGS, rule=["ANB-01", "DQ-01"], severity="")["ruleId"].tolist() == [
        "ANB-01", "DQ-01"]
    assert f(FINDINGS, school="0003").empty
    assert f(FINDINGS, severity="warning").index.tolist() == [0]


def test_filter_options_are_present_values_in_catalog_order() -> None:
    o = explore.filter_options(FINDINGS)
    assert o == {"school": ["0001", "0002"], "rule": ["ANB-01", "ANB-04", "DQ-01", "TCH-02"],
                 "severity": ["error", "warning"],
                 "collection": ["Spring ANB", "Spring Teacher-Class", "Data quality"]}


# ---- student picker -------------------------------------------------------------------------
@pytest.mark.slow
def test_student_options_labels_sorted_unique() -> None:
    run = run_of(students=[student(3, lastName="Zed", firstName="Amy"),
                           student(1, stateID="", lastName="", firstName=""),
                           student(2, stateID="", lastName="Doe", firstName="Jo"),
                           student(4, stateID="", lastName="Doe", firstName="Jo")])
    assert one_student.student_options(run) == {
        "personID 1": 1, "Doe, Jo (#2)": 2, "Doe, Jo (#4)": 4, "900000003 Zed, Amy": 3}


@pytest.mark.slow
def test_student_options_with_findings_only(streak_run: DistrictRun) -> None:
    # student 1 has 11 days (ANB-01); student 2 has 10 days: no finding
    assert one_student.student_options(streak_run, with_findings=True) == {
        "900000001 Last1, First1": 1}


# ---- one student ----------------------------------------------------------------------------
def test_streak_calendar_marks_the_eleven_days(streak_run: DistrictRun) -> None:
    c = days.student_calendar(streak_run, 1)
    streak = c.loc[c["inStreak"]]
    assert streak["date"].tolist() == STREAK_11
    assert streak["streakDay"].tolist() == list(range(1, 12))
    assert set(streak["status"]) == {ABSENT}
    assert c.loc[c["isCountDate"], "date"].tolist() == [pd.Timestamp("2025-02-03")]
    assert c.loc[c["isCountDate"], "streakDay"].tolist() == [11]
    # six Monday-Sunday weeks ending with the week after the count date, holiday left out
    assert c["date"].min() == pd.Timestamp("2025-01-06")
    assert c["date"].max() == pd.Timestamp("2025-02-14")
    assert len(c) == 29 and pd.Timestamp(MLK) not in set(c["date"])
    assert set(c.loc[~c["inStreak"], "status"]) == {PRESENT}
    assert c["streakDay"].isna().sum() == 29 - 11


@pytest.mark.slow
def test_calendar_reaches_back_to_the_streak_start() -> None:
    absent = pd.bdate_range("2024-12-02", "2025-02-03")
    run = run_of(students=[student(1)], enrollments=[enrollment(10, 1)],
                 attendance=absences(1, absent), days=school_days())
    c = days.student_calendar(run, 1)
    assert c["date"].min() == pd.Timestamp("2024-12-02")
    assert int(c["streakDay"].max()) == len(absent) == c["inStreak"].sum()


@pytest.mark.slow
def test_calendar_statuses_partial_exempt_not_enrolled() -> None:
    att = (absences(1, ["2025-01-28"], present_minutes=200)
           + absences(1, ["2025-01-29"], excuse="X")
           + absences(1, ["2025-01-30", "2025-01-31", "2025-02-03"]))
    run = run_of(students=[student(1)], enrollments=[enrollment(10, 1, startDate="2025-01-27")],
                 attendance=att)
    c = days.student_calendar(run, 1).set_index("date")
    day = lambda d: c.loc[pd.Timestamp(d)]  # noqa: E731
    assert day("2025-01-24")["status"] == NOT_ENROLLED
    assert day("2025-01-27")["status"] == PRESENT
    assert day("2025-01-28")["status"] == PARTIAL
    assert day("2025-01-29")["status"] == EXEMPT_DAY
    assert [day(d)["status"] for d in ("2025-01-30", "2025-01-31", "2025-02-03")] == [ABSENT] * 3
    assert c.index[c["inStreak"]].strftime("%m-%d").tolist() == ["01-30", "01-31", "02-03"]
    assert int(day("2025-01-28")["presentMinutes"]) == 200 and day("2025-01-29")["excuse"] == "X"


def test_calendar_of_unknown_student_is_empty(streak_run: DistrictRun) -> None:
    c = days.student_calendar(streak_run, 99)
    assert c.empty and list(c.columns) == list(CALENDAR_COLUMNS)


@pytest.mark.slow
def test_student_enrollments_every_enrollment_with_counts(streak_run: DistrictRun) -> None:
    run = run_of(students=[student(1)], enrollments=[
        enrollment(9, 1, endDate="2024-12-20", endStatus="230"),
        enrollment(10, 1, startDate="2025-01-06", mtSpringAggregateHours=400.0)])
    e = one_student.student_enrollments(run, 1)
    assert list(e.columns) == list(one_student.ENROLLMENT_COLUMNS)
    assert e["enrollmentID"].tolist() == [9, 10]
    assert e["onCountDate"].tolist() == [False, True]
    assert e["counted"].tolist() == [False, True]
    now = e.iloc[1]
    assert (now["bandReported"], now["computedHours"], now["bandComputed"]) == (0.5, 1224.0, 1.0)
    assert (now["fteReported"], now["fteValidated"], now["streak"]) == (0.5, 0.5, 0)
    assert e.iloc[0][["fteValidated", "streak"]].isna().all()
    s = one_student.student_enrollments(streak_run, 1).iloc[0]
    assert (s["streak"], s["streakStart"], s["excludeComputed"]) == (
        11, pd.Timestamp("2025-01-17"), True)
    assert (s["fteReported"], s["fteValidated"]) == (1.0, 0.0)


def test_student_findings_carry_the_remedy(streak_run: DistrictRun) -> None:
    f = one_student.student_findings(streak_run, 1)
    assert f["ruleId"].tolist() == ["ANB-01"]
    assert f["remedy"].tolist() == [all_rules()["ANB-01"].remedy]
    assert list(f.columns) == list(one_student.STUDENT_FINDING_COLUMNS)
    assert one_student.student_findings(streak_run, 2).empty


# ---- why excluded ---------------------------------------------------------------------------
def test_why_excluded_streak(streak_run: DistrictRun) -> None:
    assert one_student.why_excluded(streak_run, 1) == [
        "11 consecutive whole-day absences ending on the count date 2025-02-03 (from 2025-01-17)"]
    assert one_student.why_excluded(streak_run, 2) == []  # 10 days: still counted


@pytest.mark.slow
def test_why_excluded_flags_and_computed_exclusions() -> None:
    run = run_of(students=[student(1, birthdate="2019-09-11"), student(2), student(3),
                           student(4)],
                 enrollments=[enrollment(10, 1, grade="KG"),
                              enrollment(11, 2, mtExcludeSpringANB=True),
                              enrollment(12, 3, mtExcludeANB=True, mtExcludeReason="moved",
                                         dayTreatment=True),
                              enrollment(13, 4, extracurricularOnly=True)])
    assert one_student.why_excluded(run, 1) == [
        "kindergarten: 4 years old on 2024-09-10 (born 2019-09-11), under 5"]
    assert one_student.why_excluded(run, 2) == [
        "marked mtExcludeSpringANB in Infinite Campus; the computed streak is only 0 days"]
    assert one_student.why_excluded(run, 3) == [
        "marked mtExcludeANB in Infinite Campus (reason: moved)",
        "day treatment (dayTreatment checked): not counted in ANB"]
    assert one_student.why_excluded(run, 4) == [
        "extracurricular only (extracurricularOnly checked): not counted in ANB"]


@pytest.mark.slow
def test_why_excluded_kindergarten_born_on_the_age_date_is_counted() -> None:
    run = run_of(students=[student(1, birthdate="2019-09-10")],
                 enrollments=[enrollment(10, 1, grade="KG")])
    assert one_student.why_excluded(run, 1) == []


@pytest.mark.slow
def test_why_excluded_hours_and_cap() -> None:
    run = run_of(students=[student(1), student(2), student(3)],
                 enrollments=[enrollment(10, 1, mtSpringAggregateHours=400.0),
                              enrollment(11, 2, mtSpringAggregateHours=None),
                              enrollment(12, 3), enrollment(13, 3, serviceType="S")])
    assert one_student.why_excluded(run, 1) == ["part-time: 400 reported aggregate hours, FTE 0.5"]
    assert one_student.why_excluded(run, 2) == [
        "no reported aggregate hours (mtSpringAggregateHours blank): validated at 1224 "
        "computed hours, FTE 1"]
    assert one_student.why_excluded(run, 3) == [
        "enrollment 13 (school 0001, grade 06): FTE 1 cut to 0 by the 1.0 cap per student "
        "(another enrollment on the count date counts first)"]


@pytest.mark.slow
def test_why_excluded_off_the_count_date() -> None:
    run = run_of(students=[student(1), student(2), student(3), student(4)],
                 enrollments=[enrollment(10, 1, endDate="2025-01-17", endStatus="230"),
                              enrollment(11, 1, startDate="2025-02-10"),
                              enrollment(12, 2, noShow=True),
                              enrollment(13, 3, stateExclude=True),
                              enrollment(14, 4, grade="12", endDate="2025-01-17",
                                         endStatus="400")])
    assert one_student.why_excluded(run, 1) == [
        "no enrollment on the count date 2025-02-03",
        "enrollment 10 (school 0001, grade 06) ended on 2025-01-17 (endStatus 230), before "
        "the count date 2025-02-03",
        "enrollment 11 (school 0001, grade 06) starts on 2025-02-10, after the count date "
        "2025-02-03"]
    assert one_student.why_excluded(run, 2)[1:] == [
        "enrollment 12 (school 0001, grade 06) is a no-show"]
    assert one_student.why_excluded(run, 3)[1:] == [
        "enrollment 13 (school 0001, grade 06) is state-excluded (stateExclude checked)"]
    assert one_student.why_excluded(run, 4)[2:] == [
        "ended 2025-01-17 with endStatus 400 but not counted in grade 12 on the fall count: "
        "not an early graduate for ANB (FTE reported 1, validated 0)"]
    assert one_student.why_excluded(run, 99) == ["no enrollment in this district's extract"]


@pytest.mark.slow
def test_early_graduate_on_the_fall_count_is_counted() -> None:
    run = run_of(students=[student(4)],
                 enrollments=[enrollment(14, 4, grade="12", endDate="2025-01-17",
                                         endStatus="400")],
                 fall_count=[{"stateID": "900000004", "schoolNumber": "0001", "grade": "12",
                              "fallAggregateHours": 1080.0}])
    assert one_student.why_excluded(run, 4)[-1] == (
        "early graduate (ended 2025-01-17): counted in the spring count at FTE 1")
    e = one_student.student_enrollments(run, 4)
    assert e[["earlyGraduate", "fteReported", "fteValidated"]].values.tolist() == [
        [True, 1.0, 1.0]]


# ---- schools --------------------------------------------------------------------------------
def two_schools() -> DistrictRun:
    schools = [{"schoolID": s, "districtNumber": "0001", "schoolNumber": f"000{s}",
                "name": f"School {s}"} for s in (1, 2)]
    calendars = [{"calendarID": s, "schoolID": s, "name": f"cal {s}", "endYear": 2025,
                  "startDate": "2024-08-26", "endDate": "2025-06-06"} for s in (1, 2)]
    fall = ([{"stateID": f"9{i}", "schoolNumber": "0001", "grade": "06",
              "fallAggregateHours": 1080.0} for i in range(3)]
            + [{"stateID": "95", "schoolNumber": "0002", "grade": "10",
                "fallAggregateHours": 1080.0}])
    return run_of(schools=schools, calendars=calendars,
                  days=school_days(1) + school_days(2),
                  students=[student(1), student(2), student(3)],
                  enrollments=[enrollment(10, 1, mtSpringAggregateHours=400.0),
                               enrollment(11, 2, calendarID=2, grade="10"),
                               enrollment(12, 3, calendarID=2, grade="11",
                                          mtSpringAggregateHours=None)],
                  fall_count=fall)


@pytest.mark.slow
def test_school_options_and_anb_by_grade() -> None:
    run = two_schools()
    assert explore.school_options(run) == {"0001 School 1": "0001", "0002 School 2": "0002"}
    t = explore.school_anb(run, "0002")
    assert list(t.columns) == list(explore.SCHOOL_ANB_COLUMNS)
    assert t["grade"].tolist() == ["10", "11", "Total"]
    assert t["springCountReported"].tolist() == [1.0, 0.0, 1.0]
    assert t["springCountValidated"].tolist() == [1.0, 1.0, 2.0]
    assert t["difference"].tolist() == [0.0, 1.0, 1.0]
    assert t["fallCount"].tolist() == [1.0, 0.0, 1.0]
    assert t["enrolled"].tolist() == [1, 1, 2]
    assert explore.school_anb(run, "0002", total=False)["grade"].tolist() == ["10", "11"]
    assert explore.school_anb(run, "0009").empty


@pytest.mark.slow
def test_count_moves_sorted_by_size_of_the_move() -> None:
    m = explore.count_moves(two_schools())
    assert list(m.columns) == list(explore.COUNT_MOVE_COLUMNS)
    assert m["schoolNumber"].tolist() == ["0001", "0002"]
    assert m["changeReported"].tolist() == [-2.5, 0.0]
    assert m["changeValidated"].tolist() == [-2.5, 1.0]
    assert m["changeReportedPct"].tolist() == [-83.3, 0.0]
    assert explore.biggest_move(two_schools()) == (
        "School 0001 School 1 moved most: fall count 3 -> spring count reported 0.5 "
        "(-2.5, -83.3%).")


# ---- masked runs ----------------------------------------------------------------------------
@pytest.mark.slow
def test_masked_run_gives_the_same_answers_without_names(streak_run: DistrictRun) -> None:
    masked = mask_run(streak_run)
    opts = one_student.student_options(masked)
    assert all(label.startswith("S-") and "Last" not in label for label in opts)
    assert "900000001" not in " ".join(opts)
    pid = opts[one_student.student_options(masked, with_findings=True).popitem()[0]]
    assert one_student.why_excluded(masked, pid) == one_student.why_excluded(streak_run, 1)
    assert days.student_calendar(masked, pid)["inStreak"].sum() == 11
    assert one_student.student_findings(masked, pid)["ruleId"].tolist() == ["ANB-01"]
    assert (one_student.student_enrollments(masked, pid).drop(columns="enrollmentID").equals(
        one_student.student_enrollments(streak_run, 1).drop(columns="enrollmentID")))

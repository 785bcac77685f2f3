"""TCH-01..04 and CTE-01..04 over hand-built sections (spring count date 2025-02-03)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from mtcollect_nb.checks import teacher_class as tc
from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.checks.engine import run_rules
from mtcollect_nb.compute.sections import count_date_sections, roster_counts, teachers_of_record
from mtcollect_nb.testing import enrollment, make_analysis, school_days, student

TC_RULES = ("TCH-01", "TCH-02", "TCH-03", "TCH-04", "CTE-01", "CTE-02", "CTE-03", "CTE-04")


def course(cid: int = 1, **kw: Any) -> dict[str, Any]:
    r = {"courseID": cid, "calendarID": 1, "number": f"C{cid}", "name": f"Course {cid}",
         "active": True, "scedSubjectArea": "02", "scedCourseID": "001", "cte": False}
    r.update(kw)
    return r


def section(sid: int = 100, cid: int = 1, **kw: Any) -> dict[str, Any]:
    r = {"sectionID": sid, "courseID": cid, "number": "1", "termStartDate": "2024-08-26",
         "termEndDate": "2025-06-06", "minutesPerDay": 50}
    r.update(kw)
    return r


def staff_row(sid: int = 100, pid: int = 500, role: str = "01", **kw: Any) -> dict[str, Any]:
    r = {"sectionID": sid, "personID": pid, "role": role}
    r.update(kw)
    return r


def roster(sid: int, pid: int, start: str | None = None, end: str | None = None) -> dict:
    return {"sectionID": sid, "personID": pid, "startDate": start, "endDate": end}


def district(**tables: Any):
    """One student (1) enrolled all year, one course/section with a teacher and a roster."""
    tables.setdefault("students", [student(1)])
    tables.setdefault("enrollments", [enrollment(10, 1)])
    tables.setdefault("courses", [course()])
    tables.setdefault("sections", [section()])
    tables.setdefault("section_staff", [staff_row()])
    tables.setdefault("rosters", [roster(100, 1)])
    tables.setdefault("staff", [{"personID": 500, "staffStateID": "T500", "lastName": "Smith",
                                 "firstName": "Ann"}])
    return make_analysis(**tables)


def test_clean_district_has_no_findings():
    res = run_rules(district(), [all_rules()[r] for r in TC_RULES])
    assert res.findings.empty
    assert set(res.ran) == set(TC_RULES)


# ---- spring sections --------------------------------------------------------------------
@pytest.mark.slow
def test_count_date_sections_use_effective_count_date_and_drop_excluded():
    days = school_days(holidays=["2025-02-03"])  # effective count date 2025-02-04
    a = district(days=days,
                 courses=[course(1), course(2, stateExclude=True)],
                 sections=[section(100, termStartDate="2025-02-04"),
                           section(101, termEndDate="2025-02-03"),
                           section(102, cid=2)])
    sp = count_date_sections(a)
    assert sp["sectionID"].tolist() == [100]
    assert sp["countDate"].iloc[0] == pd.Timestamp("2025-02-04")


def test_fall_only_section_is_not_checked():
    a = district(courses=[course(scedCourseID="")],
                 sections=[section(termEndDate="2025-01-17")],
                 section_staff=[], rosters=[roster(100, 1, end="2025-01-17")])
    res = run_rules(a, [all_rules()[r] for r in TC_RULES])
    assert res.findings.empty


# ---- TCH-01 ----------------------------------------------------------------------------
@pytest.mark.parametrize(("kw", "field"), [
    ({"scedCourseID": ""}, "scedCourseID"),
    ({"scedSubjectArea": " "}, "scedSubjectArea"),
    ({"scedSubjectArea": "", "scedCourseID": ""}, "scedSubjectArea, scedCourseID"),
])
def test_tch01_missing_sced(kw, field):
    out = tc.tch01_missing_sced(district(courses=[course(**kw)]))
    assert out["field"].tolist() == [field]
    assert out["courseNumber"].tolist() == ["C1"]
    assert out["schoolNumber"].tolist() == ["0001"]


@pytest.mark.parametrize("kw", [{"active": False}, {"stateExclude": True}])
def test_tch01_ignores_inactive_or_excluded_course(kw):
    assert tc.tch01_missing_sced(district(courses=[course(scedCourseID="", **kw)])).empty


@pytest.mark.slow
def test_tch01_needs_students_on_count_date_and_reports_course_once():
    a = district(courses=[course(scedCourseID="")],
                 sections=[section(100), section(101), section(102)],
                 rosters=[roster(100, 1), roster(101, 1), roster(102, 1, end="2025-01-31")])
    assert len(tc.tch01_missing_sced(a)) == 1
    unrostered = district(courses=[course(scedCourseID="")],
                          rosters=[roster(100, 1, end="2025-01-31")])
    assert tc.tch01_missing_sced(unrostered).empty


# ---- TCH-02 ----------------------------------------------------------------------------
def test_tch02_staff_ended_before_count_date():
    a = district(section_staff=[staff_row(endDate="2025-01-31")])
    out = tc.tch02_no_teacher(a)
    assert out["sectionID"].tolist() == [100]
    assert "2025-01-31" in out["value"].iloc[0]


def test_tch02_several_staff_only_the_covering_one_counts():
    a = district(section_staff=[staff_row(pid=500, endDate="2025-01-31"),
                                staff_row(pid=501, role="03", startDate="2025-02-01")],
                 staff=[{"personID": 500, "staffStateID": "T500", "lastName": "Smith",
                         "firstName": "Ann"},
                        {"personID": 501, "staffStateID": "T501", "lastName": "Jones",
                         "firstName": "Bo"}])
    assert tc.tch02_no_teacher(a).empty
    t = teachers_of_record(a)
    assert t["staffPersonID"].tolist() == [501]
    assert t["teacherLabel"].tolist() == ["Jones, Bo (T501)"]


@pytest.mark.parametrize("rows", [[], [staff_row(role="")],
                                  [staff_row(startDate="2025-02-04")]])
def test_tch02_no_role_or_not_yet_started(rows):
    assert tc.tch02_no_teacher(district(section_staff=rows))["sectionID"].tolist() == [100]


def test_tch02_staff_starting_on_effective_count_date_counts():
    days = school_days(holidays=["2025-02-03"])
    a = district(days=days, section_staff=[staff_row(startDate="2025-02-04")])
    assert tc.tch02_no_teacher(a).empty


def test_tch02_section_without_students_on_count_date_is_not_flagged():
    a = district(section_staff=[], rosters=[roster(100, 1, end="2025-01-31")])
    assert tc.tch02_no_teacher(a).empty


# ---- TCH-03 ----------------------------------------------------------------------------
def test_tch03_roster_outside_enrollment_or_in_other_calendar():
    cal2 = {"calendarID": 2, "schoolID": 1, "name": "other", "endYear": 2025}
    a = district(
        students=[student(1), student(2), student(3), student(4)],
        calendars=[{"calendarID": 1, "schoolID": 1, "name": "main", "endYear": 2025}, cal2],
        days=school_days(1) + school_days(2),
        enrollments=[enrollment(10, 1), enrollment(11, 2, endDate="2024-12-20"),
                     enrollment(12, 3, calendarID=2), enrollment(13, 4, noShow=True)],
        rosters=[roster(100, 1), roster(100, 2, start="2025-01-06"), roster(100, 3),
                 roster(100, 4)])
    out = tc.tch03_roster_not_enrolled(a)
    assert sorted(out["personID"].tolist()) == [2, 3, 4]
    assert set(out["sectionID"]) == {100}


def test_tch03_one_day_overlap_is_enough():
    a = district(enrollments=[enrollment(10, 1, endDate="2025-01-06")],
                 rosters=[roster(100, 1, start="2025-01-06")])
    assert tc.tch03_roster_not_enrolled(a).empty


# ---- TCH-04 ----------------------------------------------------------------------------
def test_tch04_empty_roster():
    a = district(sections=[section(100), section(101)])
    assert tc.tch04_empty_roster(a)["sectionID"].tolist() == [101]
    inactive = district(courses=[course(active=False)], rosters=[])
    assert tc.tch04_empty_roster(inactive).empty


# ---- CTE-01..04 ------------------------------------------------------------------------
@pytest.mark.parametrize(("pathways", "n"), [("", 1), (" ; ", 1), ("AG1", 1 - 1),
                                             ("AG1;HS2", 0)])
def test_cte01_pathways(pathways, n):
    a = district(courses=[course(cte=True, ctePathways=pathways)])
    assert len(tc.cte01_no_pathway(a)) == n


def test_cte01_only_cte_courses():
    assert tc.cte01_no_pathway(district(courses=[course(cte=False, ctePathways="")])).empty


@pytest.mark.parametrize(("partner", "n"), [("", 1), ("Acme Ranch", 0)])
def test_cte02_wbl_partner(partner, n):
    a = district(courses=[course(cte=True, ctePathways="AG1", workBasedLearning=True,
                                 wblPartner=partner)])
    assert len(tc.cte02_wbl_partner(a)) == n


@pytest.mark.parametrize(("minutes", "n"), [(None, 1), (0, 1), (50, 0)])
def test_cte03_minutes(minutes, n):
    a = district(courses=[course(cte=True, ctePathways="AG1")],
                 sections=[section(minutesPerDay=minutes)])
    assert len(tc.cte03_minutes(a)) == n


@pytest.mark.parametrize(("start", "end", "n"), [
    (None, "2024-10-06", 1),           # ended the day before the fall count date
    ("2024-08-26", "2024-10-07", 0),   # on the roster on the fall count date itself
    ("2025-02-03", None, 0),           # starts on the spring count date
    ("2025-02-04", None, 1),           # starts after the spring count date
])
def test_cte04_window_boundaries(start, end, n):
    a = district(courses=[course(cte=True, ctePathways="AG1")],
                 rosters=[roster(100, 1, start, end)])
    assert len(tc.cte04_no_window_roster(a)) == n


def test_roster_counts_window_and_count_date():
    enr = [enrollment(10 + i, i) for i in range(1, 10) if i not in (5, 6, 7)]
    enr += [enrollment(15, 5, endDate="2024-09-30"), enrollment(16, 6, startDate="2025-02-04")]
    a = district(
        students=[student(i) for i in range(1, 10)], enrollments=enr,
        rosters=[roster(100, 1),
                 roster(100, 2, end="2024-10-06"),
                 roster(100, 3, start="2025-02-03"),
                 roster(100, 4, end="2025-01-15"),
                 roster(100, 5), roster(100, 6),
                 roster(100, 7),  # no enrollment at all
                 roster(100, 8, "2024-10-07", "2024-10-07"),
                 roster(100, 9, end="2024-12-20"), roster(100, 9, start="2025-01-06")])
    c = roster_counts(a).iloc[0]
    assert c["rosterCountWindow"] == 5          # students 1, 3, 4, 8, 9
    assert c["rosterCountOnCountDate"] == 3     # students 1, 3, 9
    # rules.md decisions: students on the count date are enrolled that day (not 5, 6, 7)
    assert c["studentsOnCountDate"] == 3        # 1, 3, 9
    assert c["rosterRows"] == 10


# ---- did not run -----------------------------------------------------------------------
@pytest.mark.slow
def test_rules_not_run_without_their_tables():
    a = make_analysis(students=[student(1)], enrollments=[enrollment(10, 1)])
    res = run_rules(a, [all_rules()[r] for r in TC_RULES])
    assert sorted(res.not_run["ruleId"]) == sorted(TC_RULES)
    assert res.not_run["reason"].str.contains("courses.csv").all()
    no_rosters = make_analysis(students=[student(1)], courses=[course(cte=True)],
                               sections=[section()])
    res = run_rules(no_rosters, [all_rules()[r] for r in TC_RULES])
    assert set(res.not_run["ruleId"]) == {"TCH-01", "TCH-02", "TCH-03", "TCH-04", "CTE-04"}
    assert set(res.findings["ruleId"]) == {"CTE-01"}


def test_engine_fills_course_and_school_from_section():
    a = district(section_staff=[])
    f = run_rules(a, [all_rules()["TCH-02"]]).findings
    assert f[["courseNumber", "schoolNumber", "sectionID"]].values.tolist() == [
        ["C1", "0001", "100"]]
    assert f["remedy"].iloc[0].startswith("Section Staff History")


@pytest.mark.slow
def test_course_level_finding_through_engine():
    a = district(courses=[course(cte=True, ctePathways="", scedCourseID="")])
    f = run_rules(a, [all_rules()["TCH-01"], all_rules()["CTE-01"]]).findings
    assert f["ruleId"].tolist() == ["CTE-01", "TCH-01"]
    assert (f["courseNumber"] == "C1").all() and (f["sectionID"] == "").all()
    assert (f["schoolNumber"] == "0001").all()
    assert f["collection"].eq("Spring Teacher-Class").all()


# ---- issue 15 item 6: rules.md "students on the count date" and "empty roster" -------------
def test_tch03_roster_row_with_no_days_is_flagged():
    # blank start (= term start 2024-08-26) and an end before the term: the row has no day
    a = district(enrollments=[enrollment(10, 1, startDate="2024-07-01")],
                 rosters=[roster(100, 1, end="2024-08-01"), roster(100, 1)])
    assert tc.tch03_roster_not_enrolled(a)["value"].tolist() == ["2024-08-26..2024-08-01"]


@pytest.mark.slow
def test_tch04_roster_that_ended_before_the_count_date_is_empty():
    a = district(rosters=[roster(100, 1, end="2025-01-15")])
    assert tc.tch04_empty_roster(a)["sectionID"].tolist() == [100]
    assert tc.tch04_empty_roster(district()).empty


@pytest.mark.slow
def test_students_on_the_count_date_must_be_enrolled_that_day():
    # the roster covers the count date, the enrollment ended before it: no student, so no
    # TCH-02 (no teacher needed) and the section is empty (TCH-04)
    a = district(enrollments=[enrollment(10, 1, endDate="2025-01-31")], section_staff=[])
    assert tc.tch02_no_teacher(a).empty
    assert tc.tch04_empty_roster(a)["sectionID"].tolist() == [100]
    assert roster_counts(a)["studentsOnCountDate"].tolist() == [0]
    assert len(tc.tch02_no_teacher(district(section_staff=[]))) == 1


# ---- DQ-04: a calendar without a count date has no spring sections ---------------------------
@pytest.mark.slow
def test_section_of_a_calendar_without_count_date_is_not_a_spring_section():
    a = district(days=school_days(end="2025-01-31"))
    assert count_date_sections(a).empty
    assert not a.enrollments["onCountDate"].any()
    assert len(count_date_sections(district())) == 1

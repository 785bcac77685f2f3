"""ANB-06..08 and ANB-15..21: hours, FTE, eligibility and early-graduate rules."""

import pandas as pd
import pytest

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.checks.engine import run_rules
from mtcollect_nb.testing import enrollment, make_analysis, school_days, student

RULES = all_rules()


def run(rule_id, **tables):
    tables.setdefault("students", [student(1)])
    return run_rules(make_analysis(**tables), [RULES[rule_id]])


def findings(rule_id, **tables):
    res = run(rule_id, **tables)
    assert res.ran == (rule_id,)
    return res.findings


def _schedule(pid=1, minutes=360, roster_end=None):
    """courses/sections/rosters tables: one section in calendar 1 for ``pid``."""
    return {"courses": [{"courseID": 1, "calendarID": 1, "number": "ENG", "name": "English",
                         "scedSubjectArea": "01", "scedCourseID": "001", "cte": False}],
            "sections": [{"sectionID": 1, "courseID": 1, "number": "1",
                          "termStartDate": "2024-08-26", "termEndDate": "2025-06-06",
                          "minutesPerDay": minutes}],
            "rosters": [{"sectionID": 1, "personID": pid, "startDate": "2024-08-26",
                         "endDate": roster_end}]}


def _fall(pid, grade="12", hours=1080.0, excluded=False):
    return {"stateID": f"{900000000 + pid}", "schoolNumber": "0001", "grade": grade,
            "fallAggregateHours": hours, "excluded": excluded}


def _grad(eid=10, pid=1, end="2025-01-17", status="400", **kw):
    kw.setdefault("diplomaDate", "2025-01-17")
    kw.setdefault("diplomaType", "01")
    kw.setdefault("diplomaPeriod", "Early")
    return enrollment(eid, pid, grade="12", endDate=end, endStatus=status, **kw)


def test_severities_and_tables_as_spec():
    want = {"ANB-06": "error", "ANB-07": "warning", "ANB-08": "error", "ANB-15": "warning",
            "ANB-16": "warning", "ANB-17": "error", "ANB-18": "warning", "ANB-19": "warning",
            "ANB-20": "warning", "ANB-21": "warning"}
    assert {r: RULES[r].severity for r in want} == want
    assert RULES["ANB-15"].tables == ("rosters", "sections", "courses")
    assert {RULES[r].tables for r in ("ANB-17", "ANB-18", "ANB-19")} == {("fall_count",)}
    assert RULES["ANB-21"].tables == ("programs",)


# ---- ANB-06 ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_anb06_counted_blank_hours():
    f = findings("ANB-06", enrollments=[enrollment(10, 1, mtSpringAggregateHours=None)])
    assert f[["enrollmentID", "field", "value", "expected"]].values.tolist() == [
        ["10", "mtSpringAggregateHours", "", "1230"]]
    assert "Count Date Attendance" in f.iloc[0].remedy


@pytest.mark.parametrize("flags", [{"mtExcludeANB": True}, {"extracurricularOnly": True},
                                   {"mtSpringAggregateHours": 0.0}])
def test_anb06_passes(flags):
    kw = {"mtSpringAggregateHours": None, **flags}
    assert findings("ANB-06", enrollments=[enrollment(10, 1, **kw)]).empty


# ---- ANB-07 ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_anb07_reported_band_differs_from_computed():
    f = findings("ANB-07", enrollments=[enrollment(10, 1, mtSpringAggregateHours=1080)],
                 **_schedule(minutes=60))  # 205 days x 1 h = 205 h -> 0.25
    assert f[["field", "value", "expected"]].values.tolist() == [
        ["mtSpringAggregateHours", "1080", "205"]]
    assert "FTE 1" in f.iloc[0].message and "FTE 0.25" in f.iloc[0].message


@pytest.mark.parametrize("hours", [720.0, 1000.0, None])
def test_anb07_passes_same_band_or_blank(hours):
    assert findings("ANB-07", enrollments=[enrollment(10, 1, mtSpringAggregateHours=hours)]
                    ).empty


# ---- ANB-08 ----------------------------------------------------------------------------------
def test_anb08_reported_fte_over_one_points_at_secondary():
    enr = [enrollment(10, 1, mtSpringAggregateHours=1080),
           enrollment(11, 1, serviceType="S", mtSpringAggregateHours=400)]
    f = findings("ANB-08", enrollments=enr)
    assert len(f) == 1
    r = f.iloc[0]
    assert (r.enrollmentID, r.field, r.value) == ("11", "mtSpringAggregateHours", "1.5")
    assert "enrollment 10 (P" in r.message and "enrollment 11 (S" in r.message


def test_anb08_passes_at_exactly_one_and_ignores_excluded():
    enr = [enrollment(10, 1, mtSpringAggregateHours=400),
           enrollment(11, 1, serviceType="S", mtSpringAggregateHours=400),
           enrollment(12, 1, serviceType="N", mtSpringAggregateHours=720, mtExcludeANB=True)]
    assert findings("ANB-08", enrollments=enr).empty


# ---- ANB-15 ----------------------------------------------------------------------------------
def test_anb15_does_not_run_without_rosters():
    res = run("ANB-15", enrollments=[enrollment(10, 1, mtSpringAggregateHours=100)])
    assert res.ran == () and res.not_run["ruleId"].tolist() == ["ANB-15"]
    assert "rosters.csv" in res.not_run["reason"].iloc[0]


@pytest.mark.slow
def test_anb15_no_roster_and_few_hours():
    f = findings("ANB-15", students=[student(1), student(2)],
                 enrollments=[enrollment(10, 1, mtSpringAggregateHours=100),
                              enrollment(20, 2, mtSpringAggregateHours=100)],
                 **_schedule(pid=2))
    assert f["enrollmentID"].tolist() == ["10"]
    assert f.iloc[0].field == "extracurricularOnly" and "100 reported hours" in f.iloc[0].message


@pytest.mark.slow
def test_anb15_passes_with_full_hours_or_roster_ended_later():
    assert findings("ANB-15", enrollments=[enrollment(10, 1)], **_schedule(pid=2)).empty
    assert findings("ANB-15", enrollments=[enrollment(10, 1, mtSpringAggregateHours=None)],
                    **_schedule(roster_end="2025-02-03")).empty


@pytest.mark.slow
def test_anb15_roster_ended_before_count_date_is_no_roster():
    f = findings("ANB-15", enrollments=[enrollment(10, 1, mtSpringAggregateHours=None)],
                 **_schedule(roster_end="2025-01-31"))
    assert f["enrollmentID"].tolist() == ["10"] and "no reported hours" in f.iloc[0].message


# ---- ANB-16 ----------------------------------------------------------------------------------
def test_anb16_extracurricular_with_hours_no_rosters_file():
    f = findings("ANB-16", enrollments=[enrollment(10, 1, extracurricularOnly=True,
                                                   mtSpringAggregateHours=180)])
    assert f[["field", "value", "expected"]].values.tolist() == [
        ["extracurricularOnly", "Yes", "No"]]


def test_anb16_extracurricular_with_roster():
    f = findings("ANB-16", enrollments=[enrollment(10, 1, extracurricularOnly=True,
                                                   mtSpringAggregateHours=None)], **_schedule())
    assert len(f) == 1 and "1 classes on the schedule" in f.iloc[0].message


def test_anb16_passes():
    assert findings("ANB-16", enrollments=[
        enrollment(10, 1, extracurricularOnly=True, mtSpringAggregateHours=179),
        enrollment(11, 1, calendarID=1, mtSpringAggregateHours=1080)]).empty


# ---- ANB-17..19: early graduates ---------------------------------------------------------------
def test_anb17_missing_diploma_fields():
    f = findings("ANB-17", enrollments=[_grad(diplomaDate=None, diplomaType="",
                                              diplomaPeriod="")], fall_count=[_fall(1)])
    assert sorted(f["field"]) == ["diplomaDate", "diplomaPeriod", "diplomaType"]
    assert (f["enrollmentID"] == "10").all()


@pytest.mark.parametrize(("date", "flagged"), [
    ("2024-10-06", True), ("2024-10-07", False), ("2025-02-02", False), ("2025-02-03", True)])
def test_anb17_diploma_date_window(date, flagged):
    f = findings("ANB-17", enrollments=[_grad(diplomaDate=date)], fall_count=[_fall(1)])
    assert len(f) == int(flagged)
    if flagged:
        assert f.iloc[0].value == date


@pytest.mark.slow
def test_anb17_passes_complete_or_not_on_fall_count():
    assert findings("ANB-17", enrollments=[_grad()], fall_count=[_fall(1)]).empty
    assert findings("ANB-17", enrollments=[_grad(diplomaType="")],
                    fall_count=[_fall(1, grade="11")]).empty


def test_anb17_candidate_by_diploma_date_without_status_400():
    f = findings("ANB-17", enrollments=[_grad(status="", diplomaPeriod="")],
                 fall_count=[_fall(1)])
    assert f["field"].tolist() == ["diplomaPeriod"]


@pytest.mark.parametrize("rid", ["ANB-17", "ANB-18", "ANB-19"])
def test_early_graduate_rules_need_fall_count(rid):
    res = run(rid, enrollments=[_grad(diplomaDate=None)])
    assert res.ran == () and "fall_count.csv" in res.not_run["reason"].iloc[0]


@pytest.mark.parametrize(("spring", "flagged"), [(1000.0, True), (None, True), (1080.0, False)])
def test_anb18_spring_hours_equal_fall(spring, flagged):
    f = findings("ANB-18", enrollments=[_grad(mtSpringAggregateHours=spring)],
                 fall_count=[_fall(1)])
    assert len(f) == int(flagged)
    if flagged:
        assert f.iloc[0].expected == "1080"


def test_anb19_graduate_not_on_fall_count():
    enr = [_grad(10, 1), _grad(20, 2), _grad(30, 3, status="230", diplomaDate=None)]
    f = findings("ANB-19", students=[student(1), student(2), student(3)], enrollments=enr,
                 fall_count=[_fall(1), _fall(2, excluded=True)])
    assert f["enrollmentID"].tolist() == ["20"]
    assert (f.iloc[0].field, f.iloc[0].value) == ("endStatus", "400")


# ---- ANB-20 ----------------------------------------------------------------------------------
@pytest.mark.parametrize(("birth", "eligible", "flagged"), [
    ("2005-09-10", False, True),   # 19 on 2024-09-10
    ("2005-09-11", False, False),  # still 18
    ("2004-01-01", True, False),
])
def test_anb20_age_19(birth, eligible, flagged):
    f = findings("ANB-20", students=[student(1, birthdate=birth)],
                 enrollments=[enrollment(10, 1, grade="12", age19Or20Eligible=eligible)])
    assert len(f) == int(flagged)
    if flagged:
        assert f.iloc[0].field == "age19Or20Eligible" and "age 19" in f.iloc[0].message


def test_anb20_only_counted_enrollments():
    assert findings("ANB-20", students=[student(1, birthdate="2004-01-01")],
                    enrollments=[enrollment(10, 1, mtExcludeANB=True)]).empty


# ---- ANB-21 ----------------------------------------------------------------------------------
def _program(start="2024-08-26", end=None, program="EL_CLASSROOM"):
    return {"personID": 1, "program": program, "startDate": start, "endDate": end}


@pytest.mark.slow
@pytest.mark.parametrize(("programs", "flagged"), [
    ([], True),
    ([_program(end="2025-01-31")], True),
    ([_program(program="EL_HOME")], True),
    ([_program()], False),
    ([_program(end="2025-02-03")], False),
])
def test_anb21_pk_needs_classroom_program(programs, flagged):
    f = findings("ANB-21", enrollments=[enrollment(10, 1, grade="PK", mtSpringAggregateHours=720)],
                 programs=programs)
    assert len(f) == int(flagged)


@pytest.mark.slow
def test_anb21_ignores_other_grades_and_does_not_run_without_programs():
    assert findings("ANB-21", enrollments=[enrollment(10, 1, grade="KG")], programs=[]).empty
    res = run("ANB-21", enrollments=[enrollment(10, 1, grade="PK")])
    assert res.ran == () and "programs.csv" in res.not_run["reason"].iloc[0]


@pytest.mark.slow
def test_all_anb_rules_run_on_empty_optional_tables():
    ids = [f"ANB-{i:02d}" for i in (*range(1, 9), *range(15, 22))]
    a = make_analysis(students=[student(1)], enrollments=[enrollment(10, 1)], fall_count=[],
                      programs=[], rosters=[], sections=[], courses=[],
                      days=school_days(holidays=["2025-02-03"]))
    res = run_rules(a, [RULES[i] for i in ids])
    assert set(res.ran) == set(ids) and res.findings.empty
    assert isinstance(res.findings, pd.DataFrame)

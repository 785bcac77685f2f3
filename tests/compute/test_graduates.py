"""Early graduates: one definition for the spring count and ANB-17..19 (issue 15 item 1)."""

from __future__ import annotations

import pandas as pd
import pytest

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.checks.engine import run_rules
from mtcollect_nb.testing import enrollment, make_analysis, school_days, student

RULES = all_rules()


def _grad(eid=10, pid=1, end="2025-01-17", **kw):
    kw.setdefault("diplomaDate", end)
    kw.setdefault("diplomaType", "01")
    kw.setdefault("diplomaPeriod", "Early")
    return enrollment(eid, pid, grade="12", endDate=end, endStatus="400", **kw)


def _fall(pid=1, hours=1080.0, school="0001", grade="12"):
    return {"stateID": f"{900000000 + pid}", "schoolNumber": school, "grade": grade,
            "fallAggregateHours": hours, "excluded": False}


def _analysis(*extra, fall=None, **tables):
    tables.setdefault("students", [student(1)])
    return make_analysis(enrollments=[_grad(mtSpringAggregateHours=900.0), *extra],
                         fall_count=fall if fall is not None else [_fall()], **tables)


def _ids(a, rule_id):
    return run_rules(a, [RULES[rule_id]]).findings["enrollmentID"].tolist()


NOT_COUNTED = {
    "extracurricular": dict(extracurricularOnly=True, mtSpringAggregateHours=None),
    "excluded": dict(mtExcludeANB=True),
    "spring excluded": dict(mtExcludeSpringANB=True),
    "zero hours": dict(mtSpringAggregateHours=100.0),
}


@pytest.mark.slow
def test_a_not_counted_enrollment_does_not_stop_an_early_graduate():
    for kind, kw in NOT_COUNTED.items():
        a = _analysis(enrollment(11, 1, grade="12", calendarID=1, serviceType="S", **kw))
        g = a.early_graduates
        assert g["enrollmentID"].tolist() == [10], kind
        assert g["fteValidated"].tolist() == [1.0], kind  # 900 spring hours: band 1.0
        assert _ids(a, "ANB-18") == ["10"], kind  # 900 spring vs 1080 fall: still checked


def test_a_counted_enrollment_stops_an_early_graduate():
    a = _analysis(enrollment(11, 1, grade="12", startDate="2025-01-20"))
    assert a.early_graduates.empty and _ids(a, "ANB-18") == []


def test_anb17_checks_a_graduate_with_an_extracurricular_enrollment():
    extra = enrollment(11, 1, grade="12", extracurricularOnly=True, mtSpringAggregateHours=None)
    a = make_analysis(students=[student(1)], enrollments=[_grad(diplomaType=""), extra],
                      fall_count=[_fall()])
    assert _ids(a, "ANB-17") == ["10"]


def test_state_excluded_calendar_is_out_of_the_spring_count_and_anb19():
    cal2 = {"calendarID": 2, "schoolID": 1, "name": "Excluded", "endYear": 2025,
            "stateExclude": True}
    a = make_analysis(students=[student(1)], calendars=[
        {"calendarID": 1, "schoolID": 1, "name": "Main", "endYear": 2025}, cal2],
        days=school_days(1) + school_days(2),
        enrollments=[enrollment(10, 1, grade="11", calendarID=2, endDate="2025-01-17",
                                endStatus="400")], fall_count=[])
    assert a.early_graduates.empty
    assert _ids(a, "ANB-19") == []  # the spring count never sees that calendar


@pytest.mark.slow
def test_window_ends_at_the_calendars_effective_count_date():
    # Feb 3 (the count date) is a holiday: the effective count date is Tue Feb 4, so an
    # enrollment that ended on Feb 3 ended before it (rules.md "Early graduates").
    a = make_analysis(students=[student(1)], days=school_days(holidays=["2025-02-03"]),
                      enrollments=[_grad(end="2025-02-03")], fall_count=[_fall()])
    assert a.early_graduates["enrollmentID"].tolist() == [10]
    assert _ids(a, "ANB-17") == ["10"]  # diplomaDate Feb 3 is outside [fall, spring)


@pytest.mark.slow
def test_several_fall_rows_use_the_graduating_school_then_the_most_hours():
    rows = [_fall(hours=300.0, school="0009"), _fall(hours=1000.0, school="0001"),
            _fall(hours=1100.0, school="0008")]
    a = _analysis(fall=rows)
    g = a.early_graduates
    assert g["fallAggregateHours"].tolist() == [1000.0]
    other = [_fall(hours=300.0, school="0009"), _fall(hours=None, school="0007"),
             _fall(hours=700.0, school="0008")]
    g2 = _analysis(fall=other).early_graduates
    assert g2["fallAggregateHours"].tolist() == [700.0]


@pytest.mark.slow
def test_anb18_blank_fall_hours_is_a_finding():
    a = _analysis(fall=[_fall(hours=None)])
    out = run_rules(a, [RULES["ANB-18"]]).findings
    assert out["enrollmentID"].tolist() == ["10"]
    assert "no aggregate hours" in out["message"].iloc[0]
    same = make_analysis(students=[student(1)], enrollments=[_grad()], fall_count=[_fall()])
    assert _ids(same, "ANB-18") == []  # 1080 spring = 1080 fall


def test_one_candidate_table_feeds_both():
    a = _analysis(enrollment(11, 1, grade="12", extracurricularOnly=True))
    c = a.graduation_candidates
    assert set(a.early_graduates["enrollmentID"]) <= set(c["enrollmentID"])
    assert isinstance(c, pd.DataFrame) and c["onFallCount"].tolist() == [True]

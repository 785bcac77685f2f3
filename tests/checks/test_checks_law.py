"""Rules that depend on the law of the school year or a parameter: ANB-21 (HB 168), ANB-23,
ANB-24, the esa_program gate, and the registry's gates."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.checks.engine import run_rules
from mtcollect_nb.checks.registry import Rule, not_run_reason, rule
from mtcollect_nb.errors import RuleDefinitionError
from mtcollect_nb.testing import enrollment, make_analysis, params, school_days, student

RULES = all_rules()
EL = {"personID": 1, "program": "EL_CLASSROOM", "startDate": "2024-08-26", "endDate": None}
SCHOOLS = [{"schoolID": 1, "schoolNumber": "0001", "accredited": True},
           {"schoolID": 2, "schoolNumber": "0002", "accredited": False}]
CALENDARS = [{"calendarID": 1, "schoolID": 1, "name": "A", "endYear": 2025},
             {"calendarID": 2, "schoolID": 2, "name": "B", "endYear": 2025}]


def year_params(year, **kw):
    """Parameters of ``year``'s law on the 2024-25 test calendar (count dates given)."""
    return params(school_year=year, fall_count_date=dt.date(2024, 10, 7),
                  spring_count_date=dt.date(2025, 2, 3),
                  kindergarten_age_date=dt.date(2024, 9, 10), **kw)


def _run(rule_id, year=2025, **tables):
    tables.setdefault("students", [student(1), student(2)])
    return run_rules(make_analysis(year_params(year), **tables), [RULES[rule_id]])


def _ids(rule_id, year=2025, **tables):
    return _run(rule_id, year, **tables).findings["enrollmentID"].tolist()


# ---- ANB-21 and HB 168 --------------------------------------------------------------------
@pytest.mark.parametrize(("year", "special_ed", "fires"), [
    (2025, True, True), (2025, False, True), (2026, True, False), (2026, False, True),
    (2024, True, True)])  # endYear 2027 (newest row at or below): tests/compute/test_law.py
def test_anb21_pk_special_ed_from_2026(year, special_ed, fires):
    enr = [enrollment(10, 1, grade="PK", specialEd=special_ed, mtSpringAggregateHours=400)]
    assert _ids("ANB-21", year, enrollments=enr, programs=[]) == (["10"] if fires else [])


def test_anb21_classroom_program_still_satisfies_it():
    enr = [enrollment(10, 1, grade="PK", mtSpringAggregateHours=400)]
    assert _ids("ANB-21", 2026, enrollments=enr, programs=[EL]) == []


# ---- ANB-24 -------------------------------------------------------------------------------
def test_anb24_excluded_or_blank_hours_pk_special_ed():
    enr = [enrollment(10, 1, grade="PK", specialEd=True, mtExcludeANB=True),
           enrollment(11, 2, grade="PK", specialEd=True, mtSpringAggregateHours=None),
           enrollment(12, 3, grade="PK", specialEd=True, mtSpringAggregateHours=400),
           enrollment(13, 4, grade="PK", mtExcludeANB=True),             # not special ed
           enrollment(14, 5, grade="KG", specialEd=True, mtExcludeANB=True),  # not PK
           enrollment(15, 6, grade="PK", specialEd=True, mtExcludeANB=True,
                      endDate="2025-01-31")]                            # not on the count date
    out = _run("ANB-24", 2026, students=[student(i) for i in range(1, 7)],
               enrollments=enr).findings
    assert out["enrollmentID"].tolist() == ["10", "11"]
    assert out["field"].tolist() == ["mtExcludeANB", "mtSpringAggregateHours"]
    assert out["severity"].eq("warning").all()
    assert "law of 2025-26: HB 168" in out["message"].iloc[0]


def test_anb24_does_not_run_before_2026():
    enr = [enrollment(10, 1, grade="PK", specialEd=True, mtExcludeANB=True)]
    res = _run("ANB-24", 2025, enrollments=enr)
    assert res.ran == () and res.findings.empty
    reason = res.not_run.set_index("ruleId").at["ANB-24", "reason"]
    assert reason.startswith("did not run: not in the law of 2024-25") and "HB 168" in reason


# ---- ANB-23 -------------------------------------------------------------------------------
def test_anb23_counted_enrollment_in_a_school_not_accredited():
    enr = [enrollment(10, 1, calendarID=2), enrollment(11, 2, calendarID=1),
           enrollment(12, 3, calendarID=2, mtExcludeANB=True),        # not counted
           enrollment(13, 4, calendarID=2, endDate="2025-01-10")]     # not on the count date
    out = _run("ANB-23", schools=SCHOOLS, calendars=CALENDARS,
               days=school_days(1) + school_days(2),
               students=[student(i) for i in range(1, 5)], enrollments=enr).findings
    assert out["enrollmentID"].tolist() == ["10"]
    assert out[["severity", "schoolNumber", "field", "value"]].values.tolist() == [
        ["error", "0002", "accredited", "No"]]


def test_anb23_blank_accredited_is_accredited():
    schools = [{"schoolID": 1, "schoolNumber": "0001", "accredited": None}]
    assert _ids("ANB-23", schools=schools, enrollments=[enrollment(10, 1)]) == []


# ---- esa_program ----------------------------------------------------------------------------
def _esa_analysis(on: bool):
    progs = [{"personID": 1, "program": "ESA", "startDate": "2025-01-06", "endDate": None}]
    return make_analysis(params(esa_program=on), students=[student(1), student(2)],
                         enrollments=[enrollment(10, 1)], programs=progs,
                         esa_participants=[{"stateID": "900000002", "startDate": None}])


def test_esa_rules_run_while_the_program_runs():
    res = run_rules(_esa_analysis(True), [RULES["ANB-11"], RULES["ANB-12"]])
    assert res.ran == ("ANB-11", "ANB-12") and sorted(set(res.findings["ruleId"])) == [
        "ANB-11", "ANB-12"]


def test_esa_rules_do_not_run_when_the_program_is_off():
    res = run_rules(_esa_analysis(False))
    assert {"ANB-11", "ANB-12"}.isdisjoint(res.ran)
    assert not res.findings["ruleId"].isin(["ANB-11", "ANB-12"]).any()
    reasons = res.not_run.set_index("ruleId")["reason"]
    assert reasons["ANB-11"] == reasons["ANB-12"] == "did not run: ESA program not active"


def test_only_the_esa_rules_are_gated_by_the_parameter():
    assert sorted(r.id for r in RULES.values() if r.param == "esa_program") == [
        "ANB-11", "ANB-12"]
    assert [r.id for r in RULES.values() if r.law] == ["ANB-24"]


# ---- the registry's gates -------------------------------------------------------------------
def _declare(**kw):
    return rule("XX-01", "info", "Data quality", title="t", remedy="r", registry={}, **kw)(
        lambda a: pd.DataFrame())


def test_registry_refuses_unknown_gates():
    with pytest.raises(RuleDefinitionError, match="parameter"):
        _declare(param="mask_pii")
    with pytest.raises(RuleDefinitionError, match="law table"):
        _declare(law="end_year")
    assert _declare(param="esa_program", law="pk_special_ed_counted").law == (
        "pk_special_ed_counted")


def test_the_parameter_is_the_first_reason():
    r = Rule("XX-02", "info", "Data quality", "t", "r", ("programs",), lambda a: pd.DataFrame(),
             param="esa_program")
    assert not_run_reason(r, make_analysis(params(esa_program=False))) == (
        "did not run: ESA program not active")  # the parameter says more than a file
    assert not_run_reason(r, make_analysis()) == "optional file not provided: programs.csv"

"""ANB-01..05: exclusion rules (count date Monday 2025-02-03, kindergarten age date 2024-09-10)."""

import pytest

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.checks.engine import run_rules
from mtcollect_nb.testing import absences, enrollment, make_analysis, student, weekdays

RULES = all_rules()


ELEVEN = weekdays("2025-01-20", "2025-02-03")
TEN = weekdays("2025-01-21", "2025-02-03")


def run(rule_id, **tables):
    tables.setdefault("students", [student(1)])
    res = run_rules(make_analysis(**tables), [RULES[rule_id]])
    assert res.ran == (rule_id,)
    return res.findings


def test_every_exclusion_rule_declared_with_spec_severity():
    sev = {"ANB-01": "error", "ANB-02": "warning", "ANB-03": "warning", "ANB-04": "error",
           "ANB-05": "error"}
    for rid, s in sev.items():
        assert RULES[rid].severity == s and RULES[rid].collection == "Spring ANB"
        assert "Enrollments" in RULES[rid].remedy or "Count Date" in RULES[rid].remedy


# ---- ANB-01 ------------------------------------------------------------------------------------
def test_anb01_eleven_days_not_marked():
    f = run("ANB-01", enrollments=[enrollment(10, 1)], attendance=absences(1, ELEVEN))
    assert len(f) == 1
    r = f.iloc[0]
    assert (r.ruleId, r.enrollmentID, r.field, r.value, r.expected) == (
        "ANB-01", "10", "mtExcludeSpringANB", "No", "Yes")
    assert r.schoolNumber == "0001" and r.stateID == "900000001"
    assert "11 consecutive" in r.message and "2025-01-20" in r.message
    assert "Exclude Spring ANB – 10 Day Rule" in r.remedy


@pytest.mark.parametrize(("days", "marked", "extra"), [
    (ELEVEN, True, False), (TEN, False, False), (ELEVEN, False, True)])
def test_anb01_passes(days, marked, extra):
    f = run("ANB-01", enrollments=[enrollment(10, 1, mtExcludeSpringANB=marked,
                                              extracurricularOnly=extra)],
            attendance=absences(1, days))
    assert f.empty


# ---- ANB-02 ------------------------------------------------------------------------------------
def test_anb02_marked_but_ten_days():
    f = run("ANB-02", enrollments=[enrollment(10, 1, mtExcludeSpringANB=True)],
            attendance=absences(1, TEN))
    assert f[["enrollmentID", "field", "value", "expected"]].values.tolist() == [
        ["10", "mtExcludeSpringANB", "Yes", "No"]]
    assert "10 consecutive" in f.iloc[0].message


@pytest.mark.slow
def test_anb02_passes_when_marked_with_eleven_or_not_marked():
    assert run("ANB-02", enrollments=[enrollment(10, 1, mtExcludeSpringANB=True)],
               attendance=absences(1, ELEVEN)).empty
    assert run("ANB-02", enrollments=[enrollment(10, 1)], attendance=absences(1, TEN)).empty


# ---- ANB-03 ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("reported", "days", "flagged"), [
    (11, TEN, True), (5, ELEVEN, True), (12, ELEVEN, False), (3, TEN, False), (None, ELEVEN,
                                                                              False)])
def test_anb03_sides_of_eleven(reported, days, flagged):
    f = run("ANB-03", enrollments=[enrollment(10, 1, mtSpringAbsent=reported)],
            attendance=absences(1, days))
    assert len(f) == int(flagged)
    if flagged:
        assert f.iloc[0].field == "mtSpringAbsent"
        assert f.iloc[0].value == str(reported) and f.iloc[0].expected == str(len(days))


# ---- ANB-04 ------------------------------------------------------------------------------------
def test_anb04_kindergarten_turning_five_after_sept_10():
    f = run("ANB-04", students=[student(1, birthdate="2019-09-11")],
            enrollments=[enrollment(10, 1, grade="KG")])
    assert f[["field", "value", "expected"]].values.tolist() == [["mtExcludeANB", "No", "Yes"]]
    assert "2019-09-11" in f.iloc[0].message and "2024-09-10" in f.iloc[0].message


@pytest.mark.parametrize(("birth", "grade", "marked"), [
    ("2019-09-10", "KG", False),  # fifth birthday on Sept 10: countable
    ("2019-09-11", "KG", True),
    ("2019-09-11", "01", False),
    (None, "KG", False),          # no birthdate: nothing to compare
])
def test_anb04_passes(birth, grade, marked):
    assert run("ANB-04", students=[student(1, birthdate=birth)],
               enrollments=[enrollment(10, 1, grade=grade, mtExcludeANB=marked)]).empty


# ---- ANB-05 ------------------------------------------------------------------------------------
def test_anb05_day_treatment_not_marked():
    f = run("ANB-05", enrollments=[enrollment(10, 1, dayTreatment=True)])
    assert f[["enrollmentID", "field", "value"]].values.tolist() == [["10", "mtExcludeANB", "No"]]


def test_anb05_passes_when_marked():
    assert run("ANB-05", enrollments=[enrollment(10, 1, dayTreatment=True,
                                                 mtExcludeANB=True)]).empty


def test_exclusion_rules_skip_enrollments_not_on_count_date():
    enr = [enrollment(10, 1, dayTreatment=True, endDate="2025-01-31"),
           enrollment(11, 1, dayTreatment=True, noShow=True)]
    assert run("ANB-05", enrollments=enr).empty

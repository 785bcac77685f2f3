"""ANB-09..14 and ANB-22: residency and program participation (spring count date 2025-02-03)."""

from __future__ import annotations

from typing import Any

import pytest

from mtcollect_nb.checks import anb_programs as ap
from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.checks.engine import run_rules
from mtcollect_nb.testing import enrollment, make_analysis, school_days, student

RULES = ("ANB-09", "ANB-10", "ANB-11", "ANB-12", "ANB-13", "ANB-14", "ANB-22")


def res(pid: int, start: str, end: str | None = None, district: str = "0002") -> dict:
    return {"personID": pid, "startDate": start, "endDate": end, "residentDistrict": district}


def prog(pid: int, program: str, start: str = "2024-08-26", end: str | None = None) -> dict:
    return {"personID": pid, "program": program, "startDate": start, "endDate": end}


def one(**tables: Any):
    tables.setdefault("students", [student(1), student(2)])
    return make_analysis(**tables)


# ---- ANB-09 ----------------------------------------------------------------------------
@pytest.mark.parametrize(("records", "n"), [
    ([], 1),
    ([res(1, "2024-08-26")], 0),
    ([res(1, "2024-08-26", "2025-02-02")], 1),
    ([res(1, "2025-02-03", "2025-02-03")], 0),
    ([res(2, "2024-08-26")], 1),                # another student's record
])
def test_anb09_residency_record(records, n):
    a = one(enrollments=[enrollment(10, 1, residentDistrict="0002")],
            district_residency=records)
    out = ap.anb09_residency_missing(a)
    assert len(out) == n
    if n:
        assert out[["enrollmentID", "value"]].values.tolist() == [[10, "0002"]]
        assert out["expected"].iloc[0].endswith("2025-02-03")


@pytest.mark.slow
def test_anb09_uses_the_calendars_effective_count_date():
    days = school_days(holidays=["2025-02-03"])  # effective count date 2025-02-04
    base = {"enrollments": [enrollment(10, 1, residentDistrict="2")], "days": days}
    assert ap.anb09_residency_missing(one(district_residency=[res(1, "2025-02-04")], **base)
                                      ).empty
    assert len(ap.anb09_residency_missing(
        one(district_residency=[res(1, "2024-08-26", "2025-02-03")], **base))) == 1


@pytest.mark.parametrize("kw", [{"residentDistrict": ""}, {"residentDistrict": "0001"},
                                {"residentDistrict": "0002", "endDate": "2025-01-31"},
                                {"residentDistrict": "0002", "noShow": True}])
def test_anb09_resident_or_not_on_count_date(kw):
    assert ap.anb09_residency_missing(one(enrollments=[enrollment(10, 1, **kw)],
                                          district_residency=[])).empty


# ---- ANB-10 ----------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize(("records", "n"), [
    ([res(1, "2024-08-26", "2025-01-31"), res(1, "2025-02-01")], 0),     # adjacent
    ([res(1, "2024-08-26", "2025-01-31"), res(1, "2025-01-31")], 1),     # share one day
    ([res(1, "2024-08-26"), res(1, "2025-03-01", "2025-04-01")], 1),      # open end
    ([res(1, "2024-08-26"), res(2, "2024-08-26")], 0),                    # two students
    ([res(1, "2024-08-26"), res(1, "2024-09-01"), res(1, "2024-10-01")], 3),
])
def test_anb10_overlaps(records, n):
    out = ap.anb10_residency_overlap(one(district_residency=records))
    assert len(out) == n
    assert set(out["personID"]) <= {1}


def test_anb10_value_names_both_records():
    out = ap.anb10_residency_overlap(one(district_residency=[
        res(1, "2024-08-26", "2025-01-31"), res(1, "2025-01-15", None, "0003")]))
    assert out["value"].iloc[0] == ("2024-08-26..2025-01-31 (0002, line 2) overlaps "
                                    "2025-01-15..open (0003, line 3)")


# ---- ANB-11 / ANB-12 -------------------------------------------------------------------
def esa(state_id: str, start: str | None = "2024-07-01") -> dict:
    return {"stateID": state_id, "startDate": start}


@pytest.mark.parametrize(("programs", "n"), [
    ([], 1),
    ([prog(1, "ESA")], 0),
    ([prog(1, "esa ")], 0),
    ([prog(1, "ESA", end="2025-01-31")], 1),
    ([prog(1, "MYC")], 1),
])
def test_anb11_esa_record(programs, n):
    a = one(esa_participants=[esa("900000001")], programs=programs)
    out = ap.anb11_esa_missing(a)
    assert len(out) == n
    if n:
        assert out["personID"].tolist() == [1]


def test_anb11_later_start_and_unknown_state_id():
    a = one(esa_participants=[esa("900000001", "2025-03-01"), esa("999")], programs=[])
    out = ap.anb11_esa_missing(a)
    assert out["stateID"].tolist() == ["999"]
    assert out["personID"].isna().all()
    f = run_rules(a, [all_rules()["ANB-11"]]).findings
    assert f["stateID"].tolist() == ["999"] and "students.csv" in f["message"].iloc[0]


@pytest.mark.parametrize(("programs", "kw", "n"), [
    ([prog(1, "ESA")], {}, 1),
    ([prog(1, "ESA")], {"mtExcludeANB": True}, 0),
    ([prog(1, "ESA", end="2025-01-31")], {}, 0),
    ([prog(1, "ESA")], {"endDate": "2025-01-31"}, 0),
])
def test_anb12_esa_and_counted(programs, kw, n):
    out = ap.anb12_esa_enrolled(one(enrollments=[enrollment(10, 1, **kw)], programs=programs))
    assert len(out) == n
    if n:
        assert out["enrollmentID"].tolist() == [10]


# ---- ANB-13 / ANB-14 -------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize(("programs", "kw", "n"), [
    ([prog(1, "EL_HOME")], {}, 1),
    ([prog(1, "EL_HOME")], {"earlyLiteracy": "HOME"}, 0),
    ([prog(1, "EL_HOME")], {"earlyLiteracy": "home"}, 0),
    ([prog(1, "EL_HOME")], {"earlyLiteracy": "HOME", "endDate": "2025-01-31"}, 1),
    ([prog(1, "EL_HOME", start="2025-02-04")], {}, 0),
    ([prog(1, "EL_CLASSROOM")], {}, 0),
])
def test_anb13_home_program_needs_home_enrollment(programs, kw, n):
    a = one(enrollments=[enrollment(10, 1, grade="PK", **kw)], programs=programs)
    assert len(ap.anb13_el_home_enrollment(a)) == n


def test_anb14_home_enrollment_in_mixed_calendar():
    cals = [{"calendarID": 1, "schoolID": 1, "name": "main"},
            {"calendarID": 2, "schoolID": 1, "name": "home"}]
    a = one(students=[student(1), student(2), student(3)], calendars=cals,
            days=school_days(1) + school_days(2),
            enrollments=[enrollment(10, 1, earlyLiteracy="HOME"), enrollment(11, 2),
                         enrollment(12, 3, calendarID=2, earlyLiteracy="HOME")])
    out = ap.anb14_el_home_calendar(a)
    assert out["enrollmentID"].tolist() == [10]
    alone = one(enrollments=[enrollment(10, 1, earlyLiteracy="HOME"),
                             enrollment(11, 2, noShow=True)])
    assert ap.anb14_el_home_calendar(alone).empty


# ---- ANB-22 ----------------------------------------------------------------------------
@pytest.mark.parametrize(("programs", "enrolled", "n"), [
    ([prog(1, "MYC")], False, 1),
    ([prog(1, "MYC")], True, 0),
    ([prog(1, "JOB_CORPS", end="2025-01-10")], False, 0),
    ([prog(1, "mtda")], False, 1),
    ([prog(1, "ESA")], False, 0),
    ([prog(1, "MYC"), prog(1, "MYC", start="2024-09-01")], False, 1),
])
def test_anb22_program_without_enrollment(programs, enrolled, n):
    enr = [enrollment(10, 1)] if enrolled else [enrollment(10, 1, endDate="2024-12-20")]
    out = ap.anb22_program_not_enrolled(one(enrollments=enr, programs=programs))
    assert len(out) == n
    if n:
        assert out["personID"].tolist() == [1]


# ---- did not run -----------------------------------------------------------------------
def test_rules_not_run_without_optional_files():
    a = one(enrollments=[enrollment(10, 1, residentDistrict="0002", earlyLiteracy="HOME"),
                         enrollment(11, 2)])
    r = run_rules(a, [all_rules()[i] for i in RULES])
    assert sorted(r.not_run["ruleId"]) == ["ANB-09", "ANB-10", "ANB-11", "ANB-12", "ANB-13",
                                           "ANB-22"]
    assert r.findings["ruleId"].tolist() == ["ANB-14"]
    only_programs = one(programs=[prog(1, "ESA")])
    r = run_rules(only_programs, [all_rules()["ANB-11"]])
    assert "esa_participants.csv" in r.not_run["reason"].iloc[0]


def test_findings_are_filled_by_the_engine():
    a = one(enrollments=[enrollment(10, 1, residentDistrict="0002")], district_residency=[])
    f = run_rules(a, [all_rules()["ANB-09"]]).findings
    row = f.iloc[0]
    assert (row["severity"], row["stateID"], row["schoolNumber"], row["field"]) == (
        "error", "900000001", "0001", "residentDistrict")
    assert row["remedy"].startswith("Enrollments > District Residency")

"""GRD-01/02, PHO-01/02 and GFT-01..03 (spring count date 2025-02-03)."""

from __future__ import annotations

from typing import Any

import pytest

from mtcollect_nb.checks import reminders as rm
from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.checks.engine import run_rules
from mtcollect_nb.testing import enrollment, make_analysis, student

RULES = ("GRD-01", "GRD-02", "PHO-01", "PHO-02", "GFT-01", "GFT-02", "GFT-03")


def one(**tables: Any):
    tables.setdefault("students", [student(1, birthdate="2008-05-01")])
    return make_analysis(**tables)


def gifted(pid: int, evaluated: str | None, identified: str | None = None) -> dict:
    return {"personID": pid, "evaluatedDate": evaluated, "identifiedDate": identified}


# ---- GRD-01 ----------------------------------------------------------------------------
@pytest.mark.parametrize(("grade", "grad", "kw", "n"), [
    ("10", [], {}, 1),
    ("10", [{"personID": 1, "dateFirstEntered9": None}], {}, 1),
    ("10", [{"personID": 1, "dateFirstEntered9": "2023-08-28"}], {}, 0),
    ("09", [], {}, 1),
    ("12", [], {}, 1),
    ("08", [], {}, 0),
    ("10", [], {"endDate": "2025-01-31"}, 0),
])
def test_grd01(grade, grad, kw, n):
    a = one(enrollments=[enrollment(10, 1, grade=grade, **kw)], graduation=grad)
    out = rm.grd01_missing_grade9_date(a)
    assert len(out) == n
    if n:
        assert out["enrollmentID"].tolist() == [10]


def test_grd01_one_finding_per_student_naming_the_primary_enrollment():
    a = one(enrollments=[enrollment(10, 1, grade="10", serviceType="S"),
                         enrollment(11, 1, grade="10", serviceType="P")], graduation=[])
    assert rm.grd01_missing_grade9_date(a)["enrollmentID"].tolist() == [11]


# ---- GRD-02 ----------------------------------------------------------------------------
@pytest.mark.parametrize(("date", "n", "expected"), [
    ("2023-08-28", 0, None),
    ("2025-02-03", 0, None),                      # on the count date
    ("2025-02-04", 1, "on or before 2025-02-03"),
    ("2020-05-01", 0, None),                      # on the 12th birthday
    ("2020-04-30", 1, "on or after the 12th birthday 2020-05-01"),
    (None, 0, None),
])
def test_grd02(date, n, expected):
    out = rm.grd02_implausible_grade9_date(one(graduation=[
        {"personID": 1, "dateFirstEntered9": date}]))
    assert len(out) == n
    if n:
        assert out["expected"].tolist() == [expected]


def test_grd02_leap_day_birthday():
    a = make_analysis(students=[student(1, birthdate="2008-02-29")],
                      graduation=[{"personID": 1, "dateFirstEntered9": "2020-02-28"}])
    assert len(rm.grd02_implausible_grade9_date(a)) == 1


# ---- PHO-01 / PHO-02 -------------------------------------------------------------------
@pytest.mark.parametrize(("opt", "kw", "n"), [
    ("", {}, 1), ("  ", {}, 1), ("Opt Out", {}, 0), ("Opt In", {}, 0),
    ("", {"endDate": "2025-01-31"}, 0),
])
def test_pho01(opt, kw, n):
    a = one(students=[student(1, photoOptIn=opt)], enrollments=[enrollment(10, 1, **kw)])
    assert len(rm.pho01_blank_opt_in(a)) == n


@pytest.mark.parametrize(("opt", "uploaded", "n"), [
    ("Opt In", False, 1), ("opt-in", False, 1), ("Opt In", True, 0), ("Opt Out", False, 0),
    ("", False, 0),
])
def test_pho02(opt, uploaded, n):
    a = one(students=[student(1, photoOptIn=opt, photoUploaded=uploaded)])
    out = rm.pho02_opt_in_without_photo(a)
    assert len(out) == n
    if n:
        assert out["personID"].tolist() == [1]


# ---- GFT-01 / GFT-02 / GFT-03 ----------------------------------------------------------
@pytest.mark.parametrize(("evaluated", "n"), [
    (None, 1), ("2025-02-04", 1), ("2025-02-03", 0), ("2023-10-01", 0)])
def test_gft01(evaluated, n):
    assert len(rm.gft01_evaluated_date(one(gifted=[gifted(1, evaluated)]))) == n


@pytest.mark.parametrize(("records", "bad"), [
    ([gifted(1, "2023-10-01", "2023-11-01")], []),
    ([gifted(1, "2023-10-01", "2023-10-01")], []),
    ([gifted(1, "2023-10-01", "2023-09-30")], ["2023-09-30"]),
    ([gifted(1, "2023-10-01")], []),
    # later record identified after the previous record's evaluation: fine
    ([gifted(1, "2022-10-01", "2022-11-01"), gifted(1, "2024-10-01", "2024-10-15")], []),
    # identified before its own evaluation, out of file order
    ([gifted(1, "2024-10-01", "2024-10-15"), gifted(1, "2022-10-01", "2022-11-01"),
      gifted(1, "2024-11-01", "2024-10-20")], ["2024-10-20"]),
    # same evaluation date twice: the later record's identified date is not after it
    ([gifted(1, "2024-10-01", "2024-10-01"), gifted(1, "2024-10-01", "2024-10-01")],
     ["2024-10-01"]),
    # another student's records are ordered separately
    ([gifted(1, "2024-10-01", "2024-10-15"), gifted(2, "2024-11-01", "2024-11-02")], []),
])
def test_gft02(records, bad):
    a = one(students=[student(1), student(2)], gifted=records)
    out = rm.gft02_identified_order(a)
    assert out["value"].tolist() == bad


def test_gft02_messages():
    a = one(gifted=[gifted(1, "2023-10-01", "2023-09-30"),
                    gifted(1, "2024-10-01", "2024-10-01"), gifted(1, "2024-10-01", "2024-10-01")])
    out = rm.gft02_identified_order(a)
    assert out["message"].tolist() == [
        "Date Identified is before its Date Evaluated",
        "Date Identified is not after the previous record's Date Evaluated"]
    assert out["expected"].tolist() == [
        "on or after 2023-10-01", "after 2024-10-01 (the previous record's Date Evaluated)"]


@pytest.mark.parametrize(("legacy", "records", "n"), [
    (True, [], 1), (True, [gifted(1, "2023-10-01")], 0), (False, [], 0)])
def test_gft03(legacy, records, n):
    a = one(enrollments=[enrollment(10, 1, giftedLegacy=legacy)], gifted=records)
    assert len(rm.gft03_legacy_gifted(a)) == n


# ---- did not run -----------------------------------------------------------------------
def test_optional_files_absent_means_did_not_run():
    a = one(students=[student(1, photoOptIn="")],
            enrollments=[enrollment(10, 1, grade="10", giftedLegacy=True)])
    r = run_rules(a, [all_rules()[i] for i in RULES])
    assert sorted(r.not_run["ruleId"]) == ["GFT-01", "GFT-02", "GFT-03", "GRD-01", "GRD-02"]
    assert r.findings["ruleId"].tolist() == ["PHO-01"]
    row = r.findings.iloc[0]
    assert (row["schoolNumber"], row["stateID"], row["enrollmentID"]) == (
        "0001", "900000001", "10")
    assert row["remedy"].startswith("Student Photo")

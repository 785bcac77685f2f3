"""Blank start dates of programs and district residency are open starts (rules.md decisions),
not rejected rows, and the "covers" logic of ANB-09..13, 21, 22 treats them so."""

from __future__ import annotations

import pytest
from loader_fixtures import lines_of, write_lines, write_small

from mtcollect_nb.checks import anb_programs as ap
from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.checks.engine import run_rules
from mtcollect_nb.load.loader import load_bundle
from mtcollect_nb.testing import enrollment, make_analysis, student

RULES = all_rules()


@pytest.mark.slow
def test_blank_starts_are_used_rows(tmp_path):
    folder = write_small(tmp_path)
    write_lines(folder, "programs", ["personID,program,startDate,endDate",
                                     "1,EL_CLASSROOM,,", "2,ESA,,2025-01-31"])
    write_lines(folder, "district_residency", ["personID,startDate,endDate,residentDistrict",
                                               "1,,,0002", "2,,2024-12-31,0003"])
    b = load_bundle(folder)
    acc = b.accounting.set_index("file")
    for name in ("programs.csv", "district_residency.csv"):
        assert acc.loc[name, ["read", "used", "rejected"]].tolist() == [2, 2, 0], name
    assert b.table("programs")["startDate"].isna().all()
    assert b.table("district_residency")["startDate"].isna().all()
    assert lines_of(folder, "programs")[1] == "1,EL_CLASSROOM,,"


@pytest.mark.slow
def test_blank_end_before_nothing_is_not_end_before_start(tmp_path):
    folder = write_small(tmp_path)
    write_lines(folder, "programs", ["personID,program,startDate,endDate",
                                     "1,ESA,2025-01-31,2025-01-01"])
    acc = load_bundle(folder).accounting.set_index("file")
    assert acc.loc["programs.csv", "rejected"] == 1  # a real end-before-start still is


def _res(pid, start, end=None, district="0002"):
    return {"personID": pid, "startDate": start, "endDate": end, "residentDistrict": district}


@pytest.mark.slow
def test_open_start_residency_covers_the_count_date_and_overlaps():
    a = make_analysis(students=[student(1)], enrollments=[enrollment(10, 1,
                      residentDistrict="0002")], district_residency=[_res(1, None)])
    assert run_rules(a, [RULES["ANB-09"]]).findings.empty
    overlap = make_analysis(students=[student(1)], district_residency=[
        _res(1, None, "2024-12-31"), _res(1, "2024-09-01")])
    out = ap.anb10_residency_overlap(overlap)
    assert len(out) == 1 and out["value"].iloc[0].startswith("open..2024-12-31")
    apart = make_analysis(students=[student(1)], district_residency=[
        _res(1, None, "2024-08-31"), _res(1, "2024-09-01")])
    assert ap.anb10_residency_overlap(apart).empty


def test_open_start_program_covers_the_count_date():
    el = {"personID": 1, "program": "EL_CLASSROOM", "startDate": None, "endDate": None}
    a = make_analysis(students=[student(1)], programs=[el],
                      enrollments=[enrollment(10, 1, grade="PK", mtSpringAggregateHours=400)])
    assert run_rules(a, [RULES["ANB-21"]]).findings.empty

"""The right folder, the district's own labels, and nothing read as something else (issue 19)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtcollect_nb.checks.engine import run_rules
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.errors import ExtractError, ParameterError
from mtcollect_nb.load.loader import load_bundle, write_bundle
from mtcollect_nb.load.quick import check_headers
from mtcollect_nb.testing import enrollment, make_bundle, params, student


def _two_calendars(tmp_path: Path, **calendar2: object) -> Path:
    """Schools 1 (district 0001) and 2; calendars 1 (2024-25) and 2; one student in each."""
    cal2 = {"calendarID": 2, "schoolID": 2, "name": "Other", "endYear": 2025,
            "startDate": "2024-08-26", "endDate": "2025-06-06"}
    cal2.update(calendar2)
    b = make_bundle(students=[student(1), student(2)],
                    enrollments=[enrollment(10, 1), enrollment(20, 2, calendarID=2)])
    write_bundle(b, tmp_path)
    (tmp_path / "schools.csv").write_text(
        "schoolID,districtNumber,schoolNumber,name\n1,0001,0001,A\n"
        f"2,{calendar2.pop('_district', '0001')},0002,B\n")
    days = (tmp_path / "days.csv").read_text().splitlines()
    (tmp_path / "days.csv").write_text("\n".join(
        days + [line.replace("1,", "2,", 1) for line in days[1:]]) + "\n")
    cals = (tmp_path / "calendars.csv").read_text().splitlines()
    head = cals[0].split(",")
    (tmp_path / "calendars.csv").write_text("\n".join(
        [*cals, ",".join(str(cal2.get(h, "")) for h in head)]) + "\n")
    return tmp_path


@pytest.mark.slow
def test_a_calendar_of_another_year_is_noted_and_not_on_the_count_date(tmp_path):
    b = load_bundle(_two_calendars(tmp_path, endYear=2024), params())
    assert b.calendars_outside == frozenset({2})
    note = b.notes.loc[b.notes["column"] == "endYear", "note"].iloc[0]
    assert note.startswith("calendars of another school year (1): calendarID 2 (endYear 2024)")
    e = Analysis(b, params()).enrollments.set_index("enrollmentID")["onCountDate"]
    assert e.to_dict() == {10: True, 20: False}
    same = load_bundle(_two_calendars(tmp_path / "same"), params())
    assert Analysis(same, params()).enrollments["onCountDate"].all()


def test_a_school_of_another_district_is_noted_and_not_on_the_count_date(tmp_path):
    b = load_bundle(_two_calendars(tmp_path, _district="0456"), params())
    assert b.calendars_outside == frozenset({2})
    assert "schools of another district (1): schoolID 2 (district 0456)" in " ".join(
        b.notes["note"])


def test_without_parameters_the_folder_is_read_as_it_is(tmp_path):
    b = load_bundle(_two_calendars(tmp_path, endYear=2024))
    assert b.calendars_outside == frozenset() and b.notes.empty


def test_the_pre_check_of_a_run_stops_on_the_wrong_folder_too(tmp_path):
    folder = _two_calendars(tmp_path)
    check_headers(folder, params())
    with pytest.raises(ExtractError, match="every school belongs to district 0001, not to "
                                           "district 0456"):
        check_headers(folder, params(district_number="0456"))


def test_blank_or_absent_district_numbers_are_the_parameters(tmp_path):
    write_bundle(make_bundle(), tmp_path)
    (tmp_path / "schools.csv").write_text("schoolID,number,name\n1,1,A\n")
    b = load_bundle(tmp_path, params(district_number="0456"))
    assert b.tables["schools"][["districtNumber", "schoolNumber"]].values.tolist() == [
        ["0456", "0001"]]


@pytest.mark.slow
def test_the_districts_columns_map_wins_over_the_contracts_own_name(tmp_path):
    write_bundle(make_bundle(students=[student(1)], enrollments=[enrollment(
        10, 1, grade="KG")]), tmp_path)
    lines = (tmp_path / "enrollments.csv").read_text().splitlines()
    head = lines[0].split(",")
    at = head.index("grade")
    head.insert(at + 1, "stateGrade")
    row = lines[1].split(",")
    row[at:at + 1] = ["Kindergarten", "KG"]  # IC's local grade name, and the state grade
    (tmp_path / "enrollments.csv").write_text(",".join(head) + "\n" + ",".join(row) + "\n")
    plain = load_bundle(tmp_path)
    assert plain.rejected["reason"].str.contains("unknown grade code").any()
    mapped = load_bundle(tmp_path, params(columns={"enrollments": {"stateGrade": "grade"}}))
    assert mapped.rejected.empty and mapped.tables["enrollments"]["grade"].tolist() == ["KG"]
    assert mapped.tables["enrollments"]["grade (not used)"].tolist() == ["Kindergarten"]


@pytest.mark.parametrize(("maps", "line"), [
    ({"columns": {"school": {"x": "schoolNumber"}}},
     "columns: 'school' is not an extract file (did you mean 'schools'?)"),
    ({"values": {"programs": {"programs": {"A": "ESA"}}}},
     "values: programs: 'programs' is not a column of programs.csv (did you mean 'program'?)"),
])
def test_the_maps_are_checked_against_the_contract(tmp_path, maps, line):
    write_bundle(make_bundle(), tmp_path)
    with pytest.raises(ParameterError) as err:
        load_bundle(tmp_path, params(**maps))
    assert str(err.value) == line


@pytest.mark.slow
def test_a_graduation_table_without_9th_grade_dates_runs_without_grd(tmp_path):
    write_bundle(make_bundle(students=[student(1)], enrollments=[enrollment(10, 1, grade="10")],
                             graduation=[{"personID": 1, "dateFirstEntered9": None}]), tmp_path)
    (tmp_path / "graduation.csv").write_text("personID,diplomaDate,diplomaType\n1,,\n")
    run = run_rules(Analysis(load_bundle(tmp_path), params()))
    reasons = run.not_run.set_index("ruleId")["reason"]
    assert reasons["GRD-01"] == reasons["GRD-02"] == (
        "did not run: graduation.csv has no dateFirstEntered9 column")
    assert "GRD-01" not in set(run.findings["ruleId"])
    (tmp_path / "graduation.csv").write_text("personID,grade9Date\n1,\n")
    run = run_rules(Analysis(load_bundle(tmp_path), params()))
    assert "GRD-01" in set(run.findings["ruleId"])  # read as dateFirstEntered9: checked


@pytest.mark.slow
def test_one_small_whole_number_in_dates_is_a_rejected_row_not_a_stop(tmp_path):
    write_bundle(make_bundle(students=[student(1)], enrollments=[enrollment(10, 1)]), tmp_path)
    lines = (tmp_path / "students.csv").read_text().splitlines()
    head = lines[0].split(",")
    row = lines[1].split(",")
    row2 = list(row)
    row2[head.index("personID")], row2[head.index("birthdate")] = "2", "7"
    (tmp_path / "students.csv").write_text("\n".join([lines[0], lines[1], ",".join(row2)]))
    b = load_bundle(tmp_path)
    assert b.rejected[["column", "value", "ruleId"]].values.tolist() == [["birthdate", "7",
                                                                          "DQ-03"]]

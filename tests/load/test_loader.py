import datetime as dt

import openpyxl
import pandas as pd
import pytest
from loader_fixtures import lines_of, small_bundle, write_lines, write_small

from mtcollect_nb.columns import LINE
from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load import contract, typed
from mtcollect_nb.load.frame_checks import DEPTH_ENV
from mtcollect_nb.load.loader import load_bundle


@pytest.fixture(autouse=True)
def full_contract(monkeypatch):
    """The loader's output is checked by the full (data-level) contract in these tests."""
    monkeypatch.setenv(DEPTH_ENV, "full")


@pytest.fixture
def folder(tmp_path):
    return write_small(tmp_path)


def rejected(bundle, file=None):
    rej = bundle.rejected
    if file:
        rej = rej.loc[rej["file"] == file]
    return [tuple(r) for r in rej[["line", "column", "value", "reason", "ruleId"]].to_numpy()]


def assert_accounting(bundle):
    acc = bundle.accounting
    assert (acc["read"] == acc["used"] + acc["rejected"]).all()
    counts = bundle.rejected.groupby("file").size()
    for row in acc.itertuples():
        assert row.rejected == counts.get(row.file, 0)
        name = row.file.rsplit(".", 1)[0]
        assert row.used == len(bundle.tables[name])


@pytest.mark.slow
def test_round_trip_gives_the_contract_dtypes(folder):
    b = load_bundle(folder)
    expected = small_bundle()
    assert set(b.tables) == set(expected.tables)
    for name, df in expected.tables.items():
        got = b.tables[name]
        assert list(got.columns) == list(df.columns), name
        pd.testing.assert_frame_equal(got, df, check_dtype=True, obj=name)
    assert b.rejected.empty and b.files["students"] == "students.csv"
    assert b.source_dir == folder
    assert_accounting(b)


@pytest.mark.slow
def test_missing_optional_file_is_not_in_bundle(folder):
    b = load_bundle(folder)
    assert not b.has("programs") and b.has("gifted")
    assert list(b.accounting["file"]) == ["schools.csv", "calendars.csv", "days.csv",
                                          "students.csv", "enrollments.csv", "attendance.csv",
                                          "gifted.csv"]


@pytest.mark.slow
def test_missing_required_file(folder):
    (folder / "students.csv").unlink()
    with pytest.raises(ExtractError) as err:
        load_bundle(folder)
    assert str(err.value) == (f"{folder}/students.csv: required file not found "
                              "(also looked for students.xlsx)")


def test_missing_folder(tmp_path):
    with pytest.raises(ExtractError, match="extracts folder not found"):
        load_bundle(tmp_path / "nope")


@pytest.mark.slow
def test_both_csv_and_xlsx_is_an_error(folder):
    openpyxl.Workbook().save(folder / "students.xlsx")
    with pytest.raises(ExtractError, match="both students.csv and students.xlsx exist"):
        load_bundle(folder)


@pytest.mark.slow
def test_header_variants_map_to_contract_names(folder):
    lines = lines_of(folder, "students")
    head = lines[0].split(",")
    head = ["\ufeff PERSON ID", "state_id", " Student Number ", "student.lastName", *head[4:]]
    lines[0] = ",".join(head + ["Homeroom"])
    lines[1:] = [ln + ",H1" for ln in lines[1:]]
    write_lines(folder, "students", lines)
    b = load_bundle(folder)
    df = b.tables["students"]
    assert df["personID"].tolist() == [1, 2, 3]
    assert df["lastName"].tolist() == ["Peña", "Ó'Neil", "Last3"]
    assert df["Homeroom"].tolist() == ["H1"] * 3  # extra column kept


def test_duplicate_column_after_normalisation(folder):
    lines = lines_of(folder, "students")
    lines[0] += ",Person_ID"
    lines[1:] = [ln + ",9" for ln in lines[1:]]
    write_lines(folder, "students", lines)
    with pytest.raises(ExtractError) as err:
        load_bundle(folder)
    msg = str(err.value)
    assert msg.startswith(f"{folder}/students.csv: column 'Person_ID' appears twice")
    assert "'personID'" in msg


@pytest.mark.slow
def test_missing_required_column_lists_what_was_found(folder):
    lines = [",".join(ln.split(",")[:1] + ln.split(",")[2:])
             for ln in lines_of(folder, "students")]
    write_lines(folder, "students", lines)
    with pytest.raises(ExtractError) as err:
        load_bundle(folder)
    assert str(err.value) == (
        f"{folder}/students.csv: missing required column(s) stateID; found: personID, "
        "studentNumber, lastName, firstName, birthdate, gender, photoOptIn, photoUploaded")


def test_missing_column_listing_is_capped_at_ten(folder):
    write_lines(folder, "students", [",".join(["personID"] + [f"c{i}" for i in range(1, 14)]),
                                     ""])
    with pytest.raises(ExtractError, match=r"found: personID, c1, .*, c9 \(\+4 more\)$"):
        load_bundle(folder)


@pytest.mark.slow
def test_optional_column_may_be_absent(folder):
    lines = lines_of(folder, "students")
    cut = lines[0].split(",").index("gender")
    write_lines(folder, "students", [",".join(ln.split(",")[:cut]) for ln in lines])
    df = load_bundle(folder).tables["students"]
    assert df["gender"].tolist() == ["", "", ""] and df["photoUploaded"].dtype == bool


@pytest.mark.slow
def test_dq03_exact_file_line_column_reason(folder):
    lines = lines_of(folder, "enrollments")
    head = lines[0].split(",")
    row = lines[1].split(",")
    bad_date = list(row)
    bad_date[head.index("startDate")] = "2025-02-30"
    bad_grade = list(row)
    bad_grade[head.index("enrollmentID")] = "20"
    bad_grade[head.index("grade")] = "13"
    bad_grade[head.index("mtSpringAggregateHours")] = "lots"
    end_first = list(row)
    end_first[head.index("enrollmentID")] = "21"
    end_first[head.index("endDate")] = "2024-08-01"
    write_lines(folder, "enrollments", [lines[0], ",".join(bad_date), *lines[2:],
                                        ",".join(bad_grade), ",".join(end_first)])
    b = load_bundle(folder)
    assert rejected(b, "enrollments.csv") == [
        (2, "startDate", "2025-02-30", "not a valid date (use YYYY-MM-DD or MM/DD/YYYY)",
         "DQ-03"),
        (5, "grade", "13", "unknown grade code (use PK, KG or 01..12); also "
         "mtSpringAggregateHours: not a number", "DQ-03"),
        (6, "endDate", "2024-08-01", "endDate is before startDate", "DQ-03"),
    ]
    assert b.tables["enrollments"]["enrollmentID"].tolist() == [11, 12]
    assert_accounting(b)


@pytest.mark.slow
def test_dq01_duplicate_keys_second_copy_rejected(folder):
    lines = lines_of(folder, "days")
    write_lines(folder, "days", [*lines, lines[3], lines[3]])
    b = load_bundle(folder)
    key = lines[3].split(",")
    assert rejected(b, "days.csv") == [
        (len(lines) + 1, "calendarID + date", f"{key[0]}, {key[1]}",
         "duplicate key: the same calendarID + date as line 4 (the copy on line 4 is used)",
         "DQ-01"),
        (len(lines) + 2, "calendarID + date", f"{key[0]}, {key[1]}",
         "duplicate key: the same calendarID + date as line 4 (the copy on line 4 is used)",
         "DQ-01"),
    ]
    assert b.tables["days"][LINE].is_unique
    assert_accounting(b)


@pytest.mark.slow
def test_dq01_ignores_rows_already_rejected(folder):
    lines = lines_of(folder, "students")
    broken = lines[1].replace("2012-05-01", "2012-99-01")
    write_lines(folder, "students", [lines[0], broken, *lines[1:]])
    b = load_bundle(folder)
    assert [r[4] for r in rejected(b, "students.csv")] == ["DQ-03"]
    assert b.tables["students"][LINE].tolist() == [3, 4, 5]


@pytest.mark.slow
def test_dq02_orphans_checked_against_used_parent_rows(folder):
    students = lines_of(folder, "students")
    students[3] = students[3].replace("2012-05-01", "not a date")  # person 3 rejected
    write_lines(folder, "students", students)
    att = lines_of(folder, "attendance")
    att.append(att[1].replace("2025-01-07", "2025-01-20").replace("1,1,", "99,1,", 1))
    write_lines(folder, "attendance", att)
    b = load_bundle(folder)
    assert rejected(b, "enrollments.csv") == [
        (4, "personID", "3", "personID not found in students.csv (no personID with this value "
         "was loaded)", "DQ-02")]
    assert rejected(b, "attendance.csv")[0][:3] == (5, "personID", "99")
    assert_accounting(b)


@pytest.mark.slow
def test_reference_to_optional_table_not_provided_is_not_checked(tmp_path):
    from mtcollect_nb.load.loader import write_bundle
    from mtcollect_nb.testing import make_bundle
    write_bundle(make_bundle(sections=[{"sectionID": 1, "courseID": 5,
                                        "termStartDate": "2025-01-06",
                                        "termEndDate": "2025-05-30"}],
                             rosters=[{"sectionID": 1, "personID": 1}, {"sectionID": 2,
                                                                        "personID": 1}],
                             students=[{"personID": 1}]), tmp_path)
    b = load_bundle(tmp_path)
    assert len(b.tables["sections"]) == 1  # courses.csv absent: courseID 5 not checked
    assert rejected(b) == [(3, "sectionID", "2", "sectionID not found in sections.csv (no "
                            "sectionID with this value was loaded)", "DQ-02")]


@pytest.mark.slow
def test_accredited_blank_true_and_active_absent_true(tmp_path):
    from mtcollect_nb.load.loader import write_bundle
    from mtcollect_nb.testing import make_bundle
    write_bundle(make_bundle(courses=[{"courseID": 1, "calendarID": 1}]), tmp_path)
    write_lines(tmp_path, "schools", ["schoolID,districtNumber,schoolNumber,name,accredited",
                                      "1,0001,0001,A,", "2,0001,0002,B,N"])
    courses = lines_of(tmp_path, "courses")
    cut = courses[0].split(",").index("active")
    write_lines(tmp_path, "courses", [",".join(p for i, p in enumerate(ln.split(","))
                                               if i != cut) for ln in courses])
    b = load_bundle(tmp_path)
    assert b.tables["schools"]["accredited"].tolist() == [True, False]
    assert b.tables["courses"]["active"].tolist() == [True]


@pytest.mark.slow
def test_xlsx_table_with_lost_zeros_and_typed_dates_serials_rejected(folder):
    csv_lines = lines_of(folder, "schools")
    (folder / "schools.csv").unlink()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(csv_lines[0].split(","))
    ws.append([1, 1, 1, "Test School"])  # district and school numbers lost their zeros
    wb.save(folder / "schools.xlsx")
    days = lines_of(folder, "days")
    (folder / "days.csv").unlink()
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(days[0].split(","))
    for i, line in enumerate(days[1:]):
        vals = line.split(",")
        d = dt.date.fromisoformat(vals[1])
        date_cell = d if i % 2 else (d - dt.date(1899, 12, 30)).days  # date cell / serial
        ws.append([int(vals[0]), date_cell, *[int(v) for v in vals[2:]]])
    wb.save(folder / "days.xlsx")
    b = load_bundle(folder)
    assert b.files["schools"] == "schools.xlsx"
    assert b.tables["schools"][["districtNumber", "schoolNumber"]].values.tolist() == [
        ["0001", "0001"]]
    # Excel serials are dates only in cells typed as dates: a number cell is not a date
    want = small_bundle().tables["days"]
    pd.testing.assert_frame_equal(b.tables["days"], want.iloc[1::2].reset_index(drop=True))
    rej = b.rejected
    assert set(rej["ruleId"]) == {"DQ-03"} and set(rej["column"]) == {"date"}
    assert rej["line"].tolist() == want["_line"].iloc[::2].tolist()


@pytest.mark.slow
def test_enrollment_with_iso_and_us_dates_and_excel_floats(folder):
    lines = lines_of(folder, "enrollments")
    head = lines[0].split(",")
    row = lines[1].split(",")
    row[head.index("startDate")] = "08/26/2024"
    row[head.index("enrollmentID")] = "10.0"
    row[head.index("grade")] = "6"
    lines[1] = ",".join(row)
    write_lines(folder, "enrollments", lines)
    b = load_bundle(folder)
    pd.testing.assert_frame_equal(b.tables["enrollments"], small_bundle().tables["enrollments"])


@pytest.mark.slow
def test_attendance_off_calendar_is_kept(folder):
    att = lines_of(folder, "attendance")
    att.append(att[1].replace("2025-01-07", "2025-01-11"))  # a Saturday, not in days.csv
    att.append(att[1].replace("2025-01-07", "2026-07-04"))  # outside any enrollment
    write_lines(folder, "attendance", att)
    b = load_bundle(folder)
    assert len(b.tables["attendance"]) == 5 and b.rejected.empty


@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["cp1252", "utf-8-sig", "utf-16"])
def test_whole_bundle_in_other_encodings(folder, encoding):
    for p in folder.glob("*.csv"):
        p.write_bytes(p.read_text(encoding="utf-8").encode(encoding))
    b = load_bundle(folder)
    assert b.tables["students"]["lastName"].tolist()[:2] == ["Peña", "Ó'Neil"]
    assert b.rejected.empty


@pytest.mark.slow
def test_tab_delimited_state_format(folder):
    for p in folder.glob("*.csv"):
        p.write_text(p.read_text().replace(",", "\t"))
    b = load_bundle(folder)
    pd.testing.assert_frame_equal(b.tables["students"], small_bundle().tables["students"])


def test_dtypes_follow_schemas_for_every_table(folder):
    b = load_bundle(folder)
    for name, df in b.tables.items():
        for col in contract.TABLES[name].columns:
            assert str(df[col.name].dtype) == typed.dtype_of(col), (name, col.name)


@pytest.mark.slow
def test_extra_column_follows_the_used_rows_when_rows_are_rejected(folder):
    lines = lines_of(folder, "students")
    lines[0] += ",Homeroom"
    lines[1:] = [ln + f",H{i}" for i, ln in enumerate(lines[1:], start=1)]
    lines.append(lines[1])  # a repeated personID: DQ-01
    lines.append("x" + lines[2][1:])  # an unparseable personID: DQ-03
    write_lines(folder, "students", lines)
    df = load_bundle(folder).tables["students"]
    assert df["personID"].tolist() == [1, 2, 3]
    assert df["Homeroom"].tolist() == ["H1", "H2", "H3"]
    assert df[LINE].tolist() == [2, 3, 4]

import pandas as pd
import pytest

from mtcollect_nb.columns import LINE
from mtcollect_nb.load import contract, typed


@pytest.mark.parametrize(("value", "type_", "expected"), [
    ("7", "grade", "07"), ("07", "grade", "07"), ("12", "grade", "12"), ("k", "grade", "KG"),
    ("KG", "grade", "KG"), ("pk", "grade", "PK"), ("13", "grade", None), ("7th", "grade", None),
    ("", "grade", ""), ("123", "code4", "0123"), ("0123", "code4", "0123"),
    ("12345", "code4", None), ("A12", "code4", None), ("1", "role", "01"), ("12", "role", "12"),
    ("13", "role", None), (" 3 ", "role", "03"),
])
def test_normalize_code(value, type_, expected):
    assert typed.normalize_code(value, type_) == expected


@pytest.mark.parametrize("name", sorted(contract.TABLES))
def test_empty_frame_has_contract_dtypes(name):
    df = typed.empty_frame(name)
    t = contract.TABLES[name]
    assert list(df.columns) == [*t.column_names, LINE]
    for col in t.columns:
        assert str(df[col.name].dtype) == typed.dtype_of(col)


def test_required_files_match_extracts_md():
    assert set(contract.REQUIRED_TABLES) == {"schools", "calendars", "days", "students",
                                             "enrollments", "attendance"}


def test_references_point_at_known_keys():
    for t in contract.TABLES.values():
        for ref in t.references:
            assert ref.parent in contract.TABLES
            assert ref.parent_column in contract.TABLES[ref.parent].column_names
            assert contract.LOAD_ORDER.index(ref.parent) < contract.LOAD_ORDER.index(t.name)


def test_frame_from_records_types_and_blanks():
    df = typed.frame_from_records("enrollments", [
        {"enrollmentID": 1, "personID": 2, "calendarID": 3, "grade": "9",
         "startDate": "2024-08-26", "mtExcludeANB": "Y"},
    ])
    row = df.iloc[0]
    assert row["grade"] == "09" and row["residentDistrict"] == ""
    assert row["mtExcludeANB"] and not row["mtExcludeSpringANB"]
    assert pd.isna(row["endDate"]) and pd.isna(row["mtSpringAggregateHours"])
    assert df[LINE].tolist() == [2]
    assert str(df["mtSpringAbsent"].dtype) == "Int64"


def test_table_column_lookup():
    assert contract.TABLES["days"].column("minutes").type == "int"
    with pytest.raises(KeyError):
        contract.TABLES["days"].column("nope")


def test_accredited_blank_means_true_and_active_absent_means_true():
    schools = typed.frame_from_records("schools", [
        {"schoolID": 1, "schoolNumber": "1"}, {"schoolID": 2, "schoolNumber": "2",
                                               "accredited": "N"}])
    assert schools["accredited"].tolist() == [True, False]
    courses = typed.frame_from_records("courses", [{"courseID": 1, "calendarID": 1}])
    assert courses["active"].tolist() == [True]
    present_blank = typed.frame_from_records("courses", [
        {"courseID": 1, "calendarID": 1, "active": ""}, {"courseID": 2, "calendarID": 1,
                                                         "active": "X"}])
    assert present_blank["active"].tolist() == [False, True]

"""Header mapping through the alias table, near-miss messages, symlinks, terminal safety."""

from __future__ import annotations

import os

import pyarrow as pa
import pytest
from loader_fixtures import lines_of, write_lines, write_small

from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load.contract import TABLES
from mtcollect_nb.load.headers import find_file, map_header, match_header, printable
from mtcollect_nb.load.loader import load_bundle


def _cols(header):
    return [pa.array(["1"]) for _ in header]


def test_match_header_says_how_each_field_was_read():
    header = ["personID", "LAST_NAME", "student.stateID", "Local Student Number", "Nickname"]
    got = [(m.column, m.how) for m in match_header(header, TABLES["students"])]
    assert got == [("personID", "exact"), ("lastName", "normalised"), ("stateID", "alias"),
                   ("studentNumber", "alias"), (None, "extra")]


@pytest.mark.slow
def test_aliases_map_to_contract_columns_in_the_loader(tmp_path):
    folder = write_small(tmp_path)
    lines = lines_of(folder, "calendars")
    lines[0] = lines[0].replace("stateExclude", "calendar.exclude").replace(
        "calendarID", "Calendar ID")
    write_lines(folder, "calendars", lines)
    bundle = load_bundle(folder)
    assert {"stateExclude", "calendarID"} <= set(bundle.tables["calendars"].columns)
    assert "calendar.exclude" not in bundle.tables["calendars"].columns


def test_another_tables_object_prefix_is_not_a_column_of_this_file():
    header = ["enrollmentID", "districtResidency.startDate"]
    matches = match_header(header, TABLES["enrollments"])
    assert matches[1].column is None and matches[1].how == "extra"


def test_two_names_of_one_column_read_the_contracts_own_name_and_keep_the_other():
    header = ["student.personID", "personID", "stateID", "studentNumber", "legalLastName",
              "lastName", "legalFirstName", "firstName", "birthdate"]
    text, matches = map_header(__import__("pathlib").Path("students.csv"), header,
                               [pa.array([str(i)]) for i in range(len(header))],
                               TABLES["students"])
    assert text["personID"].to_pylist() == ["1"] and text["lastName"].to_pylist() == ["5"]
    assert text["student.personID"].to_pylist() == ["0"]  # kept as an extra column
    kept = {m.header: m.instead for m in matches if m.instead}
    assert kept == {"student.personID": "personID", "legalLastName": "lastName",
                    "legalFirstName": "firstName"}


@pytest.mark.parametrize(("header", "read"), [
    (["code", "name"], "code"), (["name", "code"], "code"),  # the first alias in the table
    (["Program Code", "code"], "Program Code"), (["program.name", "program"], "program"),
])
def test_two_aliases_of_one_column_read_the_first_alias_in_the_table(header, read):
    matches = match_header(["personID", *header], TABLES["programs"])
    assert [m.header for m in matches if m.column == "program"] == [read]


def test_the_same_name_twice_is_still_refused():
    header = ["personID", "Person ID", "stateID", "studentNumber", "lastName", "firstName",
              "birthdate"]
    with pytest.raises(ExtractError, match="appears twice"):
        map_header(__import__("pathlib").Path("students.csv"), header, _cols(header),
                   TABLES["students"])


@pytest.mark.slow
def test_missing_column_names_the_unrecognised_header_and_closest_name(tmp_path):
    folder = write_small(tmp_path)
    lines = lines_of(folder, "students")
    lines[0] = lines[0].replace("stateID", "Stat ID")
    write_lines(folder, "students", lines)
    with pytest.raises(ExtractError) as err:
        load_bundle(folder)
    msg = str(err.value)
    assert "students.csv: missing required column(s) stateID" in msg
    assert "header 'Stat ID' not recognised (closest known name: 'stateID')" in msg
    assert "\n" not in msg


def test_missing_column_without_a_near_header_has_no_closest_part(tmp_path):
    folder = write_small(tmp_path)
    lines = lines_of(folder, "students")
    lines[0] = lines[0].replace("stateID", "Zzzz")
    write_lines(folder, "students", lines)
    with pytest.raises(ExtractError) as err:
        load_bundle(folder)
    assert "not recognised" not in str(err.value)


@pytest.mark.slow
def test_escape_sequences_in_a_header_are_shown_escaped(tmp_path):
    folder = write_small(tmp_path)
    lines = lines_of(folder, "students")
    lines[0] = lines[0].replace("stateID", "\x1b]0;owned\x07\x1b[2J")
    write_lines(folder, "students", lines)
    with pytest.raises(ExtractError) as err:
        load_bundle(folder)
    assert "\x1b" not in str(err.value) and "\x07" not in str(err.value)
    assert "\\x1b" in str(err.value)


def test_printable_escapes_controls_and_bidi():
    assert printable("a\u202eb\x00") == "a\\u202eb\\x00"
    assert printable("Peña") == "Peña"


@pytest.mark.slow
def test_symlink_outside_the_folder_is_refused(tmp_path):
    folder = write_small(tmp_path / "d")
    secret = tmp_path / "secret.txt"
    secret.write_text("SECRET-FIRST-LINE\n")
    (folder / "gifted.csv").unlink()
    os.symlink(secret, folder / "gifted.csv")
    with pytest.raises(ExtractError) as err:
        load_bundle(folder)
    assert "symbolic link to a file outside the extracts folder" in str(err.value)
    assert "SECRET" not in str(err.value)


@pytest.mark.slow
def test_symlink_inside_the_folder_is_read(tmp_path):
    folder = write_small(tmp_path / "d")
    (folder / "keep").mkdir()
    (folder / "gifted.csv").rename(folder / "keep" / "g.csv")
    os.symlink(folder / "keep" / "g.csv", folder / "gifted.csv")
    assert find_file(folder, "gifted") == folder / "gifted.csv"
    assert len(load_bundle(folder).tables["gifted"]) == 1


@pytest.mark.slow
def test_a_folder_named_like_a_file_is_an_error(tmp_path):
    folder = write_small(tmp_path)
    (folder / "gifted.csv").unlink()
    (folder / "gifted.csv").mkdir()
    with pytest.raises(ExtractError, match="is a folder, not a file"):
        load_bundle(folder)


def test_a_data_row_in_place_of_the_header_is_not_quoted(tmp_path):
    folder = write_small(tmp_path)
    lines = lines_of(folder, "students")
    write_lines(folder, "students", lines[1:])  # the header row is missing
    with pytest.raises(ExtractError) as err:
        load_bundle(folder)
    msg = str(err.value)
    assert "is the header row missing?" in msg
    for value in lines[1].split(","):
        if len(value) > 2:
            assert value not in msg

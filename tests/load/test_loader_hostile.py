"""Issue 15 items 4 and 8-13: hostile and damaged input gives one clear line or a rejected row."""

from __future__ import annotations

import re
import zipfile

import openpyxl
import pytest
from loader_fixtures import lines_of, write_lines, write_small

from mtcollect_nb.columns import LINE
from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load.limits import MAX_ROWS
from mtcollect_nb.load.loader import load_bundle
from mtcollect_nb.load.readers import STRAY_QUOTE, read_raw


def _rejected(bundle, file):
    rej = bundle.rejected
    return rej.loc[rej["file"] == file, ["line", "column", "reason", "ruleId"]].values.tolist()


def _accounting_holds(bundle):
    acc = bundle.accounting
    assert (acc["read"] == acc["used"] + acc["rejected"]).all()


@pytest.fixture
def folder(tmp_path):
    return write_small(tmp_path / "d")


# item 4: the first copy rejected, the next valid copy used
@pytest.mark.slow
def test_first_copy_orphan_then_valid_copy_is_used(folder):
    lines = lines_of(folder, "students")
    header = lines[0].split(",")
    first = lines[1].split(",")
    # same personID as line 2 but an unparseable birthdate: line 2 rejected (DQ-03) ...
    bad = list(first)
    bad[header.index("birthdate")] = "2012-99-01"
    write_lines(folder, "students", [lines[0], ",".join(bad), *lines[1:]])
    b = load_bundle(folder)
    got = _rejected(b, "students.csv")
    assert len(got) == 1 and got[0][3] == "DQ-03"
    assert got[0][2].endswith("; the copy on line 3 is used")
    assert 3 in b.tables["students"][LINE].tolist()  # the valid second copy is used
    _accounting_holds(b)


@pytest.mark.slow
def test_first_copy_dq02_does_not_make_the_second_copy_dq01(folder):
    att = lines_of(folder, "attendance")
    header = att[0].split(",")
    orphan = att[1].split(",")
    orphan[header.index("calendarID")] = "999"  # no such calendar: DQ-02
    # the key of attendance includes calendarID, so use a table keyed on personID instead
    enr = lines_of(folder, "enrollments")
    eh = enr[0].split(",")
    copy = enr[1].split(",")
    copy[eh.index("calendarID")] = "999"
    write_lines(folder, "enrollments", [enr[0], ",".join(copy), *enr[1:]])
    b = load_bundle(folder)
    got = _rejected(b, "enrollments.csv")
    assert [r[3] for r in got] == ["DQ-02"], got
    assert got[0][2].endswith("; the copy on line 3 is used")
    assert len(b.tables["enrollments"]) == 3
    _accounting_holds(b)


# item 8: numbers too large for their type
@pytest.mark.slow
@pytest.mark.parametrize("column", ["mtFallAggregateHours", "mtSpringAbsent", "enrollmentID"])
def test_number_too_large_is_a_dq03_naming_file_line_and_column(folder, column):
    enr = lines_of(folder, "enrollments")
    fields = enr[2].split(",")
    fields[enr[0].split(",").index(column)] = "99999999999999999999"
    enr[2] = ",".join(fields)
    write_lines(folder, "enrollments", enr)
    b = load_bundle(folder)
    assert _rejected(b, "enrollments.csv")[0] == [
        3, column, "number too large for this column", "DQ-03"]
    _accounting_holds(b)


# item 9: a field over the csv module's limit
@pytest.mark.slow
def test_field_over_the_reader_limit_rejects_only_that_row(folder):
    lines = lines_of(folder, "students")
    fields = lines[2].split(",")
    fields[3] = '"' + "x" * 200_000 + '"'
    lines[2] = ",".join(fields)
    lines.append('"')  # a stray quote sends the file to the exact (Python csv) reader
    write_lines(folder, "students", lines)
    b = load_bundle(folder)
    got = _rejected(b, "students.csv")
    assert got[0][0] == 3 and "limit" in got[0][2]
    assert len(b.tables["students"]) == 2
    assert b.accounting.set_index("file").loc["students.csv", "read"] == 4
    _accounting_holds(b)


# item 10: a stray quote loses one line, not the rest of the file
@pytest.mark.slow
def test_stray_quote_rejects_only_its_line_and_says_so(folder):
    att = lines_of(folder, "attendance")
    many = [att[0]] + [att[1].replace("2025-01-07", f"2025-01-{d:02d}") for d in range(6, 31)]
    fields = many[3].split(",")
    fields[-1] = '"' + fields[-1]  # line 4: a quote opens the last field and never closes
    many[3] = ",".join(fields)
    write_lines(folder, "attendance", many)
    b = load_bundle(folder)
    got = _rejected(b, "attendance.csv")
    assert [r[0] for r in got] == [4]
    assert len(b.tables["attendance"]) == len(many) - 2
    notes = b.notes.loc[b.notes["file"] == "attendance.csv", "note"].tolist()
    assert any("broken quote" in n and "line 4" in n for n in notes)
    _accounting_holds(b)


def test_quote_opened_mid_file_resumes_on_the_next_line(tmp_path):
    text = 'a,b\n1,x\n2,"y\n3,z\n4,w\n5,"v"\n'
    p = tmp_path / "t.csv"
    p.write_text(text)
    raw = read_raw(p)
    assert raw.columns[0].to_pylist() == ["1", "3", "4", "5"]
    assert [(line, why) for line, why, _ in raw.bad_rows] == [(3, STRAY_QUOTE)]
    assert raw.n_read == 5 and raw.notes


def test_a_quoted_value_with_line_breaks_is_still_one_row(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text('a,b\n1,"two\nlines"\n2,"x"\n')
    raw = read_raw(p)
    assert raw.columns[1].to_pylist() == ["two\nlines", "x"] and not raw.bad_rows


# item 11: mixed encodings
@pytest.mark.slow
def test_mixed_utf8_and_windows_1252_lines_are_decoded_per_line_and_noted(folder):
    lines = lines_of(folder, "students")
    data = ("\n".join(lines[:2]) + "\n").encode("utf-8") + (
        "\n".join(lines[2:]) + "\n").encode("cp1252")
    (folder / "students.csv").write_bytes(data)
    b = load_bundle(folder)
    assert b.tables["students"]["lastName"].tolist()[:2] == ["Peña", "Ó'Neil"]
    notes = b.notes.loc[b.notes["file"] == "students.csv", "note"].tolist()
    assert notes == ["1 line(s) are not UTF-8 and were read as Windows-1252: line 3"]


@pytest.mark.slow
def test_a_plain_windows_1252_file_has_no_note(folder):
    lines = lines_of(folder, "students")
    write_lines(folder, "students", lines, encoding="cp1252")
    b = load_bundle(folder)
    assert b.tables["students"]["lastName"].tolist()[0] == "Peña"
    assert not (b.notes["file"] == "students.csv").any()


# item 12: NUL byte after 64 KB
def test_nul_byte_after_64_kb_is_detected(folder):
    p = folder / "days.csv"
    p.write_bytes(p.read_bytes() + b"\n" * 70_000 + b"1,2025-02-01,1\x00,1,1,360\n")
    with pytest.raises(ExtractError, match=r"days.csv: not a text file \(binary data on line"):
        load_bundle(folder)


# item 13: xlsx size caps, header first
@pytest.mark.slow
def test_xlsx_with_a_wrong_header_is_refused_before_its_rows_are_read(folder, monkeypatch):
    (folder / "gifted.csv").unlink()
    wb = openpyxl.Workbook()
    wb.active.append(["nope", "evaluatedDate"])
    for i in range(50):
        wb.active.append([i, "2024-10-01"])
    wb.save(folder / "gifted.xlsx")
    from mtcollect_nb.load import xlsx

    seen = []
    real = xlsx.cell_text
    monkeypatch.setattr(xlsx, "cell_text", lambda v: seen.append(v) or real(v))
    with pytest.raises(ExtractError, match="missing required column"):
        load_bundle(folder)
    assert len(seen) <= 2  # the header's cells only


@pytest.mark.slow
def test_xlsx_sheet_declaring_millions_of_rows_is_refused(folder):
    (folder / "gifted.csv").unlink()
    wb = openpyxl.Workbook()
    wb.active.append(["personID", "evaluatedDate"])
    wb.save(folder / "gifted.xlsx")
    src = folder / "gifted.xlsx"
    bomb = folder / "bomb.xlsx"
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(bomb, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="A1:B1"\s*/>',
                              f'<dimension ref="A1:B{MAX_ROWS * 3}"/>'.encode(), data)
                assert f"B{MAX_ROWS * 3}".encode() in data
            zout.writestr(item, data)
    bomb.replace(src)
    with pytest.raises(ExtractError, match="gifted.xlsx: the first sheet is too large"):
        load_bundle(folder)

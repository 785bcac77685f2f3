"""Issue 24 "our own files cannot stop us", for extracts: bounded reads, the cheap checks first.

Each hostile file is refused with one line naming it, before the costly step it would have
made costly: a size on disk before reading, an xlsx's zip directory before openpyxl parses,
a header's width before any row. (No timing asserts: what is *not* done is observed.)
"""

from __future__ import annotations

import os
import re
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest
from loader_fixtures import lines_of, write_lines, write_small

from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load import limits, xlsx
from mtcollect_nb.load.loader import load_bundle
from mtcollect_nb.load.quick import check_headers, read_header


@pytest.fixture
def folder(tmp_path):
    return write_small(tmp_path / "d")


def _one_line(err: pytest.ExceptionInfo[ExtractError], path: Path) -> str:
    text = str(err.value)
    assert "\n" not in text and text.startswith(str(path)), text
    return text


@pytest.fixture
def no_openpyxl(monkeypatch):
    """Fail if openpyxl is asked to open a workbook (the cheap checks must refuse first)."""
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl parsed the workbook before the cheap checks refused it")

    monkeypatch.setattr(openpyxl, "load_workbook", refuse)


# ---- a header with absurdly many columns -------------------------------------------------
def test_a_header_with_50000_extra_columns_is_refused_with_one_line(folder):
    lines = lines_of(folder, "students")
    lines[0] += "," + ",".join(f"x{i}" for i in range(50_000))
    write_lines(folder, "students", lines)
    path = folder / "students.csv"
    for check in (lambda: load_bundle(folder), lambda: check_headers(folder)):
        with pytest.raises(ExtractError) as err:
            check()
        text = _one_line(err, path)
        assert "the header has 50,009 columns; an extract has at most 1,000" in text


@pytest.mark.slow
def test_a_header_of_1000_columns_is_still_read(folder):
    lines = lines_of(folder, "students")
    extra = 1000 - len(lines[0].split(","))
    lines = [lines[0] + "," + ",".join(f"x{i}" for i in range(extra))] + [
        line + "," * extra for line in lines[1:]]
    write_lines(folder, "students", lines)
    assert len(load_bundle(folder).tables["students"]) == 3


@pytest.mark.slow
def test_an_xlsx_header_wider_than_the_bound_is_refused(folder):
    (folder / "gifted.csv").unlink()
    wb = openpyxl.Workbook()
    wb.active.append(["personID", "evaluatedDate", *(f"x{i}" for i in range(1000))])
    wb.save(folder / "gifted.xlsx")  # a header row alone: no dimension check of the columns
    with pytest.raises(ExtractError, match="the header has 1,002 columns"):
        load_bundle(folder)
    wb.active.append([1, "2024-10-01"])
    wb.save(folder / "gifted.xlsx")  # with a row: the sheet's dimension says it first
    with pytest.raises(ExtractError, match=r"too large to be an extract \(1,002 columns\)"):
        load_bundle(folder)


def test_more_than_1000_rows_of_the_wrong_width_stop_the_file(folder):
    lines = lines_of(folder, "students")
    write_lines(folder, "students", [lines[0], *(["7"] * 1001)])
    with pytest.raises(ExtractError) as err:
        load_bundle(folder)
    assert "more than 1,000 lines do not have the header's fields" in _one_line(
        err, folder / "students.csv")


def test_1000_rows_of_the_wrong_width_are_still_rejected_one_by_one(folder):
    lines = lines_of(folder, "students")
    write_lines(folder, "students", [lines[0], *lines[1:], *(["7"] * 1000)])
    b = load_bundle(folder)
    assert (b.rejected["file"] == "students.csv").sum() == 1000


# ---- a CSV's size, before reading ----------------------------------------------------------
def _hole(path: Path, first: bytes, size: int) -> None:
    """``first`` then zeros up to ``size`` bytes (a sparse file: no disk used)."""
    with path.open("wb") as handle:
        handle.write(first)
        handle.truncate(size)


def test_a_valid_first_mib_then_a_hole_over_the_bound_is_refused_by_its_size(folder,
                                                                              monkeypatch):
    path = folder / "attendance.csv"
    _hole(path, path.read_bytes().ljust(1 << 20, b"\n"), limits.MAX_CSV_BYTES + 1)
    read = []
    monkeypatch.setattr(Path, "read_bytes", lambda self: read.append(self) or b"")
    with pytest.raises(ExtractError) as err:
        load_bundle(folder)
    assert "too large to be an extract (1 GiB; an extract has at most 1 GiB)" in _one_line(
        err, path)
    with pytest.raises(ExtractError, match="too large to be an extract"):
        check_headers(folder)  # the pre-check of `mtcollect run` says so too
    assert read == []


@pytest.mark.slow
def test_a_hole_under_the_bound_stops_at_its_first_chunk(folder, monkeypatch):
    path = folder / "attendance.csv"
    text = path.read_bytes()
    _hole(path, text, 200 << 20)
    chunks = []
    opened = Path.open

    def spy(self, *args, **kwargs):
        handle = opened(self, *args, **kwargs)
        if self == path:
            readinto = handle.readinto
            handle.readinto = lambda b: chunks.append(len(b)) or readinto(b)
        return handle

    monkeypatch.setattr(Path, "open", spy)
    with pytest.raises(ExtractError, match=r"not a text file \(binary data on line"):
        load_bundle(folder)
    assert len(chunks) == 1  # 16 MiB read of 200 MiB


def test_more_lines_than_the_bound_are_refused_while_read(folder):
    path = folder / "attendance.csv"
    path.write_bytes(path.read_bytes() + b"\n" * (limits.MAX_LINES + 1))
    with pytest.raises(ExtractError) as err:
        load_bundle(folder)
    assert "more than 10,000,000 lines" in _one_line(err, path)


def test_more_values_than_the_bound_are_refused_before_splitting(folder, monkeypatch):
    from mtcollect_nb.load import readers

    calls = []
    real = readers.pacsv.read_csv

    def spy(data, read_options, **kw):
        calls.append(len(read_options.column_names))
        return real(data, read_options, **kw)

    monkeypatch.setattr(readers.pacsv, "read_csv", spy)
    path = folder / "attendance.csv"
    lines = lines_of(folder, "attendance")
    head = lines[0] + "," + ",".join(f"x{i}" for i in range(900))
    width = len(head.split(","))
    rows = limits.MAX_CELLS // width + 1  # rows x columns just over the bound
    path.write_bytes((head + "\n").encode() + b"\n".join([b"1"] * rows) + b"\n")
    with pytest.raises(ExtractError) as err:
        load_bundle(folder)
    assert f"{rows:,} rows of {width} columns" in _one_line(err, path)
    assert width not in calls  # the attendance file was never split


@pytest.mark.skipif(sys.platform == "win32", reason="a named pipe is POSIX's mkfifo")
def test_a_named_pipe_in_place_of_a_file_is_refused_never_opened(folder):
    path = folder / "gifted.csv"
    path.unlink()
    os.mkfifo(path)  # opening it to read would wait forever for a writer
    for check in (lambda: load_bundle(folder), lambda: check_headers(folder)):
        with pytest.raises(ExtractError, match="is not a regular file"):
            check()


# ---- xlsx: the zip's directory before openpyxl ----------------------------------------------
def _gifted_xlsx(folder: Path, rows: int = 5) -> Path:
    (folder / "gifted.csv").unlink(missing_ok=True)
    wb = openpyxl.Workbook()
    wb.active.append(["personID", "evaluatedDate", "identifiedDate", "endDate"])
    for i in range(rows):
        wb.active.append([1 + i % 3, f"2024-10-{1 + i % 28:02d}", None, None])
    path = folder / "gifted.xlsx"
    wb.save(path)
    return path


def _rewrite_sheet(path: Path, change) -> None:
    tmp = path.with_suffix(".tmp")
    with zipfile.ZipFile(path) as zin, zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = change(data)
            zout.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    tmp.replace(path)


@pytest.mark.slow
def test_a_large_sheet_without_a_dimension_is_refused_before_openpyxl_reads_it(folder,
                                                                              no_openpyxl):
    path = _gifted_xlsx(folder)
    row = (b'<row r="%d"><c r="A%d"><v>1</v></c>'
           b'<c r="B%d" t="inlineStr"><is><t>2024-10-01</t></is></c></row>')

    def grow(data: bytes) -> bytes:
        data = re.sub(rb"<dimension[^>]*/>", b"", data)
        body = b"".join(row % (i, i, i) for i in range(7, 7 + 700_000))  # ~70 MB of XML
        return data.replace(b"</sheetData>", body + b"</sheetData>")

    _rewrite_sheet(path, grow)
    with pytest.raises(ExtractError) as err:
        load_bundle(folder)
    assert "does not say its size (it has no <dimension>)" in _one_line(err, path)


def test_a_small_sheet_without_a_dimension_is_read(folder):
    path = _gifted_xlsx(folder)
    _rewrite_sheet(path, lambda d: re.sub(rb"<dimension[^>]*/>", b"", d))
    assert len(load_bundle(folder).tables["gifted"]) == 5


def test_a_dimension_smaller_than_the_sheet_loses_no_row(folder):
    # openpyxl's read-only mode stops at the declared last row: 49 of 50 rows were lost
    path = _gifted_xlsx(folder, rows=50)
    _rewrite_sheet(path, lambda d: re.sub(rb'<dimension ref="[^"]*"\s*/>',
                                          b'<dimension ref="A1:B2"/>', d))
    b = load_bundle(folder)
    assert len(b.tables["gifted"]) + int((b.rejected["file"] == "gifted.xlsx").sum()) == 50


def test_a_zip_bomb_is_refused_from_the_zip_directory(folder, no_openpyxl, monkeypatch):
    path = _gifted_xlsx(folder)
    monkeypatch.setattr(xlsx, "MAX_UNZIPPED_BYTES", 4096)  # the real bound is 1 GiB
    with pytest.raises(ExtractError) as err:
        load_bundle(folder)
    assert "once unzipped; an extract has at most 4 KiB unzipped" in _one_line(err, path)


def test_shared_strings_over_the_bound_are_refused_before_openpyxl(folder, no_openpyxl,
                                                                  monkeypatch):
    path = _gifted_xlsx(folder)
    with zipfile.ZipFile(path, "a") as z:  # openpyxl writes inline strings: add a table
        z.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>x</t></si>" * 1000 + b"</sst>")
    monkeypatch.setattr(xlsx, "MAX_SHARED_STRINGS", 1024)
    with pytest.raises(ExtractError, match="of shared text; an extract has at most 1 KiB"):
        load_bundle(folder)


def test_an_xlsx_file_over_the_bound_is_refused_by_its_size(folder, no_openpyxl):
    path = folder / "gifted.xlsx"
    (folder / "gifted.csv").unlink()
    _hole(path, b"PK\x03\x04", limits.MAX_XLSX_BYTES + 1)
    with pytest.raises(ExtractError, match="too large to be an extract"):
        load_bundle(folder)
    with pytest.raises(ExtractError, match="too large to be an extract"):
        read_header(path)


def test_a_workbook_damaged_inside_its_sheet_is_one_line(folder):
    path = _gifted_xlsx(folder)
    _rewrite_sheet(path, lambda d: d.replace(b"</sheetData>", b"<row><c><v>1</v></c>"))
    with pytest.raises(ExtractError) as err:
        load_bundle(folder)
    assert "cannot be opened as an Excel workbook" in _one_line(err, path)

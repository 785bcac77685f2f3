import datetime as dt

import numpy as np
import openpyxl
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load.readers import _blank, read_raw
from mtcollect_nb.load.records import _layout, _record_starts
from mtcollect_nb.load.xlsx import cell_text


def write(tmp_path, data: bytes, name="t.csv"):
    p = tmp_path / name
    p.write_bytes(data)
    return p


def cols(raw):
    return [c.to_pylist() for c in raw.columns]


NAMES = "id,name\n1,Peña\n2,Ó'Neil\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16", "utf-16-le",
                                      "utf-16-be"])
def test_encodings_keep_accented_names(tmp_path, encoding):
    data = NAMES.encode(encoding)
    if encoding in ("utf-16-le", "utf-16-be"):  # Excel's "Unicode text" always has a BOM
        data = (b"\xff\xfe" if encoding.endswith("le") else b"\xfe\xff") + data
    raw = read_raw(write(tmp_path, data))
    assert raw.header == ["id", "name"]
    assert cols(raw) == [["1", "2"], ["Peña", "Ó'Neil"]]
    assert raw.lines.tolist() == [2, 3]


def test_undecodable_bytes_are_an_error(tmp_path):
    # 0x81 is undefined in Windows-1252 and invalid as UTF-8
    with pytest.raises(ExtractError, match=r"t\.csv: cannot be decoded"):
        read_raw(write(tmp_path, b"id,name\n1,\x81\x81\n"))


@pytest.mark.parametrize("data,why", [
    (b"\x00\x01\x02garbage\x00" * 20, "binary data"),
    (b"PK\x03\x04rest-of-zip", "Excel workbook saved under a .csv name"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "old Excel .xls"),
    (b"", "file is empty"), (b"\n\n  \n", "file is empty"),
])
def test_not_a_csv_is_an_error_naming_the_file(tmp_path, data, why):
    with pytest.raises(ExtractError, match=why) as err:
        read_raw(write(tmp_path, data))
    assert str(tmp_path / "t.csv") in str(err.value)


@pytest.mark.parametrize("delim", [",", "\t", ";"])
def test_delimiter_is_sniffed_from_header(tmp_path, delim):
    text = delim.join(["a", "b", "c"]) + "\n" + delim.join(["1", "x y", "3"]) + "\n"
    raw = read_raw(write(tmp_path, text.encode()))
    assert cols(raw) == [["1"], ["x y"], ["3"]]


def test_quoted_commas_newlines_and_line_numbers(tmp_path):
    text = ('a,b,c\n'
            '1,"Smith, Jr.",x\n'
            '2,"two\nline\nnote",y\n'
            '3,"say ""hi""",z\n'
            '\n\n'
            '4,plain,w\n')
    raw = read_raw(write(tmp_path, text.encode()))
    assert cols(raw)[1] == ["Smith, Jr.", "two\nline\nnote", 'say "hi"', "plain"]
    assert raw.lines.tolist() == [2, 3, 6, 9]


def test_crlf_and_lone_cr_line_ends(tmp_path):
    raw = read_raw(write(tmp_path, b"a,b\r\n1,2\r\n\r\n3,4\r\n"))
    assert cols(raw) == [["1", "3"], ["2", "4"]] and raw.lines.tolist() == [2, 4]
    raw = read_raw(write(tmp_path, b"a,b\r1,2\r3,4\r"))  # Excel for Mac "CSV (Macintosh)"
    assert cols(raw) == [["1", "3"], ["2", "4"]] and raw.lines.tolist() == [2, 3]


def test_blank_and_delimiter_only_lines_are_not_rows(tmp_path):
    raw = read_raw(write(tmp_path, b"a,b\n1,2\n,\n   \n  ,  \n\n"))
    assert cols(raw) == [["1"], ["2"]] and raw.n_read == 1 and not raw.bad_rows


def test_leading_blank_lines_before_header(tmp_path):
    raw = read_raw(write(tmp_path, b"\n\na,b\n1,2\n"))
    assert raw.header == ["a", "b"] and raw.lines.tolist() == [4]


def test_trailing_empty_columns(tmp_path):
    raw = read_raw(write(tmp_path, b"a,b,,\n1,2,,\n3,4\n5,6,,,\n"))
    assert raw.header == ["a", "b", "", ""]
    assert cols(raw)[:2] == [["1", "3", "5"], ["2", "4", "6"]]
    assert raw.lines.tolist() == [2, 3, 4] and not raw.bad_rows


def test_ragged_rows_become_bad_rows_with_their_line(tmp_path):
    text = "a,b,c\n1,2,3\n\n4,5\n6,7,8,9\n10,11,12\n13,1"
    raw = read_raw(write(tmp_path, text.encode()))
    assert cols(raw)[0] == ["1", "10"] and raw.lines.tolist() == [2, 6]
    assert [(line, why) for line, why, _ in raw.bad_rows] == [
        (4, "incomplete row (file cut off?): 2 fields, the header has 3"),
        (5, "too many fields: 4 fields, the header has 3"),
        (7, "incomplete row (file cut off?): 2 fields, the header has 3"),
    ]
    assert raw.n_read == 5


def test_stray_quote_falls_back_to_exact_reader(tmp_path):
    # a quote inside an unquoted field is literal (as in Excel and Python's csv)
    text = 'a,b\n1,5"10 tall\n2,x\n3,"q\nr"\n'
    raw = read_raw(write(tmp_path, text.encode()))
    assert cols(raw) == [["1", "2", "3"], ['5"10 tall', "x", "q\nr"]]
    assert raw.lines.tolist() == [2, 3, 4]


def test_header_only_has_zero_rows(tmp_path):
    raw = read_raw(write(tmp_path, b"a,b\n"))
    assert raw.header == ["a", "b"] and raw.n_read == 0 and cols(raw) == [[], []]


@pytest.mark.parametrize("value,text", [
    (dt.datetime(2025, 2, 3), "2025-02-03"),
    (dt.datetime(2025, 2, 3, 8, 30), "2025-02-03 08:30:00"),
    (dt.date(2025, 2, 3), "2025-02-03"), (12.0, "12"), (123, "123"), (0.25, "0.25"),
    (True, "TRUE"), (False, "FALSE"), (None, ""), ("Peña", "Peña"),
])
def test_cell_text(value, text):
    assert cell_text(value) == text


@pytest.mark.slow
def test_xlsx_first_sheet_rows_and_sheet_row_numbers(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["schoolNumber", "date", "name", None])
    ws.append([123, dt.datetime(2025, 2, 3), "Peña", None])
    ws.append([None, None, None])
    ws.append([45, 45691, "x"])
    other = wb.create_sheet("second")
    other.append(["ignored"])
    p = tmp_path / "s.xlsx"
    wb.save(p)
    raw = read_raw(p)
    assert raw.header == ["schoolNumber", "date", "name"]
    assert cols(raw) == [["123", "45"], ["2025-02-03", "45691"], ["Peña", "x"]]
    assert raw.lines.tolist() == [2, 4]


def test_xlsx_extra_cells_right_of_header_make_a_bad_row(tmp_path):
    wb = openpyxl.Workbook()
    wb.active.append(["a", "b"])
    wb.active.append([1, 2, "stray"])
    p = tmp_path / "s.xlsx"
    wb.save(p)
    raw = read_raw(p)
    assert raw.n_read == 1
    assert raw.bad_rows[0][:2] == (2, "too many fields: 3 fields, the header has 2")


def test_corrupt_xlsx_is_an_error(tmp_path):
    with pytest.raises(ExtractError, match="cannot be opened as an Excel workbook"):
        read_raw(write(tmp_path, b"not a zip", "s.xlsx"))


def test_empty_xlsx_is_an_error(tmp_path):
    p = tmp_path / "s.xlsx"
    openpyxl.Workbook().save(p)
    with pytest.raises(ExtractError, match="the first sheet is empty"):
        read_raw(p)


# ---- the record split's shortcuts (no CR / no quote in the file) equal the general split ----


def _record_starts_general(data: bytes):
    """The split with every scan done (the definition the shortcuts must agree with)."""
    arr = np.frombuffer(data, dtype=np.uint8)
    breaks = np.flatnonzero(arr == 10)
    crs = np.flatnonzero(arr == 13)
    if len(crs):
        after = arr[np.minimum(crs + 1, len(arr) - 1)]
        breaks = np.union1d(breaks, crs[(crs + 1 >= len(arr)) | (after != 10)])
    quotes = np.flatnonzero(arr == 34)
    terms = breaks[np.searchsorted(quotes, breaks) % 2 == 0]
    starts = np.concatenate(([0], terms + 1))
    ends = np.concatenate((terms, [len(arr)]))
    crlf = (ends > starts) & (arr[np.maximum(ends - 1, 0)] == 13)
    keep = ends - starts - crlf > 0
    starts, ends = starts[keep], ends[keep]
    return starts, ends, np.searchsorted(breaks, starts, side="left") + 1


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"a", b",", b"1", b" ", b"\n", b"\r\n", b"\r", b'"']),
                min_size=1, max_size=30).map(b"".join))
def test_record_split_shortcuts_equal_general_split(data):
    got, want = _record_starts(data), _record_starts_general(data)
    for g, w in zip(got, want, strict=True):
        assert g.tolist() == w.tolist()


def test_blank_is_empty_or_whitespace_only():
    col = pa.array(["", " ", "\t\u00a0", "x", " x "])
    assert _blank(col).to_pylist() == [True, True, True, False, False]


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"a", b",", b"1", b" ", b"\t", b"\n", b"\n", b"\r\n", b'"']),
                min_size=1, max_size=30).map(b"".join).filter(lambda d: not d.isspace()))
def test_layout_counts_lines_as_the_general_split_locates_them(data):
    starts, ends, lines = _record_starts_general(data)
    first = 0
    while not data[starts[first]:ends[first]].strip():
        first += 1
    body = int(starts[first + 1]) if len(starts) > first + 1 else len(data)
    head_start, head_end, body_start, body_lines = _layout(data)
    assert (head_start, head_end, body_start) == (starts[first], ends[first], body)
    assert body_lines.tolist() == lines[first + 1:].tolist()


from mtcollect_nb.load.decode import _UTF8_SEQ, has_utf8_sequence  # noqa: E402


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=12) | st.lists(
    st.sampled_from([b"a", b"\n", b"\x80", b"\xbf", b"\xc1", b"\xc2", b"\xdf", b"\xe0", b"\xef",
                     b"\xf0", b"\xf4", b"\xf5", b"\xff"]), max_size=10).map(b"".join))
def test_utf8_sequence_found_as_the_regex_finds_it(data):
    assert has_utf8_sequence(data) == (_UTF8_SEQ.search(data) is not None)
    assert has_utf8_sequence(bytearray(data)) == (_UTF8_SEQ.search(data) is not None)

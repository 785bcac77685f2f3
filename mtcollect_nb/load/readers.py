r"""Raw reading of one extract file (CSV or first sheet of an xlsx) into text columns.

The reader knows nothing of types: it finds the file, decodes it (UTF-8 with or without BOM,
UTF-16 with BOM, else Windows-1252), sniffs the delimiter from the header line (comma, tab,
semicolon), and returns every field as text with the physical line on which its record starts
(header = line 1; for xlsx the sheet row). Rows with the wrong number of fields come back as
``bad_rows`` (line, reason) so the loader can reject them instead of dropping them.

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "x.csv").write_bytes("id;name\n1;Peña\n".encode("cp1252"))
    >>> raw = read_raw(d / "x.csv")
    >>> raw.header, raw.columns[1].to_pylist(), raw.lines.tolist()
    (['id', 'name'], ['Peña'], [2])
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load.xlsx import read_xlsx_rows

DELIMITERS: tuple[str, ...] = (",", "\t", ";")
ENCODINGS_TRIED = "UTF-8, UTF-16 or Windows-1252"
_NL, _CR, _QUOTE = 10, 13, 34


@dataclass
class RawTable:
    """The text of one file: header fields, one string column per header field, source lines.

    Attributes:
        path: the file read.
        header: header fields as written (BOM removed, surrounding spaces stripped).
        columns: one ``pa.Array`` of strings per header field (blank = ``""``, never null).
        lines: int64 line (xlsx: sheet row) on which each row starts.
        bad_rows: ``(line, reason, text)`` of rows that do not split into the header's fields.
    """

    path: Path
    header: list[str]
    columns: list[pa.Array]
    lines: np.ndarray
    bad_rows: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def n_read(self) -> int:
        """Data rows read: good rows plus bad rows."""
        return len(self.lines) + len(self.bad_rows)


def read_raw(path: Path) -> RawTable:
    r"""Read ``path`` (``.csv`` or ``.xlsx``) as text columns; ExtractError if it cannot be read.

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
        >>> _ = p.write_text('a,b\n1,"x,\ny"\n\n2,z\n')
        >>> r = read_raw(p); r.columns[1].to_pylist(), r.lines.tolist()
        (['x,\ny', 'z'], [2, 5])
    """
    if path.suffix.lower() == ".xlsx":
        header, rows, lines = read_xlsx_rows(path)
        raw = _merge_ragged(_from_rows(path, header, [], [], []), rows, lines,
                            [",".join(r) for r in rows])
    else:
        raw = _read_csv(path, _to_utf8(path, path.read_bytes()))
    return _drop_blank_rows(raw)


def _drop_blank_rows(raw: RawTable) -> RawTable:
    """Drop rows whose every field is blank (Excel leaves ``,,,,`` lines below the data)."""
    if not raw.columns or len(raw.lines) == 0:
        return raw
    blank = _blank(raw.columns[0])
    if not pc.any(blank).as_py():
        return raw
    for col in raw.columns[1:]:
        blank = pc.and_(blank, _blank(col))
    keep = pc.invert(blank)
    raw.columns = [c.filter(keep) for c in raw.columns]
    raw.lines = raw.lines[keep.to_numpy(zero_copy_only=False)]
    return raw


def _blank(col: pa.Array) -> pa.Array:
    """Whether each value is empty or whitespace only (as ``utf8_trim_whitespace(v) == ""``)."""
    return pc.or_(pc.equal(pc.binary_length(col), 0), pc.utf8_is_space(col))


def _to_utf8(path: Path, data: bytes) -> bytes:
    """The file's bytes as UTF-8 without BOM, or ExtractError when it is not text."""
    if data[:4] == b"PK\x03\x04":
        raise ExtractError(f"{path}: this is an Excel workbook saved under a .csv name; "
                           f"save it as CSV or rename it {path.stem}.xlsx")
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise ExtractError(f"{path}: this is an old Excel .xls file; save it as .xlsx or CSV")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16").encode("utf-8")
        except UnicodeDecodeError as err:
            raise ExtractError(f"{path}: not valid UTF-16 text ({err.reason})") from None
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    if b"\x00" in data[:65536]:
        raise ExtractError(f"{path}: not a text file (binary data); export it again as CSV")
    if data.isascii():
        return data
    try:
        data.decode("utf-8")
        return data
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252").encode("utf-8")
    except UnicodeDecodeError:
        raise ExtractError(f"{path}: cannot be decoded as {ENCODINGS_TRIED}; export it again "
                           "as CSV (UTF-8)") from None


def _record_starts(data: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start offset, end offset and line of every non-empty record (quote-parity split).

    A line break ends a record when an even number of quote characters precedes it. This is
    exact for well-formed CSV; :func:`_read_csv` cross-checks the record count with pyarrow.
    Files without CR or quote characters skip those scans (``bytes.find`` is cheap).
    """
    arr = np.frombuffer(data, dtype=np.uint8)
    breaks = np.flatnonzero(arr == _NL)
    has_cr = data.find(b"\r") >= 0
    if has_cr:
        crs = np.flatnonzero(arr == _CR)
        after = arr[np.minimum(crs + 1, len(arr) - 1)]
        lone = crs[(crs + 1 >= len(arr)) | (after != _NL)]
        if len(lone):  # a CR not followed by LF ends a line too (old Mac files)
            breaks = np.union1d(breaks, lone)
    if data.find(b'"') >= 0:
        quotes = np.flatnonzero(arr == _QUOTE)
        terms = breaks[np.searchsorted(quotes, breaks) % 2 == 0]
    else:
        terms = breaks
    starts = np.concatenate(([0], terms + 1))
    ends = np.concatenate((terms, [len(arr)]))
    length = ends - starts
    if has_cr:
        length -= (length > 0) & (arr[np.maximum(ends - 1, 0)] == _CR)
    keep = length > 0
    starts, ends = starts[keep], ends[keep]
    if terms is breaks:  # every break ends a record: record i starts on line i + 1
        lines = np.flatnonzero(keep) + 1
    else:
        lines = np.searchsorted(breaks, starts, side="left") + 1
    return starts, ends, lines.astype("int64")


def _layout(data: bytes) -> tuple[int, int, int, np.ndarray]:
    """Header start and end offset, body start offset and the line of every body record.

    The header is the first record that is not whitespace only. A file without CR, quote
    or blank line has one record per line: the lines are counted, not located.
    """
    arr = np.frombuffer(data, dtype=np.uint8)
    simple = data.find(b"\r") < 0 and data.find(b'"') < 0 and arr[0] != _NL
    if simple:
        breaks = arr == _NL
        simple = not (breaks[1:] & breaks[:-1]).any()
    if not simple:
        starts, ends, lines = _record_starts(data)
        first = 0
        while not data[starts[first]:ends[first]].strip():
            first += 1  # whitespace-only lines above the header
        body = int(starts[first + 1]) if len(starts) > first + 1 else len(data)
        return int(starts[first]), int(ends[first]), body, lines[first + 1:]
    n_lines = int(np.count_nonzero(breaks)) + (arr[-1] != _NL)
    start, line = 0, 1
    while True:
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if data[start:end].strip():
            break
        start, line = end + 1, line + 1  # whitespace-only lines above the header
    return start, end, min(end + 1, len(data)), np.arange(line + 1, n_lines + 1, dtype="int64")


def _sniff(header_line: str) -> str:
    counts = [header_line.count(d) for d in DELIMITERS]
    return DELIMITERS[int(np.argmax(counts))] if max(counts) else ","


def _read_csv(path: Path, data: bytes) -> RawTable:
    """``data`` (valid UTF-8: what :func:`_to_utf8` returns) split into text columns."""
    if not data or data.isspace():  # (bytes.strip() would copy the file)
        raise ExtractError(f"{path}: file is empty (no header row)")
    head_start, head_end, body_start, body_lines = _layout(data)
    head_text = data[head_start:head_end].decode("utf-8").rstrip("\r")
    delim = _sniff(head_text.split("\n", 1)[0])
    header = next(csv.reader(io.StringIO(head_text), delimiter=delim))
    header = [h.strip() for h in header]
    names = [f"f{i}" for i in range(len(header))]
    invalid: list[tuple[int | None, str]] = []

    quoted = data.find(b'"', body_start) >= 0  # else no quoting, no line break in a value

    def on_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append((row.number, row.text))
        return "skip"

    def read(threads: bool) -> pa.Table:
        invalid.clear()
        return pacsv.read_csv(
            pa.py_buffer(data)[body_start:],
            read_options=pacsv.ReadOptions(column_names=names, use_threads=threads),
            parse_options=pacsv.ParseOptions(delimiter=delim, newlines_in_values=quoted,
                                             quote_char='"' if quoted else False,
                                             invalid_row_handler=on_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()), strings_can_be_null=False,
                quoted_strings_can_be_null=False, check_utf8=False))  # _to_utf8 checked it

    try:
        table = read(True)
        if invalid:
            table = read(False)  # serial reading numbers the invalid rows
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return _read_csv_exact(path, data, header, delim)
    if table.num_rows + len(invalid) != len(body_lines):
        return _read_csv_exact(path, data, header, delim)
    cols = [table.column(i).combine_chunks() for i in range(len(names))]
    if not invalid:
        return RawTable(path, header, cols, body_lines)
    numbers = np.array([n for n, _ in invalid], dtype="int64") - 1
    good = np.ones(len(body_lines), dtype=bool)
    good[numbers] = False
    rows = [next(csv.reader(io.StringIO(text), delimiter=delim)) if text.strip() else []
            for _, text in invalid]
    raw = RawTable(path, header, cols, body_lines[good])
    return _merge_ragged(raw, rows, body_lines[numbers].tolist(), [t for _, t in invalid])


def _read_csv_exact(path: Path, data: bytes, header: list[str], delim: str) -> RawTable:
    """Slow exact path (Python csv): stray quotes made the fast record split disagree."""
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=delim)
    rows: list[list[str]] = []
    lines: list[int] = []
    prev = 0
    seen_header = False
    for rec in reader:
        start, prev = prev + 1, reader.line_num
        if not "".join(rec).strip():
            continue
        if not seen_header:
            seen_header = True
            continue
        rows.append(rec)
        lines.append(start)
    empty = RawTable(path, header, [pa.array([], pa.string())] * len(header),
                     np.array([], dtype="int64"))
    return _merge_ragged(empty, rows, lines, [delim.join(r) for r in rows])


def _merge_ragged(raw: RawTable, rows: list[list[str]], lines: list[int],
                  texts: list[str]) -> RawTable:
    """Add rows split by Python to ``raw``: fit them to the header or list them as bad rows."""
    n = len(raw.header)
    fitted: list[list[str]] = []
    fit_lines: list[int] = []
    for rec, line, text in zip(rows, lines, texts, strict=True):
        if not "".join(rec).strip():
            continue  # blank or whitespace-only line
        if len(rec) > n and not "".join(rec[n:]).strip():
            rec = rec[:n]  # trailing empty fields
        elif len(rec) < n and not "".join(raw.header[len(rec):]).strip():
            rec = rec + [""] * (n - len(rec))  # unnamed trailing columns left out
        if len(rec) != n:
            why = "incomplete row (file cut off?)" if len(rec) < n else "too many fields"
            raw.bad_rows.append((line, f"{why}: {len(rec)} fields, the header has {n}", text))
            continue
        fitted.append(rec)
        fit_lines.append(line)
    if not fitted:
        return raw
    extra = _from_rows(raw.path, raw.header, fitted, fit_lines, [])
    all_lines = np.concatenate((raw.lines, extra.lines))
    order = np.argsort(all_lines, kind="stable")
    cols = [pa.concat_arrays([a, b]).take(pa.array(order)) for a, b in
            zip(raw.columns, extra.columns, strict=True)]
    return RawTable(raw.path, raw.header, cols, all_lines[order], raw.bad_rows)


def _from_rows(path: Path, header: list[str], rows: list[list[str]], lines: list[int],
               bad: list[tuple[int, str, str]]) -> RawTable:
    cols = [pa.array([r[i] for r in rows], pa.string()) for i in range(len(header))]
    return RawTable(path, header, cols, np.asarray(lines, dtype="int64"), bad)

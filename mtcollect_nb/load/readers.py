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
import re
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load.decode import to_utf8
from mtcollect_nb.load.limits import (
    MAX_BAD_LINES,
    MAX_RECORD_LINES,
    check_bad_lines,
    check_cells,
    check_header_width,
    read_limited,
)
from mtcollect_nb.load.records import _layout
from mtcollect_nb.load.xlsx import read_xlsx_rows

DELIMITERS: tuple[str, ...] = (",", "\t", ";")
_RAGGED = "do not have the header's fields (wrong delimiter, or another table's file?)"
_PHYSICAL = re.compile(rb"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+\Z")
#: Rows the exact reader turns into arrow columns at a time.
BATCH = 100_000
STRAY_QUOTE = ("unbalanced quote (\") on this line: only this line is rejected, the next "
               "lines were read on their own")


@dataclass
class RawTable:
    """The text of one file: header fields, one string column per header field, source lines.

    Attributes:
        path: the file read.
        header: header fields as written (BOM removed, surrounding spaces stripped).
        columns: one ``pa.Array`` of strings per header field (blank = ``""``, never null).
        lines: int64 line (xlsx: sheet row) on which each row starts.
        bad_rows: ``(line, reason, text)`` of rows that do not split into the header's fields.
        notes: loader notes on the whole file (lines read as Windows-1252, broken quotes).
    """

    path: Path
    header: list[str]
    columns: list[pa.Array]
    lines: np.ndarray
    bad_rows: list[tuple[int, str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def n_read(self) -> int:
        """Data rows read: good rows plus bad rows."""
        return len(self.lines) + len(self.bad_rows)


def read_raw(path: Path, check_header: Callable[[list[str]], object] | None = None,
             ) -> RawTable:
    r"""Read ``path`` (``.csv`` or ``.xlsx``) as text columns; ExtractError if it cannot be read.

    ``check_header`` is called with the header before the rows are read (an xlsx sheet is
    refused on a wrong header before it is expanded).

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
        >>> _ = p.write_text('a,b\n1,"x,\ny"\n\n2,z\n')
        >>> r = read_raw(p); r.columns[1].to_pylist(), r.lines.tolist()
        (['x,\ny', 'z'], [2, 5])
    """
    if path.suffix.lower() == ".xlsx":
        header, rows, lines = read_xlsx_rows(path, check_header)
        raw = _merge_ragged(_from_rows(path, header, [], [], []), rows, lines,
                            [",".join(r) for r in rows])
    else:
        data, notes = to_utf8(path, read_limited(path))
        raw = _read_csv(path, data, check_header)
        raw.notes = notes + _broken_note(raw)
    return _drop_blank_rows(raw)


def _broken_note(raw: RawTable) -> list[str]:
    """A loader note when lines were rejected for an unbalanced quote (damage limited)."""
    lines = [line for line, why, _ in raw.bad_rows
             if why == STRAY_QUOTE or why.startswith("badly quoted")]
    if not lines:
        return []
    shown = ", ".join(map(str, lines[:10])) + (f" … +{len(lines) - 10} more"
                                                if len(lines) > 10 else "")
    return [f"{len(lines)} line(s) with a broken quote (\") were rejected on their own; "
            f"the lines after each were read normally: line {shown}"]


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


def _sniff(header_line: str) -> str:
    counts = [header_line.count(d) for d in DELIMITERS]
    return DELIMITERS[int(np.argmax(counts))] if max(counts) else ","


def _read_csv(path: Path, data: bytes | bytearray,
              check_header: Callable[[list[str]], object] | None = None) -> RawTable:
    """``data`` (valid UTF-8: what :func:`decode.to_utf8` returns) split into text columns."""
    if not data or data.isspace():  # (bytes.strip() would copy the file)
        raise ExtractError(f"{path}: file is empty (no header row)")
    head_start, head_end, body_start, body_lines = _layout(data)
    head_text = data[head_start:head_end].decode("utf-8").rstrip("\r")
    delim = _sniff(head_text.split("\n", 1)[0])
    header = next(csv.reader(io.StringIO(head_text), delimiter=delim))
    header = [h.strip() for h in header]
    check_header_width(path, header)
    if check_header is not None:
        check_header(header)
    check_cells(path, len(body_lines), len(header))
    names = [f"f{i}" for i in range(len(header))]
    invalid: list[tuple[int | None, str]] = []

    quoted = data.find(b'"', body_start) >= 0  # else no quoting, no line break in a value
    if quoted and (data.count(b'"', body_start) % 2 or (
            len(body_lines) > 1 and int(np.diff(body_lines).max()) > MAX_RECORD_LINES)):
        return _read_csv_exact(path, data, header, delim)  # a stray quote: limit the damage

    def on_invalid(row: pacsv.InvalidRow) -> str:
        if len(invalid) >= MAX_BAD_LINES:
            return "error"  # stop reading (refused below): too many rows of the wrong width
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
                quoted_strings_can_be_null=False, check_utf8=False))  # to_utf8 checked it

    try:
        table = read(True)
        if invalid:
            table = read(False)  # serial reading numbers the invalid rows
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        if len(invalid) >= MAX_BAD_LINES:
            check_bad_lines(path, MAX_BAD_LINES + 1, _RAGGED)
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


class _Lines:
    """The physical lines of UTF-8 ``data`` by index, decoded one at a time (8 bytes a line).

    The exact reader restarts at any line after a broken record; holding every line as a
    Python string would cost ~100 bytes a line (gigabytes for a large file).
    """

    def __init__(self, data: bytes | bytearray) -> None:
        self.data = data
        self.starts = array("q", (m.start() for m in _PHYSICAL.finditer(data)))
        self.starts.append(len(data))

    def __len__(self) -> int:
        return len(self.starts) - 1

    def __getitem__(self, i: int) -> str:
        return self.data[self.starts[i]:self.starts[i + 1]].decode("utf-8")

    def iter_from(self, at: int) -> Iterator[str]:
        return (self[i] for i in range(at, len(self)))


def _read_csv_exact(path: Path, data: bytes | bytearray, header: list[str],
                    delim: str) -> RawTable:
    """Slow exact path (Python csv): stray quotes made the fast record split disagree.

    A record that cannot be a row (an unclosed quote at the end of the file, a badly quoted
    field, a field over the csv module's limit, or a record over several lines with the wrong
    number of fields or over :data:`MAX_RECORD_LINES` lines) costs only its first line: that
    line is a bad row and reading starts again on the next line. Rows are turned into arrow
    columns every :data:`BATCH` rows (memory: the arrow columns, not Python lists).
    """
    phys = _Lines(data)
    rows: list[list[str]] = []
    lines: list[int] = []
    bad: list[tuple[int, str, str]] = []
    parts: list[RawTable] = []

    def flush() -> None:
        empty = RawTable(path, header, [pa.array([], pa.string())] * len(header),
                         np.array([], dtype="int64"), bad)
        parts.append(_merge_ragged(empty, rows, lines, [delim.join(r) for r in rows]))
        rows.clear()
        lines.clear()

    seen_header = False
    at = 0  # index in ``phys`` where the reader (re)starts
    while at < len(phys):
        reader = csv.reader(phys.iter_from(at), delimiter=delim, strict=True)
        prev, restart = 0, None
        while True:
            start = at + prev  # 0-based physical line of the next record
            try:
                rec = next(reader)
            except StopIteration:
                break
            except csv.Error as err:
                spans = reader.line_num - prev > 1  # a quote opened and read across lines
                restart = _broken(bad, path, phys, start, STRAY_QUOTE if spans and "field "
                                  "limit" not in str(err) else str(err))
                break
            span, prev = reader.line_num - prev, reader.line_num
            if not "".join(rec).strip():
                continue
            if not seen_header:
                seen_header = True
                continue
            if span > 1 and (len(rec) != len(header) or span > MAX_RECORD_LINES):
                restart = _broken(bad, path, phys, start, STRAY_QUOTE)
                break
            rows.append(rec)
            lines.append(start + 1)
            if len(rows) >= BATCH:
                flush()
        if restart is None:
            break
        at = restart
    flush()
    cols = [pa.concat_arrays([p.columns[i] for p in parts]) for i in range(len(header))]
    return RawTable(path, header, cols, np.concatenate([p.lines for p in parts]), bad)


def _broken(bad: list[tuple[int, str, str]], path: Path, phys: _Lines, start: int,
            why: str) -> int:
    """Record physical line ``start`` as a bad row; the line where reading starts again."""
    if len(bad) >= MAX_BAD_LINES:
        raise ExtractError(f"{path}: more than {MAX_BAD_LINES:,} lines with broken quoting; "
                           "export the file again as CSV")
    if "unexpected end of data" in why:
        why = STRAY_QUOTE  # a quote opened on this line is never closed
    elif why != STRAY_QUOTE:
        why = ("field larger than the reader's limit of 131,072 characters"
               if "field limit" in why else f"badly quoted field ({why})")
    bad.append((start + 1, why, phys[start].rstrip("\r\n")[:1000]))
    return start + 1


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
            check_bad_lines(raw.path, len(raw.bad_rows), _RAGGED)
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

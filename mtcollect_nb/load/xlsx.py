"""Raw reading of the first sheet of an ``.xlsx`` extract as text cells.

Cells become the text a CSV export would hold: dates ``YYYY-MM-DD`` (a time of day is kept
after a space and dropped by the date parser), whole numbers without ``.0`` (so an ID or a code
Excel stored as a number reads back as digits), booleans ``TRUE``/``FALSE``, empty ``""``.

Example:
    >>> import datetime as dt
    >>> [cell_text(v) for v in (dt.datetime(2025, 2, 3), 12.0, 0.5, True, None, " x ")]
    ['2025-02-03', '12', '0.5', 'TRUE', '', ' x ']
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mtcollect_nb.errors import ExtractError

#: Sheets larger than this are refused before they are read (Excel's own limit is 1,048,576
#: rows; a district's largest table, attendance, fits a CSV far better).
MAX_ROWS = 1_048_576
MAX_COLUMNS = 500
#: Uncompressed size of the first sheet's XML above which the workbook is refused (a zip bomb).
MAX_SHEET_BYTES = 1 << 30


def cell_text(value: Any) -> str:
    """The CSV text of one cell value (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_xlsx_rows(path: Path, check_header: Callable[[list[str]], object] | None = None,
                   ) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, data rows (as text, padded to the header width) and sheet rows of the first sheet.

    Blank rows are skipped; the first non-blank row is the header. Cells right of the header's
    last non-blank cell are ignored when blank, and make the row bad otherwise (the caller
    checks widths), so rows may be longer than the header. ``check_header`` is called on the
    header before any data row is read. A sheet whose declared size (its dimension, or the
    uncompressed size of its XML) is over :data:`MAX_ROWS` rows, :data:`MAX_COLUMNS` columns
    or :data:`MAX_SHEET_BYTES` is refused with one line before it is read, and so is one that
    turns out longer while it is read.

    Example:
        >>> import openpyxl, tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.xlsx"
        >>> wb = openpyxl.Workbook(); wb.active.append(["id", "d"]); wb.active.append([7, None])
        >>> wb.save(p); read_xlsx_rows(p)
        (['id', 'd'], [['7', '']], [2])
    """
    import openpyxl  # slow import: only when a district sent xlsx

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
        raise ExtractError(f"{path}: cannot be opened as an Excel workbook ({err})") from None
    try:
        sheet = book.worksheets[0]
        _check_size(path, sheet)
        header: list[str] | None = None
        rows: list[list[str]] = []
        lines: list[int] = []
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            if number > MAX_ROWS:
                raise _too_big(path, f"more than {MAX_ROWS:,} rows")
            texts = [cell_text(v) for v in values]
            if not "".join(texts).strip():
                continue
            if header is None:
                while texts and not texts[-1].strip():
                    texts.pop()
                header = [t.strip() for t in texts]
                if check_header is not None:
                    check_header(header)
                continue
            width = len(header)
            if len(texts) > width and not "".join(texts[width:]).strip():
                texts = texts[:width]
            rows.append(texts + [""] * (width - len(texts)))
            lines.append(number)
    finally:
        book.close()
    if header is None:
        raise ExtractError(f"{path}: the first sheet is empty (no header row)")
    return header, rows, lines


def _too_big(path: Path, what: str) -> ExtractError:
    return ExtractError(f"{path}: the first sheet is too large to be an extract ({what}); "
                        "export the table as CSV")


def _check_size(path: Path, sheet: Any) -> None:
    """ExtractError when the sheet's declared size is over the caps (nothing is read yet)."""
    rows, cols = sheet.max_row, sheet.max_column  # the sheet's <dimension>, when it has one
    if rows is not None and rows > MAX_ROWS:
        raise _too_big(path, f"{rows:,} rows")
    if cols is not None and cols > MAX_COLUMNS and rows is not None and rows > 1:
        raise _too_big(path, f"{cols:,} columns")
    with zipfile.ZipFile(path) as archive:
        sizes = [i.file_size for i in archive.infolist()
                 if i.filename.startswith("xl/worksheets/")]
    if sizes and max(sizes) > MAX_SHEET_BYTES:
        raise _too_big(path, f"{max(sizes):,} bytes of sheet data")

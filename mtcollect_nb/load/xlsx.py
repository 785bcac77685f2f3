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
import re
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import ParseError

from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load.limits import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_SHARED_STRINGS,
    MAX_UNSIZED_SHEET,
    MAX_UNZIPPED_BYTES,
    MAX_XLSX_BYTES,
    check_file_size,
    check_header_width,
    size_text,
    too_large,
)

#: What a damaged workbook raises from inside openpyxl or zipfile while it is read.
_DAMAGED = (zipfile.BadZipFile, zlib.error, ParseError, KeyError, OSError, ValueError, EOFError)
#: Bytes of a sheet's XML searched for its ``<dimension>`` (it comes before the data).
_HEAD = 1 << 16
_DIMENSION = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(dimension|sheetData)\b")


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
    header before any data row is read. The cheap checks come first (:mod:`limits`): the
    file's size and its parts' uncompressed sizes from the zip directory (a zip bomb), a large
    sheet without a ``<dimension>``, then the sheet's declared rows and columns, all before
    openpyxl parses anything; a sheet that turns out longer than :data:`MAX_ROWS` rows while it
    is read is refused too. A ``<dimension>`` smaller than the sheet is not trusted: every row
    is read (openpyxl's read-only mode would stop at the declared last row).

    Example:
        >>> import openpyxl, tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.xlsx"
        >>> wb = openpyxl.Workbook(); wb.active.append(["id", "d"]); wb.active.append([7, None])
        >>> wb.save(p); read_xlsx_rows(p)
        (['id', 'd'], [['7', '']], [2])
    """
    import openpyxl  # slow import: only when a district sent xlsx

    _check_zip(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except _DAMAGED as err:
        raise _damaged(path, err) from None
    try:
        return _read_rows(path, book, check_header)
    except _DAMAGED as err:
        raise _damaged(path, err) from None
    finally:
        book.close()


def _damaged(path: Path, err: Exception) -> ExtractError:
    return ExtractError(f"{path}: cannot be opened as an Excel workbook ({str(err)[:200]})")


def _read_rows(path: Path, book: Any, check_header: Callable[[list[str]], object] | None,
               ) -> tuple[list[str], list[list[str]], list[int]]:
    """The header, rows and sheet rows of ``book``'s first sheet (see :func:`read_xlsx_rows`)."""
    sheet = book.worksheets[0]
    _check_size(path, sheet)
    sheet.reset_dimensions()  # read every row, not only those the dimension declares
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
            check_header_width(path, header)
            if check_header is not None:
                check_header(header)
            continue
        width = len(header)
        if len(texts) > width and not "".join(texts[width:]).strip():
            texts = texts[:width]
        rows.append(texts + [""] * (width - len(texts)))
        lines.append(number)
    if header is None:
        raise ExtractError(f"{path}: the first sheet is empty (no header row)")
    return header, rows, lines


def _too_big(path: Path, what: str) -> ExtractError:
    return ExtractError(f"{path}: the first sheet is too large to be an extract ({what}); "
                        "export the table as CSV")


def _check_zip(path: Path) -> None:
    """ExtractError when the workbook's file or parts are over the bounds (nothing parsed).

    Sizes come from the zip's directory; zipfile never unpacks a part past its declared size.
    """
    check_file_size(path, MAX_XLSX_BYTES)
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
            total = sum(p.file_size for p in parts)
            if total > MAX_UNZIPPED_BYTES:
                raise too_large(path, f"{size_text(total)} once unzipped",
                                f"{size_text(MAX_UNZIPPED_BYTES)} unzipped")
            for part in parts:
                name = part.filename.lower()
                if name.endswith("sharedstrings.xml") and part.file_size > MAX_SHARED_STRINGS:
                    raise too_large(path, f"{size_text(part.file_size)} of shared text",
                                    f"{size_text(MAX_SHARED_STRINGS)} of shared text")
                if (name.startswith("xl/worksheets/") and part.file_size > MAX_UNSIZED_SHEET
                        and not _has_dimension(archive, part)):
                    raise ExtractError(
                        f"{path}: the sheet in {part.filename} does not say its size (it has no "
                        f"<dimension>) and holds {size_text(part.file_size)} of data; open the "
                        "workbook in Excel and save it again, or export the table as CSV")
    except _DAMAGED as err:
        raise _damaged(path, err) from None


def _has_dimension(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
    """Whether a sheet's XML has a ``<dimension>`` before its data (its first 64 KiB read)."""
    with archive.open(part) as handle:
        head = handle.read(_HEAD)
    found = _DIMENSION.search(head)
    return found is not None and found.group(1) == b"dimension"


def _check_size(path: Path, sheet: Any) -> None:
    """ExtractError when the sheet's declared size is over the caps (nothing is read yet)."""
    rows, cols = sheet.max_row, sheet.max_column  # the sheet's <dimension>, when it has one
    if rows is not None and rows > MAX_ROWS:
        raise _too_big(path, f"{rows:,} rows")
    if cols is not None and cols > MAX_COLUMNS and rows is not None and rows > 1:
        raise _too_big(path, f"{cols:,} columns")

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
from pathlib import Path
from typing import Any

from mtcollect_nb.errors import ExtractError


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


def read_xlsx_rows(path: Path) -> tuple[list[str], list[list[str]], list[int]]:
    """Header, data rows (as text, padded to the header width) and sheet rows of the first sheet.

    Blank rows are skipped; the first non-blank row is the header. Cells right of the header's
    last non-blank cell are ignored when blank, and make the row bad otherwise (the caller
    checks widths), so rows may be longer than the header.

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
        header: list[str] | None = None
        rows: list[list[str]] = []
        lines: list[int] = []
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            texts = [cell_text(v) for v in values]
            if not "".join(texts).strip():
                continue
            if header is None:
                while texts and not texts[-1].strip():
                    texts.pop()
                header = [t.strip() for t in texts]
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

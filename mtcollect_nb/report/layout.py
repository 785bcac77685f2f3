"""How the workbook's sheets look: cell formats, column widths and wrapping, print setup.

Decisions (spec open), kept here:
    * Free-text columns (message, remedy, reason, value, ...) have a fixed width and wrap, so
      a finding reads without scrolling sideways; other columns fit their values up to
      :data:`MAX_WIDTH` characters and their header up to :data:`HEADER_WIDTH` (the header row
      wraps).
    * Every sheet prints landscape on US Letter, one page wide (as many pages tall as it
      needs), with its header row repeated and "District NNNN Name", the sheet and "Page n of
      N" in the footer.

Example:
    >>> column_width("remedy", 500)
    (36, True)
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

NUMBER_FORMATS = {"anbReported": "#,##0.000", "anbValidated": "#,##0.000",
                  # before the count date (issue 21): rates as %, FTE and ANB to 3 places
                  "chronicAbsenceRate": "0.0%", "fteAtRisk": "0.000", "anbAtRisk": "#,##0.000"}
SEVERITY_COLOURS = {"error": "#F8CBAD", "warning": "#FFE699", "info": "#DDEBF7"}
#: Free-text columns: fixed width (characters), wrapped, so a finding reads without scrolling.
WRAP_WIDTHS: dict[str, int] = {
    "message": 44, "remedy": 36, "reason": 44, "value": 14, "expected": 14, "field": 12,
    "collection": 12, "schoolName": 16, "studentName": 16, "courseName": 18,
    "teacherOfRecord": 20, "ctePathways": 12, "wblPartner": 14, "note": 24,
}
#: Points per line of a wrapped row (Calibri 11); rows are set to fit their wrapped text.
LINE_HEIGHT = 15
#: Characters of ordinary text per width unit (a unit is one digit; words wrap early).
CHARS_PER_UNIT = 1.25
#: Widest any other column gets (characters); longer values wrap.
MAX_WIDTH = 30
#: A header longer than this wraps instead of widening its column.
HEADER_WIDTH = 12
#: Summary sheet columns are capped here (its tables are short label/value lists).
SUMMARY_WIDTH = 40


def formats(wb: Workbook) -> dict[str, Any]:
    """The cell formats of the workbook, by name (data cells align to the top of the row)."""
    top = {"valign": "top"}
    fmt: dict[str, Any] = {
        "header": wb.add_format({"bold": True, "bg_color": "#D9E1F2", "bottom": 1,
                                 "text_wrap": True, "valign": "top"}),
        "title": wb.add_format({"bold": True, "font_size": 12}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd", **top}),
        "text": wb.add_format(top),
        "wrap": wb.add_format({"text_wrap": True, **top}),
        "number": wb.add_format(top),
    }
    for col, nf in NUMBER_FORMATS.items():
        fmt[col] = wb.add_format({"num_format": nf, **top})
    for sev, colour in SEVERITY_COLOURS.items():
        fmt[sev] = wb.add_format({"bg_color": colour})
    return fmt


def column_width(name: str, content: int) -> tuple[int, bool]:
    """A column's width (characters) and whether its cells wrap, from its longest value.

    Free-text columns (:data:`WRAP_WIDTHS`) get their fixed width and wrap; any other column
    fits its values up to :data:`MAX_WIDTH` (wrapping beyond) and its header up to
    :data:`HEADER_WIDTH` (the header row wraps).

    Example:
        >>> column_width("message", 300), column_width("ruleId", 6), column_width("x", 90)
        ((44, True), (8, False), (30, True))
    """
    if name in WRAP_WIDTHS:
        return WRAP_WIDTHS[name], True
    width = max(content, min(len(name), HEADER_WIDTH)) + 2
    return min(width, MAX_WIDTH), width > MAX_WIDTH


def print_setup(ws: Worksheet, footer: str) -> None:
    """Landscape letter, one page wide, header row on every page, district and page below."""
    ws.set_landscape()
    ws.set_paper(1)
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
    ws.set_footer(footer)


def footer_text(district_number: str, district_name: str) -> str:
    """The printed footer: district left, sheet centre, page right (``&`` escaped).

    Example:
        >>> footer_text("0123", "A & B")
        '&LDistrict 0123 A && B&C&A&RPage &P of &N'
    """
    district = f"District {district_number} {district_name}".strip().replace("&", "&&")
    return f"&L{district}&C&A&RPage &P of &N"


def wrapped_lines(text: np.ndarray, width: int) -> np.ndarray:
    r"""Lines each text takes in a wrapped column ``width`` characters wide (at least 1).

    Example:
        >>> wrapped_lines(np.array(["", "a" * 25, "x\ny"]), 12).tolist()
        [1, 3, 2]
    """
    per_line = max(int((width - 2) * CHARS_PER_UNIT), 1)
    pieces = pd.Series(text, dtype=object).str.split("\n").explode()
    lines = np.maximum(-(-pieces.str.len().fillna(0).astype("int64") // per_line), 1)
    return lines.groupby(level=0).sum().reindex(range(len(text)), fill_value=1).to_numpy()

"""How the workbook's sheets look: cell formats, column widths and wrapping, print setup.

Decisions (spec open), kept here:
    * Free-text columns (message, remedy, reason, value, ...) have a fixed width and wrap, so
      a finding reads without scrolling sideways; other columns fit their values up to
      :data:`MAX_WIDTH` characters and their header up to :data:`HEADER_WIDTH` (the header row
      wraps).
    * Every sheet prints landscape on US Letter with its header row repeated and "District
      NNNN Name", the sheet and "Page n of N" in the footer; one page wide (as many pages
      tall as it needs) when that keeps the text at :data:`MIN_PRINT_PT` or more. A sheet too
      wide for that (the Findings sheet: ~5 pt when squeezed to one page) prints at
      :data:`MIN_PRINT_SCALE` percent instead, page after page across, with its first columns
      (the rule and severity) repeated on every page (:func:`print_scale`).
    * Number columns are right-aligned and so are their headers, so a number stands under
      its header in the Summary's stacked tables (their columns are shared and wide).

Example:
    >>> column_width("remedy", 500)
    (36, True)
"""

from __future__ import annotations

from itertools import repeat
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
#: The workbook's font size (XlsxWriter's default, Calibri 11) and the smallest printed size.
FONT_PT, MIN_PRINT_PT = 11.0, 8.0
#: The print scale (percent) that keeps :data:`FONT_PT` at :data:`MIN_PRINT_PT` or more.
MIN_PRINT_SCALE = -(-int(100 * MIN_PRINT_PT) // int(FONT_PT))
_MARGINS = {"left": 0.4, "right": 0.4, "top": 0.5, "bottom": 0.6}
#: Printable width of a landscape US Letter page between the margins (points).
PRINT_WIDTH_PT = (11.0 - _MARGINS["left"] - _MARGINS["right"]) * 72
#: Columns repeated on every page of a sheet printed several pages across (rule, severity).
REPEAT_COLUMNS = 2


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
        "number": wb.add_format({"align": "right", **top}),
    }
    fmt["header_number"] = wb.add_format({"bold": True, "bg_color": "#D9E1F2", "bottom": 1,
                                          "text_wrap": True, "valign": "top", "align": "right"})
    for col, nf in NUMBER_FORMATS.items():
        fmt[col] = wb.add_format({"num_format": nf, "align": "right", **top})
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


def printed_width_pt(widths: list[float]) -> float:
    """Points the columns take on paper at 100 % (a width unit is 7 px + 5 px of padding).

    Example:
        >>> printed_width_pt([10, 10])
        112.5
    """
    return sum(0.75 * (7 * w + 5) for w in widths)


def print_scale(widths: list[float]) -> int | None:
    """The fixed print scale (percent) of a sheet too wide for one page at 8 pt, else None.

    None: fit one page wide (the text stays at :data:`MIN_PRINT_PT` or more); a number: print
    at that scale, page after page across.

    Example:
        >>> print_scale([12] * 10), print_scale([30] * 22)
        (None, 73)
    """
    fit = 100 * PRINT_WIDTH_PT / max(printed_width_pt(widths), 1.0)
    return None if fit >= MIN_PRINT_SCALE else MIN_PRINT_SCALE


def print_setup(ws: Worksheet, footer: str, widths: list[float] | None = None) -> None:
    """Landscape letter, header row on every page, district and page below.

    One page wide, or (too wide for that at 8 pt) :data:`MIN_PRINT_SCALE` % with the first
    columns repeated on every page across.
    """
    ws.set_landscape()
    ws.set_paper(1)
    scale = print_scale(widths or [])
    if scale is None:
        ws.fit_to_pages(1, 0)
    else:
        ws.set_print_scale(scale)
        ws.repeat_columns(0, min(REPEAT_COLUMNS, len(widths or [])) - 1)
        ws.print_across()
    ws.set_margins(**_MARGINS)
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
    values = np.asarray(text, dtype=object)
    if not all(map(isinstance, values, repeat(str))):  # not all text: the plain way
        return _split_lines(values, per_line)
    lengths = np.fromiter(map(len, values), dtype="int64", count=len(values))
    out = np.maximum(-(-lengths // per_line), 1)
    breaks = np.fromiter(map(str.__contains__, values, repeat("\n")), dtype=bool,
                         count=len(values))
    if breaks.any():  # a text of several lines: each line wraps on its own
        out[breaks] = _split_lines(values[breaks], per_line)
    return out


def _split_lines(text: np.ndarray, per_line: int) -> np.ndarray:
    """Wrapped lines of each text, line by line (:func:`wrapped_lines`, any values)."""
    pieces = pd.Series(text, dtype=object).str.split("\n").explode()
    lines = np.maximum(-(-pieces.str.len().fillna(0).astype("int64") // per_line), 1)
    return lines.groupby(level=0).sum().reindex(range(len(text)), fill_value=1).to_numpy()

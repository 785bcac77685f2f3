"""Issue 20 item 5: the workbook reads as it should, on screen and on paper.

The Summary's numbers stand under their headers (both right-aligned), and every sheet prints
at 8 pt or more (the Findings sheet squeezed to one page wide was ~5 pt): read back through
openpyxl, with the printed size computed from the column widths and the page setup written.
"""

from __future__ import annotations

import openpyxl
import pytest
from openpyxl.utils import get_column_letter
from test_workbook import make_run, write_book

from mtcollect_nb.report import layout

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    path = write_book(make_run(n_findings=40), tmp_path_factory.mktemp("wb") / "findings.xlsx")
    return openpyxl.load_workbook(path)


def printed_font_pt(ws) -> float:
    """The font size on paper: 11 pt times the scale Excel prints the sheet at."""
    ps = ws.page_setup
    if ws.sheet_properties.pageSetUpPr is not None and ws.sheet_properties.pageSetUpPr.fitToPage:
        assert ps.fitToWidth in (None, 1)  # one page wide: Excel shrinks to the page
        widths = []
        for i in range(1, ws.max_column + 1):
            dim = ws.column_dimensions[get_column_letter(i)]
            widths.append(dim.width if dim.width else 8.43)
        width_pt = sum(0.75 * 7 * w for w in widths)  # the file's width includes the padding
        scale = min(1.0, (11 - 0.4 - 0.4) * 72 / width_pt)
    else:
        scale = (ps.scale or 100) / 100
    return layout.FONT_PT * scale


def test_every_sheet_prints_at_8_pt_or_more(book: openpyxl.Workbook) -> None:
    for ws in book.worksheets:
        assert printed_font_pt(ws) >= layout.MIN_PRINT_PT, ws.title
        assert ws.page_setup.orientation == "landscape", ws.title


def test_the_wide_findings_sheet_prints_across_with_rule_and_severity_repeated(
        book: openpyxl.Workbook) -> None:
    ws = book["Findings"]
    assert ws.page_setup.scale == layout.MIN_PRINT_SCALE
    assert not ws.sheet_properties.pageSetUpPr or not ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_cols == "$A:$B" and ws.print_title_rows == "$1:$1"
    assert [ws.cell(1, c).value for c in (1, 2)] == ["ruleId", "severity"]
    assert ws.page_setup.pageOrder == "overThenDown"
    assert book["Summary"].sheet_properties.pageSetUpPr.fitToPage  # narrow: one page wide


def test_summary_numbers_stand_under_their_headers(book: openpyxl.Workbook) -> None:
    ws = book["Summary"]
    rows = list(ws.iter_rows())
    checked = 0
    for r, row in enumerate(rows):
        for cell in row:
            if isinstance(cell.value, int | float) and not isinstance(cell.value, bool):
                header = next(rows[h][cell.column - 1] for h in range(r - 1, -1, -1)
                              if rows[h][cell.column - 1].font.b)
                assert cell.alignment.horizontal == "right", cell.coordinate
                assert header.alignment.horizontal == "right", (cell.coordinate, header.value)
                checked += 1
            elif isinstance(cell.value, str) and cell.font.b and cell.value in (
                    "value", "item", "ruleId", "file"):
                assert cell.alignment.horizontal in (None, "general", "left"), cell.coordinate
    assert checked > 10

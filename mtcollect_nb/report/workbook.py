"""The findings workbook (``findings.xlsx``) and the machine-readable tables of one district run.

Sheets, in order: Summary, Findings, ANB, Absences, CTE, Rejected rows (spec/outputs.md), then
Reconcile (only with an ``ic_counts`` file) and Since last run (the run's collection window,
:mod:`mtcollect_nb.window.finished`), each with a frozen header row and (the data sheets) an
autofilter. Free-text columns wrap at fixed widths and every sheet prints landscape, one page
wide, its header row on every page and the district and page number in the footer. Every text
cell is written with ``write_string`` (a value starting with ``=`` stays text), IDs stay text,
and the file is written to a temporary file in the same folder and renamed into place, so a
crash never leaves half a workbook. A sheet with more rows than Excel holds continues on
"Findings (2)" etc., noted on the Summary.

What the district added to the previous workbook is carried as it was: its own columns on
Findings (after ``note``, by ``findingKey``) and its own sheets (after ours; cell values, text
always as text). A note longer than a cell is cut with a marker
(:mod:`mtcollect_nb.window.notes`: the whole note is in the history record).

Example:
    >>> import tempfile
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> from mtcollect_nb.checks.run import run_from_analysis
    >>> from mtcollect_nb.window.finished import finish
    >>> from mtcollect_nb.window.keys import with_keys
    >>> run = with_keys(run_from_analysis(tiny_analysis()))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write_workbook(finish(run, d), Path(d) / "f.xlsx").name
    'f.xlsx'
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import xlsxwriter
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from mtcollect_nb.checks.text import text_values
from mtcollect_nb.columns import (
    FINDING_KEY,
    FINDINGS_SHEET_COLUMNS,
    NOTE,
)
from mtcollect_nb.files import atomic_path
from mtcollect_nb.outputs import TABLE_FILES
from mtcollect_nb.report import summary as ws_sum
from mtcollect_nb.report.layout import (
    LINE_HEIGHT,
    SEVERITY_COLOURS,
    SUMMARY_WIDTH,
    column_width,
    footer_text,
    formats,
    print_setup,
    wrapped_lines,
)
from mtcollect_nb.report.sheets import exact, sheet_frames
from mtcollect_nb.window.notes import cell_notes

if TYPE_CHECKING:
    from mtcollect_nb.window.finished import FinishedRun

#: Data rows one Excel sheet holds below its header (patched small in tests).
MAX_DATA_ROWS = 1_048_575
WORKBOOK_OPTIONS: dict[str, Any] = {
    "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
    # XML parts zipped from memory: no temporary file per part (the cells are held in memory
    # anyway), and fixed 1980-01-01 part timestamps
    "in_memory": True,
}
#: Columns always written as text although they may hold numbers (IDs, codes).
TEXT_SUFFIXES: tuple[str, ...] = ("ID", "Number")
SINCE_SHEET = "Since last run"


def write_workbook(finished: FinishedRun, path: Path) -> Path:
    """Write ``findings.xlsx`` atomically: the run's findings with its collection window.

    The run is written as it is (keyed, and masked when its parameters ask:
    :func:`mtcollect_nb.window.finished.finish` refuses any other).

    Returns:
        ``path``. The previous workbook there stays intact if anything fails.
    """
    run, window = finished.run, finished.window
    path = Path(path)
    frames = sheet_frames(run, window.findings, window.calls)
    frames["Findings"] = _with_own_columns(frames["Findings"], window.findings,
                                           window.own_columns)
    parts = {name: _chunks(df) for name, df in frames.items()}
    continued = pd.DataFrame(
        [(name, f"{name} ({i + 1})", len(chunk)) for name, chunks in parts.items()
         for i, chunk in enumerate(chunks) if i],
        columns=list(ws_sum.CONTINUED_COLUMNS))
    blocks = ws_sum.summary_blocks(finished, continued)
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS)
        try:
            fmt = formats(wb)
            footer = footer_text(run.params.district_number, run.params.district_name)
            _write_summary(wb, wb.add_worksheet("Summary"), blocks, fmt, footer)
            for name, chunks in parts.items():
                for i, chunk in enumerate(chunks):
                    ws = wb.add_worksheet(name if i == 0 else f"{name} ({i + 1})")
                    _write_sheet(ws, chunk, fmt, footer)
            since = [ws_sum.Block(b.title, _cut_notes(b.frame))
                     for b in ws_sum.since_blocks(window, finished.params.season)]
            _write_blocks(wb.add_worksheet(SINCE_SHEET), since, fmt, footer)
            for sheet in window.own_sheets:
                _write_own_sheet(wb.add_worksheet(sheet.name), sheet.rows, fmt)
        finally:
            wb.close()
    return path


def _with_own_columns(sheet: pd.DataFrame, findings: pd.DataFrame,
                      own: tuple[str, ...]) -> pd.DataFrame:
    """The Findings sheet, notes fitted to a cell, then the district's own columns by key."""
    out = _cut_notes(sheet)
    if own:
        typed = findings.drop_duplicates(FINDING_KEY).set_index(FINDING_KEY)
        cells = {c: out[FINDING_KEY].map(typed[c]).fillna("").astype(object) for c in own
                 if c not in out.columns}  # a column of ours is never replaced
        out = pd.concat([out, pd.DataFrame(cells, index=out.index)], axis=1)
    return out


def _cut_notes(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(**{NOTE: cell_notes(df[NOTE])}) if NOTE in df.columns else df


def _write_own_sheet(ws: Worksheet, rows: tuple[tuple[Any, ...], ...],
                     fmt: dict[str, Any]) -> None:
    """A sheet the district added, cell values as they were (text never a formula)."""
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool):
                ws.write_boolean(r, c, value)
            elif isinstance(value, int | float) and np.isfinite(value):
                ws.write_number(r, c, value)
            elif isinstance(value, dt.datetime | dt.date):
                ws.write_datetime(r, c, value, fmt["date"])
            else:
                ws.write_string(r, c, str(value))


def _chunks(df: pd.DataFrame) -> list[pd.DataFrame]:
    """``df`` in pieces of at most :data:`MAX_DATA_ROWS` rows (one piece if it fits)."""
    n = max(1, -(-len(df) // MAX_DATA_ROWS))
    return [df.iloc[i * MAX_DATA_ROWS:(i + 1) * MAX_DATA_ROWS] for i in range(n)]


def _is_text(col: str, s: pd.Series) -> bool:
    return (col.endswith(TEXT_SUFFIXES) or pd.api.types.is_bool_dtype(s)
            or not (pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s)))


def _write_column(ws: Worksheet, row0: int, c: int, name: str, s: pd.Series,
                  fmt: dict[str, Any], text: np.ndarray, text_fmt: Any) -> None:
    """Write one column's values below ``row0`` (``text``: :func:`text_values` of ``s``).

    Text goes through ``write_string`` only (never the type-guessing ``write``); blanks and
    NA are left empty. Values are taken from numpy arrays, not cell by cell from pandas.
    """
    if _is_text(name, s):
        write_string, cell_fmt = ws.write_string, text_fmt
        at = np.flatnonzero(text != "")
        for row, value in zip((at + row0).tolist(), text[at].tolist(), strict=True):
            write_string(row, c, value, cell_fmt)
    elif pd.api.types.is_datetime64_any_dtype(s):
        write_datetime, date_fmt = ws.write_datetime, fmt["date"]
        at = np.flatnonzero(s.notna().to_numpy())
        for row, day in zip((at + row0).tolist(), s.array[at], strict=True):
            write_datetime(row, c, day.to_pydatetime(), date_fmt)
    else:
        write_number, num_fmt = ws.write_number, fmt.get(name, fmt["number"])
        values = pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        at = np.flatnonzero(np.isfinite(values))
        for row, value in zip((at + row0).tolist(), values[at].tolist(), strict=True):
            write_number(row, c, value, num_fmt)


def _write_table(ws: Worksheet, row0: int, df: pd.DataFrame, fmt: dict[str, Any],
                 widths: dict[int, int], wrap: bool = True) -> int:
    """Header at ``row0`` and data below; returns the last row written; updates ``widths``.

    With ``wrap``, free-text and over-long columns get a fixed width and wrapped cells.
    """
    lines = np.ones(len(df), dtype="int64")
    for c, col in enumerate(df.columns):
        number = not _is_text(str(col), df[col]) and not pd.api.types.is_datetime64_any_dtype(
            df[col])  # right-aligned as its numbers are (layout.py)
        ws.write_string(row0, c, str(col), fmt["header_number" if number else "header"])
        text = text_values(df[col])
        content = max(map(len, text), default=0)
        width, wrapped = column_width(str(col), content)
        if not wrap:
            width, wrapped = max(len(str(col)), min(content, SUMMARY_WIDTH)) + 2, False
        _write_column(ws, row0 + 1, c, str(col), df[col], fmt, text,
                      fmt["wrap"] if wrapped else fmt["text"])
        widths[c] = max(widths.get(c, 0), width)
        if wrapped:
            lines = np.maximum(lines, wrapped_lines(text, width))
    for row in np.flatnonzero(lines > 1).tolist():  # explicit heights: not every reader fits
        ws.set_row(row0 + 1 + row, LINE_HEIGHT * int(lines[row]))
    return row0 + len(df)


def _write_sheet(ws: Worksheet, df: pd.DataFrame, fmt: dict[str, Any], footer: str) -> None:
    widths: dict[int, int] = {}
    last = _write_table(ws, 0, df, fmt, widths)
    ncol = max(len(df.columns), 1)
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, last, ncol - 1)
    ws.repeat_rows(0)
    print_setup(ws, footer, [widths[c] for c in sorted(widths)])
    for c, w in widths.items():
        ws.set_column(c, c, w)
    if "severity" in df.columns and len(df):
        c = list(df.columns).index("severity")
        for sev in SEVERITY_COLOURS:
            ws.conditional_format(1, c, last, c, {"type": "cell", "criteria": "equal to",
                                                  "value": f'"{sev}"', "format": fmt[sev]})


def _write_summary(wb: Workbook, ws: Worksheet, blocks: list[ws_sum.Block],
                   fmt: dict[str, Any], footer: str) -> None:
    """The Summary's blocks (:func:`_write_blocks`) and its native charts to the right."""
    widths, where = _write_blocks(ws, blocks, fmt, footer)
    _add_charts(wb, ws, where, col=max(widths, default=0) + 2)


def _write_blocks(ws: Worksheet, blocks: list[ws_sum.Block], fmt: dict[str, Any], footer: str
                  ) -> tuple[dict[int, int], dict[str, tuple[int, pd.DataFrame]]]:
    """Blocks one below the other (the first row frozen, no filter: they are not one table).

    Returns the column widths and, per block title, its header row and frame.
    """
    widths: dict[int, int] = {}
    where: dict[str, tuple[int, pd.DataFrame]] = {}
    row = 0
    for k, block in enumerate(blocks):
        if k:
            ws.write_string(row, 0, block.title, fmt["title"])
            row += 1
        where[block.title] = (row, block.frame)
        last = _write_table(ws, row, block.frame, fmt, widths, wrap=False)
        if k == 0:
            ws.freeze_panes(1, 0)
        row = last + 2
    print_setup(ws, footer, [min(widths[c], SUMMARY_WIDTH) for c in sorted(widths)])
    for c, w in widths.items():
        ws.set_column(c, c, min(w, SUMMARY_WIDTH))
    return widths, where


def _add_charts(wb: Workbook, ws: Worksheet, where: dict[str, tuple[int, pd.DataFrame]],
                col: int) -> None:
    """Native charts: findings per rule; ANB reported vs validated per budget unit."""
    top = 1
    r0, df = where[ws_sum.BY_RULE_BLOCK]
    if len(df):
        ch = wb.add_chart({"type": "bar"})
        ch.add_series(_series(ws, r0, df, "ruleId", "findings", "#C00000"))
        ch.set_title({"name": "Findings per rule"})
        ch.set_legend({"none": True})
        ch.set_y_axis({"reverse": True})
        ch.set_size({"width": 560, "height": max(300, 22 * len(df) + 80)})
        ws.insert_chart(top, col, ch)
        top += max(16, len(df) + 6)
    r0, df = where[ws_sum.BUDGET_UNIT_BLOCK]
    if len(df):
        ch = wb.add_chart({"type": "column"})
        # ANB (a spring run), else the season's count (a fall run has no ANB: the fall count)
        pair, what = next(((p, w) for p, w in ((("anbReported", "anbValidated"), "ANB"),
                                               (tuple(df.columns[-2:]), "Count"))
                           if set(p) <= set(df.columns)))
        ch.add_series(_series(ws, r0, df, "budgetUnit", pair[0], "#8EA9DB"))
        ch.add_series(_series(ws, r0, df, "budgetUnit", pair[1], "#375623"))
        ch.set_title({"name": f"{what} reported vs validated per budget unit"})
        ws.insert_chart(top, col, ch)


def _series(ws: Worksheet, r0: int, df: pd.DataFrame, cat: str, val: str,
            colour: str) -> dict[str, Any]:
    cols = list(df.columns)
    cc, vc, last = cols.index(cat), cols.index(val), r0 + len(df)
    name = ws.get_name()
    return {"name": [name, r0, vc], "categories": [name, r0 + 1, cc, last, cc],
            "values": [name, r0 + 1, vc, last, vc], "fill": {"color": colour}}


def write_tables(finished: FinishedRun, out_dir: Path) -> dict[str, Path]:
    """findings/anb/budget_units ``.parquet`` and ``summary.json`` for the statewide rollup.

    The findings have the rerun columns (the run's collection window). Returns the paths
    written, by the names of :data:`mtcollect_nb.outputs.TABLE_FILES`.
    """
    run = finished.run
    out = Path(out_dir)
    season = run.params.season  # the season's count columns (fallCountReported...)
    frames = {
        "findings": exact("findings", finished.window.findings, FINDINGS_SHEET_COLUMNS),
        "anb": exact("anb", run.analysis.anb_table, season.anb_columns),
        "budget_units": exact("budget_units", run.analysis.budget_units,
                              season.budget_unit_columns),
    }
    written: dict[str, Path] = {}
    for name, df in frames.items():
        written[name] = _write_atomic(out / TABLE_FILES[name], partial(_parquet, df))
    text = json.dumps(ws_sum.summary_json(finished), indent=2, sort_keys=True)
    written["summary"] = _write_atomic(out / TABLE_FILES["summary"],
                                       lambda p: p.write_text(text + "\n", encoding="utf-8"))
    return written


def _parquet(df: pd.DataFrame, path: Path) -> None:
    df.to_parquet(path, index=False)


def _write_atomic(path: Path, write: Callable[[Path], object]) -> Path:
    with atomic_path(path) as tmp:
        write(tmp)
    return path

"""The explorer's findings grid: fixed row height, scrolling, chosen columns, one full record.

A plain HTML grid inside an ipywidgets ``HTML`` (no extra front-end extension to install or
to fail): every row is one line high (long text is cut with an ellipsis and shown whole on
hover), the header stays on top while the grid scrolls, and the finding picked below the grid
is shown in full, field by field. The columns that matter come first (:data:`FIRST_COLUMNS`).

Example:
    >>> f = pd.DataFrame({"ruleId": ["ANB-01"], "message": ["absent 11 days"], "x": [""]})
    >>> grid_columns(f)
    ['ruleId', 'message', 'x']
    >>> "absent 11 days" in record_html(f.iloc[0])
    True
"""

from __future__ import annotations

import html
from collections.abc import Sequence

import pandas as pd

#: The columns that matter first in the grid, in this order; the rest follow.
FIRST_COLUMNS: tuple[str, ...] = (
    "ruleId", "severity", "schoolNumber", "schoolName", "stateID", "studentName", "field",
    "value", "expected", "message", "remedy",
)
#: Columns shown when the grid opens (the others can be ticked on).
DEFAULT_COLUMNS: tuple[str, ...] = ("ruleId", "severity", "schoolName", "studentName",
                                    "field", "value", "message")
ROW_HEIGHT_PX = 26
GRID_HEIGHT_PX = 420
#: Widest a grid column gets (px); the message and remedy get more.
WIDTHS_PX: dict[str, int] = {"message": 420, "remedy": 320, "schoolName": 170,
                             "studentName": 170, "value": 140, "expected": 140, "field": 140}
DEFAULT_WIDTH_PX = 110
_CELL = (f"height:{ROW_HEIGHT_PX}px;max-height:{ROW_HEIGHT_PX}px;white-space:nowrap;"
         "overflow:hidden;text-overflow:ellipsis;padding:2px 6px;border-bottom:1px solid #e5e5e5")


def grid_columns(findings: pd.DataFrame) -> list[str]:
    """The findings' columns, those of :data:`FIRST_COLUMNS` first (in that order)."""
    first = [c for c in FIRST_COLUMNS if c in findings.columns]
    return first + [c for c in findings.columns if c not in first]


def grid_columns_frame(findings: pd.DataFrame) -> pd.DataFrame:
    """``findings`` with its columns in grid order (:func:`grid_columns`), rows 0..n-1."""
    return findings[grid_columns(findings)].reset_index(drop=True)


def _text(df: pd.DataFrame) -> pd.DataFrame:
    """Every value as display text: blanks for missing, dates as YYYY-MM-DD."""
    out = {}
    for c in df.columns:
        s = df[c]
        if pd.api.types.is_datetime64_any_dtype(s):
            out[c] = s.dt.strftime("%Y-%m-%d").fillna("")
        else:
            out[c] = s.astype(object).where(s.notna(), "").astype(str)
    return pd.DataFrame(out, index=df.index)


def grid_html(findings: pd.DataFrame, columns: Sequence[str], selected: int | None = None,
              empty: str = "No finding matches.") -> str:
    """The grid: ``#`` (row number, 1-based) and ``columns``; row ``selected`` highlighted.

    Example:
        >>> f = pd.DataFrame({"ruleId": ["ANB-01", "ANB-04"], "message": ["a<b", "c"]})
        >>> g = grid_html(f, ["message"], selected=1)
        >>> "a&lt;b" in g, g.count("<tr"), "ANB-01" in g
        (True, 3, False)
    """
    if findings.empty:
        return f"<p><i>{html.escape(empty)}</i></p>"
    cols = [c for c in columns if c in findings.columns]
    text = _text(findings[cols])
    head = "".join(
        f'<th style="{_CELL};width:{WIDTHS_PX.get(c, DEFAULT_WIDTH_PX)}px;position:sticky;'
        f'top:0;background:#D9E1F2;text-align:left">{html.escape(c)}</th>' for c in cols)
    rows = []
    for i, values in enumerate(text.itertuples(index=False, name=None)):  # shown rows only
        shade = ' style="background:#fff3c4"' if i == selected else ""
        cells = "".join(f'<td style="{_CELL}" title="{html.escape(v)}">{html.escape(v)}</td>'
                        for v in values)
        rows.append(f'<tr{shade}><td style="{_CELL}">{i + 1}</td>{cells}</tr>')
    return (f'<div class="mtcollect-grid" style="max-height:{GRID_HEIGHT_PX}px;overflow:auto;'
            'border:1px solid #ccd"><table style="table-layout:fixed;border-collapse:collapse;'
            f'font-size:12px"><thead><tr><th style="{_CELL};width:40px;position:sticky;top:0;'
            f'background:#D9E1F2">#</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody>'
            "</table></div>")


def record_html(record: pd.Series) -> str:
    """One finding in full: every field and its value, wrapped (blank fields left out)."""
    text = _text(record.to_frame().T).iloc[0]
    rows = "".join(f"<tr><th style='text-align:left;padding:2px 8px;vertical-align:top'>"
                   f"{html.escape(str(k))}</th><td style='padding:2px 8px;white-space:normal'>"
                   f"{html.escape(v)}</td></tr>" for k, v in text.items() if v != "")
    return f"<table class='mtcollect-record'>{rows}</table>"


def pick_options(findings: pd.DataFrame) -> list[tuple[str, int]]:
    """The finding picker below the grid: ``"# ruleId student-or-school"`` -> row position.

    Example:
        >>> pick_options(pd.DataFrame({"ruleId": ["ANB-01"], "stateID": ["S1"],
        ...                            "studentName": ["Doe, Jo"], "schoolNumber": ["0001"]}))
        [('1 ANB-01 S1 Doe, Jo', 0)]
    """
    if findings.empty:
        return []
    t = _text(findings.reindex(columns=["ruleId", "stateID", "studentName", "schoolNumber",
                                        "sectionID"]).fillna(""))
    who = (t["stateID"] + " " + t["studentName"]).str.strip()
    who = who.where(who != "", ("school " + t["schoolNumber"]).where(t["schoolNumber"] != "", ""))
    label = (pd.Series(range(1, len(t) + 1), index=t.index).astype(str) + " " + t["ruleId"]
             + " " + who).str.strip()
    return list(zip(label.tolist(), range(len(t)), strict=True))

"""Loader notes on ID columns: state IDs that Excel shortened (leading zeros lost).

District, school, grade and role codes have a fixed width and are restored by the loader
(``schemas.normalize_code``). State IDs have no width in the contract, so a shortened one
cannot be restored safely; it is *reported*: it will not match the same student in another
file (fall count, ESA list). Notes name lines, never the IDs themselves (they are PII).

Example:
    >>> ids = ["012345678", "123456789", "223456789", "323456789", "23456789", "T-1"]
    >>> df = pd.DataFrame({"stateID": ids, "_line": [2, 3, 4, 5, 6, 7]})
    >>> short_id_notes({"students": df}, {"students": "students.csv"})["note"].tolist()
    ['1 value(s) have fewer digits than the usual 9 (leading zeros lost in Excel?): line 6']
"""

from __future__ import annotations

import pandas as pd

from mtcollect_nb.columns import LINE, NOTE_COLUMNS

#: Text ID columns whose values have one width within a district's export.
ID_COLUMNS: tuple[tuple[str, str], ...] = (
    ("students", "stateID"), ("fall_count", "stateID"), ("esa_participants", "stateID"),
    ("staff", "staffStateID"),
)
MIN_WIDTH = 6  # shorter "usual" widths are local numbers, not state IDs
USUAL_SHARE = 0.8  # the usual width must hold at least this share of the digit-only values
MAX_LINES = 10


def short_id_notes(tables: dict[str, pd.DataFrame], files: dict[str, str]) -> pd.DataFrame:
    """One note per ID column where digit-only values are shorter than the column's usual width."""
    rows = []
    for table, col in ID_COLUMNS:
        df = tables.get(table)
        if df is None or col not in df.columns or df.empty:
            continue
        text = df[col].astype(str).str.strip()
        digits = text.str.fullmatch(r"\d+")
        lengths = text[digits].str.len()
        if lengths.empty:
            continue
        usual = int(lengths.mode().max())
        if usual < MIN_WIDTH or (lengths == usual).mean() < USUAL_SHARE:
            continue
        short = digits & (text.str.len() < usual)
        if short.any():
            lines = df.loc[short, LINE].astype(int).tolist()
            more = f" … +{len(lines) - MAX_LINES} more" if len(lines) > MAX_LINES else ""
            shown = ", ".join(map(str, lines[:MAX_LINES]))
            rows.append((files.get(table, f"{table}.csv"), col,
                         f"{len(lines)} value(s) have fewer digits than the usual {usual} "
                         f"(leading zeros lost in Excel?): line {shown}{more}"))
    return pd.DataFrame(rows, columns=list(NOTE_COLUMNS))

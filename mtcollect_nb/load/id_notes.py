"""Loader notes on ID columns: state IDs that Excel shortened (leading zeros lost).

District, school, grade and role codes have a fixed width and are restored by the loader
(``typed.normalize_code``). State IDs have no width in the contract, so a shortened one
cannot be restored from its own file; it is *reported*: it will not match the same student in
another file (fall count, ESA list). Where another file shows the ID with its zeros, it is
restored before these notes (:mod:`mtcollect_nb.load.lost_zeros`). Notes name lines, never the
IDs themselves (they are PII).

Example:
    >>> ids = ["012345678", "123456789", "223456789", "323456789", "23456789", "T-1"]
    >>> df = pd.DataFrame({"stateID": ids, "_line": [2, 3, 4, 5, 6, 7]})
    >>> short_id_notes({"students": df}, {"students": "students.csv"})["note"].tolist()
    ['1 value(s) have fewer digits than the usual 9 (leading zeros lost in Excel?): line 6']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from mtcollect_nb.columns import LINE, NOTE_COLUMNS

#: Text ID columns whose values have one width within a district's export.
ID_COLUMNS: tuple[tuple[str, str], ...] = (
    ("students", "stateID"), ("fall_count", "stateID"), ("esa_participants", "stateID"),
    ("staff", "staffStateID"),
)
MIN_WIDTH = 6  # shorter "usual" widths are local numbers, not state IDs
USUAL_SHARE = 0.8  # the usual width must hold at least this share of the digit-only values
MAX_LINES = 10
#: What ``str.strip`` removes from ASCII text.
_ASCII_SPACE = " \t\n\x0b\x0c\r\x1c\x1d\x1e\x1f"


def _digits_and_lengths(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    r"""Whether each value, stripped, is all digits, and its stripped length in characters.

    ASCII text (the usual case) is measured by pyarrow; anything else by Python's ``str``
    methods (``\d`` and ``strip`` know Unicode), which define the result.

    Example:
        >>> [a.tolist() for a in _digits_and_lengths(pd.Series([" 012 ", "T-1", ""]))]
        [[True, False, False], [3, 3, 0]]
    """
    arr = None
    if values.dtype == object:
        try:
            arr = pa.array(values.to_numpy(), type=pa.string(), from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            arr = None
    if arr is None or arr.null_count or not pc.all(pc.string_is_ascii(arr)).as_py():
        text = values.astype(str).str.strip()
        return (text.str.fullmatch(r"\d+").to_numpy(dtype=bool),
                text.str.len().to_numpy(dtype="int64"))
    text = pc.ascii_trim(arr, _ASCII_SPACE)
    return (pc.ascii_is_decimal(text).to_numpy(zero_copy_only=False),
            pc.binary_length(text).to_numpy(zero_copy_only=False).astype("int64"))


#: A number as Excel shows it in scientific notation (``1.2E+08``): the digits are lost.
_SCIENTIFIC = r"\s*[0-9](?:\.[0-9]+)?[eE]\+?[0-9]{1,3}\s*"


def lines_text(lines: list[int]) -> str:
    """The first lines of a note (``2, 3, 4 … +7 more``)."""
    more = f" … +{len(lines) - MAX_LINES} more" if len(lines) > MAX_LINES else ""
    return ", ".join(map(str, lines[:MAX_LINES])) + more


def scientific_notes(df: pd.DataFrame, col: str, file: str) -> list[tuple[str, str, str]]:
    """A note when IDs are written in scientific notation (``1.2E+08``: Excel lost the digits).

    Example:
        >>> df = pd.DataFrame({"stateID": ["1.2E+08", "123456789"], "_line": [2, 3]})
        >>> scientific_notes(df, "stateID", "students.csv")[0][2][:45]
        '1 value(s) are numbers in scientific notation'
    """
    text = df[col].astype("string")
    try:  # only a value with an e can be one: the regex runs on those alone
        has_e = pc.fill_null(pc.match_substring_regex(pa.array(text), "[eE]"), False)
        maybe = has_e.to_numpy(zero_copy_only=False)
    except (pa.ArrowException, UnicodeError):  # text pyarrow cannot hold: every value
        maybe = np.ones(len(text), dtype=bool)
    sci = np.zeros(len(text), dtype=bool)
    if maybe.any():
        sci[maybe] = text[maybe].str.fullmatch(_SCIENTIFIC).fillna(False).to_numpy(dtype=bool)
    if not sci.any():
        return []
    lines = df[LINE].to_numpy()[sci].astype(int).tolist()
    return [(file, col, f"{len(lines)} value(s) are numbers in scientific notation (like "
                        "1.2E+08): Excel lost the ID's digits, so they match no other file; "
                        "export again with the column formatted as text: "
                        f"line {lines_text(lines)}")]


def short_id_notes(tables: dict[str, pd.DataFrame], files: dict[str, str]) -> pd.DataFrame:
    """One note per ID column where digit-only values are shorter than the column's usual width.

    IDs in scientific notation (``1.2E+08``) get a note of their own (:func:`scientific_notes`).
    """
    rows = []
    for table, col in ID_COLUMNS:
        df = tables.get(table)
        if df is None or col not in df.columns or df.empty:
            continue
        rows += scientific_notes(df, col, files.get(table, f"{table}.csv"))
        digits, length = _digits_and_lengths(df[col])
        if not digits.any():
            continue
        counts = np.bincount(length[digits])
        usual = int(np.flatnonzero(counts == counts.max()).max())  # widest of the modes
        if usual < MIN_WIDTH or counts[usual] / digits.sum() < USUAL_SHARE:
            continue
        short = digits & (length < usual)
        if short.any():
            lines = df[LINE].to_numpy()[short].astype(int).tolist()
            rows.append((files.get(table, f"{table}.csv"), col,
                         f"{len(lines)} value(s) have fewer digits than the usual {usual} "
                         f"(leading zeros lost in Excel?): line {lines_text(lines)}"))
    return pd.DataFrame(rows, columns=list(NOTE_COLUMNS))

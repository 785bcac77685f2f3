"""Notes longer than an Excel cell: cut in the cell with a marker, kept whole in ``history/``.

Excel holds at most 32,767 characters in a cell (XlsxWriter would cut the rest silently). A
longer note is written as its beginning followed by :data:`NOTE_MARKER`; the whole note is in
this run's history record. The next run reads the cell, sees the marker and takes the whole
note back from the record, as long as the district left the cell's beginning as it was (an
edited cell is taken as typed, without the marker).

Example:
    >>> long = "x" * 40_000
    >>> cell = cell_notes(pd.Series([long, "short"]))
    >>> len(cell[0]) == EXCEL_CELL_CHARS and cell[0].endswith(NOTE_MARKER), cell[1]
    (True, 'short')
    >>> back = pd.DataFrame({"findingKey": ["K"], "note": [long]})
    >>> whole_notes(cell.iloc[:1], pd.Series(["K"]), back)[0] == long
    True
"""

from __future__ import annotations

import pandas as pd

from mtcollect_nb.columns import FINDING_KEY, NOTE

#: The most characters Excel holds in one cell.
EXCEL_CELL_CHARS = 32_767
#: Ends a note cut to fit its cell.
NOTE_MARKER = " [... note cut here: the whole note is kept in history/ and comes back next run]"


def cell_notes(notes: pd.Series) -> pd.Series:
    """Notes as written in a cell: a note over :data:`EXCEL_CELL_CHARS` cut, with the marker."""
    text = notes.fillna("").astype(str)
    long = text.str.len() > EXCEL_CELL_CHARS
    if not long.any():
        return text.astype(object)
    head = EXCEL_CELL_CHARS - len(NOTE_MARKER)
    return text.where(~long, text.str.slice(0, head) + NOTE_MARKER).astype(object)


def whole_notes(notes: pd.Series, keys: pd.Series, back: pd.DataFrame) -> pd.Series:
    """Notes read from cells, each cut one replaced by the whole note the history kept.

    ``back``: the notes earlier runs kept, by ``findingKey`` (:func:`carry.remembered`). A cut
    note whose beginning was edited keeps what was typed (the marker removed).
    """
    text = notes.fillna("").astype(str)
    cut = text.str.endswith(NOTE_MARKER)
    if not cut.any():
        return notes
    kept = back.drop_duplicates(FINDING_KEY, keep="last").set_index(FINDING_KEY)[NOTE] \
        if len(back) else pd.Series(dtype=object)
    head = text[cut].str.slice(0, -len(NOTE_MARKER))
    whole = keys[cut].map(kept).fillna("").astype(str)
    same = pd.Series([w.startswith(h) and len(w) > len(h)
                      for w, h in zip(whole, head, strict=True)], index=head.index, dtype=bool)
    out = text.copy()
    out[cut] = whole.where(same, head)
    return out.astype(object)

"""Loader notes on a file's columns: what was read instead of what, what is not used, and codes.

Nothing is dropped silently (spec/extracts.md, "The export as IC writes it"): a header that
names a column another header already gives is kept as an extra column and named here; a
recognised header whose meaning is not used (``excludeEnrollment``) is said, with how many rows
have it set; a column the rules need that the file lacks says which checks cannot run; values
of a coded column (``programs.program``) that the checks do not know are counted.

Example:
    >>> from mtcollect_nb.load.contract import TABLES
    >>> df = pd.DataFrame({"program": ["ESA", "ESA-MT", "ESA-MT", "504"]})
    >>> code_notes(df, TABLES["programs"], {"program"})[0][1][:52]
    '3 value(s) are not codes the checks know (ESA, MYC, '
"""

from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from mtcollect_nb.load import header_names
from mtcollect_nb.load.contract import Table
from mtcollect_nb.load.headers import HeaderMatch, printable
from mtcollect_nb.load.parse import TRUE_WORDS

MAX_SHOWN = 10


def header_notes(matches: list[HeaderMatch], text: dict[str, pa.Array],
                 ) -> list[tuple[str, str]]:
    """Notes on headers kept instead of read, and on recognised headers that are not used."""
    column_of = {m.header: m.column for m in matches if m.column}
    notes = []
    for m in matches:
        if m.instead:
            column = column_of.get(m.instead, "")
            notes.append((column, f"header {printable(m.header, 40)!r} also names {column}: "
                          f"{printable(m.instead, 40)!r} was read and "
                          f"{printable(m.header, 40)!r} is kept as an extra column"))
        why = header_names.not_used(m.header) if m.column is None else None
        if why is not None:
            arr = text.get(m.header, text.get(f"{m.header} (not used)"))
            set_rows = 0 if arr is None else pc.sum(pc.is_in(
                pc.utf8_upper(pc.utf8_trim_whitespace(arr)),
                value_set=pa.array(sorted(TRUE_WORDS)))).as_py() or 0
            notes.append((m.header, f"{printable(m.header, 40)!r} recognised, not used: "
                          f"{why} ({set_rows} row(s) have it set)"))
    return notes


def lacking_note(table: Table, lacking: tuple[str, ...]) -> list[tuple[str, str]]:
    """A note for the columns the rules need that the file does not have."""
    if not lacking:
        return []
    return [(", ".join(lacking), f"no {', '.join(lacking)} column: the checks that read "
             f"{table.name}.csv do not run (the Summary lists them); a file with only the "
             "diploma fields (IC's Graduation table) is read, but it cannot be checked")]


def code_notes(frame: pd.DataFrame, table: Table, present: set[str]) -> list[tuple[str, str]]:
    """Per coded column in the file: values the checks do not know, counted (rows are kept)."""
    notes = []
    for col in table.columns:
        if not col.codes or col.name not in present or col.name not in frame.columns:
            continue
        distinct = frame[col.name].value_counts(dropna=True)  # few codes: worked out on these
        text = pd.Series(distinct.index.astype(str), index=distinct.index).str.strip()
        other = (text != "") & ~text.str.upper().isin(col.codes)
        if not other.any():
            continue
        counts = distinct[other.to_numpy()].groupby(text[other].to_numpy()).sum().sort_values(
            ascending=False, kind="mergesort")
        shown = ", ".join(f"{printable(str(v), 30)!r} ({n})"
                          for v, n in counts.head(MAX_SHOWN).items())
        more = f" … +{len(counts) - MAX_SHOWN} more" if len(counts) > MAX_SHOWN else ""
        notes.append((col.name, f"{int(counts.sum())} value(s) are not codes the checks know "
                      f"({', '.join(col.codes)}): {shown}{more}; the rows are kept (a "
                      f"district's own code can be mapped with the parameters' values:)"))
    return notes

"""Small-count suppression for statewide tables: primary plus complementary suppression.

OPI does not publish counts of fewer than 10 students. Hiding a small cell is not enough when
the table (or another table of the same publication) also shows a total: the total minus the
other published cells gives the hidden value back. The approach, in one place:

1. **Primary**: a student count with ``0 < |value| < 10`` is shown as ``"<10"``. Zero is shown:
   it identifies no student.
2. **Complementary**: the caller declares *groups* of cells tied by an additive identity (parts
   and their total, ``validated = reported + difference``, the same total in two tables). While
   any group holds exactly one suppressed cell, the smallest non-zero published cell of that
   group is suppressed too and shown as ``"*"``; this repeats until no group has exactly one
   hidden cell, so no identity can be solved for a single hidden value.

This is the usual cell-suppression heuristic (as in NCES and state-agency practice); it is not
an optimal linear-programming audit, so groups must list every identity the publication shows.

Example:
    >>> values = pd.Series({("t", "a", "n"): 4.0, ("t", "b", "n"): 40.0,
    ...                     ("t", "c", "n"): 56.0, ("t", "Total", "n"): 100.0})
    >>> status = suppression_status(values, [list(values.index)])
    >>> status.tolist()
    ['primary', 'complementary', '', '']
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import numpy as np
import pandas as pd

THRESHOLD = 10
SMALL = "<10"
COMPLEMENTARY = "*"
PRIMARY, SECONDARY, PUBLISHED = "primary", "complementary", ""
_MARK = {PRIMARY: SMALL, SECONDARY: COMPLEMENTARY}

Cell = tuple[str, Hashable, str]  # (table, row label, column)


def table_cells(name: str, df: pd.DataFrame, columns: Sequence[str]) -> pd.Series:
    """The protected cells of one table as a float Series keyed ``(name, row, column)``.

    Example:
        >>> df = pd.DataFrame({"n": [3, 12]}, index=["a", "b"])
        >>> table_cells("t", df, ["n"]).to_dict()
        {('t', 'a', 'n'): 3.0, ('t', 'b', 'n'): 12.0}
    """
    long = df[list(columns)].astype("float64").stack(future_stack=True)
    long.index = pd.MultiIndex.from_tuples([(name, r, c) for r, c in long.index])
    return long


def column_groups(name: str, rows: Sequence[Hashable], total: Hashable,
                  columns: Sequence[str]) -> list[list[Cell]]:
    """One group per column: the ``rows`` (parts) and their ``total`` row.

    Example:
        >>> column_groups("t", ["a", "b"], "Total", ["n"])
        [[('t', 'a', 'n'), ('t', 'b', 'n'), ('t', 'Total', 'n')]]
    """
    return [[(name, r, c) for r in [*rows, total]] for c in columns]


def row_groups(name: str, rows: Sequence[Hashable], columns: Sequence[str]) -> list[list[Cell]]:
    """One group per row over ``columns`` that are tied by an identity (e.g. a - b = c).

    Example:
        >>> row_groups("t", ["a"], ["x", "y", "d"])
        [[('t', 'a', 'x'), ('t', 'a', 'y'), ('t', 'a', 'd')]]
    """
    return [[(name, r, c) for c in columns] for r in rows]


def suppression_status(values: pd.Series, groups: Sequence[Sequence[Cell]],
                       threshold: float = THRESHOLD) -> pd.Series:
    """Status of every cell: ``"primary"``, ``"complementary"`` or ``""`` (published).

    Args:
        values: cell values keyed like the group members (see :func:`table_cells`).
        groups: cells tied by an additive identity; members not in ``values`` are ignored.
        threshold: counts with ``0 < |value| < threshold`` are suppressed.
    """
    v = values.astype("float64")
    small = (v.abs() < threshold) & (v != 0)
    status = pd.Series(np.where(small, PRIMARY, PUBLISHED), index=v.index, dtype=object)
    members = [[c for c in g if c in v.index] for g in groups]
    changed = True
    while changed:
        changed = False
        for group in members:
            hidden = status.loc[group] != PUBLISHED
            if int(hidden.sum()) != 1:
                continue
            pick = _complement(v.loc[group][~hidden.to_numpy()])
            if pick is not None:
                status.loc[[pick]] = SECONDARY
                changed = True
    return status


def _complement(candidates: pd.Series) -> Hashable | None:
    """The published cell to hide next: the smallest non-zero one, else the smallest."""
    if candidates.empty:
        return None
    mag = candidates.abs()
    nonzero = mag[mag > 0]
    return (nonzero if len(nonzero) else mag).idxmin()


def mark(name: str, df: pd.DataFrame, columns: Sequence[str], status: pd.Series,
         decimals: int | Mapping[str, int] = 0) -> pd.DataFrame:
    """``df`` with suppressed cells of ``columns`` replaced by ``"<10"`` or ``"*"``.

    Published values are rounded to ``decimals`` (per column if a mapping; 0 gives whole
    numbers); marked columns become object dtype.

    Example:
        >>> df = pd.DataFrame({"n": [3, 12]}, index=["a", "b"])
        >>> st = suppression_status(table_cells("t", df, ["n"]), [])
        >>> mark("t", df, ["n"], st)["n"].tolist()
        ['<10', 12]
    """
    out = df.copy()
    for c in columns:
        keys = [(name, r, c) for r in df.index]
        st = status.reindex(keys).fillna(PUBLISHED).to_numpy()
        d = decimals.get(c, 0) if isinstance(decimals, Mapping) else decimals
        rounded = df[c].astype("float64").round(d)
        shown = (rounded.astype("Int64") if d == 0 else rounded).astype(object)
        out[c] = np.where(st == PUBLISHED, shown, pd.Series(st).map(_MARK).to_numpy())
    return out


def published_numbers(name: str, df: pd.DataFrame, columns: Sequence[str],
                      status: pd.Series) -> pd.DataFrame:
    """``df`` with suppressed cells set to NaN: the only numbers a figure may be built from.

    Example:
        >>> df = pd.DataFrame({"n": [3, 12]}, index=["a", "b"])
        >>> st = suppression_status(table_cells("t", df, ["n"]), [])
        >>> published_numbers("t", df, ["n"], st)["n"].tolist()
        [nan, 12.0]
    """
    out = df.copy()
    for c in columns:
        keys = [(name, r, c) for r in df.index]
        st = status.reindex(keys).fillna(PUBLISHED).to_numpy()
        out[c] = df[c].astype("float64").where(st == PUBLISHED)
    return out

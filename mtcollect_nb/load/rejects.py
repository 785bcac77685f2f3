"""Rejected rows of one file: DQ-03 (unparseable or impossible), DQ-02 (missing parent), DQ-01.

Every check takes the typed values of the file's rows (:class:`RowValues`) and the rows still
kept, rejects rows into :class:`Rejects` (file, line, column, value, reason, rule) and returns
the rows it keeps. Rows already rejected are never candidates again, so each row has one
rejection (its first reason; several unparseable values of one row are joined).

Example:
    >>> r = Rejects("x.csv")
    >>> r.add("DQ-03", np.array([3]), "date", ["2025-02-30"], "not a valid date")
    >>> r.frame()[["file", "line", "ruleId"]].values.tolist()
    [['x.csv', 3, 'DQ-03']]
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from mtcollect_nb.columns import REJECTED_COLUMNS, RULE_ID
from mtcollect_nb.load.contract import Table
from mtcollect_nb.load.fast import first_copies, isin_known
from mtcollect_nb.load.headers import HeaderMatch
from mtcollect_nb.load.limits import MAX_REJECTED, too_many_rejected
from mtcollect_nb.load.parse import ROW_CHECKS, ColumnParse

REJ_COLS = (*REJECTED_COLUMNS, RULE_ID)


class Rejects:
    """Rejected rows of one file, collected as column lists (few rows)."""

    def __init__(self, file: str, path: Path | None = None) -> None:
        self.file = file
        self.path = path or Path(file)
        self.parts: list[pd.DataFrame] = []
        self.notes: list[tuple[str, str]] = []  # loader notes: (column, note)
        self.headers: list[HeaderMatch] = []  # how each header field was read

    def add(self, rule: str, lines: np.ndarray, column: list[str] | str,
            value: list[str], reason: list[str] | str) -> None:
        """Reject the rows on ``lines`` (column, value and reason per row or for all)."""
        if len(lines):
            self.parts.append(pd.DataFrame({
                "file": self.file, "line": np.asarray(lines, dtype="int64"), "column": column,
                "value": value, "reason": reason, RULE_ID: rule}, columns=list(REJ_COLS)))

    def count(self) -> int:
        """How many rows of the file are rejected."""
        return sum(len(p) for p in self.parts)

    def reserve(self, n: int, why: object) -> None:
        """ExtractError before ``n`` more rejected rows would pass :data:`MAX_REJECTED`."""
        if n and self.count() + n > MAX_REJECTED:
            raise too_many_rejected(self.path, str(why))

    def frame(self) -> pd.DataFrame:
        """All rejected rows of the file, in line order."""
        if not self.parts:
            return pd.DataFrame({c: pd.Series([], dtype="object") for c in REJ_COLS})
        out = pd.concat(self.parts, ignore_index=True)
        return out.sort_values("line", kind="stable", ignore_index=True)


class RowValues(dict[str, Any]):
    """Typed values of every row by column name, computed on first use (row checks, keys)."""

    def __init__(self, parsed: list[ColumnParse]) -> None:
        super().__init__()
        self.parsed = {p.column.name: p for p in parsed}

    def __missing__(self, col: str) -> Any:
        self[col] = self.parsed[col].values()
        return self[col]


def raw_values(text: dict[str, pa.Array], col: str, rows: np.ndarray) -> list[str]:
    """The text of ``col`` on ``rows`` as the file has it (blank when the file lacks it)."""
    if col not in text:
        return [""] * len(rows)
    return [str(v) for v in text[col].take(pa.array(rows, pa.int64())).to_pylist()]


def reject_unparseable(cols: RowValues, lines: np.ndarray, parsed: list[ColumnParse],
                        text: dict[str, pa.Array], name: str, rej: Rejects) -> np.ndarray:
    """DQ-03: a value that does not parse, a blank required value, or an impossible row."""
    problems: list[tuple[str, np.ndarray, object]] = [(p.column.name, p.bad(), p) for p in parsed
                                                      if p.any_bad()]
    for check in ROW_CHECKS.get(name, ()):
        problems.append((check.column, np.asarray(check.bad(cols), dtype=bool), check.reason))
    bad = np.zeros(len(lines), dtype=bool)
    for _, mask, _ in problems:
        bad |= mask
    rows = np.flatnonzero(bad)
    if not len(rows):
        return ~bad
    rej.reserve(len(rows), "a value that cannot be read")
    column = np.full(len(rows), "", dtype=object)
    value = np.full(len(rows), "", dtype=object)
    reason = np.full(len(rows), "", dtype=object)
    for col, mask, why in problems:
        hit = np.flatnonzero(mask[rows])
        if not len(hit):
            continue
        texts = np.array(why.reasons_of(rows[hit]) if isinstance(why, ColumnParse)
                         else [str(why)] * len(hit), dtype=object)
        new = column[hit] == ""
        column[hit[new]] = col
        value[hit[new]] = np.array(raw_values(text, col, rows[hit[new]]), dtype=object)
        reason[hit] = np.where(new, texts, reason[hit] + "; also " + col + ": " + texts)
    rej.add("DQ-03", lines[rows], list(column), list(value), list(reason))
    return ~bad


def reject_duplicates(cols: RowValues, lines: np.ndarray, keep: np.ndarray,
                       table: Table, text: dict[str, pa.Array],
                       rej: Rejects) -> np.ndarray:
    """DQ-01: second and later rows with the key of an earlier row that is used.

    Rows already rejected (DQ-02/03) are not candidates, so when the first copy of a key is
    rejected the next valid copy is used (rules.md decisions); the reason names the line used
    and whether earlier copies were rejected.
    """
    ok = np.ones(len(lines), dtype=bool)
    if not table.key or not keep.any():
        return ok
    key = list(table.key)
    cand = np.flatnonzero(keep)
    whole = len(cand) == len(keep)
    first = first_copies([cols[k] if whole else cols[k][cand] for k in key])
    dup = first != np.arange(len(cand))
    if not dup.any():
        return ok
    rows = cand[dup]
    rej.reserve(len(rows), "a duplicate key")
    ok[rows] = False
    shown = [k for k in key if k in text] or key  # a key column the file lacks (the daily
    raw_vals = [raw_values(text, k, rows) for k in shown]  # form's periodID) is not shown
    value = [", ".join(vs) for vs in zip(*raw_vals, strict=True)]
    reason = [f"duplicate key: the same {' + '.join(shown)} as line {int(line)} (the copy on "
              f"line {int(line)} is used)" for line in lines[cand[first[dup]]]]
    rej.add("DQ-01", lines[rows], " + ".join(shown), value, reason)
    return ok


def note_used_copies(cols: RowValues, lines: np.ndarray, keep: np.ndarray,
                      table: Table, rej: Rejects) -> None:
    """Add "the copy on line N is used" to DQ-02/03 rows whose key a used row has."""
    bad = [p for p in rej.parts if p[RULE_ID].iloc[0] in ("DQ-02", "DQ-03")]
    if not table.key or not bad or not keep.any():
        return
    key = list(table.key)
    vals = [pd.Series(cols[k]) for k in key]
    known = ~pd.concat(vals, axis=1).isna().any(axis=1).to_numpy()
    rows = np.concatenate((np.flatnonzero(keep), np.flatnonzero(~keep & known)))
    first = first_copies([v.to_numpy()[rows] for v in vals])
    n_used = int(keep.sum())
    hit = first[n_used:] < n_used
    used_line = dict(zip(lines[rows[n_used:][hit]].tolist(),
                         lines[rows[first[n_used:][hit]]].tolist(), strict=True))
    for part in bad:
        extra = part["line"].map(used_line)
        has = extra.notna().to_numpy()
        if has.any():
            part.loc[has, "reason"] = (part.loc[has, "reason"] + "; the copy on line "
                                       + extra[has].astype("int64").astype(str) + " is used")


def reject_orphans(cols: RowValues, lines: np.ndarray, keep: np.ndarray,
                    table: Table, parents: dict[str, pd.DataFrame],
                    parent_files: dict[str, str], text: dict[str, pa.Array],
                    rej: Rejects) -> np.ndarray:
    """DQ-02: a reference to a parent row that is not among the parent's used rows."""
    ok = np.ones(len(lines), dtype=bool)
    for ref in table.references:
        if ref.parent not in parents:
            continue  # optional parent not provided: not checked
        values = cols[ref.column]
        missing = keep & ok & ~isin_known(values, parents[ref.parent][ref.parent_column])
        missing &= ~np.asarray(pd.isna(values), dtype=bool)
        rows = np.flatnonzero(missing)
        if not len(rows):
            continue
        reason = (f"{ref.column} not found in {parent_files.get(ref.parent, ref.parent)} "
                  f"(no {ref.parent_column} with this value was loaded)")
        rej.reserve(len(rows), reason)
        ok[rows] = False
        value = raw_values(text, ref.column, rows)
        rej.add("DQ-02", lines[rows], ref.column, value, reason)
    return ok


@dataclass
class RowReject:
    """Rows a table-specific check rejects: rule, row mask, column, reason (text or per row)."""

    rule: str
    mask: np.ndarray
    column: str
    reason: str | np.ndarray


@dataclass
class FileRows:
    """What a table-specific check sees: the file's typed values, text, and the parents."""

    file: str
    cols: RowValues
    text: dict[str, pa.Array]
    parents: dict[str, pd.DataFrame]
    parent_files: dict[str, str]


#: A check of rows that needs more than their own values (another table, the header).
RowRule = Callable[[FileRows], list[RowReject]]


def reject_by(rules: tuple[RowRule, ...], rows: FileRows, lines: np.ndarray,
              keep: np.ndarray, rej: Rejects) -> np.ndarray:
    """Apply table-specific ``rules`` to the kept rows; the rows still kept after them."""
    ok = np.ones(len(lines), dtype=bool)
    for check in rules:
        for r in check(rows):
            hit = np.asarray(r.mask, dtype=bool) & keep & ok
            at = np.flatnonzero(hit)
            if not len(at):
                continue
            rej.reserve(len(at), r.reason if isinstance(r.reason, str) else r.column)
            ok[at] = False
            reason = (r.reason if isinstance(r.reason, str)
                      else [str(x) for x in np.asarray(r.reason, dtype=object)[at]])
            rej.add(r.rule, lines[at], r.column, raw_values(rows.text, r.column, at), reason)
    return ok

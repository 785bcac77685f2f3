"""Load a district's extract folder into a :class:`~mtcollect_nb.load.bundle.Bundle`.

For each table of :data:`contract.LOAD_ORDER`: find ``NAME.csv`` or ``NAME.xlsx``, read it as
text (:mod:`mtcollect_nb.load.readers`), map the header to contract names, parse every column
(:mod:`mtcollect_nb.load.parse`), then reject rows: unparseable or impossible values (DQ-03),
repeated keys (DQ-01, second and later copies), references to a missing parent (DQ-02, checked
against the parent's *used* rows). Every data row is used or rejected, never dropped.

Example:
    >>> import tempfile, pathlib
    >>> from mtcollect_nb.testing import make_bundle
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> write_bundle(make_bundle(students=[{"personID": 1}, {"personID": 1}]), d)
    >>> b = load_bundle(d)
    >>> b.rejected[["file", "line", "ruleId"]].values.tolist()
    [['students.csv', 3, 'DQ-01']]
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from mtcollect_nb.columns import (
    ACCOUNTING_COLUMNS,
    HEADER_COLUMNS,
    LINE,
    NOTE_COLUMNS,
    REJECTED_COLUMNS,
    RULE_ID,
)
from mtcollect_nb.load import contract, periods
from mtcollect_nb.load.bundle import Bundle
from mtcollect_nb.load.fast import first_copies, isin_known
from mtcollect_nb.load.frame_checks import check_frame
from mtcollect_nb.load.headers import HeaderMatch, find_file, map_header
from mtcollect_nb.load.id_notes import short_id_notes
from mtcollect_nb.load.parse import ROW_CHECKS, ColumnParse, parse_column
from mtcollect_nb.load.quick import check_folder
from mtcollect_nb.load.readers import RawTable, read_raw
from mtcollect_nb.load.write_csv import write_bundle

_REJ_COLS = (*REJECTED_COLUMNS, RULE_ID)


class _Rejects:
    """Rejected rows of one file, collected as column lists (few rows)."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.parts: list[pd.DataFrame] = []
        self.notes: list[str] = []  # the reader's notes on the whole file
        self.headers: list[HeaderMatch] = []  # how each header field was read

    def add(self, rule: str, lines: np.ndarray, column: list[str] | str,
            value: list[str], reason: list[str] | str) -> None:
        if len(lines):
            self.parts.append(pd.DataFrame({
                "file": self.file, "line": np.asarray(lines, dtype="int64"), "column": column,
                "value": value, "reason": reason, RULE_ID: rule}, columns=list(_REJ_COLS)))

    def count(self) -> int:
        return sum(len(p) for p in self.parts)

    def frame(self) -> pd.DataFrame:
        """All rejected rows of the file, in line order."""
        if not self.parts:
            return pd.DataFrame({c: pd.Series([], dtype="object") for c in _REJ_COLS})
        out = pd.concat(self.parts, ignore_index=True)
        return out.sort_values("line", kind="stable", ignore_index=True)


def load_bundle(folder: Path) -> Bundle:
    """Read every extract table in ``folder`` (see the module docstring).

    Raises:
        ExtractError: the folder, a required file or a required column is missing, a header
            names a column twice, or a file cannot be read as text or as a workbook.

    Example:
        >>> import tempfile, pathlib
        >>> from mtcollect_nb.testing import make_bundle
        >>> d = pathlib.Path(tempfile.mkdtemp()); write_bundle(make_bundle(), d)
        >>> load_bundle(d).accounting["read"].tolist()
        [1, 1, 205, 0, 0, 0]
    """
    folder = Path(folder)
    check_folder(folder)
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    rejected: list[pd.DataFrame] = []
    accounting: list[tuple[str, int, int, int]] = []
    notes: list[tuple[str, str, str]] = []
    headers: list[tuple[str, str, str, str]] = []
    for name in contract.LOAD_ORDER:
        path = find_file(folder, name)
        if path is None:
            continue
        frame, rej, n_read = load_table(path, name, tables, files)
        notes += [(path.name, "", n) for n in rej.notes]
        headers += [(path.name, m.header, m.column or "", m.how) for m in rej.headers]
        n_rej, n_used = rej.count(), len(frame)
        if n_read != n_used + n_rej:  # the accounting invariant; a bug if broken
            raise AssertionError(f"{path}: read {n_read} != used {n_used} + rejected {n_rej}")
        if name == "attendance":  # IC's period form -> one row per day (accounting: period rows)
            frame = periods.to_daily(frame, tables, path.name)
        tables[name], files[name] = frame, path.name
        if n_rej:
            rejected.append(rej.frame())
        accounting.append((path.name, n_read, n_used, n_rej))
    rej_frame = (pd.concat(rejected, ignore_index=True) if rejected
                 else pd.DataFrame({c: pd.Series([], dtype="object") for c in _REJ_COLS}))
    acc = pd.DataFrame(accounting, columns=list(ACCOUNTING_COLUMNS))
    note_frame = pd.concat([pd.DataFrame(notes, columns=list(NOTE_COLUMNS)),
                            short_id_notes(tables, files)], ignore_index=True)
    return Bundle(tables=tables, rejected=rej_frame, accounting=acc, source_dir=folder,
                  files=files, notes=note_frame,
                  headers=pd.DataFrame(headers, columns=list(HEADER_COLUMNS)))


def load_table(path: Path, name: str, parents: dict[str, pd.DataFrame],
               parent_files: dict[str, str]) -> tuple[pd.DataFrame, _Rejects, int]:
    r"""Typed used rows, rejected rows and rows read of one file (parents: tables loaded so far).

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "staff.csv"
        >>> _ = p.write_text("personID,staffStateID,lastName,firstName\n7,S7,Peña,Ana\nx,,,\n")
        >>> used, rej, n_read = load_table(p, "staff", {}, {})
        >>> used["lastName"].tolist(), rej.frame()["reason"].tolist(), n_read
        (['Peña'], ['not a whole number'], 2)
    """
    table = contract.TABLES[name]
    raw = read_raw(path, lambda header: map_header(path, header, [pa.array([])] * len(header),
                                                   table))
    text, matches = map_header(path, raw.header, raw.columns, table)
    n = len(raw.lines)
    parsed = [parse_column(text.get(c.name, pa.repeat("1" if c.absent_true else "", n)), c)
              for c in table.columns]
    cols = _RowValues(parsed)
    rej = _Rejects(path.name)
    rej.notes, rej.headers = raw.notes, matches
    rej.add("DQ-03", np.array([b[0] for b in raw.bad_rows]), "",
            [b[2][:200] for b in raw.bad_rows], [b[1] for b in raw.bad_rows])
    keep = _reject_unparseable(cols, raw.lines, parsed, text, name, rej)
    keep &= _reject_orphans(cols, raw.lines, keep, table, parents, parent_files, text, rej)
    keep &= _reject_duplicates(cols, raw.lines, keep, table, text, rej)
    _note_used_copies(cols, raw.lines, keep, table, rej)
    return check_frame(name, _used_frame(cols, raw.lines, text, keep)), rej, raw.n_read


class _RowValues(dict[str, Any]):
    """Typed values of every row by column name, computed on first use (row checks, keys)."""

    def __init__(self, parsed: list[ColumnParse]) -> None:
        super().__init__()
        self.parsed = {p.column.name: p for p in parsed}

    def __missing__(self, col: str) -> Any:
        self[col] = self.parsed[col].values()
        return self[col]


def _used_frame(cols: _RowValues, lines: np.ndarray, text: dict[str, pa.Array],
                keep: np.ndarray) -> pd.DataFrame:
    """The frame of the used rows, built once from the kept rows of each column."""
    rows = None if keep.all() else np.flatnonzero(keep)
    data: dict[str, Any] = {}
    for col, p in cols.parsed.items():
        if col in cols:
            data[col] = cols[col] if rows is None else cols[col][rows]
        else:
            data[col] = p.values(rows)
    data[LINE] = lines if rows is None else lines[rows]
    for col, arr in text.items():
        if col not in data:
            kept = arr if rows is None else arr.take(pa.array(rows))
            data[col] = kept.to_numpy(zero_copy_only=False)
    return pd.DataFrame(data, index=pd.RangeIndex(len(data[LINE])))


def _raw(text: dict[str, pa.Array], col: str, rows: np.ndarray) -> list[str]:
    if col not in text:
        return [""] * len(rows)
    return [str(v) for v in text[col].take(pa.array(rows, pa.int64())).to_pylist()]


def _reject_unparseable(cols: _RowValues, lines: np.ndarray, parsed: list[ColumnParse],
                        text: dict[str, pa.Array], name: str, rej: _Rejects) -> np.ndarray:
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
        value[hit[new]] = np.array(_raw(text, col, rows[hit[new]]), dtype=object)
        reason[hit] = np.where(new, texts, reason[hit] + "; also " + col + ": " + texts)
    rej.add("DQ-03", lines[rows], list(column), list(value), list(reason))
    return ~bad


def _reject_duplicates(cols: _RowValues, lines: np.ndarray, keep: np.ndarray,
                       table: contract.Table, text: dict[str, pa.Array],
                       rej: _Rejects) -> np.ndarray:
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
    ok[rows] = False
    shown = [k for k in key if k in text] or key  # a key column the file lacks (the daily
    raw_vals = [_raw(text, k, rows) for k in shown]  # form's periodID) is not shown
    value = [", ".join(vs) for vs in zip(*raw_vals, strict=True)]
    reason = [f"duplicate key: the same {' + '.join(shown)} as line {int(line)} (the copy on "
              f"line {int(line)} is used)" for line in lines[cand[first[dup]]]]
    rej.add("DQ-01", lines[rows], " + ".join(shown), value, reason)
    return ok


def _note_used_copies(cols: _RowValues, lines: np.ndarray, keep: np.ndarray,
                      table: contract.Table, rej: _Rejects) -> None:
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


def _reject_orphans(cols: _RowValues, lines: np.ndarray, keep: np.ndarray,
                    table: contract.Table, parents: dict[str, pd.DataFrame],
                    parent_files: dict[str, str], text: dict[str, pa.Array],
                    rej: _Rejects) -> np.ndarray:
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
        ok[rows] = False
        value = _raw(text, ref.column, rows)
        reason = (f"{ref.column} not found in {parent_files.get(ref.parent, ref.parent)} "
                  f"(no {ref.parent_column} with this value was loaded)")
        rej.add("DQ-02", lines[rows], ref.column, value, reason)
    return ok


__all__ = ["RawTable", "load_bundle", "load_table", "write_bundle"]

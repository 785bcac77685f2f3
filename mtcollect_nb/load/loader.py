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

import numpy as np
import pandas as pd
import pyarrow as pa

from mtcollect_nb.columns import ACCOUNTING_COLUMNS, HEADER_COLUMNS, LINE, NOTE_COLUMNS
from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load import contract, ic_attendance, periods, schedules, scope, trials
from mtcollect_nb.load.bundle import Bundle
from mtcollect_nb.load.column_notes import code_notes, header_notes, lacking_note
from mtcollect_nb.load.column_text import looks_like_term_numbers, negate_yes_no
from mtcollect_nb.load.district_maps import (
    apply_values,
    check_maps,
    header_map,
    headers_not_found,
)
from mtcollect_nb.load.frame_checks import check_frame
from mtcollect_nb.load.headers import check_folder, find_file, map_header, printable
from mtcollect_nb.load.id_notes import short_id_notes
from mtcollect_nb.load.lost_zeros import restore_zeros
from mtcollect_nb.load.parse import ColumnParse, parse_column
from mtcollect_nb.load.readers import RawTable, read_raw
from mtcollect_nb.load.rejects import (
    REJ_COLS,
    FileRows,
    Rejects,
    RowRule,
    RowValues,
    note_used_copies,
    reject_by,
    reject_duplicates,
    reject_orphans,
    reject_unparseable,
)
from mtcollect_nb.load.write_csv import write_bundle
from mtcollect_nb.params import Params
from mtcollect_nb.season import fall_count_file

FALL_COUNT = "fall_count"  # read from the fall run's output when the extracts have none
#: Checks of a table's rows that need another table or the header (after DQ-02, before DQ-01).
ROW_RULES: dict[str, tuple[RowRule, ...]] = {
    "days": (schedules.unknown_schedules,),
    "attendance": (ic_attendance.blank_periods, periods.other_calendar_periods,
                   ic_attendance.unknown_codes),
    "rosters": (trials.inactive_trials,), "section_staff": (trials.inactive_trials,),
}


class _Loaded:
    """One file's outcome: rejected rows (with notes and header reading), rows read and used."""

    def __init__(self, path: Path, rej: Rejects, n_read: int, n_used: int) -> None:
        self.path, self.rej, self.n_read, self.n_used = path, rej, n_read, n_used


def load_bundle(folder: Path, params: Params | None = None) -> Bundle:
    """Read every extract table in ``folder`` (see the module docstring).

    ``params`` (the district's parameters) brings the ``columns:``/``values:`` maps, the
    district number of schools without one, and the right-folder checks; without it the
    folder is read as it is (tests, ``check-extracts DIR``).

    Raises:
        ExtractError: the folder, a required file or a required column is missing, a header
            names a column twice, a date column holds term numbers, a file is IC's State
            Format, the folder is another district's or another year's, or a file cannot be
            read as text or as a workbook.
        ParameterError: the parameters' ``columns:`` or ``values:`` name an unknown file or
            column.

    Example:
        >>> import tempfile, pathlib
        >>> from mtcollect_nb.testing import make_bundle
        >>> d = pathlib.Path(tempfile.mkdtemp()); write_bundle(make_bundle(), d)
        >>> load_bundle(d).accounting["read"].tolist()
        [1, 1, 205, 0, 0, 0]
    """
    folder = Path(folder)
    check_folder(folder)
    check_maps(params)
    tables: dict[str, pd.DataFrame] = {}
    files: dict[str, str] = {}
    done: dict[str, _Loaded] = {}
    outside: frozenset[int] = frozenset()
    scope_notes: list[tuple[str, str, str]] = []
    lacking: dict[str, tuple[str, ...]] = {}
    for name in contract.read_order():
        path = find_file(folder, name)
        elsewhere = (fall_count_file(folder, params) if path is None and name == FALL_COUNT
                     else None)
        path = path or elsewhere
        if path is None:
            continue
        frame, rej, n_read = load_table(path, name, tables, files, params)
        if elsewhere is not None:
            rej.notes.append(("", f"read from the fall run's output {elsewhere} (the extracts "
                                  "folder has no fall_count.csv)"))
        n_rej, n_used = rej.count(), len(frame)
        if n_read != n_used + n_rej:  # the accounting invariant; a bug if broken
            raise AssertionError(f"{path}: read {n_read} != used {n_used} + rejected {n_rej}")
        present = {m.column for m in rej.headers if m.column}
        need = tuple(c for c in contract.TABLES[name].needed if c not in present)
        if need:
            lacking[name] = need
            rej.notes += lacking_note(contract.TABLES[name], need)
        frame = _finish(name, frame, tables, rej, present, params)
        tables[name], files[name] = frame, path.name
        done[name] = _Loaded(path, rej, n_read, n_used)
        if name == "calendars" and params is not None and "schools" in tables:
            outside, scope_notes = scope.check_scope(tables["schools"], frame, params, path,
                                                     done["schools"].path)
    order = [n for n in contract.LOAD_ORDER if n in done]
    acc = pd.DataFrame([(done[n].path.name, done[n].n_read, done[n].n_used, done[n].rej.count())
                        for n in order], columns=list(ACCOUNTING_COLUMNS))
    rejected = [done[n].rej.frame() for n in order if done[n].rej.count()]
    rej_frame = (pd.concat(rejected, ignore_index=True) if rejected
                 else pd.DataFrame({c: pd.Series([], dtype="object") for c in REJ_COLS}))
    notes = [(done[n].path.name, col, note) for n in order for col, note in done[n].rej.notes]
    headers = [(done[n].path.name, m.header, m.column or "", m.how) for n in order
               for m in done[n].rej.headers]
    tables, zero_notes = restore_zeros(tables, files)  # before the notes on short IDs
    note_frame = pd.concat([pd.DataFrame(notes + scope_notes, columns=list(NOTE_COLUMNS)),
                            zero_notes, short_id_notes(tables, files)], ignore_index=True)
    return Bundle(tables={n: tables[n] for n in order}, rejected=rej_frame, accounting=acc,
                  source_dir=folder, files={n: files[n] for n in order}, notes=note_frame,
                  headers=pd.DataFrame(headers, columns=list(HEADER_COLUMNS)),
                  calendars_outside=outside, lacking=lacking)


def _finish(name: str, frame: pd.DataFrame, tables: dict[str, pd.DataFrame], rej: Rejects,
            present: set[str], params: Params | None) -> pd.DataFrame:
    """The used rows of ``name`` as the rest of the system reads them (IC's layouts)."""
    if name == "schools":
        frame = scope.fill_district(frame, params)
    elif name == "days":
        frame, notes = schedules.fill_day_minutes(frame, tables.get("periods"))
        rej.notes += notes
    elif name == "attendance":
        frame, took = ic_attendance.fill_from_codes(frame, tables.get("attendance_codes"))
        if took:
            rej.notes.append(("code", f"{took} row(s) took their status or excuse from their "
                              "attendance code (attendance_codes.csv)"))
        frame, notes = ic_attendance.fill_minutes(frame, tables)
        rej.notes += notes + code_notes(frame, contract.TABLES[name], {"status", "excuse"})
        return periods.to_daily(frame, tables, rej.file)  # accounting counts period rows
    elif name in ("rosters", "section_staff"):
        rej.notes += trials.trial_notes(frame, tables, present)
    elif name == "periods":
        rej.notes += periods.overlap_notes(frame)
    rej.notes += code_notes(frame, contract.TABLES[name], present)
    return frame


def load_table(path: Path, name: str, parents: dict[str, pd.DataFrame],
               parent_files: dict[str, str], params: Params | None = None,
               ) -> tuple[pd.DataFrame, Rejects, int]:
    r"""Typed used rows, rejected rows and rows read of one file (parents: tables loaded so far).

    Example:
        >>> import tempfile, pathlib
        >>> p = pathlib.Path(tempfile.mkdtemp()) / "staff.csv"
        >>> _ = p.write_text("personID,staffStateID,lastName,firstName\n7,S7,Peña,Ana\nx,,,\n")
        >>> used, rej, n_read = load_table(p, "staff", {}, {})
        >>> used["lastName"].tolist(), rej.frame()["reason"].tolist(), n_read
        (['Peña'], ['not a whole number'], 2)
    """
    table = contract.season_table(name, params.season if params is not None else None)
    district = header_map(params, name)
    raw = read_raw(path, lambda header: map_header(path, header, [pa.array([])] * len(header),
                                                   table, district))
    text, matches = map_header(path, raw.header, raw.columns, table, district)
    for m in matches:
        if m.how == "negated" and m.column is not None:  # IC's Non-Instructional checkbox
            text[m.column] = negate_yes_no(text[m.column])
    text, value_notes = apply_values(params, name, text)
    n = len(raw.lines)
    parsed = [parse_column(text.get(c.name, pa.repeat("1" if c.absent_true else "", n)), c)
              for c in table.columns]
    _refuse_term_numbers(path, parsed, text)
    cols = RowValues(parsed)
    rej = Rejects(path.name, path)
    rej.notes = [("", note) for note in raw.notes] + header_notes(matches, text)
    rej.notes += [("", note) for note in headers_not_found(params, name, raw.header)]
    rej.notes += [(note.partition(":")[0], note) for note in value_notes]
    rej.headers = matches
    rej.add("DQ-03", np.array([b[0] for b in raw.bad_rows]), "",
            [b[2][:200] for b in raw.bad_rows], [b[1] for b in raw.bad_rows])
    keep = reject_unparseable(cols, raw.lines, parsed, text, name, rej)
    keep &= reject_orphans(cols, raw.lines, keep, table, parents, parent_files, text, rej)
    rows = FileRows(path.name, cols, text, parents, parent_files)
    keep &= reject_by(ROW_RULES.get(name, ()), rows, raw.lines, keep, rej)
    keep &= reject_duplicates(cols, raw.lines, keep, table, text, rej)
    note_used_copies(cols, raw.lines, keep, table, rej)
    return check_frame(name, _used_frame(cols, raw.lines, text, keep)), rej, raw.n_read


def _refuse_term_numbers(path: Path, parsed: list[ColumnParse],
                         text: dict[str, pa.Array]) -> None:
    """ExtractError when a date column holds term numbers (never read as Excel serials).

    Only a date column with values that did not parse is looked at (term numbers never do).
    """
    for p in parsed:
        col = p.column
        if (col.type == "date" and col.name in text and p.any_bad()
                and looks_like_term_numbers(text[col.name])):
            raise ExtractError(f"{path}: column {col.name} holds whole numbers, not dates: it "
                               "looks like a term number (IC's Term Start/Term End), which "
                               "cannot be read as a date; export the term's start and end "
                               "dates (term.startDate, term.endDate) instead")


def _used_frame(cols: RowValues, lines: np.ndarray, text: dict[str, pa.Array],
                keep: np.ndarray) -> pd.DataFrame:
    """The frame of the used rows, built once from the kept rows of each column."""
    rows = None if keep.all() else np.flatnonzero(keep)
    data: dict[str, object] = {}
    for col, p in cols.parsed.items():
        if col in cols:
            data[col] = cols[col] if rows is None else cols[col][rows]
        else:
            data[col] = p.values(rows)
    data[LINE] = lines if rows is None else lines[rows]
    for col, arr in text.items():  # extra columns: kept as arrow text, no object per value
        if col not in data:
            kept = arr if rows is None else arr.take(pa.array(rows))
            data[col] = pd.arrays.ArrowStringArray(pa.chunked_array([kept], pa.string()))
    return pd.DataFrame(data, index=pd.RangeIndex(len(lines) if rows is None else len(rows)))


__all__ = ["RawTable", "load_bundle", "load_table", "printable", "write_bundle"]

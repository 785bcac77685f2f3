"""The loaded extract bundle: typed tables, rejected rows and per-file accounting.

Example:
    >>> b = Bundle.from_tables({"schools": typed.frame_from_records("schools", [])})
    >>> b.has("schools"), b.has("gifted"), len(b.table("gifted"))
    (True, False, 0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from mtcollect_nb.columns import (
    ACCOUNTING_COLUMNS,
    HEADER_COLUMNS,
    NOTE_COLUMNS,
    REJECTED_COLUMNS,
    RULE_ID,
)
from mtcollect_nb.load import typed


def empty_rejected() -> pd.DataFrame:
    """A zero-row rejected-rows frame: the sheet's columns plus ``ruleId`` (DQ-01..03)."""
    return pd.DataFrame({c: pd.Series([], dtype="object") for c in (*REJECTED_COLUMNS, RULE_ID)})


@dataclass
class Bundle:
    """One district's loaded extracts.

    Attributes:
        tables: typed frames by table name (see :mod:`mtcollect_nb.load.contract`); only files
            present.
        rejected: one row per rejected input row: file, line, column, value, reason, ruleId.
        accounting: one row per file read: file, read, used, rejected (read = used + rejected).
        source_dir: the folder the files came from, if any.
        files: table name -> file name actually read (e.g. ``students.xlsx``).
        notes: loader notes that are not row rejections (file, column, note), e.g. state IDs
            that look shortened by Excel, lines read as Windows-1252, broken quotes.
        headers: how each header field of each file was read (file, header, column, how:
            exact / normalised / alias / negated / district / extra).
        calendars_outside: calendarIDs of another district's school or another school year
            (``load.scope``): their enrollments are not on the count date.
        lacking: per table, the columns its rules need that the file does not have (the
            rules that read the table do not run, ``checks.registry.not_run_reason``).
    """

    tables: dict[str, pd.DataFrame]
    rejected: pd.DataFrame = field(default_factory=empty_rejected)
    accounting: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(ACCOUNTING_COLUMNS)))
    source_dir: Path | None = None
    files: dict[str, str] = field(default_factory=dict)
    notes: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(NOTE_COLUMNS)))
    headers: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(HEADER_COLUMNS)))
    calendars_outside: frozenset[int] = frozenset()
    lacking: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def from_tables(cls, tables: dict[str, pd.DataFrame]) -> Bundle:
        """A bundle of already-typed frames (tests, synthetic data), nothing rejected."""
        acc = pd.DataFrame(
            [(f"{name}.csv", len(df), len(df), 0) for name, df in tables.items()],
            columns=list(ACCOUNTING_COLUMNS),
        )
        return cls(tables=dict(tables), accounting=acc,
                   files={n: f"{n}.csv" for n in tables})

    def has(self, table: str) -> bool:
        """Whether the file of ``table`` was provided."""
        return table in self.tables

    def table(self, table: str) -> pd.DataFrame:
        """The typed frame of ``table``; an empty typed frame when the file was not provided."""
        if table in self.tables:
            return self.tables[table]
        return typed.empty_frame(table)

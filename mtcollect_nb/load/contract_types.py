"""The types the input contract is written in: a column, a reference, a table.

:mod:`mtcollect_nb.load.schemas` holds the contract itself (every table of spec/extracts.md)
written with these; they live apart so the contract module stays one concern and short.

Example:
    >>> Table("t", (Column("a", "int", required=True),), key=("a",)).column_names
    ('a',)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

ColType = Literal["int", "num", "date", "bool", "str", "code4", "grade", "role"]
TEXT_TYPES: frozenset[str] = frozenset({"str", "code4", "grade", "role"})


@dataclass(frozen=True)
class Column:
    """One column of an extract table.

    Attributes:
        name: IC field name (camelCase) as it appears in the header.
        type: one of :data:`ColType`.
        required: a blank value rejects the row (DQ-03, "missing value").
        in_header: the header must contain the column (else :class:`ExtractError`).
        blank_true: a bool whose blank value means true (``schools.accredited``, per spec).
        absent_true: a bool that is true for every row when the header lacks the column
            (``courses.active``: a course is active unless the export says otherwise; a blank
            checkbox in a present column is still false, as for every IC checkbox).
    """

    name: str
    type: ColType
    required: bool = False
    in_header: bool = True
    blank_true: bool = False
    absent_true: bool = False


@dataclass(frozen=True)
class Reference:
    """A foreign key: ``column`` must exist in ``parent``'s ``parent_column`` (else DQ-02)."""

    column: str
    parent: str
    parent_column: str


@dataclass(frozen=True)
class Table:
    """One extract table: its file stem, columns, key and references."""

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    required_file: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def column_names(self) -> tuple[str, ...]:
        """The contract's column names, in contract order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name}: no column {name!r}")

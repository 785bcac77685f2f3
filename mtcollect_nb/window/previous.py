"""Reading the previous ``findings.xlsx``: whatever the district typed into it, or why not.

The district fills ``reviewed`` and ``note`` in Excel or LibreOffice and saves the file with its
own styles; we read the cells' values (openpyxl, read-only), never their formatting. A formula
typed as a note (``=A1``) is read as its text and written back as text. A workbook that is
corrupt, not a workbook, or not one of ours (no ``findingKey`` column) is reported in one line;
the caller keeps a copy beside the new one so no note is lost (:func:`keep_copy`).

Example:
    >>> import tempfile
    >>> read_previous(Path(tempfile.mkdtemp()) / "findings.xlsx").found
    False
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from mtcollect_nb.columns import (
    CALL_KEY,
    FINDING_KEY,
    FINDINGS_SHEET_COLUMNS,
    FIRST_SEEN,
    NOTE,
    REVIEWED,
)

FINDINGS_SHEET = "Findings"
#: The forecast run's call list (its ``reviewed`` and ``note`` are carried by ``callKey``).
CALL_LIST_SHEET = "Call list"
#: What is read back from the Call list: the key and what the district typed.
CALL_NOTE_COLUMNS: tuple[str, ...] = (CALL_KEY, REVIEWED, NOTE)
#: Summary row saying whether the previous run was masked.
MASKED_ITEM = "PII masked"
#: How far down a sheet the header row is looked for.
HEADER_ROWS = 20


@dataclass(frozen=True)
class Previous:
    """The previous workbook's findings, or the one-line reason it could not be read.

    Attributes:
        path: where it was looked for.
        found: a file was there.
        findings: its Findings rows (every known column as text; ``firstSeen`` a date or NaT).
        masked: its Summary said PII was masked (``None``: not said).
        problem: why it could not be read (``None`` when it was read or absent).
        calls: its Call list rows' callKey, reviewed and note (text; none outside a forecast
            run's workbook).
    """

    path: Path
    found: bool = False
    findings: pd.DataFrame = field(default_factory=lambda: empty_findings())
    masked: bool | None = None
    problem: str | None = None
    calls: pd.DataFrame = field(default_factory=lambda: empty_calls())

    @property
    def usable(self) -> bool:
        """Read without a problem (its notes can be carried forward)."""
        return self.found and self.problem is None


def empty_findings() -> pd.DataFrame:
    """A zero-row previous-findings frame."""
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in FINDINGS_SHEET_COLUMNS})


def empty_calls() -> pd.DataFrame:
    """A zero-row previous-call-list frame."""
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in CALL_NOTE_COLUMNS})


def cell_text(value: Any) -> str:
    """A cell's value as the text the district sees: ``x``, ``TRUE``, ``3``, ``2025-02-03``.

    Example:
        >>> [cell_text(v) for v in (None, True, 3.0, 2.5, " ok ", dt.datetime(2025, 2, 3))]
        ['', 'TRUE', '3', '2.5', 'ok', '2025-02-03']
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def read_previous(path: Path) -> Previous:
    """The previous workbook at ``path``: its findings (all sheets "Findings", "Findings (2)", …).

    Never raises for a bad file: the reason is :attr:`Previous.problem`, one line.
    """
    path = Path(path)
    if not path.is_file():
        return Previous(path)
    try:
        findings, masked, calls = _read(path)
    except Exception as exc:  # a corrupt or foreign file must not stop the run
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        return Previous(path, found=True, problem=f"{path.name}: could not be read ({reason})")
    if findings is None:
        return Previous(path, found=True, problem=(
            f"{path.name}: no Findings sheet with a {FINDING_KEY} column (not a findings "
            "workbook of mtcollect-nb 0.2 or later)"))
    return Previous(path, found=True, findings=findings, masked=masked, calls=calls)


def _read(path: Path) -> tuple[pd.DataFrame | None, bool | None, pd.DataFrame]:
    from openpyxl import load_workbook  # imported when a previous workbook exists

    wb = load_workbook(path, read_only=True, data_only=False)
    try:
        names = [n for n in wb.sheetnames
                 if n == FINDINGS_SHEET or n.startswith(f"{FINDINGS_SHEET} (")]
        parts = [_sheet_rows(wb[n]) for n in names]
        masked = _masked(wb["Summary"]) if "Summary" in wb.sheetnames else None
        calls = _call_rows(wb)
    finally:
        wb.close()
    parts = [p for p in parts if p is not None]
    if not parts:
        return None, masked, calls
    out = pd.concat(parts, ignore_index=True)
    out = out.loc[out[FINDING_KEY] != ""].reset_index(drop=True)
    out[FIRST_SEEN] = pd.to_datetime(out[FIRST_SEEN], errors="coerce", format="ISO8601")
    return out, masked, calls


def _call_rows(wb: Any) -> pd.DataFrame:
    """callKey, reviewed and note of every "Call list" sheet ("Call list (2)", ...) as text.

    The header is found as the Findings sheet's is (a row naming ``callKey``); the district may
    sort, filter or insert columns. Rows without a key are left out.
    """
    names = [n for n in wb.sheetnames
             if n == CALL_LIST_SHEET or n.startswith(f"{CALL_LIST_SHEET} (")]
    parts = []
    for name in names:
        rows = wb[name].iter_rows(values_only=True)
        header: list[str] = []
        for _ in range(HEADER_ROWS):
            header = [cell_text(v) for v in next(rows, ())]
            if CALL_KEY in header:
                break
        if CALL_KEY not in header:
            continue
        at = {c: header.index(c) for c in CALL_NOTE_COLUMNS if c in header}
        data = [tuple(r) for r in rows]
        parts.append(pd.DataFrame({c: pd.Series(
            [cell_text(r[at[c]]) if c in at and at[c] < len(r) else "" for r in data],
            dtype=object) for c in CALL_NOTE_COLUMNS}))
    if not parts:
        return empty_calls()
    out = pd.concat(parts, ignore_index=True)
    return out.loc[out[CALL_KEY] != ""].reset_index(drop=True)


def _sheet_rows(ws: Any) -> pd.DataFrame | None:
    """One Findings sheet as text columns of :data:`FINDINGS_SHEET_COLUMNS` (None: not ours).

    The header is the first of the first :data:`HEADER_ROWS` rows that names ``findingKey``
    (a district may have inserted a title row above it).
    """
    rows = ws.iter_rows(values_only=True)
    header: list[str] = []
    for _ in range(HEADER_ROWS):
        header = [cell_text(v) for v in next(rows, ())]
        if FINDING_KEY in header:
            break
    if FINDING_KEY not in header:
        return None
    at = {c: header.index(c) for c in FINDINGS_SHEET_COLUMNS if c in header}
    width = len(header)
    data = [tuple(r) + (None,) * (width - len(r)) for r in rows]  # cells are read one by one
    cols = list(zip(*data, strict=True)) if data else [()] * width
    return pd.DataFrame({c: pd.Series([cell_text(v) for v in cols[at[c]]], dtype=object)
                         if c in at else pd.Series([""] * len(data), dtype=object)
                         for c in FINDINGS_SHEET_COLUMNS})


def _masked(ws: Any) -> bool | None:
    """What the Summary's "PII masked" row says (first 40 rows)."""
    for row in ws.iter_rows(min_row=1, max_row=40, max_col=2, values_only=True):
        if row and cell_text(row[0]) == MASKED_ITEM:
            return cell_text(row[1] if len(row) > 1 else None).lower() == "yes"
    return None


def keep_copy(previous: Previous, when: dt.datetime) -> Path | None:
    """Copy an unreadable previous workbook beside it (``findings.previous-<when>.xlsx``).

    Called before the new workbook replaces it, so whatever the district typed is kept.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "findings.xlsx"
        >>> _ = p.write_text("not a workbook")
        >>> keep_copy(read_previous(p), dt.datetime(2025, 2, 7, 8, 30)).name
        'findings.previous-20250207-083000.xlsx'
    """
    if not previous.found or previous.problem is None:
        return None
    stem = f"{previous.path.stem}.previous-{when:%Y%m%d-%H%M%S}"
    target = previous.path.with_name(stem + previous.path.suffix)
    n = 1
    while target.exists():
        target = previous.path.with_name(f"{stem}-{n}{previous.path.suffix}")
        n += 1
    shutil.copy2(previous.path, target)
    return target

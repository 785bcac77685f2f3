"""Reading the previous ``findings.xlsx``: whatever the district typed into it, or why not.

The district fills ``reviewed`` and ``note`` in Excel or LibreOffice and saves the file with its
own styles; we read the cells' values (openpyxl, read-only), never their formatting. The
workbook is read by what it is, not by luck:

- only a regular file (a symbolic link, a FIFO or a device named ``findings.xlsx`` is never
  opened), at most :data:`MAX_BYTES` on disk, :data:`MAX_UNZIPPED` unzipped and
  :data:`MAX_SHARED_STRINGS` of text (:data:`MAX_PART` in one part), checked from the zip's
  directory before anything is unpacked; at most :data:`MAX_ROWS` rows;
- exactly the sheet ``Findings`` (a copy ``Findings (2)`` or ``Findings (old)`` is never read
  as findings); its columns found by header name (case, spaces and punctuation ignored, with
  the known variants ``Notes``, ``Reviewed?``), wherever they are;
- Excel's ``_xHHHH_`` escapes of control characters decoded (a CR pasted from Windows text
  stays a CR, never the literal ``_x000D_``);
- the Summary's "PII masked: Yes" believed only when the cells agree (pseudonyms, no names).

The district's own columns on Findings and its own sheets are read too, to be carried into
the new workbook as they were. Whatever typed cannot be carried (no ``note`` column, a sheet
that is not ours, rows without a key) is listed in :attr:`Previous.lost`, one line each; the
caller keeps a copy of the old workbook beside the new one (:func:`keep_copy`).

Example:
    >>> import tempfile
    >>> read_previous(Path(tempfile.mkdtemp()) / "findings.xlsx").found
    False
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import zipfile
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
    SCHOOL_NAME,
)
from mtcollect_nb.window.notes import EXCEL_CELL_CHARS
from mtcollect_nb.window.own_files import regular_file

FINDINGS_SHEET = "Findings"
#: The forecast run's call list (its ``reviewed`` and ``note`` are carried by ``callKey``).
CALL_LIST_SHEET = "Call list"
#: What is read back from the Call list: the key and what the district typed.
CALL_NOTE_COLUMNS: tuple[str, ...] = (CALL_KEY, REVIEWED, NOTE)
#: Summary row saying whether the previous run was masked.
MASKED_ITEM = "PII masked"
#: How far down a sheet the header row is looked for.
HEADER_ROWS = 20
#: Bounds of a previous workbook (ours are a few MB; 20,000 findings make a 30 MB sheet).
#: openpyxl parses about 20,000 cells a second: a part at the bound takes about a minute.
MAX_BYTES = 64 << 20
MAX_UNZIPPED = 256 << 20
MAX_SHARED_STRINGS = 64 << 20
#: Any one part (a sheet may hold its text inline: one cell of 1 GiB is one part).
MAX_PART = 64 << 20
MAX_ROWS = 1_048_576
#: The longest note carried (kept whole in history/ past Excel's cell limit); a longer one
#: is cut and the old workbook kept. The district's own cells are cut at Excel's limit.
MAX_NOTE_CHARS = 1_000_000
#: At most this many cells of the district's own sheets are carried.
MAX_OWN_CELLS = 2_000_000
#: Sheets the workbook writes (any run, any season); ``<name> (N)`` continues one of them.
OUR_SHEETS: tuple[str, ...] = ("Summary", "Findings", "ANB", "Absences", "CTE", "Rejected rows",
                               "Reconcile", "Since last run", "Call list", "Attendance")
#: Header variants a district may have retitled a column to (normalised: see :func:`header_key`).
HEADER_VARIANTS: dict[str, str] = {"notes": NOTE, "review": REVIEWED, "reviewedyn": REVIEWED,
                                   "key": FINDING_KEY}
#: Text columns that hold only pseudonyms in a masked workbook (and names: blank).
_ID_COLUMNS = {"stateID": "S", "studentNumber": "L", "staffStateID": "T"}
_NAME_COLUMNS = ("studentName",)
#: Excel's escapes of a control character and of an underscore (openpyxl leaves them as
#: text in inline strings; in shared strings it drops the ``x005F_`` itself, so any other
#: escape cannot be told apart from a literal ``_x0041_`` typed by the district: left as is).
_ESCAPE = re.compile(r"_x(00[01][0-9A-Fa-f]|005[Ff])_")
_CONTINUED = re.compile(r"^(?P<name>.+) \(\d+\)$")


@dataclass(frozen=True)
class OwnSheet:
    """A sheet the district added to the workbook: its name and cell values, row by row."""

    name: str
    rows: tuple[tuple[Any, ...], ...]


@dataclass(frozen=True)
class Previous:
    """The previous workbook's findings, or the one-line reason it could not be read.

    Attributes:
        path: where it was looked for.
        found: a file was there.
        findings: its Findings rows (every known column as text; ``firstSeen`` a date or NaT),
            then the district's own columns (:attr:`own_columns`).
        masked: its Summary said PII was masked and its cells agree (``None``: not said).
        problem: why it could not be read at all (``None`` when it was read or absent).
        own_columns: the district's own columns of Findings, in their order.
        own_sheets: the district's own sheets.
        lost: what typed in it cannot be carried forward, one line each.
        calls: its Call list rows' callKey, reviewed and note (text; none outside a forecast
            run's workbook).
    """

    path: Path
    found: bool = False
    findings: pd.DataFrame = field(default_factory=lambda: empty_findings())
    masked: bool | None = None
    problem: str | None = None
    calls: pd.DataFrame = field(default_factory=lambda: empty_calls())
    own_columns: tuple[str, ...] = ()
    own_sheets: tuple[OwnSheet, ...] = ()
    lost: tuple[str, ...] = ()

    @property
    def usable(self) -> bool:
        """Read without a problem (its notes can be carried forward)."""
        return self.found and self.problem is None

    @property
    def keep(self) -> bool:
        """Something typed in it cannot be carried: keep a copy beside the new workbook."""
        return self.found and (self.problem is not None or bool(self.lost))


def empty_findings() -> pd.DataFrame:
    """A zero-row previous-findings frame."""
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in FINDINGS_SHEET_COLUMNS})


def empty_calls() -> pd.DataFrame:
    """A zero-row previous-call-list frame."""
    return pd.DataFrame({c: pd.Series([], dtype=object) for c in CALL_NOTE_COLUMNS})


def unescape(text: str) -> str:
    r"""Excel's ``_xHHHH_`` escapes of control characters decoded (a CR from Windows text).

    Example:
        >>> unescape("a_x000D_b _x0041_ _x005F_x000D_")
        'a\rb _x0041_ _x000D_'
    """
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text) if "_x" in text else text


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
    return unescape(str(value)).strip()


def header_key(text: str) -> str:
    """A header compared without case, spaces and punctuation.

    Example:
        >>> header_key(" Reviewed? "), header_key("finding_key")
        ('reviewed', 'findingkey')
    """
    return re.sub(r"[\W_]+", "", text).lower()


#: The Findings sheet's own columns (``schoolName`` is shown, not read back).
_KNOWN = {header_key(c): c for c in (*FINDINGS_SHEET_COLUMNS, SCHOOL_NAME)} | HEADER_VARIANTS


def read_previous(path: Path) -> Previous:
    """The previous workbook at ``path``: its Findings sheet, own columns and own sheets.

    Never raises for a bad file: the reason is :attr:`Previous.problem`, one line.
    """
    path = Path(path)
    why = regular_file(path)
    if why is None and not path.exists():
        return Previous(path)
    if why is None:
        why = _check_zip(path)
    if why is not None:
        return Previous(path, found=True, problem=f"{path.name}: {why}")
    try:
        return _read(path)
    except Exception as exc:  # a corrupt or foreign file must not stop the run
        reason = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        return Previous(path, found=True, problem=f"{path.name}: could not be read ({reason})")


def _check_zip(path: Path) -> str | None:
    """Why the workbook is too large to read (sizes from the zip's directory), or None."""
    size = path.stat().st_size
    if size > MAX_BYTES:
        return f"{size:,} bytes, over the limit of {MAX_BYTES:,}: not read"
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        return f"could not be read (not a workbook: {type(exc).__name__})"
    total = sum(p.file_size for p in parts)
    shared = sum(p.file_size for p in parts if p.filename.lower().endswith("sharedstrings.xml"))
    largest = max((p.file_size for p in parts), default=0)
    if total > MAX_UNZIPPED or shared > MAX_SHARED_STRINGS or largest > MAX_PART:
        return (f"{total:,} bytes unzipped ({shared:,} of text, {largest:,} in one part), over "
                f"the limit of {MAX_UNZIPPED:,} ({MAX_SHARED_STRINGS:,} of text, {MAX_PART:,} "
                "in one part): not read")
    return None


def _read(path: Path) -> Previous:
    from openpyxl import load_workbook  # imported when a previous workbook exists

    wb = load_workbook(path, read_only=True, data_only=False)
    lost: list[str] = []
    own: list[OwnSheet] = []
    try:
        names = list(wb.sheetnames)
        sheet = _sheet_rows(wb[FINDINGS_SHEET], lost) if FINDINGS_SHEET in names else None
        claimed = _masked(wb["Summary"]) if "Summary" in names else None
        calls = _call_rows(wb)
        budget = MAX_OWN_CELLS
        for name in names:
            if _ours(name):
                if _continued(name) != name:
                    lost.append(f"sheet {name!r} is not read (only the sheet {FINDINGS_SHEET!r} "
                                "is: what was typed there is not carried)")
                continue
            rows = _values(wb[name], budget)
            if rows is None:
                lost.append(f"your sheet {name!r} is too large to carry (over {MAX_OWN_CELLS:,}"
                            " cells)")
                continue
            budget -= sum(len(r) for r in rows)
            own.append(OwnSheet(name, rows))
    finally:
        wb.close()
    if sheet is None:
        return Previous(path, found=True, own_sheets=tuple(own), calls=calls, problem=(
            f"{path.name}: no {FINDINGS_SHEET!r} sheet with a {FINDING_KEY} column (not a "
            "findings workbook of mtcollect-nb 0.2 or later)"))
    findings, own_columns = sheet
    masked = claimed
    if claimed and not _cells_masked(findings):
        masked = False
        lost.append("its Summary says PII masked but its cells hold real IDs or names: read as "
                    "not masked")
    return Previous(path, found=True, findings=findings, masked=masked,
                    own_columns=own_columns, own_sheets=tuple(own), lost=tuple(lost),
                    calls=calls)


def _call_rows(wb: Any) -> pd.DataFrame:
    """callKey, reviewed and note of the sheet "Call list" (exactly, as Findings) as text.

    The header is found as the Findings sheet's is (a row naming ``callKey``); the district may
    sort, filter or insert columns. Rows without a key are left out.
    """
    names = [n for n in wb.sheetnames if n == CALL_LIST_SHEET]
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


def _continued(name: str) -> str:
    m = _CONTINUED.match(name)
    return m.group("name") if m else name


def _ours(name: str) -> bool:
    """A sheet the workbook writes (or a continuation of one: ``Findings (2)``)."""
    return _continued(name).casefold() in {s.casefold() for s in OUR_SHEETS}


def _sheet_rows(ws: Any, lost: list[str]) -> tuple[pd.DataFrame, tuple[str, ...]] | None:
    """The Findings sheet as text columns, and the district's own columns (None: not ours).

    The header is the first of the first :data:`HEADER_ROWS` rows that names ``findingKey``
    (a district may have inserted a title row above it).
    """
    ws.reset_dimensions()  # read every row, not only those its <dimension> declares
    rows = ws.iter_rows(values_only=True)
    header: list[str] = []
    for _ in range(HEADER_ROWS):
        header = [cell_text(v) for v in next(rows, ())]
        if FINDING_KEY in {_KNOWN.get(header_key(h)) for h in header}:
            break
    else:
        return None
    at, extra = _columns(header, lost)
    width = len(header)
    data: list[tuple[Any, ...]] = []
    for n, r in enumerate(rows):  # cells are read one by one
        if n >= MAX_ROWS:
            lost.append(f"rows after the first {MAX_ROWS:,} of {FINDINGS_SHEET} are not read")
            break
        data.append(tuple(r[:width]) + (None,) * (width - len(r)))
    cols = list(zip(*data, strict=True)) if data else [()] * width
    frame = {c: pd.Series([cell_text(v) for v in cols[at[c]]], dtype=object)
             if c in at else pd.Series([""] * len(data), dtype=object)
             for c in FINDINGS_SHEET_COLUMNS}
    frame |= {h: pd.Series([cell_text(v) for v in cols[i]], dtype=object)
              for h, i in extra.items()}
    out = pd.DataFrame(frame)
    _cut_long(out, extra, lost)
    keyless = out[FINDING_KEY] == ""
    typed = [c for c in (NOTE, REVIEWED, *extra) if c in out.columns]
    orphans = int((keyless & (out[typed] != "").any(axis=1)).sum()) if typed else 0
    if orphans:
        lost.append(f"{orphans} row(s) of {FINDINGS_SHEET} without a {FINDING_KEY} hold typed "
                    "text (rows added by hand are not carried)")
    out = out.loc[~keyless].reset_index(drop=True)
    out[FIRST_SEEN] = pd.to_datetime(out[FIRST_SEEN], errors="coerce", format="ISO8601")
    return out, tuple(extra)


def _columns(header: list[str], lost: list[str]) -> tuple[dict[str, int], dict[str, int]]:
    """Where each known column is (first header naming it) and the district's own columns."""
    at: dict[str, int] = {}
    extra: dict[str, int] = {}
    for i, h in enumerate(header):
        known = _KNOWN.get(header_key(h))
        if known is not None and known not in at:
            at[known] = i
        elif h and h not in extra:
            extra[h] = i
    for col in (NOTE, REVIEWED):
        if col not in at:
            lost.append(f"no {col!r} column on {FINDINGS_SHEET} ({col} not carried; any column "
                        "renamed from it is carried as your own column)")
    return at, extra


def _cut_long(out: pd.DataFrame, extra: dict[str, int], lost: list[str]) -> None:
    """Notes over :data:`MAX_NOTE_CHARS` and own cells over Excel's limit cut, one line each."""
    for col, limit in ((NOTE, MAX_NOTE_CHARS), *((h, EXCEL_CELL_CHARS) for h in extra)):
        long = out[col].str.len() > limit
        if long.any():
            lost.append(f"{int(long.sum())} cell(s) of {col!r} longer than {limit:,} characters "
                        "are cut")
            out.loc[long, col] = out.loc[long, col].str.slice(0, limit)


def _values(ws: Any, budget: int) -> tuple[tuple[Any, ...], ...] | None:
    """A sheet's cell values row by row (text unescaped); None past ``budget`` cells."""
    out: list[tuple[Any, ...]] = []
    ws.reset_dimensions()
    for r in ws.iter_rows(values_only=True):
        budget -= len(r)
        if budget < 0:
            return None
        out.append(tuple(unescape(v) if isinstance(v, str) else v for v in r))
    return tuple(out)


def _cells_masked(findings: pd.DataFrame) -> bool:
    """Every ID cell is a pseudonym and every name cell blank (what a masked run writes)."""
    for col, prefix in _ID_COLUMNS.items():
        text = findings[col]
        if not (text.eq("") | text.str.fullmatch(rf"{prefix}-[0-9A-F]{{12}}")).all():
            return False
    return all(findings[c].eq("").all() for c in _NAME_COLUMNS)


def _masked(ws: Any) -> bool | None:
    """What the Summary's "PII masked" row says (first 40 rows)."""
    for row in ws.iter_rows(min_row=1, max_row=40, max_col=2, values_only=True):
        if row and cell_text(row[0]) == MASKED_ITEM:
            return cell_text(row[1] if len(row) > 1 else None).lower() == "yes"
    return None


def keep_copy(previous: Previous, when: dt.datetime) -> Path | None:
    """Copy the previous workbook beside it (``findings.previous-<when>.xlsx``) when needed.

    Needed when it could not be read or something typed in it cannot be carried
    (:attr:`Previous.keep`). Called before the new workbook replaces it, so whatever the
    district typed is kept. A symbolic link is copied as the link (its target is never read);
    a pipe or device is not copied.

    Example:
        >>> import tempfile
        >>> p = Path(tempfile.mkdtemp()) / "findings.xlsx"
        >>> _ = p.write_text("not a workbook")
        >>> keep_copy(read_previous(p), dt.datetime(2025, 2, 7, 8, 30)).name
        'findings.previous-20250207-083000.xlsx'
    """
    if not previous.keep:
        return None
    path = previous.path
    if not (path.is_symlink() or regular_file(path) is None):
        return None
    stem = f"{path.stem}.previous-{when:%Y%m%d-%H%M%S}"
    target = path.with_name(stem + path.suffix)
    n = 1
    while target.exists() or target.is_symlink():
        target = path.with_name(f"{stem}-{n}{path.suffix}")
        n += 1
    shutil.copy2(path, target, follow_symlinks=False)
    return target

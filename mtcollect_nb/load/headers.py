r"""Find an extract's file and map its header to the contract's column names.

Header matching ignores case, surrounding spaces, a UTF-8 BOM, inner spaces and underscores,
and an Ad Hoc object prefix (``student.personID``); extra columns keep their header text.

Example:
    >>> [normalize_header(h) for h in ("\ufeff Person ID ", "start_date", "student.personID")]
    ['personid', 'startdate', 'student.personid']
"""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa

from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load.schemas import Table

MAX_LISTED = 10


def normalize_header(field: str) -> str:
    """The comparison key of a header field (see the module docstring)."""
    return field.replace("\ufeff", "").strip().lower().replace(" ", "").replace("_", "")


def find_file(folder: Path, table: str, required: bool | None = None) -> Path | None:
    """``folder/table.csv`` or ``folder/table.xlsx`` (file names compared case-insensitively).

    Returns ``None`` for a missing optional table; raises ExtractError for a missing required
    one or when both a .csv and a .xlsx are present.

    Example:
        >>> import tempfile, pathlib
        >>> find_file(pathlib.Path(tempfile.mkdtemp()), "gifted") is None
        True
    """
    from mtcollect_nb.load.schemas import TABLES

    if required is None:
        required = TABLES[table].required_file
    by_name = {p.name.lower(): p for p in folder.iterdir() if p.is_file()}
    csv_path, xlsx_path = by_name.get(f"{table}.csv"), by_name.get(f"{table}.xlsx")
    if csv_path and xlsx_path:
        raise ExtractError(f"{folder / table}.csv: both {csv_path.name} and {xlsx_path.name} "
                           "exist; keep only the one you mean")
    found = csv_path or xlsx_path
    if found is None and required:
        raise ExtractError(f"{folder / table}.csv: required file not found "
                           f"(also looked for {table}.xlsx)")
    return found


def _listing(names: list[str]) -> str:
    shown = ", ".join(names[:MAX_LISTED]) or "(nothing)"
    more = len(names) - MAX_LISTED
    return shown + (f" (+{more} more)" if more > 0 else "")


def map_header(path: Path, header: list[str], columns: list[pa.Array],
               table: Table) -> dict[str, pa.Array]:
    """The file's columns by contract name (extras by their header text, blank names dropped).

    Raises:
        ExtractError: a column appears twice, or a column the contract requires is missing.

    Example:
        >>> from mtcollect_nb.load.schemas import TABLES
        >>> head = ["School_ID", "NAME", "schoolnumber", "District Number", "Note"]
        >>> cols = [pa.array([v]) for v in ("1", "x", "0001", "0001", "y")]
        >>> sorted(map_header(Path("schools.csv"), head, cols, TABLES["schools"]))
        ['Note', 'districtNumber', 'name', 'schoolID', 'schoolNumber']
    """
    contract = {normalize_header(c.name): c.name for c in table.columns}
    out: dict[str, pa.Array] = {}
    seen: dict[str, str] = {}
    for field, arr in zip(header, columns, strict=True):
        key = normalize_header(field)
        if not key:
            continue
        if key not in contract and "." in key and key.rsplit(".", 1)[1] in contract:
            key = key.rsplit(".", 1)[1]
        name = contract.get(key, field.replace("\ufeff", "").strip())
        if key in seen:
            raise ExtractError(f"{path}: column {field!r} appears twice in the header "
                               f"(also as {seen[key]!r}); remove or rename one")
        seen[key] = field
        out[name] = arr
    missing = [c.name for c in table.columns if c.in_header and c.name not in out]
    if missing:
        found = [f.strip() for f in header if f.strip()]
        raise ExtractError(f"{path}: missing required column(s) {', '.join(missing)}; "
                           f"found: {_listing(found)}")
    return out

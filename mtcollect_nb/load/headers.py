r"""Find an extract's file and map its header to the contract's column names.

A header field names a contract column exactly, or after :func:`header_names.normalize` (case,
spaces, punctuation, a BOM), or through one of the aliases of :data:`aliases.ALIASES`
(Ad Hoc dotted names, IC report labels; an Ad Hoc object prefix per table). Anything else is an
extra column kept under its header text. :func:`match_header` says how each field was read.

Example:
    >>> from mtcollect_nb.load.contract import TABLES
    >>> [(m.column, m.how) for m in match_header(["Person ID", "SSID", "State ID", "x"],
    ...                                          TABLES["students"])]
    [('personID', 'normalised'), (None, 'extra'), ('stateID', 'normalised'), (None, 'extra')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load import aliases, header_names
from mtcollect_nb.load.contract import Table

MAX_LISTED = 10
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def printable(text: str, limit: int = 80) -> str:
    r"""``text`` safe for a terminal: control and escape characters shown as ``\x..``, cut.

    Example:
        >>> printable("a\x1b[31mred\x07") , printable("x" * 9, limit=4)
        ('a\\x1b[31mred\\x07', 'xxxx…')
    """
    shown = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 256
                         else f"\\u{ord(m.group()):04x}", text.replace("\n", "\\n"))
    return shown if len(shown) <= limit else shown[:limit] + "…"


def check_folder(folder: Path) -> None:
    """ExtractError unless ``folder`` is an existing folder (naming a file given instead)."""
    if folder.is_file():
        raise ExtractError(f"{folder}: is a file, not a folder; give the folder that holds "
                           "the extract files")
    if not folder.is_dir():
        raise ExtractError(f"{folder}: extracts folder not found")


def find_file(folder: Path, table: str, required: bool | None = None) -> Path | None:
    """``folder/table.csv`` or ``folder/table.xlsx`` (file names compared case-insensitively).

    Returns ``None`` for a missing optional table; raises ExtractError for a missing required
    one, when both a .csv and a .xlsx are present, or for a symbolic link that points outside
    ``folder`` (never followed: decisions.md).

    Example:
        >>> import tempfile, pathlib
        >>> find_file(pathlib.Path(tempfile.mkdtemp()), "gifted") is None
        True
    """
    from mtcollect_nb.load.contract import TABLES

    if required is None:
        required = TABLES[table].required_file
    by_name = {p.name.lower(): p for p in folder.iterdir()
               if p.name.lower() in (f"{table}.csv", f"{table}.xlsx")}
    csv_path, xlsx_path = by_name.get(f"{table}.csv"), by_name.get(f"{table}.xlsx")
    if csv_path and xlsx_path:
        raise ExtractError(f"{folder / table}.csv: both {csv_path.name} and {xlsx_path.name} "
                           "exist; keep only the one you mean")
    found = csv_path or xlsx_path
    if found is not None:
        _check_link(folder, found)
        if found.is_dir():
            raise ExtractError(f"{found}: is a folder, not a file; put the {table} export "
                               "here as a file")
        if not found.is_file():  # a pipe, a socket or a device: never opened (it may not end)
            raise ExtractError(f"{found}: is not a regular file (a pipe, a socket or a "
                               f"device); put the {table} export here as a file")
    if found is None and required:
        raise ExtractError(f"{folder / table}.csv: required file not found "
                           f"(also looked for {table}.xlsx)")
    return found


def _check_link(folder: Path, path: Path) -> None:
    """ExtractError for a symbolic link whose target is outside ``folder`` (or missing)."""
    if not path.is_symlink():
        return
    target = path.resolve()
    if not target.exists():
        raise ExtractError(f"{path}: is a symbolic link to a file that does not exist; "
                           "copy the export into the folder")
    if not target.is_relative_to(folder.resolve()):
        raise ExtractError(f"{path}: is a symbolic link to a file outside the extracts folder "
                           "(not followed); copy the export into the folder")


@dataclass(frozen=True)
class HeaderMatch:
    """How one header field was read: its contract column (None: extra) and how it matched.

    ``how`` is ``exact``, ``normalised`` (case/space/punctuation), ``alias`` (a name from
    :data:`aliases.ALIASES` or an Ad Hoc prefix), ``negated`` (IC's Non-Instructional checkbox
    read as the opposite of ``instructional``), ``district`` (the parameters' ``columns:``
    map) or ``extra`` (kept under its own text). ``instead`` names the header read for the
    column when this one names it too (kept as an extra column, said in the loader notes).
    """

    header: str
    column: str | None
    how: str
    instead: str = ""


def match_header(header: list[str], table: Table,
                 district: dict[str, str] | None = None) -> list[HeaderMatch]:
    """How each field of ``header`` maps to ``table``'s columns (see the module docstring).

    ``district`` maps normalised headers to columns (the parameters' ``columns:`` for this
    file); it is read first. When two fields name one column, the district's map wins, then
    the contract's own name, then the first alias in :data:`aliases.ALIASES` order (then the
    first in the file); the others are kept as extra columns with ``instead`` set.
    """
    names = {c.name for c in table.columns}
    by_key = {header_names.normalize(n): n for n in names}
    district = district or {}
    known = table.name in aliases.ALIASES
    out = []
    for field in header:
        text = field.replace("\ufeff", "").strip()
        key = header_names.normalize(text)
        if key in district:
            out.append(HeaderMatch(text, district[key], "district"))
        elif text in names:
            out.append(HeaderMatch(text, text, "exact"))
        elif key in by_key:
            out.append(HeaderMatch(text, by_key[key], "normalised"))
        elif known and header_names.negated(table.name, text) in names:
            out.append(HeaderMatch(text, header_names.negated(table.name, text), "negated"))
        else:
            column = header_names.resolve(table.name, text) if known else None
            found = column in names
            out.append(HeaderMatch(text, column if found else None,
                                   "alias" if found else "extra"))
    return _one_per_column(out, table)


def _one_per_column(matches: list[HeaderMatch], table: Table) -> list[HeaderMatch]:
    """Keep one field per column (see :func:`match_header`); the others become extras."""
    by_column: dict[str, list[int]] = {}
    for i, m in enumerate(matches):
        if m.column is not None:
            by_column.setdefault(m.column, []).append(i)
    out = list(matches)
    for column, at in by_column.items():
        if len(at) < 2:
            continue

        def order(i: int, column: str = column) -> tuple[int, int, int, int]:
            m = matches[i]
            rank = (0 if m.how == "negated" else
                    header_names.alias_rank(table.name, column, m.header)
                    if table.name in aliases.ALIASES else 0)
            return (m.how != "district", rank, m.how not in ("exact", "normalised"), i)

        best = min(at, key=order)
        for i in at:
            if i != best:
                out[i] = HeaderMatch(matches[i].header, None, "extra", matches[best].header)
    return out


def _looks_like_id(header: str) -> bool:
    """Whether ``header`` names an ID (``programID``, ``Person ID``, ``person_id``).

    Example:
        >>> _looks_like_id("programID"), _looks_like_id("program"), _looks_like_id("Void")
        (True, False, False)
    """
    return re.search(r"(?:ID|[\s_.-][Ii][Dd])$", header.strip()) is not None


def _listing(names: list[str]) -> str:
    shown = ", ".join(printable(n, 40) for n in names[:MAX_LISTED]) or "(nothing)"
    more = len(names) - MAX_LISTED
    return shown + (f" (+{more} more)" if more > 0 else "")


def _near_miss(table: Table, missing: list[str], matches: list[HeaderMatch]) -> str:
    """``; header 'X' not recognised (closest known name: 'y')`` for a missing column, or ''."""
    if table.name not in aliases.ALIASES:
        return ""
    for m in matches:
        if m.how != "extra" or not header_names.normalize(m.header):
            continue
        near = header_names.closest(table.name, m.header)
        target = header_names.resolve(table.name, near) if near is not None else None
        if _looks_like_id(m.header) and not _looks_like_id(target or ""):
            continue  # a database ID (programID) is never the hint for a code (program)
        if target in missing:
            return (f"; header {printable(m.header, 40)!r} not recognised "
                    f"(closest known name: {near!r})")
    return ""


def map_header(path: Path, header: list[str], columns: list[pa.Array], table: Table,
               district: dict[str, str] | None = None,
               ) -> tuple[dict[str, pa.Array], list[HeaderMatch]]:
    """The file's columns by contract name (extras by their header text, blank names dropped).

    ``district``: the parameters' ``columns:`` map of this file (normalised header -> column).
    An extra column whose text is a contract column's name (a field the district's map
    replaced) is kept as ``NAME (not used)``.

    Raises:
        ExtractError: an IC State Format file (first record ``HD``, no header), two fields
            with the same name, or a column the contract requires is missing (naming the
            unrecognised header closest to it, if any).

    Example:
        >>> from mtcollect_nb.load.contract import TABLES
        >>> head = ["School_ID", "NAME", "school.number", "District Number", "Note"]
        >>> cols = [pa.array([v]) for v in ("1", "x", "0001", "0001", "y")]
        >>> sorted(map_header(Path("schools.csv"), head, cols, TABLES["schools"])[0])
        ['Note', 'districtNumber', 'name', 'schoolID', 'schoolNumber']
    """
    matches = match_header(header, table, district)
    _refuse_state_format(path, header, matches)
    names = set(table.column_names)
    out: dict[str, pa.Array] = {}
    seen: dict[str, str] = {}
    for m, arr in zip(matches, columns, strict=True):
        key = header_names.normalize(m.header)
        if not key:
            continue
        if key in seen:
            raise ExtractError(f"{path}: column {printable(m.header, 40)!r} appears twice in "
                               f"the header (also as {printable(seen[key], 40)!r}); remove or "
                               "rename one")
        seen[key] = m.header
        name = m.column or (m.header if m.header not in names else f"{m.header} (not used)")
        out[name] = arr
    missing = [c.name for c in table.columns if c.in_header and c.name not in out]
    missing += [" or ".join(group) for group in table.one_of
                if not any(c in out for c in group)]
    if missing and not any(m.column for m in matches):  # a data row where the header should be
        raise ExtractError(f"{path}: missing required column(s) {', '.join(missing)}; the "
                           f"first line ({len(header)} fields) has no known column name: is "
                           "the header row missing? (its values are not shown: they may be "
                           "personal data)")
    if missing:
        found = [m.header for m in matches if m.header]
        raise ExtractError(f"{path}: missing required column(s) {', '.join(missing)}"
                           f"{_near_miss(table, missing, matches)}{_season_hint(table, missing)}"
                           f"; found: {_listing(found)}")
    return out, matches


def _season_hint(table: Table, missing: list[str]) -> str:
    """``; a fall run ... needs ...`` when a missing column is a field of the run's season."""
    season = table.extra.get("season")
    if season is None or not set(missing) & set(season.fields.names):
        return ""
    f = season.fields
    return (f"; a {season.name} run (collection_season: {season.name}) needs the {season.name} "
            f"fields {', '.join(f.names)} (IC: {f.hours_label}, {f.absent_label}, "
            f"{f.exclude_label})")


def _refuse_state_format(path: Path, header: list[str], matches: list[HeaderMatch]) -> None:
    """ExtractError for IC's State Format (a first record ``HD`` and no header row)."""
    if header and header[0].strip().upper() == "HD" and not any(m.column for m in matches):
        raise ExtractError(f"{path}: this is an Infinite Campus State Format file (its first "
                           "record is HD and it has no header row), which the workbook cannot "
                           "read; run the same report again with the CSV format (or export "
                           "the table with Ad Hoc Reporting as CSV) and save it here")

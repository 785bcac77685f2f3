r"""Rewrite a written bundle's headers as real exports name them (Ad Hoc names, report labels).

Post-processing of a folder written by :func:`mtcollect_nb.synthetic.write_district`: only
the header line of each file changes (its bytes and encoding otherwise untouched), so the same
district can be run with contract headers and with the headers a district's export would
have, and every finding and count compared. The names come from
:data:`mtcollect_nb.load.aliases.ALIASES` (one table of every alias).

Styles:
    ``adhoc``: an Ad Hoc dotted name where the alias table has one (``student.personID``),
    else the table's own object prefix (``calendar.endYear``);
    ``labels``: a plain report label (``Local Student Number``), else a spaced, capitalised
    spelling of the column (``Person ID``), so normalised matching carries it.

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "calendars.csv").write_text("calendarID,stateExclude,endYear\n1,0,2025\n")
    >>> rewrite_headers(d, "adhoc")["calendars"]
    ['calendar.calendarID', 'calendar.exclude', 'calendar.endYear']
    >>> (d / "calendars.csv").read_text().splitlines()[1]
    '1,0,2025'
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from mtcollect_nb.load import aliases, header_names
from mtcollect_nb.load.contract import TABLES

STYLES = ("adhoc", "labels")


def _spaced(column: str) -> str:
    """``personID`` -> ``Person ID``, ``mtFallAggregateHours`` -> ``Mt Fall Aggregate Hours``."""
    words = re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+", column)
    return " ".join(w[:1].upper() + w[1:] for w in words) or column


def export_header(table: str, column: str, style: str) -> str:
    """The header a real export would give ``table``'s ``column`` in ``style``.

    Example:
        >>> export_header("students", "studentNumber", "labels")
        'Local Student Number'
        >>> export_header("enrollments", "personID", "adhoc")
        'student.personID'
    """
    if style not in STYLES:
        raise ValueError(f"unknown header style {style!r} (use {', '.join(STYLES)})")
    alts = aliases.ALIASES.get(table, {}).get(column, ())
    dotted = [a for a in alts if "." in a]
    labels = [a for a in alts if "." not in a and " " in a]
    prefixes = aliases.PREFIXES.get(table, ())
    if style == "adhoc":
        candidates = [*dotted, *(f"{p}.{column}" for p in prefixes[:1]), _spaced(column)]
    else:
        candidates = [*labels, _spaced(column)]
    for name in candidates:  # the first one that reads back as the same column
        if header_names.resolve(table, name) == column:
            return name
    return column


def rewrite_headers(folder: Path, style: str = "adhoc") -> dict[str, list[str]]:
    """Rewrite the header line of every ``TABLE.csv`` in ``folder``; returns the new headers.

    Columns the contract does not know keep their header.
    """
    out: dict[str, list[str]] = {}
    for path in sorted(Path(folder).glob("*.csv")):
        table = path.stem
        if table not in TABLES:
            continue
        data = path.read_bytes()
        end = data.find(b"\n")
        end = len(data) if end < 0 else end
        header = next(csv.reader([data[:end].decode("ascii").rstrip("\r")]))
        contract = {c.name for c in TABLES[table].columns}
        new = [export_header(table, h, style) if h in contract else h for h in header]
        buf = io.StringIO()
        csv.writer(buf, lineterminator="").writerow(new)
        path.write_bytes(buf.getvalue().encode("ascii") + data[end:])
        out[table] = new
    return out

r"""For each required column a file lacks, the closest header of the file: a ``columns:`` entry.

A district whose report names a column its own way (``sch_no``) gets, from ``mtcollect
check-extracts``, the ``columns:`` lines to paste into its parameters file
(:mod:`mtcollect_nb.load.district_maps`), one header per missing column: the unread header of
the file most like the column's name or one of its aliases. It is a guess to check, never
applied by itself. A file whose first line has no known column name at all (no header row:
its "headers" may be personal data) gets no suggestion.

Example:
    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (d / "schools.csv").write_text("schoolID,sch_no,sch_name\n1,0001,A\n")
    >>> suggest_columns(d)["schools"]
    [('sch_no', 'schoolNumber'), ('sch_name', 'name')]
"""

from __future__ import annotations

import difflib
from pathlib import Path

from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.load.aliases import ALIASES
from mtcollect_nb.load.contract import LOAD_ORDER, TABLES, season_table
from mtcollect_nb.load.district_maps import header_map
from mtcollect_nb.load.header_names import normalize
from mtcollect_nb.load.headers import HeaderMatch, find_file, match_header
from mtcollect_nb.load.quick import read_header
from mtcollect_nb.params import Params


def _missing(table: str, matches: list[HeaderMatch], params: Params | None = None,
             ) -> list[str]:
    """Required columns (and the first of each one-of group) no header of the file names.

    The enrollment fields required are those of the run's season (``params``; default spring).
    """
    found = {m.column for m in matches if m.column}
    t = season_table(table, params.season if params is not None else None)
    out = [c.name for c in t.columns if c.in_header and c.name not in found]
    out += [group[0] for group in t.one_of if not found & set(group)]
    return out


def _score(header: str, table: str, column: str) -> float:
    key = normalize(header)
    names = [normalize(n) for n in (column, *ALIASES.get(table, {}).get(column, ()))]
    return max(difflib.SequenceMatcher(None, key, n).ratio() for n in names)


def closest_headers(table: str, missing: list[str],
                    matches: list[HeaderMatch]) -> list[tuple[str | None, str]]:
    """(header, column) per missing column: the closest unread header (None: none left)."""
    free = [m.header for m in matches if m.column is None and normalize(m.header)]
    pairs = sorted(((_score(h, table, c), -i, -j, h, c) for i, c in enumerate(missing)
                    for j, h in enumerate(free)), reverse=True)
    chosen: dict[str, str] = {}
    for _, _, _, header, column in pairs:  # the most alike pair first
        if column not in chosen and header not in chosen.values():
            chosen[column] = header
    return [(chosen.get(c), c) for c in missing]


def suggest_columns(folder: Path, params: Params | None = None,
                    ) -> dict[str, list[tuple[str | None, str]]]:
    """Per file lacking a required column: (header, column) pairs for ``columns:``."""
    out: dict[str, list[tuple[str | None, str]]] = {}
    for table in LOAD_ORDER:
        path = find_file(folder, table, required=False)
        if path is None:
            continue
        try:
            header = read_header(path)
        except MtcollectError:  # an unreadable file has its own one-line error
            continue
        matches = match_header(header, TABLES[table], header_map(params, table))
        missing = _missing(table, matches, params)
        if missing and any(m.column for m in matches):
            out[table] = closest_headers(table, missing, matches)
    return out

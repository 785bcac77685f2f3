"""A quick check of an extract folder before a run: every file found, every header mapped.

Reads only the start of each file (the header), so a missing file or column is reported in
well under a second, before a notebook kernel starts (``mtcollect run``). The rows are read by
:func:`mtcollect_nb.load.loader.load_bundle` (and by ``mtcollect check-extracts``).

Example:
    >>> import tempfile, pathlib
    >>> from mtcollect_nb.load.loader import write_bundle
    >>> from mtcollect_nb.testing import make_bundle
    >>> d = pathlib.Path(tempfile.mkdtemp()); write_bundle(make_bundle(), d)
    >>> sorted(check_headers(d))[:3]
    ['attendance', 'calendars', 'days']
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pyarrow as pa

from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load import contract
from mtcollect_nb.load.decode import to_utf8
from mtcollect_nb.load.headers import HeaderMatch, check_folder, find_file, map_header
from mtcollect_nb.load.limits import HEAD_BYTES, MAX_CSV_BYTES, check_file_size, check_header_width
from mtcollect_nb.load.readers import _sniff
from mtcollect_nb.load.records import _layout
from mtcollect_nb.load.xlsx import read_xlsx_rows
from mtcollect_nb.params import Params


class _HeaderRead(Exception):
    """Stops reading an xlsx sheet once its header is known."""

    def __init__(self, header: list[str]) -> None:
        super().__init__()
        self.header = header


def read_header(path: Path) -> list[str]:
    """The header fields of ``path`` (CSV: from its first MiB; xlsx: its first non-blank row).

    The file's bounds come first (:mod:`mtcollect_nb.load.limits`: its size, an xlsx's parts,
    the header's width), so the pre-check refuses what the loader would refuse.
    """
    if path.suffix.lower() == ".xlsx":
        def stop(header: list[str]) -> None:
            raise _HeaderRead(header)
        try:
            read_xlsx_rows(path, stop)
        except _HeaderRead as done:
            return done.header
        return []  # pragma: no cover - read_xlsx_rows raises on a sheet without a header
    check_file_size(path, MAX_CSV_BYTES)
    with path.open("rb") as handle:
        data = handle.read(HEAD_BYTES)
        if len(data) == HEAD_BYTES and handle.read(1):
            data = data[: data.rfind(b"\n") + 1] or data  # whole lines only
    text, _ = to_utf8(path, data)
    if not text or text.isspace():
        raise ExtractError(f"{path}: file is empty (no header row)")
    start, end, _, _ = _layout(text)
    head = text[start:end].decode("utf-8", errors="replace").rstrip("\r")
    header = [h.strip() for h in next(csv.reader(io.StringIO(head),
                                                 delimiter=_sniff(head.split("\n", 1)[0])))]
    check_header_width(path, header)
    return header


def check_headers(folder: Path, params: Params | None = None) -> dict[str, list[HeaderMatch]]:
    """Find every table's file and map its header; ExtractError on the first that fails.

    With ``params``: the ``columns:`` map is applied (ParameterError when it names an unknown
    file or column) and the schools and calendars are read to check the folder is the
    district's and the year's (:mod:`mtcollect_nb.load.scope`; they are small files).
    Returns table name -> how each header field was read, for the files present.
    """
    from mtcollect_nb.load.district_maps import check_maps, header_map

    folder = Path(folder)
    check_folder(folder)
    check_maps(params)
    out: dict[str, list[HeaderMatch]] = {}
    for name in contract.LOAD_ORDER:
        path = find_file(folder, name)
        if path is None:
            continue
        header = read_header(path)
        table = contract.season_table(name, params.season if params is not None else None)
        out[name] = map_header(path, header, [pa.array([])] * len(header), table,
                               header_map(params, name))[1]
    _days_need_periods(folder, out)
    if params is not None:
        _check_scope(folder, params)
    return out


def _days_need_periods(folder: Path, headers: dict[str, list[HeaderMatch]]) -> None:
    """ExtractError when days name period schedules without minutes and periods.csv is missing."""
    columns = {m.column for m in headers.get("days", [])}
    if "minutes" not in columns and "periodScheduleID" in columns and "periods" not in headers:
        raise ExtractError(f"{find_file(folder, 'days')}: the days give a periodScheduleID and no "
                           "minutes, so their minutes come from the period schedule; "
                           "periods.csv (the periods of each period schedule, with their "
                           "minutes or start and end times) is needed and missing")


def _check_scope(folder: Path, params: Params) -> None:
    """Read schools and calendars and check the district and the school year (one line)."""
    from mtcollect_nb.load.loader import load_table
    from mtcollect_nb.load.scope import check_scope, fill_district

    schools_path, calendars_path = find_file(folder, "schools"), find_file(folder, "calendars")
    assert schools_path is not None and calendars_path is not None  # required files
    schools = fill_district(load_table(schools_path, "schools", {}, {}, params)[0], params)
    calendars = load_table(calendars_path, "calendars", {"schools": schools},
                           {"schools": schools_path.name}, params)[0]
    check_scope(schools, calendars, params, calendars_path, schools_path)

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
from mtcollect_nb.load.headers import HeaderMatch, find_file, map_header
from mtcollect_nb.load.readers import _sniff
from mtcollect_nb.load.records import _layout
from mtcollect_nb.load.xlsx import read_xlsx_rows

#: Bytes read from the start of a CSV file to find its header.
HEAD_BYTES = 1 << 20


class _HeaderRead(Exception):
    """Stops reading an xlsx sheet once its header is known."""

    def __init__(self, header: list[str]) -> None:
        super().__init__()
        self.header = header


def check_folder(folder: Path) -> None:
    """ExtractError unless ``folder`` is an existing folder (naming a file given instead)."""
    if folder.is_file():
        raise ExtractError(f"{folder}: is a file, not a folder; give the folder that holds "
                           "the extract files")
    if not folder.is_dir():
        raise ExtractError(f"{folder}: extracts folder not found")


def read_header(path: Path) -> list[str]:
    """The header fields of ``path`` (CSV: from its first MiB; xlsx: its first non-blank row)."""
    if path.suffix.lower() == ".xlsx":
        def stop(header: list[str]) -> None:
            raise _HeaderRead(header)
        try:
            read_xlsx_rows(path, stop)
        except _HeaderRead as done:
            return done.header
        return []  # pragma: no cover - read_xlsx_rows raises on a sheet without a header
    with path.open("rb") as handle:
        data = handle.read(HEAD_BYTES)
        if len(data) == HEAD_BYTES and handle.read(1):
            data = data[: data.rfind(b"\n") + 1] or data  # whole lines only
    text, _ = to_utf8(path, data)
    if not text or text.isspace():
        raise ExtractError(f"{path}: file is empty (no header row)")
    start, end, _, _ = _layout(text)
    head = text[start:end].decode("utf-8", errors="replace").rstrip("\r")
    return [h.strip() for h in next(csv.reader(io.StringIO(head),
                                               delimiter=_sniff(head.split("\n", 1)[0])))]


def check_headers(folder: Path) -> dict[str, list[HeaderMatch]]:
    """Find every table's file and map its header; ExtractError on the first that fails.

    Returns table name -> how each header field was read, for the files present.
    """
    folder = Path(folder)
    check_folder(folder)
    out: dict[str, list[HeaderMatch]] = {}
    for name in contract.LOAD_ORDER:
        path = find_file(folder, name)
        if path is None:
            continue
        header = read_header(path)
        out[name] = map_header(path, header, [pa.array([])] * len(header),
                               contract.TABLES[name])[1]
    return out

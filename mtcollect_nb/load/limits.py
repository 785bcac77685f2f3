r"""Every bound on reading an extract file, in one place: the cheap checks come first.

A file is measured before it is read (its size on disk; an ``.xlsx``'s parts as its zip
directory declares them) and bounded while it is read (lines, header fields, lines that cannot
be rows, NUL bytes chunk by chunk), so a damaged or hostile file costs at most what the largest
real export costs and is refused with one line naming it. Each bound is far above any real
Infinite Campus export (the largest Montana district's period attendance is ~3 million rows,
~150 MB as CSV; an IC export has tens of columns, a dump of the ``student`` view ~200; the
150,000-student statewide benchmark bundle is 2.95 million rows in all). A file at the bounds
costs at most a few GB of memory to load (measured: decisions.md, "The loader at the door"):

=============================  ==============  ===============================================
bound                          value           what
=============================  ==============  ===============================================
:data:`MAX_CSV_BYTES`          1 GiB           a CSV file on disk (checked before reading)
:data:`MAX_LINES`              10,000,000      lines of a CSV file (counted while reading)
:data:`MAX_CELLS`              200,000,000     rows x header fields of a CSV (before splitting)
:data:`MAX_XLSX_BYTES`         256 MiB         an ``.xlsx`` file on disk (zipped)
:data:`MAX_UNZIPPED_BYTES`     1 GiB           all parts of a workbook, uncompressed (a zip bomb)
:data:`MAX_SHARED_STRINGS`     256 MiB         its shared strings (read whole by openpyxl)
:data:`MAX_UNSIZED_SHEET`      64 MiB          a sheet without a ``<dimension>`` (openpyxl
                                               scans such a sheet once more to size it)
:data:`MAX_ROWS`               1,048,576       rows of a sheet (Excel's own limit)
:data:`MAX_COLUMNS`            1,000           fields of a header (CSV or sheet)
:data:`MAX_BAD_LINES`          1,000           lines of one file that cannot be rows (broken
                                               quotes, the wrong number of fields)
:data:`MAX_REJECTED`           1,000,000       rejected rows of one file (what a workbook
                                               sheet can show; each costs Python objects)
:data:`MAX_RECORD_LINES`       50              lines of one quoted record
:data:`HEAD_BYTES`             1 MiB           read to find a CSV's header (the pre-check)
=============================  ==============  ===============================================

Example:
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "s.csv"
    >>> _ = p.write_bytes(b"a,b\n1,2\n")
    >>> read_limited(p)
    bytearray(b'a,b\n1,2\n')
    >>> try:
    ...     check_header_width(p, ["x"] * (MAX_COLUMNS + 1))
    ... except ExtractError as err:
    ...     print(str(err).split(": ", 1)[1][:58])
    the header has 1,001 columns; an extract has at most 1,000
"""

from __future__ import annotations

from pathlib import Path

from mtcollect_nb.errors import ExtractError

MAX_CSV_BYTES = 1 << 30
MAX_LINES = 10_000_000
MAX_CELLS = 200_000_000
MAX_XLSX_BYTES = 256 << 20
MAX_UNZIPPED_BYTES = 1 << 30
MAX_SHARED_STRINGS = 256 << 20
MAX_UNSIZED_SHEET = 64 << 20
MAX_ROWS = 1_048_576
MAX_COLUMNS = 1_000
MAX_BAD_LINES = 1_000
MAX_REJECTED = 1_000_000
MAX_RECORD_LINES = 50
HEAD_BYTES = 1 << 20
#: Bytes read at a time: a NUL byte (binary data) stops the read at its chunk.
READ_CHUNK = 16 << 20
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def size_text(n: int) -> str:
    """``n`` bytes in words (``1.5 GiB``, ``300 MiB``, ``12 KiB``).

    Example:
        >>> size_text(3 << 29), size_text(MAX_XLSX_BYTES), size_text(1000)
        ('1.5 GiB', '256 MiB', '1000 bytes')
    """
    for unit, shift in (("GiB", 30), ("MiB", 20), ("KiB", 10)):
        if n >= 1 << shift:
            return f"{n / (1 << shift):.1f}".removesuffix(".0") + f" {unit}"
    return f"{n} bytes"


def too_large(path: Path, what: str, limit: str) -> ExtractError:
    """The one line of a file over a bound: what it has, the bound, what to do."""
    return ExtractError(f"{path}: too large to be an extract ({what}; an extract has at most "
                        f"{limit}); export the table again as CSV, one table per file")


def binary_data(path: Path, line: int) -> ExtractError:
    """The one line of a file holding a NUL byte (binary data)."""
    return ExtractError(f"{path}: not a text file (binary data on line {line}); export it "
                        "again as CSV")


def check_file_size(path: Path, limit: int) -> int:
    """The size of ``path`` on disk; ExtractError over ``limit`` (nothing is read)."""
    size = path.stat().st_size
    if size > limit:
        raise too_large(path, size_text(size), size_text(limit))
    return size


def read_limited(path: Path, limit: int = MAX_CSV_BYTES) -> bytearray:
    """The bytes of a CSV file: its size checked first, then read in chunks into one buffer.

    A NUL byte stops the read at its chunk (binary data: a damaged download, a file of zeros
    after its first lines), except in a UTF-16 file, where every other byte is NUL; so do more
    than :data:`MAX_LINES` lines.
    """
    size = check_file_size(path, limit)
    buf = bytearray(size)
    view = memoryview(buf)
    pos, lines = 0, 0
    with path.open("rb") as handle:
        while pos < size:
            n = handle.readinto(view[pos:pos + READ_CHUNK])
            if not n:
                break
            nul = -1 if buf[:2] in _UTF16_BOMS else buf.find(b"\x00", pos, pos + n)
            if nul >= 0:
                raise binary_data(path, lines + buf.count(b"\n", pos, nul) + 1)
            lines += buf.count(b"\n", pos, pos + n)
            if lines > MAX_LINES:
                raise too_large(path, f"more than {MAX_LINES:,} lines", f"{MAX_LINES:,} lines")
            pos += n
        grew = bool(handle.read(1))
    view.release()
    if grew:
        raise ExtractError(f"{path}: the file changed while it was read; run again when the "
                           "export is finished")
    del buf[pos:]  # the file shrank while it was read: what it holds now
    return buf


def check_header_width(path: Path, header: list[str]) -> None:
    """ExtractError when a header has more than :data:`MAX_COLUMNS` fields (before any row)."""
    if len(header) > MAX_COLUMNS:
        raise ExtractError(f"{path}: the header has {len(header):,} columns; an extract has at "
                           f"most {MAX_COLUMNS:,} (a real export has tens): this is not an "
                           "extract table, or its header row is damaged; export it again")


def check_bad_lines(path: Path, count: int, why: str) -> None:
    """ExtractError when more than :data:`MAX_BAD_LINES` lines of a file cannot be rows."""
    if count > MAX_BAD_LINES:
        raise ExtractError(f"{path}: more than {MAX_BAD_LINES:,} lines {why}; the file is "
                           "damaged or not this table: export it again as CSV")


def too_many_rejected(path: Path, why: str) -> ExtractError:
    """The one line of a file with more than :data:`MAX_REJECTED` rejected rows."""
    return ExtractError(f"{path}: more than {MAX_REJECTED:,} rows would be rejected (such as: "
                        f"{why[:120]}); the file is not this table or this district's, or a "
                        "file it refers to is incomplete: export the files again together")


def check_cells(path: Path, rows: int, fields: int) -> None:
    """ExtractError when rows x header fields pass :data:`MAX_CELLS` (before splitting)."""
    if rows * fields > MAX_CELLS:
        raise too_large(path, f"{rows:,} rows of {fields:,} columns",
                        f"{MAX_CELLS:,} values (rows x columns)")

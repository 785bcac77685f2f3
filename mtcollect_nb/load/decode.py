r"""Decode an extract's bytes to UTF-8: BOMs, UTF-16, Windows-1252, and files that mix both.

IC on Windows writes Windows-1252; a file edited or appended elsewhere may hold UTF-8 lines and
Windows-1252 lines at once. Such a file is decoded line by line (each line as UTF-8 when it is
valid UTF-8, else as Windows-1252) and the lines read as Windows-1252 are reported in a loader
note, so a name is never silently garbled (``PeÃ±a``). Binary data anywhere (a NUL byte) stops
the file with one line naming where.

Example:
    >>> data = "id,n\n1,Peña\n".encode() + "2,Peña\n".encode("cp1252")
    >>> text, notes = to_utf8(Path("x.csv"), data)
    >>> text.decode().splitlines()[1:], notes
    (['1,Peña', '2,Peña'], ['1 line(s) are not UTF-8 and were read as Windows-1252: line 3'])
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load.limits import binary_data

ENCODINGS_TRIED = "UTF-8, UTF-16 or Windows-1252"
MAX_LINES_SHOWN = 10
#: A well-formed multi-byte UTF-8 sequence (which Windows-1252 text practically never holds).
_UTF8_SEQ = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _not_decodable(path: Path) -> ExtractError:
    return ExtractError(f"{path}: cannot be decoded as {ENCODINGS_TRIED}; export it again as "
                        "CSV (UTF-8)")


def to_utf8(path: Path, data: bytes | bytearray) -> tuple[bytes | bytearray, list[str]]:
    """The file's bytes as UTF-8 without BOM, and loader notes; ExtractError when not text."""
    if data[:4] == b"PK\x03\x04":
        raise ExtractError(f"{path}: this is an Excel workbook saved under a .csv name; "
                           f"save it as CSV or rename it {path.stem}.xlsx")
    if data[:4] == b"\xd0\xcf\x11\xe0":
        raise ExtractError(f"{path}: this is an old Excel .xls file; save it as .xlsx or CSV")
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return data.decode("utf-16").encode("utf-8"), []
        except UnicodeDecodeError as err:
            raise ExtractError(f"{path}: not valid UTF-16 text ({err.reason})") from None
    if data[:3] == b"\xef\xbb\xbf":
        data = data[3:]
    nul = data.find(b"\x00")
    if nul >= 0:
        raise binary_data(path, data.count(b"\n", 0, nul) + 1)
    if data.isascii():
        return data, []
    try:
        data.decode("utf-8")
        return data, []
    except UnicodeDecodeError:
        pass
    if not has_utf8_sequence(data):  # plain Windows-1252 (IC's default on Windows)
        try:
            return data.decode("cp1252").encode("utf-8"), []
        except UnicodeDecodeError:
            raise _not_decodable(path) from None
    return _by_line(path, data)


def has_utf8_sequence(data: bytes | bytearray) -> bool:
    r"""Whether ``data`` holds a well-formed multi-byte UTF-8 sequence (:data:`_UTF8_SEQ`).

    Vectorized: only the bytes that can start one (``\xc2``-``\xf4``) are looked at.

    Example:
        >>> has_utf8_sequence("Peña".encode()), has_utf8_sequence("Peña".encode("cp1252"))
        (True, False)
    """
    b = np.frombuffer(data, dtype=np.uint8)
    lead = np.flatnonzero((b >= 0xC2) & (b <= 0xF4))
    if not len(lead):
        return False
    lb = b[lead]
    need = np.where(lb <= 0xDF, 1, np.where(lb <= 0xEF, 2, 3))  # continuation bytes
    ok = lead + need <= len(b) - 1  # the whole sequence is inside the data
    for k in (1, 2, 3):
        at = np.minimum(lead + k, len(b) - 1)
        cont = (b[at] >= 0x80) & (b[at] <= 0xBF)
        ok &= (need < k) | cont
    return bool(ok.any())


def _by_line(path: Path, data: bytes | bytearray) -> tuple[bytes, list[str]]:
    """Decode each line on its own (UTF-8, else Windows-1252); note the Windows-1252 lines."""
    lines: list[bytes] = bytes(data).split(b"\n")  # (a copy: files that mix encodings only)
    out: list[bytes] = []
    legacy: list[int] = []
    for number, line in enumerate(lines, start=1):  # only files that mix two encodings
        try:
            line.decode("utf-8")
            out.append(line)
        except UnicodeDecodeError:
            try:
                out.append(line.decode("cp1252").encode("utf-8"))
            except UnicodeDecodeError:
                raise ExtractError(f"{path}: line {number} cannot be decoded as "
                                   f"{ENCODINGS_TRIED}; export it again as CSV (UTF-8)") from None
            legacy.append(number)
    shown = ", ".join(map(str, legacy[:MAX_LINES_SHOWN]))
    more = f" … +{len(legacy) - MAX_LINES_SHOWN} more" if len(legacy) > MAX_LINES_SHOWN else ""
    note = (f"{len(legacy)} line(s) are not UTF-8 and were read as Windows-1252: "
            f"line {shown}{more}")
    return b"\n".join(out), [note]

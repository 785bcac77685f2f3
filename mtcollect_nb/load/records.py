r"""Where the records of a CSV file start and end (quote-parity split), without parsing them.

Example:
    >>> starts, ends, lines = _record_starts(b'a,b\n1,"x\ny"\n2,z\n')
    >>> starts.tolist(), lines.tolist()
    ([0, 4, 12], [1, 2, 4])
"""

from __future__ import annotations

import numpy as np

_NL, _CR, _QUOTE = 10, 13, 34


def _record_starts(data: bytes | bytearray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Start offset, end offset and line of every non-empty record (quote-parity split).

    A line break ends a record when an even number of quote characters precedes it. This is
    exact for well-formed CSV; :func:`_read_csv` cross-checks the record count with pyarrow.
    Files without CR or quote characters skip those scans (``bytes.find`` is cheap).
    """
    arr = np.frombuffer(data, dtype=np.uint8)
    breaks = np.flatnonzero(arr == _NL)
    has_cr = data.find(b"\r") >= 0
    if has_cr:
        crs = np.flatnonzero(arr == _CR)
        after = arr[np.minimum(crs + 1, len(arr) - 1)]
        lone = crs[(crs + 1 >= len(arr)) | (after != _NL)]
        if len(lone):  # a CR not followed by LF ends a line too (old Mac files)
            breaks = np.union1d(breaks, lone)
    if data.find(b'"') >= 0:
        quotes = np.flatnonzero(arr == _QUOTE)
        terms = breaks[np.searchsorted(quotes, breaks) % 2 == 0]
    else:
        terms = breaks
    starts = np.concatenate(([0], terms + 1))
    ends = np.concatenate((terms, [len(arr)]))
    length = ends - starts
    if has_cr:
        length -= (length > 0) & (arr[np.maximum(ends - 1, 0)] == _CR)
    keep = length > 0
    starts, ends = starts[keep], ends[keep]
    if terms is breaks:  # every break ends a record: record i starts on line i + 1
        lines = np.flatnonzero(keep) + 1
    else:
        lines = np.searchsorted(breaks, starts, side="left") + 1
    return starts, ends, lines.astype("int64")


def _layout(data: bytes | bytearray) -> tuple[int, int, int, np.ndarray]:
    """Header start and end offset, body start offset and the line of every body record.

    The header is the first record that is not whitespace only. A file without CR, quote
    or blank line has one record per line: the lines are counted, not located.
    """
    arr = np.frombuffer(data, dtype=np.uint8)
    simple = data.find(b"\r") < 0 and data.find(b'"') < 0 and arr[0] != _NL
    if simple:
        breaks = arr == _NL
        simple = not (breaks[1:] & breaks[:-1]).any()
    if not simple:
        starts, ends, lines = _record_starts(data)
        first = 0
        while not data[starts[first]:ends[first]].strip():
            first += 1  # whitespace-only lines above the header
        body = int(starts[first + 1]) if len(starts) > first + 1 else len(data)
        return int(starts[first]), int(ends[first]), body, lines[first + 1:]
    n_lines = int(np.count_nonzero(breaks)) + (arr[-1] != _NL)
    start, line = 0, 1
    while True:
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if data[start:end].strip():
            break
        start, line = end + 1, line + 1  # whitespace-only lines above the header
    return start, end, min(end + 1, len(data)), np.arange(line + 1, n_lines + 1, dtype="int64")



"""Reading the files an earlier run left in the output folder: our own files cannot stop us.

The previous ``findings.xlsx`` and ``history/`` were written by us, but anyone may have
replaced them since: a symbolic link to another district's workbook or to ``/dev/zero``, a
FIFO, a folder, a file grown to gigabytes. :func:`regular_file` is the cheap check made before
anything is opened (``lstat``: a link is never followed, a FIFO never opened);
:func:`read_limited` reads at most ``limit`` bytes of what passed it.

Example:
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> (d / "x.json").write_text("{}") and regular_file(d / "x.json") is None
    True
    >>> (d / "link.json").symlink_to(d / "x.json")
    >>> regular_file(d / "link.json")
    'a symbolic link (never followed)'
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def regular_file(path: Path) -> str | None:
    """Why ``path`` is not a plain file we may open (None: it is one, or it is absent).

    Checked with ``lstat`` (nothing is opened, a link is not followed). A Windows junction or
    reparse point counts as a link.
    """
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as exc:
        return f"cannot be read ({exc.strerror})"
    if stat.S_ISLNK(st.st_mode) or _is_junction(path):
        return "a symbolic link (never followed)"
    if stat.S_ISDIR(st.st_mode):
        return "a folder, not a file"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file (a pipe or a device: never opened)"
    return None


def _is_junction(path: Path) -> bool:
    is_junction = getattr(os.path, "isjunction", None)  # Python 3.12+
    return bool(is_junction(path)) if is_junction is not None else False


def read_limited(path: Path, limit: int) -> bytes:
    """At most ``limit`` bytes of the regular file ``path``.

    Raises:
        ValueError: the file holds more than ``limit`` bytes (its size is checked first and
            the read stops past the limit, so a file that grows is not read whole).
        OSError: it cannot be read.
    """
    size = os.stat(path).st_size
    if size > limit:
        raise ValueError(f"{size:,} bytes, over the limit of {limit:,}")
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise ValueError(f"grew past the limit of {limit:,} bytes while read")
    return data

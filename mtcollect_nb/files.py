"""Safe file output: atomic writes, one-line disk errors, and CSV text that is never a formula.

* :func:`atomic_path` / :func:`atomic_write_text`: a crash, a kill or a full disk never leaves
  a half-written or missing output; the previous file stays as it was.
* :func:`write_error`: an :class:`OSError` while writing becomes one line naming the path
  ("disk full", "read-only file system", ...), never "unexpected OSError".
* :func:`csv_safe` / :func:`write_csv`: a text cell starting with ``=``, ``+``, ``-``, ``@``,
  a tab or a carriage return gets a leading ``'`` (OWASP, CSV injection), so a district name
  ``=HYPERLINK(...)`` opens in Excel as text; :func:`csv_restore` undoes it for our readers.

Example:
    >>> import tempfile
    >>> target = Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_path(target) as tmp:
    ...     _ = tmp.write_text("done")
    >>> target.read_text()
    'done'
"""

from __future__ import annotations

import errno
import os
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from mtcollect_nb.errors import MtcollectError

_UMASK_LOCK = threading.Lock()
#: errno -> what the one-line message says
_WHY = {errno.ENOSPC: "disk full", errno.EDQUOT: "disk quota exceeded",
        errno.EROFS: "read-only file system", errno.EFBIG: "file too large",
        errno.EIO: "input/output error", errno.EACCES: "permission denied",
        errno.EPERM: "operation not permitted"}
#: what a spreadsheet reads as the start of a formula (OWASP), and our own escape
CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
CSV_ESCAPE = "'"


def _umask() -> int:
    with _UMASK_LOCK:
        mask = os.umask(0o022)
        os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: Path, suffix: str = ".tmp") -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success fsync it and rename it onto ``path``.

    On any failure the temporary file is removed and the previous ``path`` (if any) is left
    exactly as it was. The new file gets the usual permissions (0666 less the umask).
    ``suffix`` ends the temporary name (``.ipynb`` for a tool that checks the extension).

    Raises:
        MtcollectError: writing failed on the disk (full, read-only, no permission, ...): one
            line naming ``path`` (:func:`write_error`).
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=suffix, dir=path.parent)
    except OSError as exc:
        raise write_error(path, exc) from exc
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        with open(tmp, "r+b") as fh:
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        try:
            os.replace(tmp, path)
        except PermissionError as exc:  # Windows: the old file is open in Excel
            raise MtcollectError(f"{path}: cannot replace it ({exc.strerror}); "
                                 "close it in Excel and run again") from None
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        if exc.errno in _WHY or exc.filename in (None, str(tmp), str(path)):
            raise write_error(path, exc) from exc
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    try:
        _fsync_dir(path.parent)
    except OSError as exc:
        raise write_error(path, exc) from exc


def write_error(path: Path, exc: OSError) -> MtcollectError:
    """One line for an :class:`OSError` met while writing ``path``.

    Example:
        >>> print(write_error(Path("out/n.ipynb"), OSError(errno.ENOSPC, "No space left")))
        out/n.ipynb: cannot write it (disk full); the previous file, if any, is unchanged
    """
    why = _WHY.get(exc.errno or 0) or exc.strerror or type(exc).__name__
    return MtcollectError(f"{path}: cannot write it ({why}); "
                          "the previous file, if any, is unchanged")


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8",
                      suffix: str = ".tmp") -> Path:
    """Write ``text`` to ``path`` atomically (see :func:`atomic_path`); returns ``path``.

    Example:
        >>> import tempfile
        >>> p = atomic_write_text(Path(tempfile.mkdtemp()) / "n.ipynb", "{}")
        >>> p.read_text()
        '{}'
    """
    with atomic_path(path, suffix) as tmp:
        tmp.write_text(text, encoding=encoding)
    return Path(path)


def _text_cells(frame: pd.DataFrame) -> Iterator[tuple[str, pd.Series]]:
    """(column, its values as text with non-text cells missing) of object/string columns."""
    for col in frame.columns:
        s = frame[col]
        if not (s.dtype == object or pd.api.types.is_string_dtype(s.dtype)):
            continue
        kind = pd.api.types.infer_dtype(s, skipna=True)
        if kind == "string":
            yield col, s.astype("string")
        elif kind.startswith("mixed"):  # text among numbers: only the text cells
            yield col, s.where(s.map(type, na_action="ignore").eq(str)).astype("string")


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells never start a spreadsheet formula.

    A text cell starting with ``= + - @``, a tab or a carriage return, or with ``'`` itself
    (so :func:`csv_restore` can undo it exactly), gets a leading ``'``. Numbers, dates and
    missing cells are left alone.

    Example:
        >>> df = pd.DataFrame({"name": ["=HYPERLINK(1)", "Big Sky", None], "errors": [-1, 2, 3]})
        >>> csv_safe(df)["name"].tolist(), csv_safe(df)["errors"].tolist()
        (["'=HYPERLINK(1)", 'Big Sky', None], [-1, 2, 3])
    """
    out = frame.copy()
    for col, text in _text_cells(frame):
        hit = text.str.startswith((*CSV_TRIGGERS, CSV_ESCAPE)).fillna(False).astype(bool)
        if hit.any():
            out[col] = out[col].astype(object)
            out.loc[hit, col] = (CSV_ESCAPE + text[hit]).astype(object)
    return out


def csv_restore(frame: pd.DataFrame) -> pd.DataFrame:
    """Undo :func:`csv_safe` (for our own readers of a CSV we wrote).

    Example:
        >>> csv_restore(csv_safe(pd.DataFrame({"a": ["=1+1", "'x", "ok"]})))["a"].tolist()
        ['=1+1', "'x", 'ok']
    """
    out = frame.copy()
    for col, text in _text_cells(frame):
        hit = text.str.startswith(CSV_ESCAPE).fillna(False).astype(bool)
        if hit.any():
            out[col] = out[col].astype(object)
            out.loc[hit, col] = text[hit].str[1:].astype(object)
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> Path:
    """Write ``frame`` as UTF-8 CSV, atomically and with :func:`csv_safe` text; returns ``path``.

    Lines end in CRLF (RFC 4180), so a field holding a lone carriage return is quoted too.

    Example:
        >>> import tempfile
        >>> folder = Path(tempfile.mkdtemp())
        >>> path = write_csv(pd.DataFrame({"district": ["@SUM(A1)"]}), folder / "b.csv")
        >>> path.read_text().splitlines()
        ['district', "'@SUM(A1)"]
    """
    with atomic_path(path) as tmp:
        csv_safe(frame).to_csv(tmp, index=False, encoding="utf-8", lineterminator="\r\n")
    return Path(path)


def _fsync_dir(folder: Path) -> None:
    if not hasattr(os, "O_DIRECTORY"):
        return  # Windows: rename is durable enough, directories cannot be opened
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)

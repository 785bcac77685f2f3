"""One batch per output root: an operating-system lock on ``OUTPUT_ROOT/.mtcollect.lock``.

Two batches writing the same folder overwrite each other's result files and delete each
other's reports. :func:`output_lock` holds an exclusive lock on a file in the output root for
the whole batch; a second batch (another terminal, another user, a cron job) fails at once
with one line naming the folder and the holder. The lock belongs to the open file, so the
operating system releases it when the holder exits, is killed or crashes: a stale lock file
left on disk never blocks the next batch (the file is kept, only its lock matters).

POSIX uses :func:`fcntl.flock`, Windows :func:`msvcrt.locking`. A network share that does not
support locks fails with one line too.

Example:
    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> with output_lock(root):
    ...     try:
    ...         with output_lock(root):
    ...             pass
    ...     except MtcollectError as err:
    ...         print(str(err).split(";")[0].endswith("is already writing into it"))
    True
"""

from __future__ import annotations

import datetime as dt
import os
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mtcollect_nb.errors import MtcollectError

LOCK_NAME = ".mtcollect.lock"

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


def lock_path(root: Path) -> Path:
    """The lock file of an output root.

    Example:
        >>> lock_path(Path("out")).as_posix()
        'out/.mtcollect.lock'
    """
    return Path(root) / LOCK_NAME


@contextmanager
def output_lock(root: Path, what: str = "mtcollect batch") -> Iterator[Path]:
    """Hold the output root's lock while the block runs; yields the lock file's path.

    Raises:
        MtcollectError: another process holds the lock (the message names the folder, the
            holder's process and start time), or the lock file cannot be made or locked.
    """
    path = lock_path(root)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise MtcollectError(f"{path}: cannot create the lock file ({exc.strerror})") from None
    try:
        try:
            locked = _try_lock(fd)
        except OSError as exc:  # e.g. a share without lock support
            raise MtcollectError(f"{path}: cannot lock it ({exc.strerror}); use an output "
                                 "folder on a local disk") from None
        if not locked:
            raise MtcollectError(
                f"{root}: another {_holder(fd)} is already writing into it; wait for it to "
                f"finish or use another output folder (lock: {path})")
        try:
            _describe(fd, what)
            yield path
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def _describe(fd: int, what: str) -> None:
    """Write who holds the lock into the file (for the second batch's message)."""
    started = dt.datetime.now().astimezone().isoformat(timespec="seconds")
    text = f"{what} (process {os.getpid()} on {socket.gethostname()}, since {started})\n"
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    os.write(fd, text.encode("utf-8"))


def _holder(fd: int) -> str:
    """What the lock file says about its holder, or a plain description."""
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 400).decode("utf-8", "replace").strip()
    except OSError:
        text = ""
    return text.splitlines()[0] if text else "mtcollect batch"

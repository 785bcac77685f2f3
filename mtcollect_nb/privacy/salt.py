"""The masking salt: a secret made once per installation, never in the source or in an output.

A pseudonym is a keyed hash of a real ID (:mod:`mtcollect_nb.privacy.masking`). Montana state
IDs are 9 digits: with the key known, all 10^9 of them are hashed in minutes and every
pseudonym is reversed. So the key comes from a secret that is not in the source tree, and the
same secret must be used wherever pseudonyms have to match. The first of these wins:

1. ``MTCOLLECT_SALT``: the secret itself (the test suite, CI, a batch server's environment).
2. ``MTCOLLECT_SALT_FILE``: the path of a file holding it. OPI gives every machine whose
   pseudonyms must match (the statewide batch, districts that send masked workbooks to OPI)
   the same file, over a channel it trusts, and sets this variable.
3. The installation's own file ``salt`` in the user's configuration folder, as
   :mod:`platformdirs` names it for the system (Linux: ``$XDG_CONFIG_HOME/mtcollect`` or
   ``~/.config/mtcollect``; macOS: ``~/Library/Application Support/mtcollect``; Windows:
   ``%LOCALAPPDATA%/mtcollect``), made on first use from 32 random bytes of :mod:`secrets`.
   A salt made by an older version in ``~/.config/mtcollect`` is copied there on first use
   (the old file is left in place), so pseudonyms and keys do not change with the upgrade.

A salt is at least 16 characters, not all one character, without control characters (a file
of NULs is no secret). A salt file is a regular file (a folder, a pipe or a device is refused
before it is opened) of at most 4 KiB. Its protection: on Linux and macOS the file is made
0600 in a 0700 folder, and a salt file that group or other users may read or write is refused
with the ``chmod 600`` that fixes it. On Windows permission bits say nothing; the file lives in
the user's own profile, whose folders Windows by default lets only that user, SYSTEM and
Administrators read. mtcollect does not read the file's access list there (see README).

The salt is never printed, logged or written into an output; messages name only where it
came from. :func:`check_salt` is the command line's pre-check (before any kernel starts).

Example:
    >>> import os
    >>> from unittest import mock
    >>> with mock.patch.dict(os.environ, {SALT_ENV: "a district's own secret phrase"}):
    ...     salt_text(), salt_origin()
    ("a district's own secret phrase", 'the MTCOLLECT_SALT environment variable')
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
import sys
import tempfile
import time
from pathlib import Path

from mtcollect_nb.errors import MtcollectError

SALT_ENV = "MTCOLLECT_SALT"
SALT_FILE_ENV = "MTCOLLECT_SALT_FILE"
MIN_SALT_CHARS = 16
#: Fewer different characters than this is no secret ("aaaaaaaaaaaaaaaa", "abababab...").
MIN_DISTINCT_CHARS = 5
#: A salt file larger than this is not a salt file (and is never read whole).
MAX_SALT_FILE_BYTES = 4096
_APP = "mtcollect"
_RANDOM_BYTES = 32
#: A lock file older than this was left by a run that died while making the salt.
_STALE_LOCK_S = 60.0
_CREATE_WAIT_S = 30.0
#: Bits that let the group or other users read or write a salt file (POSIX).
_SHARED_BITS = stat.S_IRGRP | stat.S_IWGRP | stat.S_IROTH | stat.S_IWOTH


def default_salt_file() -> Path:
    """The installation's salt file, in the user's configuration folder (:mod:`platformdirs`).

    Example:
        >>> default_salt_file().parts[-2:]
        ('mtcollect', 'salt')
    """
    import platformdirs

    return platformdirs.user_config_path(_APP, appauthor=False, roaming=False) / "salt"


def legacy_salt_file() -> Path:
    """Where versions before platformdirs kept the salt: ``$XDG_CONFIG_HOME`` or ``~/.config``.

    Example:
        >>> legacy_salt_file().parts[-2:]
        ('mtcollect', 'salt')
    """
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / _APP / "salt"


def salt_origin() -> str:
    """Where the salt is taken from, for messages (never the salt itself)."""
    if os.environ.get(SALT_ENV):
        return f"the {SALT_ENV} environment variable"
    if os.environ.get(SALT_FILE_ENV):
        return f"the file {os.environ[SALT_FILE_ENV]} ({SALT_FILE_ENV})"
    return f"the file {default_salt_file()}"


def salt_text() -> str:
    """The secret salt (see the module docstring for where it comes from).

    Raises:
        MtcollectError: the salt is too short or weak, its file cannot be read or made, is not
            a regular file, or is open to other users. One line that names the variable or
            file and what to do, never the salt.
    """
    value = os.environ.get(SALT_ENV)
    if value:
        return _checked(value, f"{SALT_ENV} (environment variable)", SALT_ENV)
    named = os.environ.get(SALT_FILE_ENV)
    if named:
        return _read(Path(named).expanduser())
    path = default_salt_file()
    if not os.path.lexists(path):
        _create(path, _legacy_text(path))
    return _read(path)


def check_salt() -> None:
    """The pre-check: :func:`salt_text` (making the installation's salt on first use).

    Raises:
        MtcollectError: as :func:`salt_text`.
    """
    salt_text()


def _checked(value: str, where: str, fix: str) -> str:
    """``value`` stripped, unless it is too short or weak (``fix``: what to change)."""
    salt = value.strip()
    if len(salt) < MIN_SALT_CHARS:
        raise MtcollectError(f"masking salt from {where} is too short ({len(salt)} characters; "
                             f"at least {MIN_SALT_CHARS}): {fix}")
    if any(ord(c) < 32 or ord(c) == 127 for c in salt):
        raise MtcollectError(f"masking salt from {where} holds control characters (zero bytes "
                             f"or binary data are no secret): {fix}")
    if len(set(salt)) < MIN_DISTINCT_CHARS:
        raise MtcollectError(f"masking salt from {where} is too weak (fewer than "
                             f"{MIN_DISTINCT_CHARS} different characters): {fix}")
    return salt


def _file_fix(path: Path) -> str:
    if os.environ.get(SALT_FILE_ENV):
        return f"point {SALT_FILE_ENV} to the salt file OPI gave you"
    return f"delete {path} to make a new random salt (earlier masked outputs will not match)"


def _read(path: Path) -> str:
    """The salt in the file ``path``, after checking what the file is (never opens a pipe)."""
    try:
        st = path.stat()
    except OSError as exc:
        raise MtcollectError(f"{path}: cannot read the masking salt file ({exc.strerror}); set "
                             f"{SALT_FILE_ENV} to a readable salt file") from None
    if stat.S_ISDIR(st.st_mode):
        raise MtcollectError(f"{path}: the masking salt file is a folder; "
                             f"{_file_fix(path)}, or set {SALT_FILE_ENV} to a salt file")
    if not stat.S_ISREG(st.st_mode):
        raise MtcollectError(f"{path}: the masking salt file is not a regular file (a pipe or "
                             f"device); set {SALT_FILE_ENV} to a salt file")
    if not sys.platform.startswith("win") and st.st_mode & _SHARED_BITS:  # (see docstring)
        raise MtcollectError(f"{path}: the masking salt file is open to other users "
                             f"(mode {stat.S_IMODE(st.st_mode):04o}); run: chmod 600 {path}")
    if st.st_size > MAX_SALT_FILE_BYTES:
        raise MtcollectError(f"{path}: the masking salt file is {st.st_size:,} bytes, not a "
                             f"salt (at most {MAX_SALT_FILE_BYTES:,}); {_file_fix(path)}")
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_SALT_FILE_BYTES + 1)
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise MtcollectError(f"{path}: cannot read the masking salt file ({why}); "
                             f"{_file_fix(path)}") from None
    return _checked(text, str(path), _file_fix(path))


def _legacy_text(path: Path) -> str | None:
    """An older version's salt, to be carried to ``path`` (None when there is none)."""
    old = legacy_salt_file()
    if old == path or not os.path.lexists(old):
        return None
    return _read(old) + "\n"  # checked like any salt file; a bad one is one line


def _create(path: Path, text: str | None = None) -> None:
    """Write a salt to ``path`` (a new random one unless ``text``), whole or not at all.

    Portable (no hard links, which FAT drives and some Windows shares lack): one process at a
    time holds ``salt.lock`` (an exclusive create, atomic on every system) and moves a complete
    temporary file into place with :func:`os.replace`; the others wait for the file to appear,
    so parallel first runs (a batch's workers) all use the same salt.
    """
    lock = path.with_name(path.name + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        if not _take_lock(lock, path):
            return  # another process made the salt meanwhile
        try:
            if not os.path.lexists(path):
                _write_whole(path, text or secrets.token_urlsafe(_RANDOM_BYTES) + "\n")
        finally:
            with contextlib.suppress(OSError):
                os.unlink(lock)
    except OSError as exc:
        raise MtcollectError(f"{path}: cannot create the masking salt file ({exc.strerror}); "
                             f"set {SALT_FILE_ENV} to a salt file or {SALT_ENV}") from None


def _take_lock(lock: Path, path: Path) -> bool:
    """Hold ``lock`` (True), or False once ``path`` exists (made by the lock's holder)."""
    deadline = time.monotonic() + _CREATE_WAIT_S
    while True:
        try:
            os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
            return True
        except FileExistsError:
            pass
        if os.path.lexists(path):
            return False
        with contextlib.suppress(OSError):
            if time.time() - lock.stat().st_mtime > _STALE_LOCK_S:
                os.unlink(lock)  # left by a run that died: take it over
                continue
        if time.monotonic() > deadline:
            raise MtcollectError(f"{path}: another run has been making the masking salt for "
                                 f"{_CREATE_WAIT_S:g} s; if none is running, delete {lock}")
        time.sleep(0.05)


def _write_whole(path: Path, text: str) -> None:
    """``text`` into ``path`` through a 0600 temporary file and :func:`os.replace`."""
    fd, tmp = tempfile.mkstemp(prefix=".salt-", dir=path.parent)  # mkstemp: mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise

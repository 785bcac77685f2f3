"""The masking salt: a secret made once per installation, never in the source or in an output.

A pseudonym is a keyed hash of a real ID (:mod:`mtcollect_nb.privacy.masking`). Montana state
IDs are 9 digits: with the key known, all 10^9 of them are hashed in minutes and every
pseudonym is reversed. So the key comes from a secret that is not in the source tree, and the
same secret must be used wherever pseudonyms have to match. The first of these wins:

1. ``MTCOLLECT_SALT``: the secret itself (the test suite, CI, a batch server's environment).
2. ``MTCOLLECT_SALT_FILE``: the path of a file holding it. OPI gives every machine whose
   pseudonyms must match (the statewide batch, districts that send masked workbooks to OPI)
   the same file, over a channel it trusts, and sets this variable.
3. The installation's own file, ``$XDG_CONFIG_HOME/mtcollect/salt`` (by default
   ``~/.config/mtcollect/salt``), made on first use from 32 random bytes of :mod:`secrets`,
   readable by its owner only (0600). Pseudonyms then match across runs on this machine and
   nowhere else.

A salt is at least 16 characters; a salt file must not be readable by "other" users. The salt
is never printed, logged or written into an output; messages name only where it came from.

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
import tempfile
from pathlib import Path

from mtcollect_nb.errors import MtcollectError

SALT_ENV = "MTCOLLECT_SALT"
SALT_FILE_ENV = "MTCOLLECT_SALT_FILE"
MIN_SALT_CHARS = 16
_RANDOM_BYTES = 32


def default_salt_file() -> Path:
    """The installation's salt file: ``$XDG_CONFIG_HOME/mtcollect/salt`` or ``~/.config/...``.

    Example:
        >>> default_salt_file().parts[-2:]
        ('mtcollect', 'salt')
    """
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "mtcollect" / "salt"


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
        MtcollectError: the salt is too short, its file cannot be read or made, or the file is
            readable by other users. The message names the variable or file, never the salt.
    """
    value = os.environ.get(SALT_ENV)
    if value:
        return _checked(value, f"{SALT_ENV} (environment variable)")
    named = os.environ.get(SALT_FILE_ENV)
    if named:
        return _read(Path(named).expanduser())
    path = default_salt_file()
    if not path.exists():
        _create(path)
    return _read(path)


def _checked(value: str, where: str) -> str:
    salt = value.strip()
    if len(salt) < MIN_SALT_CHARS:
        raise MtcollectError(f"masking salt from {where} is too short ({len(salt)} characters; "
                             f"at least {MIN_SALT_CHARS})")
    return salt


def _read(path: Path) -> str:
    try:
        mode = path.stat().st_mode
        if os.name == "posix" and mode & (stat.S_IROTH | stat.S_IWOTH):
            raise MtcollectError(f"{path}: the masking salt file is open to other users "
                                 f"(mode {stat.S_IMODE(mode):04o}); run: chmod 600 {path}")
        text = path.read_text(encoding="utf-8")
    except MtcollectError:
        raise
    except (OSError, UnicodeDecodeError) as exc:
        why = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise MtcollectError(f"{path}: cannot read the masking salt file ({why}); set "
                             f"{SALT_FILE_ENV} to a readable salt file") from None
    return _checked(text, str(path))


def _create(path: Path) -> None:
    """Write a new random salt to ``path`` (0600) unless another process just did."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".salt-", dir=path.parent)  # mkstemp: mode 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(secrets.token_urlsafe(_RANDOM_BYTES) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            with contextlib.suppress(FileExistsError):  # a parallel first run made it first
                os.link(tmp, path)  # atomic: nobody ever reads a half-written salt
        finally:
            os.unlink(tmp)
    except OSError as exc:
        raise MtcollectError(f"{path}: cannot create the masking salt file ({exc.strerror}); "
                             f"set {SALT_FILE_ENV} to a salt file or {SALT_ENV}") from None

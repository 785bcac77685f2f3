"""What the command line checks before any work: a problem is one line before a kernel starts.

:func:`precheck` (the parameters, the output folder, the masking salt, every extract's header)
runs before ``mtcollect run`` starts a kernel, so a missing file or column, or a salt file that
is short, weak, a folder, a pipe or open to other users, is one line in about a second;
:func:`writable_folder`, :func:`expect_file` and :func:`expect_folder` say in one line that a
path is not what the command needs (a file for a folder, a folder that cannot be written).

Example:
    >>> import tempfile
    >>> writable_folder(Path(tempfile.mkdtemp()))
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mtcollect_nb.errors import ExtractError, MtcollectError


def writable_folder(path: Path, what: str = "output folder") -> None:
    """MtcollectError unless ``path`` is (or can be made) a folder we can write into."""
    import tempfile

    if path.exists() and not path.is_dir():
        raise MtcollectError(f"{path}: the {what} is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=path, prefix=".mtcollect-write-test-"):
            pass
    except OSError as err:
        reason = err.strerror or type(err).__name__
        raise MtcollectError(f"{path}: the {what} cannot be written ({reason})") from None


def expect_file(path: Path, what: str, instead: str) -> None:
    """One line when ``path`` is a folder where a file is expected (``instead``: what to do)."""
    if path.is_dir():
        raise MtcollectError(f"{path}: is a folder, not a {what} ({instead})")


def expect_folder(path: Path, what: str, instead: str) -> None:
    """One line when ``path`` is a file where a folder is expected (``instead``: what to do)."""
    if path.is_file():
        raise MtcollectError(f"{path}: is a file, not a {what} ({instead})")


def precheck(params_path: Path, **overrides: Any) -> None:
    """Before a kernel starts: the parameters, the output folder, every file and header.

    The salt is checked too. ``overrides``: values the command line sets for this run
    (``collection_season``: the season's enrollment fields are the ones required; ``as_of``).
    """
    from mtcollect_nb.load.quick import check_headers
    from mtcollect_nb.params import load_params, with_overrides
    from mtcollect_nb.privacy.salt import check_salt
    from mtcollect_nb.privacy.scrub import scrubbed_errors

    expect_file(params_path, "parameters file",
                 "for a folder of parameters files use: mtcollect batch DIR")
    params = with_overrides(load_params(params_path), params_path, **overrides)
    extracts = Path(params.extracts_dir)
    if not extracts.exists():  # (the same line as the notebook runner's)
        raise ExtractError(f"{params_path}: extracts_dir not found: {extracts}")
    writable_folder(Path(params.output_dir))
    check_salt()  # keys are salted in every run, masked or not (window/keys.py)
    with scrubbed_errors(params.mask_pii):  # a header line quoting data is masked too
        check_headers(extracts, params)

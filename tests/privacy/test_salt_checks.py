"""Issue 20 item 2 and issue 24 item 5: the salt on every system, checked before any kernel.

The salt is written without hard links, lives in platformdirs' configuration folder (an older
version's salt is carried over), and a bad salt is one line with the right advice from the
pre-check of `mtcollect run` (preflight.py), before a notebook starts. The non-POSIX branches
(no permission bits, another configuration folder) are forced here with monkeypatch.
"""

from __future__ import annotations

import os
import stat
import sys
import threading
import time
from pathlib import Path

import pytest
from test_preflight import PARAMS, one_error_line

from mtcollect_nb import cli
from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.privacy import masking, salt

GOOD = "a district's own secret phrase\n"


@pytest.fixture()
def elsewhere(installation: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """platformdirs' folder as on Windows or macOS: not the old ``~/.config/mtcollect``."""
    import platformdirs

    new = tmp_path / "AppData" / "Local" / "mtcollect"
    monkeypatch.setattr(platformdirs, "user_config_path", lambda *a, **k: new)
    return new / "salt"


def salt_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str | bytes,
              mode: int = 0o600) -> Path:
    path = tmp_path / "opi-salt"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    path.chmod(mode)
    monkeypatch.setenv(salt.SALT_FILE_ENV, str(path))
    return path


@pytest.mark.windows_paths
def test_the_salt_file_is_made_without_hard_links(installation: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """os.link fails on FAT drives and some Windows shares: the salt must not need it."""
    def no_hard_links(*args: object, **kwargs: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_hard_links)
    key = masking.salt_key()
    assert installation.is_file() and stat.S_IMODE(installation.stat().st_mode) == 0o600
    assert sorted(p.name for p in installation.parent.iterdir()) == ["salt"]
    assert masking.salt_key() == key


def test_a_lock_left_by_a_dead_run_is_taken_over(installation: Path) -> None:
    lock = installation.with_name("salt.lock")
    lock.parent.mkdir(parents=True)
    lock.write_text("")
    old = time.time() - 3600
    os.utime(lock, (old, old))
    assert len(salt.salt_text()) >= 40
    assert not lock.exists()


@pytest.mark.windows_paths
def test_the_folder_comes_from_platformdirs(elsewhere: Path) -> None:
    assert salt.default_salt_file() == elsewhere
    salt.salt_text()
    assert elsewhere.is_file()
    assert str(elsewhere) in salt.salt_origin()


@pytest.mark.windows_paths
def test_an_old_salt_is_carried_to_the_new_folder(installation: Path, elsewhere: Path) -> None:
    """Upgrading on Windows or macOS keeps the salt (so pseudonyms and keys do not change)."""
    installation.parent.mkdir(parents=True, mode=0o700)
    installation.write_text(GOOD)
    installation.chmod(0o600)
    assert salt.salt_text() == GOOD.strip()
    assert elsewhere.read_text() == GOOD
    assert installation.read_text() == GOOD  # the old file is left where it was
    installation.unlink()
    assert salt.salt_text() == GOOD.strip()  # the new file is used from now on


def test_a_bad_old_salt_is_one_line_not_a_new_salt(installation: Path, elsewhere: Path) -> None:
    installation.parent.mkdir(parents=True, mode=0o700)
    installation.write_text("short\n")
    installation.chmod(0o600)
    with pytest.raises(MtcollectError, match="too short"):
        salt.salt_text()
    assert not elsewhere.exists()


@pytest.mark.parametrize(("problem", "advice"), [
    ("short", "too short"),
    ("one character", "too weak"),
    ("two characters", "too weak"),
    ("NULs", "control characters"),
    ("binary", "not UTF-8"),
    ("group-readable", "chmod 600"),
    ("world-readable", "chmod 600"),
    ("huge", "not a salt"),
    ("folder", "is a folder"),
    ("pipe", "not a regular file"),
])
def test_a_bad_salt_file_is_one_line_with_its_advice(problem: str, advice: str, tmp_path: Path,
                                                     installation: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    if problem == "folder":
        path = tmp_path / "salt-folder"
        path.mkdir(mode=0o700)
        monkeypatch.setenv(salt.SALT_FILE_ENV, str(path))
    elif problem == "pipe":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no named pipes in the file system here (Windows)")
        path = tmp_path / "salt-fifo"
        os.mkfifo(path, 0o600)
        monkeypatch.setenv(salt.SALT_FILE_ENV, str(path))
    else:
        text, mode = {
            "short": ("tiny-salt-x", 0o600),
            "one character": ("a" * 40, 0o600),
            "two characters": ("ab" * 20, 0o600),
            "NULs": ("\0" * 32, 0o600),
            "binary": (bytes(range(128, 256)), 0o600),
            "group-readable": (GOOD, 0o640),
            "world-readable": (GOOD, 0o604),
            "huge": (GOOD * 1000, 0o600),
        }[problem]
        if mode & 0o077 and sys.platform.startswith("win"):
            pytest.skip("file modes mean nothing on Windows (README, Privacy)")
        path = salt_file(tmp_path, monkeypatch, text, mode)
    errors: list[str] = []

    def read() -> None:
        try:
            salt.salt_text()
        except MtcollectError as exc:
            errors.append(str(exc))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(10)  # a pipe is never opened: opening it would wait for a writer forever
    if reader.is_alive():
        with open(path, "w"):  # let the hung reader go
            pass
        pytest.fail("reading the salt hung")
    assert len(errors) == 1
    text = errors[0]
    assert "\n" not in text and advice in text and str(path) in text
    assert "a district's own" not in text
    if problem == "folder":
        assert "chmod" not in text


@pytest.mark.windows_paths
def test_a_group_readable_file_is_accepted_where_modes_mean_nothing(
        tmp_path: Path, installation: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On Windows (sys.platform "win32") permission bits say nothing: the mode check is skipped
    there (the profile folder's access list protects it; README); every other check runs."""
    def on_windows() -> str | Exception:
        with monkeypatch.context() as m:  # only around the call
            m.setattr(sys, "platform", "win32")
            try:
                return salt.salt_text()
            except MtcollectError as exc:
                return exc

    salt_file(tmp_path, monkeypatch, GOOD, 0o644)
    assert on_windows() == GOOD.strip()
    salt_file(tmp_path, monkeypatch, "a" * 40, 0o644)
    assert "too weak" in str(on_windows())


@pytest.mark.parametrize("value", ["a" * 32, "\x01" * 20 + "abcdefghijkl", "short"])
def test_a_bad_salt_variable_is_refused(value: str, installation: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(salt.SALT_ENV, value)
    with pytest.raises(MtcollectError, match=salt.SALT_ENV):
        salt.salt_text()


def test_the_run_pre_check_stops_on_a_bad_salt_before_any_kernel(
        tmp_path: Path, installation: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    from mtcollect_nb.load.loader import write_bundle
    from mtcollect_nb.report import notebook
    from mtcollect_nb.testing import make_bundle

    def no_kernel(*args: object, **kwargs: object) -> None:
        raise AssertionError("the notebook must not start")

    monkeypatch.setattr(notebook, "execute_notebook", no_kernel)

    write_bundle(make_bundle(), tmp_path / "extracts")
    (tmp_path / "0123.yaml").write_text(PARAMS, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    path = salt_file(tmp_path, monkeypatch, GOOD, 0o640)
    assert cli.main(["run", str(tmp_path / "0123.yaml")]) == cli.EXIT_ERROR
    assert one_error_line(capsys).endswith(f"run: chmod 600 {path}")

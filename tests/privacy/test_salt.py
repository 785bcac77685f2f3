"""Issue 15 item 16: no fixed salt in the source; a secret made once per installation."""

from __future__ import annotations

import ast
import os
import stat
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import mtcollect_nb
from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.privacy import masking, salt

STATE_ID = pd.Series(["912345678"])


def pseudonym() -> str:
    return str(masking.pseudonyms(STATE_ID, "stateID")[0])


def test_first_use_makes_a_private_salt_file_once(installation: Path) -> None:
    first = pseudonym()
    assert installation.is_file()
    assert stat.S_IMODE(installation.stat().st_mode) == 0o600
    assert stat.S_IMODE(installation.parent.stat().st_mode) == 0o700
    assert len(installation.read_text().strip()) >= 40
    assert pseudonym() == first  # stable across runs of the installation
    assert [p.name for p in installation.parent.iterdir()] == ["salt"]  # no temporary left


@pytest.mark.slow
def test_source_alone_cannot_reverse_a_state_id(installation: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """Two installations of the same source give different pseudonyms, and no string in the
    source tree, used as the salt, gives an installation's pseudonym."""
    mine = pseudonym()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "other"))
    assert pseudonym() != mine
    constants = {c.value for p in Path(mtcollect_nb.__file__).parent.rglob("*.py")
                 for c in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                 if isinstance(c, ast.Constant) and isinstance(c.value, str)
                 and len(c.value.strip()) >= salt.MIN_SALT_CHARS}
    assert len(constants) > 100
    assert not hasattr(masking, "PROJECT_SALT")
    usable = 0
    for text in constants:
        monkeypatch.setenv(salt.SALT_ENV, text)
        try:
            assert pseudonym() != mine, text
            usable += 1
        except MtcollectError:  # refused as a salt (weak, control characters): not usable
            pass
    assert usable > 100
    monkeypatch.setenv(salt.SALT_ENV, installation.read_text().strip())
    assert pseudonym() == mine  # the comparison can fail: the installation's own salt does


def test_variable_and_file_override(installation: Path, tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "opi-salt"
    shared.write_text("one salt OPI gives every district\n")
    shared.chmod(0o600)
    monkeypatch.setenv(salt.SALT_FILE_ENV, str(shared))
    from_file = pseudonym()
    assert not installation.exists()
    monkeypatch.delenv(salt.SALT_FILE_ENV)
    monkeypatch.setenv(salt.SALT_ENV, "one salt OPI gives every district")
    assert pseudonym() == from_file  # the same secret, the same pseudonyms, wherever it runs
    monkeypatch.setenv(salt.SALT_ENV, "another salt of another district")
    assert pseudonym() != from_file


@pytest.mark.parametrize("problem", ["short", "open", "missing", "unwritable"])
def test_bad_salt_is_one_line_without_the_salt(problem: str, installation: Path, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "s3cret-but-open-to-all"
    target = tmp_path / "salt"
    if problem == "short":
        monkeypatch.setenv(salt.SALT_ENV, "tiny-salt-x")
        secret = "tiny-salt-x"
    elif problem == "open":
        target.write_text(secret)
        target.chmod(0o644)
        monkeypatch.setenv(salt.SALT_FILE_ENV, str(target))
    elif problem == "missing":
        monkeypatch.setenv(salt.SALT_FILE_ENV, str(target))
    else:
        if os.geteuid() == 0:
            # root writes anywhere: a regular file where the folder should be
            (tmp_path / "config").write_text("")
        else:
            (tmp_path / "config").mkdir(mode=0o500)
    with pytest.raises(MtcollectError) as info:
        pseudonym()
    text = str(info.value)
    assert "\n" not in text and secret not in text
    expect = {"short": salt.SALT_ENV, "open": "chmod 600", "missing": str(target),
              "unwritable": str(installation)}[problem]
    assert expect in text


@pytest.mark.slow
def test_parallel_first_runs_share_one_salt(installation: Path) -> None:
    code = "from mtcollect_nb.privacy.masking import salt_key; print(salt_key())"
    env = {k: v for k, v in os.environ.items() if k != salt.SALT_ENV}
    procs = [subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True,
                              env=env) for _ in range(4)]
    keys = {p.communicate(timeout=120)[0].strip() for p in procs}
    assert len(keys) == 1 and len(next(iter(keys))) == 16
    assert masking.salt_key() in keys


def files_holding_the_salt(root: Path) -> list[Path]:
    """Files under ``root`` that hold the salt or the hash key made from it."""
    secrets = [salt.salt_text().encode(), masking.salt_key().encode()]
    return [p for p in sorted(root.rglob("*")) if p.is_file()
            and any(secret in p.read_bytes() for secret in secrets)]


def test_salt_is_in_no_output(demo_run) -> None:
    """Every file ``mtcollect demo`` wrote (a masked run) is free of the salt and its key."""
    assert len([p for p in demo_run.root.rglob("*") if p.is_file()]) > 10
    assert files_holding_the_salt(demo_run.root) == []


def test_the_salt_scan_finds_a_leaked_key(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("nothing here")
    (tmp_path / "b.json").write_text(f'{{"key": "{masking.salt_key()}"}}')
    assert files_holding_the_salt(tmp_path) == [tmp_path / "b.json"]

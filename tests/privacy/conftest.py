"""Fixtures of the privacy tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtcollect_nb.privacy import salt


@pytest.fixture()
def installation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh installation: no salt variable, an empty config folder."""
    monkeypatch.delenv(salt.SALT_ENV, raising=False)
    monkeypatch.delenv(salt.SALT_FILE_ENV, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config" / "mtcollect" / "salt"

import os
import stat
from pathlib import Path

import pytest

from mtcollect_nb.files import atomic_path


def test_replaces_only_on_success(tmp_path: Path) -> None:
    target = tmp_path / "out.txt"
    target.write_text("old")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("killed")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]
    with atomic_path(target) as tmp:
        tmp.write_text("new")
    assert target.read_text() == "new"


def test_outputs_get_ordinary_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        with atomic_path(tmp_path / "sub" / "a.txt") as tmp:
            tmp.write_text("x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "sub" / "a.txt").stat().st_mode) == 0o644


# --- issue 15 items 18-19: a full disk is one line naming the path; CSV text is never a formula

import csv  # noqa: E402
import errno  # noqa: E402

import pandas as pd  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from mtcollect_nb.errors import MtcollectError  # noqa: E402
from mtcollect_nb.files import (  # noqa: E402
    CSV_TRIGGERS,
    atomic_write_text,
    csv_restore,
    csv_safe,
    write_csv,
)

NOTEBOOK_JSON = '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}\n'


def full_disk(*_args: object, **_kw: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("where", ["write", "fsync"])
def test_full_disk_keeps_the_old_file_and_names_the_path(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    target = tmp_path / "district_validation.ipynb"
    target.write_text(NOTEBOOK_JSON)
    if where == "fsync":
        monkeypatch.setattr(os, "fsync", full_disk)
        write = lambda: atomic_write_text(target, NOTEBOOK_JSON.replace("[]", "[1]"))  # noqa: E731
    else:
        def write() -> None:
            with atomic_path(target, suffix=".ipynb") as tmp:
                with open(tmp, "w") as fh:
                    fh.write(NOTEBOOK_JSON[:20])  # half a notebook, then the disk is full
                    fh.flush()
                    full_disk()
    with pytest.raises(MtcollectError) as info:
        write()
    assert str(info.value) == (f"{target}: cannot write it (disk full); "
                               "the previous file, if any, is unchanged")
    assert target.read_text() == NOTEBOOK_JSON
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_other_os_errors_of_the_block_pass_through(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError), atomic_path(tmp_path / "a.txt"):
        open(tmp_path / "missing-input.csv")  # an input file, not our write
    assert list(tmp_path.iterdir()) == []


def test_folder_that_is_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("")
    with pytest.raises(MtcollectError, match=r"out/n\.ipynb: cannot write it \("):
        atomic_write_text(tmp_path / "out" / "n.ipynb", "{}")


FORMULAS = ["=HYPERLINK(\"http://evil\",\"x\")", "+1+2", "-2+3", "@SUM(A1)", "\tx", "\rx",
            "'quoted", "Big Sky", "", None]


def test_csv_safe_escapes_formula_looking_text_only(tmp_path: Path) -> None:
    df = pd.DataFrame({"districtName": FORMULAS, "errors": range(len(FORMULAS)),
                       "mixed": [-1, "-1", *[None] * (len(FORMULAS) - 2)]})
    safe = csv_safe(df)
    assert safe["districtName"].tolist() == [
        "'=HYPERLINK(\"http://evil\",\"x\")", "'+1+2", "'-2+3", "'@SUM(A1)", "'\tx", "'\rx",
        "''quoted", "Big Sky", "", None]
    assert safe["errors"].tolist() == list(range(len(FORMULAS)))
    assert safe["mixed"].tolist()[:2] == [-1, "'-1"]  # the number stays a number
    assert df["districtName"].tolist() == FORMULAS  # the input is untouched
    with open(write_csv(df, tmp_path / "batch_summary.csv"), newline="",
              encoding="utf-8") as fh:
        cells = [c for row in csv.reader(fh) for c in row[:1]]
    assert len(cells) == len(FORMULAS) + 1
    assert not any(c.startswith(CSV_TRIGGERS) for c in cells)


@given(st.lists(st.one_of(st.none(), st.integers(-5, 5), st.text(max_size=8)), min_size=1))
def test_csv_safe_round_trip(values: list[object]) -> None:
    df = pd.DataFrame({"v": pd.Series(values, dtype=object)})
    safe = csv_safe(df)
    texts = [v for v in safe["v"] if isinstance(v, str)]
    assert not any(t.startswith(CSV_TRIGGERS) for t in texts)
    assert csv_restore(safe)["v"].tolist() == df["v"].tolist()

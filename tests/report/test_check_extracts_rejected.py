"""Issue 20 item 5: `check-extracts` names the rejected lines and why (first few per file),
not only "rejected 2"; masked runs' parameters keep the values off the terminal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mtcollect_nb import cli
from mtcollect_nb.load.loader import write_bundle
from mtcollect_nb.report.check_extracts import SHOWN_REJECTED
from mtcollect_nb.testing import make_bundle, student


def _bundle_with_bad_birthdates(folder: Path, bad: int) -> None:
    """students.csv with ``bad`` impossible birthdates (lines 2..) and 3 good ones."""
    students = [student(i, birthdate="2010-01-15") for i in range(1, bad + 4)]
    write_bundle(make_bundle(students=students), folder)
    path = folder / "students.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    assert all("2010-01-15" in line for line in lines[1:])
    lines[1:bad + 1] = [line.replace("2010-01-15", "2010-02-30") for line in lines[1:bad + 1]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _check(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    assert cli.main(["check-extracts", *args]) == 0
    return capsys.readouterr().out


@pytest.mark.slow
def test_rejected_lines_are_named_with_their_reasons(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    _bundle_with_bad_birthdates(tmp_path, 2)
    out = _check([str(tmp_path)], capsys)
    assert re.search(r"students\.csv: read 5, used 3, rejected 2", out), out
    shown = [line for line in out.splitlines() if line.startswith("    line ")]
    assert len(shown) == 2, out
    assert shown[0].startswith("    line 2, birthdate '2010-02-30': ")
    assert shown[1].startswith("    line 3, birthdate '2010-02-30': ")
    assert all(len(line.split(": ", 1)[1]) > 5 for line in shown)  # a reason, in words


@pytest.mark.slow
def test_only_the_first_few_then_how_many_more(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    _bundle_with_bad_birthdates(tmp_path, SHOWN_REJECTED + 3)
    out = _check([str(tmp_path)], capsys)
    assert len([x for x in out.splitlines() if x.startswith("    line ")]) == SHOWN_REJECTED
    assert "    ... and 3 more rejected lines" in out


def test_a_masked_district_keeps_values_off_the_terminal(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _bundle_with_bad_birthdates(tmp_path / "extracts", 1)
    (tmp_path / "p.yaml").write_text(
        'district_number: "0001"\ndistrict_name: Test District\nschool_year: 2025\n'
        "extracts_dir: extracts\noutput_dir: output\nmask_pii: true\n", encoding="utf-8")
    out = _check([str(tmp_path / "p.yaml")], capsys)
    line = next(x for x in out.splitlines() if x.startswith("    line "))
    assert line.startswith("    line 2, birthdate: ") and "2010-02-30" not in out

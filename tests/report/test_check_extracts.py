"""``mtcollect check-extracts`` with a parameters file: the district's maps, the right folder,
the ``columns:`` lines to paste, and every reason a rule will not run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mtcollect_nb import cli
from mtcollect_nb.load.loader import write_bundle
from mtcollect_nb.report.check_extracts import columns_lines
from mtcollect_nb.testing import make_bundle, student

PARAMS = """\
district_number: "0001"
district_name: Test District
school_year: 2025
extracts_dir: extracts
output_dir: output
"""


@pytest.fixture
def district(tmp_path: Path) -> Path:
    """tmp_path with extracts/ (a small valid bundle of district 0001) and p.yaml."""
    write_bundle(make_bundle(), tmp_path / "extracts")
    (tmp_path / "p.yaml").write_text(PARAMS, encoding="utf-8")
    return tmp_path


def _own_labels(district: Path) -> None:
    """schools.csv with the district's own labels: sch_no, sch_name (as S16's sch_no)."""
    (district / "extracts" / "schools.csv").write_text(
        "schoolID,districtNumber,sch_no,sch_name\n1,0001,0001,Test School\n")


def _check(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = cli.main(["check-extracts", *args])
    return code, capsys.readouterr().out


def test_missing_columns_print_a_columns_line_that_can_be_pasted(district, capsys):
    _own_labels(district)
    code, out = _check([str(district / "p.yaml")], capsys)
    assert code == 2
    assert "missing required column(s) schoolNumber, name" in out
    assert "  schools: {sch_no: schoolNumber, sch_name: name}" in out.splitlines()
    pasted = "\n".join(line for line in out.splitlines()
                       if line == "columns:" or line.startswith("  schools:"))
    with (district / "p.yaml").open("a", encoding="utf-8") as f:
        f.write(pasted + "\n")
    code, out = _check([str(district / "p.yaml")], capsys)
    assert code == 0, out
    assert "read by the parameters' columns: map: sch_no -> schoolNumber" in out
    assert "ready to run" in out


def test_the_folder_alone_suggests_too_but_does_not_apply_the_maps(district, capsys):
    _own_labels(district)
    (district / "p.yaml").write_text(PARAMS + "columns:\n  schools: {sch_no: schoolNumber, "
                                     "sch_name: name}\n", encoding="utf-8")
    code, out = _check([str(district / "extracts")], capsys)
    assert code == 2 and "schools: {sch_no: schoolNumber, sch_name: name}" in out
    assert _check([str(district / "p.yaml")], capsys)[0] == 0


def test_an_unknown_file_or_column_in_the_maps_is_one_line(district, capsys):
    (district / "p.yaml").write_text(PARAMS + "columns:\n  schools: {sch_no: schoolNum}\n",
                                     encoding="utf-8")
    assert cli.main(["check-extracts", str(district / "p.yaml")]) == 2
    err = capsys.readouterr().err.strip()
    assert err == ("mtcollect: error: columns: schools: 'schoolNum' is not a column of "
                   "schools.csv (did you mean 'schoolNumber'?)")


def test_another_districts_folder_stops_naming_both(district, capsys):
    (district / "p.yaml").write_text(PARAMS.replace('"0001"', '"0456"'), encoding="utf-8")
    assert cli.main(["check-extracts", str(district / "p.yaml")]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert "every school belongs to district 0001, not to district 0456" in err
    assert cli.main(["check-extracts", str(district / "extracts")]) == 0  # no parameters


def test_the_wrong_school_year_stops_naming_the_years_found(district, capsys):
    (district / "p.yaml").write_text(PARAMS.replace("2025", "2026"), encoding="utf-8")
    assert cli.main(["check-extracts", str(district / "p.yaml")]) == 2
    err = capsys.readouterr().err
    assert "no calendar has endYear 2026" in err and "endYears are 2025" in err


@pytest.mark.slow
def test_values_map_applies_and_is_said(district, capsys):
    write_bundle(make_bundle(students=[student(1)], programs=[{"personID": 1, "program": "ESA-MT",
                                        "startDate": "2024-09-01"},
                                       {"personID": 1, "program": "504",
                                        "startDate": "2024-09-01"}]), district / "extracts")
    (district / "p.yaml").write_text(PARAMS + "values:\n  programs: {program: {ESA-MT: ESA}}\n",
                                     encoding="utf-8")
    code, out = _check([str(district / "p.yaml")], capsys)
    assert code == 0
    assert "program: 1 value(s) mapped by the parameters' values: (ESA-MT -> ESA: 1)" in out
    assert "1 value(s) are not codes the checks know" in out and "'504' (1)" in out
    _, out = _check([str(district / "extracts")], capsys)
    assert "'ESA-MT' (1)" in out  # without the parameters the district's code is not mapped


def test_with_parameters_every_reason_a_rule_will_not_run_is_listed(district, capsys):
    _, alone = _check([str(district / "extracts")], capsys)
    _, with_params = _check([str(district / "p.yaml")], capsys)
    assert "ANB-24" not in alone  # the law of the year is a parameter
    assert "ANB-24: did not run: not in the law of 2024-25" in with_params
    assert "parameters: district 0001, school year 2025 (endYear), spring count date " \
           "2025-02-03" in with_params


def test_columns_lines_quote_what_yaml_needs():
    lines = columns_lines({"students": [("State #: ID", "stateID"), (None, "birthdate")]})
    assert lines[1] == "  students: {'State #: ID': stateID}"
    assert lines[2].startswith("  # students.csv: no unread header is left for birthdate")


@pytest.mark.slow
def test_check_extracts_as_a_subprocess(district):
    _own_labels(district)
    proc = subprocess.run([sys.executable, "-m", "mtcollect_nb.cli", "check-extracts",
                           str(district / "p.yaml")], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 2
    assert "  schools: {sch_no: schoolNumber, sch_name: name}" in proc.stdout
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr

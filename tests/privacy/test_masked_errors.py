"""Issue 15 item 15: an error that stops a masked run and quotes the data shows no raw value
on stderr or in the kept notebook (the batch summary and the rollup take that same line)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mtcollect_nb import cli
from mtcollect_nb.load.loader import write_bundle
from mtcollect_nb.testing import enrollment, make_bundle, school_days, student

pytestmark = pytest.mark.slow
RAW = ["987650000", "Zqxwvut", "LOC70001"]


def run_with_a_damaged_header(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              mask: bool) -> str:
    """``mtcollect run`` on a district whose students.csv header is data; what it printed."""
    extracts = tmp_path / "extracts"
    write_bundle(make_bundle(
        students=[student(70001, stateID="987650000", studentNumber="LOC70001",
                          lastName="Zqxwvut")],
        enrollments=[enrollment(10, 70001)], days=school_days()), extracts)
    students = extracts / "students.csv"  # the header is damaged: data where names belong
    lines = students.read_text().splitlines(keepends=True)
    students.write_text("personID," + lines[1].split(",", 1)[1] + "".join(lines[1:]))
    params = tmp_path / "0001.yaml"
    params.write_text(yaml.safe_dump({
        "district_number": "0001", "district_name": "Test", "school_year": 2025,
        "extracts_dir": str(extracts), "output_dir": str(tmp_path / "out"), "mask_pii": mask}))
    assert cli.main(["run", str(params)]) == 2
    return capsys.readouterr().err


def test_masked_run_stopping_on_a_header_error(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    err = run_with_a_damaged_header(tmp_path, capsys, mask=True)
    assert "students.csv: missing required column(s)" in err and "[masked]" in err
    # the pre-check stops the run before a kernel starts: no notebook is kept
    assert not (tmp_path / "out" / "district_validation.ipynb").exists()
    for raw in RAW:
        assert raw not in err, raw


def test_an_unmasked_run_shows_what_the_masked_one_hides(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]
                                                         ) -> None:
    """The check above can fail: without masking the line quotes the data."""
    err = run_with_a_damaged_header(tmp_path, capsys, mask=False)
    assert "[masked]" not in err and [raw for raw in RAW if raw in err]

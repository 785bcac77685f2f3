"""The pre-check of `mtcollect run` (preflight.py), check-extracts, and the one-line messages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from mtcollect_nb import cli
from mtcollect_nb.load import loader
from mtcollect_nb.load.loader import write_bundle
from mtcollect_nb.report import notebook, pipeline
from mtcollect_nb.testing import make_bundle

PARAMS = """\
district_number: "0123"
district_name: Example Elementary
school_year: 2025
extracts_dir: extracts
output_dir: output
"""


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    assert err.startswith("mtcollect: error: ")
    return err.strip()


@pytest.fixture
def district(tmp_path: Path) -> Path:
    """tmp_path with extracts/ (a small valid bundle) and 0123.yaml."""
    write_bundle(make_bundle(), tmp_path / "extracts")
    (tmp_path / "0123.yaml").write_text(PARAMS, encoding="utf-8")
    return tmp_path


@pytest.fixture
def no_kernel(monkeypatch):
    """The pre-check must stop the run before a kernel starts and before any row is read."""
    def fail(*args, **kwargs):
        raise AssertionError("the notebook must not start, nor the extracts be loaded")

    monkeypatch.setattr(notebook, "execute_notebook", fail)
    monkeypatch.setattr(loader, "load_bundle", fail)
    monkeypatch.setattr(pipeline, "load_bundle", fail)


@pytest.mark.slow
def test_check_extracts_reports_files_headers_rows_and_rules_not_run(district, capsys):
    students = district / "extracts" / "students.csv"
    lines = students.read_text().splitlines()
    lines[0] = lines[0].replace("stateID", "State Student ID").replace("personID", "Person ID")
    students.write_text("\n".join(lines) + "\n")
    assert cli.main(["check-extracts", str(district / "extracts")]) == 0
    out = capsys.readouterr().out
    assert re.search(r"students.csv: read (\d+), used \1, rejected 0", out)
    assert "read by alias name: State Student ID -> stateID" in out
    assert "read by normalised name: Person ID -> personID" in out
    assert "optional files not found: " in out and "gifted.csv" in out
    assert "rules that will not run:" in out and "optional file not provided: gifted.csv" in out
    assert "ready to run" in out


@pytest.mark.slow
def test_check_extracts_exit_2_with_the_one_line_reason(district, capsys):
    (district / "extracts" / "days.csv").unlink()
    assert cli.main(["check-extracts", str(district / "extracts")]) == 2
    captured = capsys.readouterr()
    assert "cannot run:" in captured.out
    assert captured.err.count("\n") == 1
    assert "days.csv: required file not found" in captured.err


def test_check_extracts_on_a_file_says_it_is_a_file(district, capsys):
    assert cli.main(["check-extracts", str(district / "extracts" / "students.csv")]) == 2
    assert "is a file, not a folder or parameters file" in one_error_line(capsys)


def test_run_reports_a_missing_column_before_the_kernel_starts(district, capsys, no_kernel):
    students = district / "extracts" / "students.csv"
    lines = students.read_text().splitlines()
    lines[0] = lines[0].replace("stateID", "Stat ID")
    students.write_text("\n".join(lines) + "\n")
    assert cli.main(["run", str(district / "0123.yaml")]) == 2
    line = one_error_line(capsys)
    assert "students.csv: missing required column(s) stateID" in line
    assert "closest known name: 'stateID'" in line


def test_run_reports_a_missing_file_before_the_kernel_starts(district, capsys, no_kernel):
    (district / "extracts" / "attendance.csv").unlink()
    assert cli.main(["run", str(district / "0123.yaml")]) == 2
    assert "attendance.csv: required file not found" in one_error_line(capsys)


def test_run_given_a_folder_says_so(district, capsys, no_kernel):
    assert cli.main(["run", str(district)]) == 2
    line = one_error_line(capsys)
    assert "is a folder, not a parameters file" in line and "mtcollect batch" in line


def test_batch_given_a_file_says_so(district, capsys):
    assert cli.main(["batch", str(district / "0123.yaml")]) == 2
    line = one_error_line(capsys)
    assert "is a file, not a folder of parameters files" in line and "mtcollect run" in line


def test_output_folder_that_is_a_file_stops_before_any_work(district, capsys, no_kernel):
    (district / "output").write_text("not a folder")
    assert cli.main(["run", str(district / "0123.yaml")]) == 2
    assert "the output folder is a file, not a folder" in one_error_line(capsys)


def test_output_folder_that_cannot_be_written_stops_before_any_work(district, capsys, no_kernel):
    # /proc is a read-only file system even for root
    text = PARAMS.replace("output_dir: output", "output_dir: /proc/self/mtcollect-out")
    (district / "0123.yaml").write_text(text)
    assert cli.main(["run", str(district / "0123.yaml")]) == 2
    assert "the output folder cannot be written" in one_error_line(capsys)


def test_synth_into_a_file_is_one_line(tmp_path, capsys):
    (tmp_path / "f").write_text("x")
    assert cli.main(["synth", "--out", str(tmp_path / "f"), "--students", "5"]) == 2
    assert "is a file, not a folder" in one_error_line(capsys)


def test_rules_with_an_unknown_collection_lists_the_known_ones(capsys):
    assert cli.main(["rules", "--collection", "Nope"]) == 2
    line = one_error_line(capsys)
    assert "unknown collection 'Nope'" in line and "known: " in line and "Teacher-Class" in line


def test_error_lines_never_carry_terminal_escapes(capsys):
    cli._error("bad \x1b[2J header \x07")
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "\\x1b" in err


@pytest.mark.slow
def test_synth_state_writes_district_numbers_quoted(tmp_path):
    assert cli.main(["synth-state", "--out", str(tmp_path), "--districts", "2",
                     "--scale", "0.05"]) == 0
    files = sorted(tmp_path.rglob("*.yaml"))
    assert len(files) == 2  # a loop over nothing would pass
    for path in files:
        line = next(ln for ln in path.read_text().splitlines()
                    if ln.startswith("district_number:"))
        assert line.split(":", 1)[1].strip()[0] in "'\"", line
        assert isinstance(yaml.safe_load(path.read_text())["district_number"], str)


@pytest.mark.slow
def test_demo_parameters_quote_the_district_number(tmp_path):
    from mtcollect_nb.synthetic import write_demo

    text = write_demo(tmp_path).read_text()
    assert "district_number: '0999'" in text

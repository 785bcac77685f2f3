"""The mtcollect command line: exit status and one-line errors, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mtcollect_nb import cli
from mtcollect_nb.report import notebook

GOOD = """\
district_number: "0123"
district_name: Example Elementary
school_year: 2025
extracts_dir: extracts
output_dir: output
"""


def write_params(tmp_path: Path, text: str = GOOD) -> Path:
    path = tmp_path / "0123.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def write_params_and_extracts(tmp_path: Path) -> Path:
    """A parameters file whose extracts folder holds a small valid bundle (passes the check)."""
    from mtcollect_nb.load.loader import write_bundle
    from mtcollect_nb.testing import make_bundle

    school = {"schoolID": 1, "districtNumber": "0123", "schoolNumber": "0001", "name": "A"}
    write_bundle(make_bundle(schools=[school]), tmp_path / "extracts")  # district 0123's folder
    return write_params(tmp_path)


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("mtcollect: error: ")
    return lines[0]


def test_bad_parameters_file_is_one_line_exit_2(tmp_path: Path, capsys) -> None:
    path = write_params(tmp_path, GOOD + "colour: blue\n")
    assert cli.main(["run", str(path)]) == 2
    line = one_error_line(capsys)
    assert str(path) in line and "unknown key 'colour'" in line


def test_wrong_type_names_file_and_key(tmp_path: Path, capsys) -> None:
    path = write_params(tmp_path, GOOD.replace('"0123"', "123"))
    assert cli.main(["run", str(path)]) == 2
    line = one_error_line(capsys)
    assert str(path) in line and "district_number" in line


def test_missing_parameters_file(tmp_path: Path, capsys) -> None:
    assert cli.main(["run", str(tmp_path / "nope.yaml")]) == 2
    assert "parameters file not found" in one_error_line(capsys)


def test_missing_extracts_dir_stops_before_a_kernel_starts(tmp_path: Path, capsys,
                                                          monkeypatch) -> None:
    def no_kernel(*args, **kwargs):
        raise AssertionError("the notebook must not start")

    monkeypatch.setattr(notebook, "execute_notebook", no_kernel)
    path = write_params(tmp_path)
    assert cli.main(["run", str(path)]) == 2
    line = one_error_line(capsys)
    assert "extracts_dir not found" in line and str(tmp_path / "extracts") in line


def test_missing_batch_folder(tmp_path: Path, capsys) -> None:
    assert cli.main(["batch", str(tmp_path / "nowhere")]) == 2
    assert "parameters folder not found" in one_error_line(capsys)


def test_missing_file_from_the_os_is_one_line(tmp_path: Path, capsys, monkeypatch) -> None:
    def gone(*args, **kwargs):
        raise FileNotFoundError(2, "No such file or directory", str(tmp_path / "x.csv"))

    monkeypatch.setattr(notebook, "run_district_notebook", gone)
    assert cli.main(["run", str(write_params_and_extracts(tmp_path))]) == 2
    assert "x.csv: No such file or directory" in one_error_line(capsys)


@pytest.mark.slow
def test_unexpected_error_is_one_line_unless_debug(tmp_path: Path, capsys, monkeypatch) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("something broke\nsecond line")

    monkeypatch.setattr(notebook, "run_district_notebook", boom)
    path = str(write_params_and_extracts(tmp_path))
    assert cli.main(["run", path]) == 1
    line = one_error_line(capsys)
    assert "RuntimeError: something broke" in line and "--debug" in line
    assert cli.main(["run", path, "--debug"]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_usage_errors_exit_2() -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["synth"])  # --out is required
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        cli.main(["batch", "p", "--workers", "0"])
    assert exc.value.code == 2


@pytest.mark.slow
def test_console_script_prints_no_traceback(tmp_path: Path) -> None:
    path = write_params(tmp_path, "district_number: [\n")
    proc = subprocess.run([sys.executable, "-m", "mtcollect_nb.cli", "run", str(path)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stderr.startswith("mtcollect: error: ") and "not valid YAML" in proc.stderr
    assert len(proc.stderr.splitlines()) == 1


@pytest.mark.slow
def test_synth_writes_an_extract_bundle(tmp_path: Path, capsys) -> None:
    from mtcollect_nb.load.loader import load_bundle

    out = tmp_path / "district"
    assert cli.main(["synth", "--out", str(out), "--students", "40", "--seed", "3"]) == 0
    assert str(out) in capsys.readouterr().out
    bundle = load_bundle(out)
    assert bundle.table("students")["personID"].nunique() == 40


@pytest.mark.slow
def test_synth_is_deterministic(tmp_path: Path) -> None:
    for name in ("a", "b"):
        assert cli.main(["synth", "--out", str(tmp_path / name), "--students", "25"]) == 0
    files = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert files and files == sorted(p.name for p in (tmp_path / "b").iterdir())
    for name in files:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


@pytest.mark.slow
def test_synth_state_writes_a_parameters_folder(tmp_path: Path, capsys) -> None:
    from mtcollect_nb.params import load_params

    assert cli.main(["synth-state", "--out", str(tmp_path), "--districts", "2",
                     "--scale", "0.1"]) == 0
    assert "mtcollect batch" in capsys.readouterr().out
    params = sorted(tmp_path.rglob("*.yaml"))
    assert len(params) == 2
    for path in params:
        assert Path(load_params(path).extracts_dir).is_dir()


@pytest.mark.notebooks
def test_demo_end_to_end(demo: Path, demo_stdout: str) -> None:
    """`mtcollect demo` (run once per session by the conftest fixture) prints its outputs."""
    out = demo_stdout
    for name in ("findings.xlsx", "district_validation.html"):
        line = next(ln for ln in out.splitlines() if ln.rstrip().endswith(name))
        assert Path(line.split(":", 1)[1].strip()).is_file()


def test_example_parameters_file_is_valid() -> None:
    from mtcollect_nb.params import load_params

    path = Path(__file__).parents[1] / "parameters" / "demo.yaml"
    params = load_params(path)
    assert params.district_number == "0999" and params.mask_pii
    assert Path(params.extracts_dir) == path.parents[1] / "demo" / "extracts"


def test_rules_lists_the_whole_catalog(capsys):
    from mtcollect_nb.checks.catalog import all_rules
    from mtcollect_nb.cli import main

    assert main(["rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [ln.split()[0] for ln in lines] == sorted(all_rules())
    assert main(["rules", "--collection", "teacher-class", "--remedies"]) == 0
    out = capsys.readouterr().out
    assert "TCH-02" in out and "ANB-01" not in out and "Section Staff History" in out


# ---- mtcollect run --as-of (issue 21) ------------------------------------------------------
def test_as_of_on_the_count_date_is_one_line_before_a_kernel(tmp_path: Path, capsys,
                                                              monkeypatch) -> None:
    def no_kernel(*args, **kwargs):
        raise AssertionError("the notebook must not start")

    monkeypatch.setattr(notebook, "execute_notebook", no_kernel)
    path = str(write_params_and_extracts(tmp_path))
    assert cli.main(["run", path, "--as-of", "2025-02-03"]) == 2
    line = one_error_line(capsys)
    assert "'as_of'" in line and "2025-02-03" in line


@pytest.mark.slow
def test_as_of_reaches_the_notebook(tmp_path: Path, monkeypatch) -> None:
    seen: dict[str, object] = {}

    def record(source, executed, values, *args, **kwargs):
        seen.update(values)
        raise RuntimeError("stop here")

    monkeypatch.setattr(notebook, "execute_notebook", record)
    path = str(write_params_and_extracts(tmp_path))
    assert cli.main(["run", path, "--as-of", "2025-01-27"]) == 1
    assert seen["as_of"] == "2025-01-27"
    assert cli.main(["run", path]) == 1  # without it: the file's (none)
    assert seen["as_of"] is None


def test_as_of_not_a_date_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["run", "p.yaml", "--as-of", "2025-13-01"])
    assert exc.value.code == 2
    assert "a date written year-month-day" in capsys.readouterr().err

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import openpyxl
import pandas as pd
import psutil
import pytest

from mtcollect_nb import batch
from mtcollect_nb.batch_io import (
    SUMMARY_COLUMNS,
    District,
    is_fresh,
    output_root,
    plan,
    summary_counts,
    write_summary,
)
from mtcollect_nb.errors import MtcollectError


def params_file(folder: Path, number: str, **extra) -> Path:
    data = {"district_number": number, "district_name": f"District {number}",
            "school_year": 2025, "extracts_dir": f"../extracts/{number}",
            "output_dir": f"../output/{number}", **extra}
    lines = [f"{k}: {json.dumps(v)}" for k, v in data.items()]
    p = folder / f"{number}.yaml"
    p.write_text("\n".join(lines) + "\n")
    return p


# ---- planning --------------------------------------------------------------------------------
def test_plan_bad_files_become_failed_districts(tmp_path):
    params_file(tmp_path, "0001")
    params_file(tmp_path, "0002", bogus=1)
    (tmp_path / "0003.yml").write_text(": : not yaml [")
    dup = params_file(tmp_path, "0001")  # same file name would overwrite: copy under new name
    dup.rename(tmp_path / "0001b.yaml")
    params_file(tmp_path, "0001")
    (tmp_path / "notes.txt").write_text("ignored")
    ds = plan(tmp_path)
    by_file = {d.params_file.name: d for d in ds}
    assert list(by_file) == ["0001.yaml", "0001b.yaml", "0002.yaml", "0003.yml"]
    assert by_file["0001.yaml"].error == ""
    assert by_file["0001.yaml"].output_dir == (tmp_path.parent / "output" / "0001").resolve()
    assert "same district number or output_dir as 0001.yaml" in by_file["0001b.yaml"].error
    assert "unknown key 'bogus'" in by_file["0002.yaml"].error
    assert by_file["0002.yaml"].district == "0002"  # number read from the bad file
    assert by_file["0003.yml"].district == "0003" and "not valid YAML" in by_file["0003.yml"].error
    assert all("\n" not in d.error for d in ds)


def test_plan_empty_or_missing_folder_is_an_error(tmp_path):
    with pytest.raises(MtcollectError, match="no parameters files"):
        plan(tmp_path)
    with pytest.raises(MtcollectError, match="not found"):
        plan(tmp_path / "nope")


def test_output_root_is_common_parent_or_sibling_output(tmp_path):
    a = District(Path("a.yaml"), "0001", output_dir=tmp_path / "out" / "0001")
    b = District(Path("b.yaml"), "0002", output_dir=tmp_path / "out" / "0002")
    bad = District(Path("c.yaml"), "0003", error="x")
    assert output_root([a, b, bad], tmp_path / "params") == tmp_path / "out"
    assert output_root([a], tmp_path / "params") == tmp_path / "out"
    assert output_root([bad], tmp_path / "params") == (tmp_path / "output").resolve()


# ---- freshness ----------------------------------------------------------------------------
@pytest.fixture
def district(tmp_path):
    p = params_file(tmp_path, "0001")
    ex, out = tmp_path / "extracts", tmp_path / "output"
    ex.mkdir()
    out.mkdir()
    (ex / "students.csv").write_text("x")
    (ex / "sub").mkdir()
    (ex / "sub" / "days.csv").write_text("x")
    for name in ("findings.xlsx", "summary.json"):
        (out / name).write_text("{}")
    d = District(p, "0001", "D", out, ex)
    t = time.time()
    for f in (p, ex / "students.csv", ex / "sub" / "days.csv"):
        os.utime(f, (t - 100, t - 100))
    for f in out.iterdir():
        os.utime(f, (t - 50, t - 50))
    return d


def test_fresh_when_outputs_newer_than_all_inputs(district):
    assert is_fresh(district)


@pytest.mark.parametrize("touched", ["params", "students.csv", "sub/days.csv"])
def test_stale_when_any_input_is_newer(district, touched):
    f = district.params_file if touched == "params" else district.extracts_dir / touched
    os.utime(f, (time.time(), time.time()))
    assert not is_fresh(district)


@pytest.mark.parametrize("missing", ["findings.xlsx", "summary.json"])
def test_stale_when_an_output_is_missing(district, missing):
    (district.output_dir / missing).unlink()
    assert not is_fresh(district)


def test_stale_when_extracts_folder_is_missing(district):
    for f in sorted(district.extracts_dir.rglob("*"), reverse=True):
        f.rmdir() if f.is_dir() else f.unlink()
    district.extracts_dir.rmdir()
    assert not is_fresh(district)


# ---- summary ------------------------------------------------------------------------------
def test_summary_counts_from_summary_json(tmp_path):
    (tmp_path / "summary.json").write_text(json.dumps({
        "status": {"errors": 3, "warnings": 4, "info": 1}, "springCountReported": 120.5,
        "springCountValidated": 118.0,
        "budgetUnits": {"Elementary": {"springCountReported": 1.0}}}))
    assert summary_counts(tmp_path) == {"errors": 3, "warnings": 4, "springCountReported": 120.5,
                                        "springCountValidated": 118.0}
    (tmp_path / "summary.json").write_text("not json")
    assert set(summary_counts(tmp_path).values()) == {None}


def test_write_summary_keeps_text_as_text(tmp_path):
    rows = pd.DataFrame([{"district": "0012", "name": "=HYPERLINK(\"x\")", "status": "failed",
                          "seconds": 1.5, "errors": None, "warnings": None,
                          "springCountReported": None, "springCountValidated": None,
                          "message": "+1 -2 @x", "paramsFile": "0012.yaml", "outputDir": "0012"}],
                        columns=list(SUMMARY_COLUMNS))
    xlsx, csv = write_summary(rows, tmp_path / "out")
    ws = openpyxl.load_workbook(xlsx).active
    header = [c.value for c in ws[1]]
    assert header == list(SUMMARY_COLUMNS)
    values = {h: c for h, c in zip(header, ws[2], strict=True)}
    assert values["district"].value == "0012" and values["district"].data_type == "s"
    assert values["name"].value == '=HYPERLINK("x")' and values["name"].data_type == "s"
    assert values["message"].value == "+1 -2 @x"
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref
    back = pd.read_csv(csv, dtype={"district": str})
    assert back.loc[0, "district"] == "0012"
    assert not list((tmp_path / "out").glob(".*tmp"))


def test_exit_code():
    ok = pd.DataFrame({"status": ["ok", "skipped"]})
    assert batch.BatchSummary(ok, Path("x"), Path("y")).exit_code == 0
    bad = pd.DataFrame({"status": ["ok", "failed"]})
    assert batch.BatchSummary(bad, Path("x"), Path("y")).exit_code == 1


# ---- killing a hung run -------------------------------------------------------------------
KERNEL_HOLDER = textwrap.dedent("""
    import sys, time
    from jupyter_client import KernelManager
    km = KernelManager(kernel_name="python3")
    km.start_kernel()
    print(km.provisioner.process.pid, flush=True)
    time.sleep(600)
""")


def test_kill_tree_kills_a_kernel_in_its_own_session():
    """A worker holding a real Jupyter kernel (new session): both must die."""
    proc = subprocess.Popen([sys.executable, "-c", KERNEL_HOLDER], stdout=subprocess.PIPE,
                            start_new_session=True, text=True)
    try:
        kernel_pid = int(proc.stdout.readline())
        kernel = psutil.Process(kernel_pid)
        assert os.getsid(kernel_pid) != os.getsid(proc.pid)  # killpg alone would miss it
        batch.kill_tree(proc.pid)
        assert proc.wait(timeout=10) == -9
        kernel.wait(timeout=10)  # reaped by init; raises TimeoutExpired if still alive
        assert not psutil.pid_exists(kernel_pid) or kernel.status() == psutil.STATUS_ZOMBIE
    finally:
        if proc.poll() is None:
            proc.kill()


def test_kill_tree_of_a_finished_process_is_harmless():
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    batch.kill_tree(p.pid)

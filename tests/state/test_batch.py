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

from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.state import batch
from mtcollect_nb.state.batch_io import (
    OUTPUTS,
    SUMMARY_COLUMNS,
    District,
    is_fresh,
    output_root,
    plan,
    summary_counts,
    write_summary,
)


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
    for name in OUTPUTS:
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


@pytest.mark.parametrize("missing", ["findings.xlsx", "summary.json",
                                     "district_validation.html"])
def test_stale_when_an_output_is_missing(district, missing):
    """A run killed after writing the workbook but before its HTML is not complete."""
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
                                        "springCountValidated": 118.0, "ready": None,
                                        "newFindings": None, "fixedFindings": None,
                                        "asOf": None, "fteAtRisk": None, "anbAtRisk": None}
    (tmp_path / "summary.json").write_text(json.dumps({
        "status": {"errors": 0, "warnings": 0}, "ready": True,
        "reruns": {"new": 2, "fixed": 5}}))
    counts = summary_counts(tmp_path)
    assert (counts["ready"], counts["newFindings"], counts["fixedFindings"]) == ("yes", 2, 5)
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
    # issue 15 item 19: a spreadsheet opening the CSV sees text, not a formula
    assert back.loc[0, "name"] == "'=HYPERLINK(\"x\")" and back.loc[0, "message"] == "'+1 -2 @x"
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
    km.start_kernel(independent=True)  # no parent poller: only kill_tree can stop it
    print(km.provisioner.process.pid, flush=True)
    time.sleep(600)
""")


@pytest.mark.slow
def test_kill_tree_kills_a_kernel_in_its_own_session():
    """A worker holding a real Jupyter kernel (new session): both must die."""
    proc = subprocess.Popen([sys.executable, "-c", KERNEL_HOLDER], stdout=subprocess.PIPE,
                            start_new_session=True, text=True)
    kernel = None
    try:
        kernel = psutil.Process(int(proc.stdout.readline()))
        assert os.getsid(kernel.pid) != os.getsid(proc.pid)  # killpg alone would miss it
        batch.kill_tree(proc.pid)
        assert proc.wait(timeout=10) == -9
        kernel.wait(timeout=10)  # raises TimeoutExpired if the kernel is still alive
    finally:
        if proc.poll() is None:
            proc.kill()
        if kernel is not None and kernel.is_running():
            kernel.kill()


def test_kill_tree_of_a_finished_process_is_harmless():
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    batch.kill_tree(p.pid)


# ---- a real batch over a small synthetic state ---------------------------------------------
#: A district run needs well over this even in a warm kernel (papermill's ~20 cells, figures,
#: the HTML export), and a new worker's kernel start alone takes seconds: always killed.
HANG_S = 0.3


def orphan_kernels(since: float, grace: float = 10.0) -> list[int]:
    """Kernels started after ``since`` whose parent (a worker) is gone, still there after grace.

    A kernel whose worker just ended normally is still shutting down for a moment; only one
    that outlives ``grace`` seconds counts.
    """
    deadline = time.monotonic() + grace
    while (found := _orphans(since)) and time.monotonic() < deadline:
        time.sleep(0.5)
    return found


def _orphans(since: float) -> list[int]:
    found = []
    for p in psutil.process_iter(["cmdline", "create_time"]):
        try:
            if p.info["create_time"] < since or "ipykernel_launcher" not in " ".join(
                    p.info["cmdline"] or []):
                continue
            parent = p.environ().get("JPY_PARENT_PID")
        except psutil.Error:
            continue
        if parent and not psutil.pid_exists(int(parent)) and p.status() != psutil.STATUS_ZOMBIE:
            found.append(p.pid)
    return found


def test_the_orphan_check_finds_a_kernel_whose_worker_is_gone() -> None:
    """orphan_kernels (used below) can fail: a kernel-like process of a dead parent is found."""
    since = time.time() - 1
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    kernel = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)",
                               "ipykernel_launcher"],
                              env={**os.environ, "JPY_PARENT_PID": str(gone.pid)})
    try:
        assert kernel.pid in orphan_kernels(since, grace=0)
    finally:
        kernel.kill()
        kernel.wait()


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    from mtcollect_nb.synthetic import write_state

    params_dir = write_state(tmp_path_factory.mktemp("state"), districts=4, seed=3,
                             scale=0.2)
    ds = plan(Path(params_dir))
    assert len(ds) == 4 and not any(d.error for d in ds)
    return Path(params_dir), ds


@pytest.mark.notebooks
@pytest.mark.slow
def test_batch_failures_rerun_force_and_rollup(state):
    params_dir, ds = state
    corrupt, hung = ds[1], ds[2]
    good = [ds[0].district, ds[3].district]
    (corrupt.extracts_dir / "students.csv").unlink()
    t0 = time.time()
    s = batch.run_batch(params_dir, workers=2, timeouts={hung.district: HANG_S}, progress=False)
    rows = s.rows.set_index("district")
    assert list(s.rows.columns) == list(SUMMARY_COLUMNS)
    assert rows.loc[corrupt.district, "status"] == "failed"
    assert "students.csv" in rows.loc[corrupt.district, "message"]
    assert rows.loc[hung.district, "status"] == "failed"
    assert f"time limit of {HANG_S:g} s exceeded" in rows.loc[hung.district, "message"]
    assert rows.loc[hung.district, "seconds"] >= HANG_S  # stopped at its limit, not before
    assert orphan_kernels(t0) == []
    for d in good:
        assert rows.loc[d, "status"] == "ok" and rows.loc[d, "message"] == ""
        out = next(x.output_dir for x in ds if x.district == d)
        severity = pd.read_parquet(out / "findings.parquet", columns=["severity"])["severity"]
        # the summary's count (from summary.json) is the findings' (was: errors >= 0)
        assert rows.loc[d, "errors"] == (severity == "error").sum()
        assert rows.loc[d, "springCountReported"] > 0
    assert s.exit_code == 1
    # the summary files say the same
    csv = pd.read_csv(s.path_csv, dtype={"district": str}).set_index("district")
    assert csv.loc[hung.district, "status"] == "failed" and csv.loc[good[0], "status"] == "ok"
    assert s.path_xlsx.is_file() and s.path_xlsx.parent == s.path_csv.parent
    assert s.path_csv.parent == ds[0].output_dir.parent
    # the rollup notebook ran under papermill on this output
    assert s.rollup_error == "" and s.rollup is not None and s.rollup.is_file()
    text = rollup_text(s.rollup)
    assert "districts: 4 in batch; in rollup 2 (ok 2, skipped 0); failed 2" in text
    assert corrupt.district in text and "time limit" in text
    assert (s.rollup.parent / "statewide_rollup.html").is_file()

    # rerun: done districts are skipped; the failed ones run again
    s2 = batch.run_batch(params_dir, workers=2, progress=False, rollup=False)
    r2 = s2.rows.set_index("district")
    assert r2.loc[good, "status"].tolist() == ["skipped", "skipped"]
    assert r2.loc[good[0], "errors"] == rows.loc[good[0], "errors"]  # counts kept
    assert r2.loc[hung.district, "status"] == "ok"  # default limit now
    assert r2.loc[corrupt.district, "status"] == "failed"

    # --force runs everything again (the hung one with its short limit again, to keep it quick)
    before = (ds[0].output_dir / "summary.json").stat().st_mtime
    s3 = batch.run_batch(params_dir, workers=2, force=True, progress=False, rollup=False,
                         timeouts={hung.district: HANG_S})
    r3 = s3.rows.set_index("district")
    assert (r3.loc[good, "status"] == "ok").all() and (r3.loc[good, "seconds"] > 0).all()
    assert (ds[0].output_dir / "summary.json").stat().st_mtime > before
    assert r3.loc[[corrupt.district, hung.district], "status"].tolist() == ["failed", "failed"]
    assert orphan_kernels(t0) == []


def rollup_text(path: Path) -> str:
    import nbformat

    nb = nbformat.read(path, as_version=4)
    out = []
    for c in nb.cells:
        for o in c.get("outputs", []):
            out.append(o.get("text", "") or o.get("data", {}).get("text/plain", ""))
    return "\n".join(out)


def test_bad_parameters_file_is_a_failed_row_not_a_crash(tmp_path):
    params = tmp_path / "parameters"
    params.mkdir()
    (params / "0007.yaml").write_text("district_number: '0007'\n")
    s = batch.run_batch(params, workers=1, progress=False, rollup=False)
    assert s.rows[["district", "status"]].values.tolist() == [["0007", "failed"]]
    assert "missing required key 'district_name'" in s.rows.loc[0, "message"]
    assert s.path_csv == (tmp_path / "output" / "batch_summary.csv").resolve()
    assert s.exit_code == 1


@pytest.mark.slow
def test_demo_batch_is_a_valid_batch_output(tmp_path):
    from mtcollect_nb.state import rollup
    from mtcollect_nb.state.batch_io import write_demo_batch

    root = write_demo_batch(tmp_path, districts=2, scale=0.2)
    assert root == tmp_path / "output"
    s = rollup.load_state(root)
    assert s.summary["status"].tolist() == ["ok", "ok"]
    assert s.summary["springCountReported"].gt(0).all()
    assert rollup.district_table(s).shape[0] == 3  # two districts and the Total


def test_a_failed_district_loses_its_completion_mark(tmp_path):
    """Even when every output was written before the kill, a failed district runs again."""
    out = tmp_path / "out"
    out.mkdir()
    for name in OUTPUTS:
        (out / name).write_text("x")
    d = District(tmp_path / "p.yaml", "0001", "D", out, tmp_path)

    class Fake:
        def __init__(self, result):
            self.result = result

        def run(self, *args):
            return self.result

    failed = Fake((batch.FAILED, 9.0, "time limit"))
    assert batch.run_district(failed, d, 1.0, tmp_path / "log")[0] == batch.FAILED
    assert sorted(p.name for p in out.iterdir()) == ["findings.xlsx", "summary.json"]
    (out / "district_validation.html").write_text("x")
    assert batch.run_district(Fake((batch.OK, 1.0, "")), d, 1.0, tmp_path / "log")[0] == batch.OK
    assert (out / "district_validation.html").exists()

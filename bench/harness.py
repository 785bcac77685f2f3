"""Benchmark plumbing: cached synthetic data, timing, peak memory, papermill floors.

Everything here is independent of what is being measured; :mod:`bench.run` puts it together.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
DATA_DIR = BENCH_DIR / ".data"
SEED = 2025
DISTRICT_NUMBER = "0999"
DISTRICT_NAME = "Synthetic Public Schools"


# ---- timing ----
@dataclass
class Timing:
    """Wall-clock seconds of several runs of one thing."""

    label: str
    runs: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.runs) if self.runs else float("nan")

    @property
    def n(self) -> int:
        return len(self.runs)


def time_it(label: str, fn: Callable[[], Any], repeat: int, budget_s: float | None = None,
            warmup: bool = False) -> tuple[Timing, Any]:
    """Run ``fn`` ``repeat`` times; return the timings and the last result.

    ``budget_s``: stop early (after at least one run) once the runs so far took longer than
    this in total; the table then shows how many runs the median is of.
    """
    if warmup:
        fn()
    t = Timing(label)
    result: Any = None
    for _ in range(max(1, repeat)):
        start = time.perf_counter()
        result = fn()
        t.runs.append(time.perf_counter() - start)
        if budget_s is not None and sum(t.runs) > budget_s:
            break
    return t, result


# ---- synthetic data ----
def district_dir(students: int, seed: int = SEED, data_dir: Path = DATA_DIR) -> Path:
    """The cache folder of one synthetic district (extracts/, output/, params.yaml)."""
    return data_dir / f"district_{students}_s{seed}"


def ensure_district(students: int, seed: int = SEED, data_dir: Path = DATA_DIR,
                    log: Callable[[str], None] = print) -> Path:
    """Write (once) a synthetic district of ``students``; return its parameters file.

    The folder is reused while its ``.done`` marker exists, so reruns time only the analysis.
    """
    from mtcollect_nb.synthetic.write import parameters, write_district, write_params

    root = district_dir(students, seed, data_dir)
    params_path = root / "params.yaml"
    if (root / ".done").exists() and params_path.exists():
        return params_path
    root.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    log(f"generating synthetic district: {students:,} students (seed {seed}) -> {root}")
    write_district(root / "extracts", students=students, seed=seed,
                   district_number=DISTRICT_NUMBER, district_name=DISTRICT_NAME)
    log(f"  generated in {time.perf_counter() - start:.1f} s")
    write_params(params_path, parameters(DISTRICT_NUMBER, DISTRICT_NAME, "extracts", "output",
                                         mask_pii=False))
    (root / ".done").write_text("ok\n")
    return params_path


#: write_district draws stateIDs from 100,000 numbers per district: larger bundles are
#: concatenations of districts of at most this many students.
MAX_PART = 75_000


def ensure_state(students: int, seed: int = SEED, data_dir: Path = DATA_DIR,
                 log: Callable[[str], None] = print) -> Path:
    """Write (once) the statewide bundle: one folder of ``students`` students; its params file.

    ``write_district`` is used directly up to :data:`MAX_PART` students; a larger bundle is
    the concatenation of ``ceil(students / MAX_PART)`` synthetic districts (numbers 0901,
    0902, ...; seeds ``seed``, ``seed + 1``, ...), each file's rows appended in district order,
    with every integer key (``...ID`` columns: schoolID, calendarID, personID, enrollmentID,
    courseID, sectionID) shifted by ``part * 10,000,000`` so keys never collide and every
    reference still points inside its own district. This is what OPI sees when it loads every
    district's extracts as one bundle.
    """
    if students <= MAX_PART:
        return ensure_district(students, seed, data_dir, log)
    import math
    import tempfile

    from mtcollect_nb.synthetic.write import parameters, write_district, write_params

    root = data_dir / f"state_{students}_s{seed}"
    params_path = root / "params.yaml"
    if (root / ".done").exists() and params_path.exists():
        return params_path
    parts = math.ceil(students / MAX_PART)
    sizes = [students // parts + (1 if i < students % parts else 0) for i in range(parts)]
    start = time.perf_counter()
    log(f"generating statewide bundle: {students:,} students as {parts} districts -> {root}")
    out = root / "extracts"
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=data_dir) as tmp:
        folders = []
        for i, n in enumerate(sizes):
            folder = Path(tmp) / f"part{i}"
            write_district(folder, students=n, seed=seed + i, district_number=f"{901 + i:04d}",
                           district_name=f"Synthetic District {i + 1}")
            folders.append(folder)
        _concat_bundles(folders, out)
    log(f"  generated in {time.perf_counter() - start:.1f} s")
    write_params(params_path, parameters(DISTRICT_NUMBER, DISTRICT_NAME, "extracts", "output",
                                         mask_pii=False))
    (root / ".done").write_text("ok\n")
    return params_path


def _concat_bundles(folders: list[Path], out: Path) -> None:
    """Append the same-named CSV files of ``folders`` into ``out``, shifting integer keys."""
    import pandas as pd

    from mtcollect_nb.load import contract
    from mtcollect_nb.synthetic.write import CP1252_TABLES

    out.mkdir(parents=True, exist_ok=True)
    for name, table in contract.TABLES.items():
        ids = [c.name for c in table.columns if c.type == "int" and c.name.endswith("ID")]
        enc = "cp1252" if name in CP1252_TABLES else "utf-8"
        frames = []
        for part, folder in enumerate(folders):
            path = folder / f"{name}.csv"
            if not path.exists():
                continue
            df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=enc)
            for col in ids:
                if col in df.columns:
                    num = pd.to_numeric(df[col], errors="coerce")
                    shifted = (num + part * 10_000_000).astype("Int64").astype(str)
                    df[col] = df[col].where(num.isna() | (df[col].str.strip() == ""), shifted)
            frames.append(df)
        if frames:
            pd.concat(frames, ignore_index=True).to_csv(
                out / f"{name}.csv", index=False, encoding=enc, lineterminator="\n")


def csv_files(extracts: Path) -> list[Path]:
    """The CSV files of an extract folder, sorted."""
    return sorted(extracts.glob("*.csv"))


def pyarrow_read_all(extracts: Path) -> int:
    """The floor: read every CSV with ``pyarrow.csv.read_csv`` and do nothing else (rows)."""
    import pyarrow.csv as pacsv

    return sum(pacsv.read_csv(f).num_rows for f in csv_files(extracts))


# ---- peak memory in a child process ----
CHILD_ANALYSIS = """
import json, sys, time
t0 = time.perf_counter()
from mtcollect_nb.params import load_params
from mtcollect_nb.report.pipeline import analyze_district, write_outputs
t1 = time.perf_counter()
run = analyze_district(load_params(sys.argv[1]))
write_outputs(run)
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "run_s": t2 - t1, "findings": int(len(run.findings))}))
"""


def run_child(code: str, *args: str, env: dict[str, str] | None = None) -> tuple[dict[str, Any],
                                                                                    int]:
    """Run ``python -c code args`` and return (its JSON stdout, its peak RSS in bytes).

    The peak is the child's own ``ru_maxrss`` from ``os.wait4`` (Linux reports KiB): the honest
    resident-set peak of that process alone, whatever else ran before.
    """
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    out, err = proc.stdout.read(), proc.stderr.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode}): {err.decode()[-2000:]}")
    lines = [ln for ln in out.decode().splitlines() if ln.startswith("{")]
    return (json.loads(lines[-1]) if lines else {}), usage.ru_maxrss * 1024


def analysis_peak(params_path: Path) -> tuple[dict[str, Any], int]:
    """Full analysis (load + rules + workbook) in a fresh process: (timings, peak RSS bytes)."""
    return run_child(CHILD_ANALYSIS, str(params_path))


# ---- notebooks ----
def empty_notebook(path: Path, kernel_name: str = "python3") -> Path:
    """A notebook with only a tagged ``parameters`` cell: papermill's kernel-start floor."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("params_path = ''")
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [cell]
    nb.metadata["kernelspec"] = {"name": kernel_name, "display_name": "Python 3",
                                 "language": "python"}
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, path)
    return path


def run_empty_notebook(nb_path: Path, out_path: Path, kernel_name: str = "python3") -> None:
    """Execute the empty notebook through papermill (what every notebook run pays at least).

    Uses the same kernel manager as
    :func:`mtcollect_nb.report.notebook.run_district_notebook` where it has one (a kernel of
    this interpreter), so both pay the same kernel start.
    """
    import papermill as pm

    extra: dict[str, Any] = {}
    try:
        from mtcollect_nb.report.papermill_engine import kernel_manager

        extra["km"] = kernel_manager()
        extra["extra_arguments"] = ["--IPKernelApp.log_level=ERROR"]
    except (ImportError, AttributeError):
        pass
    pm.execute_notebook(str(nb_path), str(out_path), parameters={"params_path": "x"},
                        kernel_name=kernel_name, progress_bar=False, log_output=False, **extra)


def fmt_bytes(n: float) -> str:
    """Bytes as MB/GB text."""
    return f"{n / 2**30:.2f} GB" if n >= 2**30 else f"{n / 2**20:.0f} MB"

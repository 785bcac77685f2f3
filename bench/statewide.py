"""The statewide row of issue 16: a synthetic state through ``mtcollect batch`` vs its floor.

* The state: ``synthetic.write_state(districts=N, seed=1)`` (Montana's size distribution),
  written once into ``bench/.data/batch_state_<N>_s1``.
* Ours: ``mtcollect batch PARAMS --workers 2 --force`` (rollup included) as one child process,
  from an empty output folder: wall seconds, CPU seconds and peak RSS of the whole process tree
  (:func:`run_tree`), bytes written.
* The floor: the same districts analysed one after another in one fresh process without
  notebooks (``analyze_district`` + ``write_outputs``), timed inside it (imports excluded).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.harness import DATA_DIR, run_child


def ensure_batch_state(districts: int, seed: int = 1, data_dir: Path = DATA_DIR,
                       log: Callable[[str], None] = print) -> Path:
    """The cached synthetic state's parameters folder (written once)."""
    from mtcollect_nb.synthetic import write_state

    root = data_dir / f"batch_state_{districts}_s{seed}"
    if not (root / ".done").exists():
        shutil.rmtree(root, ignore_errors=True)
        start = time.perf_counter()
        log(f"generating synthetic state: {districts} districts -> {root}")
        write_state(root, districts=districts, seed=seed)
        (root / ".done").write_text("ok\n")
        log(f"  generated in {time.perf_counter() - start:.0f} s")
    return root / "parameters"


def du(path: Path) -> int:
    """Bytes of every file under ``path`` (0 if it does not exist)."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def run_tree(cmd: list[str], every: float = 0.05) -> dict[str, float]:
    """Run ``cmd``; its wall seconds, CPU seconds and peak RSS summed over its process tree.

    CPU: every process of the tree as last sampled (psutil, every ``every`` s; a process's
    last moments before it ends are missed), or what ``os.wait4`` counted for the child and
    the descendants it waited for, whichever is more. Peak RSS: the largest sum over the tree
    of one sample.
    """
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
    peak = [0]
    cpu: dict[int, float] = {}
    done = threading.Event()

    def sample() -> None:
        try:
            root = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not done.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            total = 0
            for p in procs:
                try:
                    with p.oneshot():
                        total += p.memory_info().rss
                        t = p.cpu_times()
                    cpu[p.pid] = t.user + t.system
                except psutil.Error:
                    pass
            peak[0] = max(peak[0], total)
            done.wait(every)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    t.join()
    return {"wall_s": wall, "cpu_s": max(sum(cpu.values()), usage.ru_utime + usage.ru_stime),
            "peak_rss": float(peak[0]), "exit": float(os.waitstatus_to_exitcode(status))}


CHILD_FLOOR = """
import json, sys, time
from pathlib import Path
t0 = time.perf_counter()
from mtcollect_nb.params import load_params
from mtcollect_nb.report.pipeline import analyze_district, write_outputs
from mtcollect_nb.state.batch_io import plan
t1 = time.perf_counter()
ds = plan(Path(sys.argv[1]))
for d in ds:
    write_outputs(analyze_district(load_params(d.params_file)))
t2 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "run_s": t2 - t1, "districts": len(ds)}))
"""


def mtcollect() -> list[str]:
    """The ``mtcollect`` command of this interpreter."""
    return [sys.executable, "-m", "mtcollect_nb.cli"]


def bench_statewide(districts: int, log: Callable[[str], None] = print,
                    data_dir: Path = DATA_DIR) -> dict[str, Any]:
    """One batch run and one floor run of the ``districts``-district state."""
    params_dir = ensure_batch_state(districts, data_dir=data_dir, log=log)
    out = params_dir.parent / "output"
    log(f"statewide: the in-process floor of {districts} districts ...")
    shutil.rmtree(out, ignore_errors=True)
    floor, floor_peak = run_child(CHILD_FLOOR, str(params_dir))
    shutil.rmtree(out, ignore_errors=True)
    log(f"statewide: mtcollect batch --workers 2 over {districts} districts ...")
    load = os.getloadavg()[0]
    batch = run_tree([*mtcollect(), "batch", str(params_dir), "--workers", "2", "--force"])
    students = sum(p.read_bytes().count(b"\n") - 1
                   for p in (params_dir.parent / "extracts").glob("*/students.csv"))
    return {"districts": districts, "students": students, "batch": batch,
            "load_before": load, "load_after": os.getloadavg()[0],
            "output_bytes": du(out), "floor_s": floor["run_s"], "floor_peak": floor_peak}

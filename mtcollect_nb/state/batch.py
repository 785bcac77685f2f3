"""Statewide batch: every district's notebook in its own process, N at a time, resumable.

Each district runs ``python -m mtcollect_nb.state.batch --worker PARAMS RESULT`` (one papermill
run) in a new session; a thread per slot waits for it with the district's wall-clock limit and,
when the limit passes, kills the worker *and every descendant* (the Jupyter kernel runs in its own
session, so killing the process group alone would leave it running). One district's failure or
hang is one ``failed`` row; the others go on.

Decisions (one place):

* OUTPUT_ROOT = the common folder of the districts' output folders' parents (``output/`` for
  the usual ``output/<district>`` layout); ``PARAMS_DIR/../output`` when no parameters file is
  valid. The summary, the worker logs (``batch_logs/``) and the statewide rollup go there.
* A district is skipped (unless ``force``) when ``findings.xlsx``, ``summary.json`` and
  ``district_validation.html`` (the last output a run writes) exist and are newer than its
  parameters file and every file under its extracts folder.
* Default time limit per district: :data:`DEFAULT_TIMEOUT` seconds.
* Exit code: 0 when every district is ok or skipped, 1 when any failed (the summary still lists
  every district; findings are never failures).

Example:
    >>> len(one_line("x" * 400)), one_line("x" * 400)[-3:]
    (300, '...')
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.state.batch_io import (
    COMPLETION_MARK,
    SUMMARY_COLUMNS,
    District,
    is_fresh,
    output_root,
    plan,
    summary_counts,
    write_summary,
)

OK, FAILED, SKIPPED = "ok", "failed", "skipped"
DEFAULT_TIMEOUT = 3600.0
LOGS = "batch_logs"
ROLLUP = "statewide_rollup"


@dataclass
class BatchSummary:
    """What a batch run produced.

    Attributes:
        rows: one row per district, columns :data:`SUMMARY_COLUMNS`.
        path_xlsx: ``OUTPUT_ROOT/batch_summary.xlsx``.
        path_csv: ``OUTPUT_ROOT/batch_summary.csv``.
        rollup: the executed statewide rollup notebook, or None if not run or it failed.
        rollup_error: the rollup's one-line error, or "".
    """

    rows: pd.DataFrame
    path_xlsx: Path
    path_csv: Path
    rollup: Path | None = None
    rollup_error: str = ""

    @property
    def exit_code(self) -> int:
        """0 when every district is ok or skipped, 1 when any failed."""
        return int((self.rows["status"] == FAILED).any())


def one_line(text: str, limit: int = 300) -> str:
    """The first non-blank line of ``text``, at most ``limit`` characters."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 3] + "..."


def kill_tree(pid: int) -> None:
    """Kill a process and all its descendants, even those in other sessions (kernels).

    The root is stopped first so it cannot start new children while the tree is collected.
    Waits for the descendants; the caller reaps the root (``Popen.wait``) to keep its status.
    """
    import psutil

    try:
        root = psutil.Process(pid)
        root.suspend()
        procs = [root, *root.children(recursive=True)]
    except psutil.Error:
        return
    for p in procs:
        try:
            p.kill()
        except psutil.Error:
            pass
    psutil.wait_procs(procs[1:], timeout=10)


class _Running:
    """The worker processes alive now, so an interrupted batch can kill them all."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._procs: dict[int, subprocess.Popen[bytes]] = {}
        self._stopping = False

    def add(self, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._procs[proc.pid] = proc
            stopping = self._stopping
        if stopping:  # started after kill_all: stop it at once
            kill_tree(proc.pid)

    def remove(self, proc: subprocess.Popen[bytes]) -> None:
        with self._lock:
            self._procs.pop(proc.pid, None)

    def kill_all(self) -> None:
        with self._lock:
            self._stopping = True
            procs = list(self._procs.values())
        for p in procs:
            kill_tree(p.pid)


def run_district(d: District, timeout: float | None, log: Path,
                 running: _Running | None = None) -> tuple[str, float, str]:
    """Run one district's notebook in a worker process; (status, seconds, message).

    Never raises for a district problem: a bad run, a crash or the time limit is ``failed``,
    and a failed district loses its completion mark, so the next batch runs it again.
    """
    status, seconds, message = _run_worker(d, timeout, log, running)
    if status == FAILED and d.output_dir is not None:
        (d.output_dir / COMPLETION_MARK).unlink(missing_ok=True)
    return status, seconds, message


def _run_worker(d: District, timeout: float | None, log: Path,
                running: _Running | None) -> tuple[str, float, str]:
    log.parent.mkdir(parents=True, exist_ok=True)
    result = log.with_suffix(".result.json")
    result.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "mtcollect_nb.state.batch", "--worker", str(d.params_file),
           str(result)]
    start = time.monotonic()
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True,
                                env={**os.environ, "PYTHONUNBUFFERED": "1"})
        if running is not None:
            running.add(proc)
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            kill_tree(proc.pid)
            proc.wait()
            seconds = time.monotonic() - start
            return FAILED, seconds, f"time limit of {timeout:g} s exceeded; run stopped"
        finally:
            if running is not None:
                running.remove(proc)
    seconds = time.monotonic() - start
    try:
        message = str(json.loads(result.read_text(encoding="utf-8"))["error"])
        result.unlink()
    except (OSError, ValueError, KeyError):
        message = f"worker exited with code {code} without a result (see {log})"
    return (OK if code == 0 and not message else FAILED), seconds, message


def run_batch(params_dir: Path, *, workers: int | None = None, force: bool = False,
              timeout: float | None = None, timeouts: Mapping[str, float] | None = None,
              rollup: bool = True, progress: bool = True) -> BatchSummary:
    """Run every district of ``params_dir`` (``*.yaml``/``*.yml``) and write the summary.

    Args:
        params_dir: folder of parameters files.
        workers: districts run at once (default: ``os.cpu_count()``).
        force: run districts even when their outputs are newer than their inputs.
        timeout: wall-clock seconds per district (default :data:`DEFAULT_TIMEOUT`).
        timeouts: per-district overrides, by district number.
        rollup: run the statewide rollup notebook into OUTPUT_ROOT afterwards.
        progress: show a progress bar (stderr).

    Raises:
        MtcollectError: ``params_dir`` is missing or holds no parameters file.
    """
    from tqdm import tqdm

    districts = plan(Path(params_dir))
    root = output_root(districts, Path(params_dir))
    limit = DEFAULT_TIMEOUT if timeout is None else timeout
    n = max(1, workers or os.cpu_count() or 1)
    rows: dict[int, dict[str, object]] = {}
    todo: list[int] = []
    for i, d in enumerate(districts):
        if d.error:
            rows[i] = _row(d, FAILED, None, d.error, root)
        elif not force and is_fresh(d):
            rows[i] = _row(d, SKIPPED, None, "", root)
        else:
            todo.append(i)
    tally = {OK: 0, FAILED: 0, SKIPPED: 0}
    for r in rows.values():
        tally[str(r["status"])] += 1
    running = _Running()
    bar = tqdm(total=len(districts), initial=len(rows), unit="district", desc="batch",
               disable=not progress)
    bar.set_postfix(done=tally[OK], failed=tally[FAILED], skipped=tally[SKIPPED])
    pool = ThreadPoolExecutor(max_workers=n)
    try:
        futures = {
            pool.submit(run_district, districts[i],
                        (timeouts or {}).get(districts[i].district, limit),
                        root / LOGS / f"{districts[i].params_file.stem}.log", running): i
            for i in todo
        }
        for fut in as_completed(futures):
            i = futures[fut]
            status, seconds, message = fut.result()
            rows[i] = _row(districts[i], status, seconds, one_line(message), root)
            tally[status] += 1
            bar.set_postfix(done=tally[OK], failed=tally[FAILED], skipped=tally[SKIPPED])
            bar.update()
    finally:  # on Ctrl-C: cancel what has not started, kill what runs (kernels included)
        pool.shutdown(wait=False, cancel_futures=True)
        running.kill_all()
        pool.shutdown(wait=True)
        bar.close()
    table = (pd.DataFrame([rows[i] for i in sorted(rows)], columns=list(SUMMARY_COLUMNS))
             .astype({"seconds": "Float64", "errors": "Int64", "warnings": "Int64",
                      "springCountReported": "Float64", "springCountValidated": "Float64"}))
    xlsx, csv = write_summary(table, root)
    summary = BatchSummary(table, xlsx, csv)
    if rollup:
        summary.rollup, summary.rollup_error = _run_rollup(root)
    return summary


def _row(d: District, status: str, seconds: float | None, message: str,
         root: Path) -> dict[str, object]:
    counts = summary_counts(d.output_dir) if status != FAILED and d.output_dir else {}
    out = os.path.relpath(d.output_dir, root) if d.output_dir else ""
    return {"district": d.district, "name": d.name, "status": status,
            "seconds": None if seconds is None else round(seconds, 1), **counts,
            "message": message, "paramsFile": d.params_file.name, "outputDir": out}


def _run_rollup(root: Path) -> tuple[Path | None, str]:
    """Execute the statewide rollup notebook into ``root``; (notebook, error line)."""
    from mtcollect_nb.report.notebook import execute_notebook, export_html, notebooks_dir

    executed = root / f"{ROLLUP}.ipynb"
    try:
        execute_notebook(notebooks_dir() / f"{ROLLUP}.ipynb", executed,
                 {"batch_dir": str(root.resolve())}, None, False)
        export_html(executed, root / f"{ROLLUP}.html")
    except (MtcollectError, OSError) as exc:
        return None, one_line(str(exc))
    return executed, ""


def _worker(params_file: str, result: str) -> int:
    """Worker process: run one district; write ``{"error": ""|message}`` to ``result``."""
    from mtcollect_nb.report.notebook import run_district_notebook

    try:
        run_district_notebook(params_file)
        error = ""
    except MtcollectError as exc:
        error = one_line(str(exc)) or type(exc).__name__
    except Exception as exc:  # any crash is this district's failure, reported in one line
        error = f"{type(exc).__name__}: {one_line(str(exc))}"
    Path(result).write_text(json.dumps({"error": error}), encoding="utf-8")
    return 1 if error else 0


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        sys.exit(_worker(sys.argv[2], sys.argv[3]))
    sys.exit("usage: python -m mtcollect_nb.state.batch --worker PARAMS.yaml RESULT.json")

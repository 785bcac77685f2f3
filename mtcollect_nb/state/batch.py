"""Statewide batch: N long-lived workers, each with a warm kernel, district after district.

Each slot has one worker process (:class:`~mtcollect_nb.state.workers.Worker`, in a new
session) that keeps one Jupyter kernel and runs every district given to it in that kernel
(:mod:`mtcollect_nb.state.warm_kernel`: the namespace is reset between districts; a fresh
kernel after a kernel death, a failed district or :data:`KERNEL_REUSE` districts). A thread
per slot sends the worker one district at a time and waits for its answer with the
district's wall-clock limit; when the limit passes, it kills the worker *and every
descendant* (the kernel runs in its own session, so killing the process group alone would
leave it running) and the next district gets a new worker. One district's failure or hang is
one ``failed`` row; the others go on.

Decisions (one place):

* OUTPUT_ROOT = the common folder of the districts' output folders' parents (``output/`` for
  the usual ``output/<district>`` layout); ``PARAMS_DIR/../output`` when no parameters file is
  valid. The summary, the logs (``batch_logs/``: one per district, one per worker), the
  shared plotly.js and the statewide rollup go there.
* A district is skipped (unless ``force``) when ``findings.xlsx``, ``summary.json`` and
  ``district_validation.html`` (the last output a run writes) exist and are newer than its
  parameters file and every file under its extracts folder.
* Districts run largest first (bytes of extracts), so the last one to finish is a small one;
  the summary keeps file-name order.
* Default time limit per district: :data:`DEFAULT_TIMEOUT` seconds, counted from the moment
  the district is handed to its worker (a new worker's start and a fresh kernel count).
* plotly.js: by default (``plotly_js="shared"``) written once as
  ``OUTPUT_ROOT/plotly-<version>.min.js`` and loaded by every district page with a relative
  ``<script src>`` (offline; copy the file with a district folder you hand out);
  ``"embedded"`` puts it into every page, as ``mtcollect run`` always does.
* Exit code: 0 when every district is ok or skipped, 1 when any failed (the summary still lists
  every district; findings are never failures).

Example:
    >>> len(one_line("x" * 400)), one_line("x" * 400)[-3:]
    (300, '...')
"""

from __future__ import annotations

import contextlib
import os
import queue
from collections.abc import Generator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pandas as pd

from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.outputs import BATCH_LOGS, ROLLUP_NOTEBOOK
from mtcollect_nb.state.batch_io import (
    COMPLETION_MARK,
    FAILED,
    OK,
    SKIPPED,
    District,
    extracts_bytes,
    is_fresh,
    one_line,
    output_root,
    plan,
    summary_columns,
    summary_counts,
    write_summary,
)
from mtcollect_nb.state.lock import output_lock
from mtcollect_nb.state.warm_kernel import KERNEL_REUSE
from mtcollect_nb.state.workers import Running, Worker, kill_tree

__all__ = ["FAILED", "OK", "SKIPPED", "BatchSummary", "kill_tree", "one_line", "run_batch",
           "run_district"]
DEFAULT_TIMEOUT = 3600.0
PlotlyJs = Literal["shared", "embedded"]


@dataclass
class BatchSummary:
    """What a batch run produced.

    Attributes:
        rows: one row per district, columns :data:`SUMMARY_COLUMNS` (the count columns
            of the districts' seasons: :func:`summary_columns`).
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


def run_district(worker: Worker, d: District, timeout: float | None, log: Path,
                 plotly_js: Path | None = None) -> tuple[str, float, str]:
    """Run one district in ``worker``; (status, seconds, message).

    Never raises for a district problem: a bad run, a crash or the time limit is ``failed``,
    and a failed district loses its completion mark, so the next batch runs it again.
    """
    status, seconds, message = worker.run(d, timeout, log, plotly_js)
    if status == FAILED and d.output_dir is not None:
        (d.output_dir / COMPLETION_MARK).unlink(missing_ok=True)
    return status, seconds, message


def run_batch(params_dir: Path, *, workers: int | None = None, force: bool = False,
              timeout: float | None = None, timeouts: Mapping[str, float] | None = None,
              rollup: bool = True, progress: bool = True, plotly_js: PlotlyJs = "shared",
              kernel_reuse: int = KERNEL_REUSE) -> BatchSummary:
    """Run every district of ``params_dir`` (``*.yaml``/``*.yml``) and write the summary.

    Args:
        params_dir: folder of parameters files.
        workers: districts run at once (default: ``os.cpu_count()``).
        force: run districts even when their outputs are newer than their inputs.
        timeout: wall-clock seconds per district (default :data:`DEFAULT_TIMEOUT`).
        timeouts: per-district overrides, by district number.
        rollup: run the statewide rollup notebook into OUTPUT_ROOT afterwards.
        progress: show a progress bar (stderr).
        plotly_js: ``"shared"``: one plotly.js file under OUTPUT_ROOT for every district
            page; ``"embedded"``: in every page (each page self-contained, ~4.6 MB more).
        kernel_reuse: districts one kernel runs before a fresh kernel replaces it.

    Raises:
        MtcollectError: ``params_dir`` is missing or holds no parameters file, or
            ``plotly_js`` is neither ``"shared"`` nor ``"embedded"``.
    """
    if plotly_js not in ("shared", "embedded"):
        raise MtcollectError(f"plotly_js must be shared or embedded, not {plotly_js!r}")
    districts = plan(Path(params_dir))
    root = output_root(districts, Path(params_dir))
    with output_lock(root):  # one batch per output root (a second one: one line)
        return _run_locked(districts, root, workers, force, timeout, timeouts, rollup,
                           progress, plotly_js, kernel_reuse)


def _run_locked(districts: list[District], root: Path, workers: int | None, force: bool,
                timeout: float | None, timeouts: Mapping[str, float] | None, rollup: bool,
                progress: bool, plotly_js: PlotlyJs, kernel_reuse: int) -> BatchSummary:
    """:func:`run_batch` once the output root is locked."""
    from tqdm import tqdm

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
    todo.sort(key=lambda i: -extracts_bytes(districts[i]))  # largest first
    js = None
    if plotly_js == "shared" and todo:
        from mtcollect_nb.report.html_export import write_shared_plotly

        js = write_shared_plotly(root)
    tally = {OK: 0, FAILED: 0, SKIPPED: 0}
    for r in rows.values():
        tally[str(r["status"])] += 1
    bar = tqdm(total=len(districts), initial=len(rows), unit="district", desc="batch",
               disable=not progress)
    bar.set_postfix(done=tally[OK], failed=tally[FAILED], skipped=tally[SKIPPED])
    limits = {i: (timeouts or {}).get(districts[i].district, limit) for i in todo}
    try:
        with contextlib.closing(_run_all(districts, limits, root, n, js,
                                         kernel_reuse)) as results:
            for i, (status, seconds, message) in results:
                rows[i] = _row(districts[i], status, seconds, one_line(message), root)
                tally[status] += 1
                bar.set_postfix(done=tally[OK], failed=tally[FAILED], skipped=tally[SKIPPED])
                bar.update()
    finally:
        bar.close()
    columns = summary_columns(d.season for d in districts)  # the seasons' count columns
    counts = {c: "Float64" for c in columns if c.endswith(("CountReported", "CountValidated"))}
    table = (pd.DataFrame([rows[i] for i in sorted(rows)], columns=list(columns))
             .astype({"seconds": "Float64", "errors": "Int64", "warnings": "Int64", **counts,
                      "newFindings": "Int64", "fixedFindings": "Int64",
                      "fteAtRisk": "Float64", "anbAtRisk": "Float64"}))
    xlsx, csv = write_summary(table, root)
    summary = BatchSummary(table, xlsx, csv)
    if rollup:
        summary.rollup, summary.rollup_error = _run_rollup(root)
    return summary


def _run_all(districts: list[District], limits: dict[int, float], root: Path, n: int,
             js: Path | None, kernel_reuse: int
             ) -> Generator[tuple[int, tuple[str, float, str]], None, None]:
    """Run the districts ``limits`` names (in its order) on ``n`` slots; yield as they end.

    Each slot is a thread with one :class:`Worker`, taking the next district when its last
    one ended. Closed early (Ctrl-C), no district starts any more and every worker's tree is
    killed.
    """
    running = Running()
    jobs: queue.SimpleQueue[int] = queue.SimpleQueue()
    for i in limits:
        jobs.put(i)
    done: queue.SimpleQueue[tuple[int, tuple[str, float, str]]] = queue.SimpleQueue()

    def slot(k: int) -> None:
        worker = Worker(root / BATCH_LOGS / f"worker-{k + 1}.log", running, kernel_reuse)
        try:
            while not running.stopping:
                try:
                    i = jobs.get_nowait()
                except queue.Empty:
                    return
                d = districts[i]
                try:
                    result = run_district(worker, d, limits[i],
                                          root / BATCH_LOGS / f"{d.params_file.stem}.log", js)
                except Exception as exc:  # a bug here must not hang the batch
                    result = (FAILED, 0.0, f"{type(exc).__name__}: {one_line(str(exc))}")
                done.put((i, result))
        finally:
            worker.close()

    pool = ThreadPoolExecutor(max_workers=n)
    finished = 0
    try:
        futures = [pool.submit(slot, k) for k in range(min(n, len(limits)))]
        while finished < len(limits):
            yield done.get()
            finished += 1
        for f in futures:
            f.result()
    finally:  # on Ctrl-C: start nothing more, kill what runs (kernels included)
        if finished < len(limits):
            running.kill_all()
        pool.shutdown(wait=True)


def _row(d: District, status: str, seconds: float | None, message: str,
         root: Path) -> dict[str, object]:
    counts = summary_counts(d.output_dir) if status != FAILED and d.output_dir else {}
    out = os.path.relpath(d.output_dir, root) if d.output_dir else ""
    return {"district": d.district, "name": d.name, "status": status,
            "seconds": None if seconds is None else round(seconds, 1), **counts,
            "message": message, "paramsFile": d.params_file.name, "outputDir": out}


def _run_rollup(root: Path) -> tuple[Path | None, str]:
    """Execute the statewide rollup notebook into ``root``; (notebook, error line)."""
    from mtcollect_nb.report.notebook import run_notebook

    try:
        return run_notebook(ROLLUP_NOTEBOOK, batch_dir=root), ""
    except (MtcollectError, OSError) as exc:
        return None, one_line(str(exc))

"""Issue 16: measure the options for the per-district fixed cost of a statewide batch.

Usage::

    python bench/batch_options.py --districts 40            # every option, once each
    python bench/batch_options.py --districts 100 --repeat 3 --options today,warm-shared

Every option runs the same synthetic state (``write_state(districts=N, seed=1)``, cached in
``bench/.data/``) from scratch (its output folder deleted first) in a child process, so the
figures are that child's own: wall seconds, CPU seconds (``os.wait4``: the child and every
descendant it waited for, kernels included), peak RSS of the whole process tree (sampled every
0.1 s with psutil, summed over the tree) and the output size on disk. Options:

``today``
    ``batch.run_batch(workers=2)``: a new worker process and a new kernel per district,
    plotly.js embedded in every HTML page.
``pool-fresh``
    two long-lived worker processes (imports paid once); a new kernel per district.
``warm``
    two long-lived workers, each with one kernel kept for every district (namespace reset
    between districts, :data:`RESET`); plotly.js embedded.
``warm-cached``
    ``warm`` with the nbconvert HTML exporter built once per worker instead of per district.
``warm-shared``
    ``warm-cached`` with one plotly.js file under the output root and a relative
    ``<script src>`` in every page.
``floor``
    every district analysed in this one process without notebooks
    (``analyze_district`` + ``write_outputs``): the in-process floor of the statewide row.

The ``warm*`` and ``pool-fresh`` options are a prototype of the design (no time limit, no
failure handling): they measure the cost, not the robustness.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import DATA_DIR, fmt_bytes

OPTIONS = ("today", "pool-fresh", "warm", "warm-cached", "warm-shared", "floor")
WORKERS = 2
#: Run in the kernel before each district: a fresh namespace, In[1] again, warning registries
#: invalidated (a warning shown once in an earlier district shows again), filters restored.
RESET = (
    "import warnings as _w, gc as _gc\n"
    "_f = globals().setdefault('_mtc_filters', list(_w.filters))\n"
    "_w.simplefilter('default'); _w.filters[:] = _f\n"
    "get_ipython().reset(new_session=True)\n"
    "globals()['_mtc_filters'] = _f\n"
    "_gc.collect()\n"
)


# ---- the state ----
def ensure_state(districts: int, seed: int = 1) -> Path:
    """The cached synthetic state's parameters folder (written once)."""
    from mtcollect_nb.synthetic import write_state

    root = DATA_DIR / f"batch_state_{districts}_s{seed}"
    if not (root / ".done").exists():
        shutil.rmtree(root, ignore_errors=True)
        print(f"writing synthetic state: {districts} districts -> {root}", file=sys.stderr)
        write_state(root, districts=districts, seed=seed)
        (root / ".done").write_text("ok\n")
    return root / "parameters"


def du(path: Path) -> int:
    """Bytes of every file under ``path``."""
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# ---- the prototype worker ----
class WarmWorker:
    """One worker's kernel, kept across districts (or a new one per district)."""

    def __init__(self, keep: bool) -> None:
        from mtcollect_nb.notebook import _kernel_manager

        self.keep = keep
        self.make_km = _kernel_manager
        self.km: Any = None
        self.exporter: Any = None

    def kernel(self) -> Any:
        from jupyter_core.utils import run_sync

        if self.km is None or not run_sync(self.km.is_alive)():
            self.km = self.make_km()
            run_sync(self.km.start_kernel)(extra_arguments=["--IPKernelApp.log_level=ERROR"])
        return self.km

    def stop(self) -> None:
        from jupyter_core.utils import run_sync

        if self.km is not None:
            run_sync(self.km.shutdown_kernel)(now=True)
            self.km = None

    def run(self, params_file: Path, cached: bool, shared_js: Path | None) -> dict[str, float]:
        """One district: (reset), papermill with this kernel, HTML export; timings."""
        import papermill as pm

        from mtcollect_nb import notebook as nbmod
        from mtcollect_nb.params import load_params

        t0 = time.perf_counter()
        km = self.kernel()
        t1 = time.perf_counter()
        params = load_params(params_file)
        out = Path(params.output_dir)
        out.mkdir(parents=True, exist_ok=True)
        executed, html = out / f"{nbmod.NOTEBOOK}.ipynb", out / f"{nbmod.NOTEBOOK}.html"
        pm.execute_notebook(
            str(nbmod.notebooks_dir() / f"{nbmod.NOTEBOOK}.ipynb"), str(executed),
            parameters=nbmod.papermill_parameters(params, params_file), kernel_name="python3",
            engine_name=_register_warm(), km=km, progress_bar=False, start_timeout=120,
            reset_code=RESET if self.keep else None)
        t2 = time.perf_counter()
        _export(executed, html, self, cached, shared_js)
        t3 = time.perf_counter()
        if not self.keep:
            self.stop()
        return {"kernel_s": t1 - t0, "papermill_s": t2 - t1, "html_s": t3 - t2}


def _register_warm() -> str:
    """The throttled engine, with a reset before the first cell and the client closed after."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import papermill_engines
    from papermill.utils import merge_kwargs, remove_args

    from mtcollect_nb.papermill_engine import ThrottledEngine

    class Client(PapermillNotebookClient):  # type: ignore[misc]
        reset_code: str | None = None

        async def async_start_new_kernel_client(self) -> Any:
            kc = await super().async_start_new_kernel_client()
            if self.reset_code:
                msg_id = kc.execute(self.reset_code, silent=True, store_history=False)
                reply = await self.async_wait_for_reply(msg_id)
                assert reply["content"]["status"] == "ok", reply["content"]
            return kc

    class WarmEngine(ThrottledEngine):  # type: ignore[misc]
        @classmethod
        def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                     stdout_file: Any = None, stderr_file: Any = None,
                                     start_timeout: int = 60, execution_timeout: Any = None,
                                     reset_code: str | None = None, **kwargs: Any) -> Any:
            kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
            final = merge_kwargs(kwargs, timeout=execution_timeout, startup_timeout=start_timeout,
                                 kernel_name=kernel_name, log_output=log_output)
            client = Client(nb_man, **final)
            client.reset_code = reset_code
            try:
                return client.execute()
            finally:
                if client.kc is not None:
                    client.kc.stop_channels()

    papermill_engines.register("mtcollect-warm-proto", WarmEngine)
    return "mtcollect-warm-proto"


def _export(executed: Path, html: Path, worker: WarmWorker, cached: bool,
            shared_js: Path | None) -> None:
    import jinja2
    import nbformat
    from nbconvert import HTMLExporter

    from mtcollect_nb import notebook as nbmod

    exporter = worker.exporter if cached else None
    if exporter is None:
        exporter = HTMLExporter(
            template_name="lab",
            extra_loaders=[jinja2.DictLoader({"mtcollect_offline.html.j2":
                                              nbmod._OFFLINE_TEMPLATE})],
            template_file="mtcollect_offline.html.j2")
        if cached:
            worker.exporter = exporter
    nb = nbformat.read(executed, as_version=4)
    nb.metadata.pop("widgets", None)
    body, _ = exporter.from_notebook_node(nb)
    if shared_js is None:
        script = nbmod._plotly_script()
    else:
        rel = os.path.relpath(shared_js, html.parent)
        script = ('<script type="text/javascript">window.PlotlyConfig = {MathJaxConfig: '
                  f'"local"}};</script>\n<script type="text/javascript" src="{rel}"></script>\n')
    html.write_text(body.replace("</head>", script + "</head>", 1), encoding="utf-8")


_WORKER: WarmWorker | None = None


def _init(keep: bool) -> None:
    global _WORKER
    from mtcollect_nb.startup import defer_rfc3987_syntax

    defer_rfc3987_syntax()
    _WORKER = WarmWorker(keep)
    # shut the kept kernel down when the pool ends the worker (its CPU time is then counted)
    from multiprocessing.util import Finalize

    Finalize(_WORKER, _WORKER.stop, exitpriority=10)


def _task(job: tuple[str, bool, str | None]) -> dict[str, Any]:
    params_file, cached, shared = job
    assert _WORKER is not None
    return {"params": params_file, **_WORKER.run(Path(params_file), cached,
                                                  Path(shared) if shared else None)}


def run_pool(params_dir: Path, keep: bool, cached: bool, shared: bool) -> list[dict[str, Any]]:
    """The prototype batch: WORKERS long-lived processes, districts largest first."""
    import multiprocessing as mp

    from mtcollect_nb.batch_io import output_root, plan

    ds = plan(params_dir)
    root = output_root(ds, params_dir)
    shared_js = None
    if shared:
        from plotly.offline import get_plotlyjs

        root.mkdir(parents=True, exist_ok=True)
        shared_js = root / "plotly.min.js"
        shared_js.write_text(get_plotlyjs(), encoding="utf-8")
    jobs = [(str(d.params_file), cached, str(shared_js) if shared_js else None) for d in ds]
    ctx = mp.get_context("spawn")
    with ctx.Pool(WORKERS, initializer=_init, initargs=(keep,), maxtasksperchild=None) as pool:
        rows = list(pool.imap_unordered(_task, jobs))
        pool.close()
        pool.join()
    return rows


def run_floor(params_dir: Path) -> list[dict[str, Any]]:
    """Every district analysed in this process, no notebooks."""
    from mtcollect_nb.batch_io import plan
    from mtcollect_nb.params import load_params
    from mtcollect_nb.pipeline import analyze_district, write_outputs

    rows = []
    for d in plan(params_dir):
        t0 = time.perf_counter()
        write_outputs(analyze_district(load_params(d.params_file)))
        rows.append({"params": str(d.params_file), "run_s": time.perf_counter() - t0})
    return rows


def child(option: str, params_dir: Path, result: Path) -> None:
    """Run one option (in its own process); write its per-district rows as JSON."""
    rows: list[dict[str, Any]]
    if option == "today":
        from mtcollect_nb.batch import run_batch

        s = run_batch(params_dir, workers=WORKERS, force=True, rollup=False, progress=False)
        assert (s.rows["status"] == "ok").all(), s.rows
        rows = s.rows[["district", "seconds"]].to_dict("records")
    elif option == "floor":
        rows = run_floor(params_dir)
    else:
        rows = run_pool(params_dir, keep=option != "pool-fresh",
                        cached=option in ("warm-cached", "warm-shared"),
                        shared=option == "warm-shared")
    result.write_text(json.dumps(rows), encoding="utf-8")


# ---- the parent: run each option in a child, measure it ----
def measure(option: str, params_dir: Path) -> dict[str, Any]:
    """Wall, CPU (child + waited descendants), peak tree RSS and output size of one option."""
    import psutil

    out_root = params_dir.parent / "output"
    shutil.rmtree(out_root, ignore_errors=True)
    result = params_dir.parent / f".{option}.json"
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--child", option, str(params_dir),
                             str(result)])
    peak = [0]
    done = threading.Event()

    cpu: dict[int, float] = {}  # pid -> last seen own user+system seconds

    def sample() -> None:
        try:
            root = psutil.Process(proc.pid)
        except psutil.Error:
            return
        while not done.is_set():
            total = 0
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            for p in procs:
                try:
                    with p.oneshot():
                        total += p.memory_info().rss
                        t = p.cpu_times()
                    cpu[p.pid] = t.user + t.system
                except psutil.Error:
                    pass
            peak[0] = max(peak[0], total)
            done.wait(0.05)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    done.set()
    t.join()
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{option} failed")
    rows = json.loads(result.read_text(encoding="utf-8"))
    result.unlink()
    cells = cell_durations(out_root)
    return {"option": option, "wall_s": wall,
            # every process of the tree as last sampled (a lower bound: up to 0.05 s of each
            # process's last moments is missed), or what wait4 counted if that is more
            "cpu_s": max(sum(cpu.values()), usage.ru_utime + usage.ru_stime), "cells": cells,
            "peak_rss": peak[0], "output_bytes": du(out_root) if out_root.exists() else 0,
            "rows": rows}


def cell_durations(out_root: Path) -> dict[str, float]:
    """Seconds per notebook cell (papermill's durations), summed over the districts."""
    import nbformat

    sums: dict[str, float] = {}
    for path in sorted(out_root.glob("*/district_validation.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            key = cell.source.replace("# NBVAL_IGNORE_OUTPUT", "").replace(
                "# NBVAL_CHECK_OUTPUT", "").strip().splitlines()[0][:50]
            sums[key] = sums.get(key, 0.0) + float(
                cell.metadata.get("papermill", {}).get("duration") or 0.0)
    return sums


def summarise(runs: list[dict[str, Any]], n_districts: int) -> dict[str, Any]:
    """Medians over the repeats of one option."""
    med = {k: statistics.median(r[k] for r in runs)
           for k in ("wall_s", "cpu_s", "peak_rss", "output_bytes")}
    parts: dict[str, float] = {}
    for key in ("kernel_s", "papermill_s", "html_s"):
        vals = [sum(row[key] for row in r["rows"] if key in row) for r in runs]
        if any(vals):
            parts[key] = statistics.median(vals) / n_districts
    return {"option": runs[0]["option"], "n": len(runs), **med, "per_district": parts,
            "cells": min(runs, key=lambda r: abs(r["wall_s"] - med["wall_s"]))["cells"],
            "walls": [round(r["wall_s"], 1) for r in runs],
            "cpus": [round(r["cpu_s"], 1) for r in runs]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--districts", type=int, default=40)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--options", default=",".join(OPTIONS))
    ap.add_argument("--json", type=Path)
    ap.add_argument("--child", nargs=3, metavar=("OPTION", "PARAMS_DIR", "RESULT"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]), Path(args.child[2]))
        return 0
    params_dir = ensure_state(args.districts, args.seed)
    options = [o for o in args.options.split(",") if o]
    unknown = set(options) - set(OPTIONS)
    if unknown:
        ap.error(f"unknown options: {sorted(unknown)}")
    print(f"load before: {os.getloadavg()}", file=sys.stderr)
    results = []
    for option in options:
        runs = []
        for i in range(args.repeat):
            print(f"{option} run {i + 1}/{args.repeat} ...", file=sys.stderr, flush=True)
            runs.append(measure(option, params_dir))
            print(f"  wall {runs[-1]['wall_s']:.1f} s, cpu {runs[-1]['cpu_s']:.1f} s, "
                  f"load {os.getloadavg()[0]:.2f}", file=sys.stderr, flush=True)
        results.append(summarise(runs, args.districts))
    base = next((r for r in results if r["option"] == "today"), results[0])
    floor = next((r for r in results if r["option"] == "floor"), None)
    print(f"\n{args.districts} districts, {WORKERS} workers; medians of {args.repeat}; "
          f"load after {os.getloadavg()[0]:.2f}")
    head = (f"{'option':12s} {'wall s':>7s} {'cpu s':>7s} {'vs today':>8s} {'vs floor':>8s} "
            f"{'peak RSS':>9s} {'output':>8s}  per district (s): kernel / papermill / html")
    print(head)
    print("-" * len(head))
    for r in results:
        vs_floor = f"{r['wall_s'] / floor['wall_s']:.1f}x" if floor else ""
        parts = " / ".join(f"{v:.2f}" for v in r["per_district"].values())
        print(f"{r['option']:12s} {r['wall_s']:7.1f} {r['cpu_s']:7.1f} "
              f"{r['wall_s'] / base['wall_s']:7.2f}x {vs_floor:>8s} "
              f"{fmt_bytes(r['peak_rss']):>9s} "
              f"{fmt_bytes(r['output_bytes']):>8s}  {parts}")
    for r in results:
        if r["cells"]:
            print(f"\n{r['option']}: notebook cells, seconds per district (median run)")
            for key, v in sorted(r["cells"].items(), key=lambda kv: -kv[1])[:10]:
                print(f"  {v / args.districts:6.3f}  {key}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())

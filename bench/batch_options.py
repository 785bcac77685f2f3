"""Issue 16: measure the options for the per-district fixed cost of a statewide batch.

Usage::

    python bench/batch_options.py --districts 40            # every option, once each
    python bench/batch_options.py --districts 100 --repeat 3 --options batch,floor

Every option runs the same synthetic state (``write_state(districts=N, seed=1)``, cached in
``bench/.data/``) from scratch (its output folder deleted first) in a child process, so the
figures are that child's own: wall seconds, CPU seconds of the whole process tree (every
process as last sampled by psutil every 0.05 s, or ``os.wait4``'s count when that is more),
peak RSS of the tree (summed over its processes) and the output size on disk; plus papermill's
cell durations summed per cell. Options:

``batch``
    ``state.batch.run_batch(workers=2)`` as shipped: two long-lived workers, each with one
    warm kernel for every district (namespace reset between districts), one shared plotly.js.
``batch-embedded``
    the same with plotly.js embedded in every page (``plotly_js="embedded"``).
``batch-fresh-kernel``
    the same workers with a fresh kernel for every district (``kernel_reuse=1``).
``floor``
    every district analysed in this one process without notebooks
    (``analyze_district`` + ``write_outputs``): the in-process floor of the statewide row.

The design was chosen on a prototype of these options at commit 7165662 (40 districts, load
~3 from other users, medians of 1-3 runs; CPU s is the figure to compare):

==========================================================  ======  =======  =======
option                                                      wall s  CPU s    output
==========================================================  ======  =======  =======
old batch: new process + new kernel per district, js each    84.3    139.0   197 MB
long-lived workers, new kernel per district (n=1)            54.6     91.2   213 MB
warm kernel per worker, namespace reset                      39.1     55.7   213 MB
  + HTML exporter built once per worker                      41.4     46.3   213 MB
  + one shared plotly.js                                     39.5     42.3    34 MB
floor (in process, no notebooks)                              8.8      8.4     2 MB
==========================================================  ======  =======  =======
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.harness import fmt_bytes
from bench.statewide import du, ensure_batch_state, run_tree

OPTIONS = ("batch", "batch-embedded", "batch-fresh-kernel", "floor")
WORKERS = 2
KERNEL_REUSE = 50


def ensure_state(districts: int, seed: int = 1) -> Path:
    """The cached synthetic state's parameters folder (written once)."""
    return ensure_batch_state(districts, seed, log=lambda m: print(m, file=sys.stderr))


def run_floor(params_dir: Path) -> list[dict[str, Any]]:
    """Every district analysed in this process, no notebooks."""
    from mtcollect_nb.params import load_params
    from mtcollect_nb.report.pipeline import analyze_district, write_outputs
    from mtcollect_nb.state.batch_io import plan

    rows = []
    for d in plan(params_dir):
        t0 = time.perf_counter()
        write_outputs(analyze_district(load_params(d.params_file)))
        rows.append({"params": str(d.params_file), "run_s": time.perf_counter() - t0})
    return rows


def child(option: str, params_dir: Path, result: Path) -> None:
    """Run one option (in its own process); write its per-district rows as JSON."""
    rows: list[dict[str, Any]]
    if option == "floor":
        rows = run_floor(params_dir)
    else:
        from mtcollect_nb.state.batch import run_batch

        s = run_batch(params_dir, workers=WORKERS, force=True, rollup=False, progress=False,
                      plotly_js="embedded" if option == "batch-embedded" else "shared",
                      kernel_reuse=1 if option == "batch-fresh-kernel" else KERNEL_REUSE)
        assert (s.rows["status"] == "ok").all(), s.rows
        rows = s.rows[["district", "seconds"]].to_dict("records")
    result.write_text(json.dumps(rows), encoding="utf-8")


# ---- the parent: run each option in a child, measure it ----
def measure(option: str, params_dir: Path) -> dict[str, Any]:
    """Wall, CPU and peak RSS of the process tree, output size and cell durations of one run."""
    out_root = params_dir.parent / "output"
    shutil.rmtree(out_root, ignore_errors=True)
    result = params_dir.parent / f".{option}.json"
    got = run_tree([sys.executable, __file__, "--child", option, str(params_dir), str(result)])
    if got["exit"] != 0:
        raise RuntimeError(f"{option} failed")
    rows = json.loads(result.read_text(encoding="utf-8"))
    result.unlink()
    return {"option": option, **got, "cells": cell_durations(out_root),
            "output_bytes": du(out_root) if out_root.exists() else 0, "rows": rows}


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
    return {"option": runs[0]["option"], "n": len(runs), **med,
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
    base = results[0]
    floor = next((r for r in results if r["option"] == "floor"), None)
    print(f"\n{args.districts} districts, {WORKERS} workers; medians of {args.repeat}; "
          f"load after {os.getloadavg()[0]:.2f}")
    head = (f"{'option':18s} {'wall s':>7s} {'cpu s':>7s} {'vs first':>8s} {'vs floor':>8s} "
            f"{'peak RSS':>9s} {'output':>8s}")
    print(head)
    print("-" * len(head))
    for r in results:
        vs_floor = f"{r['wall_s'] / floor['wall_s']:.1f}x" if floor else ""
        print(f"{r['option']:18s} {r['wall_s']:7.1f} {r['cpu_s']:7.1f} "
              f"{r['wall_s'] / base['wall_s']:7.2f}x {vs_floor:>8s} "
              f"{fmt_bytes(r['peak_rss']):>9s} "
              f"{fmt_bytes(r['output_bytes']):>8s}")
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

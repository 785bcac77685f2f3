"""Benchmarks of the district run against the alternatives an analyst would use.

Usage::

    python bench/run.py                       # 20,000-student district, 150,000 statewide, 3 runs
    python bench/run.py --quick               # tiny sizes, one run: checks the harness works
    python bench/run.py --profile             # also cProfile the 20k analysis (top functions)

Prints one table: medians of ``--repeat`` runs, ratios side by side, and whether each target of
issue 6 is met. Synthetic data is generated once into ``bench/.data/`` (gitignored).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import pstats
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness
from bench.harness import Timing, fmt_bytes, time_it

STREAK_COLUMNS = ["enrollmentID", "streak", "streakStart"]


@dataclass
class Row:
    """One line of the results table."""

    measure: str
    ours: str
    alternative: str
    theirs: str
    ratio: str
    target: str
    met: str


# ---- streaks ----
def streak_inputs(params_path: Path) -> dict[str, pd.DataFrame]:
    """The four inputs of every streak implementation, from the loaded district."""
    from mtcollect_nb.compute.analysis import Analysis
    from mtcollect_nb.load.loader import load_bundle
    from mtcollect_nb.params import load_params

    params = load_params(params_path)
    a = Analysis(load_bundle(Path(params.extracts_dir)), params)
    return {"instructional_days": a.instructional_days, "attendance": a.table("attendance"),
            "enrollments": a.enrollments, "calendars": a.calendars}


def normalize_streaks(df: pd.DataFrame) -> pd.DataFrame:
    """enrollmentID, streak, streakStart; sorted, typed, fresh index (for comparison)."""
    out = df[STREAK_COLUMNS].sort_values("enrollmentID", kind="mergesort").reset_index(drop=True)
    return out.astype({"enrollmentID": "int64", "streak": "int64",
                       "streakStart": "datetime64[ns]"})


def streak_implementations() -> dict[str, Any]:
    """name -> callable(instructional_days, attendance, enrollments, calendars)."""
    from bench.streaks_duckdb import duckdb_streaks
    from mtcollect_nb.compute.absence import compute_streaks, streaks_reference

    return {"engine": compute_streaks, "loop": streaks_reference, "duckdb": duckdb_streaks}


def check_streaks_agree(inputs: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Run all three implementations once and assert identical results; return them."""
    results = {name: normalize_streaks(fn(**inputs))
               for name, fn in streak_implementations().items()}
    base = results["engine"]
    for name, df in results.items():
        pd.testing.assert_frame_equal(df, base, obj=f"streaks[{name}] vs engine")
    return results


def bench_streaks(inputs: dict[str, pd.DataFrame], repeat: int,
                  loop_budget_s: float) -> dict[str, Timing]:
    """Median timings of the three streak implementations on the same inputs."""
    out: dict[str, Timing] = {}
    for name, fn in streak_implementations().items():
        budget = loop_budget_s if name == "loop" else None
        out[name], _ = time_it(name, lambda fn=fn: fn(**inputs), repeat, budget_s=budget)
    return out


# ---- full analysis ----
def full_analysis(params_path: Path) -> int:
    """Load + all rules + workbook, in process (as a rerun in an open session); findings."""
    from mtcollect_nb.params import load_params
    from mtcollect_nb.report.pipeline import analyze_district, write_outputs

    run = analyze_district(load_params(params_path))
    write_outputs(run)
    return len(run.findings)


def extracts_of(params_path: Path) -> Path:
    """The extracts folder named by a parameters file."""
    from mtcollect_nb.params import load_params

    return Path(load_params(params_path).extracts_dir)


# ---- notebooks ----
def bench_notebooks(params_path: Path, repeat: int) -> tuple[Timing, Timing]:
    """District notebook through papermill vs an empty notebook through papermill."""
    from mtcollect_nb.report.notebook import run_district_notebook

    kernel = "python3"
    with tempfile.TemporaryDirectory() as tmp:
        empty = harness.empty_notebook(Path(tmp) / "empty.ipynb", kernel)
        floor, _ = time_it("empty", lambda: harness.run_empty_notebook(
            empty, Path(tmp) / "empty_out.ipynb", kernel), repeat)
    nb, _ = time_it("district", lambda: run_district_notebook(params_path), repeat)
    return nb, floor


# ---- the table ----
def secs(t: Timing) -> str:
    """Median seconds with the number of runs."""
    return f"{t.median:.3f} s (n={t.n})"


def yes_no(ok: bool) -> str:
    """Table text of a target check."""
    return "yes" if ok else "NO"


def render(rows: list[Row]) -> str:
    """A plain-text table, one line per row."""
    head = Row("measure", "ours", "alternative", "theirs", "ratio", "target", "met")
    cols = list(head.__dataclass_fields__)
    table = [[getattr(r, c) for c in cols] for r in [head, *rows]]
    widths = [max(len(line[i]) for line in table) for i in range(len(cols))]
    lines = ["  ".join(v.ljust(w) for v, w in zip(line, widths, strict=True)).rstrip()
             for line in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=20_000)
    ap.add_argument("--state-students", type=int, default=150_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=harness.SEED)
    ap.add_argument("--quick", action="store_true",
                    help="tiny sizes (300 / 600 students), one run each: a smoke test")
    ap.add_argument("--data-dir", type=Path, default=harness.DATA_DIR)
    ap.add_argument("--loop-budget", type=float, default=120.0,
                    help="stop repeating the per-student loop after this many seconds")
    ap.add_argument("--skip-notebook", action="store_true",
                    help="skip every row that runs notebooks (district notebook, batch)")
    ap.add_argument("--skip-state", action="store_true", help="skip the statewide bundle")
    ap.add_argument("--state-districts", type=int, default=400,
                    help="districts of the synthetic state run through mtcollect batch")
    ap.add_argument("--skip-batch", action="store_true", help="skip the statewide batch row")
    ap.add_argument("--profile", action="store_true",
                    help="cProfile the district analysis; top 30 by cumulative time")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    args = ap.parse_args(argv)
    if args.quick:
        args.students, args.state_students, args.repeat = 300, 600, 1
        args.state_districts = min(args.state_districts, 6)
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    figures: dict[str, Any] = {"students": args.students, "state_students": args.state_students,
                               "repeat": args.repeat}
    rows: list[Row] = []
    n = f"{args.students // 1000}k" if args.students >= 1000 else str(args.students)

    district = harness.ensure_district(args.students, args.seed, args.data_dir, log)
    state = None if args.skip_state else harness.ensure_state(
        args.state_students, args.seed + 1, args.data_dir, log)

    # 1. streaks: agree first, then time
    log("streaks: checking the three implementations agree ...")
    inputs = streak_inputs(district)
    agreed = check_streaks_agree(inputs)
    positive = int((agreed["engine"]["streak"] > 0).sum())
    long_ = int((agreed["engine"]["streak"] >= 11).sum())
    print(f"streaks agree: yes ({len(agreed['engine']):,} enrollments on the count date, "
          f"{positive:,} with a streak > 0, {long_:,} with >= 11)")
    log("streaks: timing ...")
    st = bench_streaks(inputs, args.repeat, args.loop_budget)
    figures["streaks"] = {k: v.runs for k, v in st.items()}
    speedup = st["loop"].median / st["engine"].median
    vs_duck = st["engine"].median / st["duckdb"].median
    rows.append(Row(f"absence streaks {n}: engine vs per-student loop", secs(st["engine"]),
                    "per-student loop", secs(st["loop"]), f"{speedup:.0f}x faster",
                    ">= 50x faster", yes_no(speedup >= 50)))
    rows.append(Row(f"absence streaks {n}: engine vs DuckDB SQL", secs(st["engine"]),
                    "DuckDB gaps-and-islands", secs(st["duckdb"]), f"{vs_duck:.2f}x the time",
                    "<= 1.5x DuckDB", yes_no(vs_duck <= 1.5)))
    del inputs, agreed

    # 2. full analysis vs the bare pyarrow read
    log("full analysis: timing ...")
    extracts = extracts_of(district)
    floor, _ = time_it("pyarrow", lambda: harness.pyarrow_read_all(extracts), args.repeat,
                       warmup=True)
    full, findings = time_it("analysis", lambda: full_analysis(district), args.repeat,
                             warmup=True)
    figures["analysis"] = {"ours": full.runs, "pyarrow": floor.runs, "findings": findings}
    ratio = full.median / floor.median
    rows.append(Row(f"district analysis {n} (load+rules+workbook)", secs(full),
                    "pyarrow.csv.read_csv only", secs(floor), f"{ratio:.1f}x the time",
                    "<= 4x", yes_no(ratio <= 4)))

    # 2b. the forecast run before the count date (issue 21) against the normal run
    log("forecast run: timing ...")
    rows.append(forecast_row(district, args.repeat, n, figures))

    # 3. notebooks
    if not args.skip_notebook:
        log("notebooks: timing (papermill) ...")
        nb, nb_floor = bench_notebooks(district, args.repeat)
        figures["notebook"] = {"district": nb.runs, "empty": nb_floor.runs}
        extra = nb.median - nb_floor.median
        rows.append(Row(f"district notebook {n} (papermill)", secs(nb),
                        "empty notebook (papermill)", secs(nb_floor), f"+{extra:.2f} s",
                        "<= +2 s", yes_no(extra <= 2)))

    # 4. peak memory, each in a fresh process
    log("peak memory: district ...")
    info, peak = harness.analysis_peak(district)
    figures["peak_rss"] = {str(args.students): peak}
    rows.append(Row(f"peak RSS, analysis {n} (own process)", fmt_bytes(peak), "", "",
                    f"run {info.get('run_s', float('nan')):.1f} s", "", ""))
    if state is not None:
        log("peak memory: statewide bundle ...")
        info, peak = harness.analysis_peak(state)
        s_floor, _ = time_it("pyarrow", lambda: harness.pyarrow_read_all(extracts_of(state)), 1)
        figures["peak_rss"][str(args.state_students)] = peak
        figures["state_run_s"] = info.get("run_s")
        ns = f"{args.state_students // 1000}k"
        rows.append(Row(f"peak RSS, statewide analysis {ns} (own process)", fmt_bytes(peak), "",
                        "", f"run {info.get('run_s', float('nan')):.1f} s "
                        f"(pyarrow read {s_floor.median:.1f} s)", "< 3 GB",
                        yes_no(peak < 3 * 2**30)))

    # 5. the statewide batch (issue 16): notebooks too, so --skip-notebook skips it
    if not (args.skip_batch or args.skip_notebook):
        rows.extend(statewide_rows(args.state_districts, figures, log, args.data_dir))

    print()
    print(render(rows))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    if args.profile:
        from bench.breakdown import stages

        print()
        print("where the district analysis spends its time (one run, slowest stages):")
        got = stages(district)
        total = sum(w for name, w, _ in got if not name.startswith("run_rules"))
        for name, w, c in sorted(got, key=lambda x: -x[1])[:12]:
            print(f"  {name:50s} {w:7.3f} s wall {c:7.3f} s cpu {w / total:6.1%}")
        print()
        print(profile_analysis(district))
    return 0


def forecast_row(district: Path, repeat: int, n: str, figures: dict[str, Any]) -> Row:
    """The forecast run (``as_of``) of the district against its normal run (bench/forecast.py)."""
    from bench.forecast import AS_OF, TARGET, bench_forecast

    got = bench_forecast(district, AS_OF, repeat)
    figures["forecast"] = {"normal": got["normal"].runs, "forecast": got["forecast"].runs,
                           "line": got["line"]}
    return Row(f"forecast run {n} (as of {AS_OF}) vs normal run", secs(got["forecast"]),
               "normal run", secs(got["normal"]), f"{got['ratio']:.2f}x the time",
               f"<= {TARGET}x", yes_no(got["ratio"] <= TARGET))


def statewide_rows(districts: int, figures: dict[str, Any], log: Any,
                   data_dir: Path) -> list[Row]:
    """The synthetic state through ``mtcollect batch --workers 2`` vs the in-process floor."""
    from bench.statewide import bench_statewide

    got = bench_statewide(districts, log, data_dir)
    figures["statewide_batch"] = got
    b = got["batch"]
    ratio = b["wall_s"] / got["floor_s"]
    label = f"statewide batch, {districts} districts ({got['students']:,} students)"
    return [
        Row(label, f"{b['wall_s']:.0f} s ({b['cpu_s']:.0f} CPU-s)",
            "same districts in one process, no notebooks", f"{got['floor_s']:.1f} s",
            f"{ratio:.1f}x the time", "<= 300 s (stretch <= 3x)",
            yes_no(b["wall_s"] <= 300) + ("" if ratio > 3 else ", stretch yes")),
        Row("peak RSS, statewide batch (all processes)", fmt_bytes(b["peak_rss"]), "", "",
            f"load {got['load_before']:.1f} -> {got['load_after']:.1f}", "<= 4 GB",
            yes_no(b["peak_rss"] <= 4 * 2**30)),
        Row("output size, statewide batch", fmt_bytes(got["output_bytes"]), "", "", "",
            "<= 400 MB", yes_no(got["output_bytes"] <= 400 * 2**20)),
    ]


def profile_analysis(params_path: Path, top: int = 30) -> str:
    """cProfile of one district analysis (after a warm-up run): top functions, cumulative."""
    full_analysis(params_path)
    prof = cProfile.Profile()
    start = time.perf_counter()
    prof.enable()
    full_analysis(params_path)
    prof.disable()
    took = time.perf_counter() - start
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(top)
    return f"profile of the district analysis ({took:.2f} s under cProfile)\n{buf.getvalue()}"


if __name__ == "__main__":
    sys.exit(main())

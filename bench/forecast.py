"""The forecast run (``as_of`` before the count date) against the normal run of one district.

Usage::

    python bench/forecast.py                   # 20,000-student district, as of 2025-01-21, 5 runs
    python bench/forecast.py --quick           # 300 students, one run: a smoke test
    python bench/forecast.py --students 2000 --as-of 2025-01-27 --repeat 3

Both runs are the whole district run in process (load, derived frames, every rule, findings.xlsx:
``analyze_district`` + ``write_outputs``) plus the frames the second half of issue 21 puts on
the workbook: the Attendance table in both, the call list and FTE/ANB at risk in the forecast.
The two are timed alternately (normal, forecast, normal, ...) after one warm-up of each, so a
change in the machine's load touches both; the medians and their ratio are printed (target
<= 1.1x). ``bench/run.py`` prints the same row in its table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import harness
from bench.harness import Timing

#: A January day of the synthetic districts' year (count date Monday 2025-02-03).
AS_OF = dt.date(2025, 1, 21)
TARGET = 1.1


def district_run(params: Any) -> Any:
    """One district run as ``mtcollect run`` does it, without the notebook; the run."""
    from mtcollect_nb.report.pipeline import analyze_district, write_outputs

    run = analyze_district(params)
    write_outputs(run)
    a = run.analysis
    _ = a.attendance_table  # every run (the Attendance sheet)
    if params.as_of is not None:  # the Call list sheet and the Summary's FTE/ANB at risk
        _ = a.call_list, a.at_risk_by_unit
    return run


def both_params(params_path: Path, as_of: dt.date, out: Path) -> tuple[Any, Any]:
    """The district's parameters, and the same with ``as_of`` (validated); each run writes
    into its own folder under ``out``, so each rerun reads its own previous run."""
    from mtcollect_nb.params import Params, load_params

    base = load_params(params_path).model_dump()
    normal = Params.model_validate({**base, "output_dir": str(out / "normal")})
    forecast = Params.model_validate({**base, "output_dir": str(out / "forecast"),
                                      "as_of": as_of})
    return normal, forecast


def call_list_line(run: Any) -> str:
    """The one line ``mtcollect run --as-of`` will print (outputs.md)."""
    from mtcollect_nb.outputs import call_list_line as line

    a = run.analysis
    return line(len(a.call_list), float(a.at_risk_by_unit["fteAtRisk"].sum()),
                float(a.at_risk_by_unit["anbAtRisk"].sum()), a.params.count_date.isoformat())


def bench_forecast(params_path: Path, as_of: dt.date = AS_OF,
                   repeat: int = 5) -> dict[str, Any]:
    """Alternate timings of the normal and the forecast run; medians, ratio and the line."""
    normal, forecast = Timing("normal"), Timing("forecast")
    with tempfile.TemporaryDirectory() as tmp:
        normal_p, forecast_p = both_params(params_path, as_of, Path(tmp))
        load_before = os.getloadavg()[0]
        district_run(normal_p)
        line = call_list_line(district_run(forecast_p))  # warm-up of each
        for _ in range(max(1, repeat)):
            for timing, p in ((normal, normal_p), (forecast, forecast_p)):
                start = time.perf_counter()
                district_run(p)
                timing.runs.append(time.perf_counter() - start)
    return {"normal": normal, "forecast": forecast,
            "ratio": statistics.median(forecast.runs) / statistics.median(normal.runs),
            "line": line, "load": (load_before, os.getloadavg()[0])}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--students", type=int, default=20_000)
    ap.add_argument("--seed", type=int, default=harness.SEED)
    ap.add_argument("--as-of", type=dt.date.fromisoformat, default=AS_OF)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quick", action="store_true", help="300 students, one run")
    ap.add_argument("--data-dir", type=Path, default=harness.DATA_DIR)
    args = ap.parse_args(argv)
    if args.quick:
        args.students, args.repeat = 300, 1
    log = lambda msg: print(msg, file=sys.stderr, flush=True)  # noqa: E731
    district = harness.ensure_district(args.students, args.seed, args.data_dir, log)
    got = bench_forecast(district, args.as_of, args.repeat)
    n, f = got["normal"], got["forecast"]
    print(got["line"])
    print(f"forecast run {args.students:,} (as of {args.as_of}): {f.median:.3f} s (n={f.n}); "
          f"normal run {n.median:.3f} s (n={n.n}); {got['ratio']:.2f}x the time "
          f"(target <= {TARGET}x: {'yes' if got['ratio'] <= TARGET else 'NO'}); "
          f"load {got['load'][0]:.1f} -> {got['load'][1]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Where the district analysis spends its time: load, derived frames, each rule, workbook.

``python bench/breakdown.py bench/.data/district_20000_s2025/params.yaml`` prints one line per
stage (wall and CPU seconds, median of ``--repeat`` runs). Derived frames of
:class:`~mtcollect_nb.compute.analysis.Analysis` are computed first, each on its own, so a
rule's line is the rule alone (plus the engine's normalisation of its findings).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

#: Derived frames of Analysis, in dependency order (cached properties).
DERIVED = ("students", "staff", "calendars", "instructional_days", "enrollments",
           "on_count_date", "section_info", "streaks", "computed_hours", "fte",
           "early_graduates", "anb_table", "budget_units", "absences_table", "cte_sections",
           "streaks_as_of", "call_list", "at_risk_by_unit", "chronic_by_student",
           "attendance_table")


def _clock(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - w, time.process_time() - c, out


def stages(params_path: Path) -> list[tuple[str, float, float]]:
    """(stage, wall s, cpu s) for one full analysis (load, derived, rules, workbook)."""
    from mtcollect_nb.checks import engine
    from mtcollect_nb.checks.catalog import all_rules
    from mtcollect_nb.checks.run import DistrictRun
    from mtcollect_nb.compute.analysis import Analysis
    from mtcollect_nb.load.loader import load_bundle
    from mtcollect_nb.params import load_params
    from mtcollect_nb.report.pipeline import key_and_mask, write_outputs
    from mtcollect_nb.window.finished import finish

    out: list[tuple[str, float, float]] = []
    params = load_params(params_path)
    w, c, bundle = _clock(lambda: load_bundle(Path(params.extracts_dir), params))
    out.append(("load_bundle", w, c))
    a = Analysis(bundle, params)
    for name in DERIVED:
        if hasattr(type(a), name):
            w, c, _ = _clock(lambda name=name: getattr(a, name))
            out.append((f"analysis.{name}", w, c))
    frames = []
    for r in all_rules().values():
        if any(not a.has(t) for t in r.tables):
            continue
        w, c, found = _clock(lambda r=r: r.fn(a))
        w2, c2, norm = _clock(lambda r=r, found=found: engine._normalize(found, r, a)
                              if len(found) else None)
        out.append((f"rule {r.id} ({len(found)} findings)", w, c))
        out.append((f"  normalize {r.id}", w2, c2))
        if norm is not None:
            frames.append(norm)
    w, c, _ = _clock(lambda: engine.run_rules(a))  # the engine as a whole, frames cached
    out.append(("run_rules (all, derived frames cached)", w, c))
    w, c, run = _clock(lambda: key_and_mask(DistrictRun(analysis=a, results=engine.run_rules(a))))
    out.append(("run_rules + findingKey (+ masking when mask_pii)", w, c))
    w, c, done = _clock(lambda: finish(run))
    out.append(("finish (the previous run read)", w, c))
    w, c, _ = _clock(lambda: write_outputs(done))
    out.append(("write_outputs (workbook, tables, history)", w, c))
    return out


def notebook_cells(params: Path, repeat: int) -> int:
    """Run the district notebook ``repeat`` times; print each code cell's median duration.

    The durations are papermill's own (kernel side); "outside the cells" is the rest of the
    wall time: kernel start, papermill, the final save and the HTML export.
    """
    import json
    import time

    from mtcollect_nb.report.notebook import run_district_notebook

    walls, cells = [], []
    for _ in range(repeat + 1):  # the first run warms the file cache
        start = time.perf_counter()
        executed = run_district_notebook(params)
        walls.append(time.perf_counter() - start)
        nb = json.loads(executed.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        cells.append([(c["source"] if isinstance(c["source"], str) else "".join(c["source"]),
                       c["metadata"].get("papermill", {}).get("duration") or 0.0) for c in code])
    walls, cells = walls[1:], cells[1:]
    print(f"{'cell (first code line)':60s} {'median s':>9s}")
    total = 0.0
    for i, (source, _) in enumerate(cells[0]):
        med = statistics.median(run[i][1] for run in cells)
        total += med
        line = next((ln for ln in source.splitlines() if ln and not ln.startswith("#")), "")
        print(f"{line[:60]:60s} {med:9.3f}")
    wall = statistics.median(walls)
    print(f"{'all cells':60s} {total:9.3f}")
    print(f"{'outside the cells (kernel start, papermill, HTML export)':60s} {wall - total:9.3f}")
    print(f"{'wall':60s} {wall:9.3f}")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("params", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--top", type=int, default=25, help="stages to print, slowest first")
    ap.add_argument("--notebook", action="store_true",
                    help="time the district notebook's cells instead (papermill)")
    args = ap.parse_args(argv)
    if args.notebook:
        return notebook_cells(args.params, args.repeat)
    stages(args.params)  # warm-up: imports, file cache
    runs = [stages(args.params) for _ in range(args.repeat)]
    names = [s for s, _, _ in runs[0]]
    med = {n: (statistics.median(r[i][1] for r in runs), statistics.median(r[i][2] for r in runs))
           for i, n in enumerate(names)}
    total = sum(w for n, (w, _) in med.items() if not n.startswith("run_rules"))
    print(f"{'stage':52s} {'wall s':>8s} {'cpu s':>8s} {'share':>6s}")
    for n in sorted(names, key=lambda n: -med[n][0])[: args.top]:
        w, c = med[n]
        print(f"{n:52s} {w:8.3f} {c:8.3f} {w / total:6.1%}")
    print(f"{'total (stages, without the run_rules line)':52s} {total:8.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

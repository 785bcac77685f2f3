"""Results snapshot: a digest of everything a district run produces, to prove a refactor changed
nothing.

Usage: ``python bench/snapshot.py OUT.json`` then, after the change, ``python bench/snapshot.py
OUT2.json --compare OUT.json``. Covers the demo district (masked, as shipped, and unmasked) and
the 2k and 20k bench districts: every loaded table, rejected row and accounting row, every
derived frame of the analysis, the findings, and every workbook cell (read back by openpyxl).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

FRAMES = ("students", "staff", "calendars", "instructional_days", "enrollments", "section_info",
          "streaks", "computed_hours", "fte", "early_graduates", "anb_table", "budget_units",
          "absences_table", "cte_sections")


def _digest(df: pd.DataFrame) -> str:
    text = df.reset_index(drop=True).to_csv(index=False, date_format="%Y-%m-%d")
    dtypes = ",".join(f"{c}:{t}" for c, t in df.dtypes.astype(str).items())
    return hashlib.sha256((dtypes + "\n" + text).encode()).hexdigest()[:16]


def _pipeline() -> Any:
    try:
        from mtcollect_nb.report import pipeline
    except ImportError:  # before the subpackage layout
        from mtcollect_nb import pipeline  # type: ignore[no-redef]
    return pipeline


def snapshot_run(params_path: Path, mask: bool | None) -> dict[str, str]:
    """Digest one district run (``mask`` overrides the file's ``mask_pii``)."""
    import openpyxl

    from mtcollect_nb.params import load_params

    pipeline = _pipeline()
    params = load_params(params_path)
    with tempfile.TemporaryDirectory() as tmp:
        update = {"output_dir": tmp}
        if mask is not None:
            update["mask_pii"] = mask
        params = params.model_copy(update=update)
        run = pipeline.analyze_district(params)
        out: dict[str, str] = {}
        b = run.analysis.bundle
        for name in sorted(b.tables):
            out[f"table:{name}"] = _digest(b.tables[name])
        out["rejected"] = _digest(b.rejected)
        out["accounting"] = _digest(b.accounting)
        for f in FRAMES:
            out[f"frame:{f}"] = _digest(getattr(run.analysis, f))
        out["findings"] = _digest(run.findings)
        out["not_run"] = _digest(run.not_run)
        wb_path = pipeline.write_outputs(run)
        wb = openpyxl.load_workbook(wb_path)
        for ws in wb.worksheets:
            cells = [[c.value for c in row] for row in ws.iter_rows()]
            if ws.title == "Summary":  # the run time and version are not results
                cells = [r for r in cells if not (r and r[0] in ("Run at",))]
            out[f"sheet:{ws.title}"] = hashlib.sha256(
                json.dumps(cells, default=str).encode()).hexdigest()[:16]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out", type=Path)
    ap.add_argument("--compare", type=Path)
    ap.add_argument("--no-20k", action="store_true")
    args = ap.parse_args(argv)
    from bench.harness import ensure_district
    from mtcollect_nb.synthetic import write_demo

    snap: dict[str, dict[str, str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        demo = write_demo(Path(tmp) / "demo")
        snap["demo-masked"] = snapshot_run(demo, None)
        snap["demo-unmasked"] = snapshot_run(demo, False)
        sizes = (2_000,) if args.no_20k else (2_000, 20_000)
        for n in sizes:
            snap[f"bench-{n}"] = snapshot_run(ensure_district(n), None)
    args.out.write_text(json.dumps(snap, indent=1, sort_keys=True))
    if args.compare:
        old = json.loads(args.compare.read_text())
        diffs = [(k, i) for k in snap for i in snap[k] if old.get(k, {}).get(i) != snap[k][i]]
        diffs += [(k, i) for k in old for i in old[k] if i not in snap.get(k, {})]
        for k, i in diffs:
            print(f"DIFFERS: {k} {i}")
        print("identical" if not diffs else f"{len(diffs)} differences")
        return 1 if diffs else 0
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

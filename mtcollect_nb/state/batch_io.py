"""The batch's files: plan the districts, decide what is up to date, write the summary.

Example:
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / "0001.yaml").write_text("district_number: 1")
    >>> print(plan(d)[0].error.split(": ", 1)[1])
    'district_number' must be text of 4 digits, quoted in YAML (e.g. "0123"); got 1
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.files import atomic_path, write_csv
from mtcollect_nb.outputs import (
    BATCH_SUMMARY_CSV,
    BATCH_SUMMARY_XLSX,
    DISTRICT_NOTEBOOK,
    DISTRICT_OUTPUTS,
    RunSummary,
    notebook_files,
    read_summary,
)
from mtcollect_nb.params import load_params
from mtcollect_nb.season import SEASONS, SPRING, Season

OK, FAILED, SKIPPED = "ok", "failed", "skipped"
SUMMARY_COLUMNS: tuple[str, ...] = (
    "district", "name", "status", "seconds", "errors", "warnings",
    "springCountReported", "springCountValidated", "ready", "newFindings", "fixedFindings",
    "asOf", "fteAtRisk", "anbAtRisk",  # a forecast run's call list (blank otherwise)
    "message", "paramsFile", "outputDir",
)
COUNT_COLUMNS: tuple[str, ...] = SUMMARY_COLUMNS[4:8]
_SEASON_COUNTS = SUMMARY_COLUMNS[6:8]  # the spring names of a district's two counts


def summary_columns(seasons: Iterable[Season] = ()) -> tuple[str, ...]:
    """The batch summary's columns: the counts of each season among the batch's districts.

    A spring batch (or none known) has springCountReported/Validated, a fall batch
    fallCountReported/Validated, a batch of both seasons both pairs.

    Example:
        >>> from mtcollect_nb.season import FALL
        >>> summary_columns([FALL])[6:8]
        ('fallCountReported', 'fallCountValidated')
    """
    present = {s.name for s in seasons} or {SPRING.name}
    counts = tuple(c for s in SEASONS.values() if s.name in present
                   for c in s.columns(_SEASON_COUNTS))
    return (*SUMMARY_COLUMNS[:6], *counts, *SUMMARY_COLUMNS[8:])
#: A district run is complete only when all of these exist; the HTML is written last (and
#: deleted when a run starts), so a run killed after the workbook but before the end is redone.
COMPLETION_MARK = notebook_files(DISTRICT_NOTEBOOK)[1]
OUTPUTS: tuple[str, ...] = DISTRICT_OUTPUTS


@dataclass(frozen=True)
class District:
    """One parameters file of the batch.

    Attributes:
        params_file: the YAML file.
        district: the district number (the file name's stem when the file is unreadable).
        name: the district name ("" when the file is bad).
        output_dir: resolved output folder, None when the file is bad.
        extracts_dir: resolved extracts folder, None when the file is bad.
        error: the one-line parameters problem, "" when the file is good.
        season: the run's season (its counts' names in the batch summary; a fall run's
            output folder is ``output_dir/fall``).
    """

    params_file: Path
    district: str
    name: str = ""
    output_dir: Path | None = None
    extracts_dir: Path | None = None
    error: str = ""
    season: Season = SPRING


def one_line(text: str, limit: int = 300) -> str:
    r"""The first non-blank line of ``text``, at most ``limit`` characters.

    Example:
        >>> len(one_line("x" * 400)), one_line("  \n  b  \n c")
        (300, 'b')
    """
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= limit else line[: limit - 3] + "..."


def extracts_bytes(d: District) -> int:
    """Bytes of the district's extract files (0 when unknown): the batch runs large ones first.

    Example:
        >>> extracts_bytes(District(Path("x.yaml"), "0001"))
        0
    """
    if d.extracts_dir is None or not d.extracts_dir.is_dir():
        return 0
    return sum(p.stat().st_size for p in d.extracts_dir.rglob("*") if p.is_file())


def plan(params_dir: Path) -> list[District]:
    """Every ``*.yaml``/``*.yml`` file of ``params_dir``, validated, in file-name order.

    A bad file, or one that repeats an earlier file's district number or output folder, is a
    district with an ``error`` (a failed row), never an exception.

    Raises:
        MtcollectError: the folder is missing or holds no parameters file.
    """
    if not params_dir.is_dir():
        raise MtcollectError(f"{params_dir}: parameters folder not found")
    files = sorted(p for p in params_dir.iterdir()
                   if p.suffix.lower() in (".yaml", ".yml") and p.is_file())
    if not files:
        raise MtcollectError(f"{params_dir}: no parameters files (*.yaml)")
    out: list[District] = []
    seen: dict[str, str] = {}
    for f in files:  # one per district file
        try:
            p = load_params(f)
        except MtcollectError as exc:
            out.append(District(f, _raw_number(f), error=str(exc).splitlines()[0]))
            continue
        d = District(f, p.district_number, p.district_name, p.season.out_dir(p),
                     Path(p.extracts_dir), season=p.season)  # fall: output_dir/fall
        clash = seen.get(d.district) or seen.get(str(d.output_dir))
        if clash:
            d = District(f, d.district, d.name,
                         error=f"{f}: same district number or output_dir as {clash}")
        else:
            seen[d.district] = seen[str(d.output_dir)] = f.name
        out.append(d)
    return out


def _raw_number(f: Path) -> str:
    """The district number of a bad file if it holds one as text, else the file's stem."""
    try:
        data = yaml.safe_load(f.read_text(encoding="utf-8-sig"))
        value = data.get("district_number") if isinstance(data, dict) else None
    except (OSError, ValueError, yaml.YAMLError):
        value = None
    return value if isinstance(value, str) and value else f.stem


def output_root(districts: list[District], params_dir: Path) -> Path:
    """Where the batch writes its summary: the common parent of the output folders.

    Example:
        >>> ds = [District(Path("a.yaml"), "0001", output_dir=Path("/o/out/0001")),
        ...       District(Path("b.yaml"), "0002", output_dir=Path("/o/out/0002"))]
        >>> output_root(ds, Path("/o/parameters")).as_posix()
        '/o/out'
    """
    parents = [str(d.output_dir.parent) for d in districts if d.output_dir is not None]
    if not parents:
        return (params_dir.resolve().parent / "output").resolve()
    return Path(os.path.commonpath(parents))


def is_fresh(d: District) -> bool:
    """True when both outputs exist and are newer than the parameters file and every extract.

    Example:
        >>> is_fresh(District(Path("x.yaml"), "0001"))
        False
    """
    if d.output_dir is None or d.extracts_dir is None or not d.extracts_dir.is_dir():
        return False
    outs = [d.output_dir / name for name in OUTPUTS]
    if not all(p.is_file() for p in outs):
        return False
    inputs = [d.params_file, *(p for p in d.extracts_dir.rglob("*") if p.is_file())]
    newest_input = max(p.stat().st_mtime for p in inputs)
    return min(p.stat().st_mtime for p in outs) > newest_input


def summary_counts(output_dir: Path) -> dict[str, Any]:
    """The batch summary's numbers of one district, from its ``summary.json`` (None if absent).

    Read with :func:`mtcollect_nb.outputs.read_summary` (the reader the command line shares).

    Example:
        >>> summary_counts(Path("/nonexistent"))["errors"] is None
        True
    """
    s = read_summary(output_dir) or RunSummary()
    reported, validated = SEASONS.get(s.season, SPRING).columns(_SEASON_COUNTS)
    return {"errors": s.errors, "warnings": s.warnings,
            reported: s.spring_count_reported, validated: s.spring_count_validated,
            "ready": None if s.ready is None else ("yes" if s.ready else "no"),
            "newFindings": s.new_findings, "fixedFindings": s.fixed_findings,
            **forecast_counts(s)}


def forecast_counts(s: RunSummary) -> dict[str, Any]:
    """asOf, fteAtRisk and anbAtRisk of a forecast run's summary (None in a normal run).

    Example:
        >>> forecast_counts(RunSummary(forecast={"asOf": "2025-01-27", "fteAtRisk": 2.0,
        ...                                      "anbAtRisk": 1.0}))
        {'asOf': '2025-01-27', 'fteAtRisk': 2.0, 'anbAtRisk': 1.0}
    """
    f = s.forecast or {}
    number = {k: float(v) if isinstance(v, int | float) and not isinstance(v, bool) else None
              for k in ("fteAtRisk", "anbAtRisk") for v in [f.get(k)]}
    return {"asOf": str(f["asOf"]) if f.get("asOf") else None, **number}


def write_summary(rows: pd.DataFrame, root: Path) -> tuple[Path, Path]:
    """Write ``batch_summary.xlsx`` and ``.csv`` into ``root`` atomically; text stays text."""
    root.mkdir(parents=True, exist_ok=True)
    xlsx, csv = root / BATCH_SUMMARY_XLSX, root / BATCH_SUMMARY_CSV
    write_csv(rows, csv)  # text that looks like a formula is escaped (files.csv_safe)
    with atomic_path(xlsx) as tmp_x:
        _write_summary_xlsx(rows, tmp_x)
    return xlsx, csv


def _write_summary_xlsx(rows: pd.DataFrame, tmp_x: Path) -> None:
    options = {"strings_to_formulas": False, "strings_to_numbers": False,
               "strings_to_urls": False}
    with pd.ExcelWriter(tmp_x, engine="xlsxwriter", engine_kwargs={"options": options}) as xw:
        rows.to_excel(xw, sheet_name="Batch", index=False)
        ws = xw.sheets["Batch"]
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, len(rows), len(rows.columns) - 1)
        for j, c in enumerate(rows.columns):
            width = max([len(c), *rows[c].astype(str).str.len().head(1000).tolist()])
            ws.set_column(j, j, min(60, width + 2))


def write_demo_batch(out_dir: Path | None = None, *, districts: int = 3, seed: int = 1,
                     scale: float = 0.5) -> Path:
    """A small synthetic batch output for the rollup notebook's defaults; returns OUTPUT_ROOT.

    Writes a synthetic state, runs each district in this process (no notebook: load, rules,
    machine-readable tables only) and writes the batch summary. ``out_dir`` defaults to a new
    temporary folder.
    """
    import tempfile
    import time

    from mtcollect_nb.report.pipeline import analyze_district, finish
    from mtcollect_nb.report.workbook import write_tables
    from mtcollect_nb.synthetic import write_state

    base = Path(out_dir) if out_dir else Path(tempfile.mkdtemp(prefix="mtcollect-state-"))
    ds = plan(write_state(base, districts=districts, seed=seed, scale=scale))
    root = output_root(ds, base / "parameters")
    rows = []
    for d in ds:  # a handful of districts
        assert d.output_dir is not None
        start = time.monotonic()
        d.output_dir.mkdir(parents=True, exist_ok=True)
        write_tables(finish(analyze_district(load_params(d.params_file))), d.output_dir)
        rows.append({"district": d.district, "name": d.name, "status": "ok",
                     "seconds": round(time.monotonic() - start, 1),
                     **summary_counts(d.output_dir), "message": "",
                     "paramsFile": d.params_file.name,
                     "outputDir": os.path.relpath(d.output_dir, root)})
    write_summary(pd.DataFrame(rows, columns=list(summary_columns(d.season for d in ds))), root)
    return root

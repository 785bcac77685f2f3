"""Every output file name in one place, and the typed reader of a district's ``summary.json``.

A district run writes into its ``output_dir``: :data:`FINDINGS_XLSX`, the tables of
:data:`TABLE_FILES` (parquet and :data:`SUMMARY_JSON`), ``history/`` and the executed notebook
with its HTML page (:func:`notebook_files`). A batch writes into its output root
:data:`BATCH_SUMMARY` ``.xlsx``/``.csv``, :data:`BATCH_LOGS`, the shared plotly.js
(:func:`plotly_js_name`) and the statewide rollup notebook. ``summary.json`` is written by
:func:`mtcollect_nb.report.summary.summary_json`; the batch, the rollup (through the batch
summary), the command line and the readiness check read it with :func:`read_summary`.

Example:
    >>> import json, tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = (d / SUMMARY_JSON).write_text(json.dumps({"status": {"errors": 2}, "ready": False,
    ...     "certify": {"Spring ANB": {"verdict": "Not ready: 2 errors open"}}}))
    >>> s = read_summary(d)
    >>> s.errors, s.ready, s.verdict_line
    (2, False, 'Spring ANB: Not ready: 2 errors open')
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# ---- one district's output folder -----------------------------------------------------------
FINDINGS_XLSX = "findings.xlsx"
SUMMARY_JSON = "summary.json"
#: The machine-readable tables of a district run (the statewide rollup reads them), by name.
TABLE_FILES: dict[str, str] = {"findings": "findings.parquet", "anb": "anb.parquet",
                               "budget_units": "budget_units.parquet", "summary": SUMMARY_JSON}
#: One JSON record per run (``history/run-<started>.json``).
HISTORY_DIR = "history"
#: A fall run's folder inside the district's ``output_dir`` (its workbook, notes and history
#: never mix with the spring run's): :meth:`mtcollect_nb.season.Season.out_dir`.
FALL_DIR = "fall"
#: The fall count a fall run writes (the extract contract's fall_count.csv): the spring run's.
FALL_COUNT_CSV = "fall_count.csv"

# ---- the notebooks (notebooks/<name>.ipynb, executed into <name>.ipynb and <name>.html) ------
DISTRICT_NOTEBOOK = "district_validation"
EXPLORE_NOTEBOOK = "explore_findings"
TOUR_NOTEBOOK = "training_tour"
ROLLUP_NOTEBOOK = "statewide_rollup"
#: A district run is complete only when these exist; its HTML page is written last.
DISTRICT_OUTPUTS: tuple[str, ...] = (FINDINGS_XLSX, SUMMARY_JSON, f"{DISTRICT_NOTEBOOK}.html")

# ---- a batch's output root ---------------------------------------------------------------------
BATCH_SUMMARY = "batch_summary"
BATCH_SUMMARY_CSV = f"{BATCH_SUMMARY}.csv"
BATCH_SUMMARY_XLSX = f"{BATCH_SUMMARY}.xlsx"
BATCH_LOGS = "batch_logs"


def notebook_files(name: str) -> tuple[str, str]:
    """The executed notebook's file name and its HTML page's.

    Example:
        >>> notebook_files(DISTRICT_NOTEBOOK)
        ('district_validation.ipynb', 'district_validation.html')
    """
    return f"{name}.ipynb", f"{name}.html"


def plotly_js_name(version: str) -> str:
    """The file name of the plotly.js a batch shares between its district pages.

    Example:
        >>> plotly_js_name("6.0.1")
        'plotly-6.0.1.min.js'
    """
    return f"plotly-{version}.min.js"


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _float(value: Any) -> float | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool)
    return float(value) if ok else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class RunSummary:
    """What a district's ``summary.json`` says (a missing or mistyped value is None or blank).

    Attributes:
        district_number, district_name, law: as the run had them ("" when absent).
        pii_masked: whether the run was masked.
        errors, warnings, info: findings per severity.
        spring_count_reported, spring_count_validated: the district's counts of the run's
            season (the spring counts; a fall run's fall counts).
        season: ``spring`` or ``fall`` (a summary written before seasons: spring).
        collections: what the run checked, in words ("Fall ANB and Fall Teacher-Class on
            the fall count date 2024-10-07"; "" when absent).
        ready: every certified collection ready to certify.
        verdicts: collection -> its verdict line ("Ready to certify", "Not ready: ...").
        new_findings, fixed_findings: since the previous run in the same output folder.
        forecast: a forecast run's ``forecast`` (asOf, countDate, callList, fteAtRisk,
            anbAtRisk, byUnit); None in a normal run.
        errors_open: collection -> its errors (every error counts toward one collection or
            toward none: :attr:`errors_outside`).
        notes_carried: this run's findings with a note (carried forward).
        window_lines: what the previous run left that could not be carried, one line each.
    """

    district_number: str = ""
    district_name: str = ""
    law: str = ""
    pii_masked: bool | None = None
    errors: int | None = None
    warnings: int | None = None
    info: int | None = None
    spring_count_reported: float | None = None
    spring_count_validated: float | None = None
    ready: bool | None = None
    verdicts: dict[str, str] = field(default_factory=dict)
    new_findings: int | None = None
    fixed_findings: int | None = None
    season: str = "spring"
    collections: str = ""
    forecast: dict[str, Any] | None = None
    errors_open: dict[str, int] = field(default_factory=dict)

    @property
    def errors_outside(self) -> int | None:
        """Errors that count toward no certified collection (Other reminders), if known.

        Example:
            >>> RunSummary(errors=6, errors_open={"Spring ANB": 2, "Spring TC": 0}).errors_outside
            4
        """
        if self.errors is None or not self.errors_open:
            return None
        return max(self.errors - sum(self.errors_open.values()), 0)
    notes_carried: int | None = None
    window_lines: tuple[str, ...] = ()

    @classmethod
    def from_json(cls, data: Any) -> RunSummary:
        """The summary of a parsed ``summary.json`` (anything else gives an empty summary)."""
        data = _dict(data)
        status, reruns = _dict(data.get("status")), _dict(data.get("reruns"))
        certify = _dict(data.get("certify"))
        verdicts = {str(c): str(v.get("verdict", "")) for c, v in certify.items()
                    if isinstance(v, dict)}
        opened = {str(c): _int(v.get("errorsOpen")) for c, v in certify.items()
                  if isinstance(v, dict)}
        text = {k: str(data[k]) if isinstance(data.get(k), str) else ""
                for k in ("district_number", "district_name", "law")}
        ready, masked = data.get("ready"), data.get("pii_masked")
        season = data["season"] if isinstance(data.get("season"), str) else "spring"
        collections = data["collections"] if isinstance(data.get("collections"), str) else ""
        return cls(**text,
                   pii_masked=masked if isinstance(masked, bool) else None,
                   errors=_int(status.get("errors")), warnings=_int(status.get("warnings")),
                   info=_int(status.get("info")),
                   spring_count_reported=_float(data.get(f"{season}CountReported")),
                   spring_count_validated=_float(data.get(f"{season}CountValidated")),
                   ready=ready if isinstance(ready, bool) else None, verdicts=verdicts,
                   new_findings=_int(reruns.get("new")), fixed_findings=_int(reruns.get("fixed")),
                   season=season, collections=collections,
                   errors_open={c: n for c, n in opened.items() if n is not None},
                   forecast=data["forecast"] if isinstance(data.get("forecast"), dict) else None,
                   notes_carried=_int(reruns.get("notesCarried")),
                   window_lines=tuple(str(x) for x in reruns.get("lines") or ()
                                      if isinstance(x, str)))

    @property
    def call_list_line(self) -> str | None:
        """A forecast run's line (:func:`call_list_line`); None in a normal run."""
        f = self.forecast
        if f is None:
            return None
        return call_list_line(_int(f.get("callList")) or 0, _float(f.get("fteAtRisk")) or 0.0,
                              _float(f.get("anbAtRisk")) or 0.0, str(f.get("countDate", "")))

    @property
    def verdict_line(self) -> str:
        """What ``mtcollect run`` prints: ``Spring ANB: Ready to certify; Spring ...``."""
        return "; ".join(f"{c}: {v}" for c, v in self.verdicts.items())


def call_list_line(students: int, fte: float, anb: float, count_date: str) -> str:
    """The one line a forecast run prints (spec/outputs.md "Call list").

    Example:
        >>> call_list_line(3, 2.5, 1.2549, "2027-02-01")
        'call list: 3 students, 2.50 FTE (1.25 ANB) at risk by 2027-02-01'
    """
    return (f"call list: {students} students, {fte:.2f} FTE ({anb:.2f} ANB) at risk "
            f"by {count_date}")


def read_summary(out_dir: Path | str) -> RunSummary | None:
    """The ``summary.json`` of a district's output folder; None when it is missing or unreadable.

    Example:
        >>> read_summary(Path("/nonexistent")) is None
        True
    """
    try:
        data = json.loads((Path(out_dir) / SUMMARY_JSON).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return RunSummary.from_json(data) if isinstance(data, dict) else None

"""The Summary sheet's tables and the machine-readable run summary, as plain frames and dicts.

:mod:`mtcollect_nb.report.workbook` writes these blocks to the Summary sheet; the notebook can
show them too, and ``summary.json`` feeds the batch summary, the statewide rollup and the
command line (read back with :func:`mtcollect_nb.outputs.read_summary`).

Example:
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> from mtcollect_nb.checks.run import run_from_analysis
    >>> run = run_from_analysis(tiny_analysis())
    >>> findings_by_severity(run.findings)["findings"].tolist()
    [0, 0, 0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.checks.run import DistrictRun
from mtcollect_nb.columns import (
    ACCOUNTING_COLUMNS,
    ANB_AT_RISK,
    AT_RISK_COLUMNS,
    FTE_AT_RISK,
    NOT_RUN_COLUMNS,
    SEVERITIES,
)
from mtcollect_nb.compute.cte import cte_notes
from mtcollect_nb.compute.law import law_applied
from mtcollect_nb.outputs import FINDINGS_XLSX
from mtcollect_nb.season import SPRING, Season
from mtcollect_nb.window.certify import REMINDERS_NOTE, outside_certification, ready_json
from mtcollect_nb.window.finished import FinishedRun, Window

RUN_INFO_COLUMNS: tuple[str, ...] = ("item", "value")
BY_RULE_COLUMNS: tuple[str, ...] = ("ruleId", "severity", "collection", "title", "findings")
BY_SEVERITY_COLUMNS: tuple[str, ...] = ("severity", "findings")
CONTINUED_COLUMNS: tuple[str, ...] = ("sheet", "continuedOn", "rows")

# Block titles: the workbook anchors its charts on them.
RUN_BLOCK = "Run"
ACCOUNTING_BLOCK = "Input accounting (read = used + rejected)"
BY_RULE_BLOCK = "Findings per rule"
BY_SEVERITY_BLOCK = "Findings per severity"
BUDGET_UNIT_BLOCK = "ANB per budget unit"
NOT_RUN_BLOCK = "Rules that did not run"
AT_RISK_BLOCK = "At risk before the count date: FTE and ANB on the call list per budget unit"
CONTINUED_BLOCK = "Sheets continued (more rows than one Excel sheet holds)"
NOTES_BLOCK = "Loader notes (values kept, but check the export)"
SHEET_NOTES_BLOCK = "Sheets left partly blank (a file was not provided)"
READY_BLOCK = "Ready to certify"
REMINDERS_BLOCK = "Other reminders (not part of this certification)"
RERUN_BLOCK = "This run and the previous one"
WINDOW_BLOCK = "Previous run: not carried or to check"
#: The item of each line about what was not carried or read (window.lines).
WINDOW_LINE_ITEM = "Not carried / to check"
SINCE_COUNTS_BLOCK = "Spring count per budget unit: previous run and this run"
SINCE_FINDINGS_BLOCK = "Findings fixed, new and still open since the previous run"
_TOTAL_LABELS = {"fixed": "Findings fixed since the previous run", "new": "New findings",
                 "stillOpen": "Findings still open", "reviewed": "Warnings and info reviewed"}


@dataclass(frozen=True)
class Block:
    """One titled table of the Summary sheet (the first block has no title row)."""

    title: str
    frame: pd.DataFrame


def run_info(run: DistrictRun) -> pd.DataFrame:
    """District, school year, the law applied, count dates, when and which version ran.

    "Law applied" is :func:`mtcollect_nb.compute.law.law_applied` (the school year's row of
    the law table).

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> run_info(run_from_analysis(tiny_analysis())).iloc[:2].values.tolist()
        [['District number', '0001'], ['District name', 'Test District']]
    """
    p = run.params
    y = p.school_year
    rows = [
        ("District number", p.district_number),
        ("District name", p.district_name),
        ("School year", f"{y - 1}-{y % 100:02d} (endYear {y})"),
        ("Law applied", law_applied(y)),
        ("Collections checked", p.season.checked(p)),
        ("Fall count date", p.fall.isoformat()),
        ("Spring count date", p.spring.isoformat()),
        ("Kindergarten age date", p.k_age_date.isoformat()),
        ("PIR days", str(p.pir_days)),
        ("Run at", run.started.isoformat(sep=" ")),
        ("mtcollect-nb version", run.version),
        ("PII masked", "Yes" if run.masked else "No"),
    ]
    if p.as_of is not None:  # a forecast run (issue 21)
        rows.insert(6, ("As of (forecast)",
                        f"{p.as_of.isoformat()} (attendance known to this day)"))
    return pd.DataFrame(rows, columns=list(RUN_INFO_COLUMNS))


def accounting(run: DistrictRun) -> pd.DataFrame:
    """Rows read, used and rejected per input file, with a total row."""
    acc = run.analysis.bundle.accounting.reindex(columns=list(ACCOUNTING_COLUMNS))
    acc = acc.sort_values("file", kind="mergesort").reset_index(drop=True)
    counts = acc[["read", "used", "rejected"]].apply(pd.to_numeric).fillna(0).astype("int64")
    acc[["read", "used", "rejected"]] = counts
    total = pd.DataFrame([["Total", *counts.sum().tolist()]], columns=list(ACCOUNTING_COLUMNS))
    return pd.concat([acc, total], ignore_index=True) if len(acc) else acc


def findings_by_rule(run: DistrictRun) -> pd.DataFrame:
    """Findings per rule, for every rule that ran (0 when clean) or produced findings.

    Sorted by severity (error, warning, info) then ruleId.
    """
    catalog = all_rules()
    f = run.findings
    counts = f.groupby("ruleId").size() if len(f) else pd.Series(dtype="int64")
    ids = sorted(set(run.results.ran) | set(counts.index))
    seen = (f.drop_duplicates("ruleId").set_index("ruleId") if len(f)
            else pd.DataFrame(columns=["severity", "collection", "message"]))
    rows = []
    for rid in ids:  # one row per rule id (catalog-sized, not data-sized)
        r = catalog.get(rid)
        known = rid in seen.index
        sev = r.severity if r else seen.at[rid, "severity"] if known else ""
        coll = r.collection if r else seen.at[rid, "collection"] if known else ""
        rows.append((rid, sev, coll, r.title if r else "", int(counts.get(rid, 0))))
    out = pd.DataFrame(rows, columns=list(BY_RULE_COLUMNS))
    order = out["severity"].map({s: i for i, s in enumerate(SEVERITIES)}).fillna(len(SEVERITIES))
    return out.assign(_o=order).sort_values(["_o", "ruleId"], kind="mergesort").drop(
        columns="_o").reset_index(drop=True)


def findings_by_severity(findings: pd.DataFrame) -> pd.DataFrame:
    """Findings per severity: error, warning, info (0 when none)."""
    counts = findings["severity"].value_counts() if len(findings) else pd.Series(dtype="int64")
    return pd.DataFrame({"severity": list(SEVERITIES),
                         "findings": [int(counts.get(s, 0)) for s in SEVERITIES]})


def budget_units(run: DistrictRun) -> pd.DataFrame:
    """The ANB per budget unit (the season's ``budget_unit_columns``: a fall run's fall count)."""
    return run.analysis.budget_units.reindex(
        columns=list(run.params.season.budget_unit_columns))


def at_risk(run: DistrictRun) -> pd.DataFrame:
    """FTE and ANB at risk per budget unit (AT_RISK_COLUMNS) with a Total row (forecast runs).

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> at_risk(run_from_analysis(tiny_analysis()))["budgetUnit"].tolist()[-1]
        'Total'
    """
    units = run.analysis.at_risk_by_unit.reindex(columns=list(AT_RISK_COLUMNS))
    nums = units[[FTE_AT_RISK, ANB_AT_RISK]].apply(pd.to_numeric).fillna(0.0)
    total = pd.DataFrame([["Total", *nums.sum().round(4).tolist()]],
                         columns=list(AT_RISK_COLUMNS))
    return pd.concat([units.assign(**nums), total], ignore_index=True)


def rerun_info(window: Window) -> pd.DataFrame:
    """This run against the previous one: when, the previous workbook, and the totals."""
    prev = window.previous
    last = window.previous_run
    kept = f"; kept as {window.kept.name}" if window.kept else ""
    if prev.problem:
        wb = f"{prev.problem}{kept}; no reviewed/note carried forward"
    elif prev.found:
        wb = (f"read: {window.notes_carried} note(s) carried forward"
              + (f"; not everything typed in it could be carried{kept}" if prev.lost else ""))
    else:
        wb = "none"
    rows = [("Previous run", str(last["started"]).replace("T", " ") if last
             else "none (first run in this output folder)"),
            (f"Previous {FINDINGS_XLSX}", wb),
            *((_TOTAL_LABELS[k], str(v)) for k, v in window.totals().items()),
            *((WINDOW_LINE_ITEM, line) for line in window.lines)]
    return pd.DataFrame(rows, columns=list(RUN_INFO_COLUMNS))


def not_part_title(season: Season) -> str:
    """The Summary block of what the season's run does not compute (``Season.not_computed``).

    Example:
        >>> from mtcollect_nb.season import FALL
        >>> not_part_title(FALL)
        'Not part of the fall collection (the spring run computes it)'
    """
    return f"Not part of the {season.name} collection (the spring run computes it)"


def since_counts_title(season: Season = SPRING) -> str:
    """The title of the *Since last run* counts: the season's count (``Fall count per ...``).

    Example:
        >>> since_counts_title() == SINCE_COUNTS_BLOCK
        True
    """
    return SINCE_COUNTS_BLOCK.replace(SPRING.title, season.title, 1)


def since_blocks(window: Window, season: Season = SPRING) -> list[Block]:
    """The *Since last run* sheet: this run vs the previous, counts, findings that changed."""
    return [Block(RERUN_BLOCK, rerun_info(window)),
            Block(since_counts_title(season), window.counts),
            Block(SINCE_FINDINGS_BLOCK, window.since)]


def summary_blocks(finished: FinishedRun,
                   continued: pd.DataFrame | None = None) -> list[Block]:
    """The Summary sheet's tables, in order; the first one gets the frozen header and filter."""
    run = finished.run
    blocks = [
        Block(RUN_BLOCK, run_info(run)),
        Block(READY_BLOCK, finished.window.ready),
        Block(ACCOUNTING_BLOCK, accounting(run)),
        Block(BY_SEVERITY_BLOCK, findings_by_severity(run.findings)),
        Block(BY_RULE_BLOCK, findings_by_rule(run)),
        Block(BUDGET_UNIT_BLOCK, budget_units(run)),
        Block(NOT_RUN_BLOCK, run.not_run.reindex(columns=list(NOT_RUN_COLUMNS))),
    ]
    if run.params.forecast:  # beside the ANB it puts at risk, before the rules not run
        blocks.insert(6, Block(AT_RISK_BLOCK, at_risk(run)))
    if continued is not None and len(continued):
        blocks.insert(2, Block(CONTINUED_BLOCK, continued))
    if len(run.analysis.bundle.notes):
        blocks.insert(3, Block(NOTES_BLOCK, run.analysis.bundle.notes))
    season = run.params.season
    if season.not_computed:  # a fall run: early graduates, fall_count.csv and ANB
        blocks.append(Block(not_part_title(season),
                            pd.DataFrame({"notComputed": list(season.not_computed)})))
    errors, warnings = outside_certification(run.findings, run.params.season)
    if errors or warnings:  # explained where they are counted, under the verdict (issue 20.4)
        blocks.insert(2, Block(REMINDERS_BLOCK, pd.DataFrame(
            [("Errors", str(errors)), ("Warnings", str(warnings)),
             ("What they are", REMINDERS_NOTE)], columns=list(RUN_INFO_COLUMNS))))
    sheet_notes = cte_notes(run.analysis)
    if sheet_notes:  # e.g. the CTE sheet without section_staff.csv (issue 15 item 5)
        blocks.append(Block(SHEET_NOTES_BLOCK, pd.DataFrame({"note": sheet_notes})))
    if finished.window.lines:  # what the previous run left that could not be carried
        blocks.insert(2, Block(WINDOW_BLOCK, pd.DataFrame({"line": finished.window.lines})))
    return blocks


def summary_json(finished: FinishedRun) -> dict[str, Any]:
    """The run summary for the statewide rollup and the batch summary (``summary.json``).

    Keys: district_number, district_name, school_year, started, version, pii_masked,
    status (errors, warnings, info), season and collections (what was checked, in words),
    the season's counts springCountReported and springCountValidated (district totals; a
    fall run: fallCountReported, fallCountValidated), budgetUnits (budget unit -> the
    season's budget unit numbers), ``certify`` (collection -> errorsOpen,
    warningsNotReviewed, rulesNotRun, ready, verdict), ``ready``
    (every certified collection ready) and ``reruns`` (previousRun, fixed, new, stillOpen,
    reviewed, previousWorkbookProblem; previousRun is None on a first run).

    Example:
        >>> import tempfile
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> from mtcollect_nb.window.finished import finish
        >>> from mtcollect_nb.window.keys import with_keys
        >>> run = with_keys(run_from_analysis(tiny_analysis()))
        >>> s = summary_json(finish(run, tempfile.mkdtemp()))
        >>> s["status"], s["springCountValidated"], s["reruns"]["previousRun"]
        ({'errors': 0, 'warnings': 0, 'info': 0}, 2.0, None)
    """
    run, window = finished.run, finished.window
    sev = findings_by_severity(run.findings).set_index("severity")["findings"]
    bu = budget_units(run)
    nums = bu.drop(columns="budgetUnit").apply(pd.to_numeric).fillna(0.0).astype("float64")
    by_unit = {str(u): {c: float(v) for c, v in row.items()}
               for u, row in zip(bu["budgetUnit"], nums.to_dict("records"), strict=True)}
    p = run.params
    return {
        "district_number": p.district_number,
        "district_name": p.district_name,
        "school_year": p.school_year,
        "law": law_applied(p.school_year),
        "started": run.started.isoformat(),
        "version": run.version,
        "pii_masked": run.masked,
        "status": {"errors": int(sev["error"]), "warnings": int(sev["warning"]),
                   "info": int(sev["info"])},
        "season": p.season.name,
        "collections": p.season.checked(p),
        **{c: float(nums[c].sum()) for c in (p.season.count_reported, p.season.count_validated)},
        "budgetUnits": by_unit,
        **ready_json(window.ready),
        "reruns": {"previousRun": last["started"] if (last := window.previous_run) else None,
                   **window.totals(), "previousWorkbookProblem": window.previous.problem,
                   "notesCarried": window.notes_carried, "lines": list(window.lines),
                   "keptCopy": window.kept.name if window.kept else None},
        "forecast": forecast_json(run),
    }


def forecast_json(run: DistrictRun) -> dict[str, Any] | None:
    """``summary.json``'s ``forecast``: None in a normal run, else the call list's totals.

    Keys: asOf, countDate, callList (students listed), fteAtRisk and anbAtRisk (district
    totals) and byUnit (budget unit -> fteAtRisk, anbAtRisk).

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> forecast_json(run_from_analysis(tiny_analysis())) is None
        True
    """
    p = run.params
    if p.as_of is None:
        return None
    units = at_risk(run)
    rows = units.iloc[:-1]
    return {"asOf": p.as_of.isoformat(), "countDate": p.count_date.isoformat(),
            "callList": int(len(run.analysis.call_list)),
            "fteAtRisk": float(units[FTE_AT_RISK].iloc[-1]),
            "anbAtRisk": float(units[ANB_AT_RISK].iloc[-1]),
            "byUnit": {str(u): {FTE_AT_RISK: float(f), ANB_AT_RISK: float(b)}
                       for u, f, b in zip(rows["budgetUnit"], rows[FTE_AT_RISK],
                                          rows[ANB_AT_RISK], strict=True)}}

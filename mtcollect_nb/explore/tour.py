"""The trainer's tour: the checks in groups, each shown on one case planted in the demo district.

:data:`CHECK_GROUPS` groups every rule of the catalog for teaching (one group per notebook
section); :func:`example` finds, in a (masked) demo run, the finding produced by the case that
:func:`mtcollect_nb.synthetic.planted_cases` says was planted for a rule, and lays it out as a
card: what was planted, then the finding's fields and its remedy. :func:`rerun_example` shows
two days of a collection window: notes typed in the workbook, a fix, the rerun that sees it;
:func:`fall_run` the same district's fall collections.
:func:`forecast_example` runs the demo in January (a week before its count date) and
:func:`forecast_edges` shows, edge by edge, who the call list names and who it must not.

Decisions: the group of a rule and the example rule of each group are chosen here, for
teaching; in a masked run the planted personIDs and stateIDs are matched through their
pseudonyms (:mod:`mtcollect_nb.privacy.pseudonyms`), so the tour never needs the real IDs on
screen.

Example:
    >>> sorted(r for g in CHECK_GROUPS.values() for r in g.rules)[:3]
    ['ANB-01', 'ANB-02', 'ANB-03']
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from mtcollect_nb.columns import FINDING_KEY, FINDINGS_COLUMNS, NOTE, PERSON_ID, REVIEWED
from mtcollect_nb.outputs import call_list_line
from mtcollect_nb.params import Params, load_params, with_overrides
from mtcollect_nb.privacy.pseudonyms import pseudo_person_ids, pseudonyms
from mtcollect_nb.report.pipeline import analyze_district, finish, write_outputs
from mtcollect_nb.synthetic.plant_forecast import FORECAST_AS_OF
from mtcollect_nb.synthetic.write import forecast_cases, write_demo

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

    from mtcollect_nb.checks.run import DistrictRun
    from mtcollect_nb.params import Params
    from mtcollect_nb.window.finished import FinishedRun

Cases = dict[str, dict[str, Any]]


@dataclass(frozen=True)
class Group:
    """A group of checks taught together: its rules and the one shown as the example."""

    rules: tuple[str, ...]
    example: str


#: Group title -> its rules (every rule of the catalog exactly once) and the example rule.
CHECK_GROUPS: dict[str, Group] = {
    "Absences and the 10-day rule": Group(("ANB-01", "ANB-02", "ANB-03"), "ANB-01"),
    "Eligibility: kindergarten age, day treatment, age 19+, PK":
        Group(("ANB-04", "ANB-05", "ANB-20", "ANB-21", "ANB-23", "ANB-24"), "ANB-04"),
    "Aggregate hours and FTE": Group(("ANB-06", "ANB-07", "ANB-08", "ANB-15", "ANB-16"),
                                     "ANB-07"),
    "Residency, ESA and programs": Group(("ANB-09", "ANB-10", "ANB-11", "ANB-12", "ANB-13",
                                          "ANB-14", "ANB-22"), "ANB-09"),
    "Early graduates": Group(("ANB-17", "ANB-18", "ANB-19"), "ANB-17"),
    "Teacher of record, course codes and rosters":
        Group(("TCH-01", "TCH-02", "TCH-03", "TCH-04"), "TCH-02"),
    "Career and technical education (CTE)": Group(("CTE-01", "CTE-02", "CTE-03", "CTE-04"),
                                                  "CTE-01"),
    "Other reminders: 9th-grade date, photos, gifted":
        Group(("GRD-01", "GRD-02", "PHO-01", "PHO-02", "GFT-01", "GFT-02", "GFT-03"), "GRD-01"),
    "Data quality of the extracts": Group(("DQ-01", "DQ-02", "DQ-03", "DQ-04"), "DQ-02"),
    "Reconcile with Infinite Campus": Group(("REC-01",), "REC-01"),
}
CARD_COLUMNS: tuple[str, ...] = ("item", "value")


def check_groups(run: DistrictRun) -> pd.DataFrame:
    """The tour's table of contents: group, its rules, the example rule, findings in the run.

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> int(check_groups(run_from_analysis(tiny_analysis()))["findings"].sum())
        0
    """
    g = pd.DataFrame({"group": list(CHECK_GROUPS),
                      "ruleId": [v.rules for v in CHECK_GROUPS.values()],
                      "example": [v.example for v in CHECK_GROUPS.values()]})
    per = g.explode("ruleId")
    counts = run.findings["ruleId"].value_counts()
    per["findings"] = per["ruleId"].map(counts).fillna(0).astype("int64")
    g["findings"] = per.groupby(level=0)["findings"].sum()
    g["rules"] = g["ruleId"].map(", ".join)
    return g[["group", "rules", "example", "findings"]]


def _planted_keys(run: DistrictRun, keys: dict[str, Any]) -> dict[str, pd.Series]:
    """The planted keys as the run shows them (pseudonyms in a masked run)."""
    people = pd.Series(keys.get(PERSON_ID, []), dtype="int64")
    states = pd.Series(keys.get("stateID", []), dtype=object)
    if run.masked:
        people, states = pseudo_person_ids(people), pseudonyms(states, "stateID")
    courses = run.analysis.table("courses")
    numbers = courses.loc[courses["courseID"].isin(keys.get("courseID", [])), "number"]
    return {PERSON_ID: people, "stateID": states.loc[states != ""],
            "enrollmentID": pd.Series(keys.get("enrollmentID", []), dtype="int64").astype(str),
            "sectionID": pd.Series(keys.get("sectionID", []), dtype="int64").astype(str),
            "courseNumber": numbers.loc[numbers != ""]}


def planted_findings(run: DistrictRun, cases: Cases, rule_id: str) -> pd.DataFrame:
    """The findings of ``rule_id`` about the keys planted for it (persons, sections ...).

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> planted_findings(run_from_analysis(tiny_analysis()), {}, "ANB-01").empty
        True
    """
    f = run.findings.loc[run.findings["ruleId"] == rule_id]
    keys = _planted_keys(run, cases.get(rule_id, {}))
    hit = pd.Series(False, index=f.index)
    for col, values in keys.items():
        hit |= f[col].isin(values).fillna(False).astype(bool)
    return f.loc[hit].reset_index(drop=True)


def planted_person(run: DistrictRun, cases: Cases, rule_id: str) -> int | None:
    """The personID (pseudonym in a masked run) of the first finding about a planted case."""
    f = planted_findings(run, cases, rule_id)
    ids = f[PERSON_ID].dropna()
    return int(ids.iloc[0]) if len(ids) else None


def example(run: DistrictRun, cases: Cases, rule_id: str) -> pd.DataFrame:
    """A card of one planted case: what was planted, then its finding (non-blank fields).

    Falls back to the rule's first finding when none names a planted key (the data-quality
    cases are text edits); says so when the rule has no finding at all.

    Returns:
        Columns ``item``, ``value``; the last rows are ``message`` and ``remedy``.
    """
    planted = str(cases.get(rule_id, {}).get("description", ""))
    f = planted_findings(run, cases, rule_id)
    if f.empty:
        f = run.findings.loc[run.findings["ruleId"] == rule_id]
    rows = [("planted", planted)]
    if f.empty:
        rows.append(("finding", f"no {rule_id} finding in this run"))
        return pd.DataFrame(rows, columns=list(CARD_COLUMNS))
    card = f.iloc[0][list(FINDINGS_COLUMNS)].astype(str)
    card = card.loc[card != ""]
    out = pd.DataFrame({"item": card.index, "value": card.to_numpy()})
    return pd.concat([pd.DataFrame(rows, columns=list(CARD_COLUMNS)), out], ignore_index=True)


def example_card(run: DistrictRun, cases: Cases, rule_id: str) -> Styler:
    """:func:`example` styled for a webinar: no index, full text (HTML-escaped), left-aligned."""
    return (example(run, cases, rule_id).style.format(escape="html").hide(axis="index")
            .set_properties(**{"text-align": "left", "white-space": "pre-wrap"}))


def group_example(run: DistrictRun, cases: Cases, group: str) -> pd.DataFrame:
    """:func:`example` of the example rule of a :data:`CHECK_GROUPS` group."""
    return example(run, cases, CHECK_GROUPS[group].example)


# ---- two runs: fix, rerun, see it fixed -------------------------------------------------------
def type_note(workbook: Path, rule_id: str, note: str, reviewed: str = "") -> str:
    """What a district does in Excel: fill reviewed and note of a rule's first finding.

    Saves the workbook; returns that finding's key.

    Raises:
        KeyError: the workbook has no finding of ``rule_id``.
    """
    from openpyxl import load_workbook

    wb = load_workbook(workbook)
    ws = wb["Findings"]
    head = [c.value for c in ws[1]]
    col = {c: head.index(c) + 1 for c in ("ruleId", FINDING_KEY, REVIEWED, NOTE)}
    row = next((r for r in range(2, ws.max_row + 1)
                if ws.cell(r, col["ruleId"]).value == rule_id), None)
    if row is None:
        raise KeyError(f"{workbook.name}: no {rule_id} finding")
    ws.cell(row, col[REVIEWED]).value = reviewed or None
    ws.cell(row, col[NOTE]).value = note
    wb.save(workbook)
    return str(ws.cell(row, col[FINDING_KEY]).value)


def fix_duplicate_enrollment(extracts: Path) -> int:
    """The fix made in Infinite Campus for DQ-01: export enrollments without the second copy.

    Returns how many duplicate lines were dropped.
    """
    path = Path(extracts) / "enrollments.csv"
    lines = pd.Series(path.read_text(encoding="utf-8").splitlines(keepends=True), dtype=object)
    dup = lines.duplicated()
    path.write_text("".join(lines.loc[~dup]), encoding="utf-8")
    return int(dup.sum())


def fall_run(params: Params) -> DistrictRun:
    """The same district's fall collections (Fall ANB, Fall Teacher-Class), always masked.

    ``params`` are the tour's (spring) parameters; the fall run reads the same extracts at the
    fall count date (:mod:`mtcollect_nb.season`). Nothing is written.
    """
    return analyze_district(with_overrides(params, "training tour", collection_season="fall"),
                            mask=True)


def rerun_example(base: Path | None = None) -> FinishedRun:
    """Day 1 and day 2 of a collection window, on a new demo district under ``base``.

    ``base`` defaults to a new temporary folder: never the tour's output folder, which must
    hold masked outputs only (the demo's extracts are unmasked synthetic data).

    Day 1: run, then the district notes the duplicate enrollment (DQ-01) and reviews a
    warning (ANB-02) in the workbook. It fixes the duplicate in IC and exports again. Day 2:
    rerun. Returns day 2, finished: its window holds the *Since last run* tables
    (``changed``, ``reviewed``, ``ready``) and ``runs()`` every run so far.
    """
    if base is None:
        base = Path(tempfile.mkdtemp(prefix="mtcollect-tour-"))
    params = load_params(write_demo(Path(base)))
    workbook = write_outputs(analyze_district(params))
    type_note(workbook, "DQ-01", "duplicate enrollment: removed in IC")
    type_note(workbook, "ANB-02", "checked with the school: counted correctly", reviewed="x")
    fix_duplicate_enrollment(Path(params.extracts_dir))
    day2 = finish(analyze_district(params))
    write_outputs(day2)
    return day2


#: The forecast edges table of the tour.
EDGE_COLUMNS: tuple[str, ...] = ("edge", "planted", "listed", "onCallList", "streakAsOf",
                                 "daysLeft", "fteAtRisk")


def forecast_example(params: Params) -> DistrictRun:
    """The demo district as of 2025-01-27, a week before its count date (masked, not written).

    ``params``: the demo's parameters (its run on the count date); only ``as_of`` changes.
    """
    january = params.model_copy(update={"as_of": FORECAST_AS_OF})
    return analyze_district(january, mask=True)


def forecast_line(run: DistrictRun) -> str:
    """The line ``mtcollect run --as-of`` prints for a forecast run (outputs.md).

    Example:
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> from mtcollect_nb.testing import make_analysis, params
        >>> forecast_line(run_from_analysis(make_analysis(params(as_of="2025-01-24"))))
        'call list: 0 students, 0.00 FTE (0.00 ANB) at risk by 2025-02-03'
    """
    a = run.analysis
    units = a.at_risk_by_unit
    return call_list_line(len(a.call_list), float(units["fteAtRisk"].sum()),
                          float(units["anbAtRisk"].sum()), run.params.count_date.isoformat())


def forecast_edges(run: DistrictRun, seed: int = 1) -> pd.DataFrame:
    """Each planted edge of the rule, whether it should be listed and whether it is.

    Matched by enrollmentID (not masked), so the table shows no student: columns
    :data:`EDGE_COLUMNS`; ``onCallList`` is what this run's call list says.
    """
    edges = forecast_cases(seed=seed)
    calls = run.analysis.call_list.set_index("enrollmentID")
    st = run.analysis.streaks_as_of.drop_duplicates("enrollmentID").set_index("enrollmentID")
    eid = edges["enrollmentID"]
    return edges.assign(
        onCallList=eid.isin(calls.index),
        streakAsOf=eid.map(st["streakAsOf"]).astype("Int64"),
        daysLeft=eid.map(st["daysLeft"]).astype("Int64"),
        fteAtRisk=eid.map(calls["fteAtRisk"]),
    )[list(EDGE_COLUMNS)]


def edge_person(run: DistrictRun, edge: str, seed: int = 1) -> int | None:
    """The personID (a pseudonym in a masked run) of one planted edge's student."""
    edges = forecast_cases(seed=seed).set_index("edge")
    if edge not in edges.index:
        return None
    e = run.analysis.enrollments
    hit = e.loc[e["enrollmentID"] == int(edges.at[edge, "enrollmentID"]), PERSON_ID]
    return int(hit.iloc[0]) if len(hit) else None

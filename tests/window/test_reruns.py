"""Two runs of a synthetic district: notes typed in the workbook, one problem fixed, one added."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.styles import Font, PatternFill

from mtcollect_nb.columns import (
    FINDINGS_SHEET_COLUMNS,
    READY_COLUMNS,
    RECONCILE_COLUMNS,
    SINCE_COUNT_COLUMNS,
    SINCE_FINDINGS_COLUMNS,
)
from mtcollect_nb.explore.tour import fix_duplicate_enrollment
from mtcollect_nb.params import load_params
from mtcollect_nb.report import summary
from mtcollect_nb.report.pipeline import analyze_district, finish, write_outputs
from mtcollect_nb.report.sheets import school_named
from mtcollect_nb.report.workbook import SINCE_SHEET
from mtcollect_nb.synthetic.write import write_demo
from mtcollect_nb.window import history
from mtcollect_nb.window.certify import certify_collection

pytestmark = pytest.mark.slow

FIRST_RUN = dt.datetime(2025, 2, 4, 8, 0, 0)
NEW_BAD_DATE = "2025-02-31"


def rows(ws) -> list[list[object]]:
    return [[c.value for c in r] for r in ws.iter_rows()]


def findings_of(path: Path) -> pd.DataFrame:
    f = pd.read_excel(path, sheet_name="Findings", dtype=object)
    return f.where(f.notna(), "")


def type_notes(path: Path, notes: dict[str, tuple[object, str]]) -> None:
    """What a district does in Excel: fill reviewed/note, colour the rows, save."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Findings"]
    head = [c.value for c in ws[1]]
    key_col, rev_col, note_col = (head.index(c) + 1 for c in ("findingKey", "reviewed", "note"))
    for r in range(2, ws.max_row + 1):
        rule = ws.cell(r, 1).value
        if rule in notes:
            reviewed, note = notes.pop(rule)
            ws.cell(r, rev_col).value = reviewed
            ws.cell(r, note_col).value = note
            ws.cell(r, note_col).font = Font(bold=True, color="FF0000")
            ws.cell(r, key_col).fill = PatternFill("solid", fgColor="FFFF00")
    ws.column_dimensions["U"].width = 80
    wb.save(path)
    assert not notes, f"rules not found in the workbook: {sorted(notes)}"


def fix_and_break(extracts: Path) -> None:
    """Fix DQ-01 (drop the duplicated enrollment line), add a DQ-03 (a 31 February)."""
    assert fix_duplicate_enrollment(extracts) == 1
    att = extracts / "attendance.csv"
    first = att.read_text(encoding="utf-8").splitlines()[1].split(",")
    first[2] = NEW_BAD_DATE
    with att.open("a", encoding="utf-8") as fh:
        fh.write(",".join(first) + "\n")


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    base = tmp_path_factory.mktemp("reruns")
    params = load_params(write_demo(base))
    run1 = analyze_district(params)
    run1.started = FIRST_RUN
    book = write_outputs(run1)
    first = findings_of(book)
    type_notes(book, {"ANB-02": ("x", "checked with the school secretary"),
                      "ANB-01": ("yes", "=SUM(A1:A9) parent called"),
                      "DQ-01": ("", "duplicate removed in IC")})
    fix_and_break(Path(params.extracts_dir))
    run2 = analyze_district(params)
    book2 = write_outputs(run2)
    return {"params": params, "first": first, "book": book2, "run2": run2,
            "out": Path(params.output_dir)}


def test_findings_sheet_has_the_rerun_columns(two_runs: dict) -> None:
    wb = openpyxl.load_workbook(two_runs["book"])
    assert tuple(rows(wb["Findings"])[0]) == school_named(FINDINGS_SHEET_COLUMNS)
    f = findings_of(two_runs["book"])
    assert f["findingKey"].is_unique and (f["findingKey"] != "").all()
    assert set(f["status"]) <= {"new", "open", "reviewed"}


def test_first_run_everything_is_new(two_runs: dict) -> None:
    first = two_runs["first"]
    assert set(first["status"]) == {"new"}
    assert set(pd.to_datetime(first["firstSeen"]).dt.date) == {FIRST_RUN.date()}


def test_notes_and_reviewed_carried_forward(two_runs: dict) -> None:
    f = findings_of(two_runs["book"]).set_index("ruleId")
    assert f.at["ANB-02", "reviewed"] == "x"
    assert f.at["ANB-02", "note"] == "checked with the school secretary"
    assert f.at["ANB-02", "status"] == "reviewed"  # a reviewed warning counts as reviewed
    anb01 = f.loc[["ANB-01"]]
    carried = anb01.loc[anb01["note"] != ""]
    assert carried["note"].tolist() == ["=SUM(A1:A9) parent called"]
    assert carried["status"].tolist() == ["open"]  # a reviewed error is still an error
    old = f.drop(index="DQ-03", errors="ignore")
    assert set(pd.to_datetime(old["firstSeen"]).dt.date) == {FIRST_RUN.date()}


def test_note_is_text_never_a_formula(two_runs: dict) -> None:
    wb = openpyxl.load_workbook(two_runs["book"])
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate)
                if c.value == "=SUM(A1:A9) parent called":
                    assert c.data_type == "s"


def test_fixed_and_new_findings(two_runs: dict) -> None:
    f = findings_of(two_runs["book"])
    assert "DQ-01" in set(two_runs["first"]["ruleId"]) and "DQ-01" not in set(f["ruleId"])
    dq3 = f.loc[f["ruleId"] == "DQ-03"]
    assert sorted(dq3["status"]) == ["new", "open"]
    assert dq3.loc[dq3["status"] == "new", "value"].tolist() == [NEW_BAD_DATE]
    assert (f.loc[f["ruleId"] != "DQ-03", "status"] != "new").all()


def _since_blocks(path: Path) -> dict[str, pd.DataFrame]:
    grid = rows(openpyxl.load_workbook(path)[SINCE_SHEET])
    titles = {summary.SINCE_COUNTS_BLOCK: SINCE_COUNT_COLUMNS,
              summary.SINCE_FINDINGS_BLOCK: SINCE_FINDINGS_COLUMNS}
    out = {}
    for i, r in enumerate(grid):
        if r[0] in titles:
            cols = titles[r[0]]
            assert tuple(grid[i + 1][:len(cols)]) == cols
            body = []
            for rr in grid[i + 2:]:
                if rr[0] is None:
                    break
                body.append(rr[:len(cols)])
            out[r[0]] = pd.DataFrame(body, columns=list(cols))
    out["info"] = pd.DataFrame([r[:2] for r in grid[1:7]], columns=["item", "value"])
    return out


def test_since_last_run_sheet(two_runs: dict) -> None:
    blocks = _since_blocks(two_runs["book"])
    f = blocks[summary.SINCE_FINDINGS_BLOCK]
    fixed = f.loc[f["change"] == "fixed"]
    assert fixed["ruleId"].tolist() == ["DQ-01"]
    assert fixed["note"].tolist() == ["duplicate removed in IC"]
    new = f.loc[f["change"] == "new"]
    assert new["ruleId"].tolist() == ["DQ-03"] and new["value"].tolist() == [NEW_BAD_DATE]
    still = f.loc[f["change"] == "still open"]
    assert len(still) == len(findings_of(two_runs["book"])) - 1
    counts = blocks[summary.SINCE_COUNTS_BLOCK]
    assert counts["budgetUnit"].tolist() == ["Elementary", "High School"]
    assert counts["springCountReportedPrevious"].notna().all()
    info = dict(blocks["info"].to_numpy().tolist())
    assert info["Previous run"] == "2025-02-04 08:00:00"
    assert info["Findings fixed since the previous run"] == "1"
    assert info["New findings"] == "1"


def test_summary_says_ready_per_collection(two_runs: dict) -> None:
    grid = rows(openpyxl.load_workbook(two_runs["book"])["Summary"])
    at = [r[0] for r in grid].index(summary.READY_BLOCK)
    assert tuple(grid[at + 1][:len(READY_COLUMNS)]) == READY_COLUMNS
    per = {r[0]: r for r in grid[at + 2:at + 4]}
    assert set(per) == {"Spring ANB", "Spring Teacher-Class"}
    assert per["Spring ANB"][4] == "No" and per["Spring ANB"][5].startswith("Not ready: ")
    s = json.loads((two_runs["out"] / "summary.json").read_text())
    assert s["ready"] is False
    anb = s["certify"]["Spring ANB"]
    assert anb["errorsOpen"] == per["Spring ANB"][1] and anb["verdict"] == per["Spring ANB"][5]
    f = findings_of(two_runs["book"])
    # data-quality findings count for the collection of their file (report/certify.py)
    warn = f.loc[(f["severity"] == "warning") & (certify_collection(f) == "Spring ANB")]
    assert anb["warningsNotReviewed"] == int((warn["status"] != "reviewed").sum())
    assert s["reruns"]["fixed"] == 1 and s["reruns"]["new"] == 1
    assert s["reruns"]["previousRun"] == FIRST_RUN.isoformat()


def test_reconcile_sheet_and_rec01(two_runs: dict) -> None:
    wb = openpyxl.load_workbook(two_runs["book"])
    assert wb.sheetnames[-2:] == ["Reconcile", SINCE_SHEET]
    grid = rows(wb["Reconcile"])
    header = school_named(RECONCILE_COLUMNS)  # schoolName next to schoolNumber
    assert tuple(grid[0]) == header
    row = dict(zip(header, grid[1], strict=True))
    assert row["icCount"] == 2 and row["icMinusReported"] == 2  # IC 2 where the extract has none
    assert "REC-01" in set(findings_of(two_runs["book"])["ruleId"])


def test_history_one_file_per_run(two_runs: dict) -> None:
    files = sorted((two_runs["out"] / "history").glob("run-*.json"))
    assert len(files) == 2
    records = history.load_records(two_runs["out"])
    runs = history.runs_table(records)
    assert runs["started"].tolist()[0] == pd.Timestamp(FIRST_RUN)
    assert runs["fixed"].tolist() == [0, 1] and runs["new"].tolist()[1] == 1
    since = pd.DataFrame(records[-1]["since"]["findings"])
    assert since.loc[since["change"] == "fixed", "note"].tolist() == ["duplicate removed in IC"]
    assert sorted(since.loc[since["change"] != "still open", "change"]) == ["fixed", "new"]
    assert [r["collection"] for r in records[-1]["ready"]] == ["Spring ANB",
                                                               "Spring Teacher-Class"]
    assert sum(p.stat().st_size for p in files) < 200_000


def test_a_third_run_reads_both_earlier_runs(two_runs: dict) -> None:
    done = finish(two_runs["run2"])
    assert len(done.window.records) == 2
    assert done.window.previous_run["started"] == two_runs["run2"].started.isoformat()
    assert done.runs()["fixed"].tolist() == [0, 1, 0]

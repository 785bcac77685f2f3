"""Before the count date, as the district sees it: the Call list and Attendance sheets, the
Summary's FTE/ANB at risk and rules not run, notes carried across reruns, masking, the line.

Count date Monday 2025-02-03. As of Friday 2025-01-24 six instructional days are left.
"""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from mtcollect_nb.checks.run import run_from_analysis
from mtcollect_nb.cli import report_outputs
from mtcollect_nb.columns import (
    ATTENDANCE_COLUMNS,
    CALL_LIST_SHEET_COLUMNS,
)
from mtcollect_nb.outputs import SUMMARY_JSON, read_summary
from mtcollect_nb.report import summary as ws_sum
from mtcollect_nb.report.pipeline import key_and_mask
from mtcollect_nb.report.sheets import school_named
from mtcollect_nb.report.workbook import write_tables, write_workbook
from mtcollect_nb.testing import absences, enrollment, make_analysis, params, student, weekdays
from mtcollect_nb.window.finished import finish

pytestmark = pytest.mark.slow

REAL_IDS = ("600000001", "600000002", "600000003")


def _run(out: Path, as_of: str | None = "2025-01-24", mask: bool = False,
         back: tuple[int, ...] = ()):
    """Three students: 1 absent 5 days (5 + 6 = 11: listed), 2 absent 4 days (10: not),
    3 absent 10 days (listed after 1: 5 spare days). ``back``: students present on the
    days after Jan 24 (a rerun as of Jan 27 with one more day known)."""
    att = (absences(1, weekdays("2025-01-20", "2025-01-24")) + absences(2, weekdays("2025-01-21",
                                                                         "2025-01-24"))
           + absences(3, weekdays("2025-01-13", "2025-01-24")))
    if as_of == "2025-01-27":
        att += [r for p in (1, 2, 3) if p not in back for r in absences(p, ["2025-01-27"])]
    students = [student(p, stateID=REAL_IDS[p - 1], lastName=f"Zyx{p}name") for p in (1, 2, 3)]
    p = params(as_of=as_of or None, mask_pii=mask, output_dir=str(out))
    a = make_analysis(p, students=students,
                      enrollments=[enrollment(10 + p, p) for p in (1, 2, 3)], attendance=att)
    return finish(key_and_mask(run_from_analysis(a)), out)


def _book(out: Path, **kw) -> openpyxl.Workbook:
    done = _run(out, **kw)
    path = write_workbook(done, out / "findings.xlsx")
    return openpyxl.load_workbook(path)


def _rows(ws) -> list[dict[str, object]]:
    values = [[c.value for c in row] for row in ws.iter_rows()]
    return [dict(zip(values[0], r, strict=True)) for r in values[1:]]


def _summary_titles(ws) -> list[str]:
    return [str(r[0].value) for r in ws.iter_rows() if r[0].value is not None]


# ---- the Call list sheet -------------------------------------------------------------------
def test_call_list_sheet_lists_who_is_at_risk_fewest_spare_days_first(tmp_path: Path) -> None:
    book = _book(tmp_path)
    names = book.sheetnames
    assert names.index("Rejected rows") < names.index("Call list") < names.index("Attendance")
    ws = book["Call list"]
    assert tuple(c.value for c in ws[1]) == CALL_LIST_SHEET_COLUMNS
    rows = _rows(ws)
    # spare days: 6 - (11 - 5) = 0 before 6 - (11 - 10) = 5; student 2 (4 + 6 = 10) is not
    assert [r["enrollmentID"] for r in rows] == ["11", "13"]
    assert [r["streakAsOf"] for r in rows] == [5, 10]
    assert [r["daysLeft"] for r in rows] == [6, 6]
    assert [r["fteAtRisk"] for r in rows] == [1.0, 1.0]
    assert all(r["reviewed"] is None and r["note"] is None for r in rows)
    assert all(str(r["callKey"]).startswith("CALL:") for r in rows)
    assert ws.freeze_panes == "A2" and ws.auto_filter.ref.startswith("A1:")


def test_normal_run_has_no_call_list_and_no_at_risk_block(tmp_path: Path) -> None:
    book = _book(tmp_path, as_of=None)
    assert "Call list" not in book.sheetnames and "Attendance" in book.sheetnames
    assert ws_sum.AT_RISK_BLOCK not in _summary_titles(book["Summary"])


def test_attendance_sheet_rates_are_formatted_as_percent(tmp_path: Path) -> None:
    done = _run(tmp_path)
    book = openpyxl.load_workbook(write_workbook(done, tmp_path / "findings.xlsx"))
    ws = book["Attendance"]
    assert tuple(c.value for c in ws[1]) == school_named(ATTENDANCE_COLUMNS)
    rows = _rows(ws)
    table = done.run.analysis.attendance_table
    assert len(rows) == len(table) >= 1
    assert rows[0]["students"] == 3
    at = list(school_named(ATTENDANCE_COLUMNS)).index("chronicAbsenceRate") + 1
    cell = ws.cell(row=2, column=at)
    assert cell.value == pytest.approx(float(table["chronicAbsenceRate"].iloc[0]))
    assert cell.number_format == "0.0%"


def test_summary_gives_fte_and_anb_at_risk_and_the_rules_not_run(tmp_path: Path) -> None:
    ws = _book(tmp_path)["Summary"]
    titles = _summary_titles(ws)
    assert ws_sum.AT_RISK_BLOCK in titles
    values = [[c.value for c in r] for r in ws.iter_rows()]
    start = next(i for i, r in enumerate(values) if r[0] == ws_sum.AT_RISK_BLOCK)
    total = next(r for r in values[start:] if r[0] == "Total")
    assert total[1:3] == [2.0, 1.0]  # pir_days 0: 2.0 / 2 x 180 / 180
    not_run = {r[0]: r[1] for r in values if r[0] in ("ANB-01", "ANB-02", "ANB-03")}
    assert set(not_run) == {"ANB-01", "ANB-02", "ANB-03"}
    assert all(str(v).startswith("count date not reached") for v in not_run.values())
    assert ["As of (forecast)", "2025-01-24 (attendance known to this day)"] in [
        r[:2] for r in values]


# ---- notes carried across reruns -----------------------------------------------------------
def _type_note(path: Path, enrollment_id: str, note: str) -> None:
    """What a district does in Excel: a note on a row, and the rows sorted another way."""
    book = openpyxl.load_workbook(path)
    ws = book["Call list"]
    head = [c.value for c in ws[1]]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    rows.reverse()
    for i, r in enumerate(rows, start=2):
        if r[head.index("enrollmentID")] == enrollment_id:
            r[head.index("reviewed")], r[head.index("note")] = "x", note
        for j, v in enumerate(r, start=1):
            ws.cell(row=i, column=j, value=v)
    book.save(path)


def test_a_call_note_survives_tomorrows_run(tmp_path: Path) -> None:
    write_workbook(_run(tmp_path), tmp_path / "findings.xlsx")
    _type_note(tmp_path / "findings.xlsx", "11", "called the family on 1/22")
    # tomorrow: one more day known; student 3 came back (off the list), student 1 did not
    book = _book(tmp_path, as_of="2025-01-27", back=(3,))
    rows = {r["enrollmentID"]: r for r in _rows(book["Call list"])}
    assert set(rows) == {"11"}
    assert rows["11"]["note"] == "called the family on 1/22"
    assert rows["11"]["reviewed"] == "x"
    assert rows["11"]["streakAsOf"] == 6


def test_a_note_stays_with_its_enrollment_not_its_row(tmp_path: Path) -> None:
    write_workbook(_run(tmp_path), tmp_path / "findings.xlsx")
    _type_note(tmp_path / "findings.xlsx", "13", "=HYPERLINK(\"x\") left a message")
    book = _book(tmp_path, as_of="2025-01-27")
    rows = {r["enrollmentID"]: r for r in _rows(book["Call list"])}
    assert rows["13"]["note"] == "=HYPERLINK(\"x\") left a message"  # text, not a formula
    assert rows["11"]["note"] is None and rows["11"]["reviewed"] is None


# ---- masking -------------------------------------------------------------------------------
def _texts(book: openpyxl.Workbook, sheet: str) -> set[str]:
    return {str(v) for row in book[sheet].iter_rows(values_only=True) for v in row if v}


def test_masked_call_list_holds_no_real_id_or_name(tmp_path: Path) -> None:
    book = _book(tmp_path, mask=True)
    texts = _texts(book, "Call list")
    assert not texts & set(REAL_IDS)
    assert not any("Zyx" in t for t in texts)
    rows = _rows(book["Call list"])
    assert len(rows) == 2 and all(str(r["stateID"]).startswith("S-") for r in rows)


def test_the_call_list_scan_can_fail(tmp_path: Path) -> None:
    """Unmasked, the same scan finds the real IDs and names on the sheet."""
    texts = _texts(_book(tmp_path), "Call list")
    assert texts & set(REAL_IDS)
    assert any("Zyx" in t for t in texts)


def test_a_call_note_naming_the_student_is_masked_in_a_masked_rerun(tmp_path: Path) -> None:
    """A note is free text: in a masked run the real name and state ID typed in it are not
    shown (issue 24 item 3 for the call list), while the rest of the note is kept."""
    write_workbook(_run(tmp_path, mask=True), tmp_path / "findings.xlsx")
    _type_note(tmp_path / "findings.xlsx", "11", f"called Zyx1name ({REAL_IDS[0]}) mother")
    rows = {r["enrollmentID"]: r for r in _rows(_book(tmp_path, as_of="2025-01-27",
                                                      mask=True)["Call list"])}
    note = str(rows["11"]["note"])
    assert note.startswith("called ") and note.endswith(" mother")
    assert "Zyx1name" not in note and REAL_IDS[0] not in note


def test_the_twin_an_unmasked_rerun_keeps_the_note_as_typed(tmp_path: Path) -> None:
    write_workbook(_run(tmp_path), tmp_path / "findings.xlsx")
    _type_note(tmp_path / "findings.xlsx", "11", f"called Zyx1name ({REAL_IDS[0]}) mother")
    rows = {r["enrollmentID"]: r for r in _rows(_book(tmp_path, as_of="2025-01-27")["Call list"])}
    assert rows["11"]["note"] == f"called Zyx1name ({REAL_IDS[0]}) mother"


def test_call_keys_are_the_same_under_another_salt(monkeypatch) -> None:
    """Call notes survive another PC (issue 20 item 3): the key hides nothing (enrollmentID
    is on the sheet), so it is public; a finding's masked key, by contrast, follows the salt."""
    from mtcollect_nb.window import keys

    calls = pd.DataFrame({"enrollmentID": ["11", "13"]})
    seen = []
    for salt in ("0123456789abcdef", "fedcba9876543210"):  # two machines' salts
        monkeypatch.setattr(keys, "salt_key", lambda salt=salt: salt)
        seen.append(keys.call_keys(calls, "spring", 2025).tolist())
    assert seen[0] == seen[1]


# ---- the one line --------------------------------------------------------------------------
def test_the_run_prints_the_call_list_line(tmp_path: Path, capsys) -> None:
    write_tables(_run(tmp_path), tmp_path)
    data = json.loads((tmp_path / SUMMARY_JSON).read_text(encoding="utf-8"))
    assert data["forecast"]["callList"] == 2
    report_outputs(tmp_path / "district_validation.ipynb")
    out = capsys.readouterr().out
    assert "call list: 2 students, 2.00 FTE (1.00 ANB) at risk by 2025-02-03\n" in out


def test_a_normal_run_prints_no_call_list_line(tmp_path: Path, capsys) -> None:
    write_tables(_run(tmp_path, as_of=None), tmp_path)
    summary = read_summary(tmp_path)
    assert summary is not None and summary.forecast is None
    report_outputs(tmp_path / "district_validation.ipynb")
    assert "call list" not in capsys.readouterr().out


def test_the_batch_summary_carries_fte_and_anb_at_risk(tmp_path: Path) -> None:
    from mtcollect_nb.state.batch_io import summary_counts

    write_tables(_run(tmp_path / "f"), tmp_path / "f")
    write_tables(_run(tmp_path / "n", as_of=None), tmp_path / "n")
    got = summary_counts(tmp_path / "f")
    assert (got["asOf"], got["fteAtRisk"], got["anbAtRisk"]) == ("2025-01-24", 2.0, 1.0)
    got = summary_counts(tmp_path / "n")
    assert (got["asOf"], got["fteAtRisk"], got["anbAtRisk"]) == (None, None, None)


# ---- a January run of the demo, as a district runs it -------------------------------------
@pytest.mark.notebooks
def test_a_january_run_of_the_demo(tmp_path: Path) -> None:
    """``mtcollect run parameters-forecast.yaml``: the line, the report opening with the call
    list, the Call list sheet of the planted students (masked)."""
    import subprocess
    import sys

    from mtcollect_nb.synthetic.write import FORECAST_PARAMS, forecast_cases, write_demo

    params = write_demo(tmp_path).with_name(FORECAST_PARAMS)
    proc = subprocess.run([sys.executable, "-m", "mtcollect_nb.cli", "run", str(params),
                           "--timeout", "600"], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("call list: "))
    assert line.endswith("at risk by 2025-02-03")
    out = tmp_path / "output-forecast"
    page = (out / "district_validation.html").read_text(encoding="utf-8")
    assert page.index("Call list as of 2025-01-27") < page.index("Input accounting")
    book = openpyxl.load_workbook(out / "findings.xlsx", read_only=True)
    rows = _rows(book["Call list"])
    assert line.startswith(f"call list: {len(rows)} students, ")
    listed = {int(r["enrollmentID"]) for r in rows}
    edges = forecast_cases()
    assert set(edges.loc[edges["listed"], "enrollmentID"]) <= listed
    assert not set(edges.loc[~edges["listed"], "enrollmentID"]) & listed
    assert all(str(r["stateID"]).startswith("S-") and not r["studentName"] for r in rows)


def test_every_sheet_we_write_is_known_as_ours_to_the_next_run(tmp_path: Path) -> None:
    """A sheet of ours missing from window.previous.OUR_SHEETS would come back as the
    district's own sheet on the next run (a second Call list)."""
    from mtcollect_nb.window.previous import OUR_SHEETS

    write_workbook(_run(tmp_path), tmp_path / "findings.xlsx")
    book = _book(tmp_path, as_of="2025-01-27")
    assert {"Call list", "Attendance"} <= set(book.sheetnames)
    assert set(book.sheetnames) <= set(OUR_SHEETS)
    assert book.sheetnames.count("Call list") == 1

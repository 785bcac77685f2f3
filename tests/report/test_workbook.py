from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from mtcollect_nb.checks.engine import FINDINGS_FRAME_COLUMNS, RuleResults
from mtcollect_nb.checks.run import DistrictRun, run_from_analysis
from mtcollect_nb.columns import (
    ABSENCES_COLUMNS,
    ACCOUNTING_COLUMNS,
    ANB_COLUMNS,
    BUDGET_UNIT_COLUMNS,
    CTE_COLUMNS,
    FINDINGS_COLUMNS,
    FINDINGS_SHEET_COLUMNS,
    REJECTED_COLUMNS,
)
from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.report import layout, workbook
from mtcollect_nb.report.pipeline import key_and_mask
from mtcollect_nb.report.sheets import school_named
from mtcollect_nb.testing import enrollment, make_analysis, params, student
from mtcollect_nb.window.finished import FinishedRun, finish

pytestmark = pytest.mark.slow

SHEETS = ["Summary", "Findings", "ANB", "Absences", "CTE", "Rejected rows", "Attendance",
          "Since last run"]
# the sheets' headers: the columns with schoolName next to schoolNumber
FINDINGS_SHEET, ANB_SHEET, ABSENCES_SHEET, CTE_SHEET = map(
    school_named, (FINDINGS_SHEET_COLUMNS, ANB_COLUMNS, ABSENCES_COLUMNS, CTE_COLUMNS))
DANGEROUS = ["=1+1", "+SUM(A1:A2)", "-2", "@cmd", "http://example.com/x", "=HYPERLINK(\"x\")"]


def finding(**kw: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(FINDINGS_COLUMNS, "")
    row.update(ruleId="ANB-01", severity="error", collection="Spring ANB", message="m",
               remedy="r", personID=pd.NA)
    row.update(kw)
    return row


def findings_frame(rows: list[dict[str, object]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(FINDINGS_FRAME_COLUMNS))
    df["personID"] = pd.array(df["personID"], dtype="Int64")
    return df


def anb_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "schoolNumber": ["0123", "0123"], "grade": ["06", "10"],
        "budgetUnit": ["Elementary", "High School"], "enrolled": [3, 2],
        "excludedReported": [0, 1], "excludedValidated": [1, 1],
        "springCountReported": [3.0, 1.5], "springCountValidated": [2.0, 1.5],
        "difference": [-1.0, 0.0], "fallCount": [3.0, 2.0]})


def budget_frame() -> pd.DataFrame:
    return pd.DataFrame({"budgetUnit": ["Elementary", "High School"], "fallCount": [3.0, 2.0],
                         "springCountReported": [3.0, 1.5], "springCountValidated": [2.0, 1.5],
                         "anbReported": [3.0, 1.75], "anbValidated": [2.5, 1.75]})


def absences_frame() -> pd.DataFrame:
    return pd.DataFrame({
        "schoolNumber": ["0123"], "stateID": ["012345678"], "studentName": ["Last1, First1"],
        "grade": ["06"], "enrollmentID": [10], "streak": [12],
        "streakStart": pd.to_datetime(["2025-01-16"]), "mtSpringAbsent": pd.array([12], "Int64"),
        "mtExcludeSpringANB": [False], "excludeComputed": [True]})


def make_run(n_findings: int = 3, mask: bool = False, **tables: list[dict]) -> DistrictRun:
    tables.setdefault("students", [student(1, stateID="012345678"), student(2)])
    tables.setdefault("enrollments", [enrollment(10, 1), enrollment(11, 2, grade="10")])
    tables.setdefault("schools", [
        {"schoolID": 1, "districtNumber": "0001", "schoolNumber": "0001", "name": "Test School"},
        {"schoolID": 2, "districtNumber": "0001", "schoolNumber": "0123",
         "name": "Lincoln Elementary"}])
    a = make_analysis(params(mask_pii=mask), **tables)
    run = run_from_analysis(a)
    rows = [finding(ruleId="ANB-01", schoolNumber="0123", stateID="012345678",
                    studentName="Last1, First1", enrollmentID="10", value=DANGEROUS[0],
                    expected=DANGEROUS[1], message=DANGEROUS[5], personID=1)]
    rows += [finding(ruleId="PHO-01", severity="warning", collection="Other reminders",
                     schoolNumber="0123", stateID=f"90000000{i}", value=DANGEROUS[i % 6],
                     message=DANGEROUS[(i + 2) % 6]) for i in range(1, n_findings)]
    not_run = pd.DataFrame([("GFT-01", "optional file not provided: gifted.csv")],
                           columns=["ruleId", "reason"])
    run.results = RuleResults(findings_frame(rows), not_run, ("ANB-01", "ANB-02", "PHO-01"))
    a.__dict__.update(anb_table=anb_frame(), budget_units=budget_frame(),
                      absences_table=absences_frame())
    a.bundle.rejected = pd.DataFrame({
        "file": ["students.csv"], "line": [7], "column": ["birthdate"],
        "value": ["=cmd|' /C calc'!A0"], "reason": ["bad date"], "ruleId": ["DQ-03"]})
    return run


def finished(run: DistrictRun, out: Path) -> FinishedRun:
    """The run as the pipeline hands it to the writers: keyed, masked when asked, finished."""
    return finish(key_and_mask(run), out)


def write_book(run: DistrictRun, path: Path) -> Path:
    return workbook.write_workbook(finished(run, path.parent), path)


def cells(ws) -> list[list[object]]:
    return [[c.value for c in row] for row in ws.iter_rows()]


@pytest.fixture
def book(tmp_path: Path) -> openpyxl.Workbook:
    path = write_book(make_run(), tmp_path / "findings.xlsx")
    return openpyxl.load_workbook(path)


def test_sheets_in_order_with_exact_headers(book: openpyxl.Workbook) -> None:
    assert book.sheetnames == SHEETS
    for name, cols in [("Findings", FINDINGS_SHEET), ("ANB", ANB_SHEET),
                       ("Absences", ABSENCES_SHEET), ("CTE", CTE_SHEET),
                       ("Rejected rows", REJECTED_COLUMNS)]:
        assert tuple(cells(book[name])[0]) == cols, name
    assert "personID" not in cells(book["Findings"])[0]


def test_every_sheet_frozen_and_data_sheets_filtered(book: openpyxl.Workbook) -> None:
    for ws in book.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        if ws.title not in ("Summary", "Since last run"):
            assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), ws.title
    assert book["Findings"].auto_filter.ref == "A1:V4"
    assert book["Summary"].auto_filter.ref is None  # its blocks are not one table


def test_text_stays_text_never_formula(book: openpyxl.Workbook) -> None:
    seen = set()
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)
                if c.value in DANGEROUS or c.value == "=cmd|' /C calc'!A0":
                    assert c.data_type == "s"
                    seen.add(c.value)
    assert seen == {*DANGEROUS, "=cmd|' /C calc'!A0"}
    f = cells(book["Findings"])
    assert f[1][FINDINGS_SHEET.index("schoolNumber")] == "0123"
    assert f[1][FINDINGS_SHEET.index("stateID")] == "012345678"
    assert f[1][FINDINGS_SHEET.index("enrollmentID")] == "10"
    assert book["Findings"].cell(2, 1).hyperlink is None


def test_types_numbers_dates_ids(book: openpyxl.Workbook) -> None:
    anb = cells(book["ANB"])
    assert anb[1][:4] == ["0123", "Lincoln Elementary", "06", "Elementary"]
    assert anb[1][ANB_SHEET.index("springCountReported")] == 3.0
    ab = book["Absences"]
    assert ab.cell(2, ABSENCES_SHEET.index("enrollmentID") + 1).value == "10"
    start = ab.cell(2, ABSENCES_SHEET.index("streakStart") + 1)
    assert start.is_date and start.value.date().isoformat() == "2025-01-16"
    assert ab.cell(2, ABSENCES_SHEET.index("excludeComputed") + 1).value == "Yes"
    rej = cells(book["Rejected rows"])
    assert rej[1] == ["students.csv", 7, "birthdate", "=cmd|' /C calc'!A0", "bad date"]


def test_findings_rows_and_severity_colours(book: openpyxl.Workbook) -> None:
    f = cells(book["Findings"])
    assert len(f) == 4
    assert [r[0] for r in f[1:]] == ["ANB-01", "PHO-01", "PHO-01"]
    rules = [r.formula[0] for cf in book["Findings"].conditional_formatting for r in cf.rules]
    assert sorted(rules) == ['"error"', '"info"', '"warning"']


def test_summary_contents(book: openpyxl.Workbook) -> None:
    s = cells(book["Summary"])
    flat = [v for row in s for v in row if v is not None]
    assert s[0][:2] == ["item", "value"]
    assert ["District number", "0001"] == s[1][:2]
    for text in ("Test District", "2025-02-03", "2024-10-07", "GFT-01",
                 "optional file not provided: gifted.csv", *ACCOUNTING_COLUMNS,
                 *BUDGET_UNIT_COLUMNS):
        assert text in flat, text
    by_rule = {row[0]: row for row in s if row[0] in ("ANB-01", "ANB-02", "PHO-01")}
    assert by_rule["ANB-01"][4] == 1 and by_rule["ANB-02"][4] == 0 and by_rule["PHO-01"][4] == 2
    unit = next(row for row in s if row[0] == "Elementary" and row[1] == 3.0)
    assert unit[:6] == ["Elementary", 3.0, 3.0, 2.0, 3.0, 2.5]
    total = next(row for row in s if row[0] == "Total")
    assert total[1] == total[2] + total[3]


def test_summary_has_native_charts(tmp_path: Path) -> None:
    path = write_book(make_run(), tmp_path / "findings.xlsx")
    names = zipfile.ZipFile(path).namelist()
    assert sum(n.startswith("xl/charts/chart") for n in names) == 2


def test_atomic_crash_keeps_previous(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_book(make_run(), tmp_path / "findings.xlsx")
    before = path.read_bytes()
    real = workbook._write_sheet
    calls = []

    def boom(*args: object, **kw: object) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")
        real(*args, **kw)

    monkeypatch.setattr(workbook, "_write_sheet", boom)
    with pytest.raises(RuntimeError, match="disk on fire"):
        write_book(make_run(n_findings=5), path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["findings.xlsx"]


def test_locked_target_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def locked(*a: object) -> None:
        raise PermissionError(13, "Permission denied")

    from mtcollect_nb import files

    monkeypatch.setattr(files.os, "replace", locked)
    with pytest.raises(MtcollectError, match="findings.xlsx: cannot replace it.*close it"):
        write_book(make_run(), tmp_path / "findings.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_crash_on_first_write_leaves_nothing(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbook, "_write_summary", lambda *a: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        write_book(make_run(), tmp_path / "findings.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_long_sheet_continues_never_truncates(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(workbook, "MAX_DATA_ROWS", 2)
    book = openpyxl.load_workbook(
        write_book(make_run(n_findings=5), tmp_path / "f.xlsx"))
    assert book.sheetnames == ["Summary", "Findings", "Findings (2)", "Findings (3)", "ANB",
                               "Absences", "CTE", "Rejected rows", "Attendance", "Since last run"]
    parts = [cells(book[n]) for n in ("Findings", "Findings (2)", "Findings (3)")]
    assert [len(p) - 1 for p in parts] == [2, 2, 1]
    assert all(tuple(p[0]) == FINDINGS_SHEET for p in parts)
    ids = [r[FINDINGS_SHEET.index("stateID")] for p in parts for r in p[1:]]
    assert ids == ["012345678", *(f"90000000{i}" for i in range(1, 5))]
    for n in ("Findings (2)", "Findings (3)"):
        assert book[n].freeze_panes == "A2" and book[n].auto_filter.ref
    flat = [v for row in cells(book["Summary"]) for v in row]
    assert "Findings (2)" in flat and "Findings (3)" in flat
    assert "ANB (2)" not in flat  # 2 rows fit


def test_cte_headers_only_without_teacher_class_files(book: openpyxl.Workbook) -> None:
    assert cells(book["CTE"]) == [list(CTE_SHEET)]


def test_cte_sheet_from_cte_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mtcollect_nb.report import sheets

    row = dict.fromkeys(CTE_COLUMNS, "")
    row.update(schoolNumber="0123", sectionID=55, minutesPerDay=50, teacherOfRecord="@Lee",
               findings="CTE-03")
    monkeypatch.setattr(sheets, "cte_sheet",
                        lambda run: pd.DataFrame([row], columns=list(CTE_COLUMNS)))
    run = make_run(courses=[], sections=[], section_staff=[], rosters=[])
    book = openpyxl.load_workbook(write_book(run, tmp_path / "f.xlsx"))
    data = cells(book["CTE"])[1]
    assert data[CTE_SHEET.index("sectionID")] == "55"
    assert data[CTE_SHEET.index("minutesPerDay")] == 50
    assert data[CTE_SHEET.index("teacherOfRecord")] == "@Lee"


def test_missing_column_is_a_clear_error(tmp_path: Path) -> None:
    run = make_run()
    run.analysis.__dict__["anb_table"] = anb_frame().drop(columns="fallCount")
    with pytest.raises(MtcollectError, match="'ANB' lacks column.*fallCount"):
        write_book(run, tmp_path / "f.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_empty_run_writes_headers(tmp_path: Path) -> None:
    run = make_run()
    run.results = RuleResults(findings_frame([]), pd.DataFrame(columns=["ruleId", "reason"]), ())
    run.analysis.__dict__.update(anb_table=anb_frame().iloc[:0],
                                 absences_table=absences_frame().iloc[:0])
    book = openpyxl.load_workbook(write_book(run, tmp_path / "f.xlsx"))
    assert cells(book["Findings"]) == [list(FINDINGS_SHEET)]
    assert book["Findings"].auto_filter.ref == "A1:V1"


def test_write_tables(tmp_path: Path) -> None:
    out = workbook.write_tables(finished(make_run(), tmp_path / "out"), tmp_path / "out")
    assert {p.name for p in out.values()} == {"findings.parquet", "anb.parquet",
                                              "budget_units.parquet", "summary.json"}
    f = pd.read_parquet(out["findings"])
    assert tuple(f.columns) == FINDINGS_SHEET_COLUMNS and len(f) == 3
    assert f["schoolNumber"].tolist() == ["0123"] * 3
    assert tuple(pd.read_parquet(out["anb"]).columns) == ANB_COLUMNS
    bu = pd.read_parquet(out["budget_units"])
    assert bu["anbValidated"].tolist() == [2.5, 1.75]
    s = json.loads(out["summary"].read_text())
    assert s["status"] == {"errors": 1, "warnings": 2, "info": 0}
    assert (s["springCountReported"], s["springCountValidated"]) == (4.5, 3.5)
    assert s["budgetUnits"]["High School"]["springCountValidated"] == 1.5
    assert s["district_number"] == "0001"
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(
        p.name for p in out.values())


def test_free_text_wraps_at_fixed_widths(book: openpyxl.Workbook) -> None:
    ws = book["Findings"]
    for col in ("message", "remedy", "value", "expected"):
        letter = openpyxl.utils.get_column_letter(FINDINGS_SHEET.index(col) + 1)
        assert ws[f"{letter}2"].alignment.wrap_text, col
        assert ws.column_dimensions[letter].width == pytest.approx(
            layout.WRAP_WIDTHS[col], abs=1), col
    rule = openpyxl.utils.get_column_letter(FINDINGS_SHEET.index("ruleId") + 1)
    assert not ws[f"{rule}2"].alignment.wrap_text
    assert ws["A1"].alignment.wrap_text  # long headers wrap instead of widening a column
    reason = openpyxl.utils.get_column_letter(REJECTED_COLUMNS.index("reason") + 1)
    assert book["Rejected rows"][f"{reason}2"].alignment.wrap_text


def test_widths_fit_values_up_to_a_cap() -> None:
    assert layout.column_width("stateID", 9) == (11, False)
    assert layout.column_width("rosterCountOnCountDate", 2) == (layout.HEADER_WIDTH + 2, False)
    assert layout.column_width("courseNumber", 80) == (layout.MAX_WIDTH, True)
    assert layout.column_width("message", 3) == (layout.WRAP_WIDTHS["message"], True)


def test_every_sheet_prints_landscape_one_page_wide_with_titles_and_footer(
        book: openpyxl.Workbook) -> None:
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        if ws.page_setup.scale is None:  # one page wide (the Findings sheet, too wide for
            # that at 8 pt, prints at 73 % across pages: test_workbook_readable.py)
            # fitToWidth is left out of the XML when it is 1 (its default in the file format)
            assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0
            assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        footer = ws.oddFooter
        assert footer.left.text == "District 0001 Test District", ws.title
        assert footer.right.text == "Page &P of &N" and footer.center.text == "&A", ws.title
        if ws.title not in ("Summary", "Since last run"):  # blocks, not one table
            assert ws.print_title_rows == "$1:$1", ws.title


def test_footer_escapes_ampersand() -> None:
    assert layout.footer_text("0123", "Hays & Lodge Pole").startswith(
        "&LDistrict 0123 Hays && Lodge Pole&C")


def test_school_name_next_to_school_number_on_every_sheet(book: openpyxl.Workbook) -> None:
    for name in ("Findings", "ANB", "Absences", "CTE"):
        header = cells(book[name])[0]
        assert header[header.index("schoolNumber") + 1] == "schoolName", name
    f = cells(book["Findings"])
    assert f[1][FINDINGS_SHEET.index("schoolName")] == "Lincoln Elementary"
    ab = cells(book["Absences"])
    assert ab[1][ABSENCES_SHEET.index("schoolName")] == "Lincoln Elementary"


def test_unknown_school_number_gets_a_blank_name(tmp_path: Path) -> None:
    run = make_run(schools=[{"schoolID": 1, "districtNumber": "0001", "schoolNumber": "0001",
                             "name": "Test School"}])
    book = openpyxl.load_workbook(write_book(run, tmp_path / "f.xlsx"))
    assert cells(book["Findings"])[1][FINDINGS_SHEET.index("schoolName")] is None


def test_summary_says_what_the_cte_sheet_could_not_fill(tmp_path: Path) -> None:
    """Issue 15 item 5: without section_staff.csv the CTE sheet is filled as far as it can
    be, and the Summary says which column stays blank and why."""
    def summary_text(run: DistrictRun) -> str:
        book = openpyxl.load_workbook(write_book(run, tmp_path / "f.xlsx"))
        return " ".join(str(v) for row in cells(book["Summary"]) for v in row if v)

    partial = summary_text(make_run(courses=[], sections=[], rosters=[]))
    assert "Sheets left partly blank" in partial
    assert "teacherOfRecord blank: section_staff.csv not provided" in partial
    assert "rosterCountWindow and rosterCountOnCountDate blank" not in partial
    full = summary_text(make_run(courses=[], sections=[], section_staff=[], rosters=[]))
    assert "Sheets left partly blank" not in full

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from mtcollect_nb.checks.engine import FINDINGS_FRAME_COLUMNS
from mtcollect_nb.checks.run import DistrictRun, run_from_analysis
from mtcollect_nb.columns import ABSENCES_COLUMNS, FINDINGS_COLUMNS
from mtcollect_nb.privacy import masking
from mtcollect_nb.report import workbook
from mtcollect_nb.report.pipeline import key_and_mask
from mtcollect_nb.report.sheets import school_named
from mtcollect_nb.testing import absences, enrollment, make_analysis, params, school_days, student
from mtcollect_nb.window.finished import finish

NAMES = ["Zebulon", "Quixote-Ramírez", "O'Neil", "Peña", "Teachworth", "Minerva"]
IDS = ["012345678", "987654321", "LOC77123", "LOC77124", "555666777", "70001", "70002", "80001"]
STREAK_DAYS = list(pd.bdate_range("2025-01-17", "2025-02-03"))  # 12 school days


def district(mask: bool = True) -> DistrictRun:
    a = make_analysis(
        params(mask_pii=mask),
        students=[student(70001, stateID="012345678", studentNumber="LOC77123",
                          lastName="Quixote-Ramírez", firstName="Zebulon"),
                  student(70002, stateID="987654321", studentNumber="LOC77124",
                          lastName="O'Neil", firstName="Peña", photoOptIn="")],
        enrollments=[enrollment(10, 70001), enrollment(11, 70002, grade="10")],
        attendance=absences(70001, STREAK_DAYS),
        days=school_days(),
        staff=[{"personID": 80001, "staffStateID": "555666777", "lastName": "Teachworth",
                "firstName": "Minerva"}],
        courses=[{"courseID": 1, "calendarID": 1, "number": "AG1", "name": "Welding",
                  "active": True, "cte": True, "scedSubjectArea": "18", "scedCourseID": "001"}],
        sections=[{"sectionID": 5, "courseID": 1, "termStartDate": "2025-01-06",
                   "termEndDate": "2025-06-06", "minutesPerDay": 50}],
        section_staff=[{"sectionID": 5, "personID": 80001, "role": "00",
                        "startDate": "2024-08-26"}],
        rosters=[{"sectionID": 5, "personID": 70002, "startDate": "2024-08-26"}],
        district_residency=[{"personID": 70002, "startDate": "2024-08-26",
                             "residentDistrict": "0001", "comments": "aunt of Zebulon"}],
    )
    run = run_from_analysis(a)
    extra = pd.DataFrame([{
        **dict.fromkeys(FINDINGS_COLUMNS, ""), "ruleId": "ANB-01", "severity": "error",
        "collection": "Spring ANB", "schoolNumber": "0001", "stateID": "012345678",
        "studentNumber": "LOC77123", "studentName": "Quixote-Ramírez, Zebulon",
        "enrollmentID": "10", "field": "stateID", "value": "012345678",
        "message": "Zebulon Quixote-Ramírez (012345678, LOC77123) absent 12 days since 2025-01-17",
        "remedy": "r", "personID": 70001}], columns=list(FINDINGS_FRAME_COLUMNS))
    findings = pd.concat([run.findings, extra], ignore_index=True)
    findings["personID"] = pd.array(findings["personID"], dtype="Int64")
    run.results = dataclasses.replace(run.results, findings=findings)
    a.bundle.rejected = pd.DataFrame({
        "file": ["attendance.csv", "students.csv", "esa_participants.csv", "x.csv"],
        "line": [3, 4, 5, 6], "column": ["personID", "lastName", "stateID", "date"],
        "value": ["70002", "Zebulon", "987654321", "2025-13-01"],
        "reason": ["unknown personID 70002", "duplicate of Peña O'Neil", "unknown stateID",
                   "bad date"], "ruleId": ["DQ-02", "DQ-01", "DQ-02", "DQ-03"]})
    return run


def write_book(run: DistrictRun, path: Path) -> Path:
    """The run as the pipeline writes it: keyed, masked when its parameters ask, finished."""
    return workbook.write_workbook(finish(key_and_mask(run), path.parent), path)


def all_cells(book: openpyxl.Workbook) -> list[tuple[str, str, object]]:
    return [(ws.title, c.coordinate, c.value) for ws in book.worksheets
            for row in ws.iter_rows() for c in row if c.value is not None]


@pytest.mark.slow
def test_masked_workbook_holds_no_real_name_or_id(tmp_path: Path) -> None:
    book = openpyxl.load_workbook(write_book(district(), tmp_path / "f.xlsx"))
    token = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?")
    cells = all_cells(book)
    assert len(cells) > 200
    for sheet, where, value in cells:
        text = str(value)
        for real in NAMES + IDS[:5]:
            assert real not in text, (sheet, where, text)
        assert not set(token.findall(text)) & set(IDS), (sheet, where, text)
    # the sheets still have their rows: masking hides, it does not drop
    assert book["Absences"].max_row == 2 and book["CTE"].max_row == 2
    assert book["Rejected rows"].max_row == 5


@pytest.mark.slow
def test_unmasked_workbook_shows_them(tmp_path: Path) -> None:
    """The scan above can fail: without masking the real values are there."""
    book = openpyxl.load_workbook(
        write_book(district(mask=False), tmp_path / "f.xlsx"))
    text = " ".join(str(v) for _, _, v in all_cells(book))
    for real in ["Zebulon", "012345678", "LOC77123", "555666777", "Teachworth"]:
        assert real in text


@pytest.mark.slow
def test_same_pseudonym_across_sheets_and_runs(tmp_path: Path) -> None:
    p1 = write_book(district(), tmp_path / "a.xlsx")
    p2 = write_book(district(), tmp_path / "b.xlsx")
    b1, b2 = openpyxl.load_workbook(p1), openpyxl.load_workbook(p2)
    FINDINGS, ABSENCES = map(school_named, (FINDINGS_COLUMNS, ABSENCES_COLUMNS))  # headers
    state = FINDINGS.index("stateID")
    name = FINDINGS.index("studentName")
    rows = [[c.value for c in r] for r in b1["Findings"].iter_rows(min_row=2)]
    field = FINDINGS.index("field")
    anb01 = next(r for r in rows if r[0] == "ANB-01" and r[field] == "stateID")
    absent = [c.value for c in b1["Absences"][2]]
    pseudo = absent[ABSENCES.index("stateID")]
    assert re.fullmatch(r"S-[0-9A-F]{12}", pseudo)
    assert anb01[state] == pseudo and anb01[FINDINGS.index("value")] == pseudo
    assert anb01[name] is None
    assert absent[ABSENCES.index("studentName")] is None
    assert pseudo in anb01[FINDINGS.index("message")]
    assert "2025-01-17" in anb01[FINDINGS.index("message")]  # non-PII text kept
    for sheet in ("Findings", "Absences", "CTE", "Rejected rows"):
        assert [[c.value for c in r] for r in b1[sheet].iter_rows()] == [
            [c.value for c in r] for r in b2[sheet].iter_rows()], sheet


@pytest.mark.slow
def test_mask_run_keeps_counts_and_joins() -> None:
    run = district(mask=False)
    real_anb = run.analysis.anb_table.copy()
    real_abs = run.analysis.absences_table.copy()
    late = masking.mask_run(district(mask=False))  # derived frames computed after masking
    early = masking.mask_run(run)  # derived frames computed before, carried over masked
    assert early.masked and not run.masked and masking.mask_run(early) is early
    pd.testing.assert_frame_equal(late.analysis.anb_table, real_anb)
    pd.testing.assert_frame_equal(late.analysis.absences_table, early.analysis.absences_table)
    assert late.analysis.absences_table["streak"].tolist() == real_abs["streak"].tolist() == [12]
    students = late.analysis.students
    assert (students[["lastName", "firstName", "studentName"]] == "").all().all()
    assert not students["personID"].isin([70001, 70002]).any()
    assert students["personID"].dtype == "int64"
    # the original run is untouched
    assert run.analysis.students["firstName"].tolist() == ["Zebulon", "Peña"]


@pytest.mark.slow
def test_rejected_values_masked_by_kind() -> None:
    rej = masking.mask_run(district()).analysis.bundle.rejected
    person = masking.pseudo_person_ids(pd.Series([70002]))[0]
    assert rej["value"].tolist()[:3] == [
        str(person), "", masking.pseudonyms(pd.Series(["987654321"]), "stateID")[0]]
    assert rej["value"].tolist()[3] == "2025-13-01"
    assert rej["reason"].tolist() == [f"unknown personID {person}",
                                      "duplicate of [masked] [masked]", "unknown stateID",
                                      "bad date"]


def test_pseudonyms_stable_distinct_and_keyed(monkeypatch: pytest.MonkeyPatch) -> None:
    ids = pd.Series([f"{i:09d}" for i in range(20000)])
    p = masking.pseudonyms(ids, "stateID")
    assert p.is_unique and p.str.fullmatch(r"S-[0-9A-F]{12}").all()
    assert p.tolist() == masking.pseudonyms(ids.copy(), "stateID").tolist()
    assert masking.pseudonyms(ids[:1], "studentNumber")[0][2:] != p[0][2:]
    monkeypatch.setenv(masking.SALT_ENV, "another district secret")
    assert masking.pseudonyms(ids[:1], "stateID")[0] != p[0]


def test_mask_frame_keeps_missing_and_dtypes() -> None:
    df = pd.DataFrame({"personID": pd.array([1, None], dtype="Int64"),
                       "staffPersonID": [3.0, float("nan")], "stateID": ["", "5"],
                       "staffName": ["A", "B"], "grade": ["06", "07"]})
    out = masking.mask_frame(df)
    assert out["personID"].dtype == "Int64" and out["personID"].isna().tolist() == [False, True]
    assert out["staffPersonID"].dtype == "float64" and pd.isna(out["staffPersonID"][1])
    assert out["stateID"][0] == "" and out["stateID"][1].startswith("S-")
    assert out["staffName"].tolist() == ["", ""] and out["grade"].tolist() == ["06", "07"]
    assert df["staffName"].tolist() == ["A", "B"]


def test_template_words_survive_a_student_named_like_them():
    from mtcollect_nb.privacy.masking import Scrubber
    from mtcollect_nb.testing import make_bundle, student

    bundle = make_bundle(students=[student(1, lastName="In", firstName="Day"),
                                   student(2, lastName="Zyxwvut", firstName="Qrstuv")])
    scrub = Scrubber.from_bundle(bundle)
    out = scrub(pd.Series(["Opt In or Opt Out", "seen Zyxwvut and Qrstuv"])).tolist()
    assert out[0] == "Opt In or Opt Out"
    assert "Zyxwvut" not in out[1] and "Qrstuv" not in out[1]

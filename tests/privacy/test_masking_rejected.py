"""Issue 15 item 15 / issue 14: rejected rows' raw text is masked everywhere in a masked run,
and a rejected row's personID has the same pseudonym on Findings and on Rejected rows."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from mtcollect_nb.checks.run import DistrictRun, run_from_analysis
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.load.loader import load_bundle, write_bundle
from mtcollect_nb.privacy import masking
from mtcollect_nb.report import workbook
from mtcollect_nb.report.pipeline import key_and_mask
from mtcollect_nb.testing import absences, enrollment, make_bundle, params, school_days, student
from mtcollect_nb.window.finished import finish

pytestmark = pytest.mark.slow

#: real values that only rejected rows hold (no used table has them)
RAW = ["70099", "987650000", "70002", "LOC70002", "Zqxwvut", "Penaflor"]


def rejected_district(folder: Path, mask: bool) -> DistrictRun:
    bundle = make_bundle(
        students=[student(70001, stateID="012345678", lastName="Quixote", firstName="Zebulon")],
        enrollments=[enrollment(10, 70001)], days=school_days(),
        attendance=absences(70001, ["2025-01-06"]))
    write_bundle(bundle, folder)
    with open(folder / "attendance.csv", "a", encoding="utf-8") as fh:
        fh.write("70099,1,2025-01-07,0,A,U\n")  # DQ-02: unknown personID
        fh.write("70001,1,2025-01-06,0,A,U\n")  # DQ-01: same personID + calendarID + date
    with open(folder / "students.csv", "a", encoding="utf-8") as fh:  # DQ-03: 11 fields
        fh.write("70002,987650000,LOC70002,Zqxwvut,Penaflor,2012-05-01,,Opt Out,0,x,y\n")
    loaded = load_bundle(folder)
    run = run_from_analysis(Analysis(loaded, params(mask_pii=mask, output_dir=str(folder))))
    return key_and_mask(run)


def cells(df: pd.DataFrame) -> list[str]:
    return [str(v) for v in df.astype(str).to_numpy().ravel()]


def test_rejected_rows_and_dq_findings_hold_no_raw_value(tmp_path: Path) -> None:
    run = rejected_district(tmp_path, mask=True)
    rejected, findings = run.analysis.bundle.rejected, run.findings
    assert sorted(rejected["ruleId"]) == ["DQ-01", "DQ-02", "DQ-03"]
    assert set(findings["ruleId"]) >= {"DQ-01", "DQ-02", "DQ-03"}
    for where, frame in (("rejected", rejected), ("findings", findings)):
        for text in cells(frame):
            for raw in RAW:
                assert raw not in text, (where, raw, text)


def test_rejected_person_has_one_pseudonym_on_findings_and_rejected_rows(tmp_path) -> None:
    run = rejected_district(tmp_path, mask=True)
    rej = run.analysis.bundle.rejected.set_index("ruleId")["value"]
    dq = run.findings.set_index("ruleId")["value"]
    orphan = str(masking.pseudo_person_ids(pd.Series([70099]))[0])
    person = str(masking.pseudo_person_ids(pd.Series([70001]))[0])
    assert rej["DQ-02"] == dq["DQ-02"] == orphan
    assert rej["DQ-01"] == dq["DQ-01"] == f"{person}, 1, 2025-01-06"
    # the row that did not split keeps what is not PII, masks the rest
    assert rej["DQ-03"] == dq["DQ-03"]
    assert rej["DQ-03"] == ("[masked],[masked],[masked],[masked],[masked],2012-05-01,,"
                            "Opt [masked],0,[masked],[masked]")


def test_unmasked_run_keeps_the_raw_values(tmp_path: Path) -> None:
    """The scans above can fail: without masking the raw values are there."""
    run = rejected_district(tmp_path, mask=False)
    text = " ".join(cells(run.analysis.bundle.rejected) + cells(run.findings))
    for raw in RAW:
        assert raw in text, raw


@pytest.mark.parametrize("output", ["findings.parquet", "findings.xlsx"])
def test_written_outputs_hold_no_raw_value(tmp_path: Path, output: str) -> None:
    run = rejected_district(tmp_path / "x", mask=True)
    out = tmp_path / "out"
    done = finish(run, out)
    if output.endswith(".parquet"):
        texts = cells(pd.read_parquet(workbook.write_tables(done, out)["findings"]))
    else:
        book = openpyxl.load_workbook(workbook.write_workbook(done, out / output))
        texts = [str(c.value) for ws in book.worksheets for row in ws.iter_rows()
                 for c in row if c.value is not None]
    assert any("DQ-02" in t for t in texts)
    for text in texts:
        for raw in RAW:
            assert raw not in text, (output, raw, text)


def test_a_rejected_value_of_another_column_is_masked_word_by_word() -> None:
    """A state ID or a name shifted into birthdate (a column out of place) is still PII."""
    rejected = pd.DataFrame({"file": "students.csv", "line": [5, 6, 7],
                             "column": ["birthdate", "birthdate", "grade"],
                             "value": ["987650004", "2025-13-01", "Zqxwvut"],
                             "reason": "not a valid value", "ruleId": "DQ-03"})
    findings = pd.DataFrame({"ruleId": "DQ-03", "field": [
        f"students.csv line {n}: {c}" for n, c in zip(rejected["line"], rejected["column"],
                                                     strict=True)] + ["grade"],
        "value": [*rejected["value"], "13"], "message": "x"})
    expected = [masking.MASKED_WORD, "2025-13-01", masking.MASKED_WORD]
    assert masking.mask_frame(rejected)["value"].tolist() == expected
    assert masking.mask_frame(findings)["value"].tolist() == [*expected, "13"]

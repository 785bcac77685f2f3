"""REC-01 and the Reconcile table: IC's counts against our reported and validated counts."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.checks.engine import run_rules
from mtcollect_nb.checks.reconcile import reconcile_table
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.load.loader import load_bundle
from mtcollect_nb.synthetic.ic_counts import ic_counts_from_anb
from mtcollect_nb.testing import enrollment, make_analysis, params, student

REC = [all_rules()["REC-01"]]


def district(ic: list[dict] | None):
    kw = {} if ic is None else {"ic_counts": ic}
    return make_analysis(students=[student(i) for i in range(1, 5)],
                         enrollments=[enrollment(10, 1), enrollment(11, 2),
                                      enrollment(12, 3, grade="10"),
                                      enrollment(13, 4, grade="10")], **kw)


def test_without_the_file_rec01_did_not_run_and_nothing_changes() -> None:
    res = run_rules(district(None), REC)
    assert res.findings.empty and res.not_run["ruleId"].tolist() == ["REC-01"]
    assert "ic_counts" in res.not_run["reason"].item()
    assert reconcile_table(district(None)).empty


def test_equal_counts_do_not_fire() -> None:
    a = district([{"schoolNumber": "1", "grade": "06", "count": 2},
                  {"schoolNumber": "0001", "grade": "10", "count": 2.004}])
    res = run_rules(a, REC)
    assert res.not_run.empty and res.findings.empty


def test_difference_fires_and_names_ic() -> None:
    a = district([{"schoolNumber": "0001", "grade": "06", "count": 3},
                  {"schoolNumber": "0001", "grade": "10", "count": 2}])
    f = run_rules(a, REC).findings
    assert f[["schoolNumber", "field", "value", "expected"]].values.tolist() == [
        ["0001", "grade 06", "3", "2"]]
    assert f["severity"].item() == "warning" and "Infinite Campus counts 3" in f["message"].item()


def test_ic_row_we_lack_compares_with_zero_and_missing_rows_are_not_compared() -> None:
    a = district([{"schoolNumber": "0001", "grade": "KG", "count": 1}])
    t = reconcile_table(a)
    assert t.values.tolist() == [["0001", "KG", 1.0, 0.0, 0.0, 1.0, 1.0]]  # 06 and 10 absent
    assert run_rules(a, REC).findings["field"].tolist() == ["grade KG"]


def test_largest_difference_first_either_sign() -> None:
    a = district([{"schoolNumber": "0001", "grade": "06", "count": 1},
                  {"schoolNumber": "0001", "grade": "10", "count": 7},
                  {"schoolNumber": "0001", "grade": "KG", "count": 2}])
    t = reconcile_table(a)
    assert t["grade"].tolist() == ["10", "KG", "06"]
    assert t["icMinusReported"].tolist() == [5.0, 2.0, -1.0]


def test_validated_difference_shown_beside() -> None:
    a = make_analysis(students=[student(1), student(2)],
                      enrollments=[enrollment(10, 1), enrollment(11, 2, mtExcludeSpringANB=True)],
                      ic_counts=[{"schoolNumber": "0001", "grade": "06", "count": 1}])
    t = reconcile_table(a)
    assert t[["springCountReported", "icMinusReported"]].values.tolist() == [[1.0, 0.0]]
    assert run_rules(a, REC).findings.empty


@pytest.mark.slow
def test_loader_reads_ic_report_headers(tmp_path: Path) -> None:
    from mtcollect_nb.synthetic.write import write_district

    ex = write_district(tmp_path / "ex", students=80, seed=3, plant=False)
    assert not (ex / "ic_counts.csv").exists()
    (ex / "ic_counts.csv").write_text("schoolNumber,grade,count\n1,6,12\nx,07,3\n")
    b = load_bundle(ex)
    assert b.table("ic_counts")[["schoolNumber", "grade", "count"]].values.tolist() == [
        ["0001", "06", 12.0]]
    acc = b.accounting.set_index("file").loc["ic_counts.csv"]
    assert (acc["read"], acc["used"], acc["rejected"]) == (2, 1, 1)
    res = run_rules(Analysis(b, params()), REC)
    assert res.not_run.empty


def test_ic_report_headers_resolve_through_the_aliases() -> None:
    from mtcollect_nb.load.header_names import resolve

    assert [resolve("ic_counts", h) for h in ("School Number", "Grade", "Student Count")] == [
        "schoolNumber", "grade", "count"]


@pytest.mark.slow
def test_ic_counts_from_anb_matches_then_one_planted_difference() -> None:
    a = district(None)
    ic = ic_counts_from_anb(a.anb_table, {("0001", "10"): -1})
    b = district(ic.to_dict("records"))
    f = run_rules(b, REC).findings
    assert f["field"].tolist() == ["grade 10"]
    assert pd.Series(reconcile_table(b)["icMinusReported"]).tolist() == [-1.0, 0.0]

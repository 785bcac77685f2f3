import pandas as pd

from mtcollect_nb.columns import FINDINGS_COLUMNS
from mtcollect_nb.engine import FINDINGS_FRAME_COLUMNS, run_rules, sort_findings, to_text
from mtcollect_nb.rules import rule
from mtcollect_nb.testing import enrollment, make_analysis, student


def _analysis():
    return make_analysis(students=[student(1, lastName="Peña", firstName="Ana"), student(2)],
                         enrollments=[enrollment(10, 1), enrollment(11, 2)])


def test_engine_fills_identity_and_rule_metadata():
    reg: dict = {}

    @rule("ZZ-01", "warning", "Spring ANB", title="default message", remedy="fix here",
          registry=reg)
    def _r(a):
        return pd.DataFrame({"enrollmentID": [10], "field": ["mtSpringAggregateHours"],
                             "value": [179.0], "expected": [">= 180"]})

    res = run_rules(_analysis(), reg.values())
    f = res.findings
    assert list(f.columns) == list(FINDINGS_FRAME_COLUMNS)
    row = f.iloc[0]
    assert row["ruleId"] == "ZZ-01" and row["severity"] == "warning"
    assert row["collection"] == "Spring ANB" and row["remedy"] == "fix here"
    assert row["message"] == "default message"
    assert row["schoolNumber"] == "0001" and row["stateID"] == "900000001"
    assert row["studentName"] == "Peña, Ana" and row["studentNumber"] == "S1"
    assert row["value"] == "179" and row["enrollmentID"] == "10"
    assert res.ran == ("ZZ-01",)


def test_rule_missing_optional_table_did_not_run():
    reg: dict = {}

    @rule("ZZ-02", "error", "Other reminders", title="t", remedy="r", tables=("gifted",),
          registry=reg)
    def _r(a):
        raise AssertionError("must not run")

    res = run_rules(_analysis(), reg.values())
    assert res.findings.empty
    assert res.not_run.to_dict("records") == [
        {"ruleId": "ZZ-02", "reason": "optional file not provided: gifted.csv"}]


def test_sort_order_severity_then_rule_school_state():
    rows = [
        dict.fromkeys(FINDINGS_COLUMNS, "") | {"ruleId": "ANB-02", "severity": "warning"},
        dict.fromkeys(FINDINGS_COLUMNS, "") | {"ruleId": "ANB-09", "severity": "error",
                                               "stateID": "2"},
        dict.fromkeys(FINDINGS_COLUMNS, "") | {"ruleId": "ANB-09", "severity": "error",
                                               "stateID": "1"},
        dict.fromkeys(FINDINGS_COLUMNS, "") | {"ruleId": "ANB-14", "severity": "info"},
        dict.fromkeys(FINDINGS_COLUMNS, "") | {"ruleId": "ANB-01", "severity": "error"},
    ]
    out = sort_findings(pd.DataFrame(rows))
    assert list(zip(out["ruleId"], out["stateID"], strict=True)) == [
        ("ANB-01", ""), ("ANB-09", "1"), ("ANB-09", "2"), ("ANB-02", ""), ("ANB-14", "")]


def test_to_text():
    assert to_text(pd.Series(pd.to_datetime(["2025-02-03", None]))).tolist() == ["2025-02-03", ""]
    assert to_text(pd.Series([True, False])).tolist() == ["Yes", "No"]
    assert to_text(pd.Series([0.25, 720.0, float("nan")])).tolist() == ["0.25", "720", ""]
    assert to_text(pd.Series(["=1+1", None, 5], dtype=object)).tolist() == ["=1+1", "", "5"]


def test_deterministic():
    a = run_rules(_analysis()).findings
    b = run_rules(_analysis()).findings
    pd.testing.assert_frame_equal(a, b)

from datetime import date

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtcollect_nb.checks.engine import FINDINGS_FRAME_COLUMNS, run_rules, sort_findings
from mtcollect_nb.checks.registry import rule
from mtcollect_nb.checks.text import to_text
from mtcollect_nb.columns import FINDINGS_COLUMNS
from mtcollect_nb.testing import enrollment, make_analysis, student


def _analysis():
    return make_analysis(students=[student(1, lastName="Peña", firstName="Ana"), student(2)],
                         enrollments=[enrollment(10, 1), enrollment(11, 2)])


def test_engine_fills_identity_and_rule_metadata():
    reg: dict = {}

    @rule("ZZ-01", "warning", "ANB", title="default message", remedy="fix here",
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


@pytest.mark.slow
def test_deterministic():
    a = run_rules(_analysis()).findings
    b = run_rules(_analysis()).findings
    pd.testing.assert_frame_equal(a, b)


# ---- the vectorised to_text and the engine's column filling equal the plain versions ------------

def _plain_to_text(s: pd.Series) -> list:
    """to_text as first written (per-value formatting), the reference for the fast paths."""
    import numpy as np

    from mtcollect_nb.checks.text import _scalar_text

    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.strftime("%Y-%m-%d").fillna("").tolist()
    if pd.api.types.is_bool_dtype(s):
        return s.map({True: "Yes", False: "No"}).fillna("").tolist()
    if pd.api.types.is_numeric_dtype(s):
        f = pd.to_numeric(s, errors="coerce").astype("float64")
        whole = np.isfinite(f) & (np.floor(f) == f)
        txt = f.map(lambda v: "" if v != v else f"{v:.4f}".rstrip("0").rstrip("."))
        txt[whole] = f[whole].astype("int64").astype(str)
        return txt.tolist()
    return [_scalar_text(v) for v in s]


_FLOATS = st.one_of(st.floats(allow_nan=False, allow_infinity=False, width=64,
                              min_value=-1e15, max_value=1e15), st.just(float("nan")),
                  st.just(float("inf")), st.floats(0, 1))


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(floats=st.lists(_FLOATS, max_size=8),
       ints=st.lists(st.one_of(st.none(), st.integers(-10**12, 10**12)), max_size=8),
       days=st.lists(st.one_of(st.none(), st.dates(min_value=date(1700, 1, 1),
                                                   max_value=date(2200, 12, 31))), max_size=8),
       texts=st.lists(st.one_of(st.text(max_size=5), st.none(), st.integers(0, 99),
                                st.booleans(), st.floats(allow_nan=True)), max_size=8),
       bools=st.lists(st.booleans(), max_size=8))
def test_to_text_fast_paths_equal_plain(floats, ints, days, texts, bools):
    cases = [
        pd.Series(floats, dtype="float64"),
        pd.Series(ints, dtype="Int64"),
        pd.Series([i for i in ints if i is not None], dtype="int64"),
        pd.Series(pd.to_datetime(pd.Series(days, dtype=object))),
        pd.Series(texts, dtype=object),
        pd.Series([t for t in texts if isinstance(t, str)], dtype=object),
        pd.Series(bools, dtype=bool),
        pd.Series([b if i % 3 else None for i, b in enumerate(bools)], dtype="boolean"),
    ]
    for s in cases:
        got = to_text(s)
        assert got.dtype == object and got.index.equals(s.index)
        assert got.tolist() == _plain_to_text(s), s


def test_to_text_returns_a_copy():
    s = pd.Series(["a", "b"], dtype=object)
    to_text(s)[0] = "changed"
    assert s.tolist() == ["a", "b"]


@pytest.mark.slow
def test_engine_fills_blanks_through_section_then_enrollment_then_person():
    a = make_analysis(students=[student(1, lastName="Peña", firstName="Ana"), student(2)],
                      enrollments=[enrollment(10, 1), enrollment(11, 2)])
    reg: dict = {}

    @rule("ZZ-03", "info", "ANB", title="t", remedy="r", registry=reg)
    def _r(a):
        return pd.DataFrame({
            "enrollmentID": pd.array([11, 10, 99, pd.NA], dtype="Int64"),
            "personID": pd.array([pd.NA, pd.NA, pd.NA, 2], dtype="Int64"),
            "schoolNumber": ["", "0009", "", ""],
            "stateID": ["", "", "", "kept"],
            "message": ["m", "", "", "x"],
        })

    f = run_rules(a, reg.values()).findings.sort_values("message", kind="mergesort")
    by_msg = {m: row for m, row in zip(f["message"], f.to_dict("records"), strict=True)}
    assert by_msg["m"]["schoolNumber"] == "0001" and by_msg["m"]["personID"] == 2
    assert by_msg["m"]["stateID"] == "900000002"
    assert by_msg["x"]["stateID"] == "kept" and by_msg["x"]["personID"] == 2
    assert by_msg["x"]["schoolNumber"] == ""
    rest = f.loc[f["message"] == "t"]
    assert sorted(rest["schoolNumber"]) == ["", "0009"]
    assert sorted(rest["stateID"]) == ["", "900000001"]
    assert rest["personID"].isna().sum() == 1 and str(f["personID"].dtype) == "Int64"

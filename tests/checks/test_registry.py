import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtcollect_nb.checks.catalog import all_rules, rules_table
from mtcollect_nb.checks.registry import finding_rows, per_value, rule
from mtcollect_nb.errors import RuleDefinitionError

SPEC_IDS = (
    [f"ANB-{i:02d}" for i in range(1, 25)] + [f"TCH-{i:02d}" for i in range(1, 5)]
    + [f"CTE-{i:02d}" for i in range(1, 5)] + ["GRD-01", "GRD-02", "PHO-01", "PHO-02"]
    + ["GFT-01", "GFT-02", "GFT-03", "DQ-01", "DQ-02", "DQ-03", "DQ-04", "REC-01"]
)


def _noop(analysis):
    return pd.DataFrame()


@pytest.mark.parametrize(("kwargs", "match"), [
    ({"id": "ANB1"}, "form"),
    ({"severity": "fatal"}, "severity"),
    ({"collection": "Fall ANB"}, "collection"),
    ({"tables": ("nope",)}, "unknown tables"),
    ({"remedy": ""}, "remedy"),
])
def test_bad_declarations_fail_at_import(kwargs, match):
    args = {"id": "ZZ-01", "severity": "error", "collection": "Data quality", "title": "t",
            "remedy": "r", "tables": (), "registry": {}}
    args.update(kwargs)
    with pytest.raises(RuleDefinitionError, match=match):
        rule(args.pop("id"), args.pop("severity"), args.pop("collection"), **args)(_noop)


def test_duplicate_id_rejected():
    reg: dict = {}
    rule("ZZ-01", "info", "Data quality", title="t", remedy="r", registry=reg)(_noop)
    with pytest.raises(RuleDefinitionError, match="twice"):
        rule("ZZ-01", "info", "Data quality", title="t", remedy="r", registry=reg)(_noop)


def test_catalog_is_exactly_the_spec():
    assert sorted(all_rules()) == sorted(SPEC_IDS)


def test_spec_severities():
    spec = {"ANB-01": "error", "ANB-02": "warning", "ANB-03": "warning", "ANB-14": "info",
            "ANB-22": "warning", "TCH-04": "info", "CTE-04": "warning", "GFT-03": "warning",
            "DQ-02": "error"}
    rules = all_rules()
    for rid, sev in spec.items():
        assert rules[rid].severity == sev, rid


def test_rules_table_lists_every_rule_with_a_remedy():
    t = rules_table()
    assert len(t) == len(SPEC_IDS)
    assert (t["remedy"].str.len() > 20).all()


# ---- per_value equals the plain pandas operation -------------------------------------------

@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(values=st.lists(st.sampled_from([" esa", "ESA", "", " ", "opt-In", None, "3"]),
                      max_size=200),
       copies=st.integers(1, 3))
def test_per_value_equals_plain(values, copies):
    s = pd.Series(values * copies, dtype=object, index=range(3, 3 + len(values) * copies))
    for fn in (lambda v: v.str.strip().str.upper() == "ESA",
               lambda v: v.fillna("").astype(str).str.strip() == "",
               lambda v: v.str.lower()):
        pd.testing.assert_series_equal(per_value(s, fn), fn(s))
    mixed = s.where(s != "3", 3)  # ints among the text: the plain path
    pd.testing.assert_series_equal(per_value(mixed, lambda v: v.astype(str) == "3"),
                                   mixed.astype(str) == "3")
    text = s.loc[s.map(lambda v: isinstance(v, str))]
    pd.testing.assert_series_equal(per_value(text, lambda v: v.str.strip()), text.str.strip())


@pytest.mark.slow
@settings(max_examples=40, deadline=None)
@given(n=st.integers(0, 6), seed=st.integers(0, 10**6), shuffle=st.booleans())
def test_finding_rows_equals_column_by_column(n, seed, shuffle):
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"enrollmentID": rng.integers(0, 9, n),
                       "personID": pd.array(rng.integers(0, 9, n), dtype="Int64"),
                       "d": pd.to_datetime(rng.integers(0, 10**9, n) * 10**9)},
                      index=rng.permutation(n) * 3)
    value = pd.Series(rng.random(n), index=df.index)
    if shuffle:
        value = value.sample(frac=1, random_state=seed)
    cols = {"field": "f", "value": value, "expected": df["d"], "message": 5}
    plain = pd.DataFrame({k: df[k] for k in ("enrollmentID", "personID", "x")
                          if k in df.columns}, index=df.index)
    for name, v in cols.items():
        plain[name] = v
    pd.testing.assert_frame_equal(
        finding_rows(df, ("enrollmentID", "personID", "x"), **cols),
        plain.reset_index(drop=True))


@pytest.mark.slow
def test_season_and_forecast_gates_come_from_the_registry():
    from mtcollect_nb.checks.registry import not_run_reason
    from mtcollect_nb.testing import make_analysis, params

    reg: dict = {}
    spring_only = rule("ZZ-01", "info", "Data quality", title="t", remedy="r",
                       seasons=("spring",), registry=reg)(_noop)
    needs_count_date = rule("ZZ-02", "info", "Data quality", title="t", remedy="r",
                            count_date_attendance=True, registry=reg)(_noop)
    plain = rule("ZZ-03", "info", "Data quality", title="t", remedy="r", registry=reg)(_noop)
    spring, fall = make_analysis(params()), make_analysis(params(collection_season="fall"))
    forecast = make_analysis(params(as_of="2025-01-21"))
    assert not_run_reason(spring_only, spring) is None
    assert not_run_reason(spring_only, fall) == "not part of the fall collection"
    assert not_run_reason(needs_count_date, spring) is None
    assert not_run_reason(needs_count_date, forecast).startswith(
        "count date not reached: attendance known to 2025-01-21")
    assert all(not_run_reason(plain, a) is None for a in (spring, fall, forecast))
    with pytest.raises(RuleDefinitionError, match="seasons"):
        rule("ZZ-04", "info", "Data quality", title="t", remedy="r", seasons=("winter",),
             registry=reg)(_noop)


def test_catalog_gates_as_the_spec_says():
    rules = all_rules()
    assert {r for r, x in rules.items() if x.seasons != ("spring", "fall")} == {
        "ANB-17", "ANB-18", "ANB-19"}
    assert {r for r, x in rules.items() if x.count_date_attendance} == {
        "ANB-01", "ANB-02", "ANB-03"}

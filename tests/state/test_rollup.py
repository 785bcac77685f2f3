import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest

from mtcollect_nb.columns import BUDGET_UNIT_COLUMNS
from mtcollect_nb.state import figures, rollup
from mtcollect_nb.state import suppression as sp


def bu_rows(district, elem, high):
    """Budget-unit rows: (fall, spring reported, spring validated, anb rep, anb val) per unit."""
    rows = []
    for unit, v in (("Elementary", elem), ("High School", high)):
        rows.append(dict(zip(["district", *BUDGET_UNIT_COLUMNS],
                             [district, unit, *map(float, v)], strict=True)))
    return rows


def rc(district, rule, severity, n):
    return {"district": district, "ruleId": rule, "severity": severity,
            "collection": "Spring ANB", "findings": n}


@pytest.fixture
def state():
    summary = pd.DataFrame({
        "district": ["0001", "0002", "0003", "0004"],
        "name": ["Big", "Mid", "Tiny", "Broken"],
        "status": ["ok", "skipped", "ok", "failed"],
        "message": ["", "", "", "students.csv: file not found"],
    })
    budget = pd.DataFrame(
        bu_rows("0001", (1000, 1000, 980, 1000, 990), (500, 500, 500, 500, 500))
        + bu_rows("0002", (300, 300, 300, 300, 300), (0, 0, 0, 0, 0))
        + bu_rows("0003", (8, 8, 6, 8, 7), (0, 0, 0, 0, 0)))
    counts = pd.DataFrame([
        rc("0001", "ANB-01", "error", 25), rc("0001", "ANB-02", "warning", 40),
        rc("0002", "ANB-01", "error", 12), rc("0002", "ANB-06", "error", 30),
        rc("0003", "ANB-01", "error", 2), rc("0003", "ANB-14", "info", 1),
    ])
    names = pd.Series({"0001": "Big", "0002": "Mid", "0003": "Tiny"})
    return rollup.State(summary, budget, counts, names)


def test_statewide_budget_units_sums_and_effect(state):
    t = rollup.statewide_budget_units(state.budget_units)
    assert list(t.index) == ["Elementary", "High School", "Total"]
    assert t.loc["Elementary", "springCountValidated"] == 980 + 300 + 6
    assert t.loc["Total", "anbReported"] == 1308 + 500
    assert t.loc["Elementary", "fundingEffect"] == (990 + 300 + 7) - (1000 + 300 + 8)
    assert t.loc["Total", "fundingEffect"] == t.loc["Elementary", "fundingEffect"]


def test_district_table_counts_come_from_findings(state):
    t = rollup.district_table(state)
    assert list(t.index) == ["0001", "0002", "0003", "Total"]
    assert t.loc["0001", "fundingEffect"] == -10
    assert t.loc["0003", "fundingEffect"] == -1
    assert t.loc["0002", "errors"] == 42 and t.loc["0002", "warnings"] == 0
    assert t.loc["Total", "errors"] == 25 + 42 + 2
    assert t.loc["Total", "name"] == "Statewide"


def test_rule_frequency(state):
    t = rollup.rule_frequency(state)
    assert list(t.index) == ["ANB-01", "ANB-06", "ANB-02", "ANB-14",
                             "Total error", "Total warning", "Total info"]
    assert t.loc["ANB-01", "districts"] == 3 and t.loc["ANB-01", "findings"] == 39
    assert t.loc["Total error", "findings"] == 69
    assert t.loc["Total error", "districts"] == 3


@pytest.mark.slow
def test_publish_suppresses_small_counts_and_protects_totals(state):
    pub = rollup.publish(state)
    d = pub.districts
    assert d.loc["0003", "errors"] == sp.SMALL          # 2 errors
    assert d.loc["0003", "fundingEffect"] == sp.SMALL   # -1 ANB
    # Total errors (69) is published; 0003 hidden -> another district hidden too
    assert d.loc["Total", "errors"] == 69
    hidden = [k for k in ("0001", "0002", "0003") if d.loc[k, "errors"] in (sp.SMALL, "*")]
    assert len(hidden) >= 2
    # rule table: ANB-14 (1 finding) hidden and the info total too (only info rule)
    assert pub.rules.loc["ANB-14", "findings"] == sp.SMALL
    assert pub.rules.loc["Total info", "findings"] in (sp.SMALL, "*")
    # zero is shown, large numbers shown
    assert d.loc["0002", "warnings"] in (0, sp.SMALL, "*")
    assert pub.budget_units.loc["Total", "anbReported"] == 1808.0


@pytest.mark.slow
def test_no_published_identity_reveals_a_hidden_value(state):
    pub = rollup.publish(state)
    num = pub.numbers["districts"]
    for col in rollup.DISTRICT_NUMBERS:
        hidden = num[col].isna()
        assert hidden.sum() != 1, col
    bu = pub.numbers["budget_units"]
    for row in bu.index:
        trio = bu.loc[row, ["anbReported", "anbValidated", "fundingEffect"]]
        assert trio.isna().sum() != 1, row
    # the statewide effect shown in both tables is either shown in both or hidden in both
    assert (np.isnan(bu.loc["Total", "fundingEffect"])
            == np.isnan(num.loc["Total", "fundingEffect"]))


@pytest.mark.slow
def test_small_statewide_effect_hides_a_budget_unit_figure():
    # effect -3 statewide: reported and validated totals would give it back
    budget = pd.DataFrame(bu_rows("0001", (500, 500, 497, 500, 498.5), (0, 0, 0, 0, 0)))
    s = rollup.State(pd.DataFrame({"status": ["ok"]}), budget,
                     pd.DataFrame(columns=["district", "ruleId", "severity", "collection",
                                           "findings"]),
                     pd.Series({"0001": "One"}))
    pub = rollup.publish(s)
    row = pub.budget_units.loc["Total"]
    assert row["fundingEffect"] == sp.SMALL
    assert "*" in {row["anbReported"], row["anbValidated"]}


@pytest.mark.slow
def test_ranked_by_effect_and_errors(state):
    big = pd.DataFrame(bu_rows("0004", (900, 900, 950, 900, 925), (0, 0, 0, 0, 0)))
    st = rollup.State(state.summary, pd.concat([state.budget_units, big], ignore_index=True),
                      state.rule_counts, pd.concat([state.names, pd.Series({"0004": "Gain"})]))
    pub = rollup.publish(st)
    r = rollup.ranked(pub, rollup.EFFECT)
    # effects +25, -10, 0, -1 (Total 14): -1 is hidden, so is -10 (smallest non-zero other),
    # else Total - 25 - 0 would give it back. Hidden ones come last, by number, unranked.
    assert r["district"].tolist() == ["0004", "0002", "0001", "0003"]
    assert r["fundingEffect"].tolist() == [25.0, 0.0, "*", "<10"]
    assert r["rank"].tolist()[:2] == [1, 2] and r["rank"].iloc[2:].isna().all()
    big2 = pd.DataFrame(bu_rows("0005", (900, 900, 870, 900, 885), (0, 0, 0, 0, 0)))
    st2 = rollup.State(st.summary, pd.concat([st.budget_units, big2], ignore_index=True),
                       st.rule_counts, pd.concat([st.names, pd.Series({"0005": "Loss"})]))
    r2 = rollup.ranked(rollup.publish(st2), rollup.EFFECT)
    # by size, either sign: +25 then -15 (the statewide -1 is hidden, so -10 need not be)
    assert r2["district"].tolist()[:3] == ["0004", "0005", "0001"]
    e = rollup.ranked(pub, "errors")
    published = e[e["rank"].notna()]
    assert published["errors"].tolist() == sorted(published["errors"].tolist(), reverse=True)


def test_failed_districts_and_counts_line(state):
    f = rollup.failed_districts(state)
    assert f.to_dict("records") == [{"district": "0004", "name": "Broken",
                                     "message": "students.csv: file not found"}]
    assert "students.csv: file not found" in rollup.failed_text(state)
    assert rollup.counts_line(state) == (
        "districts: 4 in batch; in rollup 3 (ok 2, skipped 1); failed 1")


@pytest.mark.slow
def test_headline_shows_only_published_values(state):
    text = rollup.headline(state, rollup.publish(state))
    assert "errors 69" in text and "funding effect" in text


@pytest.mark.slow
def test_figures_never_carry_hidden_numbers(state):
    pub = rollup.publish(state)
    fig = figures.ranking_figure(pub, "errors")
    shown = [v for tr in fig.data for v in tr.x]
    assert 2 not in shown  # 0003's two errors
    assert all(not (0 < abs(v) < 10) for v in shown)
    assert len(figures.budget_units_figure(pub).data) == 2
    rules_fig = figures.rules_figure(pub)
    assert {tr.name for tr in rules_fig.data} == {"error", "warning", "info"}
    assert "1" not in [c for tr in rules_fig.data for c in tr.customdata]


def test_load_state_reads_only_rule_columns(tmp_path):
    root = tmp_path / "out"
    for d in ("0001", "0002"):
        (root / d).mkdir(parents=True)
    pd.DataFrame(bu_rows("x", (10, 10, 10, 10, 10), (0, 0, 0, 0, 0))).drop(
        columns="district").to_parquet(root / "0001" / "budget_units.parquet")
    pd.DataFrame({"ruleId": ["ANB-01", "ANB-01"], "severity": ["error"] * 2,
                  "collection": ["Spring ANB"] * 2, "stateID": ["1234567890", "1"],
                  "studentName": ["Doe, Jane", "Roe, R"]}).to_parquet(
        root / "0001" / "findings.parquet")
    pd.DataFrame({"district": ["0001", "0002", "0003"], "name": ["A", "B", "C"],
                  "status": ["ok", "ok", "failed"], "seconds": [1.0, 2.0, ""],
                  "message": ["", "", "boom"], "outputDir": ["0001", "0002", "0003"]}).to_csv(
        root / "batch_summary.csv", index=False)
    s = rollup.load_state(root)
    assert s.rule_counts.to_dict("records") == [
        {"district": "0001", "ruleId": "ANB-01", "severity": "error",
         "collection": "Spring ANB", "findings": 2}]
    assert "stateID" not in s.rule_counts.columns and "studentName" not in s.rule_counts.columns
    # 0002 said ok but has no tables: reported as failed, with the reason
    f = rollup.failed_districts(s)
    assert f["district"].tolist() == ["0002", "0003"]
    assert f.loc[0, "message"].startswith("rollup:")
    assert s.summary["district"].tolist()[0] == "0001"  # text, leading zeros kept


NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "statewide_rollup.ipynb"


def test_rollup_notebook_is_thin_parameterized_and_stores_its_checked_outputs():
    """nbval compares the checked cells: each holds the output it must print (a cell stored
    unrun compares nothing); every other cell is stored without outputs."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    tagged = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and "batch_dir" in tagged[0].source
    checked = [c for c in code if c.source.startswith("# NBVAL_CHECK_OUTPUT")]
    assert len(checked) == 4
    for c in code:
        assert not re.search(r"^\s*(def|class)\s", c.source, re.M)
        if ".show()" in c.source:
            assert c.source.startswith("# NBVAL_IGNORE_OUTPUT")
        if c in checked:
            assert c.execution_count and [o.output_type for o in c.outputs] == ["stream"]
            assert c.outputs[0].text.strip()
        else:
            assert not c.outputs and c.execution_count is None
    headline = checked[0].outputs[0].text
    assert headline.startswith("districts: 3 in batch") and "findings statewide:" in headline


# ---- before the count date (issue 21): FTE and ANB at risk per district ---------------------
def _at_risk_state(state, fte, anb):
    summary = state.summary.assign(fteAtRisk=fte, anbAtRisk=anb)
    return rollup.State(summary, state.budget_units, state.rule_counts, state.names)


@pytest.mark.slow
def test_districts_ranked_by_anb_at_risk_with_suppression(state):
    # 0001: 40 FTE (20.11 ANB); 0002: 24 (12.07); 0003: 2 (1.01, hidden); 0004 failed
    st = _at_risk_state(state, [40.0, 24.0, 2.0, None], [20.11, 12.07, 1.01, None])
    t = rollup.district_table(st)
    assert t.loc["Total", "fteAtRisk"] == 66.0
    assert t.loc["Total", "anbAtRisk"] == pytest.approx(33.19)
    r = rollup.ranked(rollup.publish(st), "anbAtRisk")
    # 1.01 is hidden, so is 12.07 (the smallest other), else Total - 20.11 would give it back;
    # hidden ones come last, by number, unranked
    assert r["district"].tolist() == ["0001", "0002", "0003"]
    assert r["anbAtRisk"].tolist() == [20.11, sp.COMPLEMENTARY, sp.SMALL]
    assert r["rank"].iloc[0] == 1 and r["rank"].iloc[1:].isna().all()
    assert r["fteAtRisk"].iloc[2] == sp.SMALL
    published = _at_risk_state(state, [40.0, 24.0, 0.0, None], [20.11, 12.07, 0.0, None])
    r = rollup.ranked(rollup.publish(published), "anbAtRisk")
    assert r["anbAtRisk"].tolist() == [20.11, 12.07, 0.0]
    assert r["rank"].tolist() == [1, 2, 3]


@pytest.mark.slow
def test_anb_at_risk_hidden_hides_its_fte_too(state):
    """ANB at risk is FTE at risk times a known factor: 14 FTE beside '<10' ANB would give the
    ANB back, so the FTE is hidden as well."""
    st = _at_risk_state(state, [40.0, 14.0, 0.0, None], [20.11, 7.04, 0.0, None])
    pub = rollup.publish(st)
    row = pub.districts.loc["0002"]
    assert row["anbAtRisk"] == sp.SMALL and row["fteAtRisk"] == sp.COMPLEMENTARY
    num = pub.numbers["districts"]
    for col in rollup.AT_RISK:  # and no column total gives a single hidden value back
        assert num[col].isna().sum() != 1, col


def test_a_batch_without_forecasts_has_zero_at_risk(state):
    t = rollup.district_table(state)
    assert (t[list(rollup.AT_RISK)] == 0).all().all()

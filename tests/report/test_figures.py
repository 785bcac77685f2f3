from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mtcollect_nb.checks.run import DistrictRun, run_from_analysis
from mtcollect_nb.columns import CTE_COLUMNS, FINDINGS_COLUMNS
from mtcollect_nb.report import figures
from mtcollect_nb.testing import absences, enrollment, make_analysis, school_days, student


def findings(rows: list[tuple[str, str, str]]) -> pd.DataFrame:
    df = pd.DataFrame([dict.fromkeys(FINDINGS_COLUMNS, "") for _ in rows])
    if rows:
        df[["ruleId", "severity", "schoolNumber"]] = rows
    return df.reindex(columns=list(FINDINGS_COLUMNS))


def anb(**kw: list) -> pd.DataFrame:
    base = {"schoolNumber": ["0001", "0001", "0002"], "grade": ["05", "06", "09"],
            "springCountReported": [10.0, 20.0, 30.0], "springCountValidated": [9.0, 20.0, 31.5],
            "fallCount": [10.0, 20.0, 30.0]}
    base.update(kw)
    return pd.DataFrame(base)


def run_with(**cached: pd.DataFrame) -> DistrictRun:
    run = run_from_analysis(make_analysis(students=[student(1)], enrollments=[enrollment(10, 1)],
                                          fall_count=[]))
    run.analysis.__dict__.update(cached)
    return run


def test_robust_outliers() -> None:
    assert figures.robust_outliers(pd.Series([10, 11, 9, 10, 50])).tolist() == [0, 0, 0, 0, 1]
    # MAD 0: the mean absolute deviation stands in
    assert figures.robust_outliers(pd.Series([5, 5, 5, 5, 20])).tolist() == [0, 0, 0, 0, 1]
    assert figures.robust_outliers(pd.Series([5, 5, 5, 5, 6])).tolist() == [0, 0, 0, 0, 0]
    assert figures.robust_outliers(pd.Series([5, 5, 5, 5, 6]), min_relative=0).tolist() == [
        0, 0, 0, 0, 1]
    assert not figures.robust_outliers(pd.Series([3.0, 3.0, np.nan])).any()
    assert figures.robust_outliers(pd.Series([], dtype=float)).empty


@pytest.mark.slow
def test_accounting_figure() -> None:
    run = run_with()
    acc = run.analysis.bundle.accounting
    acc.loc[acc["file"] == "students.csv", ["read", "rejected"]] = [3, 2]
    fig = figures.accounting_figure(run)
    used, rejected = fig.data
    i = list(used.x).index("students.csv")
    assert (used.y[i], rejected.y[i]) == (1, 2)
    assert list(used.x) == sorted(used.x)


def test_findings_by_rule_and_school() -> None:
    f = findings([("ANB-01", "error", "0001"), ("ANB-01", "error", "0002"),
                  ("PHO-01", "warning", ""), ("ANB-14", "info", "0001")])
    fig = figures.findings_by_rule_figure(f)
    assert [(t.name, list(t.x), list(t.y)) for t in fig.data] == [
        ("error", ["ANB-01"], [2]), ("warning", ["PHO-01"], [1]), ("info", ["ANB-14"], [1])]
    assert "4 in all" in fig.layout.title.text
    fig = figures.findings_by_school_figure(f)
    by = {t.name: dict(zip(t.x, t.y, strict=True)) for t in fig.data}
    assert by == {"error": {"0001": 1, "0002": 1}, "warning": {"(district)": 1},
                  "info": {"0001": 1}}
    named = figures.findings_by_school_figure(f, pd.Series({"0001": "0001 Lincoln"}))
    assert list(named.data[0].x) == ["0001 Lincoln", "0002"]


@pytest.mark.slow
def test_anb_and_funding_effect() -> None:
    run = run_with(anb_table=anb())
    rep, val = figures.anb_figure(run).data
    assert [list(level) for level in rep.x] == [
        ["0001 Test School", "0001 Test School", "0002"], ["05", "06", "09"]]
    assert list(rep.y) == [10, 20, 30] and list(val.y) == [9, 20, 31.5]
    fig = figures.funding_effect_figure(run)
    bar = fig.data[0]
    assert list(bar.x) == ["0001 Test School", "0002"] and list(bar.y) == [-1.0, 1.5]
    assert list(bar.marker.color) == [figures.BAD, figures.GOOD]
    assert "+0.5" in fig.layout.title.text


@pytest.mark.slow
def test_count_change_marks_outlier() -> None:
    t = anb(schoolNumber=["0001"] * 6, grade=["01", "02", "03", "04", "05", "06"],
            fallCount=[20.0, 20.0, 20.0, 20.0, 20.0, 20.0],
            springCountReported=[20.0, 21.0, 19.0, 20.0, 20.0, 8.0],
            springCountValidated=[0.0] * 6)
    fig = figures.count_change_figure(run_with(anb_table=t))
    normal, outlier = fig.data
    assert outlier.name == "outlier"
    assert [list(v) for v in outlier.x] == [["0001 Test School"], ["06"]]
    assert list(outlier.y) == [-12.0] and len(normal.y) == 5
    assert "1 outliers" in fig.layout.title.text


@pytest.mark.slow
def test_count_change_without_fall_count() -> None:
    run = run_from_analysis(make_analysis(students=[student(1)], enrollments=[enrollment(10, 1)]))
    run.analysis.__dict__["anb_table"] = anb()
    fig = figures.count_change_figure(run)
    assert not fig.data and "fall_count.csv" in fig.layout.annotations[0].text


@pytest.mark.slow
def test_streak_distribution() -> None:
    streaks = pd.DataFrame({"enrollmentID": range(6), "streak": [0, 0, 3, 9, 12, 12]})
    fig = figures.streak_distribution_figure(run_with(streaks=streaks))
    bar = fig.data[0]
    assert list(bar.x) == list(range(1, 13))
    assert bar.y[2] == 1 and bar.y[8] == 1 and bar.y[11] == 2 and sum(bar.y) == 4
    assert bar.marker.color[2] == figures.NORMAL and bar.marker.color[8] == figures.RISK
    assert bar.marker.color[10] == figures.BAD
    rect, line = fig.layout.shapes
    assert (rect.x0, rect.x1) == (7.5, 10.5) and line.x0 == 10.5
    assert "2 at 11+, 1 at 8-10, 2 of 6" in fig.layout.title.text


def heat_run() -> DistrictRun:
    days = school_days(1, "2025-01-27", "2025-02-07") + school_days(2, "2025-01-27", "2025-02-07")
    a = make_analysis(
        schools=[{"schoolID": 1, "schoolNumber": "0001"}, {"schoolID": 2, "schoolNumber": "0002"}],
        calendars=[{"calendarID": 1, "schoolID": 1}, {"calendarID": 2, "schoolID": 2}],
        days=days, students=[student(i) for i in range(1, 6)],
        enrollments=[enrollment(1, 1, startDate="2025-01-27"),
                     enrollment(2, 2, startDate="2025-01-29"),
                     enrollment(3, 3, startDate="2025-01-27", endDate="2025-01-30"),
                     enrollment(4, 4, startDate="2025-01-27", noShow=True),
                     enrollment(5, 5, calendarID=2, startDate="2025-01-27")],
        attendance=absences(1, ["2025-01-29", "2025-01-30"])
        + absences(2, ["2025-01-30"], excuse="X") + absences(2, ["2025-01-31"],
                                                            present_minutes=300))
    return run_from_analysis(a)


@pytest.mark.slow
def test_absence_rates() -> None:
    r = figures.absence_rates(heat_run())
    s1 = r[r["schoolNumber"] == "0001"]
    s1 = s1.set_index(s1["date"].dt.strftime("%m-%d"))
    assert s1["enrolled"].to_dict() == {"01-27": 2, "01-28": 2, "01-29": 3, "01-30": 3,
                                        "01-31": 2, "02-03": 2}
    assert s1["absent"].to_dict() == {"01-27": 0, "01-28": 0, "01-29": 1, "01-30": 1,
                                      "01-31": 0, "02-03": 0}
    assert s1.loc["01-29", "rate"] == pytest.approx(1 / 3)
    s2 = r[r["schoolNumber"] == "0002"]
    assert len(s2) == 6 and (s2["rate"] == 0).all()  # nothing after the count date 02-03


@pytest.mark.slow
def test_absence_heatmap() -> None:
    fig = figures.absence_heatmap_figure(heat_run())
    heat, zero = fig.data
    assert list(heat.y) == ["0001", "0002"] and np.asarray(heat.z).shape == (2, 6)
    assert np.asarray(heat.z)[0][2] == 33.3
    assert len(zero.x) == 4 + 6
    assert "10 school-days" in fig.layout.title.text


def test_cte_figure() -> None:
    rows = [dict.fromkeys(CTE_COLUMNS, "") for _ in range(6)]
    sheet = pd.DataFrame(rows)
    sheet["sectionID"] = range(1, 7)
    sheet["minutesPerDay"] = pd.array([50, 50, 55, None, 50, 50], dtype="Int64")
    sheet["rosterCountWindow"] = [20, 22, 21, 20, 0, 19]
    sheet.loc[3, "findings"] = "CTE-03"
    fig = figures.cte_figure(sheet)
    normal, odd = fig.data
    assert len(normal.x) == 4 and list(odd.y) == [20, 0] and list(odd.x) == [0, 50]
    assert "[CTE-03]" in odd.text[0] and "section 4" in odd.text[0]


@pytest.mark.slow
@pytest.mark.parametrize("build", [
    lambda r: figures.accounting_figure(r), lambda r: figures.anb_figure(r),
    lambda r: figures.streak_distribution_figure(r), lambda r: figures.absence_heatmap_figure(r),
    lambda r: figures.count_change_figure(r), lambda r: figures.funding_effect_figure(r),
    lambda r: figures.findings_by_rule_figure(r.findings),
    lambda r: figures.findings_by_school_figure(r.findings),
    lambda r: figures.cte_figure(pd.DataFrame(columns=list(CTE_COLUMNS))),
])
def test_every_builder_handles_an_empty_district(build) -> None:
    run = run_from_analysis(make_analysis())
    fig = build(run)
    assert isinstance(fig, go.Figure)
    assert fig.to_json() == build(run_from_analysis(make_analysis())).to_json()


@pytest.mark.slow
def test_deterministic() -> None:
    a, b = heat_run(), heat_run()
    for name in ("absence_heatmap_figure", "streak_distribution_figure", "anb_figure"):
        assert getattr(figures, name)(a).to_json() == getattr(figures, name)(b).to_json()


@pytest.mark.slow
def test_count_change_outliers_follow_the_plotted_change() -> None:
    """Issue 14: a -0.25 FTE move of a tiny grade was flagged while a -3 move was not."""
    t = anb(schoolNumber=["0001"] * 6, grade=["01", "02", "03", "04", "05", "06"],
            fallCount=[10.0, 20.0, 30.0, 40.0, 0.5, 100.0],
            springCountReported=[10.0, 20.0, 30.0, 40.0, 0.25, 97.0],
            springCountValidated=[0.0] * 6)
    fig = figures.count_change_figure(run_with(anb_table=t))
    outlier = next(tr for tr in fig.data if tr.name == "outlier")
    assert list(outlier.y) == [-3.0]


def test_a_move_under_one_student_is_never_an_outlier() -> None:
    values = pd.Series([0.0] * 20 + [0.75])
    assert not figures.robust_outliers(values, min_absolute=1.0).any()
    assert figures.robust_outliers(values, min_absolute=0.0).iloc[-1]


@given(st.lists(st.floats(-1e4, 1e4, allow_nan=False), min_size=1, max_size=30))
def test_outliers_are_monotone_in_distance_from_the_median(xs: list[float]) -> None:
    """Whatever is flagged, every value at least as far from the median is flagged too."""
    s = pd.Series(xs)
    out = figures.robust_outliers(s)
    dev = (s - s.median()).abs()
    if out.any():
        assert out[dev >= dev[out].min()].all()

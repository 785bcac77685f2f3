"""The demo's forecast edges (synthetic/plant_forecast.py): a January run lists exactly them.

As of Monday 2025-01-27 (a week before the count date Monday 2025-02-03), days left are 5 in
a calendar counting on Feb 3 and 6 where the count date is a PIR day (count on Feb 4).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.load.loader import load_bundle
from mtcollect_nb.params import load_params
from mtcollect_nb.synthetic import plant_forecast as pf
from mtcollect_nb.synthetic import write as synth
from mtcollect_nb.synthetic.write import FORECAST_PARAMS, build_district, write_demo

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Analysis, dict, set[int]]:
    """The demo's forecast run (unmasked), its forecast edges and every planted personID."""
    out = tmp_path_factory.mktemp("demo")
    params = load_params(write_demo(out).with_name(FORECAST_PARAMS))
    params = params.model_copy(update={"mask_pii": False})
    d = build_district(students=600, seed=1)
    planted = {p for keys in d.planted.values() for p in keys.get("personID", [])}
    a = Analysis(load_bundle(Path(params.extracts_dir), params), params)
    return a, d.forecast_planted, planted


def test_the_demo_forecast_parameters_are_a_week_before_the_count_date(tmp_path: Path) -> None:
    params = load_params(write_demo(tmp_path).with_name(FORECAST_PARAMS))
    assert params.forecast and params.as_of == dt.date(2025, 1, 27)
    assert (params.count_date - params.as_of).days == 7
    assert Path(params.output_dir) == tmp_path / "output-forecast"
    repo = load_params(Path(__file__).parents[2] / "parameters" / "demo-forecast.yaml")
    assert repo.as_of == params.as_of and repo.district_number == "0999"


def test_every_edge_is_planted(demo) -> None:
    _, edges, _ = demo
    assert set(edges) == set(pf.EDGES)


def test_the_call_list_is_exactly_the_planted_students(demo) -> None:
    a, edges, planted = demo
    listed = set(a.call_list["enrollmentID"].astype(int))
    expected = {edges[e]["enrollmentID"] for e in pf.LISTED}
    assert expected <= listed
    assert not listed & {edges[e]["enrollmentID"] for e in set(pf.EDGES) - pf.LISTED}
    # the others listed are students planted for a rule (streaks running to the count date)
    people = a.enrollments.set_index("enrollmentID")["personID"]
    others = {int(people[e]) for e in listed - expected}
    assert others <= planted


def _as_of_row(a: Analysis, eid: int) -> pd.Series:
    return a.streaks_as_of.set_index("enrollmentID").loc[eid]


def test_the_edges_of_the_rule(demo) -> None:
    a, edges, _ = demo
    rows = {e: _as_of_row(a, edges[e]["enrollmentID"])
            for e in ("exact", "one less", "half day", "holiday", "at 11")}
    for e, r in rows.items():
        assert int(r["daysLeft"]) in (5, 6), e
    left = {e: int(r["daysLeft"]) for e, r in rows.items()}
    assert int(rows["exact"]["streakAsOf"]) == 11 - left["exact"] and rows["exact"]["atRisk"]
    assert int(rows["one less"]["streakAsOf"]) == 10 - left["one less"]
    assert not rows["one less"]["atRisk"]
    assert int(rows["half day"]["streakAsOf"]) == 3 and not rows["half day"]["atRisk"]
    holiday = rows["holiday"]
    assert holiday["atRisk"] and pd.Timestamp(holiday["streakStart"]) < pd.Timestamp(
        "2025-01-20") < pd.Timestamp("2025-01-27")
    assert int(rows["at 11"]["streakAsOf"]) == 12
    listed = a.call_list.set_index("enrollmentID")
    assert pd.isna(listed.loc[edges["at 11"]["enrollmentID"], "reaches11On"])
    assert str(listed.loc[edges["exact"]["enrollmentID"], "reaches11On"].date()) in (
        "2025-02-03", "2025-02-04")  # the count date itself


def test_an_enrollment_ending_before_the_count_date_is_not_looked_at(demo) -> None:
    a, edges, _ = demo
    eid = edges["ends"]["enrollmentID"]
    e = a.enrollments.set_index("enrollmentID").loc[eid]
    assert pd.Timestamp("2025-01-27") < e["endDate"] < pd.Timestamp("2025-02-03")
    assert eid not in set(a.streaks_as_of["enrollmentID"])


def test_over_the_cap_the_fte_at_risk_is_its_share(demo) -> None:
    a, edges, _ = demo
    eid, pid = edges["over cap"]["enrollmentID"], edges["over cap"]["personID"]
    fte = a.fte.set_index("enrollmentID")
    mine = fte.loc[fte["personID"] == pid]
    assert mine["fteReportedUncapped"].sum() > 1.0  # the student is over the cap
    at_risk = float(a.call_list.set_index("enrollmentID").loc[eid, "fteAtRisk"])
    # its share after the cap: the primary enrollment's 1.0 fills the cap, so 0 (listed still)
    assert at_risk == pytest.approx(float(fte.loc[eid, "fteValidated"])) == 0.0
    assert float(fte.loc[eid, "fteReportedUncapped"]) == 0.25


def test_the_normal_run_does_not_change(tmp_path: Path, monkeypatch) -> None:
    """The count date's findings and counts are those of the demo without the edges."""
    def normal(folder: Path):
        params = load_params(write_demo(folder)).model_copy(update={"mask_pii": False})
        a = Analysis(load_bundle(Path(params.extracts_dir), params), params)
        from mtcollect_nb.checks.run import run_from_analysis

        f = run_from_analysis(a).findings[["ruleId", "stateID", "enrollmentID", "field",
                                           "value"]]
        # the data-quality rows are appended after the attendance rows: their lines move
        f = f.assign(field=f["field"].str.replace(r" line \d+:", ":", regex=True))
        return f, a.budget_units

    with_edges = normal(tmp_path / "a")
    monkeypatch.setattr(synth, "plant_forecast", lambda d: {})
    without = normal(tmp_path / "b")
    pd.testing.assert_frame_equal(with_edges[0], without[0])
    pd.testing.assert_frame_equal(with_edges[1], without[1])

"""The explorer's views of a fall run (issue 22 item 5): the season's columns and words."""

from __future__ import annotations

import pytest

from mtcollect_nb.explore.figures import hours_figure, school_anb_figure
from mtcollect_nb.explore.student import student_enrollments, why_excluded
from mtcollect_nb.explore.views import biggest_move, count_moves, school_anb
from mtcollect_nb.params import Params, with_overrides
from mtcollect_nb.report.pipeline import analyze_district
from mtcollect_nb.synthetic import build_district, write_district

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory):
    root = tmp_path_factory.mktemp("fall-explore")
    extracts = write_district(root / "extracts", students=300, seed=2)
    spring = Params(district_number="0999", district_name="Synthetic Public Schools",
                    school_year=2025, extracts_dir=str(extracts), output_dir=str(root / "o"))
    fall = with_overrides(spring, "test", collection_season="fall")
    planted = build_district(students=300, seed=2).fall_planted
    return analyze_district(spring), analyze_district(fall), planted


def _school(run) -> str:
    return str(run.analysis.anb_table["schoolNumber"].iloc[0])


def test_a_schools_fall_count_by_grade(runs) -> None:
    spring, fall, _ = runs
    t = school_anb(fall, _school(fall))
    assert "fallCountReported" in t.columns and "fallCount" not in t.columns
    assert t["grade"].iloc[-1] == "Total"
    fig = school_anb_figure(t, _school(fall))
    assert "fall count by grade" in fig.layout.title.text and len(fig.data) == 2
    s = school_anb(spring, _school(spring))  # the twin: the spring run's, with the fall count
    assert {"springCountReported", "fallCount"} <= set(s.columns)
    assert "spring count by grade" in school_anb_figure(s).layout.title.text


def test_no_fall_to_spring_move_in_a_fall_run(runs) -> None:
    spring, fall, _ = runs
    assert count_moves(fall).empty and biggest_move(fall) == ""
    assert not count_moves(spring).empty


def test_one_students_fall_fields_and_why_not_counted(runs) -> None:
    _, fall, planted = runs
    pid = planted["ANB-02"]["personID"][0]  # marked mtExcludeFallANB after 4 absences
    e = student_enrollments(fall, pid)
    assert {"mtFallAggregateHours", "mtFallAbsent", "mtExcludeFallANB"} <= set(e.columns)
    assert "mtSpringAbsent" not in e.columns
    assert hours_figure(e).data[0].x[0] == e.loc[e["onCountDate"], "mtFallAggregateHours"].iloc[0]
    reasons = why_excluded(fall, pid)
    assert any("marked mtExcludeFallANB in Infinite Campus; the computed streak is only 4 days"
               in r for r in reasons), reasons

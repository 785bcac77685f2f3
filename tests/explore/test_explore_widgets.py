"""Widget callbacks as plain functions, and the explorer's construction and wiring."""

from __future__ import annotations

import ipywidgets as widgets
import pandas as pd
import plotly.graph_objects as go
import pytest

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.checks.run import DistrictRun, run_from_analysis
from mtcollect_nb.columns import FINDINGS_COLUMNS
from mtcollect_nb.explore import tour as explore_tour
from mtcollect_nb.explore import widgets as explore_widgets
from mtcollect_nb.explore.widgets import (
    ANY,
    count_moves_view,
    explorer,
    on_filter_change,
    on_school_change,
    on_student_change,
)
from mtcollect_nb.privacy.masking import mask_run
from mtcollect_nb.testing import absences, enrollment, make_analysis, school_days, student

STREAK_11 = [d for d in pd.bdate_range("2025-01-17", "2025-02-03")
             if d != pd.Timestamp("2025-01-20")]


@pytest.fixture(scope="module")
def run() -> DistrictRun:
    """1: 11-day streak (ANB-01); 2: kindergartner under 5 (ANB-04); 3: part-time (ANB-07);
    4: counted in full, no finding."""
    return run_from_analysis(make_analysis(
        days=school_days(holidays=["2025-01-20"]),
        students=[student(1), student(2, birthdate="2019-10-01"),
                  student(3, photoOptIn="Opt Out"), student(4)],
        enrollments=[enrollment(10, 1), enrollment(11, 2, grade="KG"),
                     enrollment(12, 3, grade="10", mtSpringAggregateHours=400.0),
                     enrollment(13, 4)],
        attendance=absences(1, STREAK_11)))


@pytest.mark.slow
def test_filter_callback(run: DistrictRun) -> None:
    everything = on_filter_change(run)
    assert everything["matching"] == len(run.findings) > 2
    assert list(everything["table"].columns) == list(FINDINGS_COLUMNS)
    anb01 = on_filter_change(run, rule="ANB-01", severity="error", school=ANY, collection="")
    assert anb01["table"]["stateID"].tolist() == ["900000001"]
    assert anb01["summary"] == f"1 of {len(run.findings)} findings"
    assert on_filter_change(run, rule="ANB-01", severity="warning")["matching"] == 0


def test_filter_callback_caps_the_rows_shown(run: DistrictRun, monkeypatch) -> None:
    monkeypatch.setattr(explore_widgets, "MAX_ROWS", 1)
    out = on_filter_change(run)
    assert len(out["table"]) == 1 and out["summary"].endswith("(first 1 shown)")


@pytest.mark.slow
def test_student_callback_excluded_student(run: DistrictRun) -> None:
    out = on_student_change(run, 1)
    assert out["reasons"] == [
        "11 consecutive whole-day absences ending on the count date 2025-02-03 (from 2025-01-17)"]
    assert out["verdict"] == "FTE validated 0: 1 reason(s) below."
    assert out["enrollments"]["enrollmentID"].tolist() == [10]
    assert out["calendar"]["streakDay"].max() == 11
    assert out["findings"]["ruleId"].tolist() == ["ANB-01"]
    assert out["findings"]["remedy"].tolist() == [all_rules()["ANB-01"].remedy]
    fig = out["calendar_figure"]
    assert isinstance(fig, go.Figure)
    streak = next(t for t in fig.data if t.name == "streak day")
    assert list(streak.text) == [str(i) for i in range(1, 12)]
    assert "11 consecutive whole-day absences" in fig.layout.title.text
    hours = out["hours_figure"]
    assert [t.name for t in hours.data] == ["reported", "computed"]
    assert list(hours.data[0].x) == [1080.0] and list(hours.data[1].x) == [1224.0]


@pytest.mark.slow
def test_student_callback_other_students(run: DistrictRun) -> None:
    kg = on_student_change(run, 2)
    assert kg["reasons"] == ["kindergarten: 4 years old on 2024-09-10 (born 2019-10-01), under 5"]
    assert kg["findings"]["ruleId"].tolist() == ["ANB-04"]
    part = on_student_change(run, 3)
    assert part["reasons"] == ["part-time: 400 reported aggregate hours, FTE 0.5"]
    assert part["verdict"] == "FTE validated 0.5: 1 reason(s) below."
    assert list(part["hours_figure"].data[0].text) == ["FTE 0.5"]
    nobody = on_student_change(run, None)
    assert nobody["verdict"] == "Pick a student." and nobody["calendar_figure"] is None


@pytest.mark.slow
def test_school_and_moves_callbacks(run: DistrictRun) -> None:
    school = on_school_change(run, "0001")
    assert school["table"]["grade"].tolist() == ["KG", "06", "10", "Total"]
    assert school["table"]["springCountValidated"].tolist() == [0.0, 1.0, 0.5, 1.5]
    assert [t.name for t in school["figure"].data] == ["reported", "validated", "fall count"]
    assert list(school["figure"].data[1].x) == ["KG", "06", "10"]  # Total row not drawn
    assert on_school_change(run, "")["figure"] is None
    moves = count_moves_view(run)
    assert moves["answer"].startswith("School 0001 Test School moved most")
    assert list(moves["figure"].data[0].x) == moves["table"]["changeReported"].tolist()


def tab_children(tab: widgets.Tab) -> dict[str, widgets.Widget]:
    return dict(zip(tab.titles, tab.children, strict=True))


@pytest.mark.slow
def test_explorer_builds_four_tabs(run: DistrictRun) -> None:
    tab = explorer(run)
    assert isinstance(tab, widgets.Tab)
    assert tuple(tab.titles) == ("Findings", "Student", "School", "Count moves")
    moves = tab_children(tab)["Count moves"]
    assert "moved most" in moves.children[0].value


@pytest.mark.slow
def test_findings_tab_is_wired_to_the_filter_callback(run: DistrictRun) -> None:
    box = tab_children(explorer(run))["Findings"]
    dropdowns, summary, table = box.children[0].children, box.children[1], box.children[2]
    assert [d.description for d in dropdowns] == ["school", "rule", "severity", "collection"]
    rule = dropdowns[1]
    assert "ANB-01" in rule.options and rule.options[0] == ANY
    rule.value = "ANB-04"
    assert f"1 of {len(run.findings)} findings" in summary.value
    assert "ANB-04" in table.value and "ANB-01" not in table.value


@pytest.mark.slow
def test_student_tab_is_wired_to_the_student_callback(run: DistrictRun) -> None:
    box = tab_children(explorer(run))["Student"]
    picker, only = box.children[0].children
    verdict, enrollments, findings = box.children[1], box.children[2], box.children[4]
    assert len(picker.options) == 5  # (pick one) + 4 students
    only.value = True
    assert [label for label, _ in picker.options[1:]] == [
        "900000001 Last1, First1", "900000002 Last2, First2", "900000003 Last3, First3"]
    picker.value = 1
    assert "from 2025-01-17" in verdict.value
    assert "<td>10</td>" in enrollments.value
    assert "ANB-01" in findings.value


@pytest.mark.slow
def test_school_tab_is_wired(run: DistrictRun) -> None:
    box = tab_children(explorer(run))["School"]
    picker, table = box.children[0], box.children[2]
    picker.value = "0001"
    assert "Total" in table.value and "<td>KG</td>" in table.value


@pytest.mark.slow
def test_masked_explorer_shows_no_real_id(run: DistrictRun) -> None:
    masked = mask_run(run)
    tab = explorer(masked)
    box = tab_children(tab)["Student"]
    picker = box.children[0].children[0]
    labels = " ".join(label for label, _ in picker.options)
    assert "9000000" not in labels and "Last1" not in labels
    picker.value = picker.options[1][1]
    assert "9000000" not in box.children[2].value and "Last" not in box.children[2].value


def test_tour_groups_cover_every_rule_once() -> None:
    rules = [r for g in explore_tour.CHECK_GROUPS.values() for r in g.rules]
    assert sorted(rules) == sorted(all_rules()) and len(rules) == len(set(rules))
    assert all(g.example in g.rules for g in explore_tour.CHECK_GROUPS.values())


@pytest.mark.slow
def test_tour_example_card_finds_the_planted_finding(run: DistrictRun) -> None:
    cases = {"ANB-01": {"description": "planted streak", "personID": [1],
                        "stateID": ["900000001"]},
             "ANB-04": {"description": "planted kg", "personID": [99]}}
    card = explore_tour.example(run, cases, "ANB-01")
    items = dict(zip(card["item"], card["value"], strict=True))
    assert items["planted"] == "planted streak" and items["stateID"] == "900000001"
    assert items["remedy"] == all_rules()["ANB-01"].remedy
    assert card["item"].tolist()[-2:] == ["message", "remedy"]
    # no finding names the planted key: the rule's first finding stands in
    anb04 = explore_tour.example(run, cases, "ANB-04")
    assert dict(zip(anb04["item"], anb04["value"], strict=True))["stateID"] == "900000002"
    assert explore_tour.example(run, {}, "TCH-02")["value"].tolist() == [
        "", "no TCH-02 finding in this run"]
    masked = mask_run(run)
    pid = explore_tour.planted_person(masked, cases, "ANB-01")
    assert pid is not None and pid != 1
    masked_card = explore_tour.example(masked, cases, "ANB-01")
    masked_items = dict(zip(masked_card["item"], masked_card["value"], strict=True))
    assert masked_items["stateID"].startswith("S-") and "studentName" not in masked_items
    for key in ("planted", "ruleId", "message", "remedy", "enrollmentID"):
        assert masked_items[key] == items[key]



@pytest.mark.slow
def test_school_filter_shows_school_names(run: DistrictRun) -> None:
    box = tab_children(explorer(run))["Findings"]
    school = box.children[0].children[0]
    assert ("0001 Test School", "0001") in school.options and school.options[0] == (ANY, ANY)
    school.value = "0001"
    assert f"{len(run.findings)} of {len(run.findings)} findings" in box.children[1].value


def test_open_end_date_is_blank_not_nat() -> None:
    df = pd.DataFrame({"endDate": pd.to_datetime(["2025-01-02", None])})
    text = explore_widgets.table_html(df)
    assert "NaT" not in text and "2025-01-02" in text


def test_streak_text_reads_as_english() -> None:
    from mtcollect_nb.explore.figures import absences_text

    assert absences_text(1) == "1 consecutive whole-day absence"
    assert absences_text(0) == "0 consecutive whole-day absences"


@pytest.mark.slow
def test_count_date_mark_does_not_cover_the_streak_number(run: DistrictRun) -> None:
    fig = on_student_change(run, 1)["calendar_figure"]
    count = next(t for t in fig.data if t.name == "count date")
    streak = next(t for t in fig.data if t.name == "streak day")
    assert count.marker.symbol.endswith("-open")  # a frame, not a filled star on the number
    assert count.marker.size > streak.marker.size
    assert "11 consecutive whole-day absences" in fig.layout.title.text


def test_count_moves_legend_shows_both_colours() -> None:
    from mtcollect_nb.explore.figures import count_moves_figure
    from mtcollect_nb.report.figures import BAD, GOOD

    m = pd.DataFrame({"schoolNumber": ["0001", "0002"], "schoolName": ["A", "B"],
                      "changeReported": [3.0, -2.0], "changeValidated": [3.0, -2.0]})
    bars = [t for t in count_moves_figure(m).data if t.type == "bar"]
    assert {t.marker.color for t in bars} == {GOOD, BAD}
    assert all(t.showlegend is not False for t in bars)


def test_findings_grid_picks_a_finding_and_shows_it_in_full(run: DistrictRun) -> None:
    box = tab_children(explorer(run))["Findings"]
    table, (picker, columns), record = box.children[2], box.children[3].children, box.children[4]
    assert "schoolName" in columns.value and "message" in columns.value
    assert "collection" in columns.options and "collection" not in columns.value
    assert "Pick a finding" in record.value
    picker.value = picker.options[1][1]
    assert "Selected finding" in record.value and "remedy" in record.value
    assert "background:#fff3c4" in table.value
    columns.value = ("ruleId",)
    assert "Test School" not in table.value

"""The collection window of a fall run (issue 22 item 4): keys, notes, history, verdicts.

A fall run writes into ``output_dir/fall``, so its notes and history never mix with the spring
run's; these tests also point both seasons at one folder (``finish(run, out_dir)``) to show
that even then a fall finding never takes a spring note and counts compare within a season.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pandas as pd
import pytest

from mtcollect_nb.checks.run import DistrictRun
from mtcollect_nb.params import Params, with_overrides
from mtcollect_nb.report.pipeline import analyze_district, finish, write_outputs
from mtcollect_nb.synthetic import write_district
from mtcollect_nb.window import history
from mtcollect_nb.window.keys import finding_keys, identity


def type_notes(path: Path, notes: dict[str, str]) -> None:
    """What a district does in Excel: a note on the first finding of each rule, saved."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Findings"]
    head = [c.value for c in ws[1]]
    note_col = head.index("note") + 1
    for r in range(2, ws.max_row + 1):
        rule = ws.cell(r, 1).value
        if rule in notes:
            ws.cell(r, note_col).value = notes[rule]
    wb.save(path)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, DistrictRun]:
    root = tmp_path_factory.mktemp("season-window")
    extracts = write_district(root / "extracts", students=250, seed=5)
    spring = Params(district_number="0999", district_name="Synthetic Public Schools",
                    school_year=2025, extracts_dir=str(extracts), output_dir=str(root / "out"),
                    pir_days=1)
    fall = with_overrides(spring, "test", collection_season="fall")
    return {"spring": analyze_district(spring), "fall": analyze_district(fall)}


def test_a_fall_findings_key_is_never_the_spring_key_of_the_same_problem(runs) -> None:
    spring, fall = runs["spring"].findings, runs["fall"].findings
    same = pd.Series(identity(fall).values).isin(set(identity(spring)))
    assert same.sum() >= 10  # the same problems on the same records (GRD, PHO, DQ, ANB-04...)
    assert not set(fall["findingKey"]) & set(spring["findingKey"])


def test_without_the_season_in_the_key_the_keys_would_collide(runs) -> None:
    # the twin: the fall findings keyed as if the run were spring share keys with the spring
    # run (so the season is what keeps them apart); a spring run's keys have no season part,
    # so the keys of notes typed before the fall season existed are unchanged
    spring, fall = runs["spring"], runs["fall"]
    as_spring = SimpleNamespace(findings=fall.findings.drop(columns="findingKey"),
                                masked=fall.masked, params=spring.params,
                                analysis=fall.analysis)
    keys = finding_keys(as_spring)  # type: ignore[arg-type]
    assert len(set(keys) & set(spring.findings["findingKey"])) >= 10


def test_a_fall_run_in_the_spring_folder_carries_no_spring_note(runs, tmp_path: Path) -> None:
    spring, fall = runs["spring"], runs["fall"]
    workbook = write_outputs(finish(spring, tmp_path))
    rules = sorted(set(spring.findings["ruleId"]) & set(fall.findings["ruleId"]))
    type_notes(workbook, {r: f"spring note {r}" for r in rules})
    later = finish(fall, tmp_path)
    assert (later.window.findings["note"] == "").all()
    assert (later.window.findings["status"] == "new").all()
    again = finish(spring, tmp_path)  # the twin: the spring rerun carries every note
    carried = again.window.findings.loc[again.window.findings["ruleId"].isin(rules)]
    assert carried["note"].str.startswith("spring note").all()


def test_the_history_record_names_its_season_and_counts(runs, tmp_path: Path) -> None:
    fall = runs["fall"]
    write_outputs(finish(fall, tmp_path))
    (record,) = history.load_records(tmp_path)
    assert record["season"] == "fall"
    assert {"fallCountReported", "fallCountValidated"} <= set(record["counts"][0])
    assert "springCountReported" not in record["counts"][0]


def test_since_last_run_compares_counts_of_the_same_season(runs, tmp_path: Path) -> None:
    spring, fall = runs["spring"], runs["fall"]
    write_outputs(finish(spring, tmp_path))
    first_fall = finish(fall, tmp_path)  # only a spring run before it: nothing to compare
    assert first_fall.window.previous_run is None
    counts = first_fall.window.counts
    assert list(counts.columns) == ["budgetUnit", "fallCountReportedPrevious",
                                    "fallCountReported", "fallCountValidatedPrevious",
                                    "fallCountValidated"]
    assert counts["fallCountReportedPrevious"].isna().all()
    write_outputs(first_fall)
    second = finish(fall, tmp_path)  # the twin: a fall run before it is compared
    assert second.window.previous_run is not None
    assert second.window.previous_run["season"] == "fall"
    assert (second.window.counts["fallCountReportedPrevious"]
            == second.window.counts["fallCountReported"]).all()
    assert list(second.runs().columns[-2:]) == ["fallCountReported", "fallCountValidated"]
    assert len(second.runs()) == 2  # the two fall runs, not the spring one


def test_ready_to_certify_names_the_fall_collections(runs, tmp_path: Path) -> None:
    fall = finish(runs["fall"], tmp_path).window.ready
    assert fall["collection"].tolist() == ["Fall ANB", "Fall Teacher-Class"]
    not_run = set(runs["fall"].not_run["ruleId"])
    assert {"ANB-17", "ANB-18", "ANB-19"} <= not_run
    # not part of the fall collection is not "did not run": only ANB-24 (law) is counted
    assert fall.set_index("collection").loc["Fall ANB", "rulesNotRun"] == len(
        not_run - {"ANB-17", "ANB-18", "ANB-19"})
    spring = finish(runs["spring"], tmp_path / "s").window.ready  # the twin
    assert spring["collection"].tolist() == ["Spring ANB", "Spring Teacher-Class"]


def test_the_fall_workbook_and_summary_json_name_the_season(runs, tmp_path: Path) -> None:
    write_outputs(finish(runs["fall"], tmp_path))
    wb = pd.read_excel(tmp_path / "findings.xlsx", sheet_name=None, dtype=object)
    assert "fallCountReported" in wb["ANB"].columns and "fallCount" not in wb["ANB"].columns
    assert "mtFallAbsent" in wb["Absences"].columns
    s = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert s["season"] == "fall" and "fallCountReported" in s
    assert s["collections"].startswith("Fall ANB and Fall Teacher-Class on the fall count date")
    assert set(s["certify"]) == {"Fall ANB", "Fall Teacher-Class"}
    assert len(wb["Findings"]) == len(runs["fall"].findings)
    summary = wb["Summary"].astype(str).to_numpy().ravel().tolist()
    assert "Not part of the fall collection (the spring run computes it)" in summary
    assert any(v.startswith("early graduates: counted only in the spring count") for v in summary)

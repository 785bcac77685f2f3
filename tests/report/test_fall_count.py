"""The fall run's fall_count.csv, fed to the spring run (issue 22 item 3, "done when").

The same district three ways: the spring run given the district's certified fall count in
its extracts folder (the synthetic generator's fall_count.csv, made from what the district
reported on the fall count date), the spring run given nothing but the fall run's own
fall_count.csv (``output_dir/fall/``), and, the twin, the spring run given no fall count.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from mtcollect_nb.checks.run import DistrictRun
from mtcollect_nb.compute.anb import anb_formula
from mtcollect_nb.load.contract import TABLES
from mtcollect_nb.outputs import FALL_COUNT_CSV
from mtcollect_nb.params import Params, with_overrides
from mtcollect_nb.report.fall_count import FALL_COUNT_COLUMNS, write_fall_count
from mtcollect_nb.report.pipeline import analyze_district, write_outputs
from mtcollect_nb.synthetic import write_district

pytestmark = pytest.mark.slow

EARLY_GRADUATES = ("ANB-17", "ANB-18", "ANB-19")


def _params(extracts: Path, out: Path, **more: object) -> Params:
    return Params(district_number="0999", district_name="Synthetic Public Schools",
                  school_year=2025, extracts_dir=str(extracts), output_dir=str(out),
                  pir_days=1, **more)


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    root = tmp_path_factory.mktemp("fall-count")
    certified = write_district(root / "certified", students=300, seed=4)
    bare = root / "bare"  # the same extracts without the district's fall_count.csv
    shutil.copytree(certified, bare)
    (bare / FALL_COUNT_CSV).unlink()
    out = root / "out"
    fall = analyze_district(with_overrides(_params(bare, out), "test", collection_season="fall"))
    write_outputs(fall)
    return {"certified": analyze_district(_params(certified, out)), "fall": fall,
            "from_fall_run": analyze_district(_params(bare, out)),
            "none": analyze_district(_params(bare, root / "elsewhere")),
            "fall_csv": out / "fall" / FALL_COUNT_CSV}


def _early_graduate_findings(run: DistrictRun) -> pd.DataFrame:
    f = run.findings
    return f.loc[f["ruleId"].isin(EARLY_GRADUATES), ["ruleId", "stateID", "field", "value"]
                 ].sort_values(["ruleId", "stateID"]).reset_index(drop=True)


def test_the_fall_run_writes_fall_count_csv_in_the_contracts_form(district) -> None:
    path = district["fall_csv"]
    header = path.read_text(encoding="utf-8").splitlines()[0]
    assert tuple(header.split(",")) == FALL_COUNT_COLUMNS
    assert FALL_COUNT_COLUMNS == tuple(TABLES["fall_count"].column_names)
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    assert rows["stateID"].str.fullmatch(r"\d{9}").all()  # real IDs, zeros kept
    assert set(rows["excluded"]) == {"0", "1"}


def _counted(path: Path) -> pd.DataFrame:
    rows = pd.read_csv(path, dtype=str, keep_default_na=False)
    rows = rows.loc[rows["excluded"] == "0"].drop(columns="excluded")
    return rows.sort_values(list(rows.columns)).reset_index(drop=True)


def test_the_spring_run_reads_it_as_the_fall_count_the_fall_run_reported(district) -> None:
    """The spring run's fall column is, school by school and grade by grade, the fall count the
    fall run reported (what IC certifies: each student at most 1.0), and its ANB is the
    formula on that count."""
    ours, fall = district["from_fall_run"], district["fall"]
    keys = ["schoolNumber", "grade"]
    spring_side = ours.analysis.anb_table.set_index(keys)["fallCount"]
    fall_side = fall.analysis.anb_table.set_index(keys)["fallCountReported"]
    both = pd.concat([spring_side, fall_side], axis=1).fillna(0.0)
    assert (both["fallCount"] - both["fallCountReported"]).abs().max() < 1e-9
    bu = ours.analysis.budget_units
    expected = anb_formula(bu["fallCount"], bu["springCountReported"], 1)
    assert (bu["anbReported"] - expected).abs().max() < 1e-9
    assert bu["fallCount"].sum() == fall.analysis.budget_units["fallCountReported"].sum()


def test_the_spring_run_reads_it_as_a_certified_fall_count(district) -> None:
    """Against the district's certified fall_count.csv: the same counted rows (students over
    1.0, whom the fall run's ANB-08 finds, aside: their certified rows were summed without
    the cap) and the same early graduates, matched by state ID."""
    certified, ours, fall = district["certified"], district["from_fall_run"], district["fall"]
    over = set(fall.findings.loc[fall.findings["ruleId"] == "ANB-08", "stateID"])
    mine = _counted(district["fall_csv"])
    theirs = _counted(Path(certified.params.extracts_dir) / FALL_COUNT_CSV)
    pd.testing.assert_frame_equal(mine.loc[~mine["stateID"].isin(over)].reset_index(drop=True),
                                  theirs.loc[~theirs["stateID"].isin(over)].reset_index(drop=True))
    pd.testing.assert_frame_equal(_early_graduate_findings(ours),
                                  _early_graduate_findings(certified))
    assert len(_early_graduate_findings(ours))  # the planted early graduates are there
    notes = ours.analysis.bundle.notes
    said = notes.loc[notes["file"] == FALL_COUNT_CSV, "note"].tolist()
    assert any("read from the fall run's output" in n and str(district["fall_csv"]) in n
               for n in said)
    assert not certified.analysis.bundle.notes["note"].str.contains("fall run's output").any()


def test_without_any_fall_count_the_spring_run_differs(district) -> None:
    # the twin: no fall count at all gives no fall column, another ANB, no early graduate
    none, certified = district["none"], district["certified"]
    assert (none.analysis.budget_units["fallCount"] == 0).all()
    assert not none.analysis.budget_units["anbValidated"].equals(
        certified.analysis.budget_units["anbValidated"])
    assert set(none.not_run["ruleId"]) >= set(EARLY_GRADUATES)


def test_a_masked_or_spring_run_writes_no_fall_count(district, tmp_path: Path) -> None:
    certified = district["certified"]
    (tmp_path / FALL_COUNT_CSV).write_text("stale\n", encoding="utf-8")
    assert write_fall_count(certified, tmp_path) is None  # a spring run reads it, never writes
    assert (tmp_path / FALL_COUNT_CSV).exists()
    fall = with_overrides(certified.params, "test", collection_season="fall", mask_pii=True)
    masked = analyze_district(fall)
    assert masked.masked and write_fall_count(masked, tmp_path) is None
    assert not (tmp_path / FALL_COUNT_CSV).exists()  # never a stale count left behind

"""The tour's two-run example: a note typed, the duplicate fixed, the rerun sees it fixed."""

from __future__ import annotations

from pathlib import Path

import pytest

from mtcollect_nb.explore import tour

pytestmark = pytest.mark.slow


def test_rerun_example_shows_the_fix_with_its_note(tmp_path: Path) -> None:
    day2 = tour.rerun_example(tmp_path / "demo")
    f = day2.window.since
    fixed = f.loc[f["change"] == "fixed"]
    assert fixed["ruleId"].tolist() == ["DQ-01"]
    assert fixed["note"].tolist() == ["duplicate enrollment: removed in IC"]
    assert (f.loc[f["change"] != "fixed", "change"] == "still open").all()
    anb02 = f.loc[f["ruleId"] == "ANB-02"]
    assert anb02["reviewed"].tolist() == ["x"]
    assert day2.runs()["fixed"].tolist() == [0, 1]
    assert len(day2.window.ready) == 2
    assert day2.window.changed["ruleId"].tolist() == ["DQ-01"]
    assert set(day2.window.reviewed["ruleId"]) == {"ANB-02"}
    assert (day2.out_dir / "findings.xlsx").is_file()


def test_type_note_names_a_missing_rule(tmp_path: Path) -> None:
    from mtcollect_nb.params import load_params
    from mtcollect_nb.report.pipeline import analyze_district, write_outputs
    from mtcollect_nb.synthetic.write import parameters, write_district, write_params

    ex = write_district(tmp_path / "ex", students=60, seed=2, plant=False)
    p = load_params(write_params(tmp_path / "p.yaml", parameters(
        "0999", "Clean", str(ex), str(tmp_path / "out"), mask_pii=False)))
    book = write_outputs(analyze_district(p))
    with pytest.raises(KeyError, match="no DQ-01 finding"):
        tour.type_note(book, "DQ-01", "n/a")

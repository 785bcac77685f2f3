"""A batch of fall runs (issue 22 item 5): the batch summary and the rollup read fall counts."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest
import yaml

from mtcollect_nb.params import load_params
from mtcollect_nb.report.pipeline import analyze_district, finish, write_outputs
from mtcollect_nb.season import FALL, SPRING
from mtcollect_nb.state.batch_io import (
    output_root,
    plan,
    summary_columns,
    summary_counts,
    write_summary,
)
from mtcollect_nb.state.figures import budget_units_figure
from mtcollect_nb.state.rollup import (
    EFFECT,
    headline,
    load_state,
    publish,
    statewide_budget_units,
)
from mtcollect_nb.synthetic import write_state

pytestmark = pytest.mark.slow


def _batch(root: Path, season: str) -> Path:
    """Two small districts run as ``season`` without a notebook; the batch summary written."""
    params_dir = write_state(root, districts=2, seed=3, scale=0.05)
    for f in params_dir.glob("*.yaml"):
        data = yaml.safe_load(f.read_text(encoding="utf-8"))
        f.write_text(yaml.safe_dump({**data, "collection_season": season}), encoding="utf-8")
    ds = plan(params_dir)
    out_root = output_root(ds, params_dir)
    rows = []
    for d in ds:
        assert d.output_dir is not None
        write_outputs(finish(analyze_district(load_params(d.params_file))))
        rows.append({"district": d.district, "name": d.name, "status": "ok", "seconds": 1.0,
                     **summary_counts(d.output_dir), "message": "",
                     "paramsFile": d.params_file.name,
                     "outputDir": os.path.relpath(d.output_dir, out_root)})
    write_summary(pd.DataFrame(rows, columns=list(summary_columns(d.season for d in ds))),
                  out_root)
    return out_root


@pytest.fixture(scope="module")
def fall_batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _batch(tmp_path_factory.mktemp("fall-batch"), "fall")


def test_a_fall_batch_plans_the_fall_folders(fall_batch: Path) -> None:
    ds = plan(fall_batch.parent / "parameters")
    assert [d.season for d in ds] == [FALL, FALL]
    assert all(d.output_dir is not None and d.output_dir.name == "fall" for d in ds)


def test_the_batch_summary_names_the_fall_counts(fall_batch: Path) -> None:
    s = pd.read_csv(fall_batch / "batch_summary.csv", dtype={"district": str})
    assert {"fallCountReported", "fallCountValidated"} <= set(s.columns)
    assert "springCountReported" not in s.columns
    assert (s["fallCountReported"] > 0).all()


def test_the_rollup_of_a_fall_batch_adds_up_the_fall_counts(fall_batch: Path) -> None:
    state = load_state(fall_batch)
    assert state.season is FALL and (state.summary["status"] == "ok").all()
    pub = publish(state)
    nums = pub.numbers["budget_units"]
    assert list(nums.columns) == ["fallCountReported", "fallCountValidated", EFFECT]
    t = statewide_budget_units(state.budget_units, state.season)  # before suppression
    total = state.budget_units[["fallCountReported", "fallCountValidated"]].sum()
    assert t.loc["Total", "fallCountReported"] == pytest.approx(total["fallCountReported"])
    assert t.loc["Total", EFFECT] == pytest.approx(
        total["fallCountValidated"] - total["fallCountReported"])
    assert "statewide fall count reported" in headline(state, pub)
    assert budget_units_figure(pub).layout.title.text == "Statewide Fall count by budget unit"


def test_a_spring_batch_keeps_its_anb_columns(tmp_path: Path) -> None:
    # the twin: the same districts as spring runs roll up ANB
    state = load_state(_batch(tmp_path, "spring"))
    assert state.season is SPRING
    pub = publish(state)
    assert "anbReported" in pub.numbers["budget_units"].columns
    assert "statewide ANB reported" in headline(state, pub)

"""The synthetic generator's fall fields and fall plants (issue 22 item 5)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest

from mtcollect_nb.checks.run import run_from_analysis
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.load.loader import load_bundle
from mtcollect_nb.params import load_params, with_overrides
from mtcollect_nb.synthetic import build_district, write_demo
from mtcollect_nb.synthetic.plant_fall import FALL_PLANTED

pytestmark = pytest.mark.slow

FALL_ABSENCE_RULES = ("ANB-01", "ANB-02", "ANB-03")


@lru_cache(maxsize=1)
def _demo(tmp: str) -> tuple[Path, dict[str, dict[str, list[int]]], pd.Series]:
    params = write_demo(Path(tmp), season="fall")
    d = build_district(students=600, seed=1)  # the demo district, in memory
    return params, d.fall_planted, d.tables["students"].set_index("personID")["stateID"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory):
    return _demo(str(tmp_path_factory.mktemp("fall-demo")))


def _findings(params_path: Path, season: str) -> pd.DataFrame:
    p = with_overrides(load_params(params_path), params_path, collection_season=season)
    run = run_from_analysis(Analysis(load_bundle(Path(p.extracts_dir), p), p))
    return run.findings


def test_the_fall_demo_parameters_file_names_the_fall_season(demo) -> None:
    params_path, _, _ = demo
    assert params_path.name == "parameters-fall.yaml"
    p = load_params(params_path)
    assert p.season.name == "fall" and p.season.out_dir(p).name == "fall"
    assert load_params(params_path.with_name("parameters.yaml")).season.name == "spring"


def test_a_fall_run_of_the_demo_finds_exactly_the_fall_plants(demo) -> None:
    """ANB-01..03 of a fall run find the planted fall students and nobody else: the fall
    fields agree with the fall streaks everywhere else (mtFallAbsent = the streak, the flag
    set at 11+). Without the fall fields every enrollment would be blank, without the plants
    nothing would be found."""
    params_path, planted, sid = demo
    f = _findings(params_path, "fall")
    for rule in FALL_ABSENCE_RULES:
        expected = {sid[p] for p in planted[rule]["personID"]}
        found = set(f.loc[f["ruleId"] == rule, "stateID"])
        assert found == expected, rule
    near = {sid[p] for p in planted["near:ANB-01"]["personID"]}
    assert not near & set(f.loc[f["ruleId"].isin(FALL_ABSENCE_RULES), "stateID"])
    assert set(FALL_PLANTED) == set(FALL_ABSENCE_RULES)


def test_the_fall_plants_leave_the_spring_run_alone(demo) -> None:
    params_path, planted, sid = demo
    f = _findings(params_path, "spring")
    fall_students = {sid[p] for keys in planted.values() for p in keys["personID"]}
    hit = f.loc[f["ruleId"].isin(FALL_ABSENCE_RULES) & f["stateID"].isin(fall_students)]
    assert hit.empty


def test_fall_count_csv_counts_the_fall_flag_as_excluded(demo) -> None:
    """The certified fall count of the demo is what the district reported in the fall: a
    student marked mtExcludeFallANB is excluded there (and one whose flag is missing is not)."""
    params_path, planted, sid = demo
    fc = pd.read_csv(params_path.parent / "extracts" / "fall_count.csv", dtype=str)
    excluded = fc.groupby("stateID")["excluded"].apply(lambda s: set(s))
    for rule, flag in (("near:ANB-01", "1"), ("ANB-02", "1"), ("ANB-01", "0")):
        for p in planted[rule]["personID"]:
            assert excluded[sid[p]] == {flag}, rule

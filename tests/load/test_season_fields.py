"""Issue 22, the loader's share: the season's enrollment fields, required by the run's season.

A spring run needs mtSpringAggregateHours, mtSpringAbsent, mtExcludeSpringANB in the header; a
fall run the fall three; the other season's may be absent (read blank). Both are applied by
the loader (``load_bundle(folder, params)``) and by the pre-check (``quick.check_headers``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from mtcollect_nb import cli
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load.loader import load_bundle, write_bundle
from mtcollect_nb.load.quick import check_headers
from mtcollect_nb.load.suggest import suggest_columns
from mtcollect_nb.season import FALL, SPRING
from mtcollect_nb.testing import fall_enrollment, make_bundle, params, student

FALL_PARAMS = params(collection_season="fall")
PARAMS_YAML = """\
district_number: "0001"
district_name: Test District
school_year: 2025
extracts_dir: extracts
output_dir: output
collection_season: {season}
"""


def _district(folder: Path, drop: tuple[str, ...] = (), **renames: str) -> Path:
    """A small district whose enrollments.csv lacks ``drop`` and renames headers."""
    rows = [fall_enrollment(10, 1, mtFallAbsent=3, mtExcludeFallANB=True,
                            mtSpringAggregateHours=1080.0, mtSpringAbsent=0),
            fall_enrollment(11, 2)]
    write_bundle(make_bundle(students=[student(1), student(2)], enrollments=rows), folder)
    path = folder / "enrollments.csv"
    e = pd.read_csv(path, dtype=str, keep_default_na=False)
    e.drop(columns=list(drop)).rename(columns=renames).to_csv(path, index=False)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("column", FALL.fields.names)
def test_a_fall_run_without_a_fall_field_stops_with_one_line_naming_it(tmp_path, column):
    folder = _district(tmp_path, drop=(column,))
    for check in (lambda: load_bundle(folder, FALL_PARAMS),
                  lambda: check_headers(folder, FALL_PARAMS)):
        with pytest.raises(ExtractError) as err:
            check()
        text = str(err.value)
        assert f"missing required column(s) {column};" in text and "\n" not in text
        assert "a fall run (collection_season: fall) needs the fall fields" in text
    assert dict(suggest_columns(folder, FALL_PARAMS)).get("enrollments", [])[-1][1] == column
    load_bundle(folder, params())  # a spring run does not need it


@pytest.mark.slow
@pytest.mark.parametrize("column", SPRING.fields.names)
def test_a_spring_run_without_a_spring_field_stops_with_one_line(tmp_path, column):
    folder = _district(tmp_path, drop=(column,))
    with pytest.raises(ExtractError, match=rf"missing required column\(s\) {column};"):
        load_bundle(folder, params())
    with pytest.raises(ExtractError, match=rf"missing required column\(s\) {column};"):
        load_bundle(folder)  # without parameters: the default season, spring
    with pytest.raises(ExtractError, match="a spring run"):
        check_headers(folder, params())
    load_bundle(folder, FALL_PARAMS)


def test_a_spring_run_without_the_fall_columns_is_fine(tmp_path):
    folder = _district(tmp_path, drop=FALL.fields.names)
    check_headers(folder, params())
    b = load_bundle(folder, params())
    e = b.tables["enrollments"]
    assert e["mtFallAbsent"].isna().all() and str(e["mtFallAbsent"].dtype) == "Int64"
    assert e["mtExcludeFallANB"].tolist() == [False, False]
    assert e["mtFallAggregateHours"].isna().all()
    assert not Analysis(b, params()).enrollments.empty


def test_a_fall_run_reads_the_fall_fields_under_ics_labels(tmp_path):
    folder = _district(tmp_path, drop=SPRING.fields.names, mtFallAbsent="Fall Absent",
                       mtExcludeFallANB="Exclude Fall ANB - 10 Day Rule",
                       mtFallAggregateHours="Fall Aggregate Hours")
    b = load_bundle(folder, FALL_PARAMS)
    e = b.tables["enrollments"]
    assert e["mtFallAbsent"].iloc[0] == 3 and pd.isna(e["mtFallAbsent"].iloc[1])
    assert e["mtExcludeFallANB"].tolist() == [True, False]
    how = b.headers.set_index("header")["column"].to_dict()
    assert how["Fall Absent"] == "mtFallAbsent"
    assert how["Exclude Fall ANB - 10 Day Rule"] == "mtExcludeFallANB"
    a = Analysis(b, FALL_PARAMS)
    assert a.enrollments.set_index("enrollmentID")["counted"].to_dict() == {10: False, 11: True}


def test_the_short_ic_label_of_the_fall_flag_is_read(tmp_path):
    folder = _district(tmp_path, mtExcludeFallANB="Exclude Fall ANB")
    assert load_bundle(folder, FALL_PARAMS).tables["enrollments"]["mtExcludeFallANB"].tolist(
        ) == [True, False]


def test_a_negative_fall_absent_is_a_dq03_like_spring_absent(tmp_path):
    folder = _district(tmp_path)
    path = folder / "enrollments.csv"
    e = pd.read_csv(path, dtype=str, keep_default_na=False)
    e.loc[0, "mtFallAbsent"] = "-2"
    e.loc[1, "mtSpringAbsent"] = "-1"
    e.to_csv(path, index=False)
    b = load_bundle(folder, FALL_PARAMS)
    assert b.rejected[["line", "column", "reason", "ruleId"]].values.tolist() == [
        [2, "mtFallAbsent", "negative value", "DQ-03"],
        [3, "mtSpringAbsent", "negative value", "DQ-03"]]


def test_a_fall_field_kept_as_text_is_typed_by_the_loader_not_read_later(tmp_path):
    # the loader types every season's fields: 'X' in the fall flag is a checkbox, read true
    folder = _district(tmp_path)
    path = folder / "enrollments.csv"
    e = pd.read_csv(path, dtype=str, keep_default_na=False)
    e["mtExcludeFallANB"] = ["X", ""]
    e.to_csv(path, index=False)
    got = load_bundle(folder, FALL_PARAMS).tables["enrollments"]
    assert got["mtExcludeFallANB"].dtype == bool and got["mtExcludeFallANB"].tolist() == [
        True, False]


@pytest.mark.slow
def test_check_extracts_of_a_fall_district_without_fall_absent_names_it(tmp_path):
    _district(tmp_path / "extracts", drop=("mtFallAbsent",))
    (tmp_path / "0001.yaml").write_text(PARAMS_YAML.format(season="fall"), encoding="utf-8")
    proc = subprocess.run([sys.executable, "-m", "mtcollect_nb.cli", "check-extracts",
                           str(tmp_path / "0001.yaml")], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr
    assert "missing required column(s) mtFallAbsent" in proc.stdout + proc.stderr


def test_mtcollect_run_pre_check_names_the_fall_column(tmp_path, capsys, monkeypatch):
    from mtcollect_nb.report import notebook

    def fail(*args, **kwargs):
        raise AssertionError("the notebook must not start")

    monkeypatch.setattr(notebook, "execute_notebook", fail)
    _district(tmp_path / "extracts", drop=("mtExcludeFallANB",))
    (tmp_path / "0001.yaml").write_text(PARAMS_YAML.format(season="fall"), encoding="utf-8")
    assert cli.main(["run", str(tmp_path / "0001.yaml")]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "missing required column(s) mtExcludeFallANB" in err

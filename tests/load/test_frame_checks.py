import pandas as pd
import pytest

from mtcollect_nb.columns import LINE
from mtcollect_nb.load import contract, typed
from mtcollect_nb.load.frame_checks import (
    DEPTH_ENV,
    ContractError,
    check_frame,
    contract_depth,
    schema_dtypes,
    schema_of,
    schema_problems,
)


@pytest.fixture(autouse=True)
def full_depth(monkeypatch):
    """These tests are about the full (data-level) guard unless they say otherwise."""
    monkeypatch.setenv(DEPTH_ENV, "full")


@pytest.mark.parametrize("name", list(contract.TABLES))
def test_schema_covers_every_contract_column(name):
    schema = schema_of(name)
    for col in contract.TABLES[name].columns:
        assert str(schema.columns[col.name].dtype) == typed.dtype_of(col)
    assert LINE in schema.columns


@pytest.mark.parametrize("name", list(contract.TABLES))
def test_empty_and_record_frames_pass(name):
    check_frame(name, typed.empty_frame(name))


def enrollments():
    return typed.frame_from_records("enrollments", [
        {"enrollmentID": 1, "personID": 1, "calendarID": 1, "grade": "06",
         "startDate": "2024-08-26", "mtSpringAggregateHours": 1080.0}])


def test_good_frame_passes_with_extra_columns():
    df = enrollments()
    df["localNote"] = "x"
    assert check_frame("enrollments", df) is df


@pytest.mark.parametrize("change", [
    lambda df: df.assign(startDate=df["startDate"].astype(str)),      # wrong dtype
    lambda df: df.assign(personID=df["personID"].astype("Int64")),   # nullable key
    lambda df: df.assign(startDate=pd.NaT),                            # null required date
    lambda df: df.assign(grade="13"),                                  # not a grade code
    lambda df: df.assign(residentDistrict="12"),                       # code4 not zero-padded
    lambda df: df.drop(columns=["noShow"]),                            # column missing
    lambda df: df.drop(columns=[LINE]),
])
def test_broken_frame_is_a_contract_error(change):
    with pytest.raises(ContractError, match="loaded enrollments frame breaks its contract"):
        check_frame("enrollments", change(enrollments()))


@pytest.mark.parametrize("change", [
    lambda df: df.assign(startDate=df["startDate"].astype(str)),
    lambda df: df.assign(personID=df["personID"].astype("Int64")),
    lambda df: df.assign(noShow=df["noShow"].astype(int)),
    lambda df: df.assign(mtFallAggregateHours=df["mtFallAggregateHours"].astype("Float64")),
    lambda df: df.drop(columns=["noShow"]),
    lambda df: df.drop(columns=[LINE]),
])
def test_schema_depth_catches_dtype_and_missing_columns(change, monkeypatch):
    monkeypatch.setenv(DEPTH_ENV, "schema")
    with pytest.raises(ContractError, match="loaded enrollments frame breaks its contract"):
        check_frame("enrollments", change(enrollments()))


def test_schema_depth_does_not_look_at_values(monkeypatch):
    monkeypatch.setenv(DEPTH_ENV, "schema")
    df = enrollments().assign(grade="13", startDate=pd.NaT)
    assert check_frame("enrollments", df) is df
    monkeypatch.setenv(DEPTH_ENV, "full")
    with pytest.raises(ContractError):
        check_frame("enrollments", df)


@pytest.mark.parametrize("name", list(contract.TABLES))
def test_schema_problems_empty_for_typed_frames(name):
    assert schema_problems(name, typed.empty_frame(name)) == []


def test_depth_default_and_unknown(monkeypatch):
    monkeypatch.delenv(DEPTH_ENV)
    assert contract_depth() == "schema"
    monkeypatch.setenv(DEPTH_ENV, "deep")
    with pytest.raises(ValueError, match=DEPTH_ENV):
        contract_depth()


@pytest.mark.parametrize("name", sorted(contract.TABLES))
def test_schema_depth_checks_exactly_the_pandera_schemas_columns_and_dtypes(name):
    pandera_view = {col: str(c.dtype) for col, c in schema_of(name).columns.items()}
    assert schema_dtypes(name) == pandera_view


@pytest.mark.slow
def test_a_district_run_does_not_import_pandera():
    import subprocess
    import sys

    code = ("import os, sys\nos.environ.pop('MTCOLLECT_CONTRACT_DEPTH', None)\n"
            "from mtcollect_nb.report.notebook import notebook_params\n"
            "from mtcollect_nb.report.pipeline import analyze_district\n"
            "import tempfile\nt = tempfile.mkdtemp()\n"
            "run = analyze_district(notebook_params(output_dir=t))\n"
            "print(len(run.findings) > 0, 'pandera' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["True", "False"]

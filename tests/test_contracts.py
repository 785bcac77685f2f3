import pandas as pd
import pytest

from mtcollect_nb import schemas
from mtcollect_nb.columns import LINE
from mtcollect_nb.contracts import ContractError, check_frame, schema_of


@pytest.mark.parametrize("name", list(schemas.TABLES))
def test_schema_covers_every_contract_column(name):
    schema = schema_of(name)
    for col in schemas.TABLES[name].columns:
        assert str(schema.columns[col.name].dtype) == schemas.dtype_of(col)
    assert LINE in schema.columns


@pytest.mark.parametrize("name", list(schemas.TABLES))
def test_empty_and_record_frames_pass(name):
    check_frame(name, schemas.empty_frame(name))


def enrollments():
    return schemas.frame_from_records("enrollments", [
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

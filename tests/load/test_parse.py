import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from mtcollect_nb.load.contract import Column
from mtcollect_nb.load.parse import MISSING, REASONS, ROW_CHECKS, TOO_LARGE, parse_column


def parse(values, type_, required=False, blank_true=False):
    col = Column("c", type_, required, blank_true=blank_true)
    p = parse_column(pa.array(values, pa.string()), col)
    return p.values(), p.bad(), p


@pytest.mark.parametrize("text,expected", [
    ("2025-02-03", "2025-02-03"), ("2025-2-3", "2025-02-03"), ("02/03/2025", "2025-02-03"),
    ("2/3/2025", "2025-02-03"), (" 2025-02-03 ", "2025-02-03"),
    ("2025-02-03 00:00:00", "2025-02-03"), ("2025-02-03T13:45:00", "2025-02-03"),
    ("2/3/2025 0:00", "2025-02-03"), ("2/3/2025 1:30 PM", "2025-02-03"),
    ("2024-02-29", "2024-02-29"),
])
def test_date_accepts(text, expected):
    vals, bad, _ = parse([text], "date")
    assert not bad[0]
    assert str(vals[0])[:10] == expected


@pytest.mark.parametrize("text", [
    "2025-02-30", "2025-13-01", "02/30/2025", "2023-02-29", "20250203", "2/3/25", "Feb 3 2025",
    "0", "99999", "0025-01-01", "3000-01-01", "2025-02-03x", "yesterday", "-45691",
    "45691", "45691.0", "45691.75",  # Excel serials: dates only from .xlsx cells typed as dates
])
def test_date_rejects(text):
    vals, bad, p = parse([text], "date")
    assert bad[0]
    assert np.isnat(vals[0])
    assert p.reasons_of(np.array([0])) == [REASONS["date"]]


def test_date_blank_is_nat_unless_required():
    vals, bad, _ = parse(["", "  "], "date")
    assert np.isnat(vals).all() and not bad.any()
    _, bad, p = parse([""], "date", required=True)
    assert bad[0] and p.reasons_of(np.array([0])) == [MISSING]


@pytest.mark.parametrize("text,expected", [
    ("12", 12), ("12.0", 12), ("12.", 12), (" 7 ", 7), ("-3", -3), ("+4", 4), ("007", 7),
])
def test_int_accepts(text, expected):
    vals, bad, _ = parse([text], "int", required=True)
    assert not bad[0] and vals[0] == expected and vals.dtype == np.int64


@pytest.mark.parametrize("text", ["12.5", "1e3", "abc", "1,000", "12 3"])
def test_int_rejects(text):
    _, bad, p = parse([text], "int")
    assert bad[0]
    assert p.reasons_of(np.array([0])) == [REASONS["int"]]


def test_optional_int_is_nullable():
    vals, bad, _ = parse(["5", ""], "int")
    assert str(vals.dtype) == "Int64"
    assert vals[0] == 5 and pd.isna(vals[1]) and not bad.any()


@pytest.mark.parametrize("text,expected", [
    ("1080", 1080.0), ("1080.5", 1080.5), (".5", 0.5), ("-2", -2.0), ("1,080.25", 1080.25),
    ("1e2", 100.0),
])
def test_num_accepts(text, expected):
    vals, bad, _ = parse([text], "num")
    assert not bad[0] and vals[0] == expected


@pytest.mark.parametrize("text", ["abc", "1,08", "nan", "inf", "1.2.3", "$5"])
def test_num_rejects(text):
    vals, bad, _ = parse([text], "num")
    assert bad[0] and np.isnan(vals[0])


def test_num_blank_is_nan():
    vals, bad, _ = parse([""], "num")
    assert np.isnan(vals[0]) and not bad[0]


@pytest.mark.parametrize("text,expected", [
    ("1", True), ("Y", True), ("yes", True), ("TRUE", True), ("x", True), ("T", True),
    ("0", False), ("N", False), ("No", False), ("false", False), ("", False), (" ", False),
    ("1.0", True), ("0.0", False),
])
def test_bool_accepts(text, expected):
    vals, bad, _ = parse([text], "bool")
    assert not bad[0]
    assert bool(vals[0]) is expected


@pytest.mark.parametrize("text", ["2", "maybe", "O", "-1"])
def test_bool_rejects(text):
    _, bad, _ = parse([text], "bool")
    assert bad[0]


def test_bool_blank_true():
    vals, _, _ = parse(["", "0", "1"], "bool", blank_true=True)
    assert vals.tolist() == [True, False, True]


@pytest.mark.parametrize("type_,text,expected", [
    ("grade", "7", "07"), ("grade", "07", "07"), ("grade", "k", "KG"), ("grade", "KG", "KG"),
    ("grade", "PK", "PK"), ("grade", "12", "12"), ("code4", "123", "0123"),
    ("code4", "0123", "0123"), ("code4", "5", "0005"), ("role", "1", "01"), ("role", "12", "12"),
    ("role", "00", "00"), ("grade", "", ""), ("code4", "", ""),
])
def test_codes_accept(type_, text, expected):
    vals, bad, _ = parse([text], type_)
    assert not bad[0] and vals[0] == expected


@pytest.mark.parametrize("type_,text", [
    ("grade", "13"), ("grade", "UG"), ("grade", "7th"), ("code4", "12345"), ("code4", "A12"),
    ("role", "13"), ("role", "x"),
])
def test_codes_reject(type_, text):
    vals, bad, p = parse([text], type_)
    assert bad[0] and vals[0] == ""
    assert p.reasons_of(np.array([0])) == [REASONS[type_]]


def test_text_is_stripped_and_never_null():
    vals, bad, _ = parse([" Peña ", "", "Ó'Neil"], "str")
    assert list(vals) == ["Peña", "", "Ó'Neil"] and not bad.any()


def test_required_text_blank_is_missing():
    _, bad, p = parse(["a", " "], "str", required=True)
    assert bad.tolist() == [False, True]
    assert p.reasons_of(np.array([1])) == [MISSING]


def test_many_rows_share_the_parse_of_distinct_values():
    values = ["2025-02-03", "bad"] * 50_000
    vals, bad, _ = parse(values, "date")
    assert bad.sum() == 50_000 and len(vals) == 100_000


def test_row_checks_end_before_start_and_minutes():
    (check,) = [c for c in ROW_CHECKS["enrollments"] if c.column == "endDate"]
    f = pd.DataFrame({"startDate": pd.to_datetime(["2025-01-02", "2025-01-02", "2025-01-02"]),
                      "endDate": pd.to_datetime(["2025-01-01", "2025-01-02", None])})
    assert check.bad(f).tolist() == [True, False, False]
    neg, big = ROW_CHECKS["attendance"]
    f = pd.DataFrame({"presentMinutes": pd.array([-1, 0, 1440, 1441, None], dtype="Int64")})
    assert neg.bad(f).tolist() == [True, False, False, False, False]
    assert big.bad(f).tolist() == [False, False, False, True, False]


@pytest.mark.parametrize("type_", ["int", "num", "date"])
def test_non_ascii_digits_are_rejected_not_a_crash(type_):
    _, bad, p = parse(["\u0663", "\u0663\u0664"], type_)
    assert bad.all() and p.reasons_of(np.array([0])) == [REASONS[type_]]


@pytest.mark.parametrize(("text", "type_"), [
    ("99999999999999999999", "int"), ("-1234567890123456789012", "int"),
    ("99999999999999999999", "num"), ("1e300", "num"), ("99999999999999999999.5", "num"),
])
def test_number_too_large_for_its_type_is_a_rejection_not_a_crash(text, type_):
    _, bad, p = parse([text, "7"], type_)
    assert bad.tolist() == [True, False]
    assert p.reasons_of(np.array([0])) == [TOO_LARGE]


def test_largest_int64_digits_still_parse():
    values, bad, _ = parse(["999999999999999999"], "int")
    assert not bad[0] and values[0] == 999999999999999999

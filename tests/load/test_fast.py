"""The pyarrow fast paths decide exactly as the plain parsers would (property tests)."""

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtcollect_nb.load.contract import Column
from mtcollect_nb.load.fast import digits_int, fast_date, first_copies, isin_known, ymd_dates
from mtcollect_nb.load.parse import _PARSERS, _parse_distinct, parse_column


def plain(values: list[str], type_: str) -> tuple[np.ndarray, ...]:
    """The parse without fast paths: the definition the fast paths must agree with."""
    uniq = pd.Series(values, dtype=object).str.strip()
    return (*_PARSERS[type_](uniq), (uniq == "").to_numpy())


def assert_same(values: list[str], type_: str) -> None:
    got = _parse_distinct(pa.array(values, pa.string()), type_)
    want = plain(values, type_)
    for g, w, what in zip(got, want, ("values", "null", "bad", "blank"), strict=True):
        assert g.dtype == w.dtype, what
        if g.dtype.kind == "M":
            g, w = g.view("int64"), w.view("int64")
        assert g.tolist() == w.tolist(), (what, values)


pads = st.sampled_from(["", " ", "\t", "\u00a0", "\u3000", "\n"])


def padded(core: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(pads, core, pads).map("".join)


def two(lo: int, hi: int) -> st.SearchStrategy[str]:
    return st.integers(lo, hi).map(lambda v: f"{v:02d}")


years = st.integers(0, 9999).map(lambda v: f"{v:04d}")
iso = st.tuples(years, two(0, 13), two(0, 32)).map("-".join)
us = st.tuples(two(0, 13), two(0, 32), years).map("/".join)
loose = st.text(alphabet="0123456789-/ :T.APM\u0663", max_size=14)
dates = padded(st.one_of(iso, us, loose, st.sampled_from(["1677-09-21", "1677-09-22",
                                                          "2262-04-11", "2262-04-12",
                                                          "1678-01-01", "2261-12-31"])))
ints = padded(st.one_of(st.integers(-10**20, 10**20).map(str),
                        st.text(alphabet="0123456789+-.e \u0663", max_size=21)))
words = ["1", "1.0", "Y", "YES", "T", "TRUE", "X", "0", "0.0", "N", "NO", "F", "FALSE", "",
         "yeſ", "maybe", "ı"]
bools = padded(st.sampled_from(words).flatmap(
    lambda w: st.lists(st.booleans(), min_size=len(w), max_size=len(w)).map(
        lambda up: "".join(c.upper() if u else c.lower() for c, u in zip(w, up, strict=True)))))


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(dates, max_size=12, unique=True))
def test_date_fast_path_equals_plain_parse(values):
    assert_same(values, "date")


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(ints, max_size=12, unique=True))
def test_int_fast_path_equals_plain_parse(values):
    assert_same(values, "int")


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(bools, max_size=12, unique=True))
def test_bool_fast_path_equals_plain_parse(values):
    assert_same(values, "bool")


@pytest.mark.parametrize("values", [
    ["2025-02-03", "2024-02-29", "2023-02-29", "2025-13-01", "2025-00-10", "0000-01-01",
     "02/03/2025", "12/31/1999", "02/29/2100", "2/3/2025", " 2025-02-03", "45691", ""],
    ["7", "007", "", " 7", "+7", "-7", "7.0", "999999999999999999", "9999999999999999999",
     "\u0663"],
])
def test_known_edges_equal_plain_parse(values):
    assert_same(values, "date" if "-" in values[0] else "int")


def test_fast_date_leaves_the_unusual_to_the_plain_parser():
    _, _, done = fast_date(pa.array(["2025-02-03", "2/3/2025", "2025-02-30", "2025-02-03 1:00",
                                     "1600-01-01", ""]))
    assert done.tolist() == [True, False, False, False, False, True]


def test_ymd_dates_month_lengths():
    y = np.array([2024, 2025, 2100, 2000, 2025, 2025])
    m = np.array([2, 2, 2, 2, 4, 12])
    d = np.array([29, 29, 29, 29, 31, 31])
    _, ok = ymd_dates(y, m, d)
    assert ok.tolist() == [True, False, False, True, False, True]


def test_key_column_cast_row_by_row_matches_dictionary_path():
    col = Column("k", "int", required=True)
    text = pa.array(["3", "1", "3", "0042"])
    assert digits_int(text).tolist() == [3, 1, 3, 42]
    p = parse_column(text, col)
    assert p.index is None and p.values().tolist() == [3, 1, 3, 42]
    assert not p.bad().any() and p.reasons_of(np.array([1, 2])) == ["", ""]
    assert digits_int(pa.array(["1", "1" * 19])) is None
    assert digits_int(pa.array(["1", ""])) is None


def plain_first_copies(keys: list) -> list[int]:
    """The first row with the same key, by pandas duplicated + merge (the loader's old way)."""
    df = pd.DataFrame({f"k{i}": k for i, k in enumerate(keys)})
    cols = list(df.columns)
    df["pos"] = np.arange(len(df))
    firsts = df.loc[~df.duplicated(cols, keep="first")]
    return df.merge(firsts, on=cols, how="left", suffixes=("", "_first"))["pos_first"].tolist()


key_ints = st.lists(st.integers(-3, 3) | st.sampled_from([10**12, -(10**15), 2**62]),
                    min_size=1, max_size=30)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(st.integers(1, 30).flatmap(lambda n: st.tuples(
    st.lists(st.integers(0, 4) | st.just(10**12), min_size=n, max_size=n),
    st.lists(st.integers(0, 3), min_size=n, max_size=n),
    st.lists(st.sampled_from(["2025-01-01", "2025-01-02", "2025-03-01T06:00", "NaT",
                              "1700-01-01"]), min_size=n, max_size=n),
    st.booleans())))
def test_first_copies_equals_duplicated_and_merge(data):
    a, b, dates, sort = data
    keys = [np.array(a, dtype="int64"), np.array(b, dtype="int64"),
            np.array(dates, dtype="datetime64[ns]")]
    if sort:  # the sorted fast path
        order = np.lexsort(keys[::-1])
        keys = [k[order] for k in keys]
    for use in (keys[:1], keys[:2], keys, [keys[2]], [pd.array(a, dtype="Int64"), keys[2]],
                [np.array([str(v) for v in b], dtype=object), keys[0]]):
        assert first_copies(list(use)).tolist() == plain_first_copies(list(use))


def test_first_copies_repacks_wide_keys(monkeypatch):
    monkeypatch.setattr("mtcollect_nb.load.fast._PACK_LIMIT", 8)  # re-number at every step
    rng = np.random.default_rng(3)
    keys = [rng.integers(0, 4, 200), rng.integers(0, 3, 200), rng.integers(0, 5, 200)]
    assert first_copies(keys).tolist() == plain_first_copies(keys)


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-5, 40) | st.just(2**40), max_size=30),
       st.lists(st.integers(-5, 40) | st.just(-(2**40)), max_size=30))
def test_isin_known_equals_pandas_isin(values, known):
    arr, ref = np.array(values, dtype="int64"), pd.Series(known, dtype="int64")
    want = pd.Series(arr).isin(ref).tolist()
    assert isin_known(arr, ref).tolist() == want
    assert isin_known(pd.array(values, dtype="Int64"), ref).tolist() == want


texts = st.text(alphabet=st.sampled_from(list("ab ,\t\r\n\x0b\x0c\x1c\x1f\x85\xa0é\u2003\u3000")),
                max_size=5)


@pytest.mark.slow
@settings(max_examples=300, deadline=None)
@given(st.lists(texts, max_size=12, unique=True))
def test_text_without_spaces_around_skips_strip(values):
    assert_same(values, "str")

"""The positional joins equal the pandas operations they replace (any keys, any order)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtcollect_nb.compute.joins import join_pairs, left_join, pair_keys, positions, take_by_key

keys = st.lists(st.integers(0, 6), max_size=25)


@given(keys, st.lists(st.integers(0, 6), max_size=7, unique=True))
def test_join_pairs_is_merge_order_for_distinct_right_keys(left, right):
    m = pd.DataFrame({"k": left, "a": range(len(left))}).merge(
        pd.DataFrame({"k": right, "b": range(len(right))}), on="k")
    li, ri = join_pairs(np.array(left, dtype=np.int64), np.array(right, dtype=np.int64))
    assert (li.tolist(), ri.tolist()) == (m["a"].tolist(), m["b"].tolist())


@pytest.mark.slow
@given(keys, keys)
def test_join_pairs_is_the_merge_for_any_keys(left, right):
    m = pd.DataFrame({"k": left, "a": range(len(left))}).merge(
        pd.DataFrame({"k": right, "b": range(len(right))}), on="k")
    li, ri = join_pairs(np.array(left, dtype=np.int64), np.array(right, dtype=np.int64))
    assert sorted(zip(li.tolist(), ri.tolist(), strict=True)) == sorted(
        zip(m["a"], m["b"], strict=True))


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=12),
       st.lists(st.tuples(st.integers(0, 3), st.integers(0, 3)), max_size=12))
def test_pair_keys_equal_exactly_for_equal_rows(left, right):
    lk, rk = pair_keys([pd.Series([p for p, _ in left], dtype="int64"),
                        pd.Series([c for _, c in left], dtype="int64")],
                       [pd.Series([p for p, _ in right], dtype="int64"),
                        pd.Series([c for _, c in right], dtype="int64")])
    for i, x in enumerate(left):
        for j, y in enumerate(right):
            assert (lk[i] == rk[j]) == (x == y)


_KEYS = st.lists(st.integers(0, 6), max_size=12)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(lkeys=_KEYS, rkeys=_KEYS, seed=st.integers(0, 10**6))
def test_left_join_equals_merge(lkeys, rkeys, seed):
    rng = np.random.default_rng(seed)
    n = len(rkeys)
    right = pd.DataFrame({
        "k": np.array(rkeys, dtype="int64"),
        "i": rng.integers(0, 9, n), "f": rng.random(n), "b": rng.random(n) < 0.5,
        "o": [f"s{v}" for v in rng.integers(0, 9, n)],
        "d": pd.to_datetime(rng.integers(0, 10**9, n) * 10**9),
        "n": pd.array(rng.integers(0, 9, n), dtype="Int64"),
    })
    left = pd.DataFrame({"k": np.array(lkeys, dtype="int64"), "x": range(len(lkeys))},
                        index=rng.permutation(len(lkeys)) + 5)
    for r in (right, right.drop_duplicates("k")):
        pd.testing.assert_frame_equal(left_join(left, r, "k"), left.merge(r, on="k", how="left"))
    matched = left.loc[left["k"].isin(right["k"])]
    r = right.drop_duplicates("k")
    pd.testing.assert_frame_equal(left_join(matched, r, "k"), matched.merge(r, on="k", how="left"))




@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(keys=st.lists(st.integers(0, 8), max_size=12),
       table=st.lists(st.integers(0, 6), max_size=7, unique=True), seed=st.integers(0, 10**6))
def test_take_by_key_is_the_column_a_left_merge_adds(keys, table, seed):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"id": np.array(table, dtype="int64"),
                          "i": rng.integers(0, 9, len(table)), "b": rng.random(len(table)) < .5,
                          "d": pd.to_datetime(rng.integers(0, 10**9, len(table)) * 10**9)})
    left = pd.Series(np.array(keys, dtype="int64"), index=rng.permutation(len(keys)) + 3)
    merged = left.to_frame("id").merge(frame, on="id", how="left")
    for col in ("i", "b", "d"):
        got = take_by_key(left, frame, "id", col)
        assert got.index.equals(left.index)
        pd.testing.assert_series_equal(got.reset_index(drop=True), merged[col])


def test_positions_need_every_key_found_once():
    assert positions(np.array([1, 1]), np.array([1, 2])).tolist() == [0, 0]
    assert positions(np.array([1]), np.array([1, 1])) is None
    assert positions(np.array([3]), np.array([1, 2])) is None

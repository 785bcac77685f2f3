"""Instructional days as sorted keys agree with plain Python over the days' list."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mtcollect_nb.compute import day_keys
from mtcollect_nb.compute.day_keys import DayKeys

BASE = pd.Timestamp("2025-01-20")
DATES = [BASE + pd.Timedelta(days=i) for i in range(-3, 25)]


@st.composite
def calendars(draw):
    rows = []
    for c in (3, 7):
        for d in draw(st.sets(st.integers(0, 20), max_size=15)):
            rows.append({"calendarID": c, "date": BASE + pd.Timedelta(days=d), "minutes": 300})
    days = pd.DataFrame(rows, columns=["calendarID", "date", "minutes"]).astype(
        {"calendarID": "int64", "date": "datetime64[ns]"})
    n = 12
    q = pd.DataFrame({
        "calendar": draw(st.lists(st.sampled_from([3, 7, 9]), min_size=n, max_size=n)),
        "a": draw(st.lists(st.sampled_from(DATES), min_size=n, max_size=n)),
        "b": draw(st.lists(st.sampled_from(DATES), min_size=n, max_size=n)),
        "n": draw(st.lists(st.integers(0, 12), min_size=n, max_size=n))})
    return days, q


def _plain(days, q):
    by_cal = {c: sorted(g["date"]) for c, g in days.groupby("calendarID")}
    out = {"count": [], "find": [], "last": [], "nth": [], "before": []}
    for r in q.to_dict("records"):
        ds = by_cal.get(r["calendar"], [])
        out["count"].append(sum(r["a"] <= d <= r["b"] for d in ds))
        out["find"].append(r["a"] in ds)
        out["last"].append(max((d for d in ds if d <= r["a"]), default=None))
        after = [d for d in ds if d > r["a"]]
        out["nth"].append(after[r["n"] - 1] if 1 <= r["n"] <= len(after) else None)
        out["before"].append(max((d for d in ds if d < r["a"]), default=None))
    return out


def _dates(s):
    return [None if pd.isna(v) else pd.Timestamp(v) for v in s]


@pytest.mark.slow
@pytest.mark.parametrize("dense", [True, False])
@settings(max_examples=80, deadline=None)
@given(calendars())
def test_day_keys_agree_with_plain_python(dense, district):
    days, q = district
    old = day_keys.DENSE_MAX
    day_keys.DENSE_MAX = old if dense else 0  # the searchsorted path too
    try:
        k = DayKeys(days)
    finally:
        day_keys.DENSE_MAX = old
    assert (k.dense is not None) == (dense and len(days) > 0)
    want = _plain(days, q)
    assert k.count(q["calendar"], q["a"], q["b"]).tolist() == want["count"]
    found = k.find(q["calendar"], q["a"])
    assert (found >= 0).tolist() == want["find"]
    assert all(k.keys[f] % day_keys.KEY_SPAN == pd.Timestamp(d).value // 86_400_000_000_000
               for f, d in zip(found, q["a"], strict=True) if f >= 0)
    assert _dates(k.last_on_or_before(q["calendar"], q["a"])) == want["last"]
    assert _dates(k.nth_after(q["calendar"], q["a"], q["n"].to_numpy())) == want["nth"]
    assert _dates(k.before(q["calendar"], q["a"])) == want["before"]


def test_blank_dates_and_unknown_calendars_give_nothing():
    k = DayKeys(pd.DataFrame({"calendarID": [1], "minutes": [360],
                              "date": pd.to_datetime(["2025-01-27"])}))
    cal = pd.Series([1, 2])
    nat = pd.Series(pd.to_datetime([None, "2025-01-27"]))
    assert k.count(cal, nat, nat).tolist() == [0, 0]
    assert k.find(cal, nat).tolist() == [-1, -1]
    assert _dates(k.last_on_or_before(cal, nat)) == [None, None]
    empty = DayKeys(pd.DataFrame({"calendarID": pd.Series([], dtype="int64"),
                                  "minutes": pd.Series([], dtype="int64"),
                                  "date": pd.Series([], dtype="datetime64[ns]")}))
    assert empty.count(cal, nat, nat).tolist() == [0, 0]
    assert empty.find(cal, nat).tolist() == [-1, -1]

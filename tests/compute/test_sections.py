"""Teacher-Class frames: the array joins of roster_periods / roster_counts against plain merges."""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtcollect_nb.compute.cte import join_per_key
from mtcollect_nb.compute.sections import (
    COUNT_DATE,
    ROSTER_END,
    ROSTER_ROW,
    ROSTER_START,
    count_date_sections,
    enrollment_periods,
    roster_counts,
    roster_periods,
)
from mtcollect_nb.testing import enrollment, make_analysis, params, school_days, student

BASE = pd.Timestamp("2025-01-20")  # the count date 2025-02-03 is day 14
#: Day 0 of a generated district per season: its count date is day 14 (fall: 2024-10-07).
BASES = {"spring": BASE, "fall": pd.Timestamp("2024-09-23")}


def _day(k: int | None, base: pd.Timestamp = BASE) -> pd.Timestamp | None:
    return None if k is None else base + pd.Timedelta(days=k)


# ---- plain references: the merge + groupby versions the array code replaced ----------------
def roster_periods_reference(a) -> pd.DataFrame:
    sp = count_date_sections(a)[["sectionID", "calendarID", COUNT_DATE, "termStartDate",
                                 "termEndDate"]]
    r = a.table("rosters")[["sectionID", "personID", "startDate", "endDate"]].merge(
        sp, on="sectionID", how="inner")
    r.insert(0, ROSTER_ROW, np.arange(len(r), dtype="int64"))
    r[ROSTER_START] = r["startDate"].fillna(r["termStartDate"])
    r[ROSTER_END] = r["endDate"].fillna(r["termEndDate"])
    r = r.drop(columns=["termStartDate", "termEndDate"])
    cd = r[COUNT_DATE]
    r["rosterOnCountDate"] = (r[ROSTER_START] <= cd) & (cd <= r[ROSTER_END])
    m = r[[ROSTER_ROW, "personID", "calendarID", ROSTER_START, ROSTER_END, COUNT_DATE]].merge(
        enrollment_periods(a), on=["personID", "calendarID"], how="inner")
    overlap = ((m["enrStart"] <= m[ROSTER_END]) & (m[ROSTER_START] <= m["enrEnd"])
               & (m[ROSTER_START] <= m[ROSTER_END]))  # a roster row with no days: no overlap
    def ns(col):
        return m[col].to_numpy(dtype="datetime64[ns]")

    if a.season.window_from_first_day:  # fall: from the calendar's first instructional day
        days = a.table("days")
        first = days.loc[days["instruction"]].groupby("calendarID")["date"].min()
        start = m["calendarID"].map(first).to_numpy(dtype="datetime64[ns]")
    else:  # spring: from the fall count date
        start = np.datetime64(a.fall.to_datetime64(), "ns")
    lo = np.maximum(np.maximum(ns(ROSTER_START), ns("enrStart")), start)
    hi = np.minimum(np.minimum(ns(ROSTER_END), ns("enrEnd")), ns(COUNT_DATE))
    cd = m[COUNT_DATE]
    on_cd = ((m[ROSTER_START] <= cd) & (cd <= m[ROSTER_END])
             & (m["enrStart"] <= cd) & (cd <= m["enrEnd"]))
    flags = pd.DataFrame({ROSTER_ROW: m[ROSTER_ROW], "enrolledDuring": overlap,
                          "inWindow": overlap & (lo <= hi), "onCountDate": on_cd})
    per_row = flags.groupby(ROSTER_ROW).any()
    for col in ("enrolledDuring", "inWindow", "onCountDate"):
        r[col] = r[ROSTER_ROW].map(per_row[col]).eq(True)
    return r


def roster_counts_reference(a) -> pd.DataFrame:
    r = roster_periods_reference(a)
    out = count_date_sections(a)[["sectionID"]].copy()

    def distinct(mask):
        return r.loc[mask].groupby("sectionID")["personID"].nunique()

    for col, counts in (("rosterRows", r.groupby("sectionID").size()),
                        ("studentsOnCountDate", distinct(r["onCountDate"])),
                        ("rosterCountWindow", distinct(r["inWindow"])),
                        ("rosterCountOnCountDate", distinct(r["onCountDate"]))):
        out[col] = out["sectionID"].map(counts).fillna(0).astype("int64")
    return out


# ---- generated Teacher-Class districts ------------------------------------------------------
@st.composite
def districts(draw):
    season = draw(st.sampled_from(["spring", "fall"]))
    day = partial(_day, base=BASES[season])
    offsets = st.one_of(st.none(), st.integers(-200, 40))
    n_people = draw(st.integers(1, 5))
    enrollments, eid = [], 1
    for p in range(1, n_people + 1):
        for _ in range(draw(st.integers(0, 2))):
            start = draw(st.integers(-200, 30))
            length = draw(st.one_of(st.none(), st.integers(0, 200)))
            enrollments.append(enrollment(
                eid, p, startDate=day(start), calendarID=draw(st.sampled_from([1, 2])),
                endDate=None if length is None else day(start + length),
                noShow=draw(st.booleans()) and draw(st.booleans())))
            eid += 1
    courses = [{"courseID": c, "calendarID": 1 + c % 2, "number": f"C{c}", "cte": True}
               for c in (1, 2, 3)]
    sections = []
    for sid in range(1, draw(st.integers(1, 5)) + 1):
        lo = draw(st.integers(-200, 20))
        sections.append({"sectionID": 100 + sid, "courseID": draw(st.sampled_from([1, 2, 3])),
                         "termStartDate": day(lo),
                         "termEndDate": day(lo + draw(st.integers(0, 200)))})
    rosters = [{"sectionID": draw(st.sampled_from([s["sectionID"] for s in sections] + [999])),
                "personID": draw(st.integers(1, n_people)), "startDate": day(draw(offsets)),
                "endDate": day(draw(offsets))}
               for _ in range(draw(st.integers(0, 12)))]
    calendars = [{"calendarID": c, "schoolID": 1, "name": f"cal {c}", "endYear": 2025,
                  "startDate": "2024-08-26", "endDate": "2025-06-06"} for c in (1, 2)]
    return make_analysis(params(collection_season=season),
                         students=[student(p) for p in range(1, n_people + 1)],
                         enrollments=enrollments, calendars=calendars, courses=courses,
                         sections=sections, rosters=rosters,
                         days=school_days(1) + school_days(2, start="2024-09-03"))


@pytest.mark.slow
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(districts())
def test_roster_periods_and_counts_match_plain_merges(a):
    pd.testing.assert_frame_equal(roster_periods(a), roster_periods_reference(a))
    pd.testing.assert_frame_equal(roster_counts(a), roster_counts_reference(a))


def test_generated_districts_reach_every_flag():
    # guards the property test: a roster row that is in the window and on the count date
    a = make_analysis(students=[student(1), student(2)],
                      enrollments=[enrollment(10, 1), enrollment(11, 2, endDate="2024-09-01")],
                      courses=[{"courseID": 1, "calendarID": 1, "number": "C1"}],
                      sections=[{"sectionID": 5, "courseID": 1, "termStartDate": "2024-08-26",
                                 "termEndDate": "2025-06-06"}],
                      rosters=[{"sectionID": 5, "personID": 1}, {"sectionID": 5, "personID": 1},
                               {"sectionID": 5, "personID": 2}])
    r = roster_periods(a)
    assert r[["enrolledDuring", "inWindow", "onCountDate"]].values.tolist() == [
        [True, True, True], [True, True, True], [True, False, False]]
    c = roster_counts(a)
    assert c[["rosterRows", "studentsOnCountDate", "rosterCountWindow",
              "rosterCountOnCountDate"]].values.tolist() == [[3, 1, 1, 1]]
    pd.testing.assert_frame_equal(r, roster_periods_reference(a))


# ---- the text join of cte_sections -------------------------------------------------------
@given(st.lists(st.tuples(st.integers(0, 4), st.sampled_from(["a", "b", "c, d", ""])),
                max_size=15))
def test_join_per_key_is_groupby_join(rows):
    k = pd.Series([r[0] for r in rows], dtype="int64", name="sectionID")
    t = pd.Series([r[1] for r in rows], dtype=object, name="teacherLabel")
    want = t.groupby(k).agg("; ".join)
    pd.testing.assert_series_equal(join_per_key(k, t, "; "), want, check_index_type=False)

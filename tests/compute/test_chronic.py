"""Chronic absence per student in a school and per school x grade (rules.md "Chronic absence").

Count date Monday 2025-02-03. Enrollments start on a Monday of January so the days enrolled
are easy to count: from Monday 2025-01-20 to the count date there are 11 instructional days.
"""

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtcollect_nb.columns import ATTENDANCE_COLUMNS, CHRONIC_STUDENT_COLUMNS
from mtcollect_nb.compute.chronic import chronically_absent
from mtcollect_nb.testing import (
    absences,
    enrollment,
    make_analysis,
    params,
    school_days,
    student,
    weekdays,
)


def _one(att, enr=None, **kw):
    enr = enr or [enrollment(10, 1, startDate="2025-01-20")]
    p = kw.pop("params", None)
    return make_analysis(p, students=[student(1), student(2), student(3)], enrollments=enr,
                         attendance=att, **kw)


def _student(a, person=1):
    c = a.chronic_by_student.set_index("personID")
    r = c.loc[person]
    return int(r["daysEnrolled"]), int(r["daysAbsent"]), bool(r["chronicallyAbsent"])


# ---- the rule: 10 days enrolled, 10% absent ----------------------------------------------
def test_nine_days_enrolled_is_never_chronic():
    enr = [enrollment(10, 1, startDate="2025-01-22")]  # Jan 22 .. Feb 3: 9 days
    a = _one(absences(1, weekdays("2025-01-22", "2025-02-03")), enr)
    assert _student(a) == (9, 9, False)


@pytest.mark.slow
def test_ten_days_enrolled_one_absent_is_exactly_ten_percent():
    enr = [enrollment(10, 1, startDate="2025-01-21")]  # Jan 21 .. Feb 3: 10 days
    assert _student(_one(absences(1, ["2025-01-28"]), enr)) == (10, 1, True)
    assert _student(_one([], enr)) == (10, 0, False)


def test_ten_percent_exactly_and_just_under():
    enr = [enrollment(10, 1, startDate="2025-01-06")]  # Jan 6 .. Feb 3: 21 days
    assert _student(_one(absences(1, ["2025-01-07", "2025-01-08"]), enr)) == (21, 2, False)
    enr = [enrollment(10, 1, startDate="2025-01-07")]  # 20 days: 2 of 20 = 10%
    assert _student(_one(absences(1, ["2025-01-07", "2025-01-08"]), enr)) == (20, 2, True)


def test_rule_in_one_place():
    assert chronically_absent(pd.Series([9, 10, 10, 30, 30]),
                              pd.Series([9, 1, 0, 3, 2])).tolist() == [
        False, True, False, True, False]


# ---- what a day absent is ------------------------------------------------------------------
@pytest.mark.parametrize(("present", "absent"), [(0, True), (180, True), (181, False),
                                                 (None, True), (360, False)])
def test_half_the_days_minutes_is_a_day_absent(present, absent):
    att = absences(1, ["2025-01-28"], present_minutes=present)
    assert _student(_one(att))[1] == int(absent)


@pytest.mark.parametrize(("excuse", "counted"), [("E", True), ("U", True), ("", True),
                                                 ("X", False)])
def test_any_reason_counts_but_exempt(excuse, counted):
    assert _student(_one(absences(1, ["2025-01-28"], excuse=excuse)))[1] == int(counted)


def test_half_of_a_short_day():
    days = school_days()
    for d in days:
        if d["date"] == pd.Timestamp("2025-01-28"):
            d["minutes"] = 120
    assert _student(_one(absences(1, ["2025-01-28"], present_minutes=60), days=days))[1] == 1
    assert _student(_one(absences(1, ["2025-01-28"], present_minutes=61), days=days))[1] == 0


def test_holidays_are_not_days_enrolled_and_absences_on_them_do_not_count():
    days = school_days(holidays=["2025-01-27"])
    a = _one(absences(1, ["2025-01-27", "2025-01-28"]), days=days)
    assert _student(a) == (10, 1, True)


def test_absences_outside_the_enrollment_do_not_count():
    enr = [enrollment(10, 1, startDate="2025-01-20", endDate="2025-01-24")]
    a = _one(absences(1, ["2025-01-17", "2025-01-24", "2025-01-27"]), enr)
    assert _student(a) == (5, 1, False)


def test_overlapping_enrollments_count_a_day_once_and_a_gap_not_at_all():
    enr = [enrollment(9, 1, startDate="2025-01-13", endDate="2025-01-22"),
           enrollment(10, 1, startDate="2025-01-20", grade="07", endDate="2025-01-24"),
           enrollment(11, 1, startDate="2025-01-29", grade="07")]
    a = _one(absences(1, ["2025-01-21"]), enr)  # Jan 13-24 (10) + Jan 29 - Feb 3 (4)
    assert _student(a) == (14, 1, False)
    assert a.chronic_by_student["grade"].tolist() == ["07"]  # the latest enrollment's grade


def test_no_show_and_state_excluded_enrollments_are_left_out():
    enr = [enrollment(10, 1, startDate="2025-01-06", noShow=True),
           enrollment(20, 2, startDate="2025-01-06", stateExclude=True),
           enrollment(30, 3, startDate="2025-01-06")]
    a = _one([], enr)
    assert a.chronic_by_student["personID"].tolist() == [3]


def test_forecast_counts_up_to_as_of_and_normal_run_to_the_count_date():
    att = absences(1, ["2025-01-21", "2025-01-31"])
    assert _student(_one(att)) == (11, 2, True)
    a = _one(att, params=params(as_of="2025-01-24"))
    assert _student(a) == (5, 1, False)  # 5 days enrolled up to as_of: under 10


def test_count_date_on_a_holiday_counts_to_the_effective_count_date():
    days = school_days(holidays=["2025-02-03"])  # effective count date Tue Feb 4
    assert _student(_one(absences(1, ["2025-02-04"]), days=days)) == (11, 1, False)


def test_each_school_separately():
    cals = [{"calendarID": c, "schoolID": c, "name": f"c{c}", "endYear": 2025,
             "startDate": "2024-08-26", "endDate": "2025-06-06"} for c in (1, 2)]
    schools = [{"schoolID": s, "districtNumber": "0001", "schoolNumber": f"000{s}",
                "name": f"S{s}"} for s in (1, 2)]
    enr = [enrollment(10, 1, startDate="2025-01-20"),
           enrollment(11, 1, calendarID=2, startDate="2025-01-20", serviceType="S")]
    a = _one(absences(1, ["2025-01-21", "2025-01-22"], calendar_id=2), enr, calendars=cals,
             schools=schools, days=school_days(1) + school_days(2))
    got = a.chronic_by_student[["schoolNumber", "daysEnrolled", "daysAbsent",
                                "chronicallyAbsent"]].values.tolist()
    assert got == [["0001", 11, 0, False], ["0002", 11, 2, True]]
    assert list(a.chronic_by_student.columns) == list(CHRONIC_STUDENT_COLUMNS)


# ---- the Attendance sheet ------------------------------------------------------------------
def test_attendance_table_counts_students_enrolled_ten_days_and_the_rate():
    enr = [enrollment(10, 1, startDate="2025-01-20"), enrollment(20, 2, startDate="2025-01-20"),
           enrollment(30, 3, startDate="2025-01-28"),  # 5 days: not in the denominator
           enrollment(40, 4, startDate="2025-01-28", grade="KG")]
    att = (absences(1, ["2025-01-21", "2025-01-22"])  # 2 of 11 days
           + absences(3, weekdays("2025-01-28", "2025-02-03")))
    a = make_analysis(students=[student(p) for p in (1, 2, 3, 4)], enrollments=enr,
                      attendance=att)
    t = a.attendance_table
    assert list(t.columns) == list(ATTENDANCE_COLUMNS)
    assert t.fillna(-1).values.tolist() == [["0001", "KG", 0, 0, -1.0],
                                            ["0001", "06", 2, 1, 0.5]]


# ---- property: the vectorized computation equals a plain loop ----------------------------
DAYS = list(pd.bdate_range("2025-01-13", "2025-02-07"))


@st.composite
def chronic_districts(draw):
    holidays = draw(st.sets(st.sampled_from(DAYS[:-5]), max_size=3))
    days = school_days(1, start="2025-01-13", end="2025-02-07",
                       holidays=[str(h.date()) for h in holidays])
    for d in days:
        if d["instruction"] and draw(st.integers(0, 9)) == 0:
            d["minutes"] = 180
    enr, att, eid = [], [], 1
    for p in range(1, draw(st.integers(1, 4)) + 1):
        for _ in range(draw(st.integers(1, 3))):
            start = draw(st.sampled_from(DAYS))
            end = draw(st.one_of(st.none(), st.sampled_from(DAYS)))
            enr.append(enrollment(eid, p, startDate=str(start.date()),
                                  grade=draw(st.sampled_from(["05", "06"])),
                                  noShow=draw(st.integers(0, 5)) == 0,
                                  **({} if end is None else {"endDate": str(end.date())})))
            eid += 1
        for day in draw(st.sets(st.sampled_from(DAYS))):
            att += absences(p, [day], present_minutes=draw(st.sampled_from(
                [0, 0, 60, 90, 91, 180, 181, 300, None])),
                excuse=draw(st.sampled_from(["E", "U", "X", ""])))
    as_of = draw(st.one_of(st.none(), st.sampled_from(DAYS[:14])))
    enr = [e for e in enr if e.get("endDate") is None or e["endDate"] >= e["startDate"]]
    p = params(as_of=None if as_of is None else as_of.date())
    return make_analysis(p, students=[student(q) for q in range(1, 5)], enrollments=enr,
                         attendance=att, days=days)


def reference(a):
    """The rule read plainly, student by student, day by day."""
    limit = (pd.Timestamp(a.params.as_of) if a.params.as_of is not None
             else a.calendars["effectiveCountDate"].iloc[0])
    days = {r["date"]: r["minutes"] for r in a.instructional_days.to_dict("records")}
    att = {(r["personID"], r["date"]): r for r in a.table("attendance").to_dict("records")}
    rows = {}
    for e in a.table("enrollments").to_dict("records"):
        if e["noShow"]:
            continue
        rows.setdefault(e["personID"], []).append(e)
    out = {}
    for person, es in rows.items():
        enrolled = {d for d in days if d <= limit for e in es
                    if e["startDate"] <= d and (pd.isna(e["endDate"]) or d <= e["endDate"])}
        absent = 0
        for d in enrolled:
            r = att.get((person, d))
            excuse = "" if r is None or pd.isna(r["excuse"]) else str(r["excuse"])
            if r is None or excuse.strip().upper() == "X":
                continue
            present = 0 if pd.isna(r["presentMinutes"]) else r["presentMinutes"]
            absent += (days[d] - present) >= days[d] / 2
        if enrolled:
            n = len(enrolled)
            out[person] = (n, absent, n >= 10 and absent >= 0.1 * n)
    return out


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chronic_districts())
def test_chronic_matches_a_plain_reference(a):
    got = {int(r["personID"]): (int(r["daysEnrolled"]), int(r["daysAbsent"]),
                                bool(r["chronicallyAbsent"]))
           for r in a.chronic_by_student.to_dict("records")}
    assert got == reference(a)

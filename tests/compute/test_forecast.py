"""The forecast before the count date: streak at as_of, days left, the call list, FTE at risk.

Count date Monday 2025-02-03; weekdays of calendar 1 are instructional unless a test says.
As of Friday 2025-01-24 there are 6 instructional days left (Jan 27-31, Feb 3).
"""

import datetime as dt

import pandas as pd
import pytest

from mtcollect_nb.columns import AT_RISK_COLUMNS, CALL_LIST_COLUMNS
from mtcollect_nb.compute.forecast import at_risk, fte_at_risk
from mtcollect_nb.testing import (
    absences,
    enrollment,
    make_analysis,
    params,
    school_days,
    student,
    weekdays,
)

AS_OF = "2025-01-24"


def _cal(cid, school=1, **kw):
    r = {"calendarID": cid, "schoolID": school, "name": f"cal {cid}", "endYear": 2025,
         "startDate": "2024-08-26", "endDate": "2025-06-06"}
    r.update(kw)
    return r


def _forecast(att, enr=None, as_of=AS_OF, students=None, **tables):
    enr = enr or [enrollment(10, 1)]
    students = students or [student(p) for p in sorted({e["personID"] for e in enr})]
    return make_analysis(params(as_of=as_of, **tables.pop("params", {})), students=students,
                         enrollments=enr, attendance=att, **tables)


def _row(a, enrollment_id=10):
    s = a.streaks_as_of.set_index("enrollmentID")
    return s.loc[enrollment_id]


def _listed(a):
    return a.call_list["enrollmentID"].tolist()


def _date(v):
    return None if pd.isna(v) else str(pd.Timestamp(v).date())


# ---- the rule: streak + days left >= 11 ----------------------------------------------------
def test_streak_of_exactly_11_minus_days_left_is_at_risk():
    a = _forecast(absences(1, weekdays("2025-01-20", AS_OF)))  # 5 + 6 days left = 11
    r = _row(a)
    assert (int(r["streakAsOf"]), int(r["daysLeft"]), bool(r["atRisk"])) == (5, 6, True)
    c = a.call_list.iloc[0]
    assert _date(c["reaches11On"]) == "2025-02-03"  # the count date itself
    assert _date(c["lastPresent"]) == "2025-01-17"
    assert list(a.call_list.columns) == list(CALL_LIST_COLUMNS)


def test_one_day_less_is_not_at_risk():
    a = _forecast(absences(1, weekdays("2025-01-21", AS_OF)))  # 4 + 6 = 10
    assert (int(_row(a)["streakAsOf"]), bool(_row(a)["atRisk"])) == (4, False)
    assert _listed(a) == []


@pytest.mark.slow
def test_min_streak_parameter_gates_the_list():
    att = absences(1, weekdays("2025-01-23", AS_OF))  # 2 days, 2 + 6 < 11 anyway
    assert _listed(_forecast(att, params={"call_list_min_streak": 2})) == []
    a = _forecast(absences(1, ["2025-01-31"]), as_of="2025-01-31")  # 1 + 1 day left
    assert _listed(a) == []
    att = absences(1, weekdays("2025-01-22", "2025-01-31"))  # 8 + 1 left < 11
    assert _listed(_forecast(att, as_of="2025-01-31")) == []
    att = absences(1, weekdays("2025-01-20", "2025-01-31"))  # 10 + 1 = 11
    assert _listed(_forecast(att, as_of="2025-01-31", params={"call_list_min_streak": 11})) == []
    assert _listed(_forecast(att, as_of="2025-01-31", params={"call_list_min_streak": 10})) == [10]


def test_at_risk_rule_needs_the_minimum_streak():
    assert at_risk(pd.Series([2, 3]), pd.Series([20, 20]), 3).tolist() == [False, True]


@pytest.mark.slow
def test_last_day_before_the_count_date():
    att = absences(1, weekdays("2025-01-20", "2025-01-31"))  # 10 days, 1 left (Feb 3)
    a = _forecast(att, as_of="2025-01-31")
    r = a.call_list.iloc[0]
    assert (int(r["streakAsOf"]), int(r["daysLeft"]), _date(r["reaches11On"])) == (
        10, 1, "2025-02-03")
    a = _forecast(absences(1, weekdays("2025-01-21", "2025-01-31")), as_of="2025-01-31")  # 9 + 1
    assert _listed(a) == []


# ---- same rules as the streak at the count date -----------------------------------------
@pytest.mark.slow
def test_streak_broken_by_a_half_day_present_for_part_of_it():
    days = school_days()
    for d in days:  # an early-release day of 180 minutes, under the 240-minute threshold
        if d["date"] == pd.Timestamp("2025-01-22"):
            d["minutes"] = 180
    partly = absences(1, ["2025-01-22"], present_minutes=60)  # missed 120 of 180: not whole
    absent = weekdays("2025-01-15", "2025-01-21") + weekdays("2025-01-23", AS_OF)
    att = absences(1, absent) + partly
    a = _forecast(att, days=days)
    assert int(_row(a)["streakAsOf"]) == 2 and _listed(a) == []
    missed = absences(1, ["2025-01-22"], present_minutes=0)  # all of the short day missed
    absent = weekdays("2025-01-15", "2025-01-21") + weekdays("2025-01-23", AS_OF)
    att = absences(1, absent) + missed
    a = _forecast(att, days=days)
    assert int(_row(a)["streakAsOf"]) == 8 and _listed(a) == [10]
    assert _date(a.call_list.iloc[0]["lastPresent"]) == "2025-01-14"


@pytest.mark.slow
def test_streak_across_a_holiday_neither_adds_nor_breaks():
    days = school_days(holidays=["2025-01-22", "2025-01-29"])  # one before, one after as_of
    att = absences(1, ["2025-01-20", "2025-01-21", "2025-01-23", "2025-01-24"])
    a = _forecast(att, days=days)
    r = _row(a)
    assert (int(r["streakAsOf"]), int(r["daysLeft"])) == (4, 5)  # Jan 29 is not a day left
    assert _listed(a) == []  # 4 + 5 < 11
    att = absences(1, ["2025-01-17", "2025-01-20", "2025-01-21", "2025-01-23", "2025-01-24"])
    a = _forecast(att, days=days)
    r = _row(a)
    assert (int(r["streakAsOf"]), int(r["daysLeft"])) == (5, 5) and _listed(a) == []
    att += absences(1, ["2025-01-16"])  # 6 + 5 = 11: reaches 11 on the count date
    c = _forecast(att, days=days).call_list.iloc[0]
    assert (int(c["streakAsOf"]), _date(c["reaches11On"])) == (6, "2025-02-03")


@pytest.mark.slow
def test_grade_level_threshold_decides_the_streak_at_as_of():
    att = absences(1, weekdays("2025-01-13", AS_OF), present_minutes=100)  # 260 of 360 missed
    a = _forecast(att)
    assert int(_row(a)["streakAsOf"]) == 10  # the default 240: whole days
    gl = [{"calendarID": 1, "grade": "06", "wholeDayAbsence": 300}]
    assert int(_row(_forecast(att, grade_levels=gl))["streakAsOf"]) == 0


def test_grade_change_the_next_day_does_not_break_the_streak():
    enr = [enrollment(9, 1, grade="05", endDate="2025-01-17"),
           enrollment(10, 1, startDate="2025-01-20")]
    a = _forecast(absences(1, weekdays("2025-01-13", AS_OF)), enr)
    assert int(_row(a)["streakAsOf"]) == 10
    assert _listed(a) == [10]  # only the enrollment on the count date is listed
    assert _date(a.call_list.iloc[0]["lastPresent"]) == "2025-01-10"


def test_absent_since_enrolling_has_no_last_present_day():
    enr = [enrollment(10, 1, startDate="2025-01-16")]
    a = _forecast(absences(1, weekdays("2025-01-16", AS_OF)), enr)
    c = a.call_list.iloc[0]
    assert int(c["streakAsOf"]) == 7 and pd.isna(c["lastPresent"])


def test_enrollment_ending_before_the_count_date_is_not_listed():
    enr = [enrollment(10, 1, endDate="2025-01-31")]
    a = _forecast(absences(1, weekdays("2025-01-06", AS_OF)), enr)
    assert a.streaks_as_of.empty and _listed(a) == []


def test_no_show_and_state_excluded_enrollments_are_not_listed():
    att = absences(1, weekdays("2025-01-06", AS_OF)) + absences(2, weekdays("2025-01-06", AS_OF))
    enr = [enrollment(10, 1, noShow=True), enrollment(20, 2, stateExclude=True)]
    assert _listed(_forecast(att, enr)) == []


# ---- as_of itself ---------------------------------------------------------------------------
@pytest.mark.parametrize("as_of", ["2025-01-25", "2025-01-26"])
def test_as_of_on_a_weekend_ends_on_the_friday(as_of):
    a = _forecast(absences(1, weekdays("2025-01-20", AS_OF)), as_of=as_of)
    r = _row(a)
    assert (int(r["streakAsOf"]), int(r["daysLeft"]), _date(r["lastDayAsOf"])) == (
        5, 6, "2025-01-24")
    assert _listed(a) == [10]


@pytest.mark.slow
def test_as_of_on_a_holiday_ends_on_the_last_instructional_day():
    days = school_days(holidays=["2025-01-27"])
    a = _forecast(absences(1, weekdays("2025-01-20", AS_OF)), as_of="2025-01-27", days=days)
    r = _row(a)
    assert (int(r["streakAsOf"]), int(r["daysLeft"])) == (5, 5)  # Jan 28-31, Feb 3
    assert _listed(a) == []
    a = _forecast(absences(1, weekdays("2025-01-17", AS_OF)), as_of="2025-01-27", days=days)
    assert _date(a.call_list.iloc[0]["reaches11On"]) == "2025-02-03"


def test_attendance_after_as_of_is_not_read():
    # the data already holds absences up to the count date: a forecast does not use them
    att = absences(1, weekdays("2025-01-20", "2025-02-03"))
    normal = make_analysis(students=[student(1)], enrollments=[enrollment(10, 1)],
                           attendance=att)
    assert normal.streaks["streak"].tolist() == [11]
    assert normal.fte["fteValidated"].tolist() == [0.0]
    a = _forecast(att)
    assert int(_row(a)["streakAsOf"]) == 5
    assert a.streaks["streak"].tolist() == [0]  # the count date is not reached
    assert a.fte["fteValidated"].tolist() == [1.0]  # counted, assuming no absence after as_of
    assert a.absences_table.empty
    assert a.anb_table["springCountValidated"].tolist() == [1.0]


# ---- already at 11, and the order ----------------------------------------------------------
def test_already_at_eleven_is_listed_with_no_reaches_day_and_still_counted():
    a = _forecast(absences(1, weekdays("2025-01-06", AS_OF)))  # 15 days at as_of
    c = a.call_list.iloc[0]
    assert int(c["streakAsOf"]) == 15 and pd.isna(c["reaches11On"])
    assert float(c["fteAtRisk"]) == 1.0  # still in the count: back before Feb 3 and it stays
    assert a.fte["fteValidated"].tolist() == [1.0]


def test_sorted_by_fewest_spare_days_then_longest_streak():
    people = {1: "2025-01-20", 2: "2025-01-14", 3: "2025-01-21", 4: "2025-01-06",
              5: "2025-01-17"}
    att = [r for p, start in people.items() for r in absences(p, weekdays(start, AS_OF))]
    enr = [enrollment(10 * p, p) for p in people]
    a = _forecast(att, enr)
    got = a.call_list[["enrollmentID", "streakAsOf", "daysLeft"]].values.tolist()
    # spare = daysLeft - (11 - streak): 10 -> 0, 50 -> 1, 20 -> 4, 40 -> 10 (15 days)
    assert got == [[10, 5, 6], [50, 6, 6], [20, 9, 6], [40, 15, 6]]


@pytest.mark.slow
def test_normal_run_has_an_empty_call_list_and_nothing_at_risk():
    a = make_analysis(students=[student(1)], enrollments=[enrollment(10, 1)],
                      attendance=absences(1, weekdays("2025-01-06", "2025-01-31")))
    assert a.call_list.empty and list(a.call_list.columns) == list(CALL_LIST_COLUMNS)
    assert a.at_risk_by_unit["fteAtRisk"].tolist() == [0.0, 0.0]


# ---- FTE at risk: the share after the 1.0 cap ---------------------------------------------
def _two_schools(hours_p, hours_s, absent_in):
    """Student 1: primary in calendar 1 (school 1), partial (S) in calendar 2 (school 2)."""
    cals = [_cal(1), _cal(2, school=2)]
    schools = [{"schoolID": s, "districtNumber": "0001", "schoolNumber": f"000{s}",
                "name": f"School {s}"} for s in (1, 2)]
    enr = [enrollment(10, 1, mtSpringAggregateHours=hours_p),
           enrollment(11, 1, calendarID=2, serviceType="S", mtSpringAggregateHours=hours_s)]
    att = absences(1, weekdays("2025-01-13", AS_OF), calendar_id=absent_in)
    return _forecast(att, enr, calendars=cals, schools=schools,
                     days=school_days(1) + school_days(2))


@pytest.mark.slow
def test_over_the_cap_the_partial_enrollment_at_risk_carries_its_share():
    a = _two_schools(600.0, 400.0, absent_in=2)  # 0.75 + 0.5, capped: 0.75 + 0.25
    assert a.fte.set_index("enrollmentID")["fteValidated"].to_dict() == {10: 0.75, 11: 0.25}
    c = a.call_list.iloc[0]
    assert (int(c["enrollmentID"]), c["schoolName"], float(c["fteAtRisk"])) == (
        11, "School 2", 0.25)


def test_over_the_cap_the_primary_at_risk_loses_only_what_the_cap_gives_back():
    a = _two_schools(1080.0, 400.0, absent_in=1)  # 1.0 + 0.5, capped: 1.0 + 0
    c = a.call_list.iloc[0]
    # excluded, the primary's 1.0 goes and the partial's 0.5 comes back: the count loses 0.5
    assert (int(c["enrollmentID"]), float(c["fteAtRisk"])) == (10, 0.5)
    a = _two_schools(1080.0, 100.0, absent_in=1)  # the partial has no FTE to give back
    assert float(a.call_list.iloc[0]["fteAtRisk"]) == 1.0


def test_fte_at_risk_of_two_enrollments_of_one_student_adds_up_to_the_loss():
    f = pd.DataFrame({"enrollmentID": [1, 2, 3], "personID": 7, "serviceType": ["P", "S", "S"],
                      "mtSpringAggregateHours": [600.0, 400.0, 200.0], "computedHours": None,
                      "excludedValidated": False, "fteValidated": [0.75, 0.25, 0.0]})
    got = fte_at_risk(f, pd.Series([1, 2]), "mtSpringAggregateHours")
    assert got.round(4).tolist() == [0.5625, 0.1875]  # loss 1.0 - 0.25, split 3:1
    assert fte_at_risk(f, pd.Series([3]), "mtSpringAggregateHours").tolist() == [0.0]


def test_already_excluded_enrollment_is_listed_with_no_fte_at_risk():
    enr = [enrollment(10, 1, mtExcludeSpringANB=True)]
    a = _forecast(absences(1, weekdays("2025-01-13", AS_OF)), enr)
    assert _listed(a) == [10] and float(a.call_list.iloc[0]["fteAtRisk"]) == 0.0


def test_anb_at_risk_per_budget_unit():
    enr = [enrollment(10, 1), enrollment(20, 2, grade="10", mtSpringAggregateHours=400.0),
           enrollment(30, 3, grade="11")]
    att = absences(1, weekdays("2025-01-13", AS_OF)) + absences(2, weekdays("2025-01-13", AS_OF))
    a = _forecast(att, enr, params={"pir_days": 4})
    t = a.at_risk_by_unit
    assert list(t.columns) == list(AT_RISK_COLUMNS)
    assert t.values.tolist() == [["Elementary", 1.0, round(1.0 / 2 * 184 / 180, 4)],
                                 ["High School", 0.5, round(0.5 / 2 * 184 / 180, 4)]]


# ---- chronic absence on the call list ------------------------------------------------------
def test_call_list_carries_chronic_absence_of_the_student_in_that_school():
    enr = [enrollment(10, 1, startDate="2025-01-06")]
    a = _forecast(absences(1, weekdays("2025-01-14", AS_OF)), enr)
    c = a.call_list.iloc[0]
    assert (int(c["daysEnrolled"]), int(c["daysAbsent"]), bool(c["chronicallyAbsent"])) == (
        15, 9, True)


def test_as_of_must_be_before_the_count_date():
    with pytest.raises(ValueError, match="as_of"):
        params(as_of=dt.date(2025, 2, 3))


def test_a_normal_run_call_list_is_the_one_call_list_computes_without_anyone_at_risk():
    """No as_of: the empty Call list comes without the frames it joins, the same frame."""
    from mtcollect_nb.compute.forecast import call_list
    from mtcollect_nb.testing import tiny_analysis

    a = tiny_analysis()
    fast = a.call_list
    assert "chronic_by_student" not in a.__dict__ and "fte" not in a.__dict__
    pd.testing.assert_frame_equal(fast, call_list(a, a.streaks_as_of, a.fte,
                                                  a.chronic_by_student), check_index_type=True)

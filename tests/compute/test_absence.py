"""Absence streaks at the count date (count date Monday 2025-02-03) and the Absences sheet."""

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtcollect_nb.columns import ABSENCES_COLUMNS
from mtcollect_nb.compute.absence import (
    absences_table,
    compute_streaks,
    streaks_at_count_date,
    streaks_reference,
    whole_day_absence,
)
from mtcollect_nb.compute.frames import effective_count_dates
from mtcollect_nb.testing import (
    absences,
    enrollment,
    make_analysis,
    params,
    school_days,
    student,
    weekdays,
)


def _cal(cid=1, **kw):
    r = {"calendarID": cid, "schoolID": 1, "name": f"cal {cid}", "endYear": 2025,
         "startDate": "2024-08-26", "endDate": "2025-06-06"}
    r.update(kw)
    return r


def _streak(a, enrollment_id=10):
    s = streaks_at_count_date(a).set_index("enrollmentID")
    start = s.at[enrollment_id, "streakStart"]
    return int(s.at[enrollment_id, "streak"]), None if pd.isna(start) else str(start.date())


def _one(att, enr=None, **tables):
    enr = enr or [enrollment(10, 1)]
    return make_analysis(students=[student(1)], enrollments=enr, attendance=att, **tables)


# ---- lengths, weekends, holidays -----------------------------------------------------------
@pytest.mark.slow
def test_ten_days_ending_on_count_date_is_ten():
    assert _streak(_one(absences(1, weekdays("2025-01-21", "2025-02-03")))) == (10, "2025-01-21")


def test_eleven_days_ending_on_count_date_is_eleven_across_weekends():
    assert _streak(_one(absences(1, weekdays("2025-01-20", "2025-02-03")))) == (11, "2025-01-20")


@pytest.mark.slow
def test_holiday_and_non_instructional_day_neither_add_nor_break():
    days = school_days(holidays=["2025-01-27"])
    # a PIR day: on the calendar, a school day, no instruction
    for d in days:
        if d["date"] == pd.Timestamp("2025-01-29"):
            d.update(schoolDay=True, instruction=False, minutes=0)
    att = absences(1, weekdays("2025-01-16", "2025-02-03"))
    # 13 weekdays Jan 16..Feb 3 minus the holiday and the PIR day = 11 instructional days
    assert _streak(_one(att, days=days)) == (11, "2025-01-16")


def test_present_day_stops_the_walk():
    att = absences(1, [*weekdays("2025-01-20", "2025-01-28"),
                       *weekdays("2025-01-30", "2025-02-03")])
    assert _streak(_one(att)) == (3, "2025-01-30")


def test_return_on_count_date_is_zero():
    assert _streak(_one(absences(1, weekdays("2025-01-06", "2025-01-31")))) == (0, None)


def test_count_date_not_instructional_uses_next_instructional_day():
    days = school_days(holidays=["2025-02-03"])
    att = absences(1, [*weekdays("2025-01-21", "2025-01-31"), "2025-02-03", "2025-02-04"])
    a = _one(att, days=days)
    assert a.calendars["effectiveCountDate"].iloc[0] == pd.Timestamp("2025-02-04")
    # Jan 21..31 (9 days) + Feb 4; the row on the holiday is ignored
    assert _streak(a) == (10, "2025-01-21")


def test_absence_on_holiday_count_date_alone_is_not_a_streak():
    days = school_days(holidays=["2025-02-03"])
    assert _streak(_one(absences(1, ["2025-01-31", "2025-02-03"]), days=days)) == (0, None)


# ---- enrollment boundaries -----------------------------------------------------------------
def test_days_before_enrollment_do_not_count():
    att = absences(1, weekdays("2025-01-13", "2025-02-03"))
    assert _streak(_one(att, [enrollment(10, 1, startDate="2025-01-29")])) == (4, "2025-01-29")


def test_grade_change_next_day_does_not_break():
    enr = [enrollment(9, 1, grade="05", endDate="2025-01-24"),
           enrollment(10, 1, startDate="2025-01-27")]
    att = absences(1, weekdays("2025-01-17", "2025-02-03"))
    assert _streak(_one(att, enr)) == (12, "2025-01-17")


def test_gap_between_enrollments_breaks():
    enr = [enrollment(9, 1, grade="05", endDate="2025-01-23"),
           enrollment(10, 1, startDate="2025-01-27")]
    att = absences(1, weekdays("2025-01-17", "2025-02-03"))
    assert _streak(_one(att, enr)) == (6, "2025-01-27")


def test_no_show_enrollment_does_not_cover():
    enr = [enrollment(9, 1, grade="05", endDate="2025-01-24", noShow=True),
           enrollment(10, 1, startDate="2025-01-27")]
    att = absences(1, weekdays("2025-01-17", "2025-02-03"))
    assert _streak(_one(att, enr)) == (6, "2025-01-27")


def test_absences_in_another_calendar_do_not_count():
    a = _one(absences(1, weekdays("2025-01-20", "2025-02-03"), calendar_id=2),
             calendars=[_cal(1), _cal(2)], days=school_days(1) + school_days(2))
    assert _streak(a) == (0, None)


# ---- what is a whole-day absence -----------------------------------------------------------
def test_exempt_breaks_excused_and_blank_count():
    att = (absences(1, ["2025-01-29"], excuse="E") + absences(1, ["2025-01-30"], excuse="X")
           + absences(1, ["2025-01-31"], excuse="") + absences(1, ["2025-02-03"], excuse="E"))
    assert _streak(_one(att)) == (2, "2025-01-31")


@pytest.mark.parametrize(("present", "whole"), [(120, True), (121, False), (0, True)])
def test_partial_day_against_whole_day_threshold(present, whole):
    att = absences(1, ["2025-02-03"], present_minutes=present)
    a = _one(att, calendars=[_cal(1, wholeDayAbsence=240)])
    assert _streak(a)[0] == (1 if whole else 0)


@pytest.mark.parametrize(("absent", "whole"), [(239, False), (240, True), (241, True)])
def test_blank_calendar_threshold_is_ics_default_240(absent, whole):
    """Blank wholeDayAbsence = whole_day_absence_default (240), not all of the day's minutes."""
    att = absences(1, ["2025-02-03"], present_minutes=360 - absent)
    assert _streak(_one(att))[0] == int(whole)


@pytest.mark.slow
@pytest.mark.parametrize(("absent", "whole"), [(199, False), (200, True)])
def test_parameter_default_is_used_when_neither_sets_it(absent, whole):
    a = make_analysis(params(whole_day_absence_default=200), students=[student(1)],
                      enrollments=[enrollment(10, 1)],
                      attendance=absences(1, ["2025-02-03"], present_minutes=360 - absent))
    assert _streak(a)[0] == int(whole)


@pytest.mark.slow
@pytest.mark.parametrize(("absent", "whole"), [(179, False), (180, True)])
def test_grade_level_threshold_overrides_the_calendars(absent, whole):
    att = absences(1, ["2025-02-03"], present_minutes=360 - absent)
    levels = [{"calendarID": 1, "grade": "06", "wholeDayAbsence": 180},
              {"calendarID": 1, "grade": "07", "wholeDayAbsence": 60}]
    a = _one(att, calendars=[_cal(1, wholeDayAbsence=300)], grade_levels=levels)
    assert _streak(a)[0] == int(whole)


@pytest.mark.slow
def test_grade_level_without_threshold_falls_back_to_the_calendar():
    att = absences(1, ["2025-02-03"], present_minutes=360 - 250)
    levels = [{"calendarID": 1, "grade": "06", "stateExclude": False}]
    a = _one(att, calendars=[_cal(1, wholeDayAbsence=300)], grade_levels=levels)
    assert _streak(a)[0] == 0


@pytest.mark.slow
def test_grade_of_the_day_decides_after_a_grade_change():
    """The override applies to the days of the enrollment in that grade only."""
    enr = [enrollment(9, 1, grade="05", endDate="2025-01-31"),
           enrollment(10, 1, grade="06", startDate="2025-02-01")]
    att = absences(1, ["2025-01-31", "2025-02-03"], present_minutes=360 - 200)
    levels = [{"calendarID": 1, "grade": "06", "wholeDayAbsence": 200}]
    assert _streak(_one(att, enr=enr, grade_levels=levels)) == (1, "2025-02-03")
    levels.append({"calendarID": 1, "grade": "05", "wholeDayAbsence": 200})
    assert _streak(_one(att, enr=enr, grade_levels=levels)) == (2, "2025-01-31")


@pytest.mark.slow
def test_half_day_below_default_threshold_missed_entirely_is_whole_day():
    days = school_days()
    for d in days:
        if d["date"] == pd.Timestamp("2025-01-31"):
            d["minutes"] = 180
    assert _streak(_one(absences(1, ["2025-01-31", "2025-02-03"]), days=days)) == (
        2, "2025-01-31")
    partial = absences(1, ["2025-01-31"], present_minutes=1) + absences(1, ["2025-02-03"])
    assert _streak(_one(partial, days=days)) == (1, "2025-02-03")


def test_short_day_missed_entirely_is_whole_day_even_below_threshold():
    days = school_days()
    for d in days:
        if d["date"] == pd.Timestamp("2025-01-31"):
            d["minutes"] = 180
    a = _one(absences(1, ["2025-01-31", "2025-02-03"]), days=days,
             calendars=[_cal(1, wholeDayAbsence=240)])
    assert _streak(a) == (2, "2025-01-31")


def test_whole_day_absence_blank_present_minutes_is_zero():
    s = pd.Series
    got = whole_day_absence(s([360, 360]), s([pd.NA, 360], dtype="Int64"), s(["U", "U"]),
                            s([pd.NA, pd.NA], dtype="Int64"))
    assert got.tolist() == [True, False]


# ---- Absences sheet ------------------------------------------------------------------------
def test_absences_table_lists_six_or_more_with_exclusion_at_eleven():
    att = (absences(1, weekdays("2025-01-20", "2025-02-03")) + absences(2, weekdays("2025-01-27",
                                                                           "2025-02-03"))
           + absences(3, weekdays("2025-01-28", "2025-02-03")))
    a = make_analysis(students=[student(1), student(2), student(3)],
                      enrollments=[enrollment(10, 1, mtSpringAbsent=11, mtExcludeSpringANB=True),
                                   enrollment(20, 2), enrollment(30, 3)], attendance=att)
    t = absences_table(a, a.streaks)
    assert list(t.columns) == list(ABSENCES_COLUMNS)
    assert t["enrollmentID"].tolist() == [10, 20]  # 30 has a streak of 5
    assert t["streak"].tolist() == [11, 6]
    assert t["excludeComputed"].tolist() == [True, False]
    assert t["streakStart"].iloc[0] == pd.Timestamp("2025-01-20")
    assert t["studentName"].iloc[0] == "Last1, First1"


def test_only_enrollments_on_count_date_get_a_streak():
    enr = [enrollment(9, 1, endDate="2025-01-31"), enrollment(10, 1, startDate="2025-02-03")]
    s = streaks_at_count_date(_one(absences(1, ["2025-01-31", "2025-02-03"]), enr))
    assert s["enrollmentID"].tolist() == [10]
    assert s["streak"].tolist() == [2]


# ---- property: the vectorized engine equals the reference loop ----------------------------
BASE = pd.Timestamp("2025-01-20")
PRESENT = [0, 0, 0, 0, 0, None, 100, 120, 121, 240]


@st.composite
def districts(draw):
    n_days = 21
    dates = pd.date_range(BASE, periods=n_days)
    cal_ids = [1, 2][: draw(st.integers(1, 2))]
    day_rows, cal_rows = [], []
    for c in cal_ids:
        inst = draw(st.lists(st.booleans(), min_size=n_days, max_size=n_days))
        mins = draw(st.lists(st.sampled_from([120, 240, 360]), min_size=n_days,
                             max_size=n_days))
        day_rows += [{"calendarID": c, "date": d, "minutes": m}
                     for d, i, m in zip(dates, inst, mins, strict=True) if i]
        cal_rows.append({"calendarID": c,
                         "wholeDayAbsence": draw(st.sampled_from([None, 100, 240, 400]))})
    days = pd.DataFrame(day_rows, columns=["calendarID", "date", "minutes"]).astype(
        {"calendarID": "int64", "date": "datetime64[ns]", "minutes": "int64"})
    count_date = BASE + pd.Timedelta(days=draw(st.integers(0, n_days - 1)))
    cal = pd.DataFrame(cal_rows)
    cal["wholeDayAbsence"] = cal["wholeDayAbsence"].astype("Int64")
    cal["effectiveCountDate"] = cal["calendarID"].map(
        effective_count_dates(days.assign(instruction=True), count_date)).astype(
        "datetime64[ns]")
    enr_rows, att_rows, eid = [], [], 1
    for p in range(1, draw(st.integers(1, 4)) + 1):
        for c in cal_ids:
            for _ in range(draw(st.integers(0, 2))):
                start = draw(st.integers(-3, n_days))
                length = draw(st.one_of(st.none(), st.integers(0, n_days)))
                enr_rows.append({
                    "enrollmentID": eid, "personID": p, "calendarID": c,
                    "startDate": BASE + pd.Timedelta(days=start),
                    "endDate": (pd.NaT if length is None
                                else BASE + pd.Timedelta(days=start + length)),
                    "noShow": draw(st.booleans()) and draw(st.booleans())})
                eid += 1
            # a run of absences (long streaks need one) plus scattered days
            lo = draw(st.integers(0, n_days - 1))
            hi = draw(st.integers(lo, n_days - 1))
            absent = set(range(lo, hi + 1)) | draw(st.sets(st.integers(0, n_days - 1)))
            for k in sorted(absent):
                att_rows.append({
                    "personID": p, "calendarID": c, "date": dates[k],
                    "presentMinutes": draw(st.sampled_from(PRESENT)),
                    "excuse": draw(st.sampled_from(["E", "U", "E", "", "X"]))})
    enr = pd.DataFrame(enr_rows, columns=["enrollmentID", "personID", "calendarID",
                                          "startDate", "endDate", "noShow"])
    enr = enr.astype({"enrollmentID": "int64", "personID": "int64", "calendarID": "int64",
                      "startDate": "datetime64[ns]", "endDate": "datetime64[ns]",
                      "noShow": bool})
    att = pd.DataFrame(att_rows, columns=["personID", "calendarID", "date", "presentMinutes",
                                          "excuse"])
    att = att.astype({"personID": "int64", "calendarID": "int64", "excuse": object})
    att["presentMinutes"] = att["presentMinutes"].astype("Int64")
    att["date"] = att["date"].astype("datetime64[ns]")
    return days, att, enr, cal


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(districts())
def test_engine_matches_reference(district):
    days, att, enr, cal = district
    got = compute_streaks(days, att, enr, cal).sort_values("enrollmentID")
    want = streaks_reference(days, att, enr, cal).sort_values("enrollmentID")
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True))


def test_engine_matches_reference_on_a_known_long_streak():
    # guards the property test against a generator that never makes long streaks
    a = _one(absences(1, weekdays("2025-01-06", "2025-02-03")))
    args = (a.instructional_days, a.table("attendance"), a.enrollments, a.calendars)
    assert compute_streaks(*args)["streak"].tolist() == [21]
    assert streaks_reference(*args)["streak"].tolist() == [21]

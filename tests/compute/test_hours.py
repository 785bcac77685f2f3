"""Computed aggregate hours and the hour bands (count date Monday 2025-02-03)."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtcollect_nb.compute.hours import band, computed_hours, hours_for_schedule, scheduled_minutes
from mtcollect_nb.testing import enrollment, make_analysis, school_days, student

# two school weeks around the count date: 10 days x 360 minutes = 60 hours
DAYS = school_days(start="2025-01-27", end="2025-02-07")


@pytest.mark.parametrize(("hours", "fte"), [
    (0, 0.0), (179, 0.0), (179.99, 0.0), (180, 0.25), (359, 0.25), (359.99, 0.25),
    (360, 0.5), (539, 0.5), (540, 0.75), (719, 0.75), (719.99, 0.75), (720, 1.0),
    (1080, 1.0), (5000, 1.0),
])
def test_band_edges(hours, fte):
    assert band(pd.Series([float(hours)])).iloc[0] == fte


def test_band_keeps_nan_and_index():
    got = band(pd.Series([np.nan, 720.0], index=[7, 3]))
    assert np.isnan(got.loc[7]) and got.loc[3] == 1.0
    assert got.index.tolist() == [7, 3]


def _course(cid, cal=1):
    return {"courseID": cid, "calendarID": cal, "number": f"C{cid}", "name": f"Course {cid}",
            "active": True, "scedSubjectArea": "01", "scedCourseID": "001", "cte": False}


def _section(sid, cid, minutes, start="2024-08-26", end="2025-06-06"):
    return {"sectionID": sid, "courseID": cid, "number": str(sid), "termStartDate": start,
            "termEndDate": end, "minutesPerDay": minutes}


def _roster(sid, pid, start=None, end=None):
    return {"sectionID": sid, "personID": pid, "startDate": start, "endDate": end}


def _analysis(rosters=None, sections=None, courses=None, enr=None, **kw):
    tables = dict(students=[student(1)], enrollments=enr or [enrollment(10, 1)], days=DAYS)
    if rosters is not None:
        tables.update(rosters=rosters, sections=sections or [], courses=courses or [])
    tables.update(kw)
    return make_analysis(**tables)


def _hours(a, eid=10):
    return computed_hours(a).set_index("enrollmentID").at[eid, "computedHours"]


def test_without_rosters_file_uses_the_days_minutes():
    assert _hours(_analysis()) == 60.0


def test_without_schedule_the_count_dates_minutes_cap_every_day():
    days = [dict(d) for d in DAYS]
    for d in days:
        if d["date"] == pd.Timestamp("2025-02-03"):
            d["minutes"] = 240  # a short count date: m = 240 for every day
        if d["date"] == pd.Timestamp("2025-01-27"):
            d["minutes"] = 120
    assert _hours(_analysis(days=days)) == (9 * 240 + 120) / 60


def test_every_instructional_day_of_the_calendar_counts_not_only_enrolled_days():
    a = _analysis(enr=[enrollment(10, 1, startDate="2025-02-03")])
    assert _hours(a) == 60.0


def test_scheduled_minutes_cap_each_day():
    days = [dict(d) for d in DAYS]
    days[0]["minutes"] = 120  # a short day: min(120, 300) = 120
    a = _analysis(rosters=[_roster(1, 1), _roster(2, 1)], days=days,
                  sections=[_section(1, 1, 200), _section(2, 1, 100)],
                  courses=[_course(1)])
    assert _hours(a) == round((9 * 300 + 120) / 60, 2)
    sm = scheduled_minutes(a).iloc[0]
    assert sm["scheduledMinutes"] == 300 and sm["rosteredSections"] == 2


def test_only_rosters_active_on_the_count_date_count():
    ros = [_roster(1, 1), _roster(2, 1, end="2025-01-31"), _roster(3, 1),
           _roster(4, 1, start="2025-02-04"), _roster(5, 1)]
    sec = [_section(1, 1, 120), _section(2, 1, 60), _section(3, 1, 60, end="2025-01-17"),
           _section(4, 1, 60), _section(5, 2, 60)]
    a = _analysis(rosters=ros, sections=sec, courses=[_course(1), _course(2, cal=2)],
                  calendars=[{"calendarID": c, "schoolID": 1, "name": str(c), "endYear": 2025}
                             for c in (1, 2)])
    # only section 1 (120 min): 2 ended, 3's term ended, 4 starts later, 5 is another calendar
    assert _hours(a) == 20.0


def test_student_without_roster_that_day_gets_the_days_minutes():
    a = _analysis(rosters=[_roster(1, 2)], sections=[_section(1, 1, 60)],
                  courses=[_course(1)], students=[student(1), student(2)],
                  enr=[enrollment(10, 1), enrollment(20, 2)])
    assert _hours(a, 10) == 60.0 and _hours(a, 20) == 10.0
    assert scheduled_minutes(a).set_index("enrollmentID")["rosteredSections"].to_dict() == {
        10: 0, 20: 1}


def test_blank_minutes_per_day_add_nothing_and_all_blank_falls_back():
    some = _analysis(rosters=[_roster(1, 1), _roster(2, 1)],
                     sections=[_section(1, 1, 90), _section(2, 1, None)], courses=[_course(1)])
    assert _hours(some) == 15.0
    none = _analysis(rosters=[_roster(2, 1)], sections=[_section(2, 1, None)],
                     courses=[_course(1)])
    assert _hours(none) == 60.0


def test_hours_for_schedule_per_calendar():
    days = pd.DataFrame({"calendarID": [1, 1, 2], "minutes": [360, 60, 300]})
    sched = pd.DataFrame({"calendarID": [2, 1, 1, 3], "scheduledMinutes": [60, np.nan, 90, 60]},
                         index=[5, 6, 7, 8])
    got = hours_for_schedule(days, sched)
    assert got.to_dict() == {5: 1.0, 6: 7.0, 7: 2.5, 8: 0.0}


# ---- the array joins against the plain merges they replaced ---------------------------------
def _scheduled_minutes_reference(a):
    e = a.on_count_date[["enrollmentID", "personID", "calendarID", "effectiveCountDate"]]
    out = e[["enrollmentID"]].reset_index(drop=True)
    sec = a.table("sections")[["sectionID", "courseID", "termStartDate", "termEndDate",
                               "minutesPerDay"]]
    sec = sec.merge(a.table("courses")[["courseID", "calendarID"]], on="courseID")
    ros = a.table("rosters")[["sectionID", "personID", "startDate", "endDate"]]
    ros = ros.merge(sec, on="sectionID").merge(e, on=["personID", "calendarID"])
    day = ros["effectiveCountDate"]
    active = ((ros["startDate"].isna() | (ros["startDate"] <= day))
              & (ros["endDate"].isna() | (day <= ros["endDate"]))
              & (ros["termStartDate"] <= day) & (day <= ros["termEndDate"]))
    ros = ros.loc[active].assign(minutes=ros["minutesPerDay"].astype("float64"))
    g = ros.groupby("enrollmentID")
    agg = pd.DataFrame({"rosteredSections": g.size(),
                        "scheduledMinutes": g["minutes"].sum(min_count=1)})
    out = out.merge(agg.reset_index(), on="enrollmentID", how="left")
    out["rosteredSections"] = out["rosteredSections"].fillna(0).astype("int64")
    out["scheduledMinutes"] = out["scheduledMinutes"].astype("float64")
    return out


def _hours_reference(days, schedule):
    m = schedule["scheduledMinutes"].astype("float64")
    keys = pd.DataFrame({"calendarID": schedule["calendarID"].to_numpy(),
                         "m": m.fillna(-1.0).to_numpy()})
    d = keys.drop_duplicates().merge(days[["calendarID", "minutes"]], on="calendarID")
    mins = d["minutes"].astype("float64").fillna(0.0)
    d["h"] = np.where(d["m"] == -1.0, mins, np.minimum(mins, d["m"])) / 60.0
    per = d.groupby(["calendarID", "m"])["h"].sum()
    got = keys.merge(per.reset_index(), on=["calendarID", "m"], how="left")["h"]
    return pd.Series(got.fillna(0.0).round(2).to_numpy(), index=schedule.index)


_DAY = st.integers(-150, 40).map(lambda k: pd.Timestamp("2025-01-20") + pd.Timedelta(days=k))


@st.composite
def _districts(draw):
    people = range(1, draw(st.integers(1, 4)) + 1)
    enr = [enrollment(10 * p + i, p, calendarID=1 + i, startDate=draw(_DAY).date().isoformat())
           for p in people for i in range(draw(st.integers(1, 2)))]
    days = (school_days(1, start="2025-01-06", end="2025-02-14", minutes=draw(
        st.sampled_from([240, 360]))) + school_days(2, start="2025-01-08", end="2025-02-12",
                                                    holidays=["2025-02-03"], minutes=300))
    sections = [{"sectionID": s, "courseID": draw(st.sampled_from([1, 2, 3])),
                 "termStartDate": draw(_DAY), "termEndDate": pd.Timestamp("2025-06-06"),
                 "minutesPerDay": draw(st.sampled_from([None, 0, 45, 50, 90, 400]))}
                for s in range(1, draw(st.integers(1, 6)) + 1)]
    rosters = [{"sectionID": draw(st.sampled_from([s["sectionID"] for s in sections])),
                "personID": draw(st.sampled_from(list(people))),
                "startDate": draw(st.one_of(st.none(), _DAY)),
                "endDate": draw(st.one_of(st.none(), _DAY))}
               for _ in range(draw(st.integers(0, 12)))]
    return make_analysis(
        days=days, students=[student(p) for p in people], enrollments=enr,
        calendars=[{"calendarID": c, "schoolID": 1, "name": f"c{c}", "endYear": 2025,
                    "startDate": "2024-08-26", "endDate": "2025-06-06"} for c in (1, 2)],
        courses=[_course(1, 1), _course(2, 2), _course(3, 1)], sections=sections,
        rosters=rosters)


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_districts())
def test_scheduled_minutes_and_hours_match_plain_merges(a):
    pd.testing.assert_frame_equal(scheduled_minutes(a), _scheduled_minutes_reference(a))
    sched = a.on_count_date[["calendarID"]].reset_index(drop=True).assign(
        scheduledMinutes=scheduled_minutes(a)["scheduledMinutes"])
    pd.testing.assert_series_equal(hours_for_schedule(a.instructional_days, sched),
                                   _hours_reference(a.instructional_days, sched))


@pytest.mark.slow
@given(st.lists(st.tuples(st.sampled_from([1, 2, 3]),
                          st.one_of(st.none(), st.integers(0, 600))), max_size=20),
       st.lists(st.tuples(st.sampled_from([1, 2]), st.integers(0, 480)), max_size=40))
def test_hours_for_schedule_matches_plain_merge(schedule, days):
    sched = pd.DataFrame(schedule, columns=["calendarID", "scheduledMinutes"]).astype(
        {"calendarID": "int64", "scheduledMinutes": "float64"})
    d = pd.DataFrame(days, columns=["calendarID", "minutes"]).astype(
        {"calendarID": "int64", "minutes": "Int64"})
    pd.testing.assert_series_equal(hours_for_schedule(d, sched), _hours_reference(d, sched))

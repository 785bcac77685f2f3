"""Computed aggregate hours and the hour bands (count date Monday 2025-02-03)."""

import numpy as np
import pandas as pd
import pytest

from mtcollect_nb.hours import band, computed_hours, hours_for_schedule, scheduled_minutes
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

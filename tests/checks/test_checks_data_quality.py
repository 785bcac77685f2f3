"""DQ-04: a calendar with enrollments but no instructional day on or after the count date."""

import pytest

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.checks.data_quality import dq04_no_count_date
from mtcollect_nb.checks.engine import run_rules
from mtcollect_nb.testing import enrollment, make_analysis, school_days, student


def _cal(cid, **kw):
    r = {"calendarID": cid, "schoolID": 1, "name": f"cal {cid}", "endYear": 2025,
         "startDate": "2024-08-26", "endDate": "2025-06-06"}
    r.update(kw)
    return r


def _district(days, **kw):
    kw.setdefault("enrollments", [enrollment(10, 1), enrollment(20, 2, calendarID=2)])
    return make_analysis(calendars=[_cal(1), _cal(2)], days=days,
                         students=[student(1), student(2)], **kw)


def test_calendar_whose_days_stop_before_the_count_date_is_named():
    a = _district(school_days(1) + school_days(2, end="2025-01-31"))
    f = run_rules(a, [all_rules()["DQ-04"]]).findings
    assert f[["ruleId", "severity", "schoolNumber", "value"]].values.tolist() == [
        ["DQ-04", "warning", "0001", "last instructional day 2025-01-31"]]
    assert "Calendar 2 (cal 2) has 1 enrollment(s)" in f["message"].iloc[0]
    assert f["expected"].iloc[0] == "an instructional day on or after 2025-02-03"
    # and nothing in that calendar is on the count date
    on = a.enrollments.set_index("enrollmentID")["onCountDate"]
    assert bool(on[10]) and not bool(on[20])


def test_calendar_without_any_instructional_day():
    a = _district(school_days(1))
    assert dq04_no_count_date(a)["value"].tolist() == ["no instructional day"]


def test_instructional_day_on_or_after_the_count_date_is_enough():
    assert dq04_no_count_date(_district(school_days(1) + school_days(2, end="2025-02-03"))
                              ).empty
    # the count date is a holiday: the next instructional day is the effective count date
    days = school_days(1) + school_days(2, end="2025-02-04", holidays=["2025-02-03"])
    assert dq04_no_count_date(_district(days)).empty


@pytest.mark.slow
def test_calendar_without_enrollments_or_excluded_is_not_named():
    days = school_days(1) + school_days(2, end="2025-01-31")
    assert dq04_no_count_date(_district(days, enrollments=[enrollment(10, 1)])).empty
    no_show = [enrollment(10, 1), enrollment(20, 2, calendarID=2, noShow=True)]
    assert dq04_no_count_date(_district(days, enrollments=no_show)).empty
    a = make_analysis(calendars=[_cal(1), _cal(2, stateExclude=True)], days=days,
                      students=[student(1), student(2)],
                      enrollments=[enrollment(10, 1), enrollment(20, 2, calendarID=2)])
    assert dq04_no_count_date(a).empty

"""The explorer in a forecast run: the call list filtered by school, a student's calendar up
to as_of with the days left to the count date marked."""

from __future__ import annotations

import pandas as pd
import pytest

from mtcollect_nb.checks.run import run_from_analysis
from mtcollect_nb.explore import days, widgets
from mtcollect_nb.explore import figures as xf
from mtcollect_nb.testing import (
    absences,
    enrollment,
    make_analysis,
    params,
    school_days,
    student,
)

SCHOOLS = [
    {"schoolID": 1, "districtNumber": "0001", "schoolNumber": "0001", "name": "Lincoln"},
    {"schoolID": 2, "districtNumber": "0001", "schoolNumber": "0002", "name": "Adams"}]
CALENDARS = [
    {"calendarID": c, "schoolID": c, "name": f"cal {c}", "endYear": 2025,
     "startDate": "2024-08-26", "endDate": "2025-06-06"} for c in (1, 2)]


def _run(as_of: str | None = "2025-01-24"):
    att = (absences(1, pd.bdate_range("2025-01-20", as_of or "2025-01-24"))
           + absences(2, pd.bdate_range("2025-01-13", "2025-01-24"), calendar_id=2))
    a = make_analysis(params(as_of=as_of), students=[student(1), student(2)],
                      enrollments=[enrollment(11, 1), enrollment(12, 2, calendarID=2)],
                      attendance=att, schools=SCHOOLS, calendars=CALENDARS,
                      days=school_days(1) + school_days(2))
    return run_from_analysis(a)


@pytest.mark.slow
def test_the_call_list_filtered_by_school() -> None:
    run = _run()
    every = widgets.on_call_list_change(run)
    assert every["table"]["enrollmentID"].tolist() == [11, 12]
    one = widgets.on_call_list_change(run, "0002")
    assert one["table"]["enrollmentID"].tolist() == [12]
    assert one["summary"] == "1 of 2 students on the call list, 1.00 FTE at risk"
    assert widgets.on_call_list_change(run, widgets.ANY)["table"].equals(every["table"])


@pytest.mark.slow
def test_a_forecast_explorer_opens_on_the_call_list() -> None:
    assert widgets.explorer(_run()).titles[0] == widgets.CALL_LIST_TAB
    assert widgets.explorer(_run(as_of=None)).titles == widgets.TABS


@pytest.mark.slow
def test_the_calendar_up_to_as_of_with_the_days_left_marked() -> None:
    run = _run()
    cal = days.forecast_calendar(run, 1)
    streak = cal.loc[cal[days.IN_STREAK]]
    assert streak["date"].dt.strftime("%m-%d").tolist() == ["01-20", "01-21", "01-22", "01-23",
                                                           "01-24"]
    assert streak[days.STREAK_DAY].tolist() == [1, 2, 3, 4, 5]
    left = cal.loc[cal[days.DAY_LEFT], "date"].dt.strftime("%m-%d").tolist()
    assert left == ["01-27", "01-28", "01-29", "01-30", "01-31", "02-03"]
    later = cal.loc[cal["date"] > "2025-01-24", "status"]
    assert set(later) == {days.TO_COME}
    fig = xf.calendar_figure(cal, widgets.forecast_title(run, cal))
    marked = next(t for t in fig.data if t.name == "day left")
    assert list(marked.text) == ["6", "5", "4", "3", "2", "1"]  # counted down to the count date
    assert fig.layout.title.text == ("5 consecutive whole-day absences as of 2025-01-24; 6 "
                                     "school days left to the count date 2025-02-03")


@pytest.mark.slow
def test_the_student_view_uses_it_only_in_a_forecast() -> None:
    out = widgets.on_student_change(_run(), 1)
    assert out["calendar"][days.DAY_LEFT].sum() == 6
    normal = widgets.on_student_change(_run(as_of=None), 1)
    assert not normal["calendar"][days.DAY_LEFT].any()
    assert days.TO_COME not in set(normal["calendar"]["status"])

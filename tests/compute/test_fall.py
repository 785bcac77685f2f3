"""A fall run's computations: the fall count date (Monday 2024-10-07) and the fall fields.

Each case is run as fall and, where it tells something, as spring on the same tables: the
season is the only difference.
"""

from __future__ import annotations

import pandas as pd
import pytest

from mtcollect_nb.columns import ABSENCES_COLUMNS, ANB_COLUMNS
from mtcollect_nb.compute.sections import count_date_sections, roster_counts, window_start
from mtcollect_nb.season import FALL, SPRING
from mtcollect_nb.testing import (
    absences,
    enrollment,
    fall_enrollment,
    make_analysis,
    params,
    school_days,
    student,
    weekdays,
)

FALL_PARAMS = params(collection_season="fall")


def _both(**tables):
    """The same tables as a spring run and as a fall run."""
    tables.setdefault("students", [student(1), student(2)])
    return make_analysis(params(), **tables), make_analysis(FALL_PARAMS, **tables)


# ---- the count date -------------------------------------------------------------------------
def test_fall_run_counts_on_the_fall_count_date_or_the_next_instructional_day():
    spring, fall = _both(days=school_days(holidays=["2024-10-07"]))
    assert fall.count_date == pd.Timestamp("2024-10-07")
    assert fall.calendars["effectiveCountDate"].tolist() == [pd.Timestamp("2024-10-08")]
    assert spring.calendars["effectiveCountDate"].tolist() == [pd.Timestamp("2025-02-03")]


def test_on_the_count_date_and_counted_follow_the_season():
    late = fall_enrollment(10, 1, startDate="2024-11-04", mtSpringAggregateHours=1080.0)
    gone = fall_enrollment(20, 2, endDate="2024-12-20", mtSpringAggregateHours=None)
    spring, fall = _both(enrollments=[late, gone])
    assert fall.on_count_date["enrollmentID"].tolist() == [20]
    assert spring.on_count_date["enrollmentID"].tolist() == [10]


@pytest.mark.slow
def test_streak_ends_on_the_fall_count_date():
    eleven = weekdays("2024-09-23", "2024-10-07")  # Sep 23..Oct 7: 11 instructional days
    spring, fall = _both(enrollments=[fall_enrollment(10, 1)], attendance=absences(1, eleven))
    assert fall.streaks[["streak", "streakStart"]].values.tolist() == [
        [11, pd.Timestamp("2024-09-23")]]
    assert spring.streaks["streak"].tolist() == [0]
    assert fall.fte["excludeComputed"].tolist() == [True]


# ---- the season's fields --------------------------------------------------------------------
def test_fte_reads_the_fall_hours_and_the_fall_flag_only():
    rows = [fall_enrollment(10, 1, mtFallAggregateHours=400.0, mtExcludeSpringANB=True),
            fall_enrollment(20, 2, mtExcludeFallANB=True, mtSpringAggregateHours=200.0)]
    spring, fall = _both(enrollments=rows)
    f = fall.fte.set_index("enrollmentID")
    assert f.loc[10, ["fteReported", "excludedReported"]].tolist() == [0.5, False]
    assert f.loc[20, ["fteReported", "excludedReported"]].tolist() == [0.0, True]
    assert "mtFallAggregateHours" in f and "mtSpringAggregateHours" not in f
    s = spring.fte.set_index("enrollmentID")
    assert s.loc[10, "excludedReported"] and s.loc[20, "fteReported"] == 0.25
    assert fall.enrollments.set_index("enrollmentID")["counted"].to_dict() == {10: True,
                                                                               20: False}


def test_absent_fall_fields_are_blank_as_the_loader_fills_an_optional_column():
    # blank fall fields (the loader fills a column the header lacks the same way)
    a = make_analysis(FALL_PARAMS, students=[student(1)],
                      enrollments=[enrollment(10, 1, mtSpringAggregateHours=None)])
    e = a.on_count_date
    assert e["mtExcludeFallANB"].tolist() == [False]
    assert e["mtFallAbsent"].isna().all() and str(e["mtFallAbsent"].dtype) == "Int64"
    assert e["mtFallAggregateHours"].isna().all()
    f = a.fte.iloc[0]
    assert (f["fteReported"], f["fteValidated"]) == (0.0, 1.0)  # validated: computed hours


def test_absences_table_names_the_seasons_columns():
    rows = [fall_enrollment(10, 1, mtFallAbsent=11, mtExcludeFallANB=True)]
    a = make_analysis(FALL_PARAMS, students=[student(1)], enrollments=rows,
                      attendance=absences(1, weekdays("2024-09-23", "2024-10-07")))
    t = a.absences_table
    assert list(t.columns) == list(FALL.absences_columns) != list(ABSENCES_COLUMNS)
    assert t[["streak", "mtFallAbsent", "mtExcludeFallANB", "excludeComputed"]].values.tolist(
        ) == [[11, 11, True, True]]


# ---- the count tables of a fall run -----------------------------------------------------------
def _fall_count(pid, grade="06", hours=1080.0):
    return {"stateID": f"{900000000 + pid}", "schoolNumber": "0001", "grade": grade,
            "fallAggregateHours": hours, "excluded": False}


@pytest.mark.slow
def test_fall_anb_table_is_the_fall_count_reported_and_validated():
    rows = [fall_enrollment(10, 1), fall_enrollment(20, 2, mtFallAggregateHours=None,
                                                    grade="10")]
    spring, fall = _both(enrollments=rows, fall_count=[_fall_count(1), _fall_count(2, "10")])
    t = fall.anb_table
    assert list(t.columns) == ["schoolNumber", "grade", "budgetUnit", "enrolled",
                               "excludedReported", "excludedValidated", "fallCountReported",
                               "fallCountValidated", "difference"]
    assert t[["grade", "fallCountReported", "fallCountValidated", "difference"]].values.tolist(
        ) == [["06", 1.0, 1.0, 0.0], ["10", 0.0, 1.0, 1.0]]
    assert list(spring.anb_table.columns) == list(ANB_COLUMNS)  # reads fall_count.csv
    assert spring.anb_table["fallCount"].tolist() == [1.0, 1.0]
    u = fall.budget_units
    assert u.values.tolist() == [["Elementary", 1.0, 1.0], ["High School", 0.0, 1.0]]
    assert list(u.columns) == list(FALL.budget_unit_columns)


def test_no_early_graduates_in_a_fall_run():
    grad = enrollment(10, 1, grade="12", endDate="2024-12-20", endStatus="400",
                      diplomaDate="2024-12-20", mtFallAggregateHours=1080.0,
                      mtSpringAggregateHours=1080.0)
    spring, fall = _both(enrollments=[grad], fall_count=[_fall_count(1, "12")])
    assert spring.early_graduates["fteValidated"].tolist() == [1.0]
    assert fall.early_graduates.empty
    assert list(fall.early_graduates.columns) == list(spring.early_graduates.columns)
    # on the fall count date the graduate is an ordinary grade-12 pupil, counted once
    assert fall.anb_table["fallCountValidated"].tolist() == [1.0]


# ---- Fall Teacher-Class ---------------------------------------------------------------------
COURSES = [{"courseID": 1, "calendarID": 1, "number": "W1", "cte": True}]


def _section(sid, start, end):
    return {"sectionID": sid, "courseID": 1, "termStartDate": start, "termEndDate": end,
            "minutesPerDay": 50}


def test_fall_sections_are_those_whose_term_covers_the_fall_count_date():
    sections = [_section(5, "2024-08-26", "2024-12-20"), _section(6, "2025-01-06", "2025-06-06"),
                _section(7, "2024-08-26", "2025-06-06")]
    spring, fall = _both(courses=COURSES, sections=sections)
    f = count_date_sections(fall)
    assert f[["sectionID", "countDate"]].values.tolist() == [
        [5, pd.Timestamp("2024-10-07")], [7, pd.Timestamp("2024-10-07")]]
    assert count_date_sections(spring)["sectionID"].tolist() == [6, 7]


def test_cte_roster_window_runs_from_the_first_instructional_day_in_a_fall_run():
    rosters = [{"sectionID": 7, "personID": 1, "startDate": "2024-08-26",
                "endDate": "2024-09-20"},  # the fall window only
               {"sectionID": 7, "personID": 2, "startDate": "2024-10-14"}]  # spring only
    spring, fall = _both(enrollments=[fall_enrollment(10, 1), fall_enrollment(20, 2)],
                         courses=COURSES, sections=[_section(7, "2024-08-26", "2025-06-06")],
                         rosters=rosters)
    cols = ["rosterCountWindow", "rosterCountOnCountDate"]
    assert roster_counts(fall)[cols].values.tolist() == [[1, 0]]
    assert roster_counts(spring)[cols].values.tolist() == [[1, 1]]
    assert fall.cte_sections[cols].values.tolist() == [[1, 0]]


def test_window_start_is_the_first_day_of_each_sections_calendar():
    days = school_days(1) + school_days(2, start="2024-09-03")
    spring, fall = _both(days=days)
    s = pd.DataFrame({"calendarID": [1, 2, 3]})
    got = pd.Series(window_start(fall, s)).astype(str).str[:10].tolist()
    assert got == ["2024-08-26", "2024-09-03", "NaT"]
    assert pd.Series(window_start(spring, s)).astype(str).str[:10].tolist() == [
        "2024-10-07"] * 3


def test_spring_season_object_is_what_a_spring_run_reads():
    a = make_analysis()
    assert a.season is SPRING and a.count_date == a.spring == pd.Timestamp("2025-02-03")

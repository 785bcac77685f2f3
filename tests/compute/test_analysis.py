import pandas as pd
import pytest

from mtcollect_nb.compute.frames import budget_unit
from mtcollect_nb.testing import enrollment, make_analysis, school_days, student

SPRING = pd.Timestamp("2025-02-03")


def _enr(**kw):
    return make_analysis(students=[student(1)], enrollments=[enrollment(10, 1, **kw)]
                         ).enrollments.iloc[0]


def test_effective_count_date_is_next_instructional_day():
    a = make_analysis(days=school_days(holidays=["2025-02-03"]))
    assert a.calendars["effectiveCountDate"].iloc[0] == pd.Timestamp("2025-02-04")


def test_calendar_without_days_after_count_date():
    a = make_analysis(days=school_days(end="2025-01-31"))
    assert pd.isna(a.calendars["effectiveCountDate"].iloc[0])
    e = make_analysis(days=school_days(end="2025-01-31"), students=[student(1)],
                      enrollments=[enrollment(10, 1)]).enrollments.iloc[0]
    assert not e["onCountDate"]


@pytest.mark.slow
@pytest.mark.parametrize(("kw", "on", "counted"), [
    ({}, True, True),
    ({"startDate": "2025-02-03"}, True, True),
    ({"startDate": "2025-02-04"}, False, False),
    ({"endDate": "2025-02-03"}, True, True),
    ({"endDate": "2025-01-31"}, False, False),
    ({"noShow": True}, False, False),
    ({"stateExclude": True}, False, False),
    ({"mtExcludeSpringANB": True}, True, False),
    ({"mtExcludeANB": True}, True, False),
    ({"extracurricularOnly": True}, True, False),
])
def test_on_count_date_and_counted(kw, on, counted):
    e = _enr(**kw)
    assert bool(e["onCountDate"]) is on and bool(e["counted"]) is counted


def test_state_excluded_calendar_is_not_on_count_date():
    cal = [{"calendarID": 1, "schoolID": 1, "name": "x", "endYear": 2025,
            "startDate": "2024-08-26", "endDate": "2025-06-06", "stateExclude": True}]
    e = make_analysis(calendars=cal, students=[student(1)],
                      enrollments=[enrollment(10, 1)]).enrollments.iloc[0]
    assert not e["onCountDate"]


def test_budget_units():
    g = pd.Series(["PK", "KG", "08", "09", "12"])
    assert budget_unit(g).tolist() == ["Elementary"] * 3 + ["High School"] * 2


def test_student_name_and_memo():
    a = make_analysis(students=[student(1, lastName="Ó'Neil", firstName="")])
    assert a.students["studentName"].iloc[0] == "Ó'Neil"
    calls = []
    assert a.memo("k", lambda: calls.append(1) or 5) == 5
    assert a.memo("k", lambda: calls.append(1) or 6) == 5 and calls == [1]


@pytest.mark.slow
def test_extra_export_columns_do_not_break_joins():
    from mtcollect_nb.compute.analysis import Analysis
    from mtcollect_nb.testing import make_bundle, params
    b = make_bundle(students=[student(1)], enrollments=[enrollment(10, 1)],
                    courses=[{"courseID": 5, "calendarID": 1, "number": "M1"}],
                    sections=[{"sectionID": 7, "courseID": 5, "termStartDate": "2025-01-21",
                               "termEndDate": "2025-06-06"}])
    b.tables["sections"]["calendarID"] = 99  # an extra column the export happened to carry
    b.tables["enrollments"]["schoolNumber"] = "junk"
    a = Analysis(b, params())
    assert a.section_info.loc[0, "calendarID"] == 1
    assert a.section_info.loc[0, "schoolNumber"] == "0001"
    assert a.enrollments.loc[0, "schoolNumber"] == "0001"

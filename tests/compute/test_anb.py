"""FTE per enrollment, the 1.0 cap, early graduates and the ANB tables (count date 2025-02-03)."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mtcollect_nb.columns import ANB_COLUMNS, BUDGET_UNIT_COLUMNS
from mtcollect_nb.compute.anb import (
    age_on,
    anb_by_budget_unit,
    anb_by_grade,
    anb_formula,
    cap_per_student,
    enrollment_fte,
)
from mtcollect_nb.testing import (
    absences,
    enrollment,
    make_analysis,
    params,
    school_days,
    student,
    weekdays,
)


def _fte(a):
    return enrollment_fte(a, a.streaks, a.computed_hours).set_index("enrollmentID")


def _fall(pid, grade="12", hours=1080.0, excluded=False, school="0001"):
    return {"stateID": f"{900000000 + pid}", "schoolNumber": school, "grade": grade,
            "fallAggregateHours": hours, "excluded": excluded}


# ---- FTE reported / validated ---------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.parametrize(("hours", "fte"), [(179, 0.0), (180, 0.25), (359, 0.25), (360, 0.5),
                                            (539, 0.5), (540, 0.75), (719, 0.75), (720, 1.0)])
def test_reported_hours_band_into_fte(hours, fte):
    a = make_analysis(students=[student(1)],
                      enrollments=[enrollment(10, 1, mtSpringAggregateHours=hours)])
    row = _fte(a).loc[10]
    assert row["fteReported"] == fte and row["fteValidated"] == fte


def test_blank_reported_hours_validated_from_computed_hours():
    a = make_analysis(students=[student(1)],
                      enrollments=[enrollment(10, 1, mtSpringAggregateHours=None)])
    row = _fte(a).loc[10]
    assert row["fteReported"] == 0.0
    assert row["computedHours"] == 1230.0 and row["fteValidated"] == 1.0


@pytest.mark.slow
def test_eleven_day_streak_excludes_validated_only():
    a = make_analysis(students=[student(1), student(2)],
                      enrollments=[enrollment(10, 1), enrollment(20, 2)],
                      attendance=absences(1, weekdays("2025-01-20", "2025-02-03"))
                      + absences(2, weekdays("2025-01-21", "2025-02-03")))
    f = _fte(a)
    assert (f.at[10, "fteReported"], f.at[10, "fteValidated"]) == (1.0, 0.0)
    assert f.at[10, "excludeComputed"] and "absent 11+" in f.at[10, "excludeReasonComputed"]
    assert (f.at[20, "fteReported"], f.at[20, "fteValidated"]) == (1.0, 1.0)
    assert not f.at[20, "excludeComputed"] and f.at[20, "excludeReasonComputed"] == ""


@pytest.mark.parametrize(("birthdate", "excluded"), [
    ("2019-09-10", False),  # fifth birthday ON the kindergarten age date: 5, countable
    ("2019-09-11", True),   # one day later: 4 on Sept 10
    ("2019-01-01", False),
])
def test_kindergarten_age_on_september_10(birthdate, excluded):
    a = make_analysis(students=[student(1, birthdate=birthdate)],
                      enrollments=[enrollment(10, 1, grade="KG", mtSpringAggregateHours=720)])
    f = _fte(a).loc[10]
    assert f["excludeComputed"] == excluded
    assert f["fteValidated"] == (0.0 if excluded else 1.0)
    assert f["fteReported"] == 1.0


def test_under_five_only_matters_in_kindergarten():
    a = make_analysis(students=[student(1, birthdate="2020-01-01")],
                      enrollments=[enrollment(10, 1, grade="PK", mtSpringAggregateHours=720)])
    assert not _fte(a).at[10, "excludeComputed"]


def test_day_treatment_and_extracurricular_and_reported_flags():
    a = make_analysis(students=[student(i) for i in range(1, 5)], enrollments=[
        enrollment(10, 1, dayTreatment=True), enrollment(20, 2, extracurricularOnly=True),
        enrollment(30, 3, mtExcludeSpringANB=True), enrollment(40, 4, mtExcludeANB=True)])
    f = _fte(a)
    assert f["fteValidated"].tolist() == [0.0, 0.0, 0.0, 0.0]
    assert f["fteReported"].tolist() == [1.0, 0.0, 0.0, 0.0]
    assert f["excludedReported"].tolist() == [False, True, True, True]
    assert f["excludeReasonComputed"].tolist() == ["day treatment", "extracurricular only",
                                                   "", ""]


def test_age_on_handles_leap_day_and_blank():
    got = age_on(pd.to_datetime(pd.Series(["2020-02-29", None])), pd.Timestamp("2025-02-28"))
    assert got.iloc[0] == 4.0 and pd.isna(got.iloc[1])


# ---- the 1.0 cap ------------------------------------------------------------------------------
def test_cap_cuts_secondary_first():
    df = pd.DataFrame({"personID": [1, 1, 1, 2], "enrollmentID": [5, 6, 7, 8],
                       "serviceType": ["S", "P", "N", "S"], "f": [0.5, 0.75, 0.25, 1.0]})
    assert cap_per_student(df, "f").tolist() == [0.25, 0.75, 0.0, 1.0]


def test_cap_blank_service_type_before_s_and_n():
    df = pd.DataFrame({"personID": [1, 1, 1], "enrollmentID": [3, 2, 1],
                       "serviceType": ["N", "", "P"], "f": [0.5, 0.5, 0.25]})
    assert cap_per_student(df, "f").tolist() == [0.25, 0.5, 0.25]


@pytest.mark.slow
def test_fte_over_one_across_enrollments_keeps_primary_school():
    cal2 = {"calendarID": 2, "schoolID": 2, "name": "B", "endYear": 2025}
    a = make_analysis(
        schools=[{"schoolID": 1, "schoolNumber": "0001"}, {"schoolID": 2, "schoolNumber": "0002"}],
        calendars=[{"calendarID": 1, "schoolID": 1, "name": "A", "endYear": 2025}, cal2],
        days=school_days(1) + school_days(2),
        students=[student(1)],
        enrollments=[enrollment(10, 1, serviceType="S", calendarID=2, mtSpringAggregateHours=400),
                     enrollment(11, 1, serviceType="P", mtSpringAggregateHours=600)])
    f = _fte(a)
    assert f.at[11, "fteReported"] == 0.75 and f.at[10, "fteReported"] == 0.25
    assert f.at[10, "fteReportedUncapped"] == 0.5
    assert (f["studentReportedSum"] == 1.25).all()
    t = anb_by_grade(a, a.fte, a.early_graduates).set_index("schoolNumber")
    assert t.at["0001", "springCountReported"] == 0.75
    assert t.at["0002", "springCountReported"] == 0.25


# ---- early graduates -------------------------------------------------------------------------
def _grad(eid, pid, end, status="400", **kw):
    return enrollment(eid, pid, grade="12", endDate=end, endStatus=status, **kw)


@pytest.mark.slow
def test_early_graduates_reported_window_and_status():
    enr = [_grad(10, 1, "2025-01-17"), _grad(20, 2, "2024-10-07"), _grad(30, 3, "2024-10-04"),
           _grad(40, 4, "2025-01-17", status="230"), _grad(50, 5, "2025-01-31"),
           enrollment(60, 6, grade="11", endDate="2025-01-17", endStatus="400")]
    a = make_analysis(students=[student(i) for i in range(1, 7)], enrollments=enr)
    g = a.early_graduates
    assert sorted(g["enrollmentID"]) == [10, 20, 50]
    assert (g["fteReported"] == 1.0).all()
    assert (g["fteValidated"] == 0.0).all() and not g["onFallCount"].any()  # no fall_count


def test_early_graduates_validated_against_fall_count():
    enr = [_grad(10, 1, "2025-01-17"), _grad(20, 2, "2025-01-17", mtSpringAggregateHours=None),
           _grad(30, 3, "2025-01-17"), _grad(40, 4, "2025-01-17")]
    fall = [_fall(1), _fall(2, hours=500), _fall(3, excluded=True), _fall(4, grade="11")]
    a = make_analysis(students=[student(i) for i in range(1, 5)], enrollments=enr,
                      fall_count=fall)
    g = a.early_graduates.set_index("enrollmentID")
    assert g["onFallCount"].to_dict() == {10: True, 20: True, 30: False, 40: False}
    assert g["fteReported"].to_dict() == {10: 1.0, 20: 0.0, 30: 1.0, 40: 1.0}
    assert g["fteValidated"].to_dict() == {10: 1.0, 20: 0.5, 30: 0.0, 40: 0.0}


@pytest.mark.slow
def test_student_still_enrolled_on_count_date_is_not_an_early_graduate():
    enr = [_grad(10, 1, "2025-01-17"), enrollment(11, 1, grade="12", startDate="2025-01-20")]
    a = make_analysis(students=[student(1)], enrollments=enr, fall_count=[_fall(1)])
    assert a.early_graduates.empty


# ---- ANB tables ------------------------------------------------------------------------------
def test_anb_by_grade_counts_students_exclusions_graduates_and_fall():
    enr = [enrollment(10, 1), enrollment(20, 2, mtExcludeSpringANB=True),
           enrollment(30, 3, mtSpringAggregateHours=400), _grad(40, 4, "2025-01-17"),
           enrollment(50, 5, grade="KG", mtSpringAggregateHours=720)]
    studs = [student(i) for i in range(1, 5)] + [student(5, birthdate="2019-12-01")]
    fall = [_fall(4), _fall(1, grade="06", hours=500), _fall(9, grade="06"),
            _fall(8, grade="06", excluded=True)]
    a = make_analysis(students=studs, enrollments=enr, fall_count=fall,
                      attendance=absences(3, weekdays("2025-01-20", "2025-02-03")))
    t = anb_by_grade(a, a.fte, a.early_graduates)
    assert list(t.columns) == list(ANB_COLUMNS)
    assert t["grade"].tolist() == ["KG", "06", "12"]
    r = t.set_index("grade")
    assert r.loc["06", ["enrolled", "excludedReported", "excludedValidated"]].tolist() == [3, 1, 2]
    assert r.at["06", "springCountReported"] == 1.5   # 1.0 + 0 + 0.5
    assert r.at["06", "springCountValidated"] == 1.0  # student 3 absent 11 days
    assert r.at["06", "difference"] == -0.5
    assert r.at["06", "fallCount"] == 1.5             # 0.5 + 1.0; excluded row left out
    assert r.loc["12", ["enrolled", "springCountReported", "springCountValidated",
                        "fallCount"]].tolist() == [0, 1.0, 1.0, 1.0]
    assert r.loc["KG", ["springCountReported", "springCountValidated"]].tolist() == [1.0, 0.0]
    assert r.at["12", "budgetUnit"] == "High School" and r.at["KG", "budgetUnit"] == "Elementary"


def test_anb_formula_with_pir_days():
    assert anb_formula(pd.Series([100.0]), pd.Series([80.0]), 0).tolist() == [90.0]
    assert anb_formula(pd.Series([90.0]), pd.Series([90.0]), 7).tolist() == [90.0 * 187 / 180]


def test_anb_by_budget_unit():
    enr = [enrollment(10, 1), enrollment(20, 2, grade="10", mtSpringAggregateHours=400),
           enrollment(30, 3, grade="10")]
    a = make_analysis(params(pir_days=4), students=[student(i) for i in (1, 2, 3)],
                      enrollments=enr, fall_count=[_fall(2, grade="10"), _fall(3, grade="10"),
                                                   _fall(1, grade="06")],
                      attendance=absences(3, weekdays("2025-01-20", "2025-02-03")))
    u = anb_by_budget_unit(a.anb_table, a.params.pir_days)
    assert list(u.columns) == list(BUDGET_UNIT_COLUMNS)
    assert u["budgetUnit"].tolist() == ["Elementary", "High School"]
    hs = u.set_index("budgetUnit").loc["High School"]
    assert hs["fallCount"] == 2.0
    assert hs["springCountReported"] == 1.5 and hs["springCountValidated"] == 0.5
    assert hs["anbReported"] == pytest.approx((2.0 + 1.5) / 2 * 184 / 180)
    assert hs["anbValidated"] == pytest.approx((2.0 + 0.5) / 2 * 184 / 180)


def test_budget_unit_rows_exist_without_students():
    u = anb_by_budget_unit(make_analysis().anb_table, 0)
    assert u["budgetUnit"].tolist() == ["Elementary", "High School"]
    assert (u[["fallCount", "anbReported", "anbValidated"]] == 0).all().all()


# ---- array versions against the plain pandas versions they replaced -------------------------
def _cap_reference(df, fte):
    order = df["serviceType"].astype(str).str.strip().str.upper().map(
        {"P": 0, "S": 2, "N": 2}).fillna(1)
    s = pd.DataFrame({"p": df["personID"], "o": order, "e": df["enrollmentID"],
                      "f": df[fte].astype("float64").fillna(0.0)})
    s = s.sort_values(["p", "o", "e"], kind="mergesort")
    before = s.groupby("p")["f"].cumsum() - s["f"]
    return np.minimum(s["f"], np.maximum(1.0 - before, 0.0)).reindex(df.index)


@pytest.mark.slow
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 30),
                          st.sampled_from(["P", "S", "N", " p", "", None, "x"]),
                          st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0, None])), max_size=15))
def test_cap_per_student_matches_sorted_groupby(rows):
    df = pd.DataFrame(rows, columns=["personID", "enrollmentID", "serviceType", "f"])
    df = df.astype({"personID": "int64", "enrollmentID": "int64", "serviceType": object,
                    "f": "float64"}).set_axis(range(100, 100 + len(df)))
    got = cap_per_student(df, "f")
    assert got.index.equals(df.index)
    assert got.tolist() == _cap_reference(df, "f").tolist()


@given(st.lists(st.one_of(st.none(), st.dates(dt.date(2015, 1, 1), dt.date(2021, 12, 31))),
                max_size=20), st.dates(dt.date(2024, 1, 1), dt.date(2025, 12, 31)))
def test_age_on_matches_calendar_fields(births, on):
    b = pd.Series(pd.to_datetime(births), dtype="datetime64[ns]")
    on = pd.Timestamp(on)
    want = [np.nan if pd.isna(x) else float(on.year - x.year - ((x.month, x.day) > (on.month,
                                                                                      on.day)))
            for x in b]
    np.testing.assert_array_equal(age_on(b, on).to_numpy(), np.array(want, dtype="float64"))


# ---- a school that is not accredited (ARM 10.20.102(1), ANB-23) -------------------------------
def test_school_not_accredited_is_a_computed_exclusion():
    schools = [{"schoolID": 1, "schoolNumber": "0001", "accredited": True},
               {"schoolID": 2, "schoolNumber": "0002", "accredited": False}]
    cals = [{"calendarID": 1, "schoolID": 1, "name": "A", "endYear": 2025},
            {"calendarID": 2, "schoolID": 2, "name": "B", "endYear": 2025}]
    a = make_analysis(schools=schools, calendars=cals, days=school_days(1) + school_days(2),
                      students=[student(1), student(2)],
                      enrollments=[enrollment(10, 1, calendarID=2), enrollment(11, 2)])
    f = _fte(a)
    assert f.at[10, "fteReported"] == 1.0 and f.at[10, "fteValidated"] == 0.0
    assert f.at[10, "excludeComputed"] and f.at[10, "excludedValidated"]
    assert "not accredited" in f.at[10, "excludeReasonComputed"]
    assert f.at[11, "fteValidated"] == 1.0 and f.at[11, "excludeReasonComputed"] == ""
    t = anb_by_grade(a, a.fte, a.early_graduates).set_index("schoolNumber")
    assert t.at["0002", "difference"] == -1.0 and t.at["0002", "excludedValidated"] == 1

"""Attendance as IC keeps it: rows without minutes, status and excuse on the code (issue 19, 2)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtcollect_nb.compute.absence import compute_streaks, whole_day_absence_rows
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.compute.frames import effective_count_dates
from mtcollect_nb.load.ic_attendance import fill_from_codes, fill_minutes
from mtcollect_nb.load.loader import load_bundle, write_bundle
from mtcollect_nb.load.periods import to_daily
from mtcollect_nb.testing import enrollment, make_bundle, params, student

PERIODS = ("calendarID,periodID,name,minutes,instructional\n"
           "1,11,P1,120,1\n1,12,P2,120,1\n1,13,P3,120,1\n1,14,Lunch,30,0\n")
CODES = ("code,status,excuse,description\nAU,A,U,Absent unexcused\nAE,A,E,Absent excused\n"
         "EX,A,X,Exempt: school activity\nTU,T,U,Tardy\n")


def _load(tmp_path: Path, head: str, lines: list[str], codes: str | None = CODES):
    write_bundle(make_bundle(students=[student(1)], enrollments=[enrollment(10, 1)]), tmp_path)
    (tmp_path / "attendance.csv").write_text("\n".join([head, *lines]) + "\n")
    (tmp_path / "periods.csv").write_text(PERIODS)
    if codes is not None:
        (tmp_path / "attendance_codes.csv").write_text(codes)
    return load_bundle(tmp_path)


HEAD = "personID,calendarID,date,periodID,status,excuse,code"


def _notes(b) -> str:
    return " | ".join(b.notes["note"])


@pytest.mark.slow
def test_an_absent_period_without_minutes_is_absent_for_the_whole_period(tmp_path):
    b = _load(tmp_path, HEAD, ["1,1,2025-02-03,11,A,U,", "1,1,2025-02-03,12,A,U,"])
    assert b.table("attendance")["presentMinutes"].tolist() == [360 - 240]
    assert "2 absent row(s) (status A) have no minutes" in _notes(b)


@pytest.mark.slow
def test_tardy_or_early_release_without_minutes_is_no_absent_minute_and_is_counted(tmp_path):
    b = _load(tmp_path, HEAD, ["1,1,2025-02-03,11,T,U,", "1,1,2025-02-03,12,E,E,",
                               "1,1,2025-02-04,11,A,U,"])
    att = b.table("attendance").set_index("date")["presentMinutes"]
    assert att[pd.Timestamp("2025-02-03")] == 360 and att[pd.Timestamp("2025-02-04")] == 240
    assert "2 tardy or early-release row(s) (status T or E) have no minutes" in _notes(b)


@pytest.mark.slow
def test_a_daily_row_without_minutes_follows_the_same_rule(tmp_path):
    b = _load(tmp_path, "personID,calendarID,date,status,excuse",
              ["1,1,2025-02-03,T,U", "1,1,2025-02-04,A,U"])
    assert b.table("attendance")["presentMinutes"].tolist() == [360, 0]
    a = Analysis(b, params())
    assert whole_day_absence_rows(a.table("attendance"), a.instructional_days,
                                  a.calendars).tolist() == [False, True]


@pytest.mark.slow
def test_a_blank_cell_of_a_present_minutes_column_follows_the_same_rule(tmp_path):
    b = _load(tmp_path, "personID,calendarID,date,periodID,presentMinutes,status,excuse",
              ["1,1,2025-02-03,11,,A,U", "1,1,2025-02-03,12,100,T,U",
               "1,1,2025-02-03,13,,T,U"])
    assert b.table("attendance")["presentMinutes"].tolist() == [360 - 120 - 20]


@pytest.mark.slow
def test_status_and_excuse_come_from_the_code_where_the_row_has_none(tmp_path):
    b = _load(tmp_path, HEAD, ["1,1,2025-02-03,11,,,EX", "1,1,2025-02-03,12,,,ex",
                               "1,1,2025-02-04,11,A,E,AU", "1,1,2025-02-05,11,,U,TU"])
    att = b.table("attendance")
    assert att["excuse"].tolist() == ["X", "E", ""]  # exempt by its code; the row's own wins
    # (a tardy day has no absent minute, so no excuse of one)
    assert att["status"].tolist() == ["A", "A", "T"]
    assert "3 row(s) took their status or excuse from their attendance code" in _notes(b)
    assert Analysis(b, params()).streaks["streak"].tolist() == [0]


@pytest.mark.slow
def test_an_exempt_code_makes_the_day_exempt_so_a_streak_stops(tmp_path):
    days = ["2025-01-29", "2025-01-30", "2025-01-31", "2025-02-03"]
    lines = [f"1,1,{d},{p},,,{'EX' if d == '2025-01-30' else 'AU'}" for d in days
             for p in (11, 12, 13)]
    b = _load(tmp_path, HEAD, lines)
    assert Analysis(b, params()).streaks["streak"].tolist() == [2]
    without = _load(tmp_path / "w", HEAD, [line.replace("EX", "AU") for line in lines])
    assert Analysis(without, params()).streaks["streak"].tolist() == [4]


@pytest.mark.slow
def test_an_unknown_code_on_a_row_without_status_is_dq02_naming_the_code(tmp_path):
    b = _load(tmp_path, HEAD, ["1,1,2025-02-03,11,,,ZZ", "1,1,2025-02-03,12,A,U,ZZ",
                               "1,1,2025-02-03,13,,,AU"])
    rej = b.rejected
    assert rej[["line", "column", "value", "ruleId"]].values.tolist() == [[2, "code", "ZZ",
                                                                          "DQ-02"]]
    assert "attendance code 'ZZ' not in attendance_codes.csv" in rej["reason"].iloc[0]
    acc = b.accounting.set_index("file").loc["attendance.csv"]
    assert (acc["read"], acc["used"], acc["rejected"]) == (3, 2, 1)


@pytest.mark.slow
def test_codes_without_attendance_codes_csv_are_rejected_saying_so(tmp_path):
    b = _load(tmp_path, HEAD, ["1,1,2025-02-03,11,,,AU", "1,1,2025-02-03,12,A,U,AU"],
              codes=None)
    assert b.rejected["reason"].tolist() == [
        "attendance code 'AU' unknown: attendance_codes.csv was not provided, and the row has "
        "no status of its own (absent or not is unknown)"]


@pytest.mark.slow
def test_excuse_letters_the_checks_do_not_know_are_counted(tmp_path):
    b = _load(tmp_path, HEAD, ["1,1,2025-02-03,11,A,Excused,", "1,1,2025-02-04,11,A,U,"])
    assert "1 value(s) are not codes the checks know (E, U, X): 'Excused' (1)" in _notes(b)


def test_fill_from_codes_leaves_rows_without_a_known_code():
    att = pd.DataFrame({"code": ["", "Q"], "status": ["", ""], "excuse": ["", ""]})
    out, n = fill_from_codes(att, pd.DataFrame({"code": ["A"], "status": ["A"], "excuse": ["U"]}))
    assert n == 0 and out["status"].tolist() == ["", ""]


# ---- property: the daily form, the period form with minutes and the period form without -----
BASE = pd.Timestamp("2025-01-06")
LENGTHS = (60, 60, 60, 60, 60, 60)  # six instructional periods of a 360-minute day


def _excuse(excuses: list[str], absent: list[int]) -> str:
    """The day's excuse as load/periods.to_daily gives it (plain reference)."""
    minutes = [a for a in absent if a > 0]
    if not minutes:
        return ""
    if all(e == "X" for e, a in zip(excuses, absent, strict=True) if a > 0):
        return "X"
    counted = {e for e, a in zip(excuses, absent, strict=True) if a > 0}
    return "U" if "U" in counted else "E" if "E" in counted else ""


@st.composite
def absent_periods(draw):
    """Days of one calendar; per student and day the periods missed (whole periods)."""
    n_days = 12
    dates = pd.bdate_range(BASE, periods=n_days)
    days = pd.DataFrame({"calendarID": 1, "date": dates, "minutes": 360})
    per = pd.DataFrame({"calendarID": 1, "periodID": np.arange(11, 17), "name": "P",
                        "minutes": pd.array(LENGTHS, dtype="Int64"), "startTime": "",
                        "endTime": "", "instructional": True})
    cal = pd.DataFrame({"calendarID": [1], "wholeDayAbsence": pd.array(
        [draw(st.sampled_from([None, 120, 240, 300]))], dtype="Int64")})
    cd = dates[draw(st.integers(4, n_days - 1))]
    cal["effectiveCountDate"] = cal["calendarID"].map(effective_count_dates(
        days.assign(instruction=True), cd)).astype("datetime64[ns]")
    rows, enr = [], []
    for p in range(1, draw(st.integers(1, 3)) + 1):
        enr.append({"enrollmentID": p, "personID": p, "calendarID": 1, "startDate": BASE,
                    "endDate": pd.NaT, "noShow": False})
        for d in dates:
            missed = draw(st.sets(st.integers(0, 5), max_size=6))
            tardy = draw(st.sets(st.integers(0, 5), max_size=1)) - missed
            for k in sorted(missed | tardy):
                rows.append({"personID": p, "calendarID": 1, "date": d, "periodID": 11 + k,
                             "status": "A" if k in missed else "T",
                             "excuse": draw(st.sampled_from(["E", "U", "X", ""]))})
    enr = pd.DataFrame(enr).astype({"startDate": "datetime64[ns]", "endDate": "datetime64[ns]"})
    return days, per, cal, enr, pd.DataFrame(rows, columns=[
        "personID", "calendarID", "date", "periodID", "status", "excuse"]).astype(
        {"personID": "int64", "calendarID": "int64", "date": "datetime64[ns]",
         "periodID": "Int64", "status": object, "excuse": object})


def _daily(rows: pd.DataFrame, days: pd.DataFrame) -> pd.DataFrame:
    """The daily form of whole-period absences (the minutes a day-level export would give)."""
    out = []
    for (p, c, d), g in rows.groupby(["personID", "calendarID", "date"]):
        absent = [60 if s == "A" else 0 for s in g["status"]]
        if not any(absent):
            continue  # a day with only a tardy row: no absent minute, no daily row
        out.append({"personID": p, "calendarID": c, "date": d, "status": "A",
                    "presentMinutes": 360 - sum(absent),
                    "excuse": _excuse(g["excuse"].tolist(), absent)})
    frame = pd.DataFrame(out, columns=["personID", "calendarID", "date", "status",
                                       "presentMinutes", "excuse"])
    frame = frame.astype({"personID": "int64", "calendarID": "int64",
                          "date": "datetime64[ns]", "presentMinutes": "Int64"})
    return frame.assign(_line=np.arange(2, len(frame) + 2))


@pytest.mark.slow
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(absent_periods())
def test_daily_period_and_period_without_minutes_give_the_same_streaks(district):
    days, per, cal, enr, rows = district
    tables = {"periods": per, "days": days}
    with_minutes = rows.assign(presentMinutes=pd.array(
        np.where(rows["status"] == "A", 0, 60), dtype="Int64"), _line=np.arange(len(rows)) + 2)
    without = rows.assign(presentMinutes=pd.array([pd.NA] * len(rows), dtype="Int64"),
                          _line=np.arange(len(rows)) + 2)
    without, _ = fill_minutes(without, tables)
    forms = [_daily(rows, days), to_daily(with_minutes, tables, "a.csv"),
             to_daily(without, tables, "a.csv")]
    streaks = [compute_streaks(days, f, enr, cal) for f in forms]
    pd.testing.assert_frame_equal(streaks[0], streaks[1])
    pd.testing.assert_frame_equal(streaks[0], streaks[2])
    whole = [f.loc[whole_day_absence_rows(f, days, cal).to_numpy(),
                   ["personID", "date", "excuse"]].reset_index(drop=True) for f in forms]
    pd.testing.assert_frame_equal(whole[0], whole[1])
    pd.testing.assert_frame_equal(whole[0], whole[2])

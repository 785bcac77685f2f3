"""Issue 24 "Refuse the impossible at the door": values that parse but cannot be true (DQ-03),
periods of another calendar (DQ-02) and overlapping periods (a loader note).

Each case was used as data before: a threshold of 0 turned a student 5 minutes late into an
ANB-01 error; periods of -60 or 100,000 minutes, IC counts of -5 or 2.5 were read.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mtcollect_nb.checks.engine import run_rules
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.load.loader import load_bundle, write_bundle
from mtcollect_nb.testing import enrollment, make_bundle, params, school_days, student

LATE_DAYS = list(pd.bdate_range("2025-01-13", "2025-01-31"))  # 15 instructional days


def _rejected(bundle, file: str) -> list[list[object]]:
    rej = bundle.rejected
    return rej.loc[rej["file"] == file, ["line", "column", "reason", "ruleId"]].values.tolist()


def _late_district(folder: Path, grade_levels: list[dict] | None = None,
                   calendar_threshold: object = None) -> Path:
    """One student 5 minutes late on 15 consecutive days up to the count date's week."""
    cal = {"calendarID": 1, "schoolID": 1, "name": "24-25", "endYear": 2025,
           "startDate": "2024-08-26", "endDate": "2025-06-06"}
    late = [{"personID": 1, "calendarID": 1, "date": d, "presentMinutes": 355, "status": "T",
             "excuse": "U"} for d in LATE_DAYS + [pd.Timestamp("2025-02-03")]]
    tables = {"students": [student(1)], "enrollments": [enrollment(10, 1)],
              "attendance": late, "calendars": [cal]}
    if grade_levels is not None:
        tables["grade_levels"] = grade_levels
    write_bundle(make_bundle(**tables), folder)
    if calendar_threshold is not None:
        c = pd.read_csv(folder / "calendars.csv", dtype=str, keep_default_na=False)
        c["wholeDayAbsence"] = str(calendar_threshold)
        c.to_csv(folder / "calendars.csv", index=False)
    return folder


def _findings(bundle) -> pd.DataFrame:
    return run_rules(Analysis(bundle, params())).findings


@pytest.mark.slow
@pytest.mark.parametrize("value", ["0", "-5"])
def test_a_grade_level_threshold_of_0_or_below_is_rejected_not_an_anb01(tmp_path, value):
    folder = _late_district(tmp_path, [{"calendarID": 1, "grade": "06", "wholeDayAbsence": 1}])
    gl = folder / "grade_levels.csv"
    gl.write_text(gl.read_text().replace(",1,0\n", f",{value},0\n"))
    b = load_bundle(folder)
    (row,) = _rejected(b, "grade_levels.csv")
    assert row[0] == 2 and row[1] == "wholeDayAbsence" and row[3] == "DQ-03"
    assert row[2].startswith("below 1 minute: a whole-day absence threshold is 1..1440")
    f = _findings(b)
    assert "ANB-01" not in set(f["ruleId"])  # IC's default of 240 minutes applies
    assert "DQ-03" in set(f["ruleId"])


def test_a_grade_level_threshold_over_a_day_is_rejected_and_1_and_1440_are_kept(tmp_path):
    gl = [{"calendarID": 1, "grade": g, "wholeDayAbsence": v}
          for g, v in (("06", 1441), ("07", 1440), ("08", 1))]
    b = load_bundle(_late_district(tmp_path, gl))
    assert _rejected(b, "grade_levels.csv") == [
        [2, "wholeDayAbsence", "more than 1440 minutes (a day has 1440)", "DQ-03"]]
    assert b.tables["grade_levels"]["wholeDayAbsence"].tolist() == [1440, 1]


@pytest.mark.slow
def test_the_twin_a_threshold_of_1_minute_is_used(tmp_path):
    # the case above is not a threshold that stopped mattering: 1 minute makes the ANB-01
    b = load_bundle(_late_district(tmp_path, [{"calendarID": 1, "grade": "06",
                                               "wholeDayAbsence": 1}]))
    assert "ANB-01" in set(_findings(b)["ruleId"])


def test_a_calendar_threshold_of_0_is_rejected(tmp_path):
    b = load_bundle(_late_district(tmp_path, calendar_threshold=0))
    (row,) = _rejected(b, "calendars.csv")
    assert row[1:] == ["wholeDayAbsence", row[2], "DQ-03"] and "below 1 minute" in row[2]


# ---- periods ------------------------------------------------------------------------------
PERIODS_HEAD = "calendarID,periodScheduleID,periodID,name,minutes,startTime,endTime,instructional"


def _period_district(folder: Path, periods: list[str], attendance: list[str] | None = None,
                     calendars: int = 1) -> Path:
    cals = [{"calendarID": c, "schoolID": 1, "name": f"cal {c}", "endYear": 2025,
             "startDate": "2024-08-26", "endDate": "2025-06-06"} for c in range(1, calendars + 1)]
    days = [d for c in range(1, calendars + 1) for d in school_days(c)]
    write_bundle(make_bundle(students=[student(1)], enrollments=[enrollment(10, 1)],
                             calendars=cals, days=days), folder)
    (folder / "periods.csv").write_text("\n".join([PERIODS_HEAD, *periods]) + "\n")
    if attendance is not None:
        (folder / "attendance.csv").write_text(
            "\n".join(["personID,calendarID,date,periodID,presentMinutes,status,excuse",
                       *attendance]) + "\n")
    return folder


def test_period_minutes_out_of_a_day_and_end_not_after_start_are_dq03(tmp_path):
    b = load_bundle(_period_district(tmp_path, [
        "1,1,11,P1,-60,,,1", "1,1,12,P2,0,,,1", "1,1,13,P3,100000,,,1",
        "1,1,14,P4,60,10:00,09:00,1",   # minutes given, but the end is before the start
        "1,1,15,P5,,11:00,11:00,1",     # no length at all
        "1,1,16,P6,1440,,,1", "1,1,17,P7,,08:00,08:01,1", "1,1,18,P8,55,12:00,12:55,1"]))
    got = _rejected(b, "periods.csv")
    assert [r[:2] + [r[3]] for r in got] == [
        [2, "minutes", "DQ-03"], [3, "minutes", "DQ-03"], [4, "minutes", "DQ-03"],
        [5, "endTime", "DQ-03"], [6, "minutes", "DQ-03"]]
    assert got[0][2] == got[1][2] == "below 1 minute (a period is 1..1440 minutes)"
    assert got[2][2] == "more than 1440 minutes (a day has 1440)"
    assert got[3][2] == "endTime is not after startTime"
    assert got[4][2].startswith("no period length")
    assert b.tables["periods"]["periodID"].tolist() == [16, 17, 18]


@pytest.mark.slow
def test_an_attendance_row_naming_another_calendars_period_is_dq02(tmp_path):
    b = load_bundle(_period_district(tmp_path, ["1,1,11,P1,180,,,1", "1,1,12,P2,180,,,1",
                                                "2,2,21,P1,180,,,1"],
                                     ["1,1,2025-02-03,11,0,A,U",
                                      "1,1,2025-02-03,21,0,A,U"],  # calendar 2's period
                                     calendars=2))
    assert _rejected(b, "attendance.csv") == [
        [3, "periodID", "periodID 21 is a period of calendar 2 in periods.csv, not of this "
                        "row's calendar 1", "DQ-02"]]
    # the day is absent only for the period of its own calendar: 180 of 360 minutes
    assert b.tables["attendance"]["presentMinutes"].tolist() == [180]


@pytest.mark.slow
def test_overlapping_periods_of_one_schedule_are_named_in_the_loader_notes(tmp_path):
    b = load_bundle(_period_district(tmp_path, [
        "1,1,11,P1,,08:00,09:00,1", "1,1,12,P2,,08:30,09:30,1",  # overlap
        "1,1,13,P3,,09:30,10:30,1",                              # touches P2: no overlap
        "1,2,21,Late start P1,,08:00,10:00,1"]))                 # another schedule: fine
    notes = b.notes.loc[b.notes["file"] == "periods.csv", "note"].tolist()
    assert len(notes) == 1
    assert notes[0].startswith("1 period(s) overlap another period of the same calendar")
    assert notes[0].endswith("periodID 12 (line 3) overlaps 11 (line 2), calendar 1, schedule 1")


def test_periods_that_do_not_overlap_have_no_note(tmp_path):
    b = load_bundle(_period_district(tmp_path, ["1,1,11,P1,,08:00,09:00,1",
                                                "1,1,12,P2,,09:00,10:00,1"]))
    assert not (b.notes["file"] == "periods.csv").any()


# ---- ic_counts ----------------------------------------------------------------------------
def test_ic_counts_must_be_whole_numbers_not_negative(tmp_path):
    write_bundle(make_bundle(), tmp_path)
    (tmp_path / "ic_counts.csv").write_text(
        "schoolNumber,grade,count\n0001,01,-5\n0001,02,2.5\n0001,03,0\n0001,04,12.0\n"
        "0001,05,7\n")
    b = load_bundle(tmp_path)
    assert _rejected(b, "ic_counts.csv") == [
        [2, "count", "negative value (a count is a whole number, 0 or more)", "DQ-03"],
        [3, "count", "not a whole number (a count is a whole number, 0 or more)", "DQ-03"]]
    assert b.tables["ic_counts"]["count"].tolist() == [0.0, 12.0, 7.0]

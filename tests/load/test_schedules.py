"""A day's minutes from its period schedule (issue 19, item 1)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load.loader import load_bundle, write_bundle
from mtcollect_nb.testing import enrollment, make_bundle, params, school_days, student

PERIODS = ("calendarID,periodScheduleID,periodID,name,startTime,endTime,minutes,"
           "nonInstructional\n"
           "1,10,11,P1,08:00,10:00,,\n1,10,12,P2,10:00,12:00,,\n1,10,13,Lunch,12:00,12:30,,X\n"
           "1,10,14,P3,12:30,14:30,,\n1,20,21,Half,,,180,\n")


def _folder(tmp_path: Path, days_text: str, periods: str | None = PERIODS) -> Path:
    write_bundle(make_bundle(students=[student(1)], enrollments=[enrollment(10, 1)]), tmp_path)
    (tmp_path / "days.csv").write_text(days_text)
    if periods is not None:
        (tmp_path / "periods.csv").write_text(periods)
    else:
        (tmp_path / "periods.csv").unlink(missing_ok=True)
    return tmp_path


def _days(rows: list[tuple[str, str, str, str]], head: str = "periodScheduleID") -> str:
    return "\n".join([f"calendarID,date,instruction,{head}",
                      *(",".join(r) for r in rows)]) + "\n"


def test_a_days_minutes_are_its_schedules_instructional_periods(tmp_path):
    b = load_bundle(_folder(tmp_path, _days([
        ("1", "2025-02-03", "1", "10"), ("1", "2025-02-04", "1", "20"),
        ("1", "2025-02-05", "0", "10")])))
    assert b.tables["days"]["minutes"].tolist() == [360, 180, 0]  # lunch is not instruction
    assert "3 day(s) took their minutes from their period schedule" in " ".join(b.notes["note"])


def test_minutes_win_where_both_are_given_and_a_difference_is_listed(tmp_path):
    b = load_bundle(_folder(tmp_path, _days([
        ("1", "2025-02-03", "1", "10", "360"), ("1", "2025-02-04", "1", "10", "300"),
        ("1", "2025-02-05", "1", "10", "")], head="periodScheduleID,minutes")))
    assert b.tables["days"]["minutes"].tolist() == [360, 300, 360]
    note = b.notes.loc[b.notes["note"].str.contains("differ")]
    assert note["note"].iloc[0].startswith("1 day(s) have minutes that differ")
    assert note["note"].iloc[0].endswith("line 3")


def test_a_day_naming_a_schedule_periods_does_not_hold_is_dq02(tmp_path):
    b = load_bundle(_folder(tmp_path, _days([("1", "2025-02-03", "1", "10"),
                                             ("1", "2025-02-04", "1", "99")])))
    rej = b.rejected
    assert rej[["file", "line", "column", "value", "ruleId"]].values.tolist() == [
        ["days.csv", 3, "periodScheduleID", "99", "DQ-02"]]
    assert len(b.tables["days"]) == 1


def test_schedules_without_periods_stop_with_one_line(tmp_path):
    with pytest.raises(ExtractError, match=r"days\.csv: 1 day\(s\) give a periodScheduleID and "
                                           r"no minutes.*periods\.csv .* is needed and missing"):
        load_bundle(_folder(tmp_path, _days([("1", "2025-02-03", "1", "10")]), periods=None))


def test_schedules_and_minutes_need_no_periods(tmp_path):
    b = load_bundle(_folder(tmp_path, _days([("1", "2025-02-03", "1", "10", "360")],
                                            head="periodScheduleID,minutes"), periods=None))
    assert b.tables["days"]["minutes"].tolist() == [360] and b.rejected.empty


def test_periods_without_schedule_ids_cannot_give_a_days_minutes(tmp_path):
    periods = "calendarID,periodID,minutes\n1,11,360\n"
    with pytest.raises(ExtractError, match="has no periodScheduleID column"):
        load_bundle(_folder(tmp_path, _days([("1", "2025-02-03", "1", "10")]), periods))


@pytest.mark.slow
def test_a_district_in_both_forms_gives_the_same_thresholds_and_hours(tmp_path):
    days = school_days(holidays=["2025-01-20"])
    for d in days:
        if str(d["date"])[:10] == "2025-01-31":
            d["minutes"] = 180  # a half day
    minutes_form = tmp_path / "m"
    write_bundle(make_bundle(students=[student(1)], enrollments=[enrollment(10, 1)],
                             days=days), minutes_form)
    schedule_form = tmp_path / "s"
    write_bundle(make_bundle(students=[student(1)], enrollments=[enrollment(10, 1)],
                             days=days), schedule_form)
    text = pd.read_csv(schedule_form / "days.csv", dtype=str)
    text["periodScheduleID"] = text["minutes"].map({"360": "10", "180": "20", "0": "10"})
    text.drop(columns=["minutes"]).to_csv(schedule_form / "days.csv", index=False)
    (schedule_form / "periods.csv").write_text(PERIODS)
    (minutes_form / "periods.csv").write_text(PERIODS)
    att = ("personID,calendarID,date,presentMinutes,status,excuse\n"
           "1,1,2025-01-31,100,A,U\n1,1,2025-02-03,0,A,U\n")
    for f in (minutes_form, schedule_form):
        (f / "attendance.csv").write_text(att)
    a, b = (Analysis(load_bundle(f), params()) for f in (minutes_form, schedule_form))
    for frame in ("instructional_days", "streaks", "computed_hours", "fte"):
        pd.testing.assert_frame_equal(getattr(a, frame), getattr(b, frame), obj=frame)
    # 80 of the half day's 180 minutes absent is no whole day (360 minutes would make it one)
    assert a.streaks["streak"].tolist() == [1]


def test_a_day_off_the_calendar_takes_the_longest_schedules_minutes():
    from mtcollect_nb.load.periods import to_daily

    per = pd.DataFrame({"calendarID": 1, "periodScheduleID": pd.array([10, 10, 20],
                                                                      dtype="Int64"),
                        "periodID": [11, 12, 21], "minutes": pd.array([120, 240, 180],
                                                                      dtype="Int64"),
                        "startTime": "", "endTime": "", "instructional": True})
    att = pd.DataFrame({"personID": [1], "calendarID": [1], "date": pd.to_datetime(
        ["2025-02-01"]), "periodID": pd.array([11], dtype="Int64"),
        "presentMinutes": pd.array([0], dtype="Int64"), "status": "A", "excuse": "U",
        "_line": [2]})
    got = to_daily(att, {"periods": per, "days": pd.DataFrame(
        {"calendarID": [1], "date": pd.to_datetime(["2025-02-03"]), "minutes": [360]})}, "a")
    assert got["presentMinutes"].tolist() == [360 - 120]  # not (360 + 180) - 120

"""Attendance in IC's period form: loading, accounting, and the daily form it gives."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtcollect_nb.compute.absence import compute_streaks, whole_day_absence_rows
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.compute.frames import effective_count_dates
from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load.loader import load_bundle, write_bundle
from mtcollect_nb.load.periods import clock_minutes, period_minutes, to_daily
from mtcollect_nb.synthetic.periods import periods_frame, split_daily
from mtcollect_nb.testing import enrollment, make_bundle, params, school_days, student

pytestmark = pytest.mark.slow

HEAD = "personID,calendarID,date,periodID,presentMinutes,status,excuse"
PERIODS = ("calendarID,periodID,name,minutes,startTime,endTime,instructional\n"
           "1,11,P1,120,,,1\n1,12,P2,,09:00,11:00,\n1,13,P3,120,,,1\n1,14,Lunch,30,,,0\n")


def _folder(tmp_path: Path, lines: list[str], periods: str | None = PERIODS,
            days_minutes: int = 360) -> Path:
    days = school_days()
    for d in days:
        d["minutes"] = days_minutes if d["instruction"] else 0
    write_bundle(make_bundle(students=[student(1)], enrollments=[enrollment(10, 1)],
                             days=days), tmp_path)
    (tmp_path / "attendance.csv").write_text("\n".join([HEAD, *lines]) + "\n")
    if periods is not None:
        (tmp_path / "periods.csv").write_text(periods)
    return tmp_path


def _daily(tmp_path: Path, lines: list[str], **kw: object) -> pd.DataFrame:
    return load_bundle(_folder(tmp_path, lines, **kw)).table("attendance")


def _streak(tmp_path: Path, lines: list[str]) -> int:
    a = Analysis(load_bundle(_folder(tmp_path, lines)), params())
    return int(a.streaks["streak"].iloc[0])


def test_absent_minutes_are_summed_over_instructional_periods(tmp_path):
    got = _daily(tmp_path, ["1,1,2025-02-03,11,0,A,U", "1,1,2025-02-03,12,30,A,E",
                            "1,1,2025-02-03,14,0,A,U"])  # lunch adds no absent minute
    assert got[["presentMinutes", "excuse", "_line"]].values.tolist() == [[360 - 210, "U", 2]]
    assert got["periodID"].isna().all()


@pytest.mark.parametrize(("lines", "streak"), [
    (["1,1,2025-02-03,11,0,A,U", "1,1,2025-02-03,12,0,A,U"], 1),   # 240 absent: whole day
    (["1,1,2025-02-03,11,0,A,U", "1,1,2025-02-03,12,1,A,U"], 0),   # 239 absent
    (["1,1,2025-02-03,11,0,A,X", "1,1,2025-02-03,12,0,A,X"], 0),   # every minute exempt
    (["1,1,2025-02-03,11,0,A,X", "1,1,2025-02-03,12,0,A,U"], 1),   # partly exempt: counts
    (["1,1,2025-02-03,11,0,A,U", "1,1,2025-02-03,14,0,A,U",
      "1,1,2025-02-03,13,0,A,U"], 1),
])
def test_period_rows_give_the_daily_whole_day_absence(tmp_path, lines, streak):
    assert _streak(tmp_path, lines) == streak


def test_accounting_counts_period_rows_and_rejects_by_their_own_line(tmp_path):
    b = load_bundle(_folder(tmp_path, [
        "1,1,2025-02-03,11,0,A,U", "1,1,2025-02-03,12,0,A,U",
        "1,1,2025-02-03,12,5,A,U",   # line 4: a second copy of the period-row key
        "1,1,2025-02-03,99,0,A,U",   # line 5: unknown period
        "1,1,2025-02-30,11,0,A,U",   # line 6: not a date
        "1,1,2025-01-31,11,0,A,U"]))
    acc = b.accounting.set_index("file").loc["attendance.csv"]
    assert (acc["read"], acc["used"], acc["rejected"]) == (6, 3, 3)
    rej = b.rejected.loc[b.rejected["file"] == "attendance.csv"]
    assert rej[["line", "ruleId"]].values.tolist() == [[4, "DQ-01"], [5, "DQ-02"], [6, "DQ-03"]]
    assert "periodID" in rej["column"].iloc[0]
    assert len(b.table("attendance")) == 2  # two days


def test_a_blank_period_in_the_period_form_is_rejected_never_read_as_a_day(tmp_path):
    b = load_bundle(_folder(tmp_path, ["1,1,2025-02-03,,0,A,U", "1,1,2025-02-04,11,0,A,U"]))
    assert b.rejected[["line", "column", "ruleId"]].values.tolist() == [[2, "periodID", "DQ-03"]]
    assert "period form" in b.rejected["reason"].iloc[0]
    assert b.table("attendance")["date"].tolist() == [pd.Timestamp("2025-02-04")]


def test_daily_rows_keep_their_key_without_period(tmp_path):
    days = school_days()
    write_bundle(make_bundle(students=[student(1)], enrollments=[enrollment(10, 1)],
                             days=days), tmp_path)
    (tmp_path / "attendance.csv").write_text(
        "personID,calendarID,date,presentMinutes,status,excuse\n"
        "1,1,2025-02-03,0,A,U\n1,1,2025-02-03,0,A,U\n")
    b = load_bundle(tmp_path)
    assert b.rejected["ruleId"].tolist() == ["DQ-01"]
    assert b.table("attendance")["presentMinutes"].tolist() == [0]


def test_period_form_without_periods_file_is_one_line_naming_the_file(tmp_path):
    with pytest.raises(ExtractError) as err:
        load_bundle(_folder(tmp_path, ["1,1,2025-02-03,11,0,A,U"], periods=None))
    msg = str(err.value)
    assert "attendance.csv" in msg and "periods.csv" in msg and "\n" not in msg


def test_period_without_a_length_is_rejected(tmp_path):
    periods = PERIODS + "1,15,P5,,10:00,09:00,1\n1,16,P6,,,,1\n"
    b = load_bundle(_folder(tmp_path, ["1,1,2025-02-03,11,0,A,U"], periods=periods))
    rej = b.rejected.loc[b.rejected["file"] == "periods.csv"]
    assert rej[["line", "ruleId", "column"]].values.tolist() == [
        [6, "DQ-03", "minutes"], [7, "DQ-03", "minutes"]]


def test_presence_beyond_a_period_is_no_negative_absence(tmp_path):
    got = _daily(tmp_path, ["1,1,2025-02-03,11,500,T,U", "1,1,2025-02-03,13,0,A,U"])
    assert got["presentMinutes"].tolist() == [360 - 120]


def test_daily_row_on_a_day_off_the_calendar_keeps_its_minutes():
    # a Saturday (no days.csv row) with a blank-periodID row (a frame built in memory: the
    # loader rejects a blank periodID in a period-form file), next to period rows on Monday
    att = pd.DataFrame({"personID": 1, "calendarID": 1, "periodID": pd.array(
        [None, 11, None], dtype="Int64"), "date": pd.to_datetime(
        ["2025-02-01", "2025-02-03", "2025-02-04"]), "presentMinutes": pd.array(
        [360, 0, None], dtype="Int64"), "status": ["T", "A", "A"], "excuse": "U",
        "_line": [2, 3, 4]})
    days = pd.DataFrame(school_days())
    days["date"] = pd.to_datetime(days["date"])
    per = pd.read_csv(__import__("io").StringIO(PERIODS)).assign(
        startTime=lambda f: f["startTime"].fillna(""), endTime=lambda f: f["endTime"].fillna(""),
        instructional=lambda f: f["instructional"].fillna(1).astype(bool))
    got = to_daily(att, {"periods": per, "days": days}, "attendance.csv")
    assert got["presentMinutes"].tolist()[:2] == [360, 240]
    assert pd.isna(got["presentMinutes"].iloc[2])  # blank stays blank (0 present)


def test_clock_minutes_and_period_minutes():
    assert np.isnan(clock_minutes(["8:61"])).all()
    assert period_minutes({"minutes": [pd.NA], "startTime": ["08:00"],
                           "endTime": ["07:00"]}).tolist() != [-60.0]


# ---- property: random period splits of daily absences give the same days and streaks -------
BASE = pd.Timestamp("2025-01-06")


@st.composite
def daily_district(draw):
    n_days = 15
    dates = pd.date_range(BASE, periods=n_days)
    day_rows = []
    for c in (1, 2):
        for d in dates:
            if draw(st.integers(0, 4)):  # most days instructional
                day_rows.append({"calendarID": c, "date": d,
                                 "minutes": draw(st.sampled_from([180, 300, 360]))})
    days = pd.DataFrame(day_rows, columns=["calendarID", "date", "minutes"]).astype(
        {"calendarID": "int64", "date": "datetime64[ns]", "minutes": "int64"})
    cal = pd.DataFrame({"calendarID": [1, 2], "wholeDayAbsence": pd.array(
        [draw(st.sampled_from([None, 100, 240])), draw(st.sampled_from([None, 300]))],
        dtype="Int64")})
    cd = BASE + pd.Timedelta(days=draw(st.integers(5, n_days - 1)))
    cal["effectiveCountDate"] = cal["calendarID"].map(effective_count_dates(
        days.assign(instruction=True), cd)).astype("datetime64[ns]")
    mins = days.set_index(["calendarID", "date"])["minutes"]
    att, enr = [], []
    for p in range(1, draw(st.integers(1, 4)) + 1):
        c = draw(st.sampled_from([1, 2]))
        enr.append({"enrollmentID": p, "personID": p, "calendarID": c, "startDate": BASE,
                    "endDate": pd.NaT, "noShow": False})
        lo = draw(st.integers(0, n_days - 1))
        for k in sorted(set(range(lo, n_days)) | draw(st.sets(st.integers(0, n_days - 1)))):
            m = int(mins.get((c, dates[k]), 360))
            att.append({"personID": p, "calendarID": c, "date": dates[k],
                        "presentMinutes": draw(st.sampled_from([0, 0, 1, 60, m // 2, m])),
                        "status": "A", "excuse": draw(st.sampled_from(["E", "U", "", "X"]))})
    att = pd.DataFrame(att).astype({"personID": "int64", "calendarID": "int64"})
    att["presentMinutes"] = att["presentMinutes"].astype("Int64")
    att["_line"] = np.arange(2, len(att) + 2)
    enr = pd.DataFrame(enr).astype({"startDate": "datetime64[ns]",
                                    "endDate": "datetime64[ns]"})
    return days, att, enr, cal, draw(st.integers(0, 2**31)), draw(st.sampled_from([0, .3]))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(daily_district())
def test_period_form_gives_the_same_days_and_streaks_as_the_daily_form(district):
    days, att, enr, cal, seed, mix = district
    per = periods_frame(cal, days)
    rows = split_daily(att, days, per, np.random.default_rng(seed), lunch_rows=mix,
                       exempt_mix=mix)
    rows["_line"] = np.arange(2, len(rows) + 2)
    back = to_daily(rows, {"periods": per, "days": days}, "attendance.csv")
    key = ["personID", "calendarID", "date"]
    a = att.sort_values(key).reset_index(drop=True)
    b = back.sort_values(key).reset_index(drop=True)
    assert b[key].equals(a[key])
    assert b["presentMinutes"].tolist() == a["presentMinutes"].tolist()
    assert (whole_day_absence_rows(b, days, cal).tolist()
            == whole_day_absence_rows(a, days, cal).tolist())
    pd.testing.assert_frame_equal(compute_streaks(days, b, enr, cal),
                                  compute_streaks(days, a, enr, cal))

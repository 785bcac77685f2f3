"""The dense-grid streak core agrees with the plain per-enrollment loop."""

import numpy as np
import pandas as pd
import pytest

from mtcollect_nb.compute import streak_grid
from mtcollect_nb.compute.absence import _target_frame, streaks_reference, whole_day_absence
from mtcollect_nb.testing import absences, enrollment, make_analysis, school_days, student


def test_coder_dense_and_hashed_agree(monkeypatch):
    universe = np.array([7, 3, 1_000_000, 42], dtype=np.int64)
    values = np.array([42, 3, 5, 1_000_000, -1, 7], dtype=np.int64)
    dense = streak_grid.Coder(universe)(values)
    monkeypatch.setattr(streak_grid, "DENSE_MAX", 10)
    hashed = streak_grid.Coder(universe)(values)
    assert dense.tolist() == hashed.tolist() == [3, 1, -1, 2, -1, 0]
    assert streak_grid.Coder(np.array([], dtype=np.int64))(values).tolist() == [-1] * 6


def test_day_index_counts_back_from_the_count_date():
    days = pd.DataFrame({"calendarID": [1, 1, 1, 2], "minutes": 360,
                         "date": pd.to_datetime(["2025-01-30", "2025-02-03", "2025-02-05",
                                                 "2025-02-03"])})
    ecd = streak_grid.day_numbers(pd.to_datetime(["2025-02-03", "NaT"]))
    idx = streak_grid.DayIndex(days, np.array([1, 2]), np.append(ecd, ecd[-1]))
    d = streak_grid.day_numbers(pd.to_datetime(["2025-01-30", "2025-01-31", "2025-02-03"]))
    cal = np.zeros(3, dtype=np.int64)
    assert idx.lookup(idx.back, cal, d, -1, -1).tolist() == [1, -1, 0]
    assert idx.lookup(idx.ge, cal, d, 9, -1).tolist() == [1, 0, 0]   # Fri -> next is Mon
    assert idx.lookup(idx.le, cal, d, -1, 0).tolist() == [1, 1, 0]   # Fri -> last is Thu
    assert idx.width == 2  # calendar 2 has no count date: no days kept


def _random_district(seed, n_students=60):
    rng = np.random.default_rng(seed)
    weekdays = pd.bdate_range("2025-01-06", "2025-02-14")
    holidays = [str(weekdays[i].date()) for i in rng.choice(len(weekdays), 3, replace=False)]
    days = (school_days(1) + school_days(2, holidays=holidays))
    for d in days:  # some short days in calendar 2
        if d["calendarID"] == 2 and d["instruction"] and rng.random() < 0.1:
            d["minutes"] = 180
    window = list(pd.bdate_range("2025-01-02", "2025-02-07"))
    att, enr = [], []
    eid = 1
    late = window[-20:-6]  # enrollment changes inside the last weeks before the count date
    for p in range(1, n_students + 1):
        cal = int(rng.integers(1, 3))
        kind = rng.choice(["plain", "late", "change", "noshow_before"], p=[.4, .2, .25, .15])
        pick = late[int(rng.integers(0, len(late)))]
        if kind == "change":  # grade change; a gap of 1..3 calendar days may skip a weekday
            gap = pd.Timedelta(days=int(rng.integers(1, 4)))
            enr.append(enrollment(eid, p, calendarID=cal, endDate=pick - gap, grade="05"))
            enr.append(enrollment(eid + 1, p, calendarID=cal, startDate=pick))
        elif kind == "noshow_before":  # the noShow enrollment's days are not enrolled days
            enr.append(enrollment(eid, p, calendarID=cal, endDate=pick - pd.Timedelta(days=1),
                                  noShow=True))
            enr.append(enrollment(eid + 1, p, calendarID=cal, startDate=pick))
        else:
            enr.append(enrollment(eid, p, calendarID=cal,
                                  **({"startDate": pick} if kind == "late" else {})))
        eid += 2
        run = int(rng.integers(0, 16))
        for d in window[len(window) - 5 - run: len(window) - 3]:
            if rng.random() < 0.97:
                att += absences(p, [d], calendar_id=cal,
                                present_minutes=int(rng.choice([0] * 12 + [100, 200])),
                                excuse=str(rng.choice(["U", "E", "X", " x", ""],
                                                      p=[.46, .46, .04, .02, .02])))
    cals = [{"calendarID": c, "schoolID": 1, "name": f"c{c}", "endYear": 2025,
             "startDate": "2024-08-26", "endDate": "2025-06-06",
             **({"wholeDayAbsence": 240} if c == 2 else {})} for c in (1, 2)]
    return make_analysis(students=[student(p) for p in range(1, n_students + 1)],
                         calendars=cals, days=days, enrollments=enr, attendance=att)


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(6))
def test_grid_agrees_with_reference_loop(seed):
    a = _random_district(seed)
    args = (a.instructional_days, a.table("attendance"), a.enrollments, a.calendars)
    tgt = _target_frame(a.enrollments, None, a.calendars)
    got = streak_grid.grid_streaks(tgt, *args, whole_day=whole_day_absence)
    want = streaks_reference(*args)
    pd.testing.assert_frame_equal(got.reset_index(drop=True), want.reset_index(drop=True),
                                  check_dtype=False)
    assert (want["streak"] > 0).sum() > 5  # the district really has streaks to compare

"""The explorer's student calendar reads the same whole-day threshold as the streak engine."""

import pandas as pd
import pytest

from mtcollect_nb.checks.run import run_from_analysis
from mtcollect_nb.explore.days import ABSENT, PARTIAL, student_calendar
from mtcollect_nb.testing import absences, enrollment, make_analysis, student

pytestmark = pytest.mark.slow


def _status(levels):
    a = make_analysis(students=[student(1)], enrollments=[enrollment(10, 1)],
                      attendance=absences(1, ["2025-01-31", "2025-02-03"],
                                          present_minutes=360 - 200), grade_levels=levels)
    c = student_calendar(run_from_analysis(a), 1).set_index("date")
    return c.at[pd.Timestamp("2025-02-03"), "status"], int(a.streaks["streak"].iloc[0])


def test_calendar_and_streak_agree_on_a_grade_level_threshold():
    plain_status, plain_streak = _status([])           # 200 < 240 (IC default): partial
    low_status, low_streak = _status([{"calendarID": 1, "grade": "06",
                                       "wholeDayAbsence": 200}])
    assert (plain_streak, low_streak) == (0, 2)
    assert (plain_status, low_status) == (PARTIAL, ABSENT)

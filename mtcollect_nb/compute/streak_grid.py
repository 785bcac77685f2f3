"""Absence streaks on a dense (person x calendar) x days-back grid: the streak engine's core.

:func:`mtcollect_nb.compute.absence.compute_streaks` delegates here; the semantics and decisions
are documented there, and the whole-day test is its
:func:`~mtcollect_nb.compute.absence.whole_day_absence`
(passed in, so the decision stays in one place). No sort and no merge of the attendance table:

* per calendar, every instructional day up to the streak's end day (the effective count date,
  or in a forecast the last instructional day on or before ``as_of``: the ``end`` column of
  ``calendars``) gets ``back`` = how many instructional days before the end day it is (0 on
  the end day); small dense ``[calendar, day]`` tables give it to each attendance row by one
  gather;
* grid rows are the distinct (person, calendar) pairs of the target enrollments; a whole-day
  absence sets ``absent[pair, back]``; the first ``back`` not absent ends the run (``argmin``);
* only pairs with a run are checked against their enrollments (not noShow): each covers a
  range of ``back`` (a difference array), and the run also ends at the first day not covered.

Memory is (pairs x instructional days up to the end day) booleans: 150,000 students x 120
days = 18 MB.

Example:
    >>> from mtcollect_nb.testing import streak_example
    >>> days, att, enr, cal = streak_example()
    >>> absent = lambda m, p, e, t: (m - p.astype(float)) >= m
    >>> r = grid_streaks(enr[["enrollmentID", "personID", "calendarID"]], days, att, enr, cal,
    ...                  absent)
    >>> int(r["streak"][0]), str(r["streakStart"][0].date())
    (2, '2025-01-31')
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from mtcollect_nb.columns import EFFECTIVE_COUNT_DATE
from mtcollect_nb.columns import WHOLE_DAY_THRESHOLD as THRESHOLD

NS_PER_DAY = 86_400_000_000_000
#: Largest key range looked up through a dense table; wider ranges use a hash index.
DENSE_MAX = 1 << 22
_NAT = np.iinfo(np.int64).min

WholeDay = Callable[[pd.Series, pd.Series, pd.Series, pd.Series], pd.Series]


def day_numbers(values: pd.Series | np.ndarray) -> np.ndarray:
    """Whole days since 1970-01-01 (int64); NaT -> a hugely negative number.

    Example:
        >>> day_numbers(pd.to_datetime(pd.Series(["1970-01-02", None]))).tolist()[0]
        1
    """
    return np.asarray(values, dtype="datetime64[ns]").view("int64") // NS_PER_DAY


class Coder:
    """Positions in ``universe`` (distinct int64s): a dense table, or a hash index if wide.

    Example:
        >>> Coder(np.array([30, 10, 20]))(np.array([10, 20, 99])).tolist()
        [1, 2, -1]
    """

    def __init__(self, universe: np.ndarray) -> None:
        self.n = len(universe)
        self.lo = int(universe.min()) if self.n else 0
        self.hi = int(universe.max()) if self.n else -1
        self.index: pd.Index | None = None
        self.table: np.ndarray | None = None
        if self.hi - self.lo >= DENSE_MAX:
            self.index = pd.Index(universe)
        elif self.n:  # padded with -1 on both ends: out-of-range values clip onto a pad
            self.table = np.full(self.hi - self.lo + 3, -1, dtype=np.int64)
            self.table[universe - self.lo + 1] = np.arange(self.n)

    def __call__(self, values: np.ndarray) -> np.ndarray:
        """The position of each value in the universe, -1 where absent."""
        values = np.asarray(values, dtype=np.int64)
        if self.index is not None:
            return self.index.get_indexer(values).astype(np.int64)
        if self.table is None:
            return np.full(len(values), -1, dtype=np.int64)
        pos = np.clip(values - (self.lo - 1), 0, len(self.table) - 1)
        return self.table[pos]


def codes(universe: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Position of each of ``values`` in ``universe`` (distinct int64s), -1 where absent.

    Example:
        >>> codes(np.array([30, 10, 20]), np.array([10, 20, 99])).tolist()
        [1, 2, -1]
    """
    return Coder(np.asarray(universe, dtype=np.int64))(values)


class DayIndex:
    """Per calendar (by code; code ``ncal`` = unknown): instructional days up to the end day.

    ``end_day`` holds each calendar's end day (a day number; very negative = none): the
    effective count date, or the last instructional day on or before ``as_of`` in a forecast.

    Attributes:
        width: most instructional days up to the end day in any calendar.
        back: ``[cal, day - day0]`` -> instructional days before the end day (-1: none).
        minutes: ``[cal, day - day0]`` -> the day's minutes.
        date: ``[cal, back]`` -> the day number.
        ge, le: ``[cal, day - day0]`` -> ``back`` of the first instructional day on or after /
            the last on or before that day (-1: none).
    """

    def __init__(self, instructional_days: pd.DataFrame, cal_ids: np.ndarray,
                 end_day: np.ndarray) -> None:
        ncal = len(cal_ids)
        cal = codes(cal_ids, instructional_days["calendarID"].to_numpy(dtype="int64"))
        day = day_numbers(instructional_days["date"])
        mins = pd.to_numeric(instructional_days["minutes"], errors="coerce").to_numpy(
            dtype="float64", na_value=0.0)
        keep = (cal >= 0) & (day <= end_day[cal.clip(0)])
        order = np.lexsort((-day[keep], cal[keep]))  # per calendar, latest day first
        cal, day, mins = cal[keep][order], day[keep][order], mins[keep][order]
        first = np.searchsorted(cal, np.arange(ncal))
        back = np.arange(len(cal)) - first[cal]
        count = np.bincount(cal, minlength=ncal)
        self.width = int(count.max()) if len(cal) else 0
        self.day0 = int(day.min()) if len(day) else 0
        self.span = (int(day.max()) - self.day0 + 1) if len(day) else 1
        shape = (ncal + 1, self.span)
        self.back = np.full(shape, -1, dtype=np.int64)
        self.back[cal, day - self.day0] = back
        self.minutes = np.zeros(shape)
        self.minutes[cal, day - self.day0] = mins
        self.date = np.full((ncal + 1, self.width + 1), _NAT, dtype=np.int64)
        self.date[cal, back] = day
        # back of the first instructional day on/after (ge) and last on/before (le) each day
        is_day = self.back >= 0
        col = np.arange(self.span)
        last = np.maximum.accumulate(np.where(is_day, col, -1), axis=1)
        nxt = np.minimum.accumulate(np.where(is_day, col, self.span)[:, ::-1], axis=1)[:, ::-1]
        rows = np.arange(ncal + 1)[:, None]
        self.le = np.where(last >= 0, self.back[rows, last.clip(0)], -1)
        self.ge = np.where(nxt < self.span, self.back[rows, nxt.clip(0, self.span - 1)], -1)

    def lookup(self, table: np.ndarray, cal: np.ndarray, day: np.ndarray,
               before: int, after: int) -> np.ndarray:
        """``table[cal, day]``; days before/after the span give ``before``/``after``."""
        rel = day - self.day0
        out = table[cal, rel.clip(0, self.span - 1)]
        return np.where(rel < 0, before, np.where(rel >= self.span, after, out))


def grid_streaks(targets: pd.DataFrame, instructional_days: pd.DataFrame,
                 attendance: pd.DataFrame, enrollments: pd.DataFrame, calendars: pd.DataFrame,
                 whole_day: WholeDay, end: str = EFFECTIVE_COUNT_DATE) -> pd.DataFrame:
    """Streak and streakStart of each row of ``targets`` (see the module docstring).

    Args:
        targets: enrollmentID, personID, calendarID of the enrollments to report.
        instructional_days: calendarID, date, minutes of the days with instruction.
        attendance: personID, calendarID, date, presentMinutes, excuse, and optionally
            ``wholeDayThreshold`` (resolved per row; else the calendar's wholeDayAbsence).
        enrollments: every enrollment (enrollmentID, personID, calendarID, startDate,
            endDate, noShow): the days a student was enrolled in a calendar.
        calendars: calendarID, wholeDayAbsence and the ``end`` column.
        whole_day: ``(minutes, presentMinutes, excuse, wholeDayAbsence) -> bool Series``.
        end: the column of ``calendars`` holding each calendar's end day, the instructional
            day the streak ends on (NaT: no streak in that calendar).

    Returns:
        enrollmentID, ``streak`` (int64), ``streakStart`` (NaT when 0), in ``targets`` order.
    """
    cal_ids = calendars["calendarID"].to_numpy(dtype="int64")
    ncal = len(cal_ids)
    cal_coder = Coder(cal_ids)

    def cal_code(values: pd.Series) -> np.ndarray:
        c = cal_coder(values.to_numpy(dtype="int64"))
        return np.where(c < 0, ncal, c)

    end_day = np.append(day_numbers(calendars[end]), _NAT)
    days = DayIndex(instructional_days, cal_ids, end_day)
    width = days.width

    # grid rows: the distinct (person, calendar) pairs of the targets
    t_person = targets["personID"].to_numpy(dtype="int64")
    t_cal = cal_code(targets["calendarID"])
    person_coder = Coder(pd.unique(t_person))
    t_key = person_coder(t_person) * (ncal + 1) + t_cal
    pair_keys = pd.unique(t_key)
    pair_coder = Coder(pair_keys)

    def pair_of(person: pd.Series, cal: np.ndarray) -> np.ndarray:
        p = person_coder(person.to_numpy(dtype="int64"))
        return np.where(p < 0, -1, pair_coder(p * (ncal + 1) + cal))

    # whole-day absences on instructional days up to the end day
    a_cal = cal_code(attendance["calendarID"])
    a_day = day_numbers(attendance["date"])
    back = days.lookup(days.back, a_cal, a_day, -1, -1)
    a_pair = pair_of(attendance["personID"], a_cal)
    sel = np.flatnonzero((back >= 0) & (a_pair >= 0))
    a_cal, a_day, back, a_pair = a_cal[sel], a_day[sel], back[sel], a_pair[sel]
    if THRESHOLD in attendance.columns:  # resolved per row (grade level, calendar, default)
        thr = pd.to_numeric(attendance[THRESHOLD].array[sel]).astype("float64")
    else:
        thr = np.append(pd.to_numeric(calendars["wholeDayAbsence"], errors="coerce").to_numpy(
            dtype="float64", na_value=np.nan), np.nan)[a_cal]
    whole = whole_day(pd.Series(days.minutes[a_cal, a_day - days.day0]),
                      pd.Series(attendance["presentMinutes"].array[sel]),
                      pd.Series(attendance["excuse"].to_numpy()[sel]), pd.Series(thr)).to_numpy()
    absent = np.zeros((len(pair_keys), width + 1), dtype=bool)  # last column: argmin stops
    absent[a_pair[whole], back[whole]] = True
    run = absent.argmin(axis=1)

    # enrolled days, only for pairs with a run (the run also ends at a day not enrolled)
    cand = np.flatnonzero(run > 0)
    if len(cand):
        e_cal = cal_code(enrollments["calendarID"])
        e_row = Coder(cand)(pair_of(enrollments["personID"], e_cal))
        e_sel = np.flatnonzero((e_row >= 0) & ~enrollments["noShow"].to_numpy(dtype=bool))
        e_cal, e_row = e_cal[e_sel], e_row[e_sel]
        hi = days.lookup(days.ge, e_cal, day_numbers(enrollments["startDate"].to_numpy()[e_sel]),
                         width, -1)
        end = enrollments["endDate"].to_numpy(dtype="datetime64[ns]")[e_sel]
        lo = np.where(np.isnat(end), 0, days.lookup(days.le, e_cal, day_numbers(end), -1, 0))
        ok = (hi >= 0) & (lo >= 0) & (lo <= hi)
        cover = np.zeros((len(cand), width + 2), dtype=np.int32)
        np.add.at(cover, (e_row[ok], lo[ok]), 1)
        np.add.at(cover, (e_row[ok], np.minimum(hi[ok], width) + 1), -1)
        enrolled = np.cumsum(cover, axis=1)[:, : width + 1] > 0
        run[cand] = (absent[cand] & enrolled).argmin(axis=1)
    streak = run[pair_coder(t_key)]
    start = np.where(streak > 0, days.date[t_cal, np.maximum(streak - 1, 0)] * NS_PER_DAY, _NAT)
    return pd.DataFrame({"enrollmentID": targets["enrollmentID"].to_numpy(),
                         "streak": streak.astype("int64"),
                         "streakStart": start.view("datetime64[ns]")})

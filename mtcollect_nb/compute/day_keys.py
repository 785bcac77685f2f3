"""Instructional days as sorted integer keys: counts, lookups and the n-th day after a date.

One int64 key per (calendar, day): the calendar's position among the calendars that have
instructional days x a span + the day number. Sorted once, every question about "the
instructional days of this calendar between two dates" is one ``np.searchsorted`` over all
rows at once (no merge, no loop per student): the forecast's days left, the day a streak would
reach 11, the day before a streak, and chronic absence's days enrolled.

Example:
    >>> days = pd.DataFrame({"calendarID": 1, "minutes": 360,
    ...                      "date": pd.bdate_range("2025-01-27", "2025-02-03")})
    >>> k = DayKeys(days)
    >>> one = pd.Series([1])
    >>> k.count(one, pd.Series(pd.to_datetime(["2025-01-29"])),
    ...         pd.Series(pd.to_datetime(["2025-02-03"]))).tolist()
    [4]
    >>> str(k.nth_after(one, pd.Series(pd.to_datetime(["2025-01-31"])), np.array([1]))[0].date())
    '2025-02-03'
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mtcollect_nb.compute.streak_grid import DENSE_MAX, NS_PER_DAY, day_numbers

#: Keys per calendar: day numbers stay far below this (year 13,000).
KEY_SPAN = 1 << 22


class DayKeys:
    """The instructional days of every calendar as sorted keys (see the module docstring)."""

    def __init__(self, instructional_days: pd.DataFrame) -> None:
        d = instructional_days
        self.cal_ids = np.unique(d["calendarID"].to_numpy(dtype="int64"))
        keys = self.key(d["calendarID"], d["date"])
        order = np.argsort(keys, kind="stable")
        self.keys = keys[order]
        self.minutes = pd.to_numeric(d["minutes"], errors="coerce").to_numpy(
            dtype="float64", na_value=0.0)[order]
        # position of each (calendar, day) by one gather: a dense [calendar, day] table
        day = self.keys % KEY_SPAN
        self.day0 = int(day.min()) if len(day) else 0
        self.span = int(day.max()) - self.day0 + 1 if len(day) else 0
        self.dense: np.ndarray | None = None
        if 0 < len(self.cal_ids) * self.span <= DENSE_MAX:
            self.dense = np.full((len(self.cal_ids), self.span), -1, dtype=np.int64)
            self.dense[self.keys // KEY_SPAN, day - self.day0] = np.arange(len(self.keys))

    def cal_pos(self, calendar: pd.Series | np.ndarray) -> np.ndarray:
        """Position of each calendarID among the calendars with days; -1 for the others."""
        c = np.asarray(calendar, dtype=np.int64)
        if not len(self.cal_ids):
            return np.full(len(c), -1, dtype=np.int64)
        pos = np.searchsorted(self.cal_ids, c).clip(0, len(self.cal_ids) - 1)
        return np.where(self.cal_ids[pos] == c, pos, -1)

    def key(self, calendar: pd.Series, date: pd.Series) -> np.ndarray:
        """The key of each (calendar, date); -1 for a blank date or a calendar without days."""
        pos = self.cal_pos(calendar)
        blank = np.isnat(np.asarray(date, dtype="datetime64[ns]"))
        return np.where((pos >= 0) & ~blank, pos * KEY_SPAN + day_numbers(date), -1)

    def count_days(self, cal_pos: np.ndarray, first: np.ndarray, last: np.ndarray) -> np.ndarray:
        """Instructional days of the calendar at ``cal_pos`` from day ``first`` to ``last``.

        Day numbers, both included; 0 for position -1 or ``last < first``.
        """
        base = cal_pos * KEY_SPAN
        n = (np.searchsorted(self.keys, base + last, "right")
             - np.searchsorted(self.keys, base + first, "left"))
        return np.where(cal_pos < 0, 0, np.maximum(n, 0))

    def count(self, calendar: pd.Series, start: pd.Series, end: pd.Series) -> np.ndarray:
        """Instructional days of ``calendar`` in [start, end] (0 when none, blank or end < start).

        Example:
            >>> k = DayKeys(pd.DataFrame({"calendarID": [1, 2], "minutes": 360,
            ...     "date": pd.to_datetime(["2025-01-27", "2025-01-27"])}))
            >>> k.count(pd.Series([1, 3]), pd.Series(pd.to_datetime(["2025-01-01"] * 2)),
            ...         pd.Series(pd.to_datetime(["2025-02-01"] * 2))).tolist()
            [1, 0]
        """
        blank = (np.isnat(np.asarray(start, dtype="datetime64[ns]"))
                 | np.isnat(np.asarray(end, dtype="datetime64[ns]")))
        pos = np.where(blank, -1, self.cal_pos(calendar))
        return self.count_days(pos, day_numbers(start), day_numbers(end))

    def find(self, calendar: pd.Series, date: pd.Series) -> np.ndarray:
        """Position of each (calendar, date) among the sorted days; -1 when not instructional."""
        if self.dense is not None:
            cal = self.cal_pos(calendar)
            rel = day_numbers(date) - self.day0
            ok = (cal >= 0) & (rel >= 0) & (rel < self.span)
            return np.where(ok, self.dense[cal.clip(0), rel.clip(0, self.span - 1)], -1)
        k = self.key(calendar, date)
        if not len(self.keys):
            return np.full(len(k), -1, dtype=np.int64)
        pos = np.searchsorted(self.keys, k).clip(0, len(self.keys) - 1)
        return np.where((k >= 0) & (self.keys[pos] == k), pos, -1)

    def _date(self, calendar: pd.Series, pos: np.ndarray, ok: np.ndarray) -> pd.Series:
        """The day at ``pos`` where ``ok`` and it is a day of ``calendar``, else NaT."""
        inside = ok & (pos >= 0) & (pos < len(self.keys))
        k = self.keys[np.where(inside, pos, 0)] if len(self.keys) else np.zeros(len(pos), "i8")
        inside &= (k // KEY_SPAN) == self.cal_pos(calendar)
        days = np.where(inside, (k % KEY_SPAN) * NS_PER_DAY, np.iinfo(np.int64).min)
        return pd.Series(days.view("datetime64[ns]"), index=calendar.index)

    def last_on_or_before(self, calendar: pd.Series, date: pd.Series) -> pd.Series:
        """The last instructional day of ``calendar`` on or before ``date`` (NaT: none)."""
        k = self.key(calendar, date)
        pos = np.searchsorted(self.keys, k, "right") - 1
        return self._date(calendar, pos, k >= 0)

    def nth_after(self, calendar: pd.Series, date: pd.Series, n: np.ndarray) -> pd.Series:
        """The ``n``-th instructional day of ``calendar`` after ``date`` (n >= 1; NaT: none)."""
        k = self.key(calendar, date)
        pos = np.searchsorted(self.keys, k, "right") + np.asarray(n, dtype=np.int64) - 1
        return self._date(calendar, pos, (k >= 0) & (np.asarray(n) >= 1))

    def before(self, calendar: pd.Series, date: pd.Series) -> pd.Series:
        """The instructional day of ``calendar`` before ``date`` (NaT: none)."""
        k = self.key(calendar, date)
        pos = np.searchsorted(self.keys, k, "left") - 1
        return self._date(calendar, pos, k >= 0)

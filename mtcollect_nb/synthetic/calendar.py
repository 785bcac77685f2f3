"""The 2024-25 school calendar: dates, holidays, count dates and per-calendar days rows.

Every calendar of a synthetic district lists each weekday from the first to the last day of
school (weekends are absent from ``days.csv``); holidays and breaks are present with
``instruction`` false. One PIR day (pupil-instruction-related, no students) per calendar.

Example:
    >>> cal = SchoolYear()
    >>> cal.spring, cal.fall, cal.first_day, cal.last_day
    (Timestamp('2025-02-03 00:00:00'), Timestamp('2024-10-07 00:00:00'), \
Timestamp('2024-08-26 00:00:00'), Timestamp('2025-06-06 00:00:00'))
    >>> bool(cal.instruction(None)[cal.index(pd.Timestamp("2024-09-02"))])  # Labor Day
    False
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

#: Days without students (Montana 2024-25): Labor Day, MEA-MFT educator conference,
#: Veterans Day, Thanksgiving break, winter break, MLK Day, Presidents Day, spring break,
#: Good Friday, Memorial Day.
HOLIDAYS: tuple[tuple[str, str], ...] = (
    ("2024-09-02", "2024-09-02"), ("2024-10-17", "2024-10-18"), ("2024-11-11", "2024-11-11"),
    ("2024-11-27", "2024-11-29"), ("2024-12-23", "2025-01-03"), ("2025-01-20", "2025-01-20"),
    ("2025-02-17", "2025-02-17"), ("2025-03-24", "2025-03-28"), ("2025-04-18", "2025-04-18"),
    ("2025-05-26", "2025-05-26"),
)
#: Half days (minutes = HALF_DAY_MINUTES): before Thanksgiving and the last day of school.
HALF_DAYS: tuple[str, ...] = ("2024-11-26", "2025-06-06")
HALF_DAY_MINUTES = 180
#: The usual PIR day, and the alternative one a calendar may use instead (the spring count
#: date itself, so that calendar's effective count date is the next day).
PIR_DAY = "2024-11-08"
PIR_DAY_ON_COUNT_DATE = "2025-02-03"
#: Semester terms of secondary sections.
TERMS: tuple[tuple[str, str], ...] = (("2024-08-26", "2025-01-17"), ("2025-01-21", "2025-06-06"))
#: The day the district pulled its extracts (during the Feb 4-14 collection window): no
#: attendance or enrollment change after it exists yet.
AS_OF = "2025-02-07"


@dataclass
class SchoolYear:
    """The district's weekday grid for 2024-25 and its key dates.

    Attributes:
        dates: every weekday from the first to the last day of school (the days.csv rows).
    """

    first_day: pd.Timestamp = field(default_factory=lambda: pd.Timestamp("2024-08-26"))
    last_day: pd.Timestamp = field(default_factory=lambda: pd.Timestamp("2025-06-06"))
    fall: pd.Timestamp = field(default_factory=lambda: pd.Timestamp("2024-10-07"))
    spring: pd.Timestamp = field(default_factory=lambda: pd.Timestamp("2025-02-03"))
    k_age_date: pd.Timestamp = field(default_factory=lambda: pd.Timestamp("2024-09-10"))
    as_of: pd.Timestamp = field(default_factory=lambda: pd.Timestamp(AS_OF))

    def __post_init__(self) -> None:
        self.dates = pd.bdate_range(self.first_day, self.last_day)
        self._holiday = np.zeros(len(self.dates), dtype=bool)
        for start, end in HOLIDAYS:
            self._holiday |= (self.dates >= start) & (self.dates <= end)
        self.terms = [(pd.Timestamp(a), pd.Timestamp(b)) for a, b in TERMS]

    def index(self, date: pd.Timestamp) -> int:
        """Position of ``date`` in :attr:`dates` (it must be a weekday of the year)."""
        return int(self.dates.get_loc(date))

    def instruction(self, pir_day: str | None = PIR_DAY) -> np.ndarray:
        """Boolean per date: an instructional day of a calendar whose PIR day is ``pir_day``."""
        inst = ~self._holiday
        if pir_day is not None:
            inst = inst & (self.dates != pd.Timestamp(pir_day))
        return np.asarray(inst)

    def minutes(self, day_minutes: int, pir_day: str | None = PIR_DAY) -> np.ndarray:
        """Scheduled minutes per date (0 on non-instructional days, half days shortened)."""
        inst = self.instruction(pir_day)
        mins = np.where(inst, day_minutes, 0)
        half = np.asarray(self.dates.isin(pd.to_datetime(list(HALF_DAYS))))
        return np.where(inst & half, min(HALF_DAY_MINUTES, day_minutes), mins).astype("int64")

    def effective(self, date: pd.Timestamp, pir_day: str | None = PIR_DAY) -> pd.Timestamp:
        """First instructional day on or after ``date`` for a calendar with ``pir_day``."""
        inst = self.instruction(pir_day)
        ok = np.flatnonzero(inst & np.asarray(self.dates >= date))
        return pd.Timestamp(self.dates[ok[0]])

    def days_frame(self, calendar_id: int, day_minutes: int,
                   pir_day: str | None = PIR_DAY) -> pd.DataFrame:
        """The days.csv rows of one calendar (typed: date datetime64, bools, minutes int)."""
        inst = self.instruction(pir_day)
        pir = np.asarray(self.dates == pd.Timestamp(pir_day)) if pir_day else inst & False
        return pd.DataFrame({
            "calendarID": calendar_id,
            "date": self.dates,
            "schoolDay": inst | pir,
            "instruction": inst,
            "attendance": inst,
            "minutes": self.minutes(day_minutes, pir_day),
        })

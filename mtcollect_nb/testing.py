"""Small hand-built districts for tests and examples (no files, no loader).

Example:
    >>> a = make_analysis(students=[student(1)], enrollments=[enrollment(10, 1)])
    >>> bool(a.enrollments["onCountDate"].iloc[0])
    True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd

from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.load import typed
from mtcollect_nb.load.bundle import Bundle
from mtcollect_nb.params import Params

Record = dict[str, Any]
SPRING = dt.date(2025, 2, 3)
FALL = dt.date(2024, 10, 7)


def params(**overrides: Any) -> Params:
    """Parameters of the test district 0001 for school year 2025 (defaults from rules.md)."""
    base: Record = {"district_number": "0001", "district_name": "Test District",
                    "school_year": 2025, "extracts_dir": ".", "output_dir": "."}
    base.update(overrides)
    return Params(**base)


def streak_example() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The four inputs of the streak functions for one student absent on the last 2 days.

    Instructional days Mon Jan 27 .. Mon Feb 3 2025, calendar 1; person 5 (enrollment 9)
    absent all day (0 present minutes, excuse E) on Fri Jan 31 and on the count date.

    Returns:
        instructional_days, attendance, enrollments, calendars.

    Example:
        >>> [len(f) for f in streak_example()]
        [6, 2, 1, 1]
    """
    days = pd.DataFrame({"calendarID": 1, "minutes": 360,
                         "date": pd.bdate_range("2025-01-27", "2025-02-03")})
    att = pd.DataFrame({"personID": 5, "calendarID": 1, "presentMinutes": 0, "excuse": "E",
                        "date": pd.to_datetime(["2025-01-31", "2025-02-03"])})
    enr = pd.DataFrame({"enrollmentID": [9], "personID": [5], "calendarID": [1],
                        "startDate": pd.to_datetime(["2024-08-26"]), "endDate": pd.NaT,
                        "noShow": False})
    cal = pd.DataFrame({"calendarID": [1], "wholeDayAbsence": [pd.NA],
                        "effectiveCountDate": pd.to_datetime(["2025-02-03"])})
    return days, att, enr, cal


def weekdays(start: str, end: str) -> list[pd.Timestamp]:
    """Every Monday to Friday from ``start`` to ``end`` (both included).

    Example:
        >>> [d.day for d in weekdays("2025-01-17", "2025-01-21")]
        [17, 20, 21]
    """
    return list(pd.bdate_range(start, end))


def school_days(calendar_id: int = 1, start: str = "2024-08-26", end: str = "2025-06-06",
                holidays: Iterable[str] = (), minutes: int = 360) -> list[Record]:
    """Weekday rows of ``days.csv`` (weekends absent); ``holidays`` have instruction false."""
    off = {pd.Timestamp(h) for h in holidays}
    rows = []
    for d in pd.bdate_range(start, end):
        inst = d not in off
        rows.append({"calendarID": calendar_id, "date": d, "schoolDay": inst,
                     "instruction": inst, "attendance": inst, "minutes": minutes if inst else 0})
    return rows


def student(person_id: int, **kw: Any) -> Record:
    """A students.csv row with plausible defaults."""
    r: Record = {"personID": person_id, "stateID": f"{900000000 + person_id}",
                 "studentNumber": f"S{person_id}", "lastName": f"Last{person_id}",
                 "firstName": f"First{person_id}", "birthdate": "2012-05-01",
                 "photoOptIn": "Opt Out"}
    r.update(kw)
    return r


def enrollment(enrollment_id: int, person_id: int, **kw: Any) -> Record:
    """An enrollments.csv row on the spring count date, grade 06, 1080 reported hours."""
    r: Record = {"enrollmentID": enrollment_id, "personID": person_id, "calendarID": 1,
                 "grade": "06", "serviceType": "P", "startDate": "2024-08-26",
                 "mtSpringAggregateHours": 1080.0}
    r.update(kw)
    return r


def fall_enrollment(enrollment_id: int, person_id: int, **kw: Any) -> Record:
    """An enrollments.csv row of a fall run: on the fall count date, 1080 fall hours.

    Example:
        >>> a = make_analysis(params(collection_season="fall"), students=[student(1)],
        ...                   enrollments=[fall_enrollment(10, 1, mtFallAbsent=2)])
        >>> a.fte[["mtFallAggregateHours", "fteValidated"]].values.tolist()
        [[1080.0, 1.0]]
    """
    r: Record = {"enrollmentID": enrollment_id, "personID": person_id, "calendarID": 1,
                 "grade": "06", "serviceType": "P", "startDate": "2024-08-26",
                 "mtFallAggregateHours": 1080.0}
    r.update(kw)
    return r


def absences(person_id: int, dates: Iterable[Any], calendar_id: int = 1,
             present_minutes: int = 0, excuse: str = "U") -> list[Record]:
    """attendance.csv rows: whole-day absences (by default) on ``dates``."""
    return [{"personID": person_id, "calendarID": calendar_id, "date": pd.Timestamp(d),
             "presentMinutes": present_minutes, "status": "A", "excuse": excuse} for d in dates]


def make_bundle(**tables: list[Record]) -> Bundle:
    """A bundle with one school (0001) and calendar 1 unless given, plus ``tables``."""
    tables.setdefault("schools", [{"schoolID": 1, "districtNumber": "0001",
                                   "schoolNumber": "0001", "name": "Test School"}])
    tables.setdefault("calendars", [{"calendarID": 1, "schoolID": 1, "name": "24-25 Test",
                                     "endYear": 2025, "startDate": "2024-08-26",
                                     "endDate": "2025-06-06"}])
    tables.setdefault("days", school_days())
    for name in ("students", "enrollments", "attendance"):
        tables.setdefault(name, [])
    frames = {name: typed.frame_from_records(name, rows) for name, rows in tables.items()}
    return Bundle.from_tables(frames)


def make_analysis(params_: Params | None = None, **tables: list[Record]) -> Analysis:
    """An :class:`Analysis` of :func:`make_bundle` ``(**tables)``."""
    return Analysis(make_bundle(**tables), params_ or params())


def tiny_analysis() -> Analysis:
    """Two students, one school, no findings expected from the ANB rules."""
    return make_analysis(students=[student(1), student(2)],
                         enrollments=[enrollment(10, 1), enrollment(11, 2, grade="10")])

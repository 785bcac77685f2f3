"""Planted data-quality case DQ-04: a calendar whose days file stops before the count date.

A text-level edit made just before the CSV files are written (like DQ-01..03 in :mod:`.plant`):
a "Fall Credit Recovery" calendar in one school whose days.csv rows end on
:data:`LAST_DAY` (before the spring count date), holding one still-open secondary enrollment
of an ordinary student. It has no effective count date, so that enrollment is not on the count
date and DQ-04 names the calendar.

Example:
    >>> DQ04_DESCRIPTION.startswith("A calendar")
    True
"""

from __future__ import annotations

import pandas as pd

from mtcollect_nb.synthetic.model import District

LAST_DAY = "2024-12-20"
DQ04_DESCRIPTION = (f"A calendar ('Fall Credit Recovery') whose days.csv stops on {LAST_DAY}, "
                    "before the spring count date, with one still-open enrollment.")


def plant_dq04(d: District, frames: dict[str, pd.DataFrame], row: int) -> None:
    """Add the DQ-04 calendar, its days and one enrollment (a copy of enrollments row ``row``).

    ``frames`` are the text frames about to be written; ``row`` is a row of
    ``d.tables["enrollments"]`` of an ordinary student.
    """
    cals, days, enr = frames["calendars"], frames["days"], frames["enrollments"]
    src = d.tables["enrollments"].iloc[row]
    src_cal = str(int(src["calendarID"]))
    new_cal = str(int(pd.to_numeric(cals["calendarID"]).max()) + 1)
    cal = cals.loc[cals["calendarID"] == src_cal].iloc[[0]].copy()
    cal["calendarID"], cal["endDate"] = new_cal, LAST_DAY
    cal["name"] = cal["name"] + " Fall Credit Recovery"
    day = days.loc[(days["calendarID"] == src_cal) & (days["date"] <= LAST_DAY)].copy()
    day["calendarID"] = new_cal
    new_eid = int(pd.to_numeric(enr["enrollmentID"]).max()) + 1
    e = enr.loc[enr["enrollmentID"] == str(int(src["enrollmentID"]))].iloc[[0]].copy()
    e["enrollmentID"], e["calendarID"], e["serviceType"] = str(new_eid), new_cal, "S"
    e["endDate"] = ""
    frames["calendars"] = pd.concat([cals, cal], ignore_index=True)
    frames["days"] = pd.concat([days, day], ignore_index=True)
    frames["enrollments"] = pd.concat([enr, e], ignore_index=True)
    d.planted["DQ-04"] = {"enrollmentID": [new_eid], "personID": [int(src["personID"])],
                          "calendarID": [int(new_cal)]}
    d.plan["DQ-04"] = DQ04_DESCRIPTION

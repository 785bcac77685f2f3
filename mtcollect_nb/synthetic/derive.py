"""Fields Infinite Campus calculates, filled the way IC would: hours, absences, fall count.

Run after the structure (and the planted structure) is final, so the ordinary data agree with
the rules in spec/rules.md: reported hours = the computed hours (floored to 0.01 h), the
reported absence count = the computed streak, the 10-day flag set where the streak is ≥ 11.

Example:
    >>> hours_per_year(np.array([360, 360, 180]), np.array([350, 100]))
    array([14.66,  5.  ])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mtcollect_nb.synthetic.attendance import streak_at_count_date
from mtcollect_nb.synthetic.model import District


def hours_per_year(day_minutes: np.ndarray, per_day: np.ndarray) -> np.ndarray:
    """Σ over instructional days of min(day minutes, scheduled minutes) / 60, floored to 0.01."""
    inst = day_minutes[day_minutes > 0]
    total = np.minimum(inst[None, :], per_day[:, None]).sum(axis=1) / 60.0
    return np.floor(total * 100 + 1e-9) / 100


def _on(e: pd.DataFrame, date: pd.Series) -> pd.Series:
    return ((e["startDate"] <= date) & (e["endDate"].isna() | (date <= e["endDate"]))
            & ~e["noShow"] & ~e["stateExclude"])


def _scheduled_minutes(d: District, e: pd.DataFrame, date: pd.Series) -> np.ndarray:
    """Per enrollment: minutes of active rostered sections in its calendar on ``date``."""
    sec = d.tables["sections"].drop(columns=["calendarID"], errors="ignore")
    sec = sec.merge(d.tables["courses"][["courseID", "calendarID"]], on="courseID")
    r = d.tables["rosters"].merge(sec[["sectionID", "calendarID", "termStartDate",
                                       "termEndDate", "minutesPerDay"]], on="sectionID")
    x = e[["enrollmentID", "personID", "calendarID"]].assign(on=date.to_numpy()).merge(
        r, on=["personID", "calendarID"])
    active = ((x["startDate"] <= x["on"]) & (x["endDate"].isna() | (x["on"] <= x["endDate"]))
              & (x["termStartDate"] <= x["on"]) & (x["on"] <= x["termEndDate"]))
    x = x.loc[active]
    total = x.groupby("enrollmentID")["minutesPerDay"].sum().astype("float64")
    has = e["enrollmentID"].isin(x["enrollmentID"]).to_numpy()
    out = np.full(len(e), np.nan)
    out[has] = e.loc[has, "enrollmentID"].map(total).to_numpy()
    return out


def _hours(d: District, e: pd.DataFrame, which: str) -> pd.Series:
    """Computed aggregate hours of each enrollment in ``e`` at its calendar's ``which`` date."""
    meta = d.cal_meta.set_index("calendarID")
    date = e["calendarID"].map(meta[which])
    m = _scheduled_minutes(d, e, date)
    days = d.tables["days"]
    out = pd.Series(np.nan, index=e.index)
    for cal, group in e.groupby("calendarID"):
        dm = days.loc[days["calendarID"] == cal].set_index("date")["minutes"]
        mins = dm.to_numpy()
        day_of = dm.reindex(date.loc[group.index]).to_numpy()
        mm = m[e.index.get_indexer(group.index)]
        mm = np.where(np.isnan(mm), day_of, mm)
        out.loc[group.index] = hours_per_year(mins, mm)
    return out


def derive(d: District) -> None:
    """Fill hours, mtSpringAbsent, the 10-day flag and fall_count.csv from the final data."""
    e = d.tables["enrollments"]
    meta = d.cal_meta.set_index("calendarID")
    ecd = e["calendarID"].map(meta["ecd"])
    fcd = e["calendarID"].map(meta["fcd"])
    spring_on = _on(e, ecd) & ~e["extracurricularOnly"]
    fall_on = _on(e, fcd) & ~e["extracurricularOnly"]
    e["mtSpringAggregateHours"] = _hours(d, e, "ecd").where(spring_on)
    e["mtFallAggregateHours"] = _hours(d, e, "fcd").where(fall_on)
    grads = (e["endStatus"] == "400") & (e["endDate"] >= d.year.fall) & (
        e["endDate"] < d.year.spring)
    e.loc[grads, "mtSpringAggregateHours"] = e.loc[grads, "mtFallAggregateHours"]
    streak = pd.Series(streak_at_count_date(d), index=d.pop["personID"].to_numpy())
    own = e["calendarID"].to_numpy() == e["personID"].map(
        d.pop.set_index("personID")["calendarID"]).to_numpy()
    absent = np.where(own, e["personID"].map(streak).fillna(0).to_numpy(), 0)
    e["mtSpringAbsent"] = pd.array(np.where(spring_on, absent, -1), dtype="Int64")
    e.loc[~spring_on, "mtSpringAbsent"] = pd.NA
    e["mtExcludeSpringANB"] = e["mtExcludeSpringANB"] | (spring_on & (absent >= 11))
    d.tables["enrollments"] = e
    _fall_count(d, e, fall_on)


def _fall_count(d: District, e: pd.DataFrame, fall_on: pd.Series) -> None:
    f = e.loc[fall_on]
    school = f["calendarID"].map(d.cal_meta.set_index("calendarID")["schoolID"]).map(
        d.tables["schools"].set_index("schoolID")["schoolNumber"])
    sid = d.tables["students"].set_index("personID")["stateID"]
    d.tables["fall_count"] = pd.DataFrame({
        "stateID": f["personID"].map(sid).to_numpy(), "schoolNumber": school.to_numpy(),
        "grade": f["grade"].to_numpy(),
        "fallAggregateHours": f["mtFallAggregateHours"].to_numpy(),
        "excluded": (f["mtExcludeANB"]).to_numpy(),
    })


def apply_overrides(d: District) -> None:
    """Apply the planted field values (enrollmentID, column, value) after :func:`derive`."""
    e = d.tables["enrollments"].set_index("enrollmentID")
    for enrollment_id, column, value in d.overrides:
        e.loc[enrollment_id, column] = value
    d.tables["enrollments"] = e.reset_index()

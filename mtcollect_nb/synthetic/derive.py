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


def _on_count_date(d: District, e: pd.DataFrame, at: str) -> pd.Series:
    """Enrollments counted on their calendar's count date ``at`` (``ecd`` or ``fcd``)."""
    date = e["calendarID"].map(d.cal_meta.set_index("calendarID")[at])
    return _on(e, date) & ~e["extracurricularOnly"]


def _absent(d: District, e: pd.DataFrame, on: pd.Series, at: str) -> np.ndarray:
    """The streak IC reports at the count date ``at``: the student's own calendar, else 0."""
    streak = pd.Series(streak_at_count_date(d, at), index=d.pop["personID"].to_numpy())
    own = e["calendarID"].to_numpy() == e["personID"].map(
        d.pop.set_index("personID")["calendarID"]).to_numpy()
    return np.where(own & on.to_numpy(), e["personID"].map(streak).fillna(0).to_numpy(), 0)


def derive(d: District) -> None:
    """Fill hours, the reported absences and the 10-day flags of both count dates.

    Each season's fields (mtSpring*/mtFall*) are those of the enrollments on its count date;
    fall_count.csv is written from the fall fields by :func:`fall_count` once the planted
    overrides are applied.
    """
    e = d.tables["enrollments"]
    spring_on = _on_count_date(d, e, "ecd")
    fall_on = _on_count_date(d, e, "fcd")
    e["mtSpringAggregateHours"] = _hours(d, e, "ecd").where(spring_on)
    e["mtFallAggregateHours"] = _hours(d, e, "fcd").where(fall_on)
    grads = (e["endStatus"] == "400") & (e["endDate"] >= d.year.fall) & (
        e["endDate"] < d.year.spring)
    e.loc[grads, "mtSpringAggregateHours"] = e.loc[grads, "mtFallAggregateHours"]
    for on, at, absent_col, flag in ((spring_on, "ecd", "mtSpringAbsent", "mtExcludeSpringANB"),
                                     (fall_on, "fcd", "mtFallAbsent", "mtExcludeFallANB")):
        absent = _absent(d, e, on, at)
        e[absent_col] = pd.array(absent, dtype="Int64")
        e.loc[~on, absent_col] = pd.NA
        e[flag] = e[flag].fillna(False).astype(bool) | (on & (absent >= 11))
    d.tables["enrollments"] = e


def fall_count(d: District) -> None:
    """fall_count.csv, the certified fall count: every enrollment on the fall count date.

    ``excluded``: marked mtExcludeANB or mtExcludeFallANB, as the district reported it (run
    after the planted overrides, so a planted fall flag is in the count).
    """
    e = d.tables["enrollments"]
    f = e.loc[_on_count_date(d, e, "fcd")]
    school = f["calendarID"].map(d.cal_meta.set_index("calendarID")["schoolID"]).map(
        d.tables["schools"].set_index("schoolID")["schoolNumber"])
    sid = d.tables["students"].set_index("personID")["stateID"]
    d.tables["fall_count"] = pd.DataFrame({
        "stateID": f["personID"].map(sid).to_numpy(), "schoolNumber": school.to_numpy(),
        "grade": f["grade"].to_numpy(),
        "fallAggregateHours": f["mtFallAggregateHours"].to_numpy(),
        "excluded": (f["mtExcludeANB"] | f["mtExcludeFallANB"]).to_numpy(),
    })


def apply_overrides(d: District) -> None:
    """Apply the planted field values (enrollmentID, column, value) after :func:`derive`."""
    e = d.tables["enrollments"].set_index("enrollmentID")
    for enrollment_id, column, value in d.overrides:
        e.loc[enrollment_id, column] = value
    d.tables["enrollments"] = e.reset_index()

"""Forecast edge plants: who a January run (``as_of`` a week before the count date) must list.

A forecast run on :data:`FORECAST_AS_OF` (Monday 2025-01-27; the demo's spring count date is
Monday 2025-02-03) lists an enrollment when its streak at ``as_of`` plus the instructional days
left reaches 11 (spec/rules.md "Before the count date"). ``L`` below is the days left in the
student's calendar (5 in a calendar whose count date is Feb 3, 6 where the count date is a PIR
day and the effective count date is Feb 4). Planted, each on its own student (:data:`EDGES`):

* ``exact``: a streak of exactly 11 - L: listed (it reaches 11 on the count date itself);
* ``one less``: 10 - L: not listed (one day short);
* ``half day``: 11 - L + 3 days absent but a half day (present half the day's minutes) three
  days before ``as_of``: the streak is 3, not listed (without the half day it would be);
* ``holiday``: 11 - L + 2 days spanning MLK Day (Jan 20, no school): listed (a day without
  instruction does not break a streak);
* ``ends``: 11 - L + 2 days, the enrollment (a student who withdraws) ending two instructional
  days after ``as_of``: not on the count date, not listed;
* ``over cap``: the partial enrollment at the high school of the student whose two
  enrollments pass 1.0 FTE (planted for ANB-08), absent 11 - L + 1 days there: listed, FTE at
  risk what excluding it would remove after the cap;
* ``at 11``: 12 days: listed (reaches11On blank); still counted if they come back.

The plants only rewrite attendance rows on or before ``as_of`` (and one withdrawal date) after
the rest is generated, and they draw from a generator of their own: every other student, every
planted case of the rules and every count of the normal (count date) run stay as they were.
Every planted student attends from ``as_of`` to the count date.

Example:
    >>> sorted(LISTED)
    ['at 11', 'exact', 'holiday', 'over cap']
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from mtcollect_nb.synthetic.model import District

#: The demo's forecast day: a week before the spring count date (Monday 2025-02-03).
FORECAST_AS_OF = dt.date(2025, 1, 27)
#: Edge -> what is planted (one sentence; trainers read it).
EDGES: dict[str, str] = {
    "exact": "streak of exactly 11 - days left at as_of: on the call list",
    "one less": "streak of 10 - days left: one day short, not on the call list",
    "half day": "absent 11 - days left + 3 days with a half day present 3 days before as_of: "
                "streak 3, not on the call list",
    "holiday": "streak of 11 - days left + 2 spanning MLK Day (no school): on the call list",
    "ends": "streak of 11 - days left + 2, enrollment ending before the count date: not on "
            "the call list",
    "over cap": "partial enrollment of the student over 1.0 FTE (ANB-08), streak of 11 - days "
                "left + 1 there: on the call list with what its exclusion removes after the cap",
    "at 11": "streak of 12 at as_of: on the call list (reaches 11 already), counted if they "
             "come back",
}
#: The edges that put the enrollment on the call list.
LISTED: frozenset[str] = frozenset({"exact", "holiday", "over cap", "at 11"})
_SINCE = pd.Timestamp("2025-01-06")  # after winter break: the rows rewritten start here


def plant_forecast(d: District, as_of: dt.date = FORECAST_AS_OF) -> dict[str, dict[str, int]]:
    """Plant :data:`EDGES` in ``d`` (after its attendance rows exist); record and return them.

    Returns (and stores in ``d.forecast_planted``) edge -> personID and enrollmentID. An edge
    the district cannot hold (no withdrawing student, no student over 1.0 FTE) is left out.
    """
    day = pd.Timestamp(as_of)
    rng = np.random.default_rng([21, int(d.number), d.n])
    chosen: dict[str, dict[str, int]] = {}
    free = _ordinary(d, day)
    for edge in ("exact", "one less", "half day", "holiday", "at 11"):
        if not len(free):
            break
        pid = int(free.pop(int(rng.integers(len(free)))))
        eid, cal = _enrollment(d, pid)
        left = _days_left(d, cal, day)
        n = {"exact": 11 - left, "one less": 10 - left, "half day": 11 - left + 3,
             "holiday": 11 - left + 2, "at 11": 12}[edge]
        _absent(d, pid, cal, day, n, half_at=3 if edge == "half day" else None)
        chosen[edge] = {"personID": pid, "enrollmentID": eid}
    ends = _withdrawing(d, day)
    if ends is not None:
        pid, eid, cal = ends
        e = d.tables["enrollments"]
        e.loc[e["enrollmentID"] == eid, "endDate"] = _inst_days(d, cal, day, after=True)[1]
        _absent(d, pid, cal, day, 11 - _days_left(d, cal, day) + 2)
        chosen["ends"] = {"personID": pid, "enrollmentID": eid}
    over = _partial(d)
    if over is not None:
        pid, eid, cal = over
        _absent(d, pid, cal, day, 11 - _days_left(d, cal, day) + 1)
        chosen["over cap"] = {"personID": pid, "enrollmentID": eid}
    d.forecast_planted = chosen
    return chosen


def _inst_days(d: District, cal: int, day: pd.Timestamp, after: bool = False) -> pd.Series:
    """The calendar's instructional days on or before ``day`` (or after it), in order."""
    days = d.tables["days"]
    inst = days.loc[(days["calendarID"] == cal) & days["instruction"], "date"]
    pick = inst > day if after else inst <= day
    return inst.loc[pick].sort_values().reset_index(drop=True)


def _days_left(d: District, cal: int, day: pd.Timestamp) -> int:
    """Instructional days after ``day`` up to and including the calendar's count date."""
    ecd = d.cal_meta.set_index("calendarID").at[cal, "ecd"]
    later = _inst_days(d, cal, day, after=True)
    return int((later <= ecd).sum())


def _planted_people(d: District) -> set[int]:
    return {p for keys in d.planted.values() for p in keys.get("personID", [])}


def _ordinary(d: District, day: pd.Timestamp) -> list[int]:
    """Plain K-12 students of one enrollment, in no planted case, attending from ``day``.

    Present (no code at all) on every day after ``day`` up to the count date, so their
    streak at the count date, and what the normal run counts, do not change.
    """
    p = d.pop
    ok = ((p["role"] == "plain") & ~p["nonresident"] & ~p["mtda"] & ~p["gifted"]
          & ~p["grade"].isin(["PK", "KG"]) & ~p["personID"].isin(_planted_people(d))
          & p["kind"].isin(["elem", "ms", "hs", "k8"]))
    e = d.tables["enrollments"]
    one = e["personID"].value_counts()
    ok &= p["personID"].map(one).eq(1).to_numpy()
    window = np.asarray((d.year.dates > day) & (d.year.dates <= d.year.spring
                                                + pd.Timedelta(days=1)))
    ok &= ~(d.att[:, window] > 0).any(axis=1)
    return [int(x) for x in p.loc[ok, "personID"]]


def _enrollment(d: District, pid: int) -> tuple[int, int]:
    e = d.tables["enrollments"]
    row = e.loc[e["personID"] == pid].iloc[-1]
    return int(row["enrollmentID"]), int(row["calendarID"])


def _withdrawing(d: District, day: pd.Timestamp) -> tuple[int, int, int] | None:
    """A withdrawn student of one enrollment ending between the fall and spring count dates.

    Moving its end to just after ``day`` changes neither count.
    """
    p = d.pop
    who = p.loc[(p["role"] == "withdrawn") & ~p["personID"].isin(_planted_people(d)),
                "personID"]
    e = d.tables["enrollments"]
    e = e.loc[e["personID"].isin(who)]
    e = e.loc[e.groupby("personID")["personID"].transform("size") == 1]
    e = e.loc[(e["endDate"] > d.year.fall) & (e["endDate"] < d.year.spring)]
    if e.empty:
        return None
    row = e.sort_values("endDate", kind="mergesort").iloc[-1]
    return int(row["personID"]), int(row["enrollmentID"]), int(row["calendarID"])


def _partial(d: District) -> tuple[int, int, int] | None:
    """The partial enrollment of the student planted for ANB-08 (1.25 FTE reported).

    Full time at their own school and 2 periods at the high school; only its attendance is
    touched, so ANB-08 finds what it found.
    """
    keys = d.planted.get("ANB-08", {})
    if not keys.get("enrollmentID"):
        return None
    eid = int(keys["enrollmentID"][0])
    e = d.tables["enrollments"]
    row = e.loc[e["enrollmentID"] == eid].iloc[0]
    return int(row["personID"]), eid, int(row["calendarID"])


def _absent(d: District, pid: int, cal: int, day: pd.Timestamp, n: int,
            half_at: int | None = None) -> None:
    """The last ``n`` instructional days on or before ``day`` absent all day.

    The day before them is present; ``half_at``: that many days before ``day``, a half day
    present instead. The student's rows in ``cal`` from :data:`_SINCE` to ``day`` are replaced.
    """
    inst = _inst_days(d, cal, day)
    days = inst.iloc[-n:]
    att = d.tables["attendance"]
    drop = ((att["personID"] == pid) & (att["calendarID"] == cal) & (att["date"] >= _SINCE)
            & (att["date"] <= day))
    minutes = d.tables["days"].set_index(["calendarID", "date"])["minutes"]
    present = np.zeros(len(days), dtype="int64")
    if half_at is not None:
        at = len(days) - 1 - half_at
        present[at] = int(minutes.loc[(cal, days.iloc[at])]) // 2
    rows = pd.DataFrame({"personID": pid, "calendarID": cal, "date": days.to_numpy(),
                         "presentMinutes": present, "status": "A",
                         "excuse": np.where(present > 0, "E", "U")})
    keep = att.loc[~drop.to_numpy()]
    at = int(np.searchsorted(keep["personID"].to_numpy(), pid, side="right"))
    d.tables["attendance"] = pd.concat(  # the student's rows stay together, the others as were
        [keep.iloc[:at], rows.astype(att.dtypes.to_dict()), keep.iloc[at:]], ignore_index=True)

"""Enrollments and the per-student side tables: programs, residency, ESA, gifted, 9th grade.

Dates follow each student's role (see :mod:`mtcollect_nb.synthetic.people`); nothing here is
planted, so an ordinary district passes the rules.

Example:
    >>> from mtcollect_nb.synthetic.model import District
    >>> from mtcollect_nb.synthetic.people import build_people
    >>> d = District.new(students=200, seed=2, number="0999", name="X")
    >>> build_people(d); build_enrollments(d)
    >>> len(d.tables["enrollments"]) >= 200
    True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mtcollect_nb.synthetic import names
from mtcollect_nb.synthetic.model import GRADE_OFFSETS, District, concat

NAT = pd.NaT
TRANSFER_OUT = "200"  # decision: end status of an ordinary withdrawal (codes not confirmed)
GRADE_CHANGE = "105"  # State End Status 105 = grade change (IC Montana enrollments tool)
GRADUATED = "400"
DECEMBER_END = pd.Timestamp("2024-12-20")
ESA_START = pd.Timestamp("2025-01-06")


def next_grade(grade: str) -> str:
    """The grade after ``grade``.

    Example:
        >>> next_grade("KG"), next_grade("09")
        ('01', '10')
    """
    order = list(GRADE_OFFSETS)
    return order[min(order.index(grade) + 1, len(order) - 1)]


def _rows(d: District) -> pd.DataFrame:
    p = d.pop
    y = d.year
    n = len(p)
    role = p["role"].to_numpy()
    start = np.full(n, y.first_day.to_datetime64())
    end = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    late = role == "late"
    start[late] = d.dates_between("2024-08-27", y.as_of, late.sum()).to_numpy()
    wd = role == "withdrawn"
    end[wd] = d.dates_between("2024-09-03", y.as_of - pd.Timedelta(days=1), wd.sum()).to_numpy()
    dec = np.isin(role, ("earlygrad", "esa"))
    end[dec] = DECEMBER_END.to_datetime64()
    end[role == "noshow"] = y.first_day.to_datetime64()
    e = pd.DataFrame({
        "personID": p["personID"], "calendarID": p["calendarID"], "grade": p["grade"],
        "serviceType": np.where(role == "extra", "S", "P"), "startDate": start,
        "startStatus": np.where(late, "2", "1"), "endDate": end,
        "endStatus": np.select([wd | (role == "esa"), role == "earlygrad"],
                               [TRANSFER_OUT, GRADUATED], ""),
        "noShow": role == "noshow", "extracurricularOnly": role == "extra",
        "earlyLiteracy": np.select([role == "home", p["grade"] == "PK"],
                                   ["HOME", "CLASSROOM"], ""),
        "residentDistrict": np.where(
            p["nonresident"],
            np.array(names.NEIGHBOR_DISTRICTS)[d.rng.integers(0, 6, n)], ""),
        "giftedLegacy": p["gifted"].to_numpy() & (d.rng.random(n) < 0.3),
        "specialEd": np.zeros(n, dtype=bool),  # planted where a case needs it (HB 168)
    })
    grad = role == "earlygrad"
    e["diplomaDate"] = pd.Series(
        np.where(grad, DECEMBER_END.to_datetime64(), np.datetime64("NaT")),
        dtype="datetime64[ns]")
    e["diplomaType"] = np.where(grad, "Standard", "")
    e["diplomaPeriod"] = np.where(grad, "Mid-Year", "")
    return e


def _split_grade_changes(d: District, e: pd.DataFrame) -> pd.DataFrame:
    """A grade change ends the enrollment on a school day; the next starts the next day."""
    gc = (d.pop["role"] == "gradechange").to_numpy()
    first = e.loc[gc].copy()
    change = d.dates_between("2024-10-15", "2025-01-31", int(gc.sum())).to_numpy()
    first["endDate"], first["endStatus"] = change, GRADE_CHANGE
    second = e.loc[gc].copy()
    second["startDate"] = change + np.timedelta64(1, "D")
    second["grade"] = second["grade"].map(next_grade)
    second["giftedLegacy"] = False
    return concat([e.loc[~gc], first, second])


def _partial_enrollments(d: District) -> pd.DataFrame:
    """Multi-enrolled 8th graders: a partial (S) enrollment at the first high school."""
    multi = d.pop.loc[d.pop["role"] == "multi"]
    hs = d.cal_meta.loc[d.cal_meta["kind"] == "hs", "calendarID"].iloc[0]
    nat = pd.Series(pd.NaT, index=multi.index, dtype="datetime64[ns]")
    return pd.DataFrame({
        "personID": multi["personID"], "calendarID": hs, "grade": multi["grade"],
        "serviceType": "S", "startDate": nat.fillna(d.year.first_day), "startStatus": "1",
        "endDate": nat, "endStatus": "", "noShow": False, "extracurricularOnly": False,
        "earlyLiteracy": "", "residentDistrict": "", "giftedLegacy": False, "specialEd": False,
        "diplomaDate": nat, "diplomaType": "", "diplomaPeriod": "",
    })


def finish_enrollments(e: pd.DataFrame) -> pd.DataFrame:
    """Sort, number (enrollmentID) and fill the flag and hours columns of enrollments."""
    e = e.sort_values(["personID", "startDate", "serviceType"], kind="mergesort")
    e = e.reset_index(drop=True)
    e.insert(0, "enrollmentID", np.arange(500001, 500001 + len(e)))
    for col in ("stateExclude", "mtExcludeSpringANB", "mtExcludeFallANB", "mtExcludeANB",
                "dayTreatment", "age19Or20Eligible"):
        if col not in e.columns:
            e[col] = False
    e["mtExcludeReason"] = e.get("mtExcludeReason", pd.Series("", index=e.index)).fillna("")
    for col in ("mtFallAggregateHours", "mtSpringAggregateHours"):
        e[col] = np.nan
    for col in ("mtSpringAbsent", "mtFallAbsent"):
        e[col] = pd.array([pd.NA] * len(e), dtype="Int64")
    for col in ("startDate", "endDate", "diplomaDate"):
        e[col] = pd.to_datetime(e[col]).astype("datetime64[ns]")
    return e


def _programs(d: District, e: pd.DataFrame) -> None:
    p, y = d.pop, d.year
    first = e.drop_duplicates("personID").set_index("personID")
    pk = p.loc[(p["grade"] == "PK") & ~p["role"].isin(["home", "noshow"]), "personID"]
    rows = [pd.DataFrame({"personID": pk, "program": "EL_CLASSROOM",
                          "startDate": first.loc[pk, "startDate"].to_numpy(), "endDate": NAT})]
    home = p.loc[p["role"] == "home", "personID"]
    rows.append(pd.DataFrame({"personID": home, "program": "EL_HOME",
                              "startDate": y.first_day, "endDate": NAT}))
    mtda = p.loc[p["mtda"], "personID"]
    rows.append(pd.DataFrame({"personID": mtda, "program": "MTDA",
                              "startDate": y.first_day, "endDate": NAT}))
    esa = p.loc[p["role"] == "esa", "personID"]
    rows.append(pd.DataFrame({"personID": esa, "program": "ESA", "startDate": ESA_START,
                              "endDate": NAT}))
    d.tables["programs"] = concat(rows)
    sid = d.tables["students"].set_index("personID")["stateID"]
    d.tables["esa_participants"] = pd.DataFrame({"stateID": sid.loc[esa].to_numpy(),
                                                 "startDate": ESA_START})


def _residency(d: District, e: pd.DataFrame) -> None:
    nr = e.loc[e["residentDistrict"] != ""].drop_duplicates("personID")
    current = pd.DataFrame({"personID": nr["personID"], "startDate": nr["startDate"],
                            "endDate": NAT, "residentDistrict": nr["residentDistrict"],
                            "comments": "Attendance agreement 2024-25"})
    prior = current.iloc[::2].copy()
    prior["startDate"] = pd.Timestamp("2023-08-28").as_unit("ns")
    prior["endDate"] = pd.Timestamp("2024-06-05").as_unit("ns")
    prior["comments"] = "Attendance agreement 2023-24"
    d.tables["district_residency"] = concat([prior, current]).sort_values(
        ["personID", "startDate"], kind="mergesort").reset_index(drop=True)


def _gifted(d: District) -> None:
    g = d.pop.loc[d.pop["gifted"], "personID"].to_numpy()
    ev = pd.Timestamp("2019-09-03") + pd.to_timedelta(d.rng.integers(0, 1700, len(g)), unit="D")
    ident = ev + pd.to_timedelta(d.rng.integers(14, 60, len(g)), unit="D")
    cur = pd.DataFrame({"personID": g, "evaluatedDate": ev, "identifiedDate": ident,
                        "endDate": NAT, "programStatus": "1"})
    old = cur.iloc[::10].copy()
    old["evaluatedDate"] = old["evaluatedDate"] - pd.Timedelta(days=730)
    old["identifiedDate"] = old["evaluatedDate"] + pd.Timedelta(days=21)
    old["endDate"] = old["evaluatedDate"] + pd.Timedelta(days=365)
    d.tables["gifted"] = concat([old, cur]).sort_values(
        ["personID", "evaluatedDate"], kind="mergesort").reset_index(drop=True)


def _graduation(d: District, e: pd.DataFrame) -> None:
    hs = e.loc[e["grade"].isin(["09", "10", "11", "12"])].drop_duplicates("personID")
    years = 2024 - (hs["grade"].map(GRADE_OFFSETS) - 9)
    d.tables["graduation"] = pd.DataFrame({
        "personID": hs["personID"].to_numpy(),
        "dateFirstEntered9": pd.to_datetime(years.astype(str) + "-08-26").to_numpy(),
    })


def build_enrollments(d: District) -> None:
    """Fill enrollments, programs, esa_participants, district_residency, gifted, graduation."""
    e = _split_grade_changes(d, _rows(d))
    partial = _partial_enrollments(d)
    if len(partial):
        e = pd.concat([e, partial], ignore_index=True)
    e = finish_enrollments(e)
    d.tables["enrollments"] = e
    _programs(d, e)
    _residency(d, e)
    _gifted(d)
    _graduation(d, e)

"""The CTE sheet: one row per section of a CTE course of the season, with roster counts, credits.

``creditEquivalent`` = minutesPerDay x instructional days of the section's calendar in
[termStartDate, termEndDate] / 8,100 (one credit = 225 minutes a week for 36 weeks,
ARM 10.55.906), rounded to 2 decimals; blank where minutesPerDay is blank. The roster counts
and the teacher of record are defined in :mod:`mtcollect_nb.compute.sections`.

Example:
    >>> from mtcollect_nb.testing import make_analysis
    >>> list(cte_sections(make_analysis()).columns) == list(CTE_COLUMNS[:-1])
    True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mtcollect_nb.columns import CTE_COLUMNS
from mtcollect_nb.compute.frames import Frames
from mtcollect_nb.compute.sections import (
    count_date_sections,
    instructional_days_between,
    roster_counts,
    teachers_of_record,
)

#: Minutes in one credit: 225 minutes a week for 36 weeks (ARM 10.55.906).
MINUTES_PER_CREDIT = 225 * 36
_SHEET = list(CTE_COLUMNS)
_NO_FINDINGS = _SHEET[:-1]


def credit_equivalent(minutes_per_day: pd.Series, days: pd.Series) -> pd.Series:
    """Credits: minutesPerDay x instructional days / 8,100, rounded to 2 decimals (NaN if blank).

    Example:
        >>> credit_equivalent(pd.Series([50, None], dtype="Int64"), pd.Series([162, 90])).tolist()
        [1.0, nan]
    """
    minutes = pd.to_numeric(minutes_per_day).astype("float64")
    return (minutes * days.astype("float64") / MINUTES_PER_CREDIT).round(2)


def join_per_key(keys: pd.Series, text: pd.Series, sep: str) -> pd.Series:
    """``text`` joined by ``sep`` per key, in row order: ``groupby(keys).agg(sep.join)``.

    Vectorized: one pass per position within a key (a section has one or two teachers), not
    one Python call per key. The result is indexed by the sorted distinct keys.

    Example:
        >>> join_per_key(pd.Series([2, 1, 2]), pd.Series(["a", "b", "c"]), "; ").to_dict()
        {1: 'b', 2: 'a; c'}
    """
    codes, uniques = pd.factorize(keys, sort=True)
    order = np.argsort(codes, kind="stable")
    codes, values = codes[order], text.to_numpy(dtype=object)[order]
    count = np.bincount(codes, minlength=len(uniques))
    rank = np.arange(len(codes)) - np.repeat(np.cumsum(count) - count, count)
    out = np.full(len(uniques), "", dtype=object)
    for k in range(int(count.max(initial=0))):
        at = rank == k
        out[codes[at]] = values[at] if k == 0 else out[codes[at]] + sep + values[at]
    return pd.Series(out, index=pd.Index(uniques, name=keys.name), name=text.name)


def _counts(a: Frames, counts: pd.Series) -> pd.Series:
    """Roster counts (Int64); blank for every section when rosters.csv was not provided."""
    if not a.has("rosters"):
        return pd.Series(pd.NA, index=counts.index, dtype="Int64")
    return counts.fillna(0).astype("Int64")


def cte_notes(a: Frames) -> list[str]:
    """What the CTE sheet could not fill and why (one line each, for the Summary sheet).

    Example:
        >>> from mtcollect_nb.testing import make_analysis
        >>> cte_notes(make_analysis())[0]
        'CTE sheet empty: courses.csv, sections.csv not provided'
    """
    missing = [f"{t}.csv" for t in ("courses", "sections") if not a.has(t)]
    if missing:
        return [f"CTE sheet empty: {', '.join(missing)} not provided"]
    notes = []
    if not a.has("section_staff"):
        notes.append("CTE sheet: teacherOfRecord blank: section_staff.csv not provided")
    if not a.has("rosters"):
        notes.append("CTE sheet: rosterCountWindow and rosterCountOnCountDate blank: "
                     "rosters.csv not provided")
    return notes


def cte_sections(a: Frames) -> pd.DataFrame:
    """The CTE sheet without ``findings``: one row per section of a CTE course on the count date.

    Filled from what exists: without section_staff.csv the teacher is blank, without
    rosters.csv the roster counts are blank (:func:`cte_notes` says so on the Summary).

    Example:
        >>> from mtcollect_nb.testing import make_analysis
        >>> cte_sections(make_analysis()).empty
        True
    """
    sp = count_date_sections(a)
    s = sp.loc[sp["cte"]].merge(roster_counts(a), on="sectionID", how="left")
    teachers = teachers_of_record(a)
    teachers = teachers.loc[teachers["sectionID"].isin(s["sectionID"])]
    label = join_per_key(teachers["sectionID"], teachers["teacherLabel"], "; ")
    days = instructional_days_between(a, s["calendarID"], s["termStartDate"], s["termEndDate"])
    out = pd.DataFrame({
        "schoolNumber": s["schoolNumber"].fillna("").astype(object),
        "courseNumber": s["courseNumber"].fillna("").astype(object),
        "courseName": s["courseName"].fillna("").astype(object),
        "sectionID": s["sectionID"].astype("int64"),
        "scedSubjectArea": s["scedSubjectArea"].fillna("").astype(object),
        "scedCourseID": s["scedCourseID"].fillna("").astype(object),
        "ctePathways": s["ctePathways"].fillna("").astype(object),
        "teacherOfRecord": s["sectionID"].map(label).fillna("").astype(object),
        "minutesPerDay": pd.array(s["minutesPerDay"], dtype="Int64"),
        "creditEquivalent": credit_equivalent(s["minutesPerDay"], days),
        "rosterCountWindow": _counts(a, s["rosterCountWindow"]),
        "rosterCountOnCountDate": _counts(a, s["rosterCountOnCountDate"]),
        "workBasedLearning": s["workBasedLearning"].astype(bool),
        "wblPartner": s["wblPartner"].fillna("").astype(object),
    })
    out = out.sort_values(["schoolNumber", "courseNumber", "sectionID"], kind="mergesort")
    return out[_NO_FINDINGS].reset_index(drop=True)

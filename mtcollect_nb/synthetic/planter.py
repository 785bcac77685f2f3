"""The machinery of planted cases: the case registry and helpers that pick and edit students.

A case is a function ``fn(p: Planter) -> bool`` registered with :func:`case` under a rule id
(or a ``near:`` id for a near-miss that must *not* produce a finding). It edits the district
through the helpers and records the keys it touched; it returns False when the district is
too small to hold it (the case is then skipped, and not listed in ``District.plan``).

Example:
    >>> sorted(PHASES)
    ['enroll', 'schedule']
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import pandas as pd

from mtcollect_nb.synthetic.model import District

PHASES = ("enroll", "schedule")


@dataclass(frozen=True)
class Case:
    """One planted case: rule id, phase, one-sentence description, and the planting function."""

    rule: str
    phase: str
    description: str
    fn: Callable[[Planter], bool]


CASES: list[Case] = []


def case(rule: str, phase: str, description: str) -> Callable[[Callable[[Planter], bool]],
                                                               Callable[[Planter], bool]]:
    """Register a planted case (see the module docstring)."""
    def deco(fn: Callable[[Planter], bool]) -> Callable[[Planter], bool]:
        CASES.append(Case(rule, phase, description, fn))
        return fn
    return deco


class Planter:
    """Helpers over one district while a case is planted; records the keys per rule."""

    def __init__(self, d: District) -> None:
        self.d = d
        self.used: set[int] = set()
        self.rule = ""

    # ---- picking --------------------------------------------------------------------------
    def pick(self, grades: tuple[str, ...] | None = None, kinds: tuple[str, ...] | None = None,
             role: str = "plain", among: Iterable[int] | None = None) -> int | None:
        """A random unused student of ``role`` (ordinary: no special flags) or None.

        ``among`` limits the choice to those personIDs.
        """
        p = self.d.pop
        m = (p["role"] == role) & ~p["nonresident"] & ~p["mtda"] & ~p["gifted"]
        m &= ~p["personID"].isin(self.used)
        if among is not None:
            m &= p["personID"].isin(list(among))
        if grades is not None:
            m &= p["grade"].isin(grades)
        if kinds is not None:
            m &= p["kind"].isin(kinds)
        found = self.d.take(m.to_numpy(), 1)
        if len(found) == 0:
            return None
        pid = int(p["personID"].iloc[found[0]])
        self.used.add(pid)
        self.note(personID=pid)
        return pid

    def note(self, **keys: int) -> None:
        """Record keys (personID, sectionID, courseID, enrollmentID) of the current case."""
        slot = self.d.planted.setdefault(self.rule, {})
        for k, v in keys.items():
            slot.setdefault(k, []).append(int(v))

    def calendar(self, kind: str) -> int | None:
        """The first calendarID of ``kind`` (hs, ms, pk, home, elem, k8) or None."""
        c = self.d.cal_meta.loc[self.d.cal_meta["kind"] == kind, "calendarID"]
        return int(c.iloc[0]) if len(c) else None

    # ---- enrollments ------------------------------------------------------------------------
    @property
    def enrollments(self) -> pd.DataFrame:
        """The enrollments table (edited in place)."""
        return self.d.tables["enrollments"]

    def enr(self, pid: int) -> int:
        """Row label of ``pid``'s latest enrollment."""
        e = self.enrollments
        return int(e.index[e["personID"] == pid][-1])

    def enrollment_id(self, pid: int) -> int:
        """The enrollmentID of ``pid``'s latest enrollment."""
        return int(self.enrollments.loc[self.enr(pid), "enrollmentID"])

    def set(self, pid: int, **values: object) -> None:
        """Set fields of ``pid``'s latest enrollment now (before hours are derived)."""
        row = self.enr(pid)
        for col, v in values.items():
            self.enrollments.loc[row, col] = v

    def override(self, pid: int, **values: object) -> None:
        """Set fields of ``pid``'s latest enrollment after the derived fields are filled."""
        eid = self.enrollment_id(pid)
        self.d.overrides.extend((eid, col, v) for col, v in values.items())

    def add_enrollment(self, pid: int, **values: object) -> int:
        """Append a copy of ``pid``'s latest enrollment with ``values``; returns its id."""
        e = self.enrollments
        row = e.loc[[self.enr(pid)]].copy()
        row["enrollmentID"] = int(e["enrollmentID"].max()) + 1
        for col, v in values.items():
            row[col] = v
        self.d.tables["enrollments"] = pd.concat([e, row], ignore_index=True)
        return int(row["enrollmentID"].iloc[0])

    def student(self, pid: int, **values: object) -> None:
        """Set fields of ``pid``'s students.csv row."""
        s = self.d.tables["students"]
        row = s.index[s["personID"] == pid][0]
        for col, v in values.items():
            s.loc[row, col] = v

    def append(self, table: str, **values: object) -> None:
        """Append one row to ``table``."""
        t = self.d.tables[table]
        row = pd.DataFrame([values])
        row = row.astype({c: t.dtypes[c] for c in row.columns if c in t.columns})
        self.d.tables[table] = pd.concat([t, row], ignore_index=True)

    def drop(self, table: str, mask: pd.Series) -> None:
        """Remove the rows of ``table`` where ``mask`` is true."""
        t = self.d.tables[table]
        self.d.tables[table] = t.loc[~mask.to_numpy()].reset_index(drop=True)

    # ---- sections ---------------------------------------------------------------------------
    def spring_sections(self, kind: str = "hs", cte: bool | None = None,
                        min_roster: int = 1) -> pd.DataFrame:
        """Spring sections of the first ``kind`` calendar with at least ``min_roster`` students."""
        d = self.d
        sec = d.tables["sections"]
        crs = d.tables["courses"].set_index("courseID")
        cal = self.calendar(kind)
        counts = d.tables["rosters"]["sectionID"].value_counts()
        ok = ((sec["term"] == 1) & (sec["courseID"].map(crs["calendarID"]) == cal)
              & (sec["sectionID"].map(counts).fillna(0) >= min_roster)
              & ~sec["sectionID"].isin(self.used_sections()))
        if cte is not None:
            ok &= sec["courseID"].map(crs["cte"]) == cte
        return sec.loc[ok]

    def used_sections(self) -> list[int]:
        """Sections already touched by a planted case."""
        return [s for keys in self.d.planted.values() for s in keys.get("sectionID", [])]

    def new_section(self, like: pd.Series) -> int:
        """A new spring section of ``like``'s course with the same teacher and no roster."""
        d = self.d
        sid = int(d.tables["sections"]["sectionID"].max()) + 1
        row = like.copy()
        row["sectionID"], row["number"] = sid, f"{like['period']}-9S2"
        self.d.tables["sections"] = pd.concat([d.tables["sections"], row.to_frame().T],
                                              ignore_index=True)
        self.append("section_staff", sectionID=sid, personID=int(like["teacherID"]), role="01",
                    startDate=like["termStartDate"], endDate=pd.NaT)
        return sid


def fix_dtypes(d: District) -> None:
    """Restore dtypes that row appends may have widened to object."""
    sec = d.tables.get("sections", pd.DataFrame({"minutesPerDay": [], "termStartDate": [],
                                                  "termEndDate": []}))
    for col in ("sectionID", "courseID", "term", "period", "part", "teacherID", "calendarID"):
        if col in sec.columns:
            sec[col] = pd.to_numeric(sec[col]).astype("int64")
    sec["minutesPerDay"] = pd.array(sec["minutesPerDay"], dtype="Int64")
    for col in ("termStartDate", "termEndDate"):
        sec[col] = pd.to_datetime(sec[col]).astype("datetime64[ns]")
    for name, cols in (("rosters", ("startDate", "endDate")),
                       ("section_staff", ("startDate", "endDate")),
                       ("programs", ("startDate", "endDate")),
                       ("district_residency", ("startDate", "endDate")),
                       ("gifted", ("evaluatedDate", "identifiedDate", "endDate")),
                       ("esa_participants", ("startDate",))):
        t = d.tables.get(name)
        if t is not None:
            for col in cols:
                t[col] = pd.to_datetime(t[col]).astype("datetime64[ns]")
    e = d.tables["enrollments"]
    for col in ("startDate", "endDate", "diplomaDate"):
        e[col] = pd.to_datetime(e[col]).astype("datetime64[ns]")
    d.tables["enrollments"] = e.sort_values(["personID", "startDate", "enrollmentID"],
                                            kind="mergesort").reset_index(drop=True)

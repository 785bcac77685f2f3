"""Planted Spring Teacher-Class and CTE cases (TCH-01..04, CTE-01..04)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from mtcollect_nb.synthetic.planter import Planter, case

ELEM = ("elem", "k8")
NAT = pd.NaT


def _one(p: Planter, sections: pd.DataFrame, exclude_courses: tuple[int, ...] = (),
         note: bool = True) -> pd.Series | None:
    """A random section of ``sections`` (not of ``exclude_courses``); notes its keys."""
    sections = sections.loc[~sections["courseID"].isin(exclude_courses)]
    pos = p.d.take(np.ones(len(sections), dtype=bool), 1)
    if len(pos) == 0:
        return None
    row = sections.iloc[pos[0]]
    if note:
        p.note(sectionID=int(row["sectionID"]), courseID=int(row["courseID"]))
    return row


def _course(p: Planter, course_id: int, **values: object) -> None:
    c = p.d.tables["courses"]
    for col, v in values.items():
        c.loc[c["courseID"] == course_id, col] = v


def _courses_of(p: Planter, rule: str) -> tuple[int, ...]:
    return tuple(p.d.planted.get(rule, {}).get("courseID", []))


def _change_teacher(p: Planter, section_id: int, leaves: str, arrives: str) -> None:
    """The teacher of record leaves on ``leaves``; another teacher arrives on ``arrives``."""
    ss = p.d.tables["section_staff"]
    mine = ss["sectionID"] == section_id
    teacher = int(ss.loc[mine & (ss["role"] == "01"), "personID"].iloc[0])
    p.drop("section_staff", mine & (ss["role"] != "01"))
    ss = p.d.tables["section_staff"]
    ss.loc[ss["sectionID"] == section_id, "endDate"] = pd.Timestamp(leaves)
    others = np.unique(ss.loc[ss["personID"] != teacher, "personID"])
    successor = int(others[p.d.rng.integers(0, len(others))])
    p.append("section_staff", sectionID=section_id, personID=successor, role="01",
             startDate=pd.Timestamp(arrives), endDate=NAT)


@case("TCH-01", "schedule", "Active course with a rostered spring section and a blank SCED "
      "course identifier.")
def _tch01(p: Planter) -> bool:
    sec = p.spring_sections(cte=False)
    study = sec.loc[sec["key"] == "STD"]
    row = _one(p, study if len(study) else sec)
    if row is None:
        return False
    _course(p, int(row["courseID"]), scedCourseID="")
    return True


@case("TCH-02", "schedule", "Spring section whose teacher left Jan 31 and whose new teacher "
      "starts Feb 10: no teacher of record on the count date.")
def _tch02(p: Planter) -> bool:
    row = _one(p, p.spring_sections(cte=False), _courses_of(p, "TCH-01"))
    if row is None:
        return False
    _change_teacher(p, int(row["sectionID"]), "2025-01-31", "2025-02-10")
    return True


@case("near:TCH-02", "schedule", "Spring section whose teacher left Jan 31 and whose successor "
      "started Mon Feb 3 (the count date): covered, no finding.")
def _near_tch02(p: Planter) -> bool:
    row = _one(p, p.spring_sections(cte=False), _courses_of(p, "TCH-01"))
    if row is None:
        return False
    _change_teacher(p, int(row["sectionID"]), "2025-01-31", "2025-02-03")
    return True


@case("TCH-03", "schedule", "Elementary student rostered into a high-school spring section "
      "without any high-school enrollment.")
def _tch03(p: Planter) -> bool:
    pid = p.pick(None, ELEM)
    row = _one(p, p.spring_sections(), _courses_of(p, "TCH-01"))
    if pid is None or row is None:
        return False
    p.append("rosters", sectionID=int(row["sectionID"]), personID=pid,
             startDate=pd.Timestamp("2025-01-21"), endDate=NAT)
    return True


@case("TCH-04", "schedule", "Active spring section (with a teacher) that has no students.")
def _tch04(p: Planter) -> bool:
    row = _one(p, p.spring_sections(cte=False), _courses_of(p, "TCH-01"), note=False)
    if row is None:
        return False
    p.note(sectionID=p.new_section(row), courseID=int(row["courseID"]))
    return True


@case("CTE-01", "schedule", "CTE course with a spring section and no CTE pathway.")
def _cte01(p: Planter) -> bool:
    sec = p.spring_sections(cte=True)
    sec = sec.loc[~sec["key"].isin(["INT", "APP"])]
    row = _one(p, sec)
    if row is None:
        return False
    _course(p, int(row["courseID"]), ctePathways="")
    return True


@case("CTE-02", "schedule", "Work-based-learning course with a spring section and no partner.")
def _cte02(p: Planter) -> bool:
    sec = p.spring_sections(cte=True)
    wbl = sec.loc[sec["key"].isin(["INT", "APP"])]
    row = _one(p, wbl, note=False)
    if row is None:  # small high school: nobody chose one; place a senior in an internship
        c = p.d.tables["courses"]
        course = c.loc[(c["key"] == "INT") & (c["calendarID"] == p.calendar("hs")), "courseID"]
        template = _one(p, sec if len(sec) else p.spring_sections(), note=False)
        pid = p.pick(("11", "12"), ("hs",))
        if template is None or pid is None or course.empty:
            return False
        row = template.copy()
        row["courseID"], row["key"] = int(course.iloc[0]), "INT"
        sid = p.new_section(row)
        p.append("rosters", sectionID=sid, personID=pid, startDate=pd.Timestamp("2025-01-21"),
                 endDate=NAT)
        row["sectionID"] = sid
    p.note(sectionID=int(row["sectionID"]), courseID=int(row["courseID"]))
    _course(p, int(row["courseID"]), wblPartner="")
    return True


@case("CTE-03", "schedule", "Spring section of a CTE course with blank minutes per day.")
def _cte03(p: Planter) -> bool:
    row = _one(p, p.spring_sections(cte=True), _courses_of(p, "CTE-01"))
    if row is None:
        return False
    sec = p.d.tables["sections"]
    sec.loc[sec["sectionID"] == row["sectionID"], "minutesPerDay"] = pd.NA
    return True


@case("CTE-04", "schedule", "CTE spring section with nobody on its roster between the fall "
      "and spring count dates (also an empty section, TCH-04).")
def _cte04(p: Planter) -> bool:
    row = _one(p, p.spring_sections(cte=True), _courses_of(p, "CTE-01"), note=False)
    if row is None:
        return False
    p.note(sectionID=p.new_section(row), courseID=int(row["courseID"]))
    return True

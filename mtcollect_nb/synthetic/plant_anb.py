"""Planted Spring ANB cases (ANB-01..14, ANB-23, ANB-24) and their near-misses.

Each function plants one case on an ordinary student; the decorator's sentence is what the
trainer reads (``PLANTED`` in :mod:`mtcollect_nb.synthetic.plant`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mtcollect_nb.synthetic.attendance import EXCUSED, EXEMPT, UNEXCUSED, set_streak
from mtcollect_nb.synthetic.planter import Planter, case

HS = ("hs",)
ELEM = ("elem", "k8")
UPPER = ("10", "11")
NAT = pd.NaT


def _streak(p: Planter, pid: int, n: int) -> None:
    """``n`` whole-day absences ending on the count date, excused and unexcused mixed."""
    set_streak(p.d, pid, n, UNEXCUSED)
    i = int(pd.Index(p.d.pop["personID"]).get_loc(pid))
    days = np.flatnonzero(p.d.att[i] == UNEXCUSED)
    p.d.att[i, days[-n:][::3]] = EXCUSED


@case("ANB-01", "schedule", "11 consecutive whole-day absences (excused and unexcused, over "
      "the MLK holiday) end on the count date, but mtExcludeSpringANB is not checked.")
def _anb01(p: Planter) -> bool:
    pid = p.pick(UPPER, HS)
    if pid is None:
        return False
    _streak(p, pid, 11)
    p.override(pid, mtExcludeSpringANB=False)
    return True


@case("ANB-01", "schedule", "12-day absence streak that spans a mid-year grade change (enrollment "
      "ended Fri Jan 24, the next started Sat Jan 25) and is not marked excluded.")
def _anb01_grade_change(p: Planter) -> bool:
    pid = p.pick(("10",), HS)
    if pid is None:
        return False
    p.set(pid, endDate=pd.Timestamp("2025-01-24"), endStatus="105")
    eid = p.add_enrollment(pid, startDate=pd.Timestamp("2025-01-25"), endDate=NAT,
                           endStatus="", grade="11")
    p.note(enrollmentID=eid)
    _streak(p, pid, 12)
    p.override(pid, mtExcludeSpringANB=False)
    return True


@case("near:ANB-01", "schedule", "Exactly 10 consecutive absences end on the count date: not "
      "excluded, no finding.")
def _near_ten(p: Planter) -> bool:
    pid = p.pick(UPPER, HS)
    if pid is None:
        return False
    _streak(p, pid, 10)
    return True


@case("near:ANB-01", "schedule", "12 absences before the count date, but one in the middle is "
      "exempt (X): the streak is 4, no finding.")
def _near_exempt(p: Planter) -> bool:
    pid = p.pick(UPPER, HS)
    if pid is None:
        return False
    dates = set_streak(p.d, pid, 12, UNEXCUSED)
    i = int(pd.Index(p.d.pop["personID"]).get_loc(pid))
    p.d.att[i, p.d.year.index(dates[-5])] = EXEMPT
    return True


@case("near:ANB-01", "schedule", "13-day streak, correctly marked mtExcludeSpringANB (IC "
      "flag set): no finding.")
def _near_marked(p: Planter) -> bool:
    pid = p.pick(("06", "07", "08", "09"), None)
    if pid is None:
        return False
    _streak(p, pid, 13)
    return True


@case("ANB-02", "schedule", "Marked mtExcludeSpringANB although the student was absent only "
      "the last 6 days before the count date.")
def _anb02(p: Planter) -> bool:
    pid = p.pick(None, ELEM)
    if pid is None:
        return False
    _streak(p, pid, 6)
    p.override(pid, mtExcludeSpringANB=True)
    return True


@case("ANB-03", "schedule", "mtSpringAbsent reported as 14 while the computed streak at the "
      "count date is 2.")
def _anb03(p: Planter) -> bool:
    pid = p.pick(None, ELEM)
    if pid is None:
        return False
    _streak(p, pid, 2)
    p.override(pid, mtSpringAbsent=14)
    return True


@case("ANB-04", "enroll", "Kindergartner born 2019-11-14 (five after Sept 10, 2024) counted, "
      "not marked mtExcludeANB.")
def _anb04(p: Planter) -> bool:
    pid = p.pick(("KG",))
    if pid is None:
        return False
    p.student(pid, birthdate=pd.Timestamp("2019-11-14"))
    return True


@case("near:ANB-04", "enroll", "Kindergartner born 2019-09-10 (turns five on the cut-off "
      "date): eligible, no finding; and one born 2019-10-02 correctly marked mtExcludeANB.")
def _near_k(p: Planter) -> bool:
    a, b = p.pick(("KG",)), p.pick(("KG",))
    if a is None or b is None:
        return False
    p.student(a, birthdate=pd.Timestamp("2019-09-10"))
    p.student(b, birthdate=pd.Timestamp("2019-10-02"))
    p.set(b, mtExcludeANB=True, mtExcludeReason="Kindergarten under 5")
    return True


@case("ANB-05", "enroll", "Student in a private day-treatment program (dayTreatment) counted, "
      "not marked mtExcludeANB.")
def _anb05(p: Planter) -> bool:
    pid, ok = p.pick(None, ELEM), p.pick(None, ELEM)
    if pid is None or ok is None:
        return False
    p.set(pid, dayTreatment=True)
    p.set(ok, dayTreatment=True, mtExcludeANB=True, mtExcludeReason="Day treatment")
    return True


@case("ANB-06", "enroll", "Counted enrollment with blank mtSpringAggregateHours.")
def _anb06(p: Planter) -> bool:
    pid = p.pick(None, ELEM)
    if pid is None:
        return False
    p.override(pid, mtSpringAggregateHours=np.nan)
    return True


@case("ANB-07", "enroll", "Full-time high-school student reported with 540 hours (band 0.75) "
      "while the 7-period schedule computes over 1,000 hours (band 1.0).")
def _anb07(p: Planter) -> bool:
    pid, near = p.pick(UPPER, HS), p.pick(UPPER, HS)
    if pid is None or near is None:
        return False
    p.override(pid, mtSpringAggregateHours=540.0)
    p.override(near, mtSpringAggregateHours=1000.0)  # near-miss: same band, no finding
    return True


@case("ANB-08", "enroll", "8th grader counted full time at their own school and also enrolled "
      "(S, 2 periods at the high school): reported FTE 1.25.")
def _anb08(p: Planter) -> bool:
    pid, hs = p.pick(("08",), ("ms", "k8")), p.calendar("hs")
    if pid is None or hs is None:
        return False
    eid = p.add_enrollment(pid, calendarID=hs, serviceType="S")
    p.note(enrollmentID=eid)
    return True


@case("ANB-09", "enroll", "Non-resident student (residentDistrict 0342) without a "
      "district_residency record.")
def _anb09(p: Planter) -> bool:
    pid = p.pick(None, ELEM)
    if pid is None:
        return False
    p.set(pid, residentDistrict="0342")
    return True


@case("ANB-10", "enroll", "Two district_residency records of one student overlap (0217 from "
      "Aug 26 with no end, 0455 from Jan 6).")
def _anb10(p: Planter) -> bool:
    pid = p.pick(None, ELEM)
    if pid is None:
        return False
    p.set(pid, residentDistrict="0217")
    for start, dist in (("2024-08-26", "0217"), ("2025-01-06", "0455")):
        p.append("district_residency", personID=pid, startDate=pd.Timestamp(start),
                 endDate=NAT, residentDistrict=dist, comments="Attendance agreement")
    return True


@case("ANB-11", "enroll", "Student who left in December is on the state's ESA participant "
      "list but has no ESA program record.")
def _anb11(p: Planter) -> bool:
    pid = p.pick(None, ELEM)
    if pid is None:
        return False
    p.set(pid, endDate=pd.Timestamp("2024-12-20"), endStatus="200")
    sid = p.d.tables["students"].set_index("personID").loc[pid, "stateID"]
    p.append("esa_participants", stateID=sid, startDate=pd.Timestamp("2025-01-06"))
    return True


@case("ANB-12", "enroll", "ESA program record covers the count date while the student is "
      "still counted in an enrollment.")
def _anb12(p: Planter) -> bool:
    pid = p.pick(None, ELEM)
    if pid is None:
        return False
    p.append("programs", personID=pid, program="ESA", startDate=pd.Timestamp("2025-01-06"),
             endDate=NAT)
    sid = p.d.tables["students"].set_index("personID").loc[pid, "stateID"]
    p.append("esa_participants", stateID=sid, startDate=pd.Timestamp("2025-01-06"))
    return True


@case("ANB-13", "enroll", "PK classroom student with an EL_HOME program record but no "
      "enrollment marked earlyLiteracy HOME.")
def _anb13(p: Planter) -> bool:
    pid = p.pick(("PK",))
    if pid is None:
        return False
    p.append("programs", personID=pid, program="EL_HOME", startDate=pd.Timestamp("2025-01-06"),
             endDate=NAT)
    return True


@case("ANB-14", "enroll", "Home-based early literacy enrollment (earlyLiteracy HOME) placed in "
      "the PK classroom calendar.")
def _anb14(p: Planter) -> bool:
    pid = p.pick(("PK",))
    if pid is None:
        return False
    p.set(pid, earlyLiteracy="HOME")
    progs = p.d.tables["programs"]
    progs.loc[progs["personID"] == pid, "program"] = "EL_HOME"
    return True


def _unaccredited_calendar(p: Planter, like: int) -> int:
    """A new school that is not accredited, with a copy of calendar ``like``; its calendarID."""
    d = p.d
    schools, cals = d.tables["schools"], d.tables["calendars"]
    school_id = int(schools["schoolID"].max()) + 1
    taken = set(schools["schoolNumber"])
    number = next(f"{n:04d}" for n in range(9990, 0, -1) if f"{n:04d}" not in taken)
    p.append("schools", schoolID=school_id, districtNumber=d.number, schoolNumber=number,
             name="Sunrise Learning Center", accredited=False)
    cal_id = int(cals["calendarID"].max()) + 1
    row = cals.loc[cals["calendarID"] == like].assign(
        calendarID=cal_id, schoolID=school_id, name="24-25 Sunrise Learning Center")
    d.tables["calendars"] = pd.concat([cals, row], ignore_index=True)
    days = d.tables["days"]  # the calendar x date grid order of cal_meta is kept
    d.tables["days"] = pd.concat([days, days.loc[days["calendarID"] == like].assign(
        calendarID=cal_id)], ignore_index=True)
    meta = d.cal_meta.loc[d.cal_meta["calendarID"] == like].assign(
        calendarID=cal_id, schoolID=school_id, kind="unaccredited")
    d.cal_meta = pd.concat([d.cal_meta, meta], ignore_index=True)
    return cal_id


@case("ANB-23", "enroll", "Second grader enrolled in the Sunrise Learning Center, a school "
      "whose accredited flag is false: counted in the reported count, 0 validated.")
def _anb23(p: Planter) -> bool:
    pid = p.pick(("02", "03", "04"), ELEM)
    if pid is None:
        return False
    pop = p.d.pop
    i = pop.index[pop["personID"] == pid][0]
    cal = _unaccredited_calendar(p, int(pop.loc[i, "calendarID"]))
    pop.loc[i, "calendarID"] = cal
    e = p.enrollments
    e.loc[e["personID"] == pid, "calendarID"] = cal
    return True


@case("ANB-24", "enroll", "PK child receiving special education (specialEd) marked Exclude "
      "ANB, as districts did before HB 168: a finding in a 2025-26 run (from endYear 2026), "
      "none in the 2024-25 demo run.")
def _anb24(p: Planter) -> bool:
    pid = p.pick(("PK",))
    if pid is None:
        return False
    p.set(pid, specialEd=True)
    p.override(pid, mtExcludeANB=True, mtExcludeReason="PK special education")
    return True


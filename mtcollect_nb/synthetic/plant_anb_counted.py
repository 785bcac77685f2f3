"""Planted cases of ANB-15..22: who is counted, and on which hours.

Students whose place in the spring count needs a second look: no class on the count date or
extracurricular-only hours (ANB-15, 16), early graduates (ANB-17..19), age 19 or 20 (ANB-20),
PK early literacy (ANB-21) and students who left for Youth Challenge (ANB-22). Registered after
:mod:`.plant_anb` and before :mod:`.plant_reminders` (planting order draws the students).
"""

from __future__ import annotations

import pandas as pd

from mtcollect_nb.synthetic.planter import Planter, case

HS = ("hs",)
ELEM = ("elem", "k8")
NAT = pd.NaT
DEC20 = pd.Timestamp("2024-12-20")


@case("ANB-15", "schedule", "High-school student with no class on the count date (all spring "
      "classes dropped) reported with 120 hours; also an ANB-07 band mismatch.")
def _anb15(p: Planter) -> bool:
    r = p.d.tables["rosters"]
    sec = p.d.tables["sections"].set_index("sectionID")
    spring = r["sectionID"].map(sec["term"]) == 1
    counts = r.loc[spring, "sectionID"].value_counts()
    smallest = r.loc[spring].assign(n=r.loc[spring, "sectionID"].map(counts)).groupby(
        "personID")["n"].min()
    pid = p.pick(("10", "11", "12"), HS, among=smallest.index[smallest >= 2])
    if pid is None:
        return False
    p.drop("rosters", (r["personID"] == pid) & spring)
    p.override(pid, mtSpringAggregateHours=120.0)
    return True


@case("ANB-16", "enroll", "Extracurricular-only participant reported with full-year hours "
      "(1,150), as if attending classes.")
def _anb16(p: Planter) -> bool:
    pid = p.pick(None, HS, role="extra")
    if pid is None:
        return False
    p.override(pid, mtSpringAggregateHours=1150.0)
    return True


def _early_grad(p: Planter, pid: int, end: pd.Timestamp = DEC20, **kw: object) -> None:
    values: dict[str, object] = {"endDate": end, "endStatus": "400", "diplomaDate": end,
                                 "diplomaType": "Standard", "diplomaPeriod": "Mid-Year"}
    values.update(kw)
    p.set(pid, **values)


@case("ANB-17", "enroll", "Early graduate (grade 12 on the fall count, ended Dec 20 with "
      "status 400) missing the diploma type.")
def _anb17(p: Planter) -> bool:
    pid, ok = p.pick(("12",), HS), p.pick(("12",), HS)
    if pid is None or ok is None:
        return False
    _early_grad(p, pid, diplomaType="")
    _early_grad(p, ok)  # near-miss: complete early graduate, no finding
    return True


@case("ANB-18", "enroll", "Early graduate whose spring aggregate hours (1,080) differ from the "
      "fall count hours.")
def _anb18(p: Planter) -> bool:
    pid = p.pick(("12",), HS)
    if pid is None:
        return False
    _early_grad(p, pid)
    p.override(pid, mtSpringAggregateHours=1080.0)
    return True


@case("ANB-19", "enroll", "Junior who graduated early on Jan 17 (status 400) but was counted "
      "in grade 11, not 12, on the fall count.")
def _anb19(p: Planter) -> bool:
    pid = p.pick(("11",), HS)
    if pid is None:
        return False
    _early_grad(p, pid, end=pd.Timestamp("2025-01-17"))
    return True


@case("ANB-20", "enroll", "Senior born 2005-03-15 (19 on Sept 10, 2024) counted without "
      "age19Or20Eligible.")
def _anb20(p: Planter) -> bool:
    pid, ok = p.pick(("12",), HS), p.pick(("12",), HS)
    if pid is None or ok is None:
        return False
    p.student(pid, birthdate=pd.Timestamp("2005-03-15"))
    p.student(ok, birthdate=pd.Timestamp("2005-05-01"))
    p.set(ok, age19Or20Eligible=True)  # near-miss: eligible, no finding
    return True


def _pk_without_classroom(p: Planter, **enrollment: object) -> bool:
    """A PK student whose EL_CLASSROOM record is dropped (and ``enrollment`` fields set)."""
    pid = p.pick(("PK",))
    if pid is None:
        return False
    if enrollment:
        p.set(pid, **enrollment)
    progs = p.d.tables["programs"]
    p.drop("programs", (progs["personID"] == pid) & (progs["program"] == "EL_CLASSROOM"))
    return True


@case("ANB-21", "enroll", "PK student counted without an EL_CLASSROOM program record.")
def _anb21(p: Planter) -> bool:
    return _pk_without_classroom(p)


@case("ANB-21", "enroll", "PK child receiving special education (specialEd) counted without an "
      "EL_CLASSROOM record: ANB-21 in the 2024-25 demo run; none from 2025-26 (HB 168).")
def _anb21_special_ed(p: Planter) -> bool:
    return _pk_without_classroom(p, specialEd=True)


@case("ANB-22", "enroll", "Student who left on Jan 10 for Montana Youth Challenge (MYC program "
      "from Jan 13) has no enrollment on the count date.")
def _anb22(p: Planter) -> bool:
    pid = p.pick(("10", "11"), HS)
    if pid is None:
        return False
    p.set(pid, endDate=pd.Timestamp("2025-01-10"), endStatus="200")
    p.append("programs", personID=pid, program="MYC", startDate=pd.Timestamp("2025-01-13"),
             endDate=NAT)
    return True

"""Planted cases of the bulletin's other reminders: 9th-grade date, photo, gifted (GRD, PHO, GFT).

Registered after :mod:`.plant_anb_counted` (planting order draws the students).
"""

from __future__ import annotations

import pandas as pd

from mtcollect_nb.synthetic.planter import Planter, case

HS = ("hs",)
ELEM = ("elem", "k8")
NAT = pd.NaT


@case("GRD-01", "enroll", "10th grader with no Date First Entered 9th Grade.")
def _grd01(p: Planter) -> bool:
    pid = p.pick(("10",), HS)
    if pid is None:
        return False
    g = p.d.tables["graduation"]
    p.drop("graduation", g["personID"] == pid)
    return True


@case("GRD-02", "enroll", "Date First Entered 9th Grade typed as 2025-08-26 (after the count "
      "date) for a 9th grader, and as 2017-08-28 (before the 12th birthday) for an 11th grader.")
def _grd02(p: Planter) -> bool:
    a, b = p.pick(("09",), HS), p.pick(("11",), HS)
    if a is None or b is None:
        return False
    g = p.d.tables["graduation"]
    g.loc[g["personID"] == a, "dateFirstEntered9"] = pd.Timestamp("2025-08-26")
    g.loc[g["personID"] == b, "dateFirstEntered9"] = pd.Timestamp("2017-08-28")
    return True


@case("PHO-01", "enroll", "Enrolled student with a blank photo opt-in.")
def _pho01(p: Planter) -> bool:
    pid = p.pick(None, ELEM)
    if pid is None:
        return False
    p.student(pid, photoOptIn="", photoUploaded=False)
    return True


@case("PHO-02", "enroll", "Photo opt-in 'Opt In' but no photo uploaded.")
def _pho02(p: Planter) -> bool:
    pid = p.pick(None, ELEM)
    if pid is None:
        return False
    p.student(pid, photoOptIn="Opt In", photoUploaded=False)
    return True


def _gifted(p: Planter, pid: int, evaluated: object, identified: object) -> None:
    p.append("gifted", personID=pid, evaluatedDate=pd.Timestamp(evaluated) if evaluated else NAT,
             identifiedDate=pd.Timestamp(identified) if identified else NAT, endDate=NAT,
             programStatus="1")


@case("GFT-01", "enroll", "Gifted record without an evaluated date, and one evaluated "
      "2025-03-01 (after the spring count date).")
def _gft01(p: Planter) -> bool:
    a, b = p.pick(("03", "04", "05")), p.pick(("03", "04", "05"))
    if a is None or b is None:
        return False
    _gifted(p, a, None, "2023-10-02")
    _gifted(p, b, "2025-03-01", None)
    return True


@case("GFT-02", "enroll", "Gifted record identified 2023-10-15, before its evaluation on "
      "2023-11-01.")
def _gft02(p: Planter) -> bool:
    pid = p.pick(("04", "05", "06", "07"))
    if pid is None:
        return False
    _gifted(p, pid, "2023-11-01", "2023-10-15")
    return True


@case("GFT-03", "enroll", "Deprecated enrollment-tab gifted flag (giftedLegacy) set, no gifted "
      "program record.")
def _gft03(p: Planter) -> bool:
    pid = p.pick(("03", "04", "05", "06"))
    if pid is None:
        return False
    p.set(pid, giftedLegacy=True)
    return True


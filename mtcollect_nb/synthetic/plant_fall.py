"""Planted Fall ANB cases: the fall fields (mtFallAbsent, mtExcludeFallANB) at the fall count date.

A fall run of the demo (``collection_season: fall``) finds these; a spring run never reads the
fall fields. The cases draw their students from a generator of their own (spawned from the
district's, which it does not advance), after every spring case and near-miss is planted, so
the spring demo picks the same students as before; their absences are in October, far from
the spring count date. :data:`FALL_PLANTED` says in one sentence what was planted per rule.

Example:
    >>> sorted(FALL_PLANTED)
    ['ANB-01', 'ANB-02', 'ANB-03']
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from mtcollect_nb.synthetic.attendance import EXCUSED, UNEXCUSED, set_streak
from mtcollect_nb.synthetic.model import District
from mtcollect_nb.synthetic.planter import Planter

_ELEM, _HS = ("elem", "k8"), ("hs",)
_CASES: list[tuple[str, str, Callable[[Planter], bool]]] = []


def _case(rule: str, description: str) -> Callable[[Callable[[Planter], bool]],
                                                    Callable[[Planter], bool]]:
    def deco(fn: Callable[[Planter], bool]) -> Callable[[Planter], bool]:
        _CASES.append((rule, description, fn))
        return fn
    return deco


def _fall_streak(p: Planter, pid: int, n: int) -> None:
    """``n`` whole-day absences ending on the fall count date, excused and unexcused mixed."""
    dates = set_streak(p.d, pid, n, UNEXCUSED, at="fcd")
    i = int(pd.Index(p.d.pop["personID"]).get_loc(pid))
    for day in dates[::3]:
        p.d.att[i, p.d.year.index(day)] = EXCUSED


@_case("ANB-01", "11 consecutive whole-day absences end on the fall count date, but "
       "mtExcludeFallANB is not checked.")
def _fall_anb01(p: Planter) -> bool:
    pid = p.pick(None, _HS)
    if pid is None:
        return False
    _fall_streak(p, pid, 11)
    p.override(pid, mtExcludeFallANB=False)
    return True


@_case("near:ANB-01", "12-day streak at the fall count date, correctly marked "
       "mtExcludeFallANB: no finding.")
def _fall_near_marked(p: Planter) -> bool:
    pid = p.pick(None, _ELEM)
    if pid is None:
        return False
    _fall_streak(p, pid, 12)
    return True


@_case("ANB-02", "Marked mtExcludeFallANB although the student was absent only the last 4 "
       "days before the fall count date.")
def _fall_anb02(p: Planter) -> bool:
    pid = p.pick(None, _ELEM)
    if pid is None:
        return False
    _fall_streak(p, pid, 4)
    p.override(pid, mtExcludeFallANB=True)
    return True


@_case("ANB-03", "mtFallAbsent reported as 12 while the computed streak at the fall count "
       "date is 1.")
def _fall_anb03(p: Planter) -> bool:
    pid = p.pick(None, _HS)
    if pid is None:
        return False
    _fall_streak(p, pid, 1)
    p.override(pid, mtFallAbsent=12)
    return True


def _descriptions() -> dict[str, str]:
    out: dict[str, list[str]] = {}
    for rule, description, _ in _CASES:
        if not rule.startswith("near:"):
            out.setdefault(rule, []).append(description)
    return {k: " Also: ".join(v) for k, v in sorted(out.items())}


#: rule id -> what is planted for the fall run (the spring cases are :data:`.plant.PLANTED`).
FALL_PLANTED: dict[str, str] = _descriptions()


def plant_fall(d: District) -> None:
    """Plant the fall cases (after the spring ones, before the fields are derived).

    Keys go to ``d.fall_planted`` (rule id or ``near:`` id -> keys), not ``d.planted``: the
    spring planting, the data-quality rows and their random draws stay as they were.
    """
    spring, keep = d.planted, d.rng
    d.planted, d.rng = {}, d.rng.spawn(1)[0]
    try:
        p = Planter(d)
        p.used = {pid for keys in spring.values() for pid in keys.get("personID", [])}
        for rule, _, fn in _CASES:
            p.rule = rule
            fn(p)
        d.fall_planted = d.planted
    finally:
        d.planted, d.rng = spring, keep

"""Schools, calendars, days and students of a synthetic district, and each student's role.

A student's ``role`` in ``District.pop`` says which ordinary situation they are in: ``plain``
(enrolled all year), ``late`` (entered after the first day), ``withdrawn``, ``gradechange``
(grade changed mid-year), ``parttime`` (3-4 periods), ``multi`` (primary enrollment plus a
partial enrollment at the high school), ``extra`` (extracurricular only), ``noshow``,
``earlygrad`` (graduated in December), ``esa`` (left for an Education Savings Account) and
``home`` (home-based early literacy).

Example:
    >>> from mtcollect_nb.synthetic.model import District
    >>> d = District.new(students=60, seed=1, number="0999", name="X")
    >>> build_people(d)
    >>> len(d.tables["students"]), sorted(d.cal_meta["kind"].unique())
    (60, ['hs', 'k8'])
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mtcollect_nb.synthetic import names
from mtcollect_nb.synthetic.calendar import PIR_DAY, PIR_DAY_ON_COUNT_DATE
from mtcollect_nb.synthetic.model import GRADE_OFFSETS, District

_KIND_GRADES = {
    "k8": ("PK", "KG", "01", "02", "03", "04", "05", "06", "07", "08"),
    "elem": ("PK", "KG", "01", "02", "03", "04", "05"),
    "ms": ("06", "07", "08"),
    "hs": ("09", "10", "11", "12"),
}
_DAY_MINUTES = {"k8": 360, "elem": 360, "ms": 375, "hs": 390, "pk": 150, "home": 150}
_GRADE_WEIGHT = {"PK": 0.35, **{g: 1.0 for g in GRADE_OFFSETS if g != "PK"},
                 "09": 0.97, "10": 0.94, "11": 0.9, "12": 0.86}


def grade_counts(n: int, has_pk: bool) -> dict[str, int]:
    """Students per grade summing to ``n`` (largest-remainder rounding; no randomness).

    Example:
        >>> sum(grade_counts(600, True).values()), grade_counts(600, False)["PK"]
        (600, 0)
    """
    w = np.array([_GRADE_WEIGHT[g] if (g != "PK" or has_pk) else 0.0 for g in GRADE_OFFSETS])
    raw = n * w / w.sum()
    counts = np.floor(raw).astype(int)
    counts[np.argsort(-(raw - counts), kind="stable")[: n - counts.sum()]] += 1
    return dict(zip(GRADE_OFFSETS, counts.tolist(), strict=True))


def _school_plan(d: District, counts: dict[str, int]) -> list[tuple[str, str]]:
    """(kind, name) of each school, sized like a Montana district of ``d.n`` students."""
    town = d.name.split(" Public")[0].split(" Elementary")[0].split(" K-12")[0]
    if d.n < 300:
        return [("k8", f"{town} School"), ("hs", f"{town} High School")]
    k5 = sum(counts[g] for g in _KIND_GRADES["elem"])
    n_elem = max(1, round(k5 / 380))
    n_ms = max(1, round(sum(counts[g] for g in _KIND_GRADES["ms"]) / 800))
    n_hs = max(1, round(sum(counts[g] for g in _KIND_GRADES["hs"]) / 1500))
    stems = [names.SCHOOL_STEMS[i % len(names.SCHOOL_STEMS)]
             + ("" if i < len(names.SCHOOL_STEMS) else f" {i // len(names.SCHOOL_STEMS) + 1}")
             for i in range(n_elem)]
    plan = [("elem", f"{s} Elementary") for s in stems]
    plan += [("ms", f"{town} Middle School" + (f" {i + 1}" if n_ms > 1 else ""))
             for i in range(n_ms)]
    plan += [("hs", f"{town} High School" + (f" {i + 1}" if n_hs > 1 else ""))
             for i in range(n_hs)]
    return plan


def _build_schools(d: District, counts: dict[str, int], has_pk: bool) -> None:
    plan = _school_plan(d, counts)
    numbers = np.sort(d.rng.choice(np.arange(100, 9999), len(plan), replace=False))
    schools = pd.DataFrame({
        "schoolID": np.arange(1, len(plan) + 1), "districtNumber": d.number,
        "schoolNumber": [f"{x:04d}" for x in numbers], "name": [p[1] for p in plan],
        "accredited": True,
    })
    rows = []
    for sid, (kind, _name) in enumerate(plan, start=1):
        rows.append((kind, sid, "Main"))
        if has_pk and sid == 1:
            rows += [("pk", sid, "PK"), ("home", sid, "Home Early Literacy")]
    meta = pd.DataFrame(rows, columns=["kind", "schoolID", "label"])
    meta["calendarID"] = np.arange(11, 11 + len(meta))
    meta["dayMinutes"] = meta["kind"].map(_DAY_MINUTES)
    # The first middle school holds its PIR day on the spring count date: its effective
    # count date is the next school day (rules.md "or the next school day").
    first_ms = meta.index[meta["kind"] == "ms"][:1]
    meta["pirDay"] = PIR_DAY
    meta.loc[first_ms, "pirDay"] = PIR_DAY_ON_COUNT_DATE
    meta["wholeDay"] = pd.array(np.where(meta["kind"] == "hs", 300, -1), dtype="Int64")
    meta.loc[meta["wholeDay"] < 0, "wholeDay"] = pd.NA
    meta["ecd"] = [d.year.effective(d.year.spring, p) for p in meta["pirDay"]]
    meta["fcd"] = [d.year.effective(d.year.fall, p) for p in meta["pirDay"]]
    d.cal_meta = meta
    school_names = schools.set_index("schoolID")["name"]
    d.tables["schools"] = schools
    d.tables["calendars"] = pd.DataFrame({
        "calendarID": meta["calendarID"], "schoolID": meta["schoolID"],
        "name": "24-25 " + meta["schoolID"].map(school_names)
        + np.where(meta["label"] == "Main", "", " " + meta["label"]),
        "endYear": 2025, "startDate": d.year.first_day, "endDate": d.year.last_day,
        "stateExclude": False, "summerSchool": False, "wholeDayAbsence": meta["wholeDay"],
    })
    d.tables["days"] = pd.concat(
        [d.year.days_frame(c, m, p) for c, m, p in
         zip(meta["calendarID"], meta["dayMinutes"], meta["pirDay"], strict=True)],
        ignore_index=True)


def _assign_calendars(d: District, grades: np.ndarray) -> np.ndarray:
    meta = d.cal_meta
    cal = np.zeros(len(grades), dtype="int64")
    for g in GRADE_OFFSETS:
        idx = np.flatnonzero(grades == g)
        if g == "PK":
            options = meta.loc[meta["kind"] == "pk", "calendarID"].to_numpy()
        else:
            kinds = [k for k, gs in _KIND_GRADES.items() if g in gs]
            options = meta.loc[meta["kind"].isin(kinds), "calendarID"].to_numpy()
        if len(idx):
            cal[idx] = options[d.rng.integers(0, len(options), len(idx))]
    return cal


def _birthdates(d: District, grades: np.ndarray) -> np.ndarray:
    """Born in the year that makes the grade age-appropriate on Sept 10; ~3% retained once."""
    offset = np.array([GRADE_OFFSETS[g] for g in grades])
    retained = (d.rng.random(len(grades)) < 0.03) & (offset >= 1) & (offset <= 10)
    years = offset + retained
    start = pd.Timestamp("2018-09-11").to_numpy()
    base = start - (years * 365.25).astype("int64").astype("timedelta64[D]")
    return base + d.rng.integers(0, 365, len(grades)).astype("timedelta64[D]")


def _roles(d: District, grades: np.ndarray, kinds: np.ndarray) -> np.ndarray:
    """Exclusive ordinary roles (see the module docstring) drawn at realistic rates."""
    n = len(grades)
    role = np.full(n, "plain", dtype=object)
    hs = kinds == "hs"
    k12 = grades != "PK"

    def pick(mask: np.ndarray, k: int, name: str) -> None:
        role[d.take(mask & (role == "plain"), k)] = name

    pick(hs & np.isin(grades, ("09", "10", "11")), round(0.015 * hs.sum()), "gradechange")
    pick(hs, max(1, round(0.01 * hs.sum())), "parttime")
    pick((kinds == "ms") & (grades == "08"), round(0.03 * (grades == "08").sum()), "multi")
    pick(hs, max(1, round(0.005 * hs.sum())), "extra")
    pick(hs & (grades == "12"), max(1, round(0.01 * (grades == "12").sum())), "earlygrad")
    pick(np.isin(grades, ("01", "02", "03", "04", "05", "06")), max(1, n // 400), "esa")
    pick(k12, max(1, round(0.003 * n)), "noshow")
    pick(grades == "PK", 1, "home")
    pick(k12, round(0.03 * n), "late")
    pick(k12, round(0.03 * n), "withdrawn")
    return role


def build_people(d: District) -> None:
    """Fill schools, calendars, days, students and ``d.pop`` (grade, calendar, role, flags)."""
    has_pk = d.n >= 150
    counts = grade_counts(d.n, has_pk)
    _build_schools(d, counts, has_pk)
    grades = np.repeat(np.array(list(counts)), list(counts.values()))
    grades = grades[d.rng.permutation(d.n)]
    cal = _assign_calendars(d, grades)
    meta = d.cal_meta.set_index("calendarID")
    kinds = meta.loc[cal, "kind"].to_numpy()
    role = _roles(d, grades, kinds)
    home_cal = meta.index[meta["kind"] == "home"]
    if len(home_cal):
        cal[role == "home"] = home_cal[0]
    pid = np.arange(100001, 100001 + d.n)
    state = int(d.number) * 100000 + d.rng.permutation(100000)[: d.n]
    photo_in = d.rng.random(d.n) < 0.75
    d.tables["students"] = pd.DataFrame({
        "personID": pid, "stateID": [f"{x:09d}" for x in state],
        "studentNumber": [str(x) for x in 24001 + np.arange(d.n)],
        "lastName": np.array(names.LAST_NAMES)[d.rng.integers(0, len(names.LAST_NAMES), d.n)],
        "firstName": np.array(names.FIRST_NAMES)[d.rng.integers(0, len(names.FIRST_NAMES), d.n)],
        "birthdate": _birthdates(d, grades),
        "gender": np.where(d.rng.random(d.n) < 0.5, "F", "M"),
        "photoOptIn": np.where(photo_in, "Opt In", "Opt Out"), "photoUploaded": photo_in,
    })
    periods = np.where(np.isin(kinds, ("ms", "hs")), 7, 0)
    periods[role == "parttime"] = d.rng.integers(3, 5, (role == "parttime").sum())
    periods[role == "multi"] = 4
    periods[np.isin(role, ("extra", "noshow"))] = 0
    d.pop = pd.DataFrame({
        "personID": pid, "grade": grades, "calendarID": cal, "kind": kinds, "role": role,
        "periods": periods,
        "nonresident": (d.rng.random(d.n) < 0.02) & np.isin(role, ("plain", "late")),
        "mtda": (d.rng.random(d.n) < 0.01) & (kinds == "hs") & (role == "plain"),
        "gifted": (d.rng.random(d.n) < 0.03) & np.isin(role, ("plain", "late", "gradechange"))
        & ~np.isin(grades, ("PK", "KG", "01")),
    })

"""Secondary schedules: courses, 7-period semester sections, teachers and rosters.

Each middle/high school calendar gets the catalog of :mod:`.names`. A student takes the
five core courses of their grade plus two electives per semester (part-time students the
first 3-4 courses); students of a grade move in cohorts of at most 28, the cohort fixing the
period of each course, so a section is one (course, period, cohort slice).

Example:
    >>> from mtcollect_nb.synthetic.model import District, concat
    >>> from mtcollect_nb.synthetic.people import build_people
    >>> from mtcollect_nb.synthetic.enroll import build_enrollments
    >>> d = District.new(students=120, seed=1, number="0999", name="X")
    >>> build_people(d); build_enrollments(d); build_schedule(d)
    >>> int(d.tables["sections"]["minutesPerDay"].iloc[0])
    50
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mtcollect_nb.synthetic import names
from mtcollect_nb.synthetic.model import District, concat

PERIODS = 7
PERIOD_MINUTES = 50
CLASS_SIZE = 28
SECTIONS_PER_TEACHER = 6
TEACHER = "01"  # decision: state Teacher Role of the teacher of record (00..12 all count)
CO_TEACHER = "03"


def _catalog(kind: str) -> tuple[names.CourseSpec, ...]:
    return names.HIGH_CATALOG if kind == "hs" else names.MIDDLE_CATALOG


def build_courses(d: District) -> None:
    """One course per catalog entry per secondary calendar, plus a retired course (inactive)."""
    rows = []
    for cal, kind in d.cal_meta.loc[d.cal_meta["kind"].isin(["ms", "hs"]),
                                    ["calendarID", "kind"]].itertuples(index=False):
        for i, c in enumerate(_catalog(kind)):
            partner = names.WBL_PARTNERS[i % len(names.WBL_PARTNERS)] if c.wbl else ""
            rows.append({"calendarID": cal, "key": c.key, "number": f"{1000 + 10 * i}",
                         "name": c.name, "active": True, "stateExclude": False,
                         "scedSubjectArea": c.sced_area, "scedCourseID": c.sced_course,
                         "scedCourseLevel": c.level, "cte": c.cte, "ctePathways": c.pathways,
                         "workBasedLearning": c.wbl, "wblPartner": partner, "dept": c.dept})
        rows.append({"calendarID": cal, "key": "OLD", "number": "9990",
                     "name": "Keyboarding (retired)", "active": False, "stateExclude": False,
                     "scedSubjectArea": "", "scedCourseID": "", "scedCourseLevel": "",
                     "cte": False, "ctePathways": "", "workBasedLearning": False,
                     "wblPartner": "", "dept": "CTE"})
    c = pd.DataFrame(rows)
    c.insert(0, "courseID", np.arange(3001, 3001 + len(c)))
    d.tables["courses"] = c


def _electives(d: District, n: int, kind: str, grades: np.ndarray) -> np.ndarray:
    """Two distinct elective keys per student (Gumbel top-2; work-based learning for 11-12)."""
    el = [c for c in _catalog(kind) if not c.grades]
    keys = np.array([c.key for c in el])
    w = np.array([0.0 if c.key in names.WBL_KEYS else 1.0 for c in el])
    weights = np.tile(w, (n, 1))
    upper = np.isin(grades, ("11", "12"))
    weights[np.ix_(upper, np.isin(keys, names.WBL_KEYS))] = 0.08
    with np.errstate(divide="ignore"):
        score = np.log(weights) - np.log(-np.log(d.rng.random(weights.shape)))
    return keys[np.argsort(-score, axis=1)[:, :2]]


def _requests(d: District) -> pd.DataFrame:
    """(personID, calendarID, term, courseKey, period) for every scheduled student and term."""
    out = []
    pop = d.pop.loc[d.pop["periods"] > 0]
    for cal, kind in d.cal_meta.loc[d.cal_meta["kind"].isin(["ms", "hs"]),
                                    ["calendarID", "kind"]].itertuples(index=False):
        s = pop.loc[pop["calendarID"] == cal]
        if s.empty:
            continue
        grades = s["grade"].to_numpy()
        ugrades, inverse = np.unique(grades, return_inverse=True)
        core = np.array([[c.key for c in _catalog(kind) if g in c.grades] for g in ugrades])
        cohort = s.groupby("grade").cumcount().to_numpy() // CLASS_SIZE
        gnum = pd.to_numeric(s["grade"]).to_numpy()
        for term in (0, 1):
            el = _electives(d, len(s), kind, grades)
            courses = core[inverse]
            courses = np.concatenate([courses, el], axis=1)
            slot = np.arange(PERIODS)[None, :]
            period = (slot + cohort[:, None] + gnum[:, None]) % PERIODS + 1
            keep = slot < s["periods"].to_numpy()[:, None]
            out.append(pd.DataFrame({
                "personID": np.repeat(s["personID"].to_numpy(), PERIODS)[keep.ravel()],
                "calendarID": cal, "term": term, "key": courses.ravel()[keep.ravel()],
                "period": period.ravel()[keep.ravel()]}))
    # Partial (S) enrollments at a high school other than the student's own calendar:
    # two classes there (dual-enrolled 8th graders).
    e = d.tables["enrollments"]
    own = e["personID"].map(d.pop.set_index("personID")["calendarID"])
    hs = d.cal_meta.loc[d.cal_meta["kind"] == "hs", "calendarID"]
    s_enr = e.loc[(e["serviceType"] == "S") & ~e["extracurricularOnly"]
                  & (e["calendarID"] != own) & e["calendarID"].isin(hs)]
    for term in (0, 1):
        for key, period in (("MTH09", 6), ("SPN1", 7)):
            out.append(pd.DataFrame({"personID": s_enr["personID"].to_numpy(),
                                     "calendarID": s_enr["calendarID"].to_numpy(),
                                     "term": term, "key": key, "period": period}))
    return concat(out)


def _spans(d: District) -> pd.DataFrame:
    """Per (personID, calendarID): first start and last end (NaT = open) of the enrollments."""
    e = d.tables["enrollments"]
    e = e.loc[~e["noShow"] & ~e["extracurricularOnly"]]
    keys = [e["personID"], e["calendarID"]]
    span = e["startDate"].groupby(keys).min().to_frame("spanStart")
    span["spanEnd"] = e["endDate"].groupby(keys).max().where(
        ~e["endDate"].isna().groupby(keys).any())
    return span.reset_index()


def _teachers(d: District, sec: pd.DataFrame) -> pd.DataFrame:
    """Assign teachers per (calendar, department): sections of one period go to different ones."""
    sec = sec.sort_values(["calendarID", "dept", "term", "period", "key", "part"],
                          kind="mergesort").reset_index(drop=True)
    rank = sec.groupby(["calendarID", "dept", "term"]).cumcount()
    size = sec.groupby(["calendarID", "dept", "term"])["key"].transform("size")
    need = np.ceil(size / SECTIONS_PER_TEACHER).astype(int)
    n_teach = need.groupby([sec["calendarID"], sec["dept"]]).transform("max")
    slot = rank % n_teach
    team = sec[["calendarID", "dept"]].assign(n=n_teach).drop_duplicates(["calendarID", "dept"])
    base = team["n"].cumsum() - team["n"]
    offset = sec.merge(team.assign(base=base.to_numpy()), on=["calendarID", "dept"],
                       how="left")["base"]
    sec["teacherID"] = 900001 + offset.to_numpy() + slot.to_numpy()
    return sec


def build_schedule(d: District) -> None:
    """Fill courses, sections, staff, section_staff and rosters."""
    build_courses(d)
    y = d.year
    terms = np.array([t for t, _ in y.terms], dtype="datetime64[ns]")
    ends = np.array([t for _, t in y.terms], dtype="datetime64[ns]")
    # A request becomes a roster row where the term overlaps the student's enrollment span.
    req = _requests(d).merge(_spans(d), on=["personID", "calendarID"])
    t_start, t_end = terms[req["term"]], ends[req["term"]]
    req["startDate"] = np.maximum(t_start, req["spanStart"].to_numpy())
    end = pd.Series(t_end, index=req.index)
    req["endDate"] = end.where(req["spanEnd"].isna() | (req["spanEnd"] > end), req["spanEnd"])
    req = req.loc[(req["startDate"] <= req["endDate"]) & (req["startDate"] <= y.as_of)]
    req = req.reset_index(drop=True)
    req["rank"] = req.groupby(["calendarID", "term", "key", "period"]).cumcount()
    req["part"] = req["rank"] // CLASS_SIZE
    courses = d.tables["courses"]
    sec = req.drop_duplicates(["calendarID", "term", "key", "period", "part"]).merge(
        courses[["calendarID", "key", "courseID", "dept"]], on=["calendarID", "key"])
    sec = _teachers(d, sec[["calendarID", "term", "key", "period", "part", "courseID", "dept"]])
    sec["sectionID"] = np.arange(40001, 40001 + len(sec))
    sec["number"] = sec["period"].astype(str) + "-" + (sec["part"] + 1).astype(str) + np.where(
        sec["term"] == 0, "S1", "S2")
    sec["termStartDate"], sec["termEndDate"] = terms[sec["term"]], ends[sec["term"]]
    sec["minutesPerDay"] = pd.array([PERIOD_MINUTES] * len(sec), dtype="Int64")
    d.tables["sections"] = sec
    r = req.merge(sec[["calendarID", "term", "key", "period", "part", "sectionID"]],
                  on=["calendarID", "term", "key", "period", "part"])
    d.tables["rosters"] = pd.DataFrame({
        "sectionID": r["sectionID"], "personID": r["personID"], "startDate": r["startDate"],
        "endDate": r["endDate"].where(r["endDate"] < y.as_of),  # current classes: no end yet
    }).sort_values(["sectionID", "personID"]).reset_index(drop=True)
    _staff(d, sec)


def _staff(d: District, sec: pd.DataFrame) -> None:
    teach = np.unique(sec["teacherID"])
    elem = d.pop["kind"].isin(["elem", "k8"]).sum() // 22 + 1
    ids = np.concatenate([teach, teach.max(initial=900000) + 1 + np.arange(elem)])
    n = len(ids)
    d.tables["staff"] = pd.DataFrame({
        "personID": ids, "staffStateID": [f"{x:09d}" for x in
                                         700000000 + d.rng.permutation(10**6)[:n]],
        "lastName": np.array(names.LAST_NAMES)[d.rng.integers(0, len(names.LAST_NAMES), n)],
        "firstName": np.array(names.STAFF_FIRST_NAMES)[
            d.rng.integers(0, len(names.STAFF_FIRST_NAMES), n)],
    })
    spring = sec["term"] == 1
    ss = pd.DataFrame({"sectionID": sec["sectionID"], "personID": sec["teacherID"],
                       "role": TEACHER, "startDate": sec["termStartDate"],
                       "endDate": sec["termEndDate"].where(~spring)})
    co = sec.iloc[d.take(np.ones(len(sec), bool), len(sec) // 20)]
    co_ss = pd.DataFrame({"sectionID": co["sectionID"],
                          "personID": teach[d.rng.integers(0, len(teach), len(co))],
                          "role": CO_TEACHER, "startDate": co["termStartDate"],
                          "endDate": co["termEndDate"].where(co["term"] == 0)})
    co_ss = co_ss.loc[co_ss["personID"].to_numpy() != co["teacherID"].to_numpy()]
    d.tables["section_staff"] = concat([ss, co_ss]).sort_values(
        ["sectionID", "role"], kind="mergesort").reset_index(drop=True)

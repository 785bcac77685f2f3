"""ANB rules about residency and programs (ANB-09..14, ANB-22), on the season's count date.

Decisions (spec/rules.md leaves them open), kept here:

* A **district_residency** record covers an enrollment's count date when
  startDate <= the effective count date of the enrollment's calendar <= endDate (blank = open:
  a blank start is "from the start of the school year", rules.md decisions; also for ANB-10).
* A **program** record (programs.csv) is person-level, not tied to a calendar: it covers the
  count date when startDate <= the season's count date parameter <= endDate (blank = open). See
  :func:`program_count_date`.
* ANB-11 reads only the state's ESA rows whose startDate is blank or on/before the count date
  (a participant who starts later was not an ESA student on the count date).
* ANB-14 compares enrollments that are not no-shows; "regular" = earlyLiteracy not HOME.

Example:
    >>> from mtcollect_nb.testing import make_analysis
    >>> program_count_date(make_analysis())
    Timestamp('2025-02-03 00:00:00')
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from mtcollect_nb.checks.registry import Rule, RuleFn, finding_rows, per_value, rule
from mtcollect_nb.checks.text import text_values, to_text
from mtcollect_nb.columns import (
    COUNTED,
    EFFECTIVE_COUNT_DATE,
    ERROR,
    INFO,
    PERSON_ID,
    WARNING,
)
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.compute.intervals import covers
from mtcollect_nb.compute.sections import OPEN_END
from mtcollect_nb.season import ANB_COLLECTION

#: Programs whose students belong in the district's count (ANB-22).
COUNTED_ELSEWHERE_PROGRAMS: tuple[str, ...] = ("MYC", "JOB_CORPS", "MTDA")
_PROGRAM_NAMES = {"ESA": "ESA", "MYC": "Youth Challenge", "JOB_CORPS": "Job Corps",
                  "MTDA": "MT Digital Academy", "EL_HOME": "Early Literacy (home-based)"}
_DAY = "%Y-%m-%d"
OPEN_START = pd.Timestamp("1900-01-01")  # a blank start date: from the start of the school year
_KEYS = ("enrollmentID", PERSON_ID, "stateID")


def program_count_date(a: Analysis) -> pd.Timestamp:
    """The date a person-level program record must cover: the season's count date parameter."""
    return pd.Timestamp(a.count_date)


def _programs(a: Analysis, codes: tuple[str, ...]) -> pd.DataFrame:
    """Program rows of ``codes`` covering the count date (program code upper-cased)."""
    p = a.memo("anb_programs.on_count_date", lambda: _programs_on_count_date(a))
    return p.loc[p["program"].isin(codes)]


def _programs_on_count_date(a: Analysis) -> pd.DataFrame:
    p = a.table("programs").copy()
    p["program"] = p["program"].str.strip().str.upper()
    return p.loc[covers(p["startDate"], p["endDate"], program_count_date(a))]


def _is_home(s: pd.Series) -> pd.Series:
    return s.str.strip().str.upper() == "HOME"


def _rule(id_: str, severity: str, title: str, remedy: str, tables: tuple[str, ...],
          param: str | None = None) -> Callable[[RuleFn], Rule]:
    """``@rule`` of the ANB collection (positional title, remedy, tables, param)."""
    return rule(id_, severity, ANB_COLLECTION, title=title, remedy=remedy, tables=tables,
                param=param)


@_rule("ANB-09", ERROR, "Non-resident student with no District Residency record on the count "
       "date", "Enrollments > District Residency: add a record naming the resident district "
       "whose start/end dates cover the count date (or clear Resident District on the "
       "enrollment if the student lives in this district).", ("district_residency",))
def anb09_residency_missing(a: Analysis) -> pd.DataFrame:
    """Enrollments on the count date naming another resident district, with no covering record."""
    e = a.on_count_date
    own = a.params.district_number
    e = e.loc[per_value(e["residentDistrict"], lambda d: (d != "") & (d != own)),
              ["enrollmentID", PERSON_ID, "residentDistrict", EFFECTIVE_COUNT_DATE]]
    r = a.table("district_residency")[[PERSON_ID, "startDate", "endDate"]]
    m = e.merge(r, on=PERSON_ID, how="inner")
    ok = m.loc[covers(m["startDate"], m["endDate"], m[EFFECTIVE_COUNT_DATE]), "enrollmentID"]
    e = e.loc[~e["enrollmentID"].isin(ok)]
    cd = to_text(e[EFFECTIVE_COUNT_DATE])
    return finding_rows(e, _KEYS, field="residentDistrict", value=e["residentDistrict"],
                        expected="District Residency record covering " + cd,
                        message="Resident district " + e["residentDistrict"] + " differs "
                        "from " + own + " but no District Residency record covers " + cd)


@_rule("ANB-10", ERROR, "Overlapping District Residency records for one student",
       "Enrollments > District Residency: end the earlier record the day before the next one "
       "starts (records may not overlap).", ("district_residency",))
def anb10_residency_overlap(a: Analysis) -> pd.DataFrame:
    """Pairs of one student's residency records whose date ranges share at least one day."""
    r = a.table("district_residency").reset_index(drop=True)
    r = r.assign(row=range(len(r)), end=r["endDate"].fillna(OPEN_END),
                 start=r["startDate"].fillna(OPEN_START))  # blank = open (rules.md decisions)
    r = r.loc[r[PERSON_ID].duplicated(keep=False)]  # only a student's second record can overlap
    cols = ["row", PERSON_ID, "startDate", "endDate", "start", "end", "residentDistrict", "_line"]
    m = r[cols].merge(r[cols], on=PERSON_ID, suffixes=("", "_b"))
    m = m.loc[(m["row"] < m["row_b"]) & (m["start"] <= m["end_b"])
              & (m["start_b"] <= m["end"])]

    def span(sfx: str) -> np.ndarray:  # text built on object arrays (few rows, no pandas ops)
        end = text_values(m["endDate" + sfx])
        district = m["residentDistrict" + sfx].to_numpy(dtype=object)
        line = m["_line" + sfx].astype(str).to_numpy(dtype=object)
        start = text_values(m["startDate" + sfx])
        return (np.where(start != "", start, "open") + ".." + np.where(end != "", end, "open")
                + " (" + district + ", line " + line + ")")

    return finding_rows(m, _KEYS, field="startDate, endDate",
                        value=span("") + " overlaps " + span("_b"),
                        expected="no overlapping records",
                        message="District Residency records overlap")


@_rule("ANB-11", ERROR, "On the state's ESA list but no ESA program record on the count date",
       "Program Participation > ESA: add the ESA record with its start date (the student is "
       "counted in this resident district's ANB).", ("esa_participants", "programs"),
       "esa_program")
def anb11_esa_missing(a: Analysis) -> pd.DataFrame:
    """State ESA participants (by stateID) with no ESA program record covering the count date."""
    cd = program_count_date(a)
    esa = a.table("esa_participants")
    esa = esa.loc[(esa["startDate"].isna() | (esa["startDate"] <= cd)) & (esa["stateID"] != "")]
    esa = esa.drop_duplicates("stateID")
    s = a.students  # the first student of each of these stateIDs
    ids = s.loc[s["stateID"].isin(esa["stateID"]), [PERSON_ID, "stateID"]].drop_duplicates(
        "stateID")
    m = esa[["stateID", "startDate"]].merge(ids, on="stateID", how="left")
    has = m[PERSON_ID].isin(_programs(a, ("ESA",))[PERSON_ID])
    m = m.loc[~has]
    known = m[PERSON_ID].notna()
    message = pd.Series("On the state's ESA list with no ESA program record covering "
                        + cd.strftime(_DAY), index=m.index)
    message[~known] = "On the state's ESA list; no student with this state ID in students.csv"
    out = finding_rows(m, _KEYS, field="program", value="",
                       expected="ESA record covering " + cd.strftime(_DAY), message=message)
    out[PERSON_ID] = pd.array(m[PERSON_ID], dtype="Int64")
    return out


@_rule("ANB-12", WARNING, "ESA participant with a counted enrollment on the count date",
       "Program Participation > ESA: end-date the ESA record if the student re-enrolled "
       "(re-enrolling ends the ESA); otherwise end or exclude the enrollment.", ("programs",),
       "esa_program")
def anb12_esa_enrolled(a: Analysis) -> pd.DataFrame:
    """Counted enrollments on the count date of students with an ESA record covering it."""
    esa = _programs(a, ("ESA",))
    e = a.enrollments
    e = e.loc[e[COUNTED] & e[PERSON_ID].isin(esa[PERSON_ID])]
    return finding_rows(e, _KEYS, field="program", value="ESA",
                        expected="no ESA record while counted in a public school",
                        message="ESA record covers the count date and the student has a "
                        "counted enrollment")


@_rule("ANB-13", ERROR, "Early Literacy home-based program with no HOME enrollment on the count "
       "date", "Enrollments: set Early Literacy to Home-Based on the student's enrollment (or "
       "Program Participation > Early Literacy: end-date the record).", ("programs",))
def anb13_el_home_enrollment(a: Analysis) -> pd.DataFrame:
    """EL_HOME programs covering the count date whose student has no HOME enrollment then."""
    p = _programs(a, ("EL_HOME",)).drop_duplicates(PERSON_ID)
    e = a.on_count_date
    home = e.loc[per_value(e["earlyLiteracy"], _is_home), PERSON_ID]
    p = p.loc[~p[PERSON_ID].isin(home)]
    return finding_rows(p, _KEYS, field="earlyLiteracy", value="",
                        expected="HOME on an enrollment on the count date",
                        message="Home-based early literacy program on the count date but no "
                        "enrollment marked HOME")


@_rule("ANB-14", INFO, "Home-based early literacy enrollment in a calendar with regular "
       "enrollments", "Enrollments: place home-based early literacy students in a separate "
       "calendar (recommended by OPI).", ())
def anb14_el_home_calendar(a: Analysis) -> pd.DataFrame:
    """HOME enrollments in a calendar that also holds non-HOME enrollments (no-shows ignored)."""
    e = a.enrollments
    shows = ~e["noShow"]
    is_home = per_value(e["earlyLiteracy"], _is_home)
    mixed = e.loc[shows & ~is_home, "calendarID"].unique()
    h = e.loc[shows & is_home & e["calendarID"].isin(mixed)]
    return finding_rows(h, _KEYS, field="earlyLiteracy", value="HOME",
                        expected="a calendar of home-based enrollments only",
                        message="Home-based enrollment in calendar "
                        + h["calendarID"].astype(str) + ", which also holds regular enrollments")


@_rule("ANB-22", WARNING, "Youth Challenge, Job Corps or MT Digital Academy student with no "
       "enrollment on the count date", "Enrollments: add the student's enrollment in this "
       "district (these students belong in its {season} count), or Program Participation > "
       "Youth Challenge / Job Corps / MT Digital Academy: end-date the record.", ("programs",))
def anb22_program_not_enrolled(a: Analysis) -> pd.DataFrame:
    """MYC / JOB_CORPS / MTDA programs on the count date whose student has no enrollment then."""
    p = _programs(a, COUNTED_ELSEWHERE_PROGRAMS)
    p = p.loc[~p[PERSON_ID].isin(a.on_count_date[PERSON_ID])]
    p = p.sort_values([PERSON_ID, "program"], kind="mergesort").drop_duplicates(
        [PERSON_ID, "program"])
    return finding_rows(p, _KEYS, field="program", value=p["program"],
                        expected="an enrollment on the count date",
                        message=p["program"].map(_PROGRAM_NAMES) + " program covers the "
                        "count date but the student has no enrollment on it")

"""Shared Teacher-Class frames: the season's sections, teachers of record, rosters and counts.

The Teacher-Class rules (:mod:`mtcollect_nb.checks.teacher_class`) and the CTE sheet
(:mod:`mtcollect_nb.compute.cte`) read these frames; each is computed once per analysis
(:meth:`Frames.memo`). Decisions taken here (spec/rules.md leaves them open):

* A section's **count date** is the effective count date of its course's calendar (first
  instructional day on or after the season's count date: spring, or fall in a fall run). A
  calendar with no instructional day on or after the count date has none: its sections are
  not the collection's sections, as its
  enrollments are not on the count date (rules.md; DQ-04 names the calendar). "On the count
  date" means the same thing for enrollments, so a section and its students are judged on the
  same day.
* A **count-date section** (a spring section of Spring Teacher-Class, a fall section of Fall
  Teacher-Class) is one whose term [termStartDate, termEndDate] covers its count date, of
  a course that is not stateExcluded, in a calendar that is not stateExcluded (the TEAMS
  Teacher-Class extract drops excluded courses and calendars). ``active`` is applied only by the
  rules that name it (TCH-01, TCH-04).
* A **roster period** is [startDate, endDate] with a blank start read as the term start and a
  blank end as the term end; a roster row with no days (end before start, e.g. a blank start
  and an end before the term) overlaps no enrollment. An **enrollment period** is
  [startDate, endDate] (blank end = open) of an enrollment that is not a no-show.
* The **teacher of record** is a section_staff row with role 00..12 whose [startDate, endDate]
  (blank = open) covers the count date; where several people are, all are listed, each once
  (a person with two covering rows is listed with the lowest role).
* **Students on the count date** (TCH-01, TCH-02, TCH-04) are the roster rows covering the
  section's count date of students enrolled in the course's calendar that day (rules.md).
* Roster counts (distinct students): **window** = on the roster at some day in
  [window start, section count date] on which the student also had an enrollment in the
  course's calendar, the window start being the fall count date in a spring run and the first
  instructional day of the course's calendar in a fall run (rules.md "The season");
  **on the count date** = roster and enrollment both cover the count date.

Example:
    >>> from mtcollect_nb.testing import make_analysis
    >>> count_date_sections(make_analysis()).empty
    True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mtcollect_nb.columns import EFFECTIVE_COUNT_DATE, TEACHER_ROLES
from mtcollect_nb.compute.frames import Frames
from mtcollect_nb.compute.intervals import covers
from mtcollect_nb.compute.joins import join_pairs, pair_keys

COUNT_DATE = "countDate"
WINDOW_START = "windowStart"
ROSTER_START, ROSTER_END = "rosterStart", "rosterEnd"
ROSTER_ROW = "rosterRow"
#: Stand-in for an open end date (far beyond any school year, inside datetime64[ns]).
OPEN_END = pd.Timestamp("2200-01-01")
_DAY_KEY = 1_000_000  # calendarID * _DAY_KEY + days since 1970 orders (calendar, date) pairs


def count_date_sections(a: Frames) -> pd.DataFrame:
    """The season's sections: :attr:`Frames.section_info` + ``countDate``, ``calendarExcluded``.

    Sections whose term covers their calendar's effective count date (the spring sections of a
    spring run, the fall sections of a fall run).

    Example:
        >>> from mtcollect_nb.testing import make_analysis
        >>> a = make_analysis(courses=[{"courseID": 1, "calendarID": 1, "number": "M1"}],
        ...     sections=[{"sectionID": 5, "courseID": 1, "termStartDate": "2025-01-06",
        ...                "termEndDate": "2025-06-06"}])
        >>> count_date_sections(a)[["sectionID", "countDate"]].values.tolist()
        [[5, Timestamp('2025-02-03 00:00:00')]]
    """
    return a.memo("sections.count_date", lambda: _count_date_sections(a))


#: The name report/sheets.py imports until the season reaches report/ (issue 22, second half).
spring_sections = count_date_sections


def _count_date_sections(a: Frames) -> pd.DataFrame:
    cal = a.calendars[["calendarID", "stateExclude", EFFECTIVE_COUNT_DATE]].rename(
        columns={"stateExclude": "calendarExcluded"})
    s = a.section_info.merge(cal, on="calendarID", how="left")
    s[COUNT_DATE] = s[EFFECTIVE_COUNT_DATE].astype("datetime64[ns]")  # NaT: no count date
    on = (s[COUNT_DATE].notna() & (s["termStartDate"] <= s[COUNT_DATE])
          & (s[COUNT_DATE] <= s["termEndDate"])
          & ~s["courseExcluded"].eq(True) & ~s["calendarExcluded"].eq(True))
    out = s.loc[on].drop(columns=[EFFECTIVE_COUNT_DATE])
    for col in ("active", "cte", "workBasedLearning"):
        out[col] = out[col].eq(True)
    return out.sort_values("sectionID", kind="mergesort").reset_index(drop=True)


def teachers_of_record(a: Frames) -> pd.DataFrame:
    """Section-staff rows of the season's sections that are a teacher of record on the count date.

    Columns: sectionID, staffPersonID, role, startDate, endDate, staffStateID, staffName,
    ``teacherLabel`` ("Last, First (staffStateID)").

    Example:
        >>> from mtcollect_nb.testing import make_analysis
        >>> teachers_of_record(make_analysis()).empty
        True
    """
    return a.memo("sections.teachers", lambda: _teachers(a))


def _teachers(a: Frames) -> pd.DataFrame:
    sp = count_date_sections(a)[["sectionID", COUNT_DATE]]
    st = a.table("section_staff").rename(columns={"personID": "staffPersonID"})
    m = st.merge(sp, on="sectionID", how="inner")
    cover = m["role"].isin(TEACHER_ROLES) & covers(m["startDate"], m["endDate"], m[COUNT_DATE])
    t = m.loc[cover, ["sectionID", "staffPersonID", "role", "startDate", "endDate"]]
    t = t.merge(a.staff[["staffPersonID", "staffStateID", "staffName"]], on="staffPersonID",
                how="left")
    t["staffStateID"] = t["staffStateID"].fillna("")
    name = t["staffName"].fillna("")
    name = name.where(name != "", "staff personID " + t["staffPersonID"].astype(str))
    state = t["staffStateID"]
    t["teacherLabel"] = name + np.where(state != "", " (" + state + ")", "")
    t = t.sort_values(["sectionID", "role", "staffPersonID"], kind="mergesort")
    # one person with two staff rows covering the count date is one teacher of record
    return t.drop_duplicates(["sectionID", "staffPersonID"]).reset_index(drop=True)


def enrollment_periods(a: Frames) -> pd.DataFrame:
    """Enrollments that are not no-shows: personID, calendarID, enrStart, enrEnd (open = far).

    Example:
        >>> from mtcollect_nb.testing import make_analysis, enrollment
        >>> enrollment_periods(make_analysis(enrollments=[enrollment(1, 1)]))["enrEnd"][0].year
        2200
    """
    e = a.table("enrollments")
    e = e.loc[~e["noShow"], ["personID", "calendarID", "startDate", "endDate"]]
    return pd.DataFrame({"personID": e["personID"], "calendarID": e["calendarID"],
                         "enrStart": e["startDate"], "enrEnd": e["endDate"].fillna(OPEN_END)}
                        ).reset_index(drop=True)


def roster_periods(a: Frames) -> pd.DataFrame:
    """Roster rows of the season's sections with their period and per-row enrollment flags.

    Columns: rosterRow (0..n-1), sectionID, personID, startDate, endDate, calendarID, countDate,
    rosterStart, rosterEnd, ``enrolledDuring`` (an enrollment in the course's calendar overlaps
    the roster period), ``inWindow`` and ``onCountDate`` (see the module docstring), and
    ``rosterOnCountDate`` (the roster covers the count date, enrolled or not).

    Example:
        >>> from mtcollect_nb.testing import make_analysis
        >>> list(roster_periods(make_analysis()).columns[:3])
        ['rosterRow', 'sectionID', 'personID']
    """
    return a.memo("sections.rosters", lambda: _roster_periods(a))


def _roster_periods(a: Frames) -> pd.DataFrame:
    sp = count_date_sections(a)
    ros = a.table("rosters")
    row, sec = join_pairs(ros["sectionID"].to_numpy(), sp["sectionID"].to_numpy())
    start, end = _ns(ros["startDate"])[row], _ns(ros["endDate"])[row]
    term_start, term_end = _ns(sp["termStartDate"])[sec], _ns(sp["termEndDate"])[sec]
    cd = _ns(sp[COUNT_DATE])[sec]
    r_start = np.where(np.isnat(start), term_start, start)
    r_end = np.where(np.isnat(end), term_end, end)
    person, cal = ros["personID"].to_numpy()[row], sp["calendarID"].to_numpy()[sec]
    e = enrollment_periods(a)
    lkey, rkey = pair_keys([person, cal], [e["personID"].to_numpy(), e["calendarID"].to_numpy()])
    i, j = join_pairs(lkey, rkey)  # roster row i x enrollment j in that calendar
    rs, rend, cdi = r_start[i], r_end[i], cd[i]
    es, ee = _ns(e["enrStart"])[j], _ns(e["enrEnd"])[j]
    overlap = (es <= rend) & (rs <= ee) & (rs <= rend)  # a roster with no days overlaps nothing
    lo = np.maximum(np.maximum(rs, es), window_start(a, sp)[sec][i])
    hi = np.minimum(np.minimum(rend, ee), cdi)
    flags = {"enrolledDuring": overlap, "inWindow": overlap & (lo <= hi),
             "onCountDate": (rs <= cdi) & (cdi <= rend) & (es <= cdi) & (cdi <= ee)}
    for col, flag in flags.items():  # any() over each roster row's enrollments
        per_row = np.zeros(len(row), dtype=bool)
        per_row[i[flag]] = True
        flags[col] = per_row
    return pd.DataFrame({
        ROSTER_ROW: np.arange(len(row), dtype="int64"),
        "sectionID": ros["sectionID"].to_numpy()[row],
        "personID": person, "startDate": start, "endDate": end, "calendarID": cal,
        COUNT_DATE: cd, ROSTER_START: r_start, ROSTER_END: r_end,
        "rosterOnCountDate": (r_start <= cd) & (cd <= r_end), **flags})


def _ns(s: pd.Series) -> np.ndarray:
    return s.to_numpy(dtype="datetime64[ns]")


def window_start(a: Frames, sections: pd.DataFrame) -> np.ndarray:
    """First day of each section's CTE roster window (datetime64[ns], one per row).

    The fall count date in a spring run; in a fall run the first instructional day of the
    section's calendar (``Season.window_from_first_day``), NaT for a calendar with no day.

    Example:
        >>> from mtcollect_nb.testing import make_analysis, params
        >>> s = pd.DataFrame({"calendarID": [1]})
        >>> str(window_start(make_analysis(params(collection_season="fall")), s)[0])[:10]
        '2024-08-26'
    """
    if a.season.window_from_first_day:
        first = a.instructional_days.groupby("calendarID")["date"].min()
        return _ns(sections["calendarID"].map(first).astype("datetime64[ns]"))
    return np.full(len(sections), pd.Timestamp(a.fall).to_datetime64(), dtype="datetime64[ns]")


def roster_counts(a: Frames) -> pd.DataFrame:
    """Per section of the season: rosterRows, studentsOnCountDate and the two CTE roster counts.

    ``studentsOnCountDate`` counts students whose roster covers the count date and who are
    enrolled (not no-show) in the course's calendar that day (rules.md decisions: the same
    students as ``rosterCountOnCountDate``); the ``rosterCount`` columns are the CTE counts.

    Example:
        >>> from mtcollect_nb.testing import make_analysis
        >>> list(roster_counts(make_analysis()).columns)[:2]
        ['sectionID', 'rosterRows']
    """
    return a.memo("sections.counts", lambda: _roster_counts(a))


def _roster_counts(a: Frames) -> pd.DataFrame:
    r = roster_periods(a)
    out = count_date_sections(a)[["sectionID"]].copy()
    ids = np.unique(out["sectionID"].to_numpy())
    n = len(ids)
    sec = np.searchsorted(ids, r["sectionID"].to_numpy())
    person = pd.factorize(r["personID"])[0].astype(np.int64)
    npeople = max(int(person.max(initial=0)) + 1, 1)
    pair = sec * npeople + person  # (section, student) as one int
    order = np.argsort(pair, kind="stable")
    pair = pair[order]

    def distinct(mask: pd.Series) -> np.ndarray:  # distinct students per section
        p = pair[mask.to_numpy()[order]]
        first = np.append(True, p[1:] != p[:-1]) if len(p) else np.zeros(0, dtype=bool)
        return np.bincount(p[first] // npeople, minlength=n)

    at = np.searchsorted(ids, out["sectionID"].to_numpy())
    for col, counts in (("rosterRows", np.bincount(sec, minlength=n)),
                        ("studentsOnCountDate", distinct(r["onCountDate"])),
                        ("rosterCountWindow", distinct(r["inWindow"])),
                        ("rosterCountOnCountDate", distinct(r["onCountDate"]))):
        out[col] = counts[at].astype("int64")
    return out


def instructional_days_between(a: Frames, calendar: pd.Series, start: pd.Series,
                               end: pd.Series) -> pd.Series:
    """Number of instructional days of ``calendar`` in [start, end], row by row (vectorized).

    Example:
        >>> from mtcollect_nb.testing import make_analysis
        >>> a = make_analysis()
        >>> instructional_days_between(a, pd.Series([1]), pd.Series(pd.to_datetime(
        ...     ["2025-02-03"])), pd.Series(pd.to_datetime(["2025-02-09"]))).tolist()
        [5]
    """
    days = a.instructional_days
    keys = np.sort(_day_key(days["calendarID"], days["date"]))
    lo = _day_key(calendar, start)
    hi = _day_key(calendar, end)
    n = np.searchsorted(keys, hi, side="right") - np.searchsorted(keys, lo, side="left")
    n = np.where(start.isna().to_numpy() | end.isna().to_numpy(), 0, np.maximum(n, 0))
    return pd.Series(n.astype("int64"), index=calendar.index)


def _day_key(calendar: pd.Series, date: pd.Series) -> np.ndarray:
    epoch_days = (date - pd.Timestamp("1970-01-01")).dt.days.fillna(0).to_numpy(dtype="int64")
    return calendar.astype("int64").to_numpy() * _DAY_KEY + epoch_days

"""Teacher-Class and CTE rules (TCH-01..04, CTE-01..04) of the season's collection.

Every rule looks at the season's sections only (spring sections for Spring Teacher-Class,
fall sections for Fall Teacher-Class: :func:`mtcollect_nb.compute.sections.count_date_sections`,
term covers the calendar's effective count date; course and calendar not stateExcluded). A section
"with students" has at least one student on its roster on the count date while enrolled in the
course's calendar; an "empty roster" (TCH-04) has none (rules.md decisions). Course-level
findings (TCH-01, CTE-01, CTE-02) name the course (courseNumber, schoolNumber) and no section;
:func:`course_level_courses` gives the courseIDs behind them (course numbers repeat across
calendars of a school), so the CTE sheet attaches them by courseID. Section-level findings
name the sectionID.

Example:
    >>> from mtcollect_nb.testing import make_analysis
    >>> len(tch04_empty_roster(make_analysis()))
    0
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import pandas as pd

from mtcollect_nb.checks.registry import finding_rows, rule
from mtcollect_nb.checks.text import to_text
from mtcollect_nb.columns import ERROR, INFO, WARNING
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.compute.joins import left_join
from mtcollect_nb.compute.sections import (
    COUNT_DATE,
    ROSTER_END,
    ROSTER_START,
    count_date_sections,
    roster_counts,
    roster_periods,
    teachers_of_record,
    window_start,
)
from mtcollect_nb.season import TEACHER_CLASS_COLLECTION

_TC = ("courses", "sections")
_finding = partial(finding_rows, keys=("schoolNumber", "courseNumber", "sectionID", "personID"))


def _with_counts(a: Analysis) -> pd.DataFrame:
    """The season's sections with their roster counts; built once for the rules (do not modify)."""
    return a.memo("teacher_class.counts", lambda: left_join(count_date_sections(a),
                                                             roster_counts(a), "sectionID"))


def _blank(s: pd.Series) -> pd.Series:
    return s.fillna("").astype(str).str.strip() == ""


def _course_level(sp: pd.DataFrame) -> pd.DataFrame:
    """One row per course of ``sp`` (its first section), without section keys."""
    return sp.drop_duplicates("courseID").drop(columns=["sectionID"])


def _tch01_courses(a: Analysis) -> pd.DataFrame:
    sp = _with_counts(a)
    c = _course_level(sp.loc[sp["active"] & (sp["studentsOnCountDate"] > 0)])
    return c.loc[_blank(c["scedSubjectArea"]) | _blank(c["scedCourseID"])]


def _cte01_courses(a: Analysis) -> pd.DataFrame:
    c = _course_level(_cte(a))
    return c.loc[_blank(c["ctePathways"].fillna("").astype(str).str.replace(";", "",
                                                                            regex=False))]


def _cte02_courses(a: Analysis) -> pd.DataFrame:
    c = _course_level(count_date_sections(a))
    return c.loc[c["workBasedLearning"] & _blank(c["wblPartner"])]


#: The course-level rules and the courses each reports (one finding per course).
COURSE_LEVEL: dict[str, Callable[[Analysis], pd.DataFrame]] = {
    "TCH-01": _tch01_courses, "CTE-01": _cte01_courses, "CTE-02": _cte02_courses}


def course_level_courses(a: Analysis) -> pd.DataFrame:
    """The courses behind the course-level findings: ruleId, courseID, schoolNumber, courseNumber.

    Example:
        >>> from mtcollect_nb.testing import make_analysis
        >>> list(course_level_courses(make_analysis()).columns)
        ['ruleId', 'courseID', 'schoolNumber', 'courseNumber']
    """
    cols = ["courseID", "schoolNumber", "courseNumber"]
    parts = [fn(a)[cols].assign(ruleId=rid) for rid, fn in COURSE_LEVEL.items()
             if a.has("courses") and a.has("sections")]
    if not parts:
        return pd.DataFrame({"ruleId": pd.Series([], dtype=object),
                             "courseID": pd.Series([], dtype="int64"),
                             "schoolNumber": pd.Series([], dtype=object),
                             "courseNumber": pd.Series([], dtype=object)})
    return pd.concat(parts, ignore_index=True)[["ruleId", *cols]]


@rule("TCH-01", ERROR, TEACHER_CLASS_COLLECTION,
      title="Active course with a rostered {season} section is missing its SCED codes",
      remedy="Course Information: enter the SCED Subject Area and the SCED Course Identifier "
             "(both are required in the Teacher-Class extract).",
      tables=(*_TC, "rosters"))
def tch01_missing_sced(a: Analysis) -> pd.DataFrame:
    """Active, not excluded courses with students in a section of the season, blank SCED code."""
    c = _tch01_courses(a)
    area, ident = _blank(c["scedSubjectArea"]), _blank(c["scedCourseID"])
    field = (area.map({True: "scedSubjectArea", False: ""}) + (area & ident).map(
        {True: ", ", False: ""}) + ident.map({True: "scedCourseID", False: ""}))
    value = ("subject area '" + c["scedSubjectArea"].fillna("") + "', course identifier '"
             + c["scedCourseID"].fillna("") + "'")
    return _finding(c, field=field, value=value,
                    expected="2-digit SCED subject area and 3-digit SCED course identifier",
                    message="Course " + c["courseNumber"] + f" has a {a.season.name} section "
                    "with students but is missing " + field)


@rule("TCH-02", ERROR, TEACHER_CLASS_COLLECTION,
      title="{Season} section with students has no teacher of record on the count date",
      remedy="Section Staff History: add the teacher with a state Teacher Role (00-12) and "
             "dates that cover the count date, or correct the start/end dates or role of the "
             "existing staff record.",
      tables=(*_TC, "section_staff", "rosters"))
def tch02_no_teacher(a: Analysis) -> pd.DataFrame:
    """Sections with students on the count date and no covering role 00..12 staff row."""
    sp = _with_counts(a)
    has_teacher = sp["sectionID"].isin(teachers_of_record(a)["sectionID"])
    s = sp.loc[(sp["studentsOnCountDate"] > 0) & ~has_teacher]
    staff = a.table("section_staff")
    staff = staff.loc[staff["sectionID"].isin(s["sectionID"])]
    desc = ("personID " + staff["personID"].astype(str) + " role "
            + staff["role"].where(staff["role"] != "", "(blank)") + " "
            + to_text(staff["startDate"]).where(to_text(staff["startDate"]) != "", "open")
            + ".." + to_text(staff["endDate"]).where(to_text(staff["endDate"]) != "", "open"))
    found = desc.groupby(staff["sectionID"]).agg("; ".join)
    value = s["sectionID"].map(found).fillna("no section staff")
    return _finding(s, field="Teacher of Record (role, startDate, endDate)", value=value,
                    expected="staff with role 00-12 covering " + to_text(s[COUNT_DATE]),
                    message="Section " + s["courseNumber"].astype(str) + "-"
                    + s["number"].astype(str) + " has " + s["studentsOnCountDate"].astype(str)
                    + " student(s) on the count date but no teacher of record")


@rule("TCH-03", WARNING, TEACHER_CLASS_COLLECTION,
      title="Roster row for a student with no enrollment in the course's calendar",
      remedy="Roster: drop the student from the section or correct the roster dates; or "
             "Enrollments: add or correct the student's enrollment in this calendar.",
      tables=(*_TC, "rosters"))
def tch03_roster_not_enrolled(a: Analysis) -> pd.DataFrame:
    """Roster rows of the season's sections whose period overlaps no enrollment in the calendar."""
    r = roster_periods(a)
    r = r.loc[~r["enrolledDuring"]]
    return _finding(r, field="Roster startDate..endDate",
                    value=to_text(r[ROSTER_START]) + ".." + to_text(r[ROSTER_END]),
                    expected="an enrollment in calendar " + r["calendarID"].astype(str)
                    + " overlapping these dates",
                    message="Student on the roster with no enrollment in the course's "
                    "calendar on any day of the roster")


@rule("TCH-04", INFO, TEACHER_CLASS_COLLECTION,
      title="Active {season} section with an empty roster",
      remedy="Roster: schedule the students, or Section Information: remove the unused section "
             "(or mark its course inactive) so it is not reported.",
      tables=(*_TC, "rosters"))
def tch04_empty_roster(a: Analysis) -> pd.DataFrame:
    """Sections of active courses with no enrolled student rostered on the count date."""
    sp = _with_counts(a)
    s = sp.loc[sp["active"] & (sp["studentsOnCountDate"] == 0)]
    return _finding(s, field="Roster", value=s["rosterRows"].astype(str) + " roster row(s), "
                    "0 students on the count date",
                    expected="at least one enrolled student on " + to_text(s[COUNT_DATE]),
                    message=f"{a.season.title} section " + s["courseNumber"].astype(str) + "-"
                    + s["number"].astype(str) + " has no enrolled students on its roster on "
                    "the count date")


def _cte(a: Analysis) -> pd.DataFrame:
    sp = _with_counts(a)
    return sp.loc[sp["cte"]]


@rule("CTE-01", ERROR, TEACHER_CLASS_COLLECTION,
      title="CTE course with a {season} section has no CTE pathway",
      remedy="Course Information: select the course's CTE Pathway(s).", tables=_TC)
def cte01_no_pathway(a: Analysis) -> pd.DataFrame:
    """CTE courses with a section of the season whose ctePathways holds no code."""
    c = _cte01_courses(a)
    return _finding(c, field="ctePathways", value=c["ctePathways"].fillna(""),
                    expected="one or more CTE pathway codes",
                    message="CTE course " + c["courseNumber"].astype(str) + " has no pathway")


@rule("CTE-02", ERROR, TEACHER_CLASS_COLLECTION,
      title="Work-based learning course without a partner",
      remedy="Course Information: enter the Work-Based Learning Partner, or clear the "
             "Work-Based Learning flag.", tables=_TC)
def cte02_wbl_partner(a: Analysis) -> pd.DataFrame:
    """Courses with a section of the season marked workBasedLearning and a blank wblPartner."""
    c = _cte02_courses(a)
    return _finding(c, field="wblPartner", value="", expected="the partner organisation",
                    message="Course " + c["courseNumber"].astype(str)
                    + " is work-based learning but names no partner")


@rule("CTE-03", ERROR, TEACHER_CLASS_COLLECTION,
      title="CTE {season} section with blank or 0 minutes per day",
      remedy="Section Information: enter the minutes the section meets each day (they "
             "drive the CTE credit equivalent and CTE funding).", tables=_TC)
def cte03_minutes(a: Analysis) -> pd.DataFrame:
    """Sections of CTE courses whose minutesPerDay is blank or 0."""
    s = _cte(a)
    s = s.loc[s["minutesPerDay"].fillna(0) == 0]
    return _finding(s, field="minutesPerDay", value=to_text(s["minutesPerDay"]),
                    expected="minutes > 0",
                    message="CTE section " + s["courseNumber"].astype(str) + "-"
                    + s["number"].astype(str) + " has no minutes per day")


@rule("CTE-04", WARNING, TEACHER_CLASS_COLLECTION,
      title="CTE {season} section with no students rostered {window_short}",
      remedy="Roster: check the section's roster and roster dates (students must be on it "
             "while enrolled {window}), or remove the section.",
      tables=(*_TC, "rosters"))
def cte04_no_window_roster(a: Analysis) -> pd.DataFrame:
    """CTE sections with no student rostered while enrolled in the roster window."""
    s = _cte(a)
    s = s.loc[s["rosterCountWindow"] == 0]
    start = to_text(pd.Series(window_start(a, s), index=s.index))
    return _finding(s, field="Roster", value="0",
                    expected="students rostered between " + start + " and "
                    + to_text(s[COUNT_DATE]),
                    message="CTE section " + s["courseNumber"].astype(str) + "-"
                    + s["number"].astype(str) + " had no enrolled students on its roster "
                    + a.season.window)

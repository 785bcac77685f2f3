"""The data sheets of the workbook as frames: exact columns, in order (columns.py).

Example:
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> from mtcollect_nb.checks.run import run_from_analysis
    >>> list(sheet_frames(run_from_analysis(tiny_analysis())))
    ['Findings', 'ANB', 'Absences', 'CTE', 'Rejected rows', 'Attendance']
"""

from __future__ import annotations

import pandas as pd

from mtcollect_nb.checks.reconcile import reconcile_table
from mtcollect_nb.checks.run import DistrictRun
from mtcollect_nb.checks.teacher_class import course_level_courses
from mtcollect_nb.columns import (
    ATTENDANCE_COLUMNS,
    CALL_LIST_SHEET_COLUMNS,
    CTE_COLUMNS,
    FINDINGS_SHEET_COLUMNS,
    REJECTED_COLUMNS,
    SCHOOL_NAME,
    SCHOOL_NUMBER,
)
from mtcollect_nb.compute.sections import spring_sections
from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.outputs import FINDINGS_XLSX
from mtcollect_nb.window.finished import call_sheet
from mtcollect_nb.window.previous import CALL_LIST_SHEET

_SHEET = list(CTE_COLUMNS)
#: The extracts the CTE sheet needs (the Teacher-Class files).
TEACHER_CLASS_TABLES: tuple[str, ...] = ("courses", "sections", "section_staff", "rosters")
#: The extracts without which the CTE sheet is empty (the others only leave columns blank).
CTE_SHEET_TABLES: tuple[str, ...] = ("courses", "sections")


def sheet_frames(run: DistrictRun, findings: pd.DataFrame | None = None,
                 calls: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The data sheets' frames (exact columns, in order), of the run as it is.

    ``findings`` is the findings with the rerun columns (a finished run's window:
    :mod:`mtcollect_nb.window.finished`); without it they are blank. ``calls`` is the Call
    list with its notes carried (the window's ``calls``); without it they are blank. *Call
    list* is there only in a forecast run (``as_of``), *Attendance* in every run, *Reconcile*
    only when the ``ic_counts`` file was provided.
    """
    a = run.analysis
    if findings is None:
        findings = run.findings.reindex(columns=list(FINDINGS_SHEET_COLUMNS), fill_value="")
    season = a.season  # the count columns and fields are the season's (mtFallAbsent...)
    frames = {
        "Findings": (findings, FINDINGS_SHEET_COLUMNS),
        "ANB": (a.anb_table, season.anb_columns),
        "Absences": (a.absences_table, season.absences_columns),
        "CTE": (cte_frame(run), CTE_COLUMNS),
        "Rejected rows": (a.bundle.rejected, REJECTED_COLUMNS),
    }
    if run.params.forecast:
        frames[CALL_LIST_SHEET] = (call_sheet(run) if calls is None else calls,
                                   CALL_LIST_SHEET_COLUMNS)
    frames["Attendance"] = (a.attendance_table, ATTENDANCE_COLUMNS)
    if a.has("ic_counts"):
        frames["Reconcile"] = (reconcile_table(a), season.reconcile_columns)
    names = school_names(run)
    return {name: exact(name, with_school_name(df, names), school_named(cols))
            for name, (df, cols) in frames.items()}


def school_names(run: DistrictRun) -> pd.Series:
    """The school name of each schoolNumber, from the schools extract (first row of a number).

    Example:
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> school_names(run_from_analysis(tiny_analysis())).to_dict()
        {'0001': 'Test School'}
    """
    s = run.analysis.table("schools").drop_duplicates(SCHOOL_NUMBER)
    return s.set_index(SCHOOL_NUMBER)["name"].fillna("").astype(object)


def school_labels(run: DistrictRun) -> pd.Series:
    """Each schoolNumber as "number name", how figures and the report name a school.

    Example:
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> school_labels(run_from_analysis(tiny_analysis())).to_dict()
        {'0001': '0001 Test School'}
    """
    names = school_names(run)
    return (names.index.to_series() + " " + names).str.strip()


def school_named(cols: tuple[str, ...]) -> tuple[str, ...]:
    """``cols`` with ``schoolName`` right after ``schoolNumber`` (unchanged if it is there).

    Example:
        >>> school_named(("schoolNumber", "grade")), school_named(("file",))
        (('schoolNumber', 'schoolName', 'grade'), ('file',))
    """
    if SCHOOL_NUMBER not in cols or SCHOOL_NAME in cols:
        return cols
    at = cols.index(SCHOOL_NUMBER) + 1
    return (*cols[:at], SCHOOL_NAME, *cols[at:])


def with_school_name(df: pd.DataFrame, names: pd.Series) -> pd.DataFrame:
    """``df`` with a ``schoolName`` column looked up from its schoolNumber (if it lacks one).

    A number the schools extract does not know (or a blank one) gets a blank name.

    Example:
        >>> with_school_name(pd.DataFrame({"schoolNumber": ["0001", "9"]}),
        ...                  pd.Series({"0001": "Lincoln"}))["schoolName"].tolist()
        ['Lincoln', '']
    """
    if SCHOOL_NUMBER not in df.columns or SCHOOL_NAME in df.columns:
        return df
    at = list(df.columns).index(SCHOOL_NUMBER) + 1
    out = df.copy(deep=False)
    out.insert(at, SCHOOL_NAME, df[SCHOOL_NUMBER].map(names).fillna("").astype(object))
    return out


def cte_frame(run: DistrictRun) -> pd.DataFrame:
    """The CTE sheet: empty without courses.csv or sections.csv, else filled from what exists.

    Without section_staff.csv the teacher is blank, without rosters.csv the roster counts.
    """
    if not all(run.analysis.has(t) for t in CTE_SHEET_TABLES):
        return pd.DataFrame(columns=list(CTE_COLUMNS))
    return cte_sheet(run)


def exact(sheet: str, df: pd.DataFrame, cols: tuple[str, ...]) -> pd.DataFrame:
    """``df`` with exactly ``cols`` in order (a clear error naming the sheet when one lacks)."""
    if df.empty and len(df.columns) == 0:
        return pd.DataFrame(columns=list(cols))
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise MtcollectError(f"{FINDINGS_XLSX}: sheet {sheet!r} lacks column(s) {missing}")
    if list(df.columns) == list(cols) and df.index.equals(pd.RangeIndex(len(df))):
        return df.copy(deep=False)  # already exact: no need to copy the data
    return df.loc[:, list(cols)].reset_index(drop=True)


def cte_sheet(run: DistrictRun) -> pd.DataFrame:
    """The CTE sheet: :func:`cte_sections` + ``findings`` (that section's rule ids).

    A section's findings are those naming its sectionID, plus the course-level findings (no
    sectionID) of its course, matched by courseID (course numbers repeat across calendars of
    one school: :func:`~mtcollect_nb.checks.teacher_class.course_level_courses`). The ids are
    unique, sorted and comma-separated ("CTE-01, TCH-02").

    Example:
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> list(cte_sheet(run_from_analysis(tiny_analysis())).columns) == list(CTE_COLUMNS)
        True
    """
    a = run.analysis
    sheet = a.cte_sections.copy()
    f = run.findings
    sec_text = sheet["sectionID"].astype(str)
    by_section = f.loc[f["sectionID"] != "", ["sectionID", "ruleId"]]
    reported = f.loc[(f["sectionID"] == "") & (f["courseNumber"] != ""),
                     ["ruleId", "schoolNumber", "courseNumber"]].drop_duplicates()
    courses = reported.merge(course_level_courses(a), on=["ruleId", "schoolNumber",
                                                          "courseNumber"])
    course_of = spring_sections(a).set_index("sectionID")["courseID"]
    keys = pd.DataFrame({"sectionID": sec_text, "courseID": sheet["sectionID"].map(course_of)})
    by_course = keys.merge(courses[["courseID", "ruleId"]], on="courseID", how="inner")
    pairs = pd.concat([by_section, by_course[["sectionID", "ruleId"]]], ignore_index=True)
    pairs = pairs.drop_duplicates().sort_values(["sectionID", "ruleId"], kind="mergesort")
    ids = pairs.groupby("sectionID")["ruleId"].agg(", ".join)
    sheet["findings"] = sec_text.map(ids).fillna("").astype(object)
    return sheet[_SHEET]

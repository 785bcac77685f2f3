"""Data-quality rules: rows the loader rejected (DQ-01..03) become findings; DQ-04 calendars.

DQ-04 names a calendar (not stateExcluded) with at least one enrollment that is not a no-show
and no instructional day on or after the season's count date: it has no effective count date, so
none of its enrollments or sections is on the count date (rules.md); its days file is probably
incomplete.

Example:
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> len(dq_rows(tiny_analysis(), "DQ-01"))
    0
"""

from __future__ import annotations

import pandas as pd

from mtcollect_nb.checks.registry import finding_rows, rule
from mtcollect_nb.checks.text import to_text
from mtcollect_nb.columns import DATA_QUALITY, EFFECTIVE_COUNT_DATE, ERROR, WARNING
from mtcollect_nb.compute.analysis import Analysis

_REMEDY = ("Fix the row in Infinite Campus (the screen that owns this field) or in the extract, "
           "then export the file again; the row is listed on the 'Rejected rows' sheet.")


def dq_rows(analysis: Analysis, rule_id: str) -> pd.DataFrame:
    """The rejected rows of one DQ rule as findings (field = file:column, value, message)."""
    rej = analysis.bundle.rejected
    rej = rej.loc[rej["ruleId"] == rule_id]
    return pd.DataFrame({
        "field": rej["file"].astype(str) + " line " + rej["line"].astype(str) + ": "
        + rej["column"].astype(str),
        "value": rej["value"].astype(str),
        "message": rej["reason"].astype(str),
    })


@rule("DQ-01", ERROR, DATA_QUALITY, title="Duplicate key row: second and later copies rejected",
      remedy="Remove the duplicate record in Infinite Campus (or the duplicate line in the "
             "extract); only the first copy was used.")
def dq01_duplicate_key(analysis: Analysis) -> pd.DataFrame:
    """Rows rejected because their key repeats an earlier row."""
    return dq_rows(analysis, "DQ-01")


@rule("DQ-02", ERROR, DATA_QUALITY,
      title="Reference to a missing parent (personID, calendarID, sectionID, courseID): rejected",
      remedy="Export the parent table together with this one, or correct the ID in Infinite "
             "Campus; the referenced record does not exist in this district's extract.")
def dq02_orphan(analysis: Analysis) -> pd.DataFrame:
    """Rows rejected because they point at a parent row that does not exist."""
    return dq_rows(analysis, "DQ-02")


@rule("DQ-03", ERROR, DATA_QUALITY,
      title="Value that cannot be parsed (date, number, code): row rejected",
      remedy=_REMEDY)
def dq03_unparseable(analysis: Analysis) -> pd.DataFrame:
    """Rows rejected because a value could not be parsed or a required value is blank."""
    return dq_rows(analysis, "DQ-03")


@rule("DQ-04", WARNING, DATA_QUALITY,
      title="Calendar with enrollments but no instructional day on or after the count date",
      remedy="Calendar > Days: check that the calendar's days (with Instruction checked) run "
             "through the end of the school year, then export days.csv again; until then none "
             "of its enrollments or sections is on the count date.")
def dq04_no_count_date(analysis: Analysis) -> pd.DataFrame:
    """Calendars with enrollments and no instructional day on or after the count date.

    Example:
        >>> from mtcollect_nb.testing import make_analysis, enrollment, school_days
        >>> a = make_analysis(enrollments=[enrollment(1, 1)],
        ...                   days=school_days(end="2025-01-31"))
        >>> dq04_no_count_date(a)["value"].tolist()
        ['last instructional day 2025-01-31']
    """
    cal = analysis.calendars
    e = analysis.table("enrollments")
    e = e.loc[~e["noShow"]]
    n = e.groupby("calendarID").size()
    c = cal.loc[cal[EFFECTIVE_COUNT_DATE].isna() & ~cal["stateExclude"]
                & cal["calendarID"].isin(n.index)]
    last = analysis.instructional_days.groupby("calendarID")["date"].max()
    last_text = to_text(c["calendarID"].map(last))
    value = ("last instructional day " + last_text).where(last_text != "",
                                                          "no instructional day")
    count = pd.Timestamp(analysis.count_date).strftime("%Y-%m-%d")
    return finding_rows(
        c, keys=("schoolNumber",), field="days.csv: instructional days of calendar "
        + c["calendarID"].astype(str), value=value,
        expected="an instructional day on or after " + count,
        message="Calendar " + c["calendarID"].astype(str) + " (" + c["name"].astype(str)
        + ") has " + c["calendarID"].map(n).astype(str) + " enrollment(s) but no "
        "instructional day on or after the count date: none of them is on the count date")

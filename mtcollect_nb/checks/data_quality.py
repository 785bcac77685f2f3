"""Data-quality rules: rows the loader rejected (DQ-01..03) become findings.

Example:
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> len(dq_rows(tiny_analysis(), "DQ-01"))
    0
"""

from __future__ import annotations

import pandas as pd

from mtcollect_nb.checks.registry import rule
from mtcollect_nb.columns import DATA_QUALITY, ERROR
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

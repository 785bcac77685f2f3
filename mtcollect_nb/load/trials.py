"""Scheduling trials: IC schedules in trials, and only the active trial is the real schedule.

Rosters and section staff history in IC belong to a scheduling trial (``trialID``); a
district building next year's schedule has rows of several trials, and only the active one
(``Trial.active``) is real. Where rosters.csv or section_staff.csv has a ``trialActive``
column, rows of inactive trials are rejected with that reason (:func:`inactive_trials`);
otherwise, where one calendar's rows hold more than one trialID, the loader notes name the
trials (:func:`trial_notes`): the rows are kept, since which trial is active is not known.

Example:
    >>> rows = pd.DataFrame({"sectionID": [1, 2], "trialID": pd.array([3, 4], dtype="Int64")})
    >>> sections = pd.DataFrame({"sectionID": [1, 2], "courseID": [9, 9]})
    >>> courses = pd.DataFrame({"courseID": [9], "calendarID": [12]})
    >>> trial_notes(rows, {"sections": sections, "courses": courses}, {"trialID"})
    [('trialID', 'rows of more than one scheduling trial in one calendar (IC schedules in \
trials and only the active one is real: export the active trial only, or add trialActive): \
calendar 12: trialID 3, 4')]
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mtcollect_nb.load.rejects import FileRows, RowReject

INACTIVE = ("row of an inactive scheduling trial (trialActive is not checked): only the active "
            "trial is the real schedule")


def inactive_trials(rows: FileRows) -> list[RowReject]:
    """DQ-03: rows whose ``trialActive`` is false (a file without the column: all active)."""
    return [RowReject("DQ-03", ~np.asarray(rows.cols["trialActive"], dtype=bool),
                      "trialActive", INACTIVE)]


def trial_notes(frame: pd.DataFrame, tables: dict[str, pd.DataFrame],
                header: set[str]) -> list[tuple[str, str]]:
    """A note naming the trials of each calendar with more than one (no trialActive column)."""
    if "trialID" not in header or "trialActive" in header or frame["trialID"].isna().all():
        return []
    rows = frame.loc[frame["trialID"].notna(), ["sectionID", "trialID"]]
    sections, courses = tables.get("sections"), tables.get("courses")
    if sections is not None and courses is not None:
        cal = sections[["sectionID", "courseID"]].merge(courses[["courseID", "calendarID"]],
                                                        on="courseID", how="left")
        rows = rows.merge(cal[["sectionID", "calendarID"]], on="sectionID", how="left")
    else:
        rows = rows.assign(calendarID=pd.NA)
    per = rows.groupby(rows["calendarID"].astype("Int64"), dropna=False)["trialID"].unique()
    parts = []
    for cal_id, trials in per.items():
        if len(trials) > 1:
            where = "calendar unknown" if pd.isna(cal_id) else f"calendar {int(cal_id)}"
            parts.append(f"{where}: trialID {', '.join(str(int(t)) for t in sorted(trials))}")
    if not parts:
        return []
    return [("trialID", "rows of more than one scheduling trial in one calendar (IC schedules "
             "in trials and only the active one is real: export the active trial only, or add "
             f"trialActive): {'; '.join(parts)}")]

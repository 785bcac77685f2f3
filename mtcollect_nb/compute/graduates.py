"""Early graduates: grade-12 students who graduated between the fall and spring count dates.

Definition in spec/rules.md ("Early graduates"). Decisions (spec open), kept here:
    * Early graduates leave out noShow and stateExcluded enrollments (and enrollments in an
      excluded calendar), and students who also have an enrollment on the count date (they are
      counted there). One early-graduate enrollment per student: the last to end.
    * Without fall_count.csv no early graduate is validated (nobody can be shown to have been
      counted in grade 12 in the fall).

Example:
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> early_graduates(tiny_analysis()).empty
    True
"""

from __future__ import annotations

import pandas as pd

from mtcollect_nb.columns import BUDGET_UNIT, FTE_REPORTED, FTE_VALIDATED
from mtcollect_nb.compute.frames import Frames
from mtcollect_nb.compute.hours import band

ON_FALL_COUNT = "onFallCount"
EARLY_GRADUATE_STATUS = "400"


def fall_grade12(a: Frames) -> pd.DataFrame:
    """Students counted (not excluded) in grade 12 on fall_count: stateID, fallAggregateHours.

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> len(fall_grade12(tiny_analysis()))
        0
    """
    f = a.table("fall_count")
    f = f.loc[(f["grade"] == "12") & ~f["excluded"] & (f["stateID"] != "")]
    return (f.groupby("stateID", as_index=False)["fallAggregateHours"].max())


def early_graduates(a: Frames) -> pd.DataFrame:
    """Early graduates counted in the spring: reported, and validated against fall_count.

    Reported: grade-12 enrollments with endStatus 400 that ended in [fall count date, spring
    count date), at band(mtSpringAggregateHours). Validated: those on fall_count in grade 12
    and not excluded there, at band(mtSpringAggregateHours) or band(fallAggregateHours) where
    the spring hours are blank. Without fall_count.csv no early graduate is validated.

    Returns:
        enrollmentID, personID, stateID, schoolNumber, grade, budgetUnit, endDate,
        mtSpringAggregateHours, fallAggregateHours, ``onFallCount``, ``fteReported``,
        ``fteValidated``.

    Example:
        >>> from mtcollect_nb.testing import make_analysis, student, enrollment
        >>> a = make_analysis(students=[student(1)], enrollments=[enrollment(
        ...     10, 1, grade="12", endDate="2025-01-17", endStatus="400")])
        >>> early_graduates(a)[["fteReported", "fteValidated"]].values.tolist()
        [[1.0, 0.0]]
    """
    e = a.enrollments
    end = e["endDate"]
    cand = e.loc[end.notna() & (end >= a.fall) & (end < a.spring) & ~e["noShow"]
                 & ~e["stateExclude"] & ~e["calendarExcluded"]]  # cheap tests first
    cand = cand.loc[(cand["grade"] == "12")
                    & (cand["endStatus"].astype(str).str.strip() == EARLY_GRADUATE_STATUS)
                    & ~cand["personID"].isin(a.on_count_date["personID"])]
    cand = cand.sort_values(["personID", "endDate", "enrollmentID"], kind="mergesort")
    cand = cand.drop_duplicates("personID", keep="last")
    g = cand[["enrollmentID", "personID", "schoolNumber", "grade", BUDGET_UNIT, "endDate",
              "mtSpringAggregateHours"]].merge(
        a.students[["personID", "stateID"]], on="personID", how="left")
    fall = fall_grade12(a)
    g = g.merge(fall, on="stateID", how="left")
    g[ON_FALL_COUNT] = g["stateID"].isin(fall["stateID"]) & (g["stateID"] != "")
    spring = band(g["mtSpringAggregateHours"])
    g[FTE_REPORTED] = spring.fillna(0.0)
    g[FTE_VALIDATED] = spring.fillna(band(g["fallAggregateHours"])).fillna(0.0).where(
        g[ON_FALL_COUNT], 0.0)
    g["fallAggregateHours"] = g["fallAggregateHours"].astype("float64")
    return g.reset_index(drop=True)

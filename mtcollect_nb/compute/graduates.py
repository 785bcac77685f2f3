"""Early graduates: grade-12 students who graduated between the fall and spring count dates.

Definition in spec/rules.md ("Early graduates"). One definition serves the spring count
(:func:`early_graduates`) and the rules ANB-17..19 (:func:`graduation_candidates`). Early
graduates are not part of the fall collection (rules.md "The season"): a fall run has none
(``Season.early_graduates``), and ANB-17..19 are declared spring only.
Decisions (spec open), kept here:
    * A student is **counted on the count date** (and so not an early graduate) when one of
      their counted enrollments (extracts.md: not marked excluded, not extracurricular-only)
      has hours in an FTE band above 0: band(the season's reported hours,
      mtSpringAggregateHours), or band(computed hours) where the reported hours are blank.
      An extracurricular-only, excluded or zero-hour enrollment does not stop an early
      graduate.
    * Candidates leave out noShow and stateExcluded enrollments and enrollments in an
      excluded calendar (the spring count never sees them). The window ends at the
      enrollment's calendar's effective count date; a calendar without one (DQ-04) uses the
      count date. One early-graduate enrollment per student: the last to end.
    * Several fall_count rows of one student in grade 12 (a primary and a partial enrollment
      on the fall count date): the early graduate's fall hours are those of the row of the
      graduating enrollment's school, else of the row with the most hours; a row with blank
      hours is used only when no row has hours.
    * Without fall_count.csv no early graduate is validated (nobody can be shown to have been
      counted in grade 12 in the fall).

Example:
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> a = tiny_analysis()
    >>> early_graduates(a, graduation_candidates(a, a.fte)).empty
    True
"""

from __future__ import annotations

import pandas as pd

from mtcollect_nb.columns import (
    BUDGET_UNIT,
    COMPUTED_HOURS,
    EFFECTIVE_COUNT_DATE,
    FTE_REPORTED,
    FTE_VALIDATED,
)
from mtcollect_nb.compute.frames import Frames
from mtcollect_nb.compute.hours import band
from mtcollect_nb.compute.joins import left_join
from mtcollect_nb.season import SPRING, Season

ON_FALL_COUNT = "onFallCount"
EARLY_GRADUATE_STATUS = "400"
#: The early graduates frame (:func:`early_graduates`); the hours are the spring count's.
GRADUATE_COLUMNS: tuple[str, ...] = (
    "enrollmentID", "personID", "stateID", "schoolNumber", "grade", BUDGET_UNIT, "endDate",
    SPRING.fields.hours, "fallAggregateHours", ON_FALL_COUNT, FTE_REPORTED, FTE_VALIDATED)


def fall_grade12(a: Frames) -> pd.DataFrame:
    """fall_count rows counted (not excluded) in grade 12: stateID, schoolNumber, hours.

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> len(fall_grade12(tiny_analysis()))
        0
    """
    f = a.table("fall_count")
    f = f.loc[(f["grade"] == "12") & ~f["excluded"] & (f["stateID"] != "")]
    return f[["stateID", "schoolNumber", "fallAggregateHours"]].reset_index(drop=True)


def counted_on_count_date(fte: pd.DataFrame, season: Season = SPRING) -> pd.Series:
    """PersonIDs with a counted enrollment on the count date whose hours give FTE > 0.

    ``fte`` is :func:`mtcollect_nb.compute.anb.enrollment_fte` (the ``season``'s hours).

    Example:
        >>> fte = pd.DataFrame({"personID": [1, 2, 3, 4], "excludedReported": [False, True,
        ...     False, False], "mtSpringAggregateHours": [1080.0, 1080.0, 0.0, float("nan")],
        ...     "computedHours": [1080.0, 1080.0, 0.0, 400.0]})
        >>> counted_on_count_date(fte).tolist()
        [1, 4]
    """
    reported = fte[season.fields.hours]
    hours = band(reported).fillna(band(fte[COMPUTED_HOURS])).fillna(0.0)
    return fte.loc[~fte["excludedReported"].astype(bool) & (hours > 0), "personID"]


def _status_400(s: pd.Series) -> pd.Series:
    return s.astype(str).str.strip() == EARLY_GRADUATE_STATUS


def _fall_hours(c: pd.DataFrame, fall: pd.DataFrame) -> pd.DataFrame:
    """Each candidate's fall_count row (module docstring): fallAggregateHours, onFallCount."""
    m = c[["enrollmentID", "stateID", "schoolNumber"]].merge(
        fall, on="stateID", suffixes=("", "_fall"))
    m = m.assign(_same=m["schoolNumber"] == m["schoolNumber_fall"],
                 _has=m["fallAggregateHours"].notna())
    m = m.sort_values(["enrollmentID", "_has", "_same", "fallAggregateHours"],
                      ascending=[True, False, False, False], kind="mergesort")
    m = m.drop_duplicates("enrollmentID")[["enrollmentID", "fallAggregateHours"]]
    out = left_join(c, m.reset_index(drop=True), "enrollmentID")
    out[ON_FALL_COUNT] = out["enrollmentID"].isin(m["enrollmentID"]).to_numpy()
    out["fallAggregateHours"] = out["fallAggregateHours"].astype("float64")
    return out


def graduation_candidates(a: Frames, fte: pd.DataFrame) -> pd.DataFrame:
    """Enrollments that ended as a graduation before their calendar's effective count date.

    endStatus 400 or a diplomaDate; noShow, stateExcluded and excluded-calendar enrollments
    and students counted on the count date (:func:`counted_on_count_date`) are left out.
    ANB-17..19 read these; :func:`early_graduates` narrows them to the spring count's.

    Returns:
        the enrollment columns, stateID, fallAggregateHours and ``onFallCount`` (counted in
        grade 12 on fall_count).

    Example:
        >>> from mtcollect_nb.testing import make_analysis, student, enrollment
        >>> a = make_analysis(students=[student(1)], enrollments=[enrollment(
        ...     10, 1, grade="12", endDate="2025-01-17", endStatus="400"),
        ...     enrollment(11, 1, grade="12", extracurricularOnly=True)])
        >>> graduation_candidates(a, a.fte)["enrollmentID"].tolist()
        [10]
    """
    e = a.enrollments
    end = e["endDate"]
    window_end = e[EFFECTIVE_COUNT_DATE].fillna(a.count_date)
    c = e.loc[end.notna() & (end < window_end) & ~e["noShow"] & ~e["stateExclude"]
              & ~e["calendarExcluded"]]
    c = c.loc[(_status_400(c["endStatus"]) | c["diplomaDate"].notna())
              & ~c["personID"].isin(counted_on_count_date(fte, a.season))]
    c = left_join(c.reset_index(drop=True), a.students[["personID", "stateID"]], "personID")
    return _fall_hours(c, fall_grade12(a))


def early_graduates(a: Frames, candidates: pd.DataFrame) -> pd.DataFrame:
    """Early graduates counted in the spring: reported, and validated against fall_count.

    ``candidates`` is :func:`graduation_candidates`. Reported: grade-12 candidates with
    endStatus 400 that ended on or after the fall count date, at band(mtSpringAggregateHours).
    Validated: those on fall_count in grade 12 and not excluded there, at
    band(mtSpringAggregateHours) or band(fallAggregateHours) where the spring hours are blank.
    A fall run has none (not part of the fall collection).

    Returns:
        :data:`GRADUATE_COLUMNS`: enrollmentID, personID, stateID, schoolNumber, grade,
        budgetUnit, endDate, mtSpringAggregateHours, fallAggregateHours, ``onFallCount``,
        ``fteReported``, ``fteValidated``.

    Example:
        >>> from mtcollect_nb.testing import make_analysis, student, enrollment
        >>> a = make_analysis(students=[student(1)], enrollments=[enrollment(
        ...     10, 1, grade="12", endDate="2025-01-17", endStatus="400")])
        >>> g = early_graduates(a, graduation_candidates(a, a.fte))
        >>> g[["fteReported", "fteValidated"]].values.tolist()
        [[1.0, 0.0]]
    """
    if not a.season.early_graduates:
        return pd.DataFrame({c: pd.Series([], dtype=object) for c in GRADUATE_COLUMNS})
    c = candidates
    g = c.loc[(c["grade"] == "12") & _status_400(c["endStatus"]) & (c["endDate"] >= a.fall)]
    g = g.sort_values(["personID", "endDate", "enrollmentID"], kind="mergesort")
    g = g.drop_duplicates("personID", keep="last")
    g = g[list(GRADUATE_COLUMNS[:-2])].copy()
    spring = band(g[SPRING.fields.hours])
    g[FTE_REPORTED] = spring.fillna(0.0)
    g[FTE_VALIDATED] = spring.fillna(band(g["fallAggregateHours"])).fillna(0.0).where(
        g[ON_FALL_COUNT].to_numpy(dtype=bool), 0.0)
    return g.reset_index(drop=True)

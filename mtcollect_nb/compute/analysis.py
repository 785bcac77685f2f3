"""One district's analysis context: the base frames plus every heavy derived frame, once.

Rules, views and the workbook read derived frames from here, so each is computed once per run.
The computations live in their own modules and take the frames they need as arguments;
:class:`Analysis` only caches what they return.

Example:
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> tiny_analysis().fte["fteValidated"].tolist()
    [1.0, 1.0]
"""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from mtcollect_nb.compute.absence import absences_table, streaks_at_count_date
from mtcollect_nb.compute.anb import anb_by_budget_unit, anb_by_grade, enrollment_fte
from mtcollect_nb.compute.chronic import attendance_table, chronic_by_student
from mtcollect_nb.compute.cte import cte_sections
from mtcollect_nb.compute.forecast import at_risk_by_unit, call_list, no_calls, streaks_as_of
from mtcollect_nb.compute.frames import Frames
from mtcollect_nb.compute.graduates import early_graduates, graduation_candidates
from mtcollect_nb.compute.hours import computed_hours


class Analysis(Frames):
    """A district run's frames with its cached heavy derived frames (streaks, hours, FTE, ANB)."""

    @cached_property
    def streaks(self) -> pd.DataFrame:
        """Per enrollment on the count date: enrollmentID, ``streak``, ``streakStart``."""
        return streaks_at_count_date(self)

    @cached_property
    def computed_hours(self) -> pd.DataFrame:
        """Per enrollment on the count date: enrollmentID, ``computedHours``."""
        return computed_hours(self)

    @cached_property
    def fte(self) -> pd.DataFrame:
        """Per enrollment on the count date: FTE reported/validated and computed exclusions."""
        return enrollment_fte(self, self.streaks, self.computed_hours)

    @cached_property
    def graduation_candidates(self) -> pd.DataFrame:
        """Graduations before the count date, for ANB-17..19 (:mod:`.graduates`)."""
        return graduation_candidates(self, self.fte)

    @cached_property
    def early_graduates(self) -> pd.DataFrame:
        """Early graduates, reported and validated (:mod:`.graduates`; none in a fall run)."""
        return early_graduates(self, self.graduation_candidates)

    @cached_property
    def anb_table(self) -> pd.DataFrame:
        """The ANB sheet: one row per schoolNumber x grade (columns ``season.anb_columns``)."""
        return anb_by_grade(self, self.fte, self.early_graduates)

    @cached_property
    def budget_units(self) -> pd.DataFrame:
        """ANB per budget unit (``season.budget_unit_columns``; a fall run: the fall count)."""
        return anb_by_budget_unit(self.anb_table, self.params.pir_days, self.season)

    @cached_property
    def absences_table(self) -> pd.DataFrame:
        """The Absences sheet: enrollments on the count date with streak >= 6."""
        return absences_table(self, self.streaks)

    @cached_property
    def cte_sections(self) -> pd.DataFrame:
        """The CTE sheet without its ``findings`` column (see :mod:`mtcollect_nb.compute.cte`)."""
        return cte_sections(self)

    # ---- before the count date (forecast.py) and chronic absence (chronic.py) ----------------
    # In a forecast run (``as_of``) attendance after ``as_of`` is not read
    # (compute/thresholds.known_attendance): ``streaks`` at the count date are all 0 and
    # ``fte``, ``anb_table`` and ``budget_units`` are the count with no absences after as_of.
    @cached_property
    def streaks_as_of(self) -> pd.DataFrame:
        """Per enrollment on the count date: streakAsOf, daysLeft, atRisk (forecast runs)."""
        return streaks_as_of(self)

    @cached_property
    def chronic_by_student(self) -> pd.DataFrame:
        """Per student in a school: daysEnrolled, daysAbsent, chronicallyAbsent."""
        return chronic_by_student(self)

    @cached_property
    def attendance_table(self) -> pd.DataFrame:
        """The Attendance sheet: chronic absence per schoolNumber x grade."""
        return attendance_table(self.chronic_by_student)

    @cached_property
    def call_list(self) -> pd.DataFrame:
        """The Call list sheet's rows (CALL_LIST_COLUMNS; empty unless a forecast run)."""
        if not self.params.forecast:  # nobody listed: the frames it joins are not needed
            return no_calls()
        return call_list(self, self.streaks_as_of, self.fte, self.chronic_by_student)

    @cached_property
    def at_risk_by_unit(self) -> pd.DataFrame:
        """FTE and ANB at risk per budget unit (AT_RISK_COLUMNS; 0 unless a forecast run)."""
        return at_risk_by_unit(self.call_list, self.params.pir_days)

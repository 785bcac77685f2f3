"""The fall run's fall_count.csv: the certified fall count, as the spring run reads it.

A fall run (``collection_season: fall``) is the fall count: it writes one row per enrollment
on the fall count date as the district reported it, in the extract contract's form
(extracts.md: ``stateID, schoolNumber, grade, fallAggregateHours, excluded``), into its own
folder (``output_dir/fall/``). The spring run of the same parameters reads it when its
extracts folder has no fall_count.csv (:func:`mtcollect_nb.season.fall_count_file`).

``excluded`` is what the fall count did not count: mtExcludeFallANB, mtExcludeANB or
extracurricular only (the fall run's ``excludedReported``), and an enrollment the 1.0 cap per
student left with nothing (a second enrollment of a full-time student: the spring run sums
band(hours) row by row, without the cap, so the row must say it was not counted); the hours
are the reported ``mtFallAggregateHours``. An enrollment the cap cuts only in part keeps its
hours (ANB-08 finds such students in the fall run: fixed before the fall count is certified).
A masked run writes no file: the spring run needs the students' real state IDs (early
graduates are matched by them), and a masked run shows none.

Example:
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> from mtcollect_nb.checks.run import run_from_analysis
    >>> list(fall_count_frame(run_from_analysis(tiny_analysis())).columns)
    ['stateID', 'schoolNumber', 'grade', 'fallAggregateHours', 'excluded']
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mtcollect_nb.checks.run import DistrictRun
from mtcollect_nb.columns import FTE_REPORTED
from mtcollect_nb.compute.anb import EXCLUDED_REPORTED, FTE_REPORTED_UNCAPPED
from mtcollect_nb.compute.joins import take_by_key
from mtcollect_nb.files import write_csv
from mtcollect_nb.outputs import FALL_COUNT_CSV

#: The columns of fall_count.csv (extracts.md), in the contract's order.
FALL_COUNT_COLUMNS: tuple[str, ...] = ("stateID", "schoolNumber", "grade",
                                       "fallAggregateHours", "excluded")


def fall_count_frame(run: DistrictRun) -> pd.DataFrame:
    """The run's enrollments on its count date in fall_count.csv's form (text, as exported).

    Read by the season's fields: in a fall run, ``mtFallAggregateHours`` and the fall flags.
    """
    a = run.analysis
    fte = a.fte
    hours = pd.to_numeric(fte[a.season.fields.hours], errors="coerce").round(2)
    cut = ((fte[FTE_REPORTED] == 0) & (fte[FTE_REPORTED_UNCAPPED] > 0)).to_numpy()
    return pd.DataFrame({
        "stateID": take_by_key(fte["personID"], a.students, "personID", "stateID")
        .astype(object).fillna("").to_numpy(),
        "schoolNumber": fte["schoolNumber"].astype(object).fillna("").to_numpy(),
        "grade": fte["grade"].astype(object).fillna("").to_numpy(),
        "fallAggregateHours": hours.map(lambda h: "" if pd.isna(h) else f"{h:g}").to_numpy(),
        "excluded": np.where(fte[EXCLUDED_REPORTED].astype(bool) | cut, "1", "0"),
    }, columns=list(FALL_COUNT_COLUMNS))


def write_fall_count(run: DistrictRun, out_dir: Path) -> Path | None:
    """Write ``out_dir/fall_count.csv`` for a fall run (atomically); None when none is written.

    Nothing is written by a spring run (it reads the fall count) or a masked run (module
    docstring); a fall_count.csv left by an earlier run of the folder is then removed, so the
    spring run never reads a stale count.
    """
    path = Path(out_dir) / FALL_COUNT_CSV
    if run.params.season.reads_fall_count:
        return None
    if run.masked:
        path.unlink(missing_ok=True)
        return None
    return write_csv(fall_count_frame(run), path)

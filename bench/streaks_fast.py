"""Prototype of the streak engine: :func:`mtcollect_nb.streak_grid.grid_streaks` with a numpy
whole-day test (:func:`whole_day_fast`), under compute_streaks' signature.

Kept to measure the engine's pieces separately (``absence.compute_streaks`` delegates to
streak_grid once adopted); see bench/README.md.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mtcollect_nb.streak_grid import grid_streaks


def whole_day_fast(minutes: pd.Series, present: pd.Series, excuse: pd.Series,
                   threshold: pd.Series) -> pd.Series:
    """absence.whole_day_absence on numpy arrays; excuse codes normalised per distinct value
    and only on rows absent by the minutes."""
    from mtcollect_nb.absence import EXEMPT

    mins = pd.to_numeric(minutes, errors="coerce").to_numpy(dtype="float64", na_value=0.0)
    pres = pd.to_numeric(present, errors="coerce").to_numpy(dtype="float64", na_value=0.0)
    need = pd.to_numeric(threshold, errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
    need = np.minimum(np.where(np.isnan(need), mins, need), mins)
    whole = (mins - pres) >= need
    idx = np.flatnonzero(whole)
    codes_, uniques = pd.factorize(excuse.to_numpy(dtype=object)[idx], use_na_sentinel=True)
    exempt = np.array([str(u).strip().upper() == EXEMPT for u in uniques] + [False], dtype=bool)
    whole[idx[exempt[codes_]]] = False
    return pd.Series(whole, index=minutes.index)


def fast_streaks(instructional_days: pd.DataFrame, attendance: pd.DataFrame,
                 enrollments: pd.DataFrame, calendars: pd.DataFrame,
                 targets: pd.Series | None = None) -> pd.DataFrame:
    """compute_streaks' signature and result, computed by :func:`grid_streaks`."""
    from mtcollect_nb.absence import _target_frame

    tgt = _target_frame(enrollments, targets, calendars)
    return grid_streaks(tgt, instructional_days, attendance, enrollments, calendars,
                        whole_day_fast)

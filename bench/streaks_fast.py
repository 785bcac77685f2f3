"""Prototype: absence streaks on a dense (person x calendar) x days-back grid (pure numpy).

Same inputs, semantics and output as :func:`mtcollect_nb.absence.compute_streaks`; written to
measure how far the engine can go below its pandas merge/groupby version. No sort and no
merge of the attendance table:

* per calendar, every instructional day up to the effective count date gets ``back`` = how
  many instructional days before the count date it is (0 on the count date); a small dense
  table ``[calendar, day]`` gives it to each attendance row by one gather;
* grid rows are the (person, calendar) pairs of the target enrollments; a whole-day absence
  sets ``absent[pair, back]``, and the pair's enrollments (not noShow) mark the instructional
  days they cover with a difference array along ``back``;
* the streak is the first ``back`` that is not (absent and enrolled): one ``argmin`` per row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mtcollect_nb.absence import EXEMPT, _target_frame

_NS_PER_DAY = 86_400_000_000_000
_DENSE_MAX = 1 << 22  # largest key range looked up through a dense table (else hashing)


def _days(values: pd.Series | np.ndarray) -> np.ndarray:
    """Whole days since 1970-01-01 (int64); NaT -> a hugely negative number."""
    ns = np.asarray(values, dtype="datetime64[ns]").view("int64")
    return ns // _NS_PER_DAY


def _codes(universe: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Index of each value in ``universe`` (distinct int64), -1 where absent."""
    if len(universe) == 0:
        return np.full(len(values), -1, dtype=np.int64)
    lo, hi = int(universe.min()), int(universe.max())
    if hi - lo >= _DENSE_MAX:
        return pd.Index(universe).get_indexer(values).astype(np.int64)
    table = np.full(hi - lo + 1, -1, dtype=np.int64)
    table[universe - lo] = np.arange(len(universe))
    inside = (values >= lo) & (values <= hi)
    out = np.full(len(values), -1, dtype=np.int64)
    out[inside] = table[values[inside] - lo]
    return out


def _exempt(excuse: np.ndarray) -> np.ndarray:
    """``str(excuse).strip().upper() == "X"``, computed once per distinct value."""
    codes, uniques = pd.factorize(excuse, use_na_sentinel=True)
    flags = np.array([str(u).strip().upper() == EXEMPT for u in uniques] + [False], dtype=bool)
    return flags[codes]


def _floats(s: pd.Series, fill: float) -> np.ndarray:
    return pd.to_numeric(s, errors="coerce").to_numpy(dtype="float64", na_value=fill)


class _Days:
    """Per calendar code: instructional days up to the count date, numbered backwards."""

    def __init__(self, instructional_days: pd.DataFrame, cal_ids: np.ndarray,
                 ecd_day: np.ndarray) -> None:
        ncal = len(cal_ids)
        cal = _codes(cal_ids, instructional_days["calendarID"].to_numpy(dtype="int64"))
        day = _days(instructional_days["date"])
        mins = _floats(instructional_days["minutes"], 0.0)
        keep = (cal >= 0) & (day <= ecd_day[cal.clip(0)])
        order = np.lexsort((-day[keep], cal[keep]))  # per calendar, latest day first
        cal, day, mins = cal[keep][order], day[keep][order], mins[keep][order]
        first = np.searchsorted(cal, np.arange(ncal))
        back = np.arange(len(cal)) - first[cal]
        self.count = np.bincount(cal, minlength=ncal)  # instructional days up to the ecd
        self.width = int(self.count.max()) if len(cal) else 0
        self.day0 = int(day.min()) if len(day) else 0
        span = (int(day.max()) - self.day0 + 1) if len(day) else 1
        self.back = np.full((ncal + 1, span), -1, dtype=np.int64)  # row ncal: unknown calendar
        self.back[cal, day - self.day0] = back
        self.minutes = np.zeros((ncal + 1, span))
        self.minutes[cal, day - self.day0] = mins
        self.date = np.full((ncal + 1, self.width + 1), np.iinfo(np.int64).min, dtype=np.int64)
        self.date[cal, back] = day
        # back of the first instructional day on/after, and last on/before, each day
        self.ge = np.full((ncal + 1, span), -1, dtype=np.int64)
        self.le = np.full((ncal + 1, span), -1, dtype=np.int64)
        for c in range(ncal):  # per calendar (tens of them), not per student or day
            rows = slice(first[c], first[c] + self.count[c])
            d, b = day[rows][::-1] - self.day0, back[rows][::-1]  # ascending dates
            if len(d) == 0:
                continue
            idx_ge = np.searchsorted(d, np.arange(span), "left")
            ok = idx_ge < len(d)
            self.ge[c, ok] = b[idx_ge[ok]]
            idx_le = np.searchsorted(d, np.arange(span), "right") - 1
            ok = idx_le >= 0
            self.le[c, ok] = b[idx_le[ok]]
        self.span = span

    def lookup(self, table: np.ndarray, cal: np.ndarray, day: np.ndarray,
               below: int, above: int) -> np.ndarray:
        """``table[cal, day]``; days before/after the table's range give ``below``/``above``."""
        rel = day - self.day0
        out = table[cal, rel.clip(0, self.span - 1)]
        return np.where(rel < 0, below, np.where(rel >= self.span, above, out))


def fast_streaks(instructional_days: pd.DataFrame, attendance: pd.DataFrame,
                 enrollments: pd.DataFrame, calendars: pd.DataFrame,
                 targets: pd.Series | None = None) -> pd.DataFrame:
    """Per target enrollment: enrollmentID, streak, streakStart (see the module docstring)."""
    tgt = _target_frame(enrollments, targets, calendars)
    cal_ids = calendars["calendarID"].to_numpy(dtype="int64")
    ncal = len(cal_ids)
    ecd_day = np.append(_days(calendars["effectiveCountDate"]), np.iinfo(np.int64).min)
    days = _Days(instructional_days, cal_ids, ecd_day)
    width = days.width

    # grid rows: the distinct (person, calendar) pairs of the targets
    t_person = tgt["personID"].to_numpy(dtype="int64")
    t_cal = _codes(cal_ids, tgt["calendarID"].to_numpy(dtype="int64"))
    t_cal = np.where(t_cal < 0, ncal, t_cal)
    persons = pd.unique(t_person)
    t_key = _codes(persons, t_person) * (ncal + 1) + t_cal
    pair_keys = pd.unique(t_key)
    t_pair = _codes(pair_keys, t_key)
    npairs = len(pair_keys)

    def pair_of(person: np.ndarray, cal: np.ndarray) -> np.ndarray:
        p = _codes(persons, person)
        return np.where(p < 0, -1, _codes(pair_keys, p * (ncal + 1) + cal))

    # whole-day absences on instructional days up to the count date
    a_cal = _codes(cal_ids, attendance["calendarID"].to_numpy(dtype="int64"))
    a_cal = np.where(a_cal < 0, ncal, a_cal)
    a_day = _days(attendance["date"])
    back = days.lookup(days.back, a_cal, a_day, -1, -1)
    a_pair = pair_of(attendance["personID"].to_numpy(dtype="int64"), a_cal)
    sel = np.flatnonzero((back >= 0) & (a_pair >= 0))
    a_cal, a_day, back, a_pair = a_cal[sel], a_day[sel], back[sel], a_pair[sel]
    mins = days.minutes[a_cal, a_day - days.day0]
    thr = np.append(_floats(calendars["wholeDayAbsence"], np.nan), np.nan)[a_cal]
    need = np.minimum(np.where(np.isnan(thr), mins, thr), mins)
    pres = _floats(attendance["presentMinutes"].iloc[sel], 0.0)
    whole = np.flatnonzero(mins - pres >= need)
    whole = whole[~_exempt(attendance["excuse"].to_numpy()[sel[whole]])]
    grid = np.zeros((npairs, width + 1), dtype=bool)  # last column never set: argmin stops
    grid[a_pair[whole], back[whole]] = True

    run = grid.argmin(axis=1)

    # enrolled days, only for pairs with an absence run: each enrollment (not noShow) of the
    # pair covers a range of ``back``; the run stops at the first day no enrollment covers
    cand = np.flatnonzero(run > 0)
    if len(cand):
        e_cal = _codes(cal_ids, enrollments["calendarID"].to_numpy(dtype="int64"))
        e_cal = np.where(e_cal < 0, ncal, e_cal)
        e_row = _codes(cand, pair_of(enrollments["personID"].to_numpy(dtype="int64"), e_cal))
        e_sel = np.flatnonzero((e_row >= 0) & ~enrollments["noShow"].to_numpy(dtype=bool))
        e_cal, e_row = e_cal[e_sel], e_row[e_sel]
        hi = days.lookup(days.ge, e_cal, _days(enrollments["startDate"].to_numpy()[e_sel]),
                         days.width, -1)
        end = enrollments["endDate"].to_numpy(dtype="datetime64[ns]")[e_sel]
        lo = np.where(np.isnat(end), 0, days.lookup(days.le, e_cal, _days(end), -1, 0))
        ok = (hi >= 0) & (lo >= 0) & (lo <= hi)
        cover = np.zeros((len(cand), width + 2), dtype=np.int32)
        np.add.at(cover, (e_row[ok], lo[ok]), 1)
        np.add.at(cover, (e_row[ok], np.minimum(hi[ok], width) + 1), -1)
        enrolled = np.cumsum(cover, axis=1)[:, : width + 1] > 0
        run[cand] = (grid[cand] & enrolled).argmin(axis=1)
    streak = run[t_pair]
    start_day = days.date[t_cal, np.maximum(streak - 1, 0)]
    start = np.where(streak > 0, start_day * _NS_PER_DAY, np.iinfo(np.int64).min)
    return pd.DataFrame({"enrollmentID": tgt["enrollmentID"].to_numpy(),
                         "streak": streak.astype("int64"),
                         "streakStart": start.view("datetime64[ns]")})

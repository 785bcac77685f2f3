"""Exception-only attendance: a code matrix (student x school day), streaks, and the CSV rows.

Codes: 0 present (no row), 1 absent excused, 2 absent unexcused, 3 absent exempt (does not
count), 4 tardy, 5 early release, 6 partial-day absence (an hour or two missed). Each student
has their own absence rate (mean about 5% of days; a few chronically absent), so the data look
like a real school and long streaks essentially never happen by chance.

Example:
    >>> from mtcollect_nb.synthetic.model import District
    >>> from mtcollect_nb.synthetic.people import build_people
    >>> from mtcollect_nb.synthetic.enroll import build_enrollments
    >>> d = District.new(students=100, seed=1, number="0999", name="X")
    >>> build_people(d); build_enrollments(d); build_attendance_codes(d)
    >>> d.att.shape == (100, len(d.year.dates))
    True
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mtcollect_nb.synthetic.model import District

PRESENT, EXCUSED, UNEXCUSED, EXEMPT, TARDY, EARLY, PARTIAL = range(7)
_STATUS = np.array(["", "A", "A", "A", "T", "E", "A"], dtype=object)
_EXCUSE = np.array(["", "E", "U", "X", "U", "E", "E"], dtype=object)


def build_attendance_codes(d: District) -> None:
    """Draw ``d.att``: per student a rate, per day a code (vectorized over the matrix)."""
    n, days = len(d.pop), len(d.year.dates)
    rate = np.clip(d.rng.gamma(2.0, 0.025, n), 0.0, 0.35)[:, None]
    u = d.rng.random((n, days))
    kind = d.rng.random((n, days))
    absent = u < rate
    code = np.select(
        [absent & (kind < 0.6), absent & (kind < 0.92), absent,
         u < rate + 0.02, u < rate + 0.025, u < rate + 0.035],
        [EXCUSED, UNEXCUSED, EXEMPT, TARDY, EARLY, PARTIAL], PRESENT).astype("int8")
    d.att = code


def _calendar_grid(d: District, column: str) -> tuple[np.ndarray, np.ndarray]:
    """(row of each pop student in the calendar grid, grid calendar x date of ``column``)."""
    days = d.tables["days"]
    cals = d.cal_meta["calendarID"].to_numpy()
    grid = days[column].to_numpy().reshape(len(cals), len(d.year.dates))
    row = pd.Index(cals).get_indexer(d.pop["calendarID"])
    return row, grid


def enrolled_mask(d: District) -> np.ndarray:
    """Student x date: enrolled (not no-show, not extracurricular) in their own calendar."""
    e = d.tables["enrollments"]
    pos = pd.Index(d.pop["personID"]).get_indexer(e["personID"])
    own = (pos >= 0) & (e["calendarID"].to_numpy() == d.pop["calendarID"].to_numpy()[pos])
    e = e.loc[own & ~e["noShow"].to_numpy() & ~e["extracurricularOnly"].to_numpy()]
    pos = pd.Index(d.pop["personID"]).get_indexer(e["personID"])
    dates = d.year.dates
    start = dates.searchsorted(e["startDate"])
    end = dates.searchsorted(e["endDate"].fillna(dates[-1]), side="right")
    diff = np.zeros((len(d.pop), len(dates) + 1), dtype="int32")
    np.add.at(diff, (pos, start), 1)
    np.add.at(diff, (pos, end), -1)
    return np.cumsum(diff, axis=1)[:, :-1] > 0


def streak_at_count_date(d: District, at: str = "ecd") -> np.ndarray:
    """Per pop student: consecutive whole-day absences ending on their calendar's count date.

    ``at``: ``ecd`` (the effective spring count date) or ``fcd`` (the effective fall one).
    """
    whole = np.isin(d.att, (EXCUSED, UNEXCUSED)) & enrolled_mask(d)
    row, inst = _calendar_grid(d, "instruction")
    out = np.zeros(len(d.pop), dtype="int64")
    ecd_idx = d.year.dates.get_indexer(d.cal_meta[at])
    for c in range(len(d.cal_meta)):
        who = np.flatnonzero(row == c)
        cols = np.flatnonzero(inst[c][: ecd_idx[c] + 1])[::-1]
        if len(who) and len(cols):
            out[who] = np.cumprod(whole[np.ix_(who, cols)], axis=1).sum(axis=1)
    return out


def set_streak(d: District, person_id: int, n_days: int, code: int = UNEXCUSED,
               gap_code: int = PRESENT, at: str = "ecd") -> list[pd.Timestamp]:
    """Make ``person_id``'s streak at the count date exactly ``n_days``; returns the dates.

    The day before the streak gets ``gap_code`` (present by default) so the streak stops.
    ``at``: the count date (``ecd`` spring, ``fcd`` fall), as :func:`streak_at_count_date`.
    """
    i = int(pd.Index(d.pop["personID"]).get_loc(person_id))
    row, inst = _calendar_grid(d, "instruction")
    ecd = d.cal_meta[at].iloc[row[i]]
    cols = np.flatnonzero(inst[row[i]][: d.year.index(ecd) + 1])
    d.att[i, cols[-n_days:]] = code
    d.att[i, cols[-n_days - 1]] = gap_code
    return list(d.year.dates[cols[-n_days:]])


def attendance_rows(d: District) -> pd.DataFrame:
    """The attendance.csv rows: non-present codes on enrolled instructional days up to as-of."""
    row, inst = _calendar_grid(d, "instruction")
    _, minutes = _calendar_grid(d, "minutes")
    mask = (d.att > 0) & enrolled_mask(d) & inst[row]
    mask &= np.asarray(d.year.dates <= d.year.as_of)[None, :]
    mask &= ~d.pop["kind"].isin(["home"]).to_numpy()[:, None]
    i, j = np.nonzero(mask)
    code = d.att[i, j]
    mins = minutes[row[i], j]
    missed = np.select(
        [code == TARDY, code == EARLY, code == PARTIAL],
        [d.rng.integers(5, 30, len(i)), d.rng.integers(60, 150, len(i)),
         d.rng.integers(60, 180, len(i))], 0)
    present = np.where(code <= EXEMPT, 0, np.maximum(mins - missed, 30))
    return pd.DataFrame({
        "personID": d.pop["personID"].to_numpy()[i],
        "calendarID": d.pop["calendarID"].to_numpy()[i],
        "date": d.year.dates[j], "presentMinutes": present.astype("int64"),
        "status": _STATUS[code], "excuse": _EXCUSE[code],
    })

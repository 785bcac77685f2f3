"""The planted cases: at least one per rule of spec/rules.md, plus near-misses that must pass.

Trainers point at these. :data:`PLANTED` says in one sentence what was planted for each rule
id; :func:`planted_cases` builds a district and returns, per rule, the description and the
exact keys (personID, stateID, enrollmentID, sectionID, courseID) of the planted rows. The
cases themselves live in :mod:`.plant_anb`, :mod:`.plant_anb_counted`, :mod:`.plant_reminders`
and :mod:`.plant_tc`; the data-quality rows (DQ-01..03 here, DQ-04 in :mod:`.plant_dq`) are
text-level edits made just before the CSV is written.

Example:
    >>> sorted(PLANTED)[:3], len(PLANTED)
    (['ANB-01', 'ANB-02', 'ANB-03'], 44)
"""

from __future__ import annotations

import pandas as pd

# registration order is planting order (each case draws its students in turn)
from mtcollect_nb.synthetic import (  # noqa: F401 (register)
    plant_anb,
    plant_anb_counted,
    plant_reminders,
    plant_tc,
)
from mtcollect_nb.synthetic.ic_counts import PLANTED_DESCRIPTION as _REC
from mtcollect_nb.synthetic.model import District
from mtcollect_nb.synthetic.plant_dq import DQ04_DESCRIPTION, plant_dq04
from mtcollect_nb.synthetic.planter import CASES, Planter, fix_dtypes

UNKNOWN_PERSON = 999999
BAD_DATE = "2025-02-30"
_DQ: dict[str, str] = {
    "DQ-01": "An enrollment row exported twice (same enrollmentID on two lines).",
    "DQ-02": f"An attendance row for personID {UNKNOWN_PERSON}, who is not in students.csv.",
    "DQ-03": f"An attendance row dated {BAD_DATE}, which is not a date.",
    "DQ-04": DQ04_DESCRIPTION,
}


def _descriptions() -> tuple[dict[str, str], dict[str, str]]:
    planted: dict[str, list[str]] = {}
    for c in CASES:
        planted.setdefault(c.rule, []).append(c.description)
    joined = {k: " Also: ".join(v) for k, v in planted.items()}
    rules = {k: v for k, v in joined.items() if not k.startswith("near:")}
    near = {k: v for k, v in joined.items() if k.startswith("near:")}
    rules.update(_DQ, **{"REC-01": _REC})
    return dict(sorted(rules.items())), dict(sorted(near.items()))


#: rule id -> one-sentence description of what is planted for it.
PLANTED: dict[str, str]
#: ``near:<rule id>`` -> near-miss cases that must NOT produce a finding of that rule.
NEAR_MISSES: dict[str, str]
PLANTED, NEAR_MISSES = _descriptions()


def _run(d: District, phase: str) -> None:
    p = Planter(d)
    p.used = {pid for keys in d.planted.values() for pid in keys.get("personID", [])}
    for c in CASES:
        if c.phase != phase:
            continue
        p.rule = c.rule
        if c.fn(p):
            d.plan[c.rule] = (d.plan[c.rule] + " Also: " + c.description
                              if c.rule in d.plan else c.description)
        fix_dtypes(d)


def plant_enrollments(d: District) -> None:
    """Plant the cases that change enrollments and side tables (before schedules exist)."""
    _run(d, "enroll")


def plant_schedule(d: District) -> None:
    """Plant the cases that need schedules or attendance (after both are generated)."""
    _run(d, "schedule")


def _dq_targets(d: District) -> tuple[int, int, int | None]:
    """Rows of enrollments: to duplicate, of the student given a bad-date row, copied (DQ-04).

    The DQ-04 row is None in a district too small to have one more ordinary student.
    """
    used = {pid for keys in d.planted.values() for pid in keys.get("personID", [])}
    e = d.tables["enrollments"]
    ok = (~e["personID"].isin(used) & e["personID"].isin(
        d.pop.loc[d.pop["role"] == "plain", "personID"])).to_numpy()
    rows = d.take(ok, 2)
    ok &= ~e["personID"].isin(e["personID"].iloc[rows]).to_numpy()
    more = d.take(ok, 1)
    return int(rows[0]), int(rows[-1]), int(more[0]) if len(more) else None


def plant_text(d: District, frames: dict[str, pd.DataFrame]) -> None:
    """Add the data-quality cases to the text frames (rows the loader must reject)."""
    dup, bad, dq04 = _dq_targets(d)
    e = frames["enrollments"]
    frames["enrollments"] = pd.concat([e.iloc[: dup + 1], e.iloc[[dup]], e.iloc[dup + 1:]],
                                      ignore_index=True)
    enr = d.tables["enrollments"].iloc[bad]
    a = frames["attendance"]
    extra = pd.DataFrame([
        {"personID": str(UNKNOWN_PERSON), "calendarID": str(enr["calendarID"]),
         "date": "2025-01-15", "presentMinutes": "0", "status": "A", "excuse": "U"},
        {"personID": str(enr["personID"]), "calendarID": str(enr["calendarID"]),
         "date": BAD_DATE, "presentMinutes": "0", "status": "A", "excuse": "E"},
    ])
    frames["attendance"] = pd.concat([a, extra], ignore_index=True)
    d.planted["DQ-01"] = {"enrollmentID": [int(d.tables["enrollments"]["enrollmentID"].iloc[dup])]}
    d.planted["DQ-02"] = {"personID": [UNKNOWN_PERSON]}
    d.planted["DQ-03"] = {"personID": [int(enr["personID"])]}
    for rule, text in _DQ.items():
        d.plan[rule] = text
    if dq04 is not None:
        plant_dq04(d, frames, dq04)

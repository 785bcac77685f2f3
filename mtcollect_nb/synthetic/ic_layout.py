"""A synthetic district written as Infinite Campus lays its exports out (``layout="ic"``).

Post-processing of a folder written in the contract's layout (like
:func:`~mtcollect_nb.synthetic.periods.to_period_form`): the same district, the same facts,
IC's layout (spec/extracts.md, "The export as IC writes it"), so every finding and count can be
compared with the contract layout:

* days.csv names each day's ``periodScheduleID`` and has **no minutes** (IC keeps none on a
  Day); periods.csv holds one period schedule per calendar and day length (the full day: six
  periods and a lunch; shorter days: two periods), each period with ``startTime``/``endTime``
  and IC's ``nonInstructional`` checkbox (no minutes);
* attendance.csv is in the period form with IC's attendance **codes** (attendance_codes.csv
  gives their status and excuse; most rows carry only the code, every seventh its own status
  and excuse too): a wholly absent period has **no presentMinutes**, a partly attended one
  keeps its minutes;
* IC's own names: schools ``number`` (and no district number: IC's School has none),
  calendars ``calendarStart``/``calendarEnd``/``exclude``, enrollments
  ``enrollmentStateExclude`` and both ``grade`` and ``stateGrade`` (as in IC's student view),
  students both ``lastName``/``firstName`` and ``legalLastName``/``legalFirstName``, programs
  ``code``, graduation ``grade9Date``; rosters carry ``trialID`` and section staff ``trialID``
  and ``trialActive`` (one active trial).

Example:
    >>> import tempfile
    >>> from pathlib import Path
    >>> from mtcollect_nb.synthetic.write import write_district
    >>> out = write_district(Path(tempfile.mkdtemp()) / "x", students=40, seed=5, plant=False,
    ...                      layout="ic")
    >>> (out / "days.csv").read_text().splitlines()[0]
    'calendarID,date,schoolDay,instruction,attendance,periodScheduleID'
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from mtcollect_nb.synthetic.periods import periods_frame, split_text

#: (status, excuse) -> IC attendance code, and its description.
CODES: dict[tuple[str, str], tuple[str, str]] = {
    ("A", "E"): ("AE", "Absent excused"), ("A", "U"): ("AU", "Absent unexcused"),
    ("A", "X"): ("EX", "Exempt (school activity)"), ("T", "U"): ("TU", "Tardy"),
    ("T", "E"): ("TE", "Tardy excused"), ("E", "E"): ("EE", "Early release excused"),
    ("E", "U"): ("EU", "Early release unexcused"),
}
#: Every ``OWN_STATUS_EVERY``-th attendance row keeps its own status and excuse beside the code.
OWN_STATUS_EVERY = 7
#: IC's own names of contract columns, per file (the header is renamed, values untouched).
RENAMES: dict[str, dict[str, str]] = {
    "schools": {"schoolNumber": "number"},
    "calendars": {"startDate": "calendarStart", "endDate": "calendarEnd",
                  "stateExclude": "exclude"},
    "enrollments": {"stateExclude": "enrollmentStateExclude"},
    "programs": {"program": "code"},
    "graduation": {"dateFirstEntered9": "grade9Date"},
}
#: Second headers of one column, as in IC's ``student`` view (the contract's own name is read).
COPIES: dict[str, dict[str, str]] = {
    "students": {"lastName": "legalLastName", "firstName": "legalFirstName"},
    "enrollments": {"grade": "stateGrade"},
}
_ENCODING = {"students": "cp1252", "staff": "cp1252"}


def _read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False,
                       encoding=_ENCODING.get(name, "utf-8"))


def _write(folder: Path, name: str, df: pd.DataFrame) -> None:
    df.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n",
              encoding=_ENCODING.get(name, "utf-8"))


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def schedules(calendar_ids: list[int], days: pd.DataFrame) -> tuple[pd.DataFrame, pd.Series]:
    """periods.csv rows of every period schedule, and each day's periodScheduleID.

    Per calendar: schedule ``cid * 10 + 1`` is the full day (the periods of
    :func:`periods_frame`, same periodIDs), and ``cid * 10 + k`` (k = 2, ...) each shorter
    day length, as two periods. A day that is not instructional names the full-day schedule
    (its minutes are 0 whatever the schedule).
    """
    full = periods_frame(pd.DataFrame({"calendarID": calendar_ids}), days)
    full["periodScheduleID"] = full["calendarID"] * 10 + 1
    rows = [full]
    day_sched = pd.Series(0, index=days.index, dtype="int64")
    for cid in calendar_ids:
        mine = (days["calendarID"] == cid).to_numpy()
        inst = mine & days["instruction"].to_numpy()
        longest = int(days.loc[inst, "minutes"].max()) if inst.any() else 360
        day_sched[mine] = cid * 10 + 1
        for k, m in enumerate(sorted(set(days.loc[inst, "minutes"].astype(int)) - {longest}),
                              start=2):
            first = m // 2
            rows.append(pd.DataFrame({
                "calendarID": cid, "periodScheduleID": cid * 10 + k,
                "periodID": [cid * 100 + 10 * k + 1, cid * 100 + 10 * k + 2],
                "name": ["Short 1", "Short 2"], "minutes": [first, m - first],
                "startTime": "", "endTime": "", "instructional": True}))
            day_sched[inst & (days["minutes"] == m).to_numpy()] = cid * 10 + k
    out = pd.concat(rows, ignore_index=True)
    return out, day_sched


def _timed(periods: pd.DataFrame) -> pd.DataFrame:
    """periods.csv as IC gives it: start and end times (from 08:00) and nonInstructional."""
    out = periods.copy()
    mins = out["minutes"].astype("Float64").fillna(
        pd.Series([_span(s, e) for s, e in zip(out["startTime"], out["endTime"], strict=True)],
                  dtype="Float64")).astype(int)
    start = 8 * 60 + mins.groupby(out["periodScheduleID"]).cumsum() - mins
    out["startTime"] = start.map(_hhmm)
    out["endTime"] = (start + mins).map(_hhmm)
    out["nonInstructional"] = np.where(out["instructional"], "", "1")
    return out[["calendarID", "periodScheduleID", "periodID", "name", "startTime", "endTime",
                "nonInstructional"]]


def _span(start: str, end: str) -> float:
    if not start or not end:
        return float("nan")
    h1, m1 = map(int, start.split(":"))
    h2, m2 = map(int, end.split(":"))
    return float(h2 * 60 + m2 - h1 * 60 - m1)


def _attendance(folder: Path, days: pd.DataFrame, full: pd.DataFrame,
                rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """attendance.csv in the period form with codes, and attendance_codes.csv."""
    out = split_text(_read(folder, "attendance"), days, full, rng)
    pairs = list(zip(out["status"].str.strip().str.upper(), out["excuse"].str.strip().str.upper(),
                     strict=True))
    out["code"] = [CODES.get(p, (f"{p[0]}{p[1]}", ""))[0] for p in pairs]
    absent = (out["periodID"].ne("") & out["status"].str.strip().str.upper().eq("A")
              & out["presentMinutes"].eq("0"))
    out.loc[absent, "presentMinutes"] = ""  # IC: an absent period has no minutes
    own = np.arange(len(out)) % OWN_STATUS_EVERY == 0
    out.loc[~own, ["status", "excuse"]] = ""
    used = sorted(set(pairs))
    codes = pd.DataFrame([(CODES.get(p, (f"{p[0]}{p[1]}", ""))[0], p[0], p[1],
                           CODES.get(p, ("", ""))[1]) for p in used],
                         columns=["code", "status", "excuse", "description"]).drop_duplicates(
        "code")
    return out, codes


def schedule_layout(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame,
                                           pd.DataFrame]:
    """IC's days.csv and periods.csv (text) for a contract-layout folder's days.

    Returns days.csv with periodScheduleID and no minutes, periods.csv with schedules, times
    and the nonInstructional checkbox, the typed days, and the full-day periods (typed: the
    periods the period form of attendance uses).
    """
    days = _read(folder, "days")
    typed = days.assign(calendarID=days["calendarID"].astype("int64"),
                        date=pd.to_datetime(days["date"]),
                        instruction=days["instruction"].eq("1"),
                        minutes=days["minutes"].astype("int64"))
    cals = sorted(int(c) for c in _read(folder, "calendars")["calendarID"])
    periods, day_sched = schedules(cals, typed)
    ic_days = days.drop(columns=["minutes"]).assign(
        periodScheduleID=day_sched.astype(str).to_numpy())
    full = periods.loc[periods["periodScheduleID"] % 10 == 1]
    return ic_days, _timed(periods), typed, full


def to_ic_layout(folder: Path, seed: int = 0) -> Path:
    """Rewrite a contract-layout folder in IC's layout (see the module docstring)."""
    folder = Path(folder)
    ic_days, ic_periods, typed, full = schedule_layout(folder)
    att, codes = _attendance(folder, typed, full, np.random.default_rng(seed))
    _write(folder, "attendance", att)
    _write(folder, "attendance_codes", codes)
    _write(folder, "periods", ic_periods)
    _write(folder, "days", ic_days)
    for name, renames in RENAMES.items():
        df = _read(folder, name)
        if name == "schools":
            df = df.drop(columns=["districtNumber"])
        _write(folder, name, df.rename(columns=renames))
    for name, copies in COPIES.items():
        df = _read(folder, name)
        for col, copy in copies.items():
            df.insert(df.columns.get_loc(col) + 1, copy, df[col])
        _write(folder, name, df)
    _write(folder, "rosters", _read(folder, "rosters").assign(trialID="1"))
    _write(folder, "section_staff", _read(folder, "section_staff").assign(trialID="1",
                                                                        trialActive="1"))
    return folder

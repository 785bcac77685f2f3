"""The right folder: the parameters' district and school year against the schools and calendars.

A parameters file pointing at another district's folder, or a ``school_year`` that is not the
extracts' year, would run cleanly and count nothing. So (spec/extracts.md, schools.csv):

* a school's blank or absent ``districtNumber`` is the parameters' ``district_number`` (IC's
  School record has no district number);
* when **every** school belongs to another district, the run stops with one line naming both;
* when **no** calendar has ``endYear`` = ``school_year``, the run stops with one line naming the
  years found;
* a mix is not a stop: schools of another district and calendars of another year are listed in
  the loader notes, and their enrollments are not on the count date
  (``Bundle.calendars_outside``).

Example:
    >>> from mtcollect_nb.testing import params
    >>> schools = pd.DataFrame({"schoolID": [1, 2], "districtNumber": ["", "0456"],
    ...                         "schoolNumber": ["0001", "0002"]})
    >>> cal = pd.DataFrame({"calendarID": [10, 11, 12], "schoolID": [1, 2, 1],
    ...                     "endYear": pd.array([2025, 2025, 2024], dtype="Int64")})
    >>> p = params(district_number="0456")
    >>> outside, notes = check_scope(fill_district(schools, p), cal, p)
    >>> sorted(outside), notes[0][2][:38]
    ([12], 'calendars of another school year (1): ')
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mtcollect_nb.errors import ExtractError
from mtcollect_nb.params import Params

MAX_LISTED = 10


def fill_district(schools: pd.DataFrame, params: Params | None) -> pd.DataFrame:
    """``schools`` with a blank districtNumber set to the parameters' ``district_number``."""
    blank = schools["districtNumber"].eq("")
    if params is None or not blank.any():
        return schools
    out = schools.copy()
    out.loc[blank, "districtNumber"] = params.district_number
    return out


def _listed(items: list[str]) -> str:
    more = len(items) - MAX_LISTED
    return ", ".join(items[:MAX_LISTED]) + (f" … +{more} more" if more > 0 else "")


def check_scope(schools: pd.DataFrame, calendars: pd.DataFrame, params: Params,
                calendars_path: Path = Path("calendars.csv"),
                schools_path: Path = Path("schools.csv"),
                ) -> tuple[frozenset[int], list[tuple[str, str, str]]]:
    """Calendars outside the run (another district's school, another year) and loader notes.

    Raises:
        ExtractError: every school is another district's, or no calendar has the school year.
    """
    district, year = params.district_number, params.school_year
    other = schools.loc[schools["districtNumber"].ne(district)]
    if len(schools) and len(other) == len(schools):
        found = sorted(set(other["districtNumber"]))
        raise ExtractError(f"{schools_path}: every school belongs to district "
                           f"{' / '.join(found)}, not to district {district} of the "
                           "parameters file (district_number): the extracts folder is another "
                           "district's, or the parameters file is")
    years = calendars["endYear"].dropna().astype("int64")
    if len(years) and not (years == year).any():
        found_years = ", ".join(str(y) for y in sorted(set(years)))
        raise ExtractError(f"{calendars_path}: no calendar has endYear {year} (school_year of the "
                           f"parameters file: {year - 1}-{year % 100:02d}); the calendars' "
                           f"endYears are {found_years}: the wrong extracts folder, or the "
                           "wrong school_year?")
    notes: list[tuple[str, str, str]] = []
    foreign = calendars["schoolID"].isin(other["schoolID"])
    if len(other):
        listed = [f"schoolID {int(s)} (district {d})"
                  for s, d in zip(other["schoolID"], other["districtNumber"], strict=True)]
        notes.append((schools_path.name, "districtNumber", f"schools of another district "
                      f"({len(other)}): {_listed(listed)}: their enrollments are not on the "
                      "count date"))
    wrong_year = calendars["endYear"].notna() & calendars["endYear"].ne(year)
    if wrong_year.any():
        cal = calendars.loc[wrong_year]
        listed = [f"calendarID {int(c)} (endYear {int(y)})"
                  for c, y in zip(cal["calendarID"], cal["endYear"], strict=True)]
        notes.append((calendars_path.name, "endYear", f"calendars of another school year "
                      f"({len(cal)}): {_listed(listed)}: their enrollments are not on the "
                      "count date"))
    outside = calendars.loc[foreign | wrong_year.fillna(False).astype(bool), "calendarID"]
    return frozenset(int(c) for c in outside), notes

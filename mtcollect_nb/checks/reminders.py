"""The bulletin's other reminders: 9th-grade date, photo opt-in, gifted (GRD, PHO, GFT).

Decisions (spec/rules.md leaves them open), kept here:

* GRD-01/02 need graduation.csv (the Graduation tab): without it the 9th-grade date of every
  high-school student is unknown, so the rules are reported as "did not run" rather than
  flagging every student. GRD-02 checks every graduation row; "the count date" there is the
  season's count date parameter (the bulletin's reminders run at the fall count date in a
  fall run, rules.md "The season"; GFT-01 too).
* Student-level findings (GRD-01, PHO-01) name one enrollment on the count date (primary
  service type first, then the lowest enrollmentID) so the school is filled in.
* PHO-02 checks every student (the rule does not limit it to the count date); "Opt In" is
  matched ignoring case, hyphens and extra spaces.
* GFT-02 orders a student's records with an evaluatedDate by evaluatedDate (then file line);
  records without one are GFT-01's business. GFT-03 needs gifted.csv.

Example:
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> len(pho01_blank_opt_in(tiny_analysis()))
    0
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd

from mtcollect_nb.checks.registry import finding_rows, per_value, rule
from mtcollect_nb.checks.text import to_text
from mtcollect_nb.columns import ERROR, HIGH_SCHOOL_GRADES, PERSON_ID, REMINDERS, WARNING
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.compute.joins import left_join

_DAY = "%Y-%m-%d"
_finding = partial(finding_rows, keys=("enrollmentID", PERSON_ID))


def one_enrollment_per_student(e: pd.DataFrame) -> pd.DataFrame:
    """One row per personID of ``e``: primary (serviceType P) first, then lowest enrollmentID.

    Example:
        >>> e = pd.DataFrame({"personID": [1, 1], "enrollmentID": [5, 9],
        ...                   "serviceType": ["S", "P"]})
        >>> one_enrollment_per_student(e)["enrollmentID"].tolist()
        [9]
    """
    person, enr = e[PERSON_ID].to_numpy(), e["enrollmentID"].to_numpy()
    if person.dtype == np.int64 and enr.dtype == np.int64:  # the same, on numpy arrays
        secondary = (e["serviceType"] != "P").to_numpy()
        order = np.lexsort((enr, secondary, person))  # stable, as a mergesort by the three
        p = person[order]
        first = np.ones(len(p), dtype=bool)
        first[1:] = p[1:] != p[:-1]
        return e.iloc[order[first]]
    order_ = e.assign(_p=(e["serviceType"] != "P").astype(int))
    order_ = order_.sort_values([PERSON_ID, "_p", "enrollmentID"], kind="mergesort")
    return order_.drop_duplicates(PERSON_ID).drop(columns=["_p"])


def _opt_in(s: pd.Series) -> pd.Series:
    return per_value(s, _is_opt_in)


def _is_opt_in(s: pd.Series) -> pd.Series:
    norm = s.fillna("").str.lower().str.replace(r"[-_\s]+", " ", regex=True).str.strip()
    return norm == "opt in"


def _is_blank(s: pd.Series) -> pd.Series:
    return s.fillna("").str.strip() == ""


@rule("GRD-01", ERROR, REMINDERS,
      title="Grade 09-12 student on the count date with no Date First Entered 9th Grade",
      remedy="Graduation tab: enter the Date First Entered 9th Grade.", tables=("graduation",))
def grd01_missing_grade9_date(a: Analysis) -> pd.DataFrame:
    """Students in grade 09..12 on the count date without a dateFirstEntered9."""
    e = a.on_count_date
    g = a.table("graduation")
    dated = g.loc[g["dateFirstEntered9"].notna(), PERSON_ID]
    # a student's enrollments are kept or dropped together: drop first, then pick one
    e = one_enrollment_per_student(e.loc[e["grade"].isin(HIGH_SCHOOL_GRADES)
                                         & ~e[PERSON_ID].isin(dated)])
    return _finding(e, field="dateFirstEntered9", value="",
                    expected="the date the student first entered grade 9",
                    message="Grade " + e["grade"] + " student with no Date First Entered 9th "
                    "Grade")


@rule("GRD-02", WARNING, REMINDERS,
      title="Date First Entered 9th Grade after the count date or before the 12th birthday",
      remedy="Graduation tab: correct the Date First Entered 9th Grade.", tables=("graduation",))
def grd02_implausible_grade9_date(a: Analysis) -> pd.DataFrame:
    """dateFirstEntered9 later than the count date, or before birthdate + 12 years."""
    cd = pd.Timestamp(a.count_date)
    g = a.table("graduation")
    g = left_join(g.loc[g["dateFirstEntered9"].notna()], a.students[[PERSON_ID, "birthdate"]],
                  PERSON_ID)
    twelve = g["birthdate"] + pd.DateOffset(years=12)
    late = g["dateFirstEntered9"] > cd
    young = g["birthdate"].notna() & (g["dateFirstEntered9"] < twelve)
    bad = late | young
    g, late, twelve = g.loc[bad], late[bad], twelve[bad]
    expected = pd.Series("on or before " + cd.strftime(_DAY), index=g.index)
    expected[~late] = "on or after the 12th birthday " + to_text(twelve[~late])
    message = pd.Series("Date First Entered 9th Grade is after the count date", index=g.index)
    message[~late] = "Date First Entered 9th Grade is before the student's 12th birthday"
    return _finding(g, field="dateFirstEntered9", value=to_text(g["dateFirstEntered9"]),
                    expected=expected, message=message)


@rule("PHO-01", WARNING, REMINDERS, title="Student on the count date with a blank photo opt-in",
      remedy="Student Photo: set the Opt-In Status (Opt In or Opt Out) from the parent's "
             "annual choice.")
def pho01_blank_opt_in(a: Analysis) -> pd.DataFrame:
    """Students with an enrollment on the count date and a blank photoOptIn."""
    s = a.students
    blank = s.loc[per_value(s["photoOptIn"], _is_blank), PERSON_ID]
    e = a.on_count_date
    e = one_enrollment_per_student(e.loc[e[PERSON_ID].isin(blank)])
    return _finding(e, field="photoOptIn", value="", expected="Opt In or Opt Out",
                    message="Photo opt-in status is blank")


@rule("PHO-02", WARNING, REMINDERS, title="Photo opt-in is \"Opt In\" but no photo is uploaded",
      remedy="Student Photo: upload the student's photo, or correct the Opt-In Status.")
def pho02_opt_in_without_photo(a: Analysis) -> pd.DataFrame:
    """Students marked "Opt In" without photoUploaded."""
    s = a.students
    s = s.loc[_opt_in(s["photoOptIn"]) & ~s["photoUploaded"]]
    return _finding(s, field="photoUploaded", value="No", expected="Yes (photo uploaded)",
                    message="Opted in to the photo repository but no photo is uploaded")


@rule("GFT-01", ERROR, REMINDERS,
      title="Gifted record without an evaluated date, or evaluated after the count date",
      remedy="Program Participation > Gifted: enter or correct the Date Evaluated.",
      tables=("gifted",))
def gft01_evaluated_date(a: Analysis) -> pd.DataFrame:
    """Gifted records whose evaluatedDate is blank or after the count date."""
    cd = pd.Timestamp(a.count_date)
    g = a.table("gifted")
    missing = g["evaluatedDate"].isna()
    g = g.loc[missing | (g["evaluatedDate"] > cd)]
    missing = missing[g.index]
    message = pd.Series("Date Evaluated is after the count date", index=g.index)
    message[missing] = "Gifted record has no Date Evaluated"
    return _finding(g, field="evaluatedDate", value=to_text(g["evaluatedDate"]),
                    expected="a date on or before " + cd.strftime(_DAY), message=message)


@rule("GFT-02", ERROR, REMINDERS,
      title="Gifted identified date before its evaluated date or not after the previous "
            "record's evaluated date",
      remedy="Program Participation > Gifted: correct the Date Identified (on or after its "
             "Date Evaluated, and after the previous record's Date Evaluated) or the Date "
             "Evaluated.",
      tables=("gifted",))
def gft02_identified_order(a: Analysis) -> pd.DataFrame:
    """Identified before evaluated, or identified on/before the previous record's evaluation."""
    g = a.table("gifted")
    g = g.loc[g["evaluatedDate"].notna()].sort_values(
        [PERSON_ID, "evaluatedDate", "_line"], kind="mergesort")
    prev = g.groupby(PERSON_ID)["evaluatedDate"].shift()
    own = g["identifiedDate"].notna() & (g["identifiedDate"] < g["evaluatedDate"])
    seq = g["identifiedDate"].notna() & prev.notna() & (g["identifiedDate"] <= prev)
    bad = own | seq
    g, own, prev = g.loc[bad], own[bad], prev[bad]
    expected = "after " + to_text(prev) + " (the previous record's Date Evaluated)"
    expected[own] = "on or after " + to_text(g.loc[own, "evaluatedDate"])
    message = pd.Series("Date Identified is not after the previous record's Date Evaluated",
                        index=g.index)
    message[own] = "Date Identified is before its Date Evaluated"
    return _finding(g, field="identifiedDate", value=to_text(g["identifiedDate"]),
                    expected=expected, message=message)


@rule("GFT-03", WARNING, REMINDERS,
      title="Deprecated enrollment gifted field set, but no gifted record",
      remedy="Program Participation > Gifted: add the gifted record (Date Evaluated, Date "
             "Identified); the gifted fields on the Enrollments tab are deprecated.",
      tables=("gifted",))
def gft03_legacy_gifted(a: Analysis) -> pd.DataFrame:
    """Enrollments with giftedLegacy whose student has no gifted record."""
    e = a.enrollments
    e = e.loc[e["giftedLegacy"] & ~e[PERSON_ID].isin(a.table("gifted")[PERSON_ID])]
    return _finding(e, field="giftedLegacy", value="Yes", expected="a gifted record",
                    message="Enrollment-tab gifted field is set but the student has no "
                    "Program Participation > Gifted record")

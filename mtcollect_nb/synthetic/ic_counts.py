"""The optional ``ic_counts`` extract (IC's Spring ANB Student Counts report) for synthetic data.

The generator cannot compute our spring counts (that is the ``compute`` stage's job), so the
demo's planted REC-01 case is the one count it knows exactly: IC lists students in a grade of
a school where the extract has no enrollment at all (an export filter that dropped a
calendar). :func:`ic_counts_from_anb` builds a full report from an ANB table, for tests and
the training tour, with chosen rows changed.

Example:
    >>> anb = pd.DataFrame({"schoolNumber": ["0001", "0001"], "grade": ["05", "06"],
    ...                     "springCountReported": [20.0, 18.5]})
    >>> ic_counts_from_anb(anb, {("0001", "06"): 2})["count"].tolist()
    [20.0, 20.5]
"""

from __future__ import annotations

import pandas as pd

from mtcollect_nb.columns import GRADES
from mtcollect_nb.synthetic.model import District

PLANTED_COUNT = 2
#: What is planted for REC-01, in one sentence (:data:`mtcollect_nb.synthetic.plant.PLANTED`).
PLANTED_DESCRIPTION = (f"IC's count report lists {PLANTED_COUNT} students in a grade of a school "
                       "where the extract has no enrollment (an export filter dropped them).")
DESCRIPTION = ("IC's count report lists {n} students in grade {grade} at school {school}, "
               "where the extract has no enrollment (an export filter dropped them).")


def _school_grades(d: District) -> pd.DataFrame:
    """(schoolID, schoolNumber, grade) of every enrollment and fall count row."""
    e = d.tables["enrollments"]
    school_of = d.cal_meta.set_index("calendarID")["schoolID"]
    schools = d.tables["schools"].set_index("schoolID")["schoolNumber"]
    ids = e["calendarID"].map(school_of)
    enrolled = pd.DataFrame({"schoolID": ids, "schoolNumber": ids.map(schools),
                             "grade": e["grade"]})
    fall = d.tables.get("fall_count", pd.DataFrame(columns=["schoolNumber", "grade"]))
    number_to_id = pd.Series(schools.index, index=schools.to_numpy())
    fall = pd.DataFrame({"schoolID": fall["schoolNumber"].map(number_to_id),
                         "schoolNumber": fall["schoolNumber"], "grade": fall["grade"]})
    return pd.concat([enrolled, fall], ignore_index=True).dropna().drop_duplicates()


def plant_ic_counts(d: District) -> None:
    """Write the demo's ``ic_counts`` table: one school x grade the extract lacks (REC-01).

    The school is the lowest schoolNumber; the grade is the first one just outside the
    school's grades (the grade above its highest, else below its lowest).
    """
    have = _school_grades(d).sort_values(["schoolNumber", "grade"], kind="mergesort")
    school = have.iloc[0]
    grades = set(have.loc[have["schoolNumber"] == school["schoolNumber"], "grade"])
    ranks = sorted(GRADES.index(g) for g in grades)
    pick = ranks[-1] + 1 if ranks[-1] + 1 < len(GRADES) else ranks[0] - 1
    grade = GRADES[pick]
    d.tables["ic_counts"] = pd.DataFrame({"schoolNumber": [school["schoolNumber"]],
                                          "grade": [grade], "count": [float(PLANTED_COUNT)]})
    d.plan["REC-01"] = DESCRIPTION.format(n=PLANTED_COUNT, grade=grade,
                                          school=school["schoolNumber"])
    d.planted["REC-01"] = {"schoolID": [int(school["schoolID"])]}


def ic_counts_from_anb(anb: pd.DataFrame,
                       change: dict[tuple[str, str], float] | None = None) -> pd.DataFrame:
    """IC's report as our ANB table's reported counts, with ``change`` added per school x grade.

    Args:
        anb: the ANB sheet (schoolNumber, grade, springCountReported).
        change: (schoolNumber, grade) -> amount added to IC's count there.
    """
    out = pd.DataFrame({"schoolNumber": anb["schoolNumber"].astype(str),
                        "grade": anb["grade"].astype(str),
                        "count": anb["springCountReported"].astype("float64")})
    for (school, grade), amount in (change or {}).items():  # a few planted rows
        hit = (out["schoolNumber"] == school) & (out["grade"] == grade)
        out.loc[hit, "count"] += amount
    return out.reset_index(drop=True)

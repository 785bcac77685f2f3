"""ANB: FTE per enrollment (reported and validated) and the count tables of the season.

Definitions are in spec/rules.md ("FTE reported", "FTE validated", "Early graduates",
"Spring count", "Fall count", "Budget units", "The season"). FTE reads the season's fields
(``mtFallAggregateHours`` and ``mtExcludeFallANB`` in a fall run: :mod:`mtcollect_nb.season`).

Decisions (spec open), kept here:
    * The 1.0 cap per student (MCA 20-9-311(4)(e)) applies to reported and validated FTE
      alike (the state caps what is certified); ANB-08 reads the uncapped reported sum. The cap
      keeps enrollments in the order primary (``P``), other/blank, then ``S``/``N``, ties by
      enrollmentID, and cuts from the end of that order.
    * ``excludedReported`` = marked the season's 10-day flag (mtExcludeSpringANB) or
      mtExcludeANB, or extracurricularOnly
      (FTE forced to 0 by the reported fields); ``excludedValidated`` adds the computed
      exclusions (streak, kindergarten age, day treatment, extracurricular only, a school that
      is not accredited). The ANB sheet counts students (distinct personID) for these columns.
    * Early graduates: :mod:`mtcollect_nb.compute.graduates`. Without fall_count.csv the fall
      count is 0.
    * A fall run's count tables (rules.md: "the fall count reported and validated per school x
      grade and budget unit; ANB itself needs both counts and is shown by the spring run"):
      the ANB table's count columns are ``fallCountReported`` and ``fallCountValidated``
      (``difference`` = validated - reported), with no ``fallCount`` (fall_count.csv is not
      read: the fall run is the fall count); per budget unit the two counts, no ANB
      (``Season.anb_columns``, ``Season.budget_unit_columns``). A spring run's tables are
      unchanged.

Example:
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> tiny_analysis().fte[["enrollmentID", "fteReported", "fteValidated"]].to_dict("list")
    {'enrollmentID': [10, 11], 'fteReported': [1.0, 1.0], 'fteValidated': [1.0, 1.0]}
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mtcollect_nb.columns import (
    BUDGET_UNIT,
    COMPUTED_HOURS,
    ELEMENTARY,
    EXCLUDE_COMPUTED,
    EXCLUDE_REASON,
    FTE_REPORTED,
    FTE_VALIDATED,
    GRADES,
    HIGH_SCHOOL,
    STREAK,
)
from mtcollect_nb.compute.absence import EXCLUDE_STREAK
from mtcollect_nb.compute.frames import budget_unit
from mtcollect_nb.compute.hours import band
from mtcollect_nb.compute.joins import take_by_key
from mtcollect_nb.season import SPRING, Season

if TYPE_CHECKING:
    from mtcollect_nb.compute.frames import Frames

FULL_TIME = 1.0
KINDERGARTEN_MIN_AGE = 5
EXCLUDED_REPORTED = "excludedReported"
EXCLUDED_VALIDATED = "excludedValidated"
FTE_REPORTED_UNCAPPED = "fteReportedUncapped"
STUDENT_REPORTED_SUM = "studentReportedSum"
FALL_COUNT = "fallCount"  # from fall_count.csv: a spring run's
NOT_ACCREDITED = "school not accredited (ARM 10.20.102(1))"
_CAP_ORDER = {"P": 0, "S": 2, "N": 2}  # anything else (blank, unknown) is 1


def age_on(birthdate: pd.Series, on: pd.Timestamp) -> pd.Series:
    """Age in whole years on ``on`` (NaN for a blank birthdate); a birthday ON ``on`` counts.

    Example:
        >>> age_on(pd.to_datetime(pd.Series(["2019-09-10", "2019-09-11", None])),
        ...        pd.Timestamp("2024-09-10")).tolist()
        [5.0, 4.0, nan]
    """
    b = birthdate if pd.api.types.is_datetime64_dtype(birthdate) else pd.to_datetime(birthdate)
    v = b.to_numpy(dtype="datetime64[ns]")
    first = v.astype("datetime64[M]")  # calendar fields by numpy units (NaT: masked below)
    year = v.astype("datetime64[Y]").astype(np.int64) + 1970
    month = first.astype(np.int64) % 12 + 1
    day = (v.astype("datetime64[D]") - first.astype("datetime64[D]")).astype(np.int64) + 1
    before = (month > on.month) | ((month == on.month) & (day > on.day))
    age = (on.year - year - before).astype("float64")
    return pd.Series(np.where(np.isnat(v), np.nan, age), index=b.index, name=b.name)


def kindergarten_under_age(grade: pd.Series, birthdate: pd.Series,
                           on: pd.Timestamp) -> pd.Series:
    """Grade KG and not yet 5 on ``on`` (the kindergarten age date): the one place of that rule.

    Example:
        >>> kindergarten_under_age(pd.Series(["KG", "KG", "01"]),
        ...     pd.to_datetime(pd.Series(["2019-09-10", "2019-09-11", "2019-09-11"])),
        ...     pd.Timestamp("2024-09-10")).tolist()
        [False, True, False]
    """
    return (grade == "KG") & (age_on(birthdate, on) < KINDERGARTEN_MIN_AGE)


def school_accredited(a: Frames, school_id: pd.Series) -> pd.Series:
    """Whether the school of each ``school_id`` is accredited (an unknown school: yes).

    ``schools.accredited`` blank means true (the loader's reading); a school that is not
    accredited cannot count its pupils (ARM 10.20.102(1)): a computed exclusion, ANB-23.

    Example:
        >>> from mtcollect_nb.testing import make_analysis
        >>> school_accredited(make_analysis(), pd.Series([1, 7])).tolist()
        [True, True]
    """
    found = take_by_key(school_id, a.table("schools"), "schoolID", "accredited")
    return found.astype("boolean").fillna(True).astype(bool)


def cap_per_student(df: pd.DataFrame, fte: str) -> pd.Series:
    """``df[fte]`` with each student's sum capped at 1.0, cutting S/N enrollments first.

    ``df`` needs personID, enrollmentID, serviceType and ``fte``.

    Example:
        >>> df = pd.DataFrame({"personID": [1, 1], "enrollmentID": [5, 6],
        ...                    "serviceType": ["S", "P"], "f": [0.5, 0.75]})
        >>> cap_per_student(df, "f").tolist()
        [0.25, 0.75]
    """
    codes, kinds = pd.factorize(df["serviceType"].astype(object), use_na_sentinel=False)
    rank = np.array([_CAP_ORDER.get(str(k).strip().upper(), 1) for k in kinds] + [1])[codes]
    f = df[fte].astype("float64").fillna(0.0).to_numpy()
    person = df["personID"].to_numpy()
    order = np.lexsort((df["enrollmentID"].to_numpy(), rank, person))  # stable, like mergesort
    f_sorted = f[order]
    before = pd.Series(f_sorted).groupby(person[order], sort=False).cumsum().to_numpy() - f_sorted
    capped = np.empty_like(f)
    capped[order] = np.minimum(f_sorted, np.maximum(FULL_TIME - before, 0.0))
    return pd.Series(capped, index=df.index, name="f")


def _reasons(parts: list[tuple[pd.Series, str]], index: pd.Index) -> pd.Series:
    combo = np.zeros(len(index), dtype=np.int64)  # which labels apply, as bits
    for bit, (cond, _) in enumerate(parts):
        combo |= cond.to_numpy(dtype=bool).astype(np.int64) << bit
    texts = np.array(["".join(label + "; " for bit, (_, label) in enumerate(parts)
                              if c >> bit & 1).rstrip("; ") for c in range(1 << len(parts))],
                     dtype=object)
    return pd.Series(texts[combo], index=index, dtype=object)


def enrollment_fte(a: Frames, streaks: pd.DataFrame,
                   computed_hours: pd.DataFrame) -> pd.DataFrame:
    """Per enrollment on the count date: exclusions, FTE reported and validated.

    ``streaks`` and ``computed_hours`` are the frames of :mod:`mtcollect_nb.compute.absence`
    and :mod:`mtcollect_nb.compute.hours` (enrollmentID + ``streak`` / ``computedHours``).

    Returns:
        enrollmentID, personID, calendarID, schoolNumber, grade, budgetUnit, serviceType,
        the season's hours and 10-day flag (mtSpringAggregateHours, mtExcludeSpringANB),
        mtExcludeANB, extracurricularOnly, dayTreatment, ``streak``, ``computedHours``,
        ``excludedReported``, ``excludeComputed``, ``excludeReasonComputed``,
        ``excludedValidated``, ``fteReportedUncapped``, ``fteReported`` and ``fteValidated``
        (both after the cap), ``studentReportedSum`` (the student's uncapped reported sum,
        for ANB-08).

    Example:
        >>> from mtcollect_nb.testing import make_analysis, student, enrollment
        >>> a = make_analysis(students=[student(1)], enrollments=[
        ...     enrollment(10, 1), enrollment(11, 1, serviceType="S", calendarID=1)])
        >>> fte = enrollment_fte(a, a.streaks, a.computed_hours)
        >>> fte[["fteReported", "studentReportedSum"]].values.tolist()
        [[1.0, 2.0], [0.0, 2.0]]
    """
    f = a.season.fields
    cols = ["enrollmentID", "personID", "calendarID", "schoolID", "schoolNumber", "grade",
            BUDGET_UNIT, "serviceType", f.hours, f.exclude, "mtExcludeANB",
            "extracurricularOnly", "dayTreatment"]
    e = a.on_count_date[cols].reset_index(drop=True)
    e[STREAK] = take_by_key(e["enrollmentID"], streaks, "enrollmentID", STREAK)
    e[COMPUTED_HOURS] = take_by_key(e["enrollmentID"], computed_hours, "enrollmentID",
                                COMPUTED_HOURS)
    birth = take_by_key(e["personID"], a.students, "personID", "birthdate")
    under5 = kindergarten_under_age(e["grade"], birth, a.k_age_date)
    absent = e[STREAK].fillna(0) >= EXCLUDE_STREAK
    day_t, extra = e["dayTreatment"].astype(bool), e["extracurricularOnly"].astype(bool)
    unaccredited = ~school_accredited(a, e["schoolID"])
    e[EXCLUDED_REPORTED] = e[f.exclude] | e["mtExcludeANB"] | extra
    e[EXCLUDE_COMPUTED] = absent | under5 | day_t | extra | unaccredited
    e[EXCLUDE_REASON] = _reasons([
        (absent, f"absent {EXCLUDE_STREAK}+ consecutive days at the count date"),
        (under5, f"kindergarten under {KINDERGARTEN_MIN_AGE} on {a.k_age_date.date()}"),
        (day_t, "day treatment"), (extra, "extracurricular only"),
        (unaccredited, NOT_ACCREDITED)], e.index)
    e[EXCLUDED_VALIDATED] = e[EXCLUDED_REPORTED] | e[EXCLUDE_COMPUTED]
    reported = band(e[f.hours]).fillna(0.0)
    e[FTE_REPORTED_UNCAPPED] = reported.where(~e[EXCLUDED_REPORTED], 0.0)
    e["_v"] = validated_uncapped(e, f.hours)
    e[FTE_REPORTED] = cap_per_student(e, FTE_REPORTED_UNCAPPED)
    e[FTE_VALIDATED] = cap_per_student(e, "_v")
    e[STUDENT_REPORTED_SUM] = e.groupby("personID")[FTE_REPORTED_UNCAPPED].transform("sum")
    return e.drop(columns=["_v"])


def validated_uncapped(fte: pd.DataFrame, hours: str) -> pd.Series:
    """FTE validated of each enrollment before the 1.0 cap (:func:`cap_per_student`).

    0 when ``excludedValidated``, else band(reported hours: the season's column ``hours``), or
    band(computed hours) where the reported hours are blank. ``fte`` is :func:`enrollment_fte`
    (or the frame it builds).

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> a = tiny_analysis()
        >>> validated_uncapped(a.fte, a.season.fields.hours).tolist()
        [1.0, 1.0]
    """
    e = fte
    validated = band(e[hours]).fillna(band(e[COMPUTED_HOURS])).fillna(0.0)
    return validated.where(~e[EXCLUDED_VALIDATED].astype(bool), 0.0)


def anb_by_grade(a: Frames, fte: pd.DataFrame, graduates: pd.DataFrame) -> pd.DataFrame:
    """The ANB sheet: one row per schoolNumber x grade (columns ``Season.anb_columns``).

    ``fte`` is :func:`enrollment_fte`, ``graduates`` is :func:`early_graduates`.

    ``enrolled`` counts students with an enrollment there on the count date; spring counts
    include early graduates in their school and grade; ``fallCount`` is from fall_count.csv
    (a spring run's). A fall run's counts are ``fallCountReported``/``fallCountValidated``
    (module docstring). Every (schoolNumber, grade) with a row in any of those appears once.

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> a = tiny_analysis()
        >>> anb_by_grade(a, a.fte, a.early_graduates)[["grade", "enrolled", "springCountValidated"]
        ...     ].values.tolist()
        [['06', 1, 1.0], ['10', 1, 1.0]]
    """
    f, g, season = fte, graduates, a.season
    fall = a.table("fall_count")
    if not season.reads_fall_count:  # a fall run is the fall count: fall_count.csv not read
        fall = fall.iloc[:0]
    fall = fall.loc[~fall["excluded"]].assign(fte=band(fall["fallAggregateHours"]).fillna(0.0))
    reported, validated = season.count_reported, season.count_validated
    # one group code per (schoolNumber, grade) over the three sources (blank keys: no group)
    parts = (f, g, fall)
    sc, schools = pd.factorize(np.concatenate([p["schoolNumber"].to_numpy(object) for p in parts]))
    gc, grades = pd.factorize(np.concatenate([p["grade"].to_numpy(object) for p in parts]))
    grp, keys = pd.factorize(np.where((sc < 0) | (gc < 0), -1, sc * len(grades) + gc))
    n, nf, ng = len(keys), len(f), len(g)
    in_f, in_g, in_fall = grp[:nf], grp[nf:nf + ng], grp[nf + ng:]
    person = pd.factorize(f["personID"])[0].astype(np.int64)
    people = max(int(person.max(initial=0)) + 1, 1)

    def students(mask: pd.Series) -> np.ndarray:  # distinct personID per group
        pair = pd.unique((in_f * people + person)[mask.to_numpy(dtype=bool)])
        return np.bincount(pair // people, minlength=n)

    def total(rows: np.ndarray, values: pd.Series) -> np.ndarray:  # sum per group (NaN: 0)
        return np.bincount(rows, weights=values.to_numpy("float64", na_value=0.0), minlength=n)

    out = pd.DataFrame({
        "schoolNumber": schools[keys // max(len(grades), 1)].astype(object),
        "grade": grades[keys % max(len(grades), 1)].astype(object),
        "enrolled": students(pd.Series(True, index=f.index)),
        EXCLUDED_REPORTED: students(f[EXCLUDED_REPORTED]),
        EXCLUDED_VALIDATED: students(f[EXCLUDED_VALIDATED]),
        reported: total(in_f, f[FTE_REPORTED]) + total(in_g, g[FTE_REPORTED]),
        validated: total(in_f, f[FTE_VALIDATED]) + total(in_g, g[FTE_VALIDATED]),
        FALL_COUNT: total(in_fall, fall["fte"])})
    out = out.loc[keys >= 0].sort_values(["schoolNumber", "grade"], kind="mergesort")
    for col in ("enrolled", EXCLUDED_REPORTED, EXCLUDED_VALIDATED):
        out[col] = out[col].astype("int64")
    for col in (reported, validated, FALL_COUNT):
        out[col] = out[col].astype("float64").round(4)
    out["difference"] = (out[validated] - out[reported]).round(4)
    out[BUDGET_UNIT] = budget_unit(out["grade"])
    rank = out["grade"].map({gr: i for i, gr in enumerate(GRADES)}).fillna(len(GRADES))
    out = out.assign(_r=rank).sort_values(["schoolNumber", "_r"], kind="mergesort")
    return out[list(season.anb_columns)].reset_index(drop=True)


def anb_formula(fall: pd.Series, spring: pd.Series, pir_days: int) -> pd.Series:
    """ANB = (fall count + spring count) / 2 x (180 + pir_days) / 180.

    Example:
        >>> anb_formula(pd.Series([100.0]), pd.Series([90.0]), 7).round(4).tolist()
        [98.6944]
    """
    return (fall + spring) / 2.0 * (180 + pir_days) / 180.0


def anb_by_budget_unit(anb_table: pd.DataFrame, pir_days: int,
                       season: Season = SPRING) -> pd.DataFrame:
    """ANB per budget unit (Elementary, High School), reported and validated.

    ``anb_table`` is :func:`anb_by_grade`; ``pir_days`` the approved PIR days (0..7). In a
    fall run (``season``), the fall count reported and validated: ANB needs both counts.

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> anb_by_budget_unit(tiny_analysis().anb_table, 0)["anbValidated"].tolist()
        [0.5, 0.5]
    """
    t, reported, validated = anb_table, season.count_reported, season.count_validated
    counts = [c for c in (FALL_COUNT, reported, validated) if c in season.anb_columns]
    sums = t.groupby(BUDGET_UNIT)[counts].sum()
    sums = sums.reindex([ELEMENTARY, HIGH_SCHOOL], fill_value=0.0).astype("float64")
    out = sums.reset_index()
    if season.reads_fall_count:
        out["anbReported"] = anb_formula(out[FALL_COUNT], out[reported], pir_days)
        out["anbValidated"] = anb_formula(out[FALL_COUNT], out[validated], pir_days)
    return out[list(season.budget_unit_columns)]

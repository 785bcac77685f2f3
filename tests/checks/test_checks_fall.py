"""The rules in a fall run: the fall fields, the fall count date, the fall collections' names.

Every rule id is unchanged; a finding names the season's column (``mtFallAbsent``), its
collection ("Fall ANB") and IC's fall labels ("Exclude Fall ANB – 10 Day Rule").
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.checks.engine import run_rules
from mtcollect_nb.checks.reconcile import reconcile_table
from mtcollect_nb.checks.registry import RULES, rule
from mtcollect_nb.columns import COLLECTIONS
from mtcollect_nb.errors import RuleDefinitionError
from mtcollect_nb.season import ANB_COLLECTION, COLLECTION_KINDS, FALL, SEASONS, SPRING
from mtcollect_nb.testing import (
    absences,
    enrollment,
    fall_enrollment,
    make_analysis,
    params,
    school_days,
    student,
)

FALL_PARAMS = params(collection_season="fall")
ELEVEN = list(pd.bdate_range("2024-09-23", "2024-10-07"))  # ends on the fall count date


def run(rule_id, season="fall", **tables):
    tables.setdefault("students", [student(1)])
    res = run_rules(make_analysis(params(collection_season=season), **tables), [RULES[rule_id]])
    assert res.ran == (rule_id,)
    return res.findings


# ---- ANB: the fall fields and labels ----------------------------------------------------------
def test_anb01_names_the_fall_flag_and_collection():
    f = run("ANB-01", enrollments=[fall_enrollment(10, 1, mtExcludeSpringANB=True)],
            attendance=absences(1, ELEVEN))
    r = f.iloc[0]
    assert (r.ruleId, r.collection, r.field, r.value, r.expected) == (
        "ANB-01", "Fall ANB", "mtExcludeFallANB", "No", "Yes")
    assert "ending 2024-10-07 (from 2024-09-23)" in r.message
    assert "Exclude Fall ANB – 10 Day Rule" in r.remedy and "Fall Absent" in r.remedy
    assert "Spring" not in r.remedy
    # marked with the fall flag: nothing to report
    assert run("ANB-01", enrollments=[fall_enrollment(10, 1, mtExcludeFallANB=True)],
               attendance=absences(1, ELEVEN)).empty


@pytest.mark.slow
def test_anb02_and_anb03_read_the_fall_flag_and_absences():
    f = run("ANB-02", enrollments=[fall_enrollment(10, 1, mtExcludeFallANB=True)])
    assert f[["field", "value", "collection"]].values.tolist() == [
        ["mtExcludeFallANB", "Yes", "Fall ANB"]]
    f = run("ANB-03", enrollments=[fall_enrollment(10, 1, mtFallAbsent=14,
                                                   mtSpringAbsent=0)])
    r = f.iloc[0]
    assert (r.field, r.value, r.expected) == ("mtFallAbsent", "14", "0")
    assert r.message.startswith("Fall Absent 14 but absent 0")
    assert run("ANB-03", enrollments=[fall_enrollment(10, 1, mtSpringAbsent=14)]).empty


@pytest.mark.slow
def test_anb06_blank_fall_hours_and_its_title():
    rows = [fall_enrollment(10, 1, mtFallAggregateHours=None, mtSpringAggregateHours=1080.0)]
    f = run("ANB-06", enrollments=rows)
    assert f[["field", "expected"]].values.tolist() == [["mtFallAggregateHours", "1230"]]
    assert f.iloc[0].remedy.endswith("for the fall count, or enter Student Information > "
                                     "General > Enrollments > State Reporting Fields: Fall "
                                     "Aggregate Hours")
    assert all_rules(FALL)["ANB-06"].title == "Counted enrollment with blank Fall Aggregate Hours"
    # blank spring hours are not the fall count's business
    assert run("ANB-06", enrollments=[fall_enrollment(10, 1, mtSpringAggregateHours=None)]
               ).empty


def test_anb07_compares_the_fall_hours():
    f = run("ANB-07", enrollments=[fall_enrollment(10, 1, mtFallAggregateHours=400.0)])
    assert f[["field", "value", "expected"]].values.tolist() == [
        ["mtFallAggregateHours", "400", "1230"]]


@pytest.mark.slow
def test_anb09_and_programs_use_the_fall_count_date():
    res = [{"personID": 1, "residentDistrict": "0002", "startDate": "2024-08-26",
            "endDate": "2024-12-20"}]
    rows = [fall_enrollment(10, 1, residentDistrict="0002", mtSpringAggregateHours=1080.0)]
    assert run("ANB-09", enrollments=rows, district_residency=res).empty
    assert len(run("ANB-09", "spring", enrollments=rows, district_residency=res)) == 1
    prog = [{"personID": 1, "program": "MYC", "startDate": "2024-09-01",
             "endDate": "2024-10-31"}]
    late = [fall_enrollment(10, 1, startDate="2024-11-04")]
    assert run("ANB-22", enrollments=late, programs=prog)["collection"].tolist() == [
        "Fall ANB"]
    assert run("ANB-22", "spring", enrollments=late, programs=prog).empty


@pytest.mark.slow
def test_early_graduate_rules_are_not_part_of_the_fall_collection():
    grad = enrollment(10, 1, grade="12", endDate="2024-12-20", endStatus="400",
                      mtFallAggregateHours=1080.0)
    fall_count = [{"stateID": "900000001", "schoolNumber": "0001", "grade": "12",
                   "fallAggregateHours": 1080.0, "excluded": False}]
    fall = run_rules(make_analysis(FALL_PARAMS, students=[student(1)], enrollments=[grad],
                                   fall_count=fall_count))
    spring = run_rules(make_analysis(params(), students=[student(1)], enrollments=[grad],
                                     fall_count=fall_count))
    gone = {"ANB-17", "ANB-18", "ANB-19"}
    assert dict(fall.not_run.values.tolist()).keys() >= gone
    assert {r for r, why in fall.not_run.values.tolist()
            if why == "not part of the fall collection"} == gone
    assert not gone & set(fall.findings["ruleId"]) and not gone & set(fall.ran)
    assert gone & set(spring.findings["ruleId"])  # the same data finds them in the spring


# ---- reminders and data quality at the fall count date ---------------------------------------
@pytest.mark.slow
def test_reminders_and_dq04_use_the_fall_count_date():
    gifted = [{"personID": 1, "evaluatedDate": "2024-11-01", "identifiedDate": "2024-11-15"}]
    f = run("GFT-01", gifted=gifted)
    assert f[["collection", "expected"]].values.tolist() == [
        ["Other reminders", "a date on or before 2024-10-07"]]
    assert run("GFT-01", "spring", gifted=gifted).empty
    f = run("DQ-04", enrollments=[fall_enrollment(10, 1)], days=school_days(end="2024-09-30"))
    assert f["expected"].tolist() == ["an instructional day on or after 2024-10-07"]
    assert run("DQ-04", enrollments=[fall_enrollment(10, 1)],
               days=school_days(end="2024-12-20")).empty


# ---- Fall Teacher-Class ---------------------------------------------------------------------
def _tc(**kw):
    kw.setdefault("courses", [{"courseID": 1, "calendarID": 1, "number": "W1", "cte": True,
                               "ctePathways": "P1", "scedSubjectArea": "21",
                               "scedCourseID": "001"}])
    kw.setdefault("sections", [{"sectionID": 5, "courseID": 1, "number": "1",
                                "termStartDate": "2024-08-26", "termEndDate": "2024-12-20",
                                "minutesPerDay": 50}])
    kw.setdefault("rosters", [])
    kw.setdefault("section_staff", [])
    return kw


@pytest.mark.slow
def test_tch04_and_tch02_name_the_fall_section_and_collection():
    f = run("TCH-04", **_tc())
    r = f.iloc[0]
    assert (r.collection, r.sectionID) == ("Fall Teacher-Class", "5")
    assert r.message.startswith("Fall section W1-1 has no enrolled students")
    assert r.expected == "at least one enrolled student on 2024-10-07"
    assert run("TCH-04", "spring", **_tc()).empty  # a fall-semester section: not in spring
    rosters = [{"sectionID": 5, "personID": 1}]
    f = run("TCH-02", enrollments=[fall_enrollment(10, 1)], **_tc(rosters=rosters))
    assert f[["collection", "expected"]].values.tolist() == [
        ["Fall Teacher-Class", "staff with role 00-12 covering 2024-10-07"]]


def test_cte04_window_of_a_fall_run():
    rosters = [{"sectionID": 5, "personID": 1, "startDate": "2024-10-14"}]
    f = run("CTE-04", enrollments=[fall_enrollment(10, 1)], **_tc(rosters=rosters))
    r = f.iloc[0]
    assert r.expected == "students rostered between 2024-08-26 and 2024-10-07"
    assert r.message.endswith("between the first instructional day and the fall count date")
    early = [{"sectionID": 5, "personID": 1, "endDate": "2024-09-20"}]
    assert run("CTE-04", enrollments=[fall_enrollment(10, 1)], **_tc(rosters=early)).empty
    title = all_rules(FALL)["CTE-04"].title
    assert title == "CTE fall section with no students rostered between the first day and " \
                    "the count date"


# ---- reconciliation with IC's Fall ANB Student Counts -----------------------------------------
def test_rec01_compares_the_fall_count():
    ic = [{"schoolNumber": "0001", "grade": "06", "count": 3}]
    a = make_analysis(FALL_PARAMS, students=[student(1)], enrollments=[fall_enrollment(10, 1)],
                      ic_counts=ic)
    t = reconcile_table(a)
    assert list(t.columns) == list(FALL.reconcile_columns)
    assert t[["icCount", "fallCountReported", "icMinusReported"]].values.tolist() == [
        [3.0, 1.0, 2.0]]
    f = run_rules(a, [RULES["REC-01"]]).findings
    assert "our reported fall count is 1 and validated 1" in f.iloc[0].message
    assert "IC's Fall ANB Student Counts report" in f.iloc[0].remedy


# ---- the catalog, named per season ------------------------------------------------------------
def _season_words(rules):
    """Rule ids whose title or remedy names a season's words (``Spring``...)."""
    pattern = re.compile(r"\bspring\b|Spring(?! count date)", re.IGNORECASE)
    return {rid for rid, r in rules.items() if pattern.search(r.title + " " + r.remedy)}


def test_no_fall_rule_names_the_spring_season():
    fall = {rid: r for rid, r in all_rules(FALL).items() if "fall" in r.seasons}
    assert _season_words(fall) == set()


def test_the_scan_finds_the_spring_words_in_a_spring_catalog():
    # the twin of the scan above: spring-named rules are found, so the scan can fail
    assert {"ANB-01", "ANB-03", "ANB-06", "TCH-01", "CTE-04", "REC-01"} <= _season_words(
        all_rules(SPRING))


@pytest.mark.parametrize("season", list(SEASONS.values()), ids=list(SEASONS))
def test_every_rule_is_named_in_the_seasons_collections(season):
    named = {r.collection for r in all_rules(season).values()}
    assert named <= {season.collection(k) for k in COLLECTION_KINDS} <= set(COLLECTIONS)
    assert {season.anb, season.teacher_class} <= named
    assert {r.id for r in all_rules(season).values()} == set(RULES)


def test_a_rule_named_for_spring_is_named_again_for_fall_from_its_declaration():
    spring = all_rules(SPRING)["ANB-01"]
    fall = spring.for_season(FALL)
    assert spring.collection == "Spring ANB" and fall.collection == "Fall ANB"
    assert fall.title == "Absent 11+ consecutive days at the count date, not marked " \
                         "Exclude Fall ANB"
    # a fall run given spring-named rules still names them for the fall
    f = run_rules(make_analysis(FALL_PARAMS, students=[student(1)],
                                enrollments=[fall_enrollment(10, 1)],
                                attendance=absences(1, ELEVEN)), [spring]).findings
    assert f["collection"].tolist() == ["Fall ANB"]


def test_a_declaration_naming_an_unknown_season_word_fails_at_import():
    with pytest.raises(RuleDefinitionError, match="unknown season word"):
        rule("ZZ-01", "info", ANB_COLLECTION, title="blank {hours}", remedy="r",
             registry={})(lambda a: pd.DataFrame())
    with pytest.raises(RuleDefinitionError, match="collection"):
        rule("ZZ-02", "info", "Spring ANB", title="t", remedy="r",
             registry={})(lambda a: pd.DataFrame())

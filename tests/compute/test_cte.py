"""The CTE sheet against hand-computed roster counts, credit equivalents and findings."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.checks.engine import run_rules
from mtcollect_nb.checks.run import DistrictRun
from mtcollect_nb.columns import CTE_COLUMNS
from mtcollect_nb.compute.cte import credit_equivalent, cte_notes, cte_sections
from mtcollect_nb.report.sheets import cte_frame, cte_sheet
from mtcollect_nb.testing import enrollment, make_analysis, school_days, student

TC_RULES = ("TCH-01", "TCH-02", "TCH-03", "TCH-04", "CTE-01", "CTE-02", "CTE-03", "CTE-04")
HOLIDAYS = ["2024-09-02", "2024-11-28", "2024-11-29", "2025-01-20", "2025-02-17"]


def course(cid: int, **kw: Any) -> dict[str, Any]:
    r = {"courseID": cid, "calendarID": 1, "number": f"AG{cid}", "name": f"Ag {cid}",
         "active": True, "scedSubjectArea": "18", "scedCourseID": "001", "cte": True,
         "ctePathways": "AGR1"}
    r.update(kw)
    return r


def section(sid: int, cid: int, **kw: Any) -> dict[str, Any]:
    r = {"sectionID": sid, "courseID": cid, "number": "1", "termStartDate": "2024-08-26",
         "termEndDate": "2025-06-06", "minutesPerDay": 50}
    r.update(kw)
    return r


def roster(sid: int, pid: int, start: str | None = None, end: str | None = None) -> dict:
    return {"sectionID": sid, "personID": pid, "startDate": start, "endDate": end}


def analysis():
    """Course 1 (two sections), course 2 without pathway, course 3 not CTE."""
    return make_analysis(
        days=school_days(holidays=HOLIDAYS),
        students=[student(i) for i in range(1, 7)],
        enrollments=[enrollment(10 + i, i) for i in range(1, 5)]
        + [enrollment(15, 5, endDate="2024-09-30")],
        courses=[course(1), course(2, ctePathways="", workBasedLearning=True),
                 course(3, cte=False)],
        sections=[section(100, 1),
                  section(101, 1, termStartDate="2025-01-06", minutesPerDay=90),
                  section(200, 2, minutesPerDay=0),
                  section(300, 3),
                  section(400, 1, termEndDate="2025-01-17")],  # fall only: not on the sheet
        section_staff=[{"sectionID": 100, "personID": 500, "role": "01",
                        "endDate": "2025-01-31"},
                       {"sectionID": 100, "personID": 501, "role": "02",
                        "startDate": "2025-02-01"},
                       {"sectionID": 101, "personID": 500, "role": "01"},
                       {"sectionID": 101, "personID": 502, "role": ""}],
        staff=[{"personID": 500, "staffStateID": "T500", "lastName": "Smith", "firstName": "Ann"},
               {"personID": 501, "staffStateID": "T501", "lastName": "Jones", "firstName": "Bo"},
               {"personID": 502, "staffStateID": "T502", "lastName": "Aide", "firstName": "Cy"}],
        rosters=[roster(100, 1), roster(100, 2, end="2024-10-06"),
                 roster(100, 3, start="2025-02-03"), roster(100, 4, end="2025-01-15"),
                 roster(100, 5), roster(100, 6, start="2025-01-06"),  # 6: never enrolled
                 roster(101, 1, start="2025-01-06"), roster(101, 2, start="2025-01-06")],
    )


def test_credit_equivalent_rounds_to_two_decimals():
    out = credit_equivalent(pd.Series([50, 0, None], dtype="Int64"), pd.Series([162, 10, 5]))
    assert out.iloc[0] == 1.0 and out.iloc[1] == 0.0 and pd.isna(out.iloc[2])


@pytest.mark.slow
def test_cte_sections_hand_computed():
    sheet = cte_sections(analysis())
    assert list(sheet.columns) == list(CTE_COLUMNS[:-1])
    assert sheet["sectionID"].tolist() == [100, 101, 200]
    s100, s101, s200 = (sheet.iloc[i] for i in range(3))
    # 205 weekdays 2024-08-26..2025-06-06 minus 5 holidays = 200 days; 50 x 200 / 8100 = 1.2346
    assert s100["creditEquivalent"] == 1.23
    # 2025-01-06..2025-06-06: 110 weekdays minus 2025-01-20 and 2025-02-17 = 108 days;
    # 90 x 108 / 8100 = 1.2
    assert s101["creditEquivalent"] == 1.2
    assert s200["creditEquivalent"] == 0.0
    # window: 1 (all year), 3 (starts on the count date), 4 (ends 2025-01-15); not 2 (ended
    # the day before the fall count date) nor 5 (enrollment ended before the fall count date)
    assert (s100["rosterCountWindow"], s100["rosterCountOnCountDate"]) == (3, 2)
    assert (s101["rosterCountWindow"], s101["rosterCountOnCountDate"]) == (2, 2)
    assert (s200["rosterCountWindow"], s200["rosterCountOnCountDate"]) == (0, 0)
    assert s100["teacherOfRecord"] == "Jones, Bo (T501)"
    assert s101["teacherOfRecord"] == "Smith, Ann (T500)"   # role-less staff is not a teacher
    assert s200["teacherOfRecord"] == ""
    assert s100["schoolNumber"] == "0001" and s100["courseNumber"] == "AG1"
    assert bool(s200["workBasedLearning"]) and s200["wblPartner"] == ""
    assert s200["ctePathways"] == ""


@pytest.mark.slow
def test_cte_sheet_lists_section_and_course_findings():
    a = analysis()
    run = DistrictRun(analysis=a, results=run_rules(a, [all_rules()[r] for r in TC_RULES]))
    sheet = cte_sheet(run)
    assert list(sheet.columns) == list(CTE_COLUMNS)
    found = dict(zip(sheet["sectionID"], sheet["findings"], strict=True))
    assert found[100] == "TCH-03"   # student 6's roster overlaps no enrollment
    assert found[101] == ""
    # course 2's CTE-01/CTE-02 are course-level findings; an empty roster needs no teacher
    assert found[200] == "CTE-01, CTE-02, CTE-03, CTE-04, TCH-04"


@pytest.mark.slow
def test_empty_without_teacher_class_files():
    a = make_analysis(students=[student(1)], enrollments=[enrollment(10, 1)])
    assert cte_sections(a).empty
    run = DistrictRun(analysis=a, results=run_rules(a, []))
    assert list(cte_sheet(run).columns) == list(CTE_COLUMNS)


# ---- issue 15 items 2, 3, 5 ------------------------------------------------------------------
def _two_calendars(**tables: Any):
    cals = [{"calendarID": c, "schoolID": 1, "name": f"cal {c}", "endYear": 2025,
             "startDate": "2024-08-26", "endDate": "2025-06-06"} for c in (1, 2)]
    tables.setdefault("rosters", [roster(100, 1), roster(200, 2)])
    tables.setdefault("section_staff", [{"sectionID": 100, "personID": 500, "role": "01"},
                                        {"sectionID": 200, "personID": 500, "role": "01"}])
    return make_analysis(
        calendars=cals, days=school_days(1) + school_days(2),
        students=[student(1), student(2)],
        enrollments=[enrollment(10, 1), enrollment(20, 2, calendarID=2)],
        courses=[course(1), course(2, calendarID=2, number="AG1", ctePathways="")],
        sections=[section(100, 1), section(200, 2)],
        staff=[{"personID": 500, "staffStateID": "T500", "lastName": "Smith",
                "firstName": "Ann"}], **tables)


def _sheet(a) -> pd.DataFrame:
    return cte_sheet(DistrictRun(analysis=a, results=run_rules(
        a, [all_rules()[r] for r in TC_RULES])))


@pytest.mark.slow
def test_course_findings_attach_by_course_id_not_course_number():
    # two courses numbered AG1 in one school (two calendars); only course 2 lacks a pathway
    sheet = _sheet(_two_calendars())
    assert sheet["courseNumber"].tolist() == ["AG1", "AG1"]
    assert dict(zip(sheet["sectionID"], sheet["findings"], strict=True)) == {
        100: "", 200: "CTE-01"}


def test_teacher_with_two_covering_staff_rows_is_listed_once():
    a = _two_calendars(section_staff=[
        {"sectionID": 100, "personID": 500, "role": "01"},
        {"sectionID": 100, "personID": 500, "role": "01", "startDate": "2025-01-06"}])
    assert cte_sections(a)["teacherOfRecord"].tolist() == ["Smith, Ann (T500)", ""]


@pytest.mark.slow
def test_cte_sheet_is_filled_without_section_staff_or_rosters():
    full = _two_calendars()
    no_staff = make_analysis(**{t: full.bundle.table(t).to_dict("records")
                                for t in full.bundle.tables if t != "section_staff"})
    sheet = _sheet(no_staff)
    assert sheet["sectionID"].tolist() == [100, 200]
    assert sheet["teacherOfRecord"].tolist() == ["", ""]
    assert sheet["rosterCountOnCountDate"].tolist() == [1, 1]
    assert cte_notes(no_staff) == [
        "CTE sheet: teacherOfRecord blank: section_staff.csv not provided"]
    no_rosters = make_analysis(**{t: full.bundle.table(t).to_dict("records")
                                  for t in full.bundle.tables if t != "rosters"})
    sheet = _sheet(no_rosters)
    assert sheet["teacherOfRecord"].tolist() == ["Smith, Ann (T500)"] * 2
    assert sheet["rosterCountWindow"].isna().all() and sheet["rosterCountOnCountDate"].isna().all()
    assert "rosters.csv not provided" in cte_notes(no_rosters)[0]
    assert cte_notes(full) == []


@pytest.mark.slow
def test_cte_frame_of_the_workbook_is_filled_without_section_staff():
    full = _two_calendars()
    a = make_analysis(**{t: full.bundle.table(t).to_dict("records")
                         for t in full.bundle.tables if t != "section_staff"})
    run = DistrictRun(analysis=a, results=run_rules(a, [all_rules()[r] for r in TC_RULES]))
    assert cte_frame(run)["sectionID"].tolist() == [100, 200]

"""The 27 real Infinite Campus layouts of issue 19, rebuilt from public evidence.

Each case replaces one file of a small synthetic district (contract layout) by a real layout:
a header row seen in a public source (``../shared/reference/ic-exports.md``, sources S1..S17)
filled with the district's own data, or points a parameters file at the wrong folder. A case
is either **read** (``check`` says how) or **refused** with one line (``refused``: a regex of
it). ``tests/load/test_ic_exports.py`` runs them all; :func:`summary` lists them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from mtcollect_nb.load.bundle import Bundle

Check = Callable[[Bundle, Bundle], None]
ENC = {"students": "cp1252", "staff": "cp1252"}


@dataclass
class Case:
    """One real layout: id (file/layout), source, how it is built, and what must happen."""

    id: str
    source: str
    build: Callable[[Path], dict[str, Any]]
    refused: str | None = None
    check: Check | None = None
    also: str = ""  # what else the case shows (e.g. read once the columns: map is given)
    params: dict[str, Any] = field(default_factory=dict)


def read(folder: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False,
                       encoding=ENC.get(name, "utf-8"))


def write(folder: Path, name: str, df: pd.DataFrame, encoding: str = "utf-8") -> None:
    df.to_csv(folder / f"{name}.csv", index=False, lineterminator="\n", encoding=encoding)


def notes(b: Bundle) -> str:
    return " | ".join(b.notes["note"])


# ---- the IC student view (S1) ------------------------------------------------------------------
def _student_view(folder: Path, mt: bool = False) -> pd.DataFrame:
    """One row per enrollment of IC's ``student`` view: S1's names, datetime text, both names."""
    s, e, c = read(folder, "students"), read(folder, "enrollments"), read(folder, "calendars")
    v = e.merge(s, on="personID").merge(c[["calendarID", "name", "startDate", "endDate",
                                           "stateExclude"]].rename(columns={
        "name": "calendarName", "startDate": "calendarStart", "endDate": "calendarEnd",
        "stateExclude": "calendarExclude"}), on="calendarID")
    out = pd.DataFrame({
        "personID": v["personID"], "stateID": v["stateID"], "studentNumber": v["studentNumber"],
        "lastName": v["lastName"], "firstName": v["firstName"], "middleName": "",
        "legalLastName": v["lastName"], "legalFirstName": v["firstName"],
        "legalMiddleName": "", "gender": v["gender"], "legalGender": v["gender"],
        "birthdate": pd.to_datetime(v["birthdate"]).dt.strftime("%Y-%m-%d 00:00:00"),
        "otherID": "", "edFiID": "", "enrollmentID": v["enrollmentID"],
        "calendarID": v["calendarID"], "calendarName": v["calendarName"],
        "calendarStart": v["calendarStart"], "calendarEnd": v["calendarEnd"],
        "calendarExclude": v["calendarExclude"], "grade": v["grade"], "stateGrade": v["grade"],
        "serviceType": v["serviceType"], "startDate": v["startDate"],
        "startStatus": v["startStatus"], "endDate": v["endDate"], "endStatus": v["endStatus"],
        "noShow": v["noShow"], "enrollmentStateExclude": v["stateExclude"],
        "gradeLevelExcludeState": "0", "residentDistrict": v["residentDistrict"],
        "diplomaDate": v["diplomaDate"], "diplomaType": v["diplomaType"],
        "diplomaPeriod": v["diplomaPeriod"]})
    if mt:  # the Montana fields under the labels of IC's screens (S14)
        out["Spring Aggregate Hours"] = v["mtSpringAggregateHours"]
        out["Spring Absent"] = v["mtSpringAbsent"]
        out["Exclude Spring ANB - 10 Day Rule"] = v["mtExcludeSpringANB"]
        out["Exclude ANB"] = v["mtExcludeANB"]
        out["Extracurricular Activities Only"] = v["extracurricularOnly"]
        out.loc[out.index[0], "enrollmentStateExclude"] = "1"
    return out


def students_view(folder: Path) -> dict[str, Any]:
    write(folder, "students", _student_view(folder), encoding="utf-8-sig")
    return {}


def check_students_view(b: Bundle, base: Bundle) -> None:
    assert len(b.tables["students"]) == len(base.tables["students"])
    assert set(b.rejected.loc[b.rejected["file"] == "students.csv", "ruleId"]) <= {"DQ-01"}
    assert "'legalFirstName' was read" not in notes(b)
    assert "'legalFirstName' is kept as an extra column" in notes(b)
    assert "'gradeLevelExcludeState' recognised, not used" in notes(b)
    pd.testing.assert_series_equal(b.tables["students"]["birthdate"].reset_index(drop=True),
                                   base.tables["students"]["birthdate"].reset_index(drop=True))


def enrollments_view(folder: Path) -> dict[str, Any]:
    write(folder, "enrollments", _student_view(folder))
    return {}


def enrollments_view_mt(folder: Path) -> dict[str, Any]:
    write(folder, "enrollments", _student_view(folder, mt=True))
    return {}


def check_enrollments_view_mt(b: Bundle, base: Bundle) -> None:
    e = b.tables["enrollments"]
    assert int(e["stateExclude"].sum()) == int(base.tables["enrollments"]["stateExclude"].sum()
                                               ) + 1
    assert "'stateGrade' is kept as an extra column" in notes(b)
    assert e["grade"].tolist() != [] and set(e["grade"]) <= set(base.tables["enrollments"][
        "grade"])


def calendars_view(folder: Path) -> dict[str, Any]:
    c = read(folder, "calendars")
    write(folder, "calendars", pd.DataFrame({
        "calendarID": c["calendarID"], "schoolID": c["schoolID"], "calendarName": c["name"],
        "endYear": c["endYear"], "calendarStart": c["startDate"], "calendarEnd": c["endDate"],
        "calendarExclude": c["stateExclude"]}))
    return {}


def check_calendars_view(b: Bundle, base: Bundle) -> None:
    cols = ["calendarID", "schoolID", "name", "endYear", "startDate", "endDate", "stateExclude"]
    pd.testing.assert_frame_equal(b.tables["calendars"][cols], base.tables["calendars"][cols])


# ---- schools -------------------------------------------------------------------------------
def school_table(folder: Path) -> dict[str, Any]:
    s = read(folder, "schools")
    write(folder, "schools", pd.DataFrame({"schoolID": s["schoolID"],
                                           "number": s["schoolNumber"], "name": s["name"],
                                           "exclude": "0"}))
    return {}


def check_school_table(b: Bundle, base: Bundle) -> None:
    s = b.tables["schools"]
    assert s["schoolNumber"].tolist() == base.tables["schools"]["schoolNumber"].tolist()
    assert set(s["districtNumber"]) == {"0999"}  # IC's School has none: the parameters'


def district_labels(folder: Path) -> dict[str, Any]:
    s = read(folder, "schools")
    write(folder, "schools", pd.DataFrame({"schoolID": s["schoolID"], "sch_no": s["schoolNumber"],
                                           "sch_na": s["name"], "sch_config": "K-8",
                                           "sch_type": "Regular"}))
    return {}


# ---- days and periods ------------------------------------------------------------------------
def _schedules(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """IC's days (periodScheduleID, no minutes) and periods (schedules, times, checkbox)."""
    from mtcollect_nb.synthetic.ic_layout import schedule_layout

    days, periods, _, _ = schedule_layout(folder)
    return days.assign(structureID="1"), periods.assign(
        periodSeq=lambda f: f.groupby("periodScheduleID").cumcount() + 1)


def day_table(folder: Path) -> dict[str, Any]:
    days, periods = _schedules(folder)
    write(folder, "days", days)
    write(folder, "periods", periods)
    return {}


def check_day_table(b: Bundle, base: Bundle) -> None:
    cols = ["calendarID", "date", "instruction", "minutes"]
    pd.testing.assert_frame_equal(b.tables["days"][cols], base.tables["days"][cols])
    lunch = b.tables["periods"]["name"].eq("Lunch")
    assert lunch.any() and not b.tables["periods"].loc[lunch, "instructional"].any()


def day_table_without_periods(folder: Path) -> dict[str, Any]:
    write(folder, "days", _schedules(folder)[0])
    (folder / "periods.csv").unlink()
    return {}


def period_table_as_seen(folder: Path) -> dict[str, Any]:
    days, periods = _schedules(folder)
    write(folder, "days", days)
    write(folder, "periods", periods[["calendarID", "periodScheduleID", "periodID", "name",
                                      "periodSeq"]])
    return {}


# ---- attendance ------------------------------------------------------------------------------
def _absent_periods(folder: Path) -> pd.DataFrame:
    """One row per instructional period of every whole-day absence (IC keeps no minutes)."""
    att, per = read(folder, "attendance"), read(folder, "periods")
    per = per.loc[per["instructional"].ne("0")]
    whole = att.loc[att["presentMinutes"].eq("0")]
    return whole.merge(per[["calendarID", "periodID", "name"]], on="calendarID")


def attendance_detail(folder: Path) -> dict[str, Any]:
    a = _absent_periods(folder)
    code = a["excuse"].map({"E": "AE", "U": "AU", "X": "EX"}).fillna("AU")
    write(folder, "attendance", pd.DataFrame({
        "personID": a["personID"], "calendarID": a["calendarID"], "structureID": "1",
        "termID": "2", "termName": "S2", "periodID": a["periodID"], "periodName": a["name"],
        "periodSeq": "1", "sectionID": "", "sectionNumber": "", "date": a["date"],
        "status": a["status"], "excuse": a["excuse"], "behaviorExcuse": "", "code": code,
        "stateCode": code, "description": "", "courseNumber": ""}))
    return {}


def check_whole_days(b: Bundle, base: Bundle) -> None:
    """Every whole-day absence of the contract file is a whole-day absence here too."""
    att, ref = b.tables["attendance"], base.tables["attendance"]
    key = ["personID", "calendarID", "date"]
    whole = ref.loc[ref["presentMinutes"].eq(0), key]
    got = att.merge(whole, on=key)
    assert len(got) == len(whole) > 0 and got["presentMinutes"].eq(0).all()


def attendance_table(folder: Path) -> dict[str, Any]:
    a = _absent_periods(folder)
    write(folder, "attendance", pd.DataFrame({
        "calendarID": a["calendarID"], "personID": a["personID"], "periodID": a["periodID"],
        "date": a["date"], "status": "A", "modifiedDate": "2025-02-07 10:01:02",
        "modifiedByID": "7"}))
    return {}


def adhoc_present_minutes(folder: Path) -> dict[str, Any]:
    a = _absent_periods(folder)
    write(folder, "attendance", pd.DataFrame({
        "personID": a["personID"], "calendarID": a["calendarID"], "date": a["date"],
        "periodID": a["periodID"], "presentMinutes": "0", "status": a["status"],
        "excuse": a["excuse"], "comments": ""}))
    return {}


def code_only(folder: Path) -> dict[str, Any]:
    a = _absent_periods(folder)
    codes = {"E": ("AE", "1"), "U": ("AU", "2"), "X": ("EX", "3")}
    write(folder, "attendance", pd.DataFrame({
        "personID": a["personID"], "calendarID": a["calendarID"], "date": a["date"],
        "periodID": a["periodID"], "status": "", "excuse": "",
        "excuseID": a["excuse"].map(lambda x: codes.get(x, codes["U"])[1]),
        "code": a["excuse"].map(lambda x: codes.get(x, codes["U"])[0])}))
    write(folder, "attendance_codes", pd.DataFrame({
        "excuseID": ["1", "2", "3"], "code": ["AE", "AU", "EX"], "status": ["A", "A", "A"],
        "excuse": ["E", "U", "X"],
        "description": ["Absent Excused", "Absent Unexcused", "Exempt: school activity"]}))
    return {}


def check_code_only(b: Bundle, base: Bundle) -> None:
    check_whole_days(b, base)
    ref = base.tables["attendance"]
    exempt = ref.loc[ref["excuse"].eq("X") & ref["presentMinutes"].eq(0),
                     ["personID", "calendarID", "date"]]
    got = b.tables["attendance"].merge(exempt, on=["personID", "calendarID", "date"])
    assert len(exempt) and got["excuse"].eq("X").all()  # exempt recognised by its code
    assert "took their status or excuse from their attendance code" in notes(b)


def s1_attendance(folder: Path) -> dict[str, Any]:
    a = _absent_periods(folder)
    write(folder, "attendance", pd.DataFrame({"personID": a["personID"], "periodID": "17",
                                              "status": "A",
                                              "modifiedDate": "2025-02-07 10:01:02"}))
    return {}


# ---- grade levels, programs, graduation ---------------------------------------------------
def gradelevel_table(folder: Path) -> dict[str, Any]:
    g = read(folder, "grade_levels")
    ex = np.where(np.arange(len(g)) == 0, "1", "0")
    write(folder, "grade_levels", pd.DataFrame({"calendarID": g["calendarID"],
                                                "stateGrade": g["grade"], "name": g["grade"],
                                                "excludeEnrollment": ex}))
    return {}


def check_gradelevel_table(b: Bundle, base: Bundle) -> None:
    assert not b.tables["grade_levels"]["stateExclude"].any()
    assert "'excludeEnrollment' recognised, not used" in notes(b)
    assert "(1 row(s) have it set)" in notes(b)


def programs_fields(folder: Path) -> dict[str, Any]:
    p = read(folder, "programs")
    district = {"ESA": "ESA-MT", "MYC": "YCHAL"}
    write(folder, "programs", pd.DataFrame({
        "districtID": "1", "personID": p["personID"], "programID": np.arange(len(p)) + 100,
        "name": p["program"], "programDescription": "", "code": p["program"].map(
            lambda c: district.get(c, c)), "flagged": "0", "startDate": p["startDate"],
        "endDate": p["endDate"], "eligibilityStartDate": "", "eligibilityEndDate": "",
        "userWarning": "", "studentDescription": ""}))
    return {"values": {"programs": {"program": {"ESA-MT": "ESA", "YCHAL": "MYC"}}}}


def check_programs_fields(b: Bundle, base: Bundle) -> None:
    got = b.tables["programs"]["program"].tolist()
    assert got == base.tables["programs"]["program"].tolist()
    assert "values: (ESA-MT -> ESA" in notes(b)
    assert "'name' is kept as an extra column" in notes(b)


def graduation_table(folder: Path) -> dict[str, Any]:
    g = read(folder, "graduation")
    write(folder, "graduation", pd.DataFrame({"personID": g["personID"],
                                              "diplomaDate": "", "diplomaType": ""}))
    return {}


def check_graduation_table(b: Bundle, base: Bundle) -> None:
    assert b.lacking == {"graduation": ("dateFirstEntered9",)}
    assert len(b.tables["graduation"]) == len(base.tables["graduation"])


# ---- Teacher-Class ---------------------------------------------------------------------------
def term_numbers(folder: Path) -> dict[str, Any]:
    s = read(folder, "sections")
    term = np.where(s["termStartDate"].str.startswith("2024"), "1", "2")
    write(folder, "sections", pd.DataFrame({
        "Section ID": s["sectionID"], "courseID": s["courseID"], "Section Number": s["number"],
        "Course Number": "", "Course Name": "", "Max Students": "30", "Teacher Display": "",
        "Room Name": "", "Terms": "1", "Term Start": term, "Term End": term,
        "minutesPerDay": s["minutesPerDay"]}))
    return {}


def staff_history(folder: Path) -> dict[str, Any]:
    s = read(folder, "section_staff")
    write(folder, "section_staff", pd.DataFrame({
        "sectionID": s["sectionID"], "personID": s["personID"], "staffType": "P",
        "startDate": s["startDate"], "endDate": s["endDate"], "trialID": "1"}))
    return {}


def _two_trials(df: pd.DataFrame) -> pd.DataFrame:
    """Every row twice: trial 1 (active) and trial 2 (next year's draft)."""
    return pd.concat([df.assign(trialID="1"), df.assign(trialID="2")], ignore_index=True)


def staff_history_two_trials(folder: Path) -> dict[str, Any]:
    s = read(folder, "section_staff")
    write(folder, "section_staff", _two_trials(pd.DataFrame({
        "sectionID": s["sectionID"], "personID": s["personID"], "staffType": "P",
        "Teacher Role": s["role"], "startDate": s["startDate"], "endDate": s["endDate"]})))
    return {}


def check_two_trials_noted(b: Bundle, base: Bundle) -> None:
    assert "rows of more than one scheduling trial in one calendar" in notes(b)
    assert "trialID 1, 2" in notes(b)


def roster_table(folder: Path) -> dict[str, Any]:
    r = read(folder, "rosters")
    write(folder, "rosters", _two_trials(pd.DataFrame({
        "rosterID": np.arange(len(r)) + 1, "personID": r["personID"],
        "sectionID": r["sectionID"], "startDate": r["startDate"], "endDate": r["endDate"]})))
    return {}


def roster_trial_active(folder: Path) -> dict[str, Any]:
    roster_table(folder)
    r = read(folder, "rosters")
    write(folder, "rosters", r.assign(trialActive=np.where(r["trialID"] == "1", "1", "0")))
    return {}


def check_roster_trial_active(b: Bundle, base: Bundle) -> None:
    assert len(b.tables["rosters"]) == len(base.tables["rosters"])
    rej = b.rejected.loc[b.rejected["file"] == "rosters.csv"]
    assert len(rej) == len(base.tables["rosters"]) and set(rej["column"]) == {"trialActive"}
    assert rej["reason"].str.contains("inactive scheduling trial").all()


def staffmember_view(folder: Path) -> dict[str, Any]:
    s = read(folder, "staff")
    write(folder, "staff", pd.DataFrame({
        "staffstateID": s["staffStateID"], "personID": s["personID"], "firstname": s["firstName"],
        "lastname": s["lastName"], "schoolnumber": "0001", "schoolname": "X", "enddate": "",
        "teacher": "1"}), encoding="cp1252")
    return {}


def check_staff(b: Bundle, base: Bundle) -> None:
    cols = ["personID", "staffStateID", "lastName", "firstName"]
    pd.testing.assert_frame_equal(b.tables["staff"][cols], base.tables["staff"][cols])


# ---- files that are not extracts -----------------------------------------------------------
def state_format(folder: Path) -> dict[str, Any]:
    (folder / "fall_count.csv").write_text(
        "HD\t10/07/2024\t08:15:00\tMT9.1\nAF\t0999\t0001\t01\t900000001\n")
    return {}


def oneroster(folder: Path) -> dict[str, Any]:
    (folder / "enrollments.csv").write_text(
        "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,role,"
        "primary,beginDate,endDate\ne1,active,2025-01-01,c1,s1,u1,student,false,2024-08-26,\n")
    return {}


def no_change(folder: Path) -> dict[str, Any]:
    return {}


CASES: tuple[Case, ...] = (
    Case("students/ic_student_view_full", "S1", students_view, check=check_students_view),
    Case("enrollments/ic_student_view_full", "S1", enrollments_view,
         refused=r"missing required column\(s\) mtSpringAggregateHours, mtSpringAbsent, "
                 r"mtExcludeSpringANB, mtExcludeANB"),
    Case("enrollments/ic_student_view_plus_mt_fields", "S1+S14", enrollments_view_mt,
         check=check_enrollments_view_mt),
    Case("calendars/ic_student_view_calendar", "S1", calendars_view,
         check=check_calendars_view),
    Case("schools/ic_school_table", "S2, S5, S14", school_table, check=check_school_table),
    Case("schools/district_own_labels", "S16", district_labels,
         refused=r"schools\.csv: missing required column\(s\) schoolNumber, name",
         also="read once the parameters map them: columns: {schools: {sch_no: schoolNumber, "
              "sch_na: name}}"),
    Case("days/ic_day_table", "S5", day_table, check=check_day_table),
    Case("days/ic_day_table_without_periods", "S5", day_table_without_periods,
         refused=r"days\.csv: \d+ day\(s\) give a periodScheduleID and no minutes.*periods\.csv "
                 r"\(the periods of each period schedule.*is needed and missing"),
    Case("periods/ic_period_table_as_seen", "S5", period_table_as_seen,
         refused=r"days\.csv: \d+ day\(s\) give a periodScheduleID and no minutes.*no period "
                 r"of periods\.csv has a length"),
    Case("attendance/v_AttendanceDetail", "S2", attendance_detail, check=check_whole_days),
    Case("attendance/ic_attendance_table_as_inserted", "S5", attendance_table,
         check=check_whole_days),
    Case("attendance/adhoc_with_presentMinutes", "S9", adhoc_present_minutes,
         check=check_whole_days),
    Case("attendance/status_on_the_code", "S4", code_only, check=check_code_only),
    Case("attendance/icstudentattendance", "S1", s1_attendance,
         refused=r"attendance\.csv: missing required column\(s\) calendarID, date"),
    Case("grade_levels/ic_gradelevel_table", "S2", gradelevel_table,
         check=check_gradelevel_table),
    Case("programs/adhoc_programs_fields", "S9", programs_fields, check=check_programs_fields),
    Case("graduation/ic_graduation_table", "S2, S3", graduation_table,
         check=check_graduation_table),
    Case("sections/adhoc_section_fields_term_numbers", "S7", term_numbers,
         refused=r"sections\.csv: column termStartDate holds whole numbers, not dates: it looks "
                 r"like a term number"),
    Case("section_staff/ic_sectionstaffhistory", "S2", staff_history,
         refused=r"section_staff\.csv: missing required column\(s\) role"),
    Case("section_staff/history_with_role_two_trials", "S2+S14", staff_history_two_trials,
         check=check_two_trials_noted),
    Case("rosters/ic_roster_table_two_trials", "S5", roster_table, check=check_two_trials_noted),
    Case("rosters/ic_roster_table_with_trial_active", "S5", roster_trial_active,
         check=check_roster_trial_active),
    Case("staff/ic_staffmember_view", "S2", staffmember_view, check=check_staff),
    Case("fall_count/state_format_AF", "S14", state_format,
         refused=r"fall_count\.csv: this is an Infinite Campus State Format file .*CSV format"),
    Case("enrollments/oneroster_1_1", "S13", oneroster,
         refused=r"enrollments\.csv: missing required column\(s\) enrollmentID, personID, "
                 r"calendarID, grade"),
    Case("folder/another_districts_extracts", "issue 19", no_change,
         refused=r"schools\.csv: every school belongs to district 0999, not to district 0456",
         params={"district_number": "0456"}),
    Case("folder/wrong_school_year", "issue 19", no_change,
         refused=r"calendars\.csv: no calendar has endYear 2026 .*endYears are 2025",
         params={"school_year": 2026}),
)
assert len(CASES) == 27

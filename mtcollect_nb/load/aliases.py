r"""Every header a district's export may use for a contract column, in one table.

A real Infinite Campus export names its columns in several ways (spec/extracts.md, "Real
Infinite Campus exports" and "The export as IC writes it"): Ad Hoc dotted names
(``student.personID``), plain report labels ("Local Student Number"), spacing and punctuation
variants, and IC's own field names where they differ from the contract's (``calendar.exclude``
for ``stateExclude``, ``number`` for a school's number). :data:`ALIASES` lists, per table and
contract column, the alternative headers (in order: when two headers of one file name one
column, the first alias listed is read); :data:`PREFIXES` the Ad Hoc objects of each file;
:data:`NEGATED` IC checkboxes that mean the opposite of a column; :data:`NOT_USED` headers that
are recognised and not used. How a header is read against this table is
:mod:`mtcollect_nb.load.header_names`; docs/extracts.md shows the same table
(:func:`alias_markdown`; a test keeps them equal). Standard library only.

Example:
    >>> ALIASES["calendars"]["stateExclude"]
    ('exclude', 'calendar.exclude', 'Calendar Exclude')
    >>> print(alias_markdown("graduation").splitlines()[2])
    | `personID` | `student.personID` |
"""

from __future__ import annotations

_STATE_ID = ("State Student ID", "Student State ID", "Student's State ID", "SSID")
_GRADE = ("Grade Level", "State Grade", "State Grade Level")
_SCHOOL_NUMBER = ("school.number", "State School Number", "School Code")
_PERSON = ("student.personID",)
_CALENDAR = ("calendar.calendarID",)
_TRIAL = {"trialID": (), "trialActive": ("trial.active",)}

#: table -> contract column -> alternative headers (the column's own name is always accepted).
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "schools": {
        "schoolID": (), "districtNumber": ("district.number", "State District Number"),
        "schoolNumber": (*_SCHOOL_NUMBER, "number"), "name": ("School Name",),
        "accredited": (),
    },
    "calendars": {
        "calendarID": (), "schoolID": ("school.schoolID",), "name": ("Calendar Name",),
        "endYear": (), "startDate": ("Calendar Start Date", "calendarStart"),
        "endDate": ("Calendar End Date", "calendarEnd"),
        "stateExclude": ("exclude", "calendar.exclude", "Calendar Exclude"), "summerSchool": (),
        "wholeDayAbsence": ("Whole Day Absence Minutes",),
    },
    "days": {
        "calendarID": (), "date": ("Calendar Date", "Day Date"), "schoolDay": (),
        "instruction": ("Instructional Day", "Instructional"), "attendance": ("Attendance Day",),
        "minutes": ("Instructional Minutes", "Day Minutes", "Scheduled Minutes"),
        "periodScheduleID": ("periodSchedule.periodScheduleID",),
    },
    "students": {
        "personID": _PERSON, "stateID": _STATE_ID,
        "studentNumber": ("Local Student Number", "Local Student ID", "Local ID",
                          "Student's Local ID"),
        "lastName": ("Student Last Name", "Legal Last Name"),
        "firstName": ("Student First Name", "Legal First Name"),
        "birthdate": ("Date of Birth", "DOB", "Birthday"), "gender": ("Sex",),
        "photoOptIn": ("Student Photo Opt In",), "photoUploaded": ("Has Photo",),
    },
    "enrollments": {
        "enrollmentID": (), "personID": _PERSON, "calendarID": _CALENDAR, "grade": _GRADE,
        "serviceType": (), "startDate": ("Enrollment Start Date", "Entry Date"),
        "startStatus": ("State Start Status", "activeEnrollment.startStatus"),
        "endDate": ("Enrollment End Date", "Exit Date"), "endStatus": ("State End Status",),
        "noShow": (), "stateExclude": ("enrollmentStateExclude",),
        "residentDistrict": ("Resident District Number",),
        "extracurricularOnly": ("Extracurricular Activities Only", "mtExtracurricularOnly"),
        "earlyLiteracy": ("Early Literacy Program",),
        "mtFallAggregateHours": ("Fall Aggregate Hours", "Fall Aggregate Hours of Instruction"),
        "mtSpringAggregateHours": ("Spring Aggregate Hours",
                                   "Spring Aggregate Hours of Instruction"),
        "mtFallAbsent": ("Fall Absent",), "mtSpringAbsent": ("Spring Absent",),
        "mtExcludeFallANB": ("Exclude Fall ANB - 10 Day Rule", "Exclude Fall ANB"),
        "mtExcludeSpringANB": ("Exclude Spring ANB - 10 Day Rule", "Exclude Spring ANB"),
        "mtExcludeANB": ("Exclude ANB",),
        "mtExcludeReason": ("Exclude ANB Reason", "Exclude Reason"), "dayTreatment": (),
        "age19Or20Eligible": ("Age 19 or 20 Eligible for ANB", "mtAge19Or20EligibleANB"),
        "diplomaDate": (), "diplomaType": (), "diplomaPeriod": (), "giftedLegacy": ("Gifted",),
        "specialEd": ("Special Ed Status", "enrollment.specialEdStatus", "Special Education"),
    },
    "attendance": {
        "personID": _PERSON, "calendarID": _CALENDAR, "date": ("Attendance Date",),
        "presentMinutes": ("Minutes Present",), "status": ("Attendance Status",),
        "excuse": ("Attendance Excuse",), "periodID": ("period.periodID",),
        "code": ("Attendance Code", "attendanceExcuse.code"),
    },
    "attendance_codes": {
        "code": ("Attendance Code",), "status": (), "excuse": (), "description": (),
    },
    "periods": {
        "calendarID": _CALENDAR, "periodScheduleID": ("periodSchedule.periodScheduleID",),
        "periodID": (), "name": ("Period Name",),
        "minutes": ("Period Minutes",), "startTime": ("Period Start", "Period Start Time"),
        "endTime": ("Period End", "Period End Time"), "instructional": ("Instructional Period",),
    },
    "grade_levels": {
        "calendarID": _CALENDAR, "grade": (*_GRADE, "State Grade Level Code"),
        "wholeDayAbsence": ("Whole Day Absence Minutes",),
        "stateExclude": ("exclude", "gradeLevel.exclude"),
    },
    "district_residency": {
        "personID": _PERSON,
        "startDate": ("districtResidency.startDate", "Residency Start Date"),
        "endDate": ("districtResidency.endDate", "Residency End Date"),
        "residentDistrict": ("districtResidency.residentDistrict", "Resident District Number"),
        "comments": ("Comment",),
    },
    "programs": {
        "personID": _PERSON, "program": ("Program Code", "code", "name"),
        "startDate": ("Program Start Date",), "endDate": ("Program End Date",),
    },
    "esa_participants": {
        "stateID": (*_STATE_ID, "student.stateID"), "startDate": ("ESA Start Date",),
    },
    "gifted": {
        "personID": _PERSON,
        "evaluatedDate": ("startDate", "gifted.startDate", "Date Evaluated",
                          "Gifted/Talented Evaluated"),
        "identifiedDate": ("Date Identified", "Gifted/Talented Identified"), "endDate": (),
        "programStatus": ("Status",),
    },
    "graduation": {
        "personID": _PERSON,
        "dateFirstEntered9": ("Date First Entered 9th Grade", "Date First Entered Grade 9",
                              "grade9Date", "enrollment.grade9Date"),
    },
    "fall_count": {
        "stateID": (*_STATE_ID, "student.stateID"), "schoolNumber": _SCHOOL_NUMBER,
        "grade": _GRADE,
        "fallAggregateHours": ("Aggregate Hours", "mtFallAggregateHours",
                               "Fall Aggregate Hours of Instruction"),
        "excluded": ("Exclude", "Exclude ANB", "Exclude Fall ANB"),
    },
    "courses": {
        "courseID": (), "calendarID": _CALENDAR, "number": ("Course Number",),
        "name": ("Course Name",), "active": (),
        "stateExclude": ("exclude", "course.exclude", "Course Exclude"),
        "scedSubjectArea": ("courseInfo.SCED Subject Area",),
        "scedCourseID": ("SCED Course Identifier", "courseInfo.SCED Course Identifier"),
        "scedCourseLevel": ("courseInfo.SCED Course Level",), "cte": ("isCTE", "CTE Course"),
        "ctePathways": ("CTE Pathway", "Career Pathway", "Career Pathways"),
        "workBasedLearning": ("WBL", "wblFlag"),
        "wblPartner": ("Work Based Learning Partner", "WBL Partner Organization"),
    },
    "sections": {
        "sectionID": (), "courseID": ("course.courseID",), "number": ("Section Number",),
        "termStartDate": ("term.startDate", "Term Start", "Section Start Date"),
        "termEndDate": ("term.endDate", "Term End", "Section End Date"),
        "minutesPerDay": ("Minutes", "Daily Minutes"),
    },
    "section_staff": {
        "sectionID": ("section.sectionID",),
        "personID": ("staff.personID", "Staff Person ID", "Teacher Person ID"),
        "role": ("Teacher Role", "State Teacher Role"), "startDate": ("Staff Start Date",),
        "endDate": ("Staff End Date",), **_TRIAL,
    },
    "rosters": {
        "sectionID": ("section.sectionID",), "personID": _PERSON,
        "startDate": ("Roster Start Date",), "endDate": ("Roster End Date",), **_TRIAL,
    },
    "staff": {
        "personID": ("Staff Person ID",), "staffStateID": ("State Staff ID",),
        "lastName": ("Staff Last Name", "Teacher Last Name"),
        "firstName": ("Staff First Name", "Teacher First Name"),
    },
    "ic_counts": {
        "schoolNumber": _SCHOOL_NUMBER, "grade": _GRADE,
        "count": ("Student Count", "Total", "Total Students"),
    },
}

#: table -> the Ad Hoc objects whose prefix (``student.`` in ``student.grade``) is ignored.
PREFIXES: dict[str, tuple[str, ...]] = {
    "schools": ("school",), "calendars": ("calendar",), "days": ("day", "calendar"),
    "students": ("student", "person", "identity"),
    "enrollments": ("enrollment", "activeEnrollment", "student"),
    "attendance": ("attendance", "student"), "attendance_codes": ("attendanceExcuse",),
    "periods": ("period",),
    "grade_levels": ("gradeLevel",), "district_residency": ("districtResidency",),
    "programs": ("program", "programParticipation"), "esa_participants": ("esa",),
    "gifted": ("gifted",), "graduation": ("graduation",), "fall_count": (),
    "courses": ("course", "courseInfo"), "sections": ("section",),
    "section_staff": ("sectionStaff", "sectionStaffHistory"), "rosters": ("roster",),
    "staff": ("staff", "person", "identity"), "ic_counts": (),
}


#: table -> header -> the yes/no column it names with the opposite meaning (IC's
#: Non-Instructional checkbox is the opposite of ``instructional``).
NEGATED: dict[str, dict[str, str]] = {"periods": {"nonInstructional": "instructional"}}

#: Headers the loader recognises and does not use, any file: why (said in the loader notes,
#: never dropped silently).
NOT_USED: dict[str, str] = {
    "excludeEnrollment": "IC's GradeLevel.excludeEnrollment; whether it is the grade level's "
                         "State Exclude is not confirmed: export State Exclude as stateExclude",
    "gradeLevelExcludeState": "the student view's gradeLevelExcludeState; its meaning in IC "
                              "is not confirmed: a grade level's State Exclude is read from "
                              "grade_levels.csv (stateExclude)",
}

#: Ad Hoc objects no file is made of whose fields are never this file's own: ``district.number``
#: in schools.csv is the district's number, not the school's.
OTHER_OBJECTS: tuple[str, ...] = ("district",)


def alias_markdown(table: str) -> str:
    """The Markdown table of ``table``'s accepted headers, as docs/extracts.md shows it.

    Example:
        >>> print(alias_markdown("graduation").splitlines()[2])
        | `personID` | `student.personID` |
    """
    rows = ["| Column | Also accepted as |", "|---|---|"]
    for column, aliases in ALIASES[table].items():
        shown = ", ".join(f"`{a}`" for a in aliases) or "(spelling variants only)"
        rows.append(f"| `{column}` | {shown} |")
    prefixes = ", ".join(f"`{p}.`" for p in PREFIXES[table]) or "none"
    rows.append(f"\nAd Hoc prefixes ignored in this file: {prefixes}.")
    for header, column in NEGATED.get(table, {}).items():
        rows.append(f"Read as the opposite of `{column}`: `{header}` (IC's checkbox).")
    return "\n".join(rows)

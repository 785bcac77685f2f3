r"""Every header a district's export may use for a contract column, in one table.

A real Infinite Campus export names its columns in several ways (spec/extracts.md, "Real
Infinite Campus exports"): Ad Hoc dotted names (``student.personID``), plain report labels
("Local Student Number"), spacing and punctuation variants, and IC's own field names where they
differ from the contract's (``calendar.exclude`` for ``stateExclude``). :data:`ALIASES` lists,
per table and contract column, the alternative headers; :func:`resolve` maps a header to its
contract column. docs/extracts.md shows the same table (:func:`alias_markdown`; a test keeps
them equal).

Matching compares :func:`normalize` keys: case, a BOM, spaces, underscores, hyphens and other
punctuation do not matter ("#" reads as "number"). A header ``object.field`` whose ``field``
is known also matches when ``object`` is one of the table's own Ad Hoc objects
(:data:`PREFIXES`) or an object no table claims; the object of another file's table
(``districtResidency.startDate`` in enrollments) does not, so it cannot pass for a column of
this file. Standard library only, so this module fits anywhere in the package.

Example:
    >>> resolve("students", "\ufeffLocal Student Number"), resolve("calendars", "exclude")
    ('studentNumber', 'stateExclude')
    >>> resolve("gifted", "Start Date"), resolve("enrollments", "districtResidency.startDate")
    ('evaluatedDate', None)
    >>> closest("students", "Stat ID")
    'stateID'
"""

from __future__ import annotations

import difflib
import unicodedata

_STATE_ID = ("State Student ID", "Student State ID", "Student's State ID", "SSID")
_GRADE = ("Grade Level", "State Grade", "State Grade Level")
_SCHOOL_NUMBER = ("school.number", "State School Number", "School Code")
_PERSON = ("student.personID",)
_CALENDAR = ("calendar.calendarID",)

#: table -> contract column -> alternative headers (the column's own name is always accepted).
ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "schools": {
        "schoolID": (), "districtNumber": ("district.number", "State District Number"),
        "schoolNumber": _SCHOOL_NUMBER, "name": ("School Name",), "accredited": (),
    },
    "calendars": {
        "calendarID": (), "schoolID": ("school.schoolID",), "name": ("Calendar Name",),
        "endYear": (), "startDate": ("Calendar Start Date",), "endDate": ("Calendar End Date",),
        "stateExclude": ("exclude", "calendar.exclude", "Calendar Exclude"), "summerSchool": (),
        "wholeDayAbsence": ("Whole Day Absence Minutes",),
    },
    "days": {
        "calendarID": (), "date": ("Calendar Date", "Day Date"), "schoolDay": (),
        "instruction": ("Instructional Day", "Instructional"), "attendance": ("Attendance Day",),
        "minutes": ("Instructional Minutes", "Day Minutes", "Scheduled Minutes"),
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
        "noShow": (), "stateExclude": (), "residentDistrict": ("Resident District Number",),
        "extracurricularOnly": ("Extracurricular Activities Only", "mtExtracurricularOnly"),
        "earlyLiteracy": ("Early Literacy Program",),
        "mtFallAggregateHours": ("Fall Aggregate Hours", "Fall Aggregate Hours of Instruction"),
        "mtSpringAggregateHours": ("Spring Aggregate Hours",
                                   "Spring Aggregate Hours of Instruction"),
        "mtSpringAbsent": ("Spring Absent",),
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
    },
    "periods": {
        "calendarID": _CALENDAR, "periodID": (), "name": ("Period Name",),
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
        "personID": _PERSON, "program": ("Program Code",),
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
        "endDate": ("Staff End Date",),
    },
    "rosters": {
        "sectionID": ("section.sectionID",), "personID": _PERSON,
        "startDate": ("Roster Start Date",), "endDate": ("Roster End Date",),
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
    "attendance": ("attendance", "student"), "periods": ("period",),
    "grade_levels": ("gradeLevel",), "district_residency": ("districtResidency",),
    "programs": ("program", "programParticipation"), "esa_participants": ("esa",),
    "gifted": ("gifted",), "graduation": ("graduation",), "fall_count": (),
    "courses": ("course", "courseInfo"), "sections": ("section",),
    "section_staff": ("sectionStaff", "sectionStaffHistory"), "rosters": ("roster",),
    "staff": ("staff", "person", "identity"), "ic_counts": (),
}


def normalize(header: str) -> str:
    r"""The comparison key of a header: lower case, letters, digits and object dots only.

    A BOM, spaces, underscores, hyphens, slashes, apostrophes and other punctuation are
    dropped, ``#`` reads as ``number``, and empty dot-separated parts are removed.

    Example:
        >>> [normalize(h) for h in ("\ufeff Person_ID ", "Student #", "courseInfo.SCED-Area.")]
        ['personid', 'studentnumber', 'courseinfo.scedarea']
    """
    text = unicodedata.normalize("NFKC", header).casefold().replace("#", "number")
    kept = "".join(ch for ch in text if ch.isalnum() or ch == ".")
    return ".".join(part for part in kept.split(".") if part)


def _index(table: str) -> dict[str, str]:
    """Normalised key -> contract column of ``table``; a key naming two columns is an error."""
    out: dict[str, str] = {}
    for column, aliases in ALIASES[table].items():
        for name in (column, *aliases):
            key = normalize(name)
            if out.setdefault(key, column) != column:
                raise ValueError(f"{table}: header {name!r} would mean both {out[key]!r} and "
                                 f"{column!r}")
    return out


_INDEX: dict[str, dict[str, str]] = {table: _index(table) for table in ALIASES}
_OWN: dict[str, frozenset[str]] = {
    table: frozenset(normalize(p) for p in prefixes) for table, prefixes in PREFIXES.items()
}
_CLAIMED: frozenset[str] = frozenset().union(*_OWN.values())


def _split(table: str, key: str) -> str | None:
    """The field part of ``object.field`` when ``object``'s prefix may be ignored in ``table``."""
    obj, dot, field = key.rpartition(".")
    obj = obj.rpartition(".")[2]
    if not dot or (obj in _CLAIMED and obj not in _OWN[table]):
        return None
    return field


def resolve(table: str, header: str) -> str | None:
    """The contract column that ``header`` names in ``table``'s file, or ``None``.

    Raises:
        KeyError: ``table`` is not an extract table.

    Example:
        >>> resolve("enrollments", "student.grade"), resolve("students", "Student Number")
        ('grade', 'studentNumber')
        >>> resolve("enrollments", "Student Number") is None
        True
    """
    index = _INDEX[table]
    key = normalize(header)
    if key in index:
        return index[key]
    field = _split(table, key)
    return None if field is None else index.get(field)


def aliases_of(table: str, column: str) -> tuple[str, ...]:
    """The alternative headers of ``table``'s ``column`` (KeyError for an unknown one).

    Example:
        >>> aliases_of("calendars", "stateExclude")
        ('exclude', 'calendar.exclude', 'Calendar Exclude')
    """
    return ALIASES[table][column]


def closest(table: str, header: str) -> str | None:
    """The known header of ``table`` nearest to ``header``, for an error message.

    A header that resolves gives its contract column; otherwise the most similar column name
    or alias (as written in :data:`ALIASES`), or ``None`` when nothing is similar enough.

    Example:
        >>> closest("courses", "SCED Subjet Area"), closest("courses", "zzz")
        ('scedSubjectArea', None)
    """
    column = resolve(table, header)
    if column is not None:
        return column
    known = {normalize(n): n for c, a in ALIASES[table].items() for n in (*a, c)}
    key = normalize(header)
    field = _split(table, key)
    tries = [key] if field is None else [key, field]
    best = max(((difflib.SequenceMatcher(None, t, k).ratio(), k) for t in tries for k in known),
               default=(0.0, ""))
    return known[best[1]] if best[0] >= 0.75 else None


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
    return "\n".join(rows)

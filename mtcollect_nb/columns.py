"""Column names of every output table and of the derived columns, in one place.

Input columns are the Infinite Campus names declared in :mod:`mtcollect_nb.load.contract`.

Example:
    >>> FINDINGS_COLUMNS[:3]
    ('ruleId', 'severity', 'collection')
"""

from __future__ import annotations

# ---- output sheets (spec/outputs.md), exact names and order -------------------------------
FINDINGS_COLUMNS: tuple[str, ...] = (
    "ruleId", "severity", "collection", "schoolNumber", "stateID", "studentNumber",
    "studentName", "enrollmentID", "courseNumber", "sectionID", "staffStateID", "field",
    "value", "expected", "message", "remedy",
)
ANB_COLUMNS: tuple[str, ...] = (
    "schoolNumber", "grade", "budgetUnit", "enrolled", "excludedReported", "excludedValidated",
    "springCountReported", "springCountValidated", "difference", "fallCount",
)
ABSENCES_COLUMNS: tuple[str, ...] = (
    "schoolNumber", "stateID", "studentName", "grade", "enrollmentID", "streak",
    "streakStart", "mtSpringAbsent", "mtExcludeSpringANB", "excludeComputed",
)
CTE_COLUMNS: tuple[str, ...] = (
    "schoolNumber", "courseNumber", "courseName", "sectionID", "scedSubjectArea",
    "scedCourseID", "ctePathways", "teacherOfRecord", "minutesPerDay", "creditEquivalent",
    "rosterCountWindow", "rosterCountOnCountDate", "workBasedLearning", "wblPartner", "findings",
)
REJECTED_COLUMNS: tuple[str, ...] = ("file", "line", "column", "value", "reason")
ACCOUNTING_COLUMNS: tuple[str, ...] = ("file", "read", "used", "rejected")
NOTE_COLUMNS: tuple[str, ...] = ("file", "column", "note")
#: How each header field of each file was read (``mtcollect check-extracts``).
HEADER_COLUMNS: tuple[str, ...] = ("file", "header", "column", "how")
BUDGET_UNIT_COLUMNS: tuple[str, ...] = (
    "budgetUnit", "fallCount", "springCountReported", "springCountValidated",
    "anbReported", "anbValidated",
)
NOT_RUN_COLUMNS: tuple[str, ...] = ("ruleId", "reason")

# ---- internal columns added by the loader and the computations ----------------------------
LINE = "_line"  # source line number of a loaded row (header = line 1)
RULE_ID = "ruleId"  # also carried by rejected rows, to make DQ findings
PERSON_ID = "personID"
EFFECTIVE_COUNT_DATE = "effectiveCountDate"
STUDENT_NAME = "studentName"
SCHOOL_NUMBER = "schoolNumber"
SCHOOL_NAME = "schoolName"  # next to schoolNumber on every workbook sheet naming a school
ON_COUNT_DATE = "onCountDate"
COUNTED = "counted"
STREAK = "streak"
STREAK_START = "streakStart"
COMPUTED_HOURS = "computedHours"
FTE_REPORTED = "fteReported"
FTE_VALIDATED = "fteValidated"
EXCLUDE_COMPUTED = "excludeComputed"
EXCLUDE_REASON = "excludeReasonComputed"
BUDGET_UNIT = "budgetUnit"

# ---- budget units ---------------------------------------------------------------------------
ELEMENTARY = "Elementary"
HIGH_SCHOOL = "High School"
ELEMENTARY_GRADES: tuple[str, ...] = ("PK", "KG", "01", "02", "03", "04", "05", "06", "07", "08")
HIGH_SCHOOL_GRADES: tuple[str, ...] = ("09", "10", "11", "12")
GRADES: tuple[str, ...] = ELEMENTARY_GRADES + HIGH_SCHOOL_GRADES
TEACHER_ROLES: tuple[str, ...] = tuple(f"{i:02d}" for i in range(13))

# ---- severities and collections ----------------------------------------------------------------
ERROR, WARNING, INFO = "error", "warning", "info"
SEVERITIES: tuple[str, ...] = (ERROR, WARNING, INFO)
FALL_ANB, FALL_TEACHER_CLASS = "Fall ANB", "Fall Teacher-Class"
SPRING_ANB, SPRING_TEACHER_CLASS = "Spring ANB", "Spring Teacher-Class"
TEACHER_CLASS = SPRING_TEACHER_CLASS  # the spring name, as report/certify reads it today
REMINDERS = "Other reminders"
DATA_QUALITY = "Data quality"
#: Every collection a finding can name, in the school year's order (a season names its two
#: certified ones: :mod:`mtcollect_nb.season`; reminders and data quality have no season).
COLLECTIONS: tuple[str, ...] = (FALL_ANB, FALL_TEACHER_CLASS, SPRING_ANB, SPRING_TEACHER_CLASS,
                                REMINDERS, DATA_QUALITY)

# ---- reruns in the collection window (spec/outputs.md "Reruns in the collection window") ----
FINDING_KEY = "findingKey"
STATUS = "status"
FIRST_SEEN = "firstSeen"
REVIEWED = "reviewed"
NOTE = "note"
RERUN_COLUMNS: tuple[str, ...] = (FINDING_KEY, STATUS, FIRST_SEEN, REVIEWED, NOTE)
#: The Findings sheet: the finding's columns, then the rerun columns.
FINDINGS_SHEET_COLUMNS: tuple[str, ...] = (*FINDINGS_COLUMNS, *RERUN_COLUMNS)
STATUS_NEW, STATUS_OPEN, STATUS_REVIEWED = "new", "open", "reviewed"
STATUSES: tuple[str, ...] = (STATUS_NEW, STATUS_OPEN, STATUS_REVIEWED)
#: The *Since last run* sheet's findings table: what changed, then the finding.
CHANGE = "change"
CHANGE_FIXED, CHANGE_NEW, CHANGE_STILL_OPEN = "fixed", "new", "still open"
SINCE_FINDINGS_COLUMNS: tuple[str, ...] = (
    CHANGE, "ruleId", "severity", "collection", "schoolNumber", "stateID", "studentName",
    "enrollmentID", "sectionID", "field", "value", "message", FINDING_KEY, FIRST_SEEN,
    REVIEWED, NOTE,
)
SINCE_COUNT_COLUMNS: tuple[str, ...] = (
    "budgetUnit", "springCountReportedPrevious", "springCountReported",
    "springCountValidatedPrevious", "springCountValidated",
)
#: Ready to certify, per collection (the Summary and summary.json).
READY_COLUMNS: tuple[str, ...] = (
    "collection", "errorsOpen", "warningsNotReviewed", "rulesNotRun", "ready", "verdict",
)
#: The spring run's certified collections (a season's: ``Season.certified``).
CERTIFIED_COLLECTIONS: tuple[str, ...] = (SPRING_ANB, SPRING_TEACHER_CLASS)

# ---- reconciliation with Infinite Campus (spec/outputs.md "Reconciliation") ----------------
IC_COUNT = "icCount"
RECONCILE_COLUMNS: tuple[str, ...] = (
    "schoolNumber", "grade", IC_COUNT, "springCountReported", "springCountValidated",
    "icMinusReported", "icMinusValidated",
)

# ---- Infinite Campus semantics (compute/absence.py, load/periods.py) ------------------------
#: Resolved whole-day absence threshold of an attendance row (grade level, calendar, default).
WHOLE_DAY_THRESHOLD = "wholeDayThreshold"

# ---- chronic absence (rules.md "Chronic absence", outputs.md "Attendance") ----------------
DAYS_ENROLLED = "daysEnrolled"
DAYS_ABSENT = "daysAbsent"
CHRONICALLY_ABSENT = "chronicallyAbsent"
#: Per student in a school (joins the call list by personID + schoolNumber).
CHRONIC_STUDENT_COLUMNS: tuple[str, ...] = (
    "personID", "schoolNumber", "grade", DAYS_ENROLLED, DAYS_ABSENT, CHRONICALLY_ABSENT,
)
#: The Attendance sheet: per school x grade, students enrolled 10+ days, how many of them are
#: chronically absent, and the rate (chronicallyAbsent / students; blank when no student).
ATTENDANCE_COLUMNS: tuple[str, ...] = (
    "schoolNumber", "grade", "students", CHRONICALLY_ABSENT, "chronicAbsenceRate",
)

# ---- before the count date: the call list (spec/outputs.md "Call list", rules.md) ----------
STREAK_AS_OF = "streakAsOf"
LAST_PRESENT = "lastPresent"
DAYS_LEFT = "daysLeft"
REACHES_11_ON = "reaches11On"
FTE_AT_RISK = "fteAtRisk"
ANB_AT_RISK = "anbAtRisk"
AT_RISK = "atRisk"
#: Per calendar in a forecast run: the last instructional day on or before ``as_of`` (the day
#: the streak at ``as_of`` ends on).
LAST_DAY_AS_OF = "lastDayAsOf"
#: The Call list sheet's computed columns; the workbook adds ``reviewed`` and ``note``.
CALL_LIST_COLUMNS: tuple[str, ...] = (
    "schoolNumber", "schoolName", "stateID", "studentNumber", "studentName", "grade",
    "enrollmentID", STREAK_AS_OF, LAST_PRESENT, DAYS_LEFT, REACHES_11_ON, FTE_AT_RISK,
    CHRONICALLY_ABSENT, DAYS_ENROLLED, DAYS_ABSENT,
)
#: FTE and ANB at risk per budget unit (the Summary of a forecast run).
AT_RISK_COLUMNS: tuple[str, ...] = (BUDGET_UNIT, FTE_AT_RISK, ANB_AT_RISK)
#: A call-list row's key (window/keys.call_keys): enrollmentID + season + school year, hashed
#: like findingKey, so ``reviewed`` and ``note`` follow the enrollment from run to run.
CALL_KEY = "callKey"
#: The Call list sheet: the computed columns, the key, then what the district types.
CALL_LIST_SHEET_COLUMNS: tuple[str, ...] = (*CALL_LIST_COLUMNS, CALL_KEY, REVIEWED, NOTE)

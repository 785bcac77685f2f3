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
SPRING_ANB = "Spring ANB"
TEACHER_CLASS = "Spring Teacher-Class"
REMINDERS = "Other reminders"
DATA_QUALITY = "Data quality"
COLLECTIONS: tuple[str, ...] = (SPRING_ANB, TEACHER_CLASS, REMINDERS, DATA_QUALITY)

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
CERTIFIED_COLLECTIONS: tuple[str, ...] = (SPRING_ANB, TEACHER_CLASS)

# ---- reconciliation with Infinite Campus (spec/outputs.md "Reconciliation") ----------------
IC_COUNT = "icCount"
RECONCILE_COLUMNS: tuple[str, ...] = (
    "schoolNumber", "grade", IC_COUNT, "springCountReported", "springCountValidated",
    "icMinusReported", "icMinusValidated",
)

# ---- Infinite Campus semantics (compute/absence.py, load/periods.py) ------------------------
#: Resolved whole-day absence threshold of an attendance row (grade level, calendar, default).
WHOLE_DAY_THRESHOLD = "wholeDayThreshold"

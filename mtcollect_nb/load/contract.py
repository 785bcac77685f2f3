"""The input contract (spec/extracts.md) as data: every table, its columns, key and references.

:data:`TABLES` is the one place that says which files the loader reads, which columns each has
(name, type, required or optional) and how tables refer to each other; the loader, the
synthetic generator, the typed frames (:mod:`mtcollect_nb.load.typed`) and the guard of a
loaded frame (:mod:`mtcollect_nb.load.frame_checks`) are all built from it.

Example:
    >>> TABLES["schools"].key
    ('schoolID',)
    >>> Table("t", (Column("a", "int", required=True),), key=("a",)).column_names
    ('a',)
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

from mtcollect_nb.season import SEASONS, SPRING, Season

ColType = Literal["int", "num", "date", "bool", "str", "code4", "grade", "role"]
TEXT_TYPES: frozenset[str] = frozenset({"str", "code4", "grade", "role"})


@dataclass(frozen=True)
class Column:
    """One column of an extract table.

    Attributes:
        name: IC field name (camelCase) as it appears in the header.
        type: one of :data:`ColType`.
        required: a blank value rejects the row (DQ-03, "missing value").
        in_header: the header must contain the column (else :class:`ExtractError`).
        blank_true: a bool whose blank value means true (``schools.accredited``, per spec).
        absent_true: a bool that is true for every row when the header lacks the column
            (``courses.active``: a course is active unless the export says otherwise; a blank
            checkbox in a present column is still false, as for every IC checkbox).
        codes: the codes the checks know (``programs.program``); other values are kept and
            counted in a loader note (a district's own code may need a ``values:`` map).
    """

    name: str
    type: ColType
    required: bool = False
    in_header: bool = True
    blank_true: bool = False
    absent_true: bool = False
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Reference:
    """A foreign key: ``column`` must exist in ``parent``'s ``parent_column`` (else DQ-02)."""

    column: str
    parent: str
    parent_column: str


@dataclass(frozen=True)
class Table:
    """One extract table: its file stem, columns, key and references.

    Attributes:
        one_of: groups of columns of which the header must hold at least one (days:
            ``minutes`` or ``periodScheduleID``).
        needed: columns that may be absent from the header, but without which the rules that
            read the table do not run (graduation: ``dateFirstEntered9``; IC's Graduation table
            has only the diploma fields).
        loaded_after: tables read before this one when present (days after periods: a day's
            minutes come from its period schedule), besides the parents of its references.
    """

    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()
    references: tuple[Reference, ...] = ()
    required_file: bool = False
    extra: dict[str, Any] = field(default_factory=dict)
    one_of: tuple[tuple[str, ...], ...] = ()
    needed: tuple[str, ...] = ()
    loaded_after: tuple[str, ...] = ()

    @property
    def column_names(self) -> tuple[str, ...]:
        """The contract's column names, in contract order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"{self.name}: no column {name!r}")


def _c(name: str, type_: ColType, required: bool = False, in_header: bool = True) -> Column:
    return Column(name, type_, required, in_header)


def _opt(name: str, type_: ColType) -> Column:
    """A column that may be absent from the header (filled blank)."""
    return Column(name, type_, False, False)


_CAL = Reference("calendarID", "calendars", "calendarID")
#: IC schedules in trials; only the active trial is the real schedule (load/trials.py).
_TRIAL = (_opt("trialID", "int"), Column("trialActive", "bool", in_header=False,
                                          absent_true=True))
#: The program codes the checks read (spec/extracts.md, programs.csv).
PROGRAM_CODES: tuple[str, ...] = ("ESA", "MYC", "JOB_CORPS", "MTDA", "EL_CLASSROOM", "EL_HOME")
#: Attendance status and excuse codes of the contract (attendance.csv).
STATUS_CODES: tuple[str, ...] = ("A", "T", "E")
EXCUSE_CODES: tuple[str, ...] = ("E", "U", "X")
_STATUS_EXCUSE = (Column("status", "str", in_header=False, codes=STATUS_CODES),
                  Column("excuse", "str", in_header=False, codes=EXCUSE_CODES))
_TABLE_LIST: tuple[Table, ...] = (
    Table("schools", (
        _c("schoolID", "int", True), _opt("districtNumber", "code4"),
        _c("schoolNumber", "code4", True),
        _c("name", "str"),
        Column("accredited", "bool", in_header=False, blank_true=True),
    ), key=("schoolID",), required_file=True),
    Table("calendars", (
        _c("calendarID", "int", True), _c("schoolID", "int", True), _c("name", "str"),
        _c("endYear", "int"), _c("startDate", "date"), _c("endDate", "date"),
        _opt("stateExclude", "bool"), _opt("summerSchool", "bool"),
        _opt("wholeDayAbsence", "int"),
    ), key=("calendarID",), references=(Reference("schoolID", "schools", "schoolID"),),
        required_file=True),
    Table("days", (
        _c("calendarID", "int", True), _c("date", "date", True), _opt("schoolDay", "bool"),
        _c("instruction", "bool"), _opt("attendance", "bool"), _opt("minutes", "int"),
        _opt("periodScheduleID", "int"),  # IC's Day -> Period Schedule (load/schedules.py)
    ), key=("calendarID", "date"),
        references=(Reference("calendarID", "calendars", "calendarID"),), required_file=True,
        one_of=(("minutes", "periodScheduleID"),), loaded_after=("periods",)),
    Table("students", (
        _c("personID", "int", True), _c("stateID", "str"), _c("studentNumber", "str"),
        _c("lastName", "str"), _c("firstName", "str"), _c("birthdate", "date"),
        _opt("gender", "str"), _opt("photoOptIn", "str"), _opt("photoUploaded", "bool"),
    ), key=("personID",), required_file=True),
    Table("enrollments", (
        _c("enrollmentID", "int", True), _c("personID", "int", True),
        _c("calendarID", "int", True), _c("grade", "grade", True), _opt("serviceType", "str"),
        _c("startDate", "date", True), _opt("startStatus", "str"), _c("endDate", "date"),
        _opt("endStatus", "str"), _opt("noShow", "bool"), _opt("stateExclude", "bool"),
        _opt("residentDistrict", "code4"), _opt("extracurricularOnly", "bool"),
        _opt("earlyLiteracy", "str"),
        # the season's fields: required in the header by the run's season (season_table)
        _opt("mtFallAggregateHours", "num"), _opt("mtSpringAggregateHours", "num"),
        _opt("mtFallAbsent", "int"), _opt("mtSpringAbsent", "int"),
        _opt("mtExcludeFallANB", "bool"), _opt("mtExcludeSpringANB", "bool"),
        _c("mtExcludeANB", "bool"),
        _opt("mtExcludeReason", "str"), _opt("dayTreatment", "bool"),
        _opt("age19Or20Eligible", "bool"), _opt("diplomaDate", "date"),
        _opt("diplomaType", "str"), _opt("diplomaPeriod", "str"), _opt("giftedLegacy", "bool"),
        _opt("specialEd", "bool")), key=("enrollmentID",), references=(
        Reference("personID", "students", "personID"),
        Reference("calendarID", "calendars", "calendarID"),
    ), required_file=True),
    Table("attendance", (
        _c("personID", "int", True), _c("calendarID", "int", True), _c("date", "date", True),
        _opt("presentMinutes", "int"), *_STATUS_EXCUSE,
        _opt("periodID", "int"),  # period form (load/periods.py); blank in the daily form
        _opt("code", "str"),  # IC's attendance code (attendance_codes.csv)
    ), key=("personID", "calendarID", "date", "periodID"), references=(
        Reference("personID", "students", "personID"), _CAL,
        Reference("periodID", "periods", "periodID")), required_file=True,
        one_of=(("presentMinutes", "status", "code"),)),
    Table("attendance_codes", (_c("code", "str", True), *_STATUS_EXCUSE,
        _opt("description", "str")), key=("code",)),
    Table("periods", (_c("calendarID", "int", True), _opt("periodScheduleID", "int"),
        _c("periodID", "int", True),
        _opt("name", "str"), _opt("minutes", "int"), _opt("startTime", "str"),
        _opt("endTime", "str"), Column("instructional", "bool", in_header=False,
                                       blank_true=True)), key=("periodID",), references=(_CAL,)),
    Table("grade_levels", (_c("calendarID", "int", True), _c("grade", "grade", True),
        _opt("wholeDayAbsence", "int"), _opt("stateExclude", "bool")),
        key=("calendarID", "grade"), references=(_CAL,)),
    Table("district_residency", (
        _c("personID", "int", True), _c("startDate", "date"), _c("endDate", "date"),
        _c("residentDistrict", "code4"), _opt("comments", "str"),  # blank start = open start
    ), references=(Reference("personID", "students", "personID"),)),
    Table("programs", (
        _c("personID", "int", True), Column("program", "str", True, codes=PROGRAM_CODES),
        _c("startDate", "date"),
        _c("endDate", "date"),  # a blank startDate is an open start (rules.md decisions)
    ), references=(Reference("personID", "students", "personID"),)),
    Table("esa_participants", (_c("stateID", "str", True), _c("startDate", "date"))),
    Table("gifted", (
        _c("personID", "int", True), _c("evaluatedDate", "date"), _c("identifiedDate", "date"),
        _c("endDate", "date"), _opt("programStatus", "str"),
    ), references=(Reference("personID", "students", "personID"),)),
    Table("graduation", (
        _c("personID", "int", True), _opt("dateFirstEntered9", "date"),
    ), key=("personID",), references=(Reference("personID", "students", "personID"),),
        needed=("dateFirstEntered9",)),
    Table("fall_count", (
        _c("stateID", "str", True), _c("schoolNumber", "code4"), _c("grade", "grade", True),
        _c("fallAggregateHours", "num"), _opt("excluded", "bool"),
    )),
    Table("courses", (
        _c("courseID", "int", True), _c("calendarID", "int", True), _c("number", "str"),
        _c("name", "str"),
        Column("active", "bool", in_header=False, absent_true=True), _opt("stateExclude", "bool"),
        _c("scedSubjectArea", "str"), _c("scedCourseID", "str"), _opt("scedCourseLevel", "str"),
        _c("cte", "bool"), _opt("ctePathways", "str"), _opt("workBasedLearning", "bool"),
        _opt("wblPartner", "str"),
    ), key=("courseID",), references=(Reference("calendarID", "calendars", "calendarID"),),
        extra={"group": "teacher_class"}),
    Table("sections", (
        _c("sectionID", "int", True), _c("courseID", "int", True), _c("number", "str"),
        _c("termStartDate", "date", True), _c("termEndDate", "date", True),
        _c("minutesPerDay", "int"),
    ), key=("sectionID",), references=(Reference("courseID", "courses", "courseID"),),
        extra={"group": "teacher_class"}),
    Table("section_staff", (
        _c("sectionID", "int", True), _c("personID", "int", True), _c("role", "role"),
        _c("startDate", "date"), _c("endDate", "date"), *_TRIAL,
    ), references=(
        Reference("sectionID", "sections", "sectionID"),
        Reference("personID", "staff", "personID"),
    ), extra={"group": "teacher_class"}),
    Table("rosters", (
        _c("sectionID", "int", True), _c("personID", "int", True), _c("startDate", "date"),
        _c("endDate", "date"), *_TRIAL,
    ), references=(
        Reference("sectionID", "sections", "sectionID"),
        Reference("personID", "students", "personID"),
    ), extra={"group": "teacher_class"}),
    Table("staff", (
        _c("personID", "int", True), _c("staffStateID", "str"), _c("lastName", "str"),
        _c("firstName", "str"),
    ), key=("personID",), extra={"group": "teacher_class"}),
    Table("ic_counts", (_c("schoolNumber", "code4", True), _c("grade", "grade", True),
                        _c("count", "num", True)), key=("schoolNumber", "grade")))

TABLES: dict[str, Table] = {t.name: t for t in _TABLE_LIST}
REQUIRED_TABLES: tuple[str, ...] = tuple(t.name for t in _TABLE_LIST if t.required_file)
OPTIONAL_TABLES: tuple[str, ...] = tuple(t.name for t in _TABLE_LIST if not t.required_file)
#: Tables loaded before their children, so references can be checked in one pass.
LOAD_ORDER: tuple[str, ...] = (
    "schools", "calendars", "days", "periods", "grade_levels", "students", "staff",
    "enrollments", "attendance_codes", "attendance",
    "district_residency", "programs", "esa_participants", "gifted", "graduation", "fall_count",
    "courses", "sections", "section_staff", "rosters", "ic_counts")
assert set(LOAD_ORDER) == set(TABLES)
#: Columns only IC's own layout has (period schedules, attendance codes, scheduling trials):
#: a bundle in the contract's layout leaves them out (synthetic data, ``write_bundle``).
IC_LAYOUT_ONLY: dict[str, tuple[str, ...]] = {
    "days": ("periodScheduleID",), "periods": ("periodScheduleID",), "attendance": ("code",),
    "rosters": ("trialID", "trialActive"), "section_staff": ("trialID", "trialActive"),
}


#: Every season's enrollment fields (optional in :data:`TABLES`; :func:`season_table`).
SEASON_FIELDS: frozenset[str] = frozenset(n for s in SEASONS.values() for n in s.fields.names)


def season_table(name: str, season: Season | None = None) -> Table:
    """The table ``name`` as a run of ``season`` reads it (default spring).

    The enrollment fields of the run's season are required in the header (extracts.md: a
    spring run needs ``mtSpringAggregateHours``, ``mtSpringAbsent``, ``mtExcludeSpringANB``;
    a fall run the fall three); the other season's may be absent (filled blank). Every other
    table is :data:`TABLES`' own. ``extra["season"]`` names the season for the message of a
    missing field.

    Example:
        >>> from mtcollect_nb.season import FALL
        >>> [c.name for c in season_table("enrollments", FALL).columns
        ...  if c.in_header and c.name in SEASON_FIELDS]
        ['mtFallAggregateHours', 'mtFallAbsent', 'mtExcludeFallANB']
    """
    table = TABLES[name]
    season = season or SPRING
    if not SEASON_FIELDS & set(table.column_names):
        return table
    own = set(season.fields.names)
    columns = tuple(replace(c, in_header=c.name in own) if c.name in SEASON_FIELDS else c
                    for c in table.columns)
    return replace(table, columns=columns, extra={**table.extra, "season": season})


def read_order() -> tuple[str, ...]:
    """The order files are read in: :data:`LOAD_ORDER`, each table after its ``loaded_after``.

    Bundles list files in :data:`LOAD_ORDER`; a table whose rows need another table (days
    need periods) is read after it.

    Example:
        >>> order = read_order()
        >>> order.index("periods") < order.index("days")
        True
    """
    out: list[str] = []

    def add(name: str) -> None:
        if name in out:
            return
        for first in TABLES[name].loaded_after:
            add(first)
        out.append(name)

    for name in LOAD_ORDER:
        add(name)
    return tuple(out)

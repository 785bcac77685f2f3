"""The extract bundle's input contract (spec/extracts.md) as data, and typed frames built from it.

Every loaded table is a DataFrame whose columns are the contract's names with these dtypes:

=========  ======================================================================
type       dtype after loading
=========  ======================================================================
``int``    ``int64`` when ``required`` (keys, references), else nullable ``Int64``
``num``    ``float64`` (blank = NaN)
``date``   ``datetime64[ns]`` (blank = NaT)
``bool``   ``bool`` (blank = False)
``str``    ``object`` holding Python ``str``; **blank is ``""``, never NaN**
``code4``  like ``str``; digits zero-padded to 4 ("123" -> "0123"); blank ``""``
``grade``  like ``str``; one of ``PK``, ``KG``, ``01``..``12``
``role``   like ``str``; ``00``..``12`` (zero-padded)
=========  ======================================================================

plus the loader's ``_line`` column (source line; header = line 1).

Example:
    >>> TABLES["schools"].key
    ('schoolID',)
    >>> frame_from_records("schools", [{"schoolID": 1, "schoolNumber": "12"}])["schoolNumber"][0]
    '0012'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from mtcollect_nb.columns import GRADES, LINE
from mtcollect_nb.load.contract_types import TEXT_TYPES, ColType, Column, Reference, Table

__all__ = ["TABLES", "TEXT_TYPES", "ColType", "Column", "Reference", "Table", "dtype_of",
           "empty_frame", "frame_from_records", "normalize_code"]

def _c(name: str, type_: ColType, required: bool = False, in_header: bool = True) -> Column:
    return Column(name, type_, required, in_header)


def _opt(name: str, type_: ColType) -> Column:
    """A column that may be absent from the header (filled blank)."""
    return Column(name, type_, False, False)


_CAL = Reference("calendarID", "calendars", "calendarID")
_TABLE_LIST: tuple[Table, ...] = (
    Table("schools", (
        _c("schoolID", "int", True), _c("districtNumber", "code4"),
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
        _c("instruction", "bool"), _opt("attendance", "bool"), _c("minutes", "int"),
    ), key=("calendarID", "date"),
        references=(Reference("calendarID", "calendars", "calendarID"),), required_file=True),
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
        _opt("earlyLiteracy", "str"), _opt("mtFallAggregateHours", "num"),
        _c("mtSpringAggregateHours", "num"), _opt("mtSpringAbsent", "int"),
        _c("mtExcludeSpringANB", "bool"), _c("mtExcludeANB", "bool"),
        _opt("mtExcludeReason", "str"), _opt("dayTreatment", "bool"),
        _opt("age19Or20Eligible", "bool"), _opt("diplomaDate", "date"),
        _opt("diplomaType", "str"), _opt("diplomaPeriod", "str"), _opt("giftedLegacy", "bool"),
        _opt("specialEd", "bool")), key=("enrollmentID",), references=(
        Reference("personID", "students", "personID"),
        Reference("calendarID", "calendars", "calendarID"),
    ), required_file=True),
    Table("attendance", (
        _c("personID", "int", True), _c("calendarID", "int", True), _c("date", "date", True),
        _c("presentMinutes", "int"), _opt("status", "str"), _opt("excuse", "str"),
        _opt("periodID", "int"),  # period form (load/periods.py); blank in the daily form
    ), key=("personID", "calendarID", "date", "periodID"), references=(
        Reference("personID", "students", "personID"), _CAL,
        Reference("periodID", "periods", "periodID")), required_file=True),
    Table("periods", (_c("calendarID", "int", True), _c("periodID", "int", True),
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
        _c("personID", "int", True), _c("program", "str", True), _c("startDate", "date"),
        _c("endDate", "date"),  # a blank startDate is an open start (rules.md decisions)
    ), references=(Reference("personID", "students", "personID"),)),
    Table("esa_participants", (_c("stateID", "str", True), _c("startDate", "date"))),
    Table("gifted", (
        _c("personID", "int", True), _c("evaluatedDate", "date"), _c("identifiedDate", "date"),
        _c("endDate", "date"), _opt("programStatus", "str"),
    ), references=(Reference("personID", "students", "personID"),)),
    Table("graduation", (
        _c("personID", "int", True), _c("dateFirstEntered9", "date"),
    ), key=("personID",), references=(Reference("personID", "students", "personID"),)),
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
        _c("startDate", "date"), _c("endDate", "date"),
    ), references=(
        Reference("sectionID", "sections", "sectionID"),
        Reference("personID", "staff", "personID"),
    ), extra={"group": "teacher_class"}),
    Table("rosters", (
        _c("sectionID", "int", True), _c("personID", "int", True), _c("startDate", "date"),
        _c("endDate", "date"),
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
    "enrollments", "attendance",
    "district_residency", "programs", "esa_participants", "gifted", "graduation", "fall_count",
    "courses", "sections", "section_staff", "rosters", "ic_counts")
assert set(LOAD_ORDER) == set(TABLES)


def dtype_of(col: Column) -> str:
    """The pandas dtype a loaded column has (see the module docstring).

    Example:
        >>> dtype_of(Column("x", "int", required=True)), dtype_of(Column("y", "int"))
        ('int64', 'Int64')
    """
    if col.type == "int":
        return "int64" if col.required else "Int64"
    return {"num": "float64", "date": "datetime64[ns]", "bool": "bool"}.get(col.type, "object")


def normalize_code(value: str, type_: str) -> str | None:
    """Canonical text of a code value, or ``None`` when it is not a valid code of ``type_``.

    Example:
        >>> [normalize_code(g, "grade") for g in ("7", "k", "13")]
        ['07', 'KG', None]
        >>> normalize_code("123", "code4"), normalize_code("1", "role")
        ('0123', '01')
    """
    v = value.strip()
    if v == "":
        return ""
    if type_ == "grade":
        up = v.upper()
        if up in ("K", "KG", "0K"):
            return "KG"
        if up in ("PK", "P", "PS"):
            return "PK"
        if up.isdigit() and len(up) <= 2:
            up = up.zfill(2)
        return up if up in GRADES else None
    if type_ == "code4":
        return v.zfill(4) if v.isdigit() and len(v) <= 4 else None
    if type_ == "role":
        return v.zfill(2) if v.isdigit() and 0 <= int(v) <= 12 and len(v) <= 2 else None
    return v


def empty_frame(table: str) -> pd.DataFrame:
    """A zero-row typed frame of ``table`` (used for a missing optional file).

    Example:
        >>> list(empty_frame("graduation").columns)
        ['personID', 'dateFirstEntered9', '_line']
    """
    t = TABLES[table]
    data = {c.name: pd.Series([], dtype=dtype_of(c)) for c in t.columns}
    data[LINE] = pd.Series([], dtype="int64")
    return pd.DataFrame(data)


def frame_from_records(table: str, records: Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """A typed frame of ``table`` from Python records; missing columns are blank.

    For tests and the synthetic generator: values are trusted (no rejection), dates may be
    ``date`` objects or ISO strings, codes are normalised. ``_line`` numbers rows from 2.

    Example:
        >>> df = frame_from_records("days", [{"calendarID": 1, "date": "2025-02-03",
        ...                                   "instruction": True, "minutes": 360}])
        >>> str(df["date"].dtype), bool(df["schoolDay"][0])
        ('datetime64[ns]', False)
    """
    t = TABLES[table]
    raw = pd.DataFrame.from_records(list(records))
    out: dict[str, pd.Series] = {}
    n = len(raw)
    for col in t.columns:
        if col.name in raw.columns:
            out[col.name] = _cast(raw[col.name].reset_index(drop=True), col)
        elif col.absent_true:
            out[col.name] = pd.Series([True] * n, dtype=bool)
        else:
            out[col.name] = _cast(pd.Series([None] * n, dtype="object"), col)
    frame = pd.DataFrame(out)
    frame[LINE] = pd.RangeIndex(2, n + 2).to_numpy(dtype="int64")
    for extra in raw.columns.difference(list(t.column_names)):
        frame[extra] = raw[extra].to_numpy()
    return frame


def _cast(s: pd.Series, col: Column) -> pd.Series:
    dtype = dtype_of(col)
    if col.type == "date":
        return pd.to_datetime(s, errors="raise").astype("datetime64[ns]")
    if col.type == "bool":
        def truth(v: Any) -> bool:
            text = "" if v is None or v != v else str(v).strip().upper()
            if text == "":
                return col.blank_true
            return text not in ("0", "N", "NO", "FALSE", "F")

        return s.map(truth).astype(bool)
    if col.type in TEXT_TYPES:
        text = s.map(lambda v: "" if v is None or v != v else str(v))
        if col.type != "str":
            text = text.map(lambda v: normalize_code(v, col.type) or "")
        return text.astype(object)
    return pd.to_numeric(s).astype(dtype)

"""A corpus of bad extract folders, each with its exact expected outcome."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from loader_fixtures import lines_of, write_lines, write_small

from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load.loader import load_bundle

pytestmark = pytest.mark.slow


def replace_in(name: str, line: int, old: str, new: str) -> Callable[[Path], None]:
    """Mutation: in ``name.csv`` line ``line`` (header = 1), replace ``old`` by ``new``."""
    def mutate(folder: Path) -> None:
        lines = lines_of(folder, name)
        assert old in lines[line - 1], (name, line, old)
        lines[line - 1] = lines[line - 1].replace(old, new, 1)
        write_lines(folder, name, lines)
    return mutate


def set_field(name: str, line: int, column: str, value: str) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        lines = lines_of(folder, name)
        head = lines[0].split(",")
        row = lines[line - 1].split(",")
        row[head.index(column)] = value
        lines[line - 1] = ",".join(row)
        write_lines(folder, name, lines)
    return mutate


def raw_bytes(name: str, data: bytes) -> Callable[[Path], None]:
    def mutate(folder: Path) -> None:
        (folder / f"{name}.csv").write_bytes(data)
    return mutate


def append_line(name: str, text: str | int) -> Callable[[Path], None]:
    """Append ``text`` (or a copy of line ``text``) to ``name.csv``."""
    def mutate(folder: Path) -> None:
        lines = lines_of(folder, name)
        lines.append(lines[text - 1] if isinstance(text, int) else text)
        write_lines(folder, name, lines)
    return mutate


def truncate(name: str) -> Callable[[Path], None]:
    """Cut the file in the middle of its last line (no final newline)."""
    def mutate(folder: Path) -> None:
        data = (folder / f"{name}.csv").read_bytes().rstrip(b"\n")
        last = data.rsplit(b"\n", 1)[1]
        (folder / f"{name}.csv").write_bytes(data[: len(data) - len(last) + last.index(b",") + 3])
    return mutate


@dataclass
class Case:
    id: str
    mutate: Callable[[Path], None]
    error: str | None = None  # ExtractError message (regex), or
    #: else the rejected rows: (file, line, column, ruleId, reason)
    rejected: tuple[tuple[str, int, str, str, str], ...] = ()


REASON_DATE = "not a valid date (use YYYY-MM-DD or MM/DD/YYYY)"
STUDENT_LINE = "1,900000001,S1,Peña,First1,2012-05-01,,Opt Out,0"

CASES = [
    Case("empty file", raw_bytes("students", b""), error=r"students\.csv: file is empty"),
    Case("header only", raw_bytes(
        "programs", b"personID,program,startDate,endDate\n")),
    Case("header only, required file", lambda f: write_lines(
        f, "attendance", lines_of(f, "attendance")[:1])),
    Case("missing required column", lambda f: write_lines(
        f, "days", [",".join(ln.split(",")[:-1]) for ln in lines_of(f, "days")]),
        error=r"days\.csv: missing required column\(s\) minutes or periodScheduleID; found: "
              r"calendarID, date"),
    Case("duplicate column names", lambda f: write_lines(
        f, "schools", [ln + "," + ln.split(",")[0] for ln in lines_of(f, "schools")]),
        error=r"schools\.csv: column 'schoolID' appears twice in the header"),
    Case("binary garbage", raw_bytes("students", bytes(range(256)) * 4),
         error=r"students\.csv: not a text file"),
    Case("truncated last line", truncate("students"), rejected=(
        ("students.csv", 4, "", "DQ-03",
         "incomplete row (file cut off?): 2 fields, the header has 9"),
        ("enrollments.csv", 4, "personID", "DQ-02",  # student 3 was cut off
         "personID not found in students.csv (no personID with this value was loaded)"),)),
    Case("impossible date", replace_in("students", 2, "2012-05-01", "2025-02-30"), rejected=(
        ("students.csv", 2, "birthdate", "DQ-03", REASON_DATE),
        ("enrollments.csv", 2, "personID", "DQ-02",
         "personID not found in students.csv (no personID with this value was loaded)"),
        ("attendance.csv", 2, "personID", "DQ-02",
         "personID not found in students.csv (no personID with this value was loaded)"),
        ("attendance.csv", 3, "personID", "DQ-02",
         "personID not found in students.csv (no personID with this value was loaded)"),
        ("gifted.csv", 2, "personID", "DQ-02",
         "personID not found in students.csv (no personID with this value was loaded)"),
    )),
    Case("end before start", set_field("enrollments", 4, "endDate", "08/01/2024"), rejected=(
        ("enrollments.csv", 4, "endDate", "DQ-03", "endDate is before startDate"),)),
    Case("calendar end before start", set_field("calendars", 2, "endDate", "2024-01-01"),
         rejected=(("calendars.csv", 2, "endDate", "DQ-03", "endDate is before startDate"),)),
    Case("negative minutes", set_field("days", 3, "minutes", "-5"), rejected=(
        ("days.csv", 3, "minutes", "DQ-03", "negative value"),)),
    Case("huge minutes", set_field("attendance", 2, "presentMinutes", "5000"), rejected=(
        ("attendance.csv", 2, "presentMinutes", "DQ-03",
         "more than 1440 minutes (a day has 1440)"),)),
    Case("unknown grade code", set_field("enrollments", 2, "grade", "13"), rejected=(
        ("enrollments.csv", 2, "grade", "DQ-03", "unknown grade code (use PK, KG or 01..12)"),)),
    Case("orphan reference", set_field("gifted", 2, "personID", "77"), rejected=(
        ("gifted.csv", 2, "personID", "DQ-02",
         "personID not found in students.csv (no personID with this value was loaded)"),)),
    Case("duplicate key", append_line("students", 3), rejected=(
        ("students.csv", 5, "personID", "DQ-01",
         "duplicate key: the same personID as line 3 (the copy on line 3 is used)"),)),
    Case("blank required value", set_field("attendance", 3, "date", ""), rejected=(
        ("attendance.csv", 3, "date", "DQ-03", "missing value (required)"),)),
    Case("too many fields", append_line("students", STUDENT_LINE.replace("1,", "4,", 1) + ",x,y"),
         rejected=(("students.csv", 5, "", "DQ-03",
                    "too many fields: 11 fields, the header has 9"),)),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corpus_case(tmp_path, case):
    write_small(tmp_path)
    case.mutate(tmp_path)
    if case.error:
        with pytest.raises(ExtractError, match=case.error):
            load_bundle(tmp_path)
        return
    b = load_bundle(tmp_path)
    got = tuple((r.file, r.line, r.column, r.ruleId, r.reason)
                for r in b.rejected.itertuples())
    if case.id == "calendar end before start":
        # the calendar is rejected, so everything that points at it is an orphan (DQ-02)
        assert got[0] == case.rejected[0]
        assert {r[3] for r in got[1:]} == {"DQ-02"}
        assert {r[0] for r in got[1:]} == {"days.csv", "enrollments.csv", "attendance.csv"}
    else:
        assert got == case.rejected
    acc = b.accounting
    assert (acc["read"] == acc["used"] + acc["rejected"]).all()


def test_file_100x_larger_is_fast(tmp_path):
    write_small(tmp_path)
    lines = lines_of(tmp_path, "attendance")
    head, row = lines[0], lines[1].split(",")
    days = [f"2025-01-{d:02d}" for d in range(6, 32)]
    body = [f"{p},1,{d},0,A,U" for p in (1, 2, 3) for d in days]
    body = [f"{p},1,{d},{m},A,U" for m in range(40) for p, _, d, *_ in
            (b.split(",") for b in body)]  # 40 copies: 39 of each are duplicate keys
    assert row[1] == "1"
    write_lines(tmp_path, "attendance", [head, *body])
    b = load_bundle(tmp_path)  # speed: bench/ measures it (no wall clock in tests)
    acc = b.accounting.set_index("file").loc["attendance.csv"]
    assert (acc["read"], acc["used"], acc["rejected"]) == (len(body), 78, len(body) - 78)
    assert set(b.rejected["ruleId"]) == {"DQ-01"}

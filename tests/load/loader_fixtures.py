"""Shared helpers of the loader tests: a small valid extract folder written as CSV files."""

from __future__ import annotations

from pathlib import Path

from mtcollect_nb.load.bundle import Bundle
from mtcollect_nb.load.loader import write_bundle
from mtcollect_nb.testing import absences, enrollment, make_bundle, school_days, student


def small_bundle() -> Bundle:
    """Three students, enrollments, a short calendar, absences and a gifted table."""
    return make_bundle(
        days=school_days(start="2025-01-06", end="2025-01-31"),
        students=[student(1, lastName="Peña"), student(2, lastName="Ó'Neil"), student(3)],
        enrollments=[enrollment(10, 1), enrollment(11, 2, grade="KG"),
                     enrollment(12, 3, grade="12", endDate="2025-05-30")],
        attendance=absences(1, ["2025-01-07", "2025-01-08"]) + absences(2, ["2025-01-09"]),
        gifted=[{"personID": 1, "evaluatedDate": "2024-10-01"}],
    )


def write_small(folder: Path) -> Path:
    """Write :func:`small_bundle` as CSV files into ``folder``; returns ``folder``."""
    write_bundle(small_bundle(), folder)
    return folder


def lines_of(folder: Path, name: str) -> list[str]:
    """The text lines of ``folder/name.csv``."""
    return (folder / f"{name}.csv").read_text(encoding="utf-8").splitlines()


def write_lines(folder: Path, name: str, lines: list[str], encoding: str = "utf-8") -> Path:
    """Write ``lines`` as ``folder/name.csv``."""
    path = folder / f"{name}.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path

"""What differs between the two collections of a school year: spring and fall, in one place.

OPI certifies the same counts twice a year (spec/rules.md "The season"): Fall ANB and Fall
Teacher-Class on the fall count date (first Monday of October), Spring ANB and Spring
Teacher-Class on the spring count date (first Monday of February). MCA 20-9-311 counts both
dates the same way, so one engine serves both, and a :class:`Season` holds all that differs:
the count date, the enrollment fields of the season (and their Infinite Campus labels), the
collections' names, the columns of the count tables, the CTE roster window and what is not
part of the season's collection. Nothing else tests ``collection_season`` with an ``if``:
compute, the rules and the views read the season object (the rule registry's ``seasons=``
gate says which rules a season runs: ANB-17..19 are spring only).

Rules declare a collection *kind* (:data:`ANB_COLLECTION`, :data:`TEACHER_CLASS_COLLECTION`,
or a collection of no season: reminders, data quality) and texts that may name the season's
words (``{hours_label}``, ...: :meth:`Season.fill`); the engine names them per season.

Example:
    >>> FALL.count_date_param, FALL.fields.absent, FALL.collection(ANB_COLLECTION)
    ('fall_count_date', 'mtFallAbsent', 'Fall ANB')
    >>> SPRING.fill("check {exclude_label}"), FALL.count_reported
    ('check Exclude Spring ANB – 10 Day Rule', 'fallCountReported')
    >>> FALL.anb_columns[-3:]
    ('fallCountReported', 'fallCountValidated', 'difference')
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mtcollect_nb.columns import (
    ABSENCES_COLUMNS,
    ANB_COLUMNS,
    BUDGET_UNIT_COLUMNS,
    DATA_QUALITY,
    FALL_ANB,
    FALL_TEACHER_CLASS,
    RECONCILE_COLUMNS,
    REMINDERS,
    SPRING_ANB,
    SPRING_TEACHER_CLASS,
)
from mtcollect_nb.outputs import FALL_COUNT_CSV, FALL_DIR

#: Collection kinds a rule declares; a season names the first two (``Spring ANB``, ...).
ANB_COLLECTION = "ANB"
TEACHER_CLASS_COLLECTION = "Teacher-Class"
COLLECTION_KINDS: tuple[str, ...] = (ANB_COLLECTION, TEACHER_CLASS_COLLECTION, REMINDERS,
                                     DATA_QUALITY)

#: The ANB table's spring count columns and the fall count from fall_count.csv (spring only).
_SPRING_REPORTED, _SPRING_VALIDATED, _FALL_COUNT = (
    "springCountReported", "springCountValidated", "fallCount")
_ANB_RESULT = ("anbReported", "anbValidated")  # needs both counts: the spring run's


@dataclass(frozen=True)
class SeasonFields:
    """The enrollment fields a season reads (extracts.md) and their Infinite Campus labels.

    Attributes:
        hours: the reported aggregate hours (``mtSpringAggregateHours``).
        absent: the reported consecutive absences (``mtSpringAbsent``).
        exclude: the 10-day-rule exclusion flag (``mtExcludeSpringANB``).
        hours_label, absent_label, exclude_label: the labels on IC's Enrollments > State
            Reporting Fields, as findings and remedies name them.
    """

    hours: str
    absent: str
    exclude: str
    hours_label: str
    absent_label: str
    exclude_label: str

    @property
    def names(self) -> tuple[str, str, str]:
        """(hours, absent, exclude)."""
        return (self.hours, self.absent, self.exclude)


@dataclass(frozen=True)
class Season:
    """One collection season (``collection_season``): everything that differs by count date.

    Attributes:
        name: ``spring`` or ``fall`` (the parameter's value).
        title: ``Spring`` or ``Fall``.
        count_date_param: the parameter holding the season's count date.
        fields: the season's enrollment fields (:class:`SeasonFields`).
        anb, teacher_class: the names of the season's two certified collections.
        early_graduates: early graduates are counted (spring only: they graduated between
            the fall and the spring count dates).
        reads_fall_count: fall_count.csv is read (spring only: a fall run *is* the fall count).
        window_from_first_day: the CTE roster window starts at the first instructional day of
            the course's calendar (fall); otherwise at the fall count date (spring).
        window: the CTE roster window in words (messages, remedies).
        window_short: the same, short (CTE-04's title).
        count_reported, count_validated: the ANB table's count columns of the season.
        not_computed: what the season's run does not compute and why (the Summary lists it
            with the rules of other seasons as "not part of the ... collection").
        output_subdir: the season's folder inside ``output_dir`` ("" for the district's
            folder itself: spring; ``fall``: a fall run's workbook, notes and history).
        key_part: what a finding's key adds for the season (spring: nothing, so the keys of
            spring runs are those they always were; fall: ``fall``, so a fall finding never
            carries a spring note: :mod:`mtcollect_nb.window.keys`).
    """

    name: str
    title: str
    count_date_param: str
    fields: SeasonFields
    anb: str
    teacher_class: str
    early_graduates: bool
    reads_fall_count: bool
    window_from_first_day: bool
    window: str
    window_short: str
    count_reported: str
    count_validated: str
    not_computed: tuple[str, ...] = ()
    output_subdir: str = ""
    key_part: str = ""

    def out_dir(self, params: Any) -> Path:
        """Where a run of this season writes: ``output_dir``, or ``output_dir/fall`` (fall).

        Example:
            >>> from types import SimpleNamespace
            >>> FALL.out_dir(SimpleNamespace(output_dir="out/0123")).as_posix()
            'out/0123/fall'
        """
        return Path(params.output_dir) / self.output_subdir

    def checked(self, params: Any) -> str:
        """The season's collections and count date in words (Summary, report, command line).

        Example:
            >>> from types import SimpleNamespace
            >>> FALL.checked(SimpleNamespace(fall_count_date=dt.date(2024, 10, 7)))
            'Fall ANB and Fall Teacher-Class on the fall count date 2024-10-07'
        """
        return (f"{self.anb} and {self.teacher_class} on the {self.name} count date "
                f"{self.count_date(params).isoformat()}")

    def count_date(self, params: Any) -> dt.date:
        """The season's count date of ``params`` (a validated ``Params``).

        Example:
            >>> from types import SimpleNamespace
            >>> FALL.count_date(SimpleNamespace(fall_count_date=dt.date(2024, 10, 7)))
            datetime.date(2024, 10, 7)
        """
        value = getattr(params, self.count_date_param)
        if not isinstance(value, dt.date):
            raise TypeError(f"{self.count_date_param} is not set (parameters not validated)")
        return value

    def collection(self, kind: str) -> str:
        """The name of a collection kind in this season (a kind of no season: itself).

        Example:
            >>> SPRING.collection(TEACHER_CLASS_COLLECTION), FALL.collection(REMINDERS)
            ('Spring Teacher-Class', 'Other reminders')
        """
        return {ANB_COLLECTION: self.anb, TEACHER_CLASS_COLLECTION: self.teacher_class}.get(
            kind, kind)

    @property
    def certified(self) -> tuple[str, str]:
        """The season's two certified collections (ready to certify, per collection)."""
        return (self.anb, self.teacher_class)

    @property
    def words(self) -> dict[str, str]:
        """What a rule's title, remedy or message may name (``{season}``, ``{hours_label}``...)."""
        f = self.fields
        return {"season": self.name, "Season": self.title, "anb": self.anb,
                "teacher_class": self.teacher_class, "hours_label": f.hours_label,
                "absent_label": f.absent_label, "exclude_label": f.exclude_label,
                "exclude_flag": f.exclude_label.removesuffix(" – 10 Day Rule"),
                "window": self.window, "window_short": self.window_short}

    def fill(self, text: str) -> str:
        """``text`` with the season's words filled in (``KeyError`` on an unknown one).

        Example:
            >>> FALL.fill("{Season} section without {hours_label}")
            'Fall section without Fall Aggregate Hours'
        """
        return text.format_map(self.words)

    def column(self, name: str) -> str:
        """An output column of the count tables, as the season names it.

        A count column with a suffix (``springCountReportedPrevious``, Since last run) is
        renamed with its suffix kept.

        Example:
            >>> FALL.column("springCountValidated"), FALL.column("mtSpringAbsent")
            ('fallCountValidated', 'mtFallAbsent')
            >>> FALL.column("springCountReportedPrevious")
            'fallCountReportedPrevious'
        """
        renames = {_SPRING_REPORTED: self.count_reported, _SPRING_VALIDATED: self.count_validated,
                   **dict(zip(SPRING_FIELDS.names, self.fields.names, strict=True))}
        if name in renames:
            return renames[name]
        for spring, own in ((_SPRING_REPORTED, self.count_reported),
                            (_SPRING_VALIDATED, self.count_validated)):
            if name.startswith(spring):
                return own + name[len(spring):]
        return name

    def columns(self, columns: tuple[str, ...]) -> tuple[str, ...]:
        """``columns`` (spring's names) as the season names them (:meth:`column`).

        Example:
            >>> FALL.columns(("budgetUnit", "springCountReported"))
            ('budgetUnit', 'fallCountReported')
        """
        return tuple(self.column(c) for c in columns)

    def _columns(self, columns: tuple[str, ...]) -> tuple[str, ...]:
        dropped = () if self.reads_fall_count else (_FALL_COUNT, *_ANB_RESULT)
        return tuple(self.column(c) for c in columns if c not in dropped)

    @property
    def anb_columns(self) -> tuple[str, ...]:
        """The ANB table per school x grade; a fall run has no fallCount (it is the fall count)."""
        return self._columns(ANB_COLUMNS)

    @property
    def budget_unit_columns(self) -> tuple[str, ...]:
        """Per budget unit; ANB itself needs both counts, so only a spring run has it."""
        return self._columns(BUDGET_UNIT_COLUMNS)

    @property
    def absences_columns(self) -> tuple[str, ...]:
        """The Absences sheet, with the season's reported absences and exclusion flag."""
        return self._columns(ABSENCES_COLUMNS)

    @property
    def reconcile_columns(self) -> tuple[str, ...]:
        """The Reconcile table (IC's count against the season's counts)."""
        return self._columns(RECONCILE_COLUMNS)


SPRING_FIELDS = SeasonFields(
    "mtSpringAggregateHours", "mtSpringAbsent", "mtExcludeSpringANB",
    "Spring Aggregate Hours", "Spring Absent", "Exclude Spring ANB – 10 Day Rule")
FALL_FIELDS = SeasonFields(
    "mtFallAggregateHours", "mtFallAbsent", "mtExcludeFallANB",
    "Fall Aggregate Hours", "Fall Absent", "Exclude Fall ANB – 10 Day Rule")

SPRING = Season(
    name="spring", title="Spring", count_date_param="spring_count_date", fields=SPRING_FIELDS,
    anb=SPRING_ANB, teacher_class=SPRING_TEACHER_CLASS, early_graduates=True,
    reads_fall_count=True, window_from_first_day=False,
    window="between the fall and spring count dates", window_short="between the count dates",
    count_reported=_SPRING_REPORTED, count_validated=_SPRING_VALIDATED)
FALL = Season(
    name="fall", title="Fall", count_date_param="fall_count_date", fields=FALL_FIELDS,
    anb=FALL_ANB, teacher_class=FALL_TEACHER_CLASS, early_graduates=False,
    reads_fall_count=False, window_from_first_day=True,
    window="between the first instructional day and the fall count date",
    window_short="between the first day and the count date",
    count_reported="fallCountReported", count_validated="fallCountValidated",
    not_computed=(
        "early graduates: counted only in the spring count (they graduate between the fall "
        "and spring count dates)",
        "fall_count.csv and ANB: the fall run is the fall count; ANB needs both counts and "
        "is shown by the spring run"),
    output_subdir=FALL_DIR, key_part="fall")

#: Every season by its ``collection_season`` value.
SEASONS: dict[str, Season] = {s.name: s for s in (SPRING, FALL)}


def fall_count_file(extracts_dir: Path, params: Any) -> Path | None:
    """Where a run reads fall_count.csv from when its extracts folder has none.

    A spring run reads the fall run's own ``fall_count.csv`` (``output_dir/fall/``, written
    by the fall run of the same parameters); a fall run reads none (it *is* the fall count).
    None: nothing to read (no parameters, a fall run, or no fall run's file). The extracts
    folder's own fall_count.csv (the district's export) always comes first: the loader calls
    this only when it has none.

    Example:
        >>> from types import SimpleNamespace
        >>> fall_count_file(Path("x"), SimpleNamespace(collection_season="fall",
        ...                                            output_dir="/nonexistent")) is None
        True
    """
    if params is None or not season_of(params).reads_fall_count:
        return None
    path = FALL.out_dir(params) / FALL_COUNT_CSV
    if path.is_file() and path.resolve().parent != Path(extracts_dir).resolve():
        return path
    return None


def season_of(params: Any) -> Season:
    """The season of a run's parameters (``collection_season``; default spring).

    Example:
        >>> from types import SimpleNamespace
        >>> season_of(SimpleNamespace(collection_season="fall")).anb
        'Fall ANB'
    """
    return SEASONS[params.collection_season]

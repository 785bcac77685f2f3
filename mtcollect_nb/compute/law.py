"""The law of the school year: what differs by IC endYear, in one table, with its sources.

spec/rules.md "The law of the school year": the rules are those of the school year being
collected (``school_year`` = IC endYear). :data:`LAWS` holds one row per endYear from which
something changed; :func:`law_for` picks the newest row at or below a year (a year before the
first row uses the first row). Rules and computations read the row's flags, never the year.

Example:
    >>> law_for(2027).label
    'law of 2025-26: HB 168'
    >>> law_for(2024).pk_special_ed_counted
    False
"""

from __future__ import annotations

from dataclasses import dataclass


def school_year_text(end_year: int) -> str:
    """``2026`` -> ``'2025-26'``.

    Example:
        >>> school_year_text(2025)
        '2024-25'
    """
    return f"{end_year - 1}-{end_year % 100:02d}"


@dataclass(frozen=True)
class Law:
    """One row of the law table: what holds from ``end_year`` on, and why.

    Attributes:
        end_year: the first IC endYear the row applies to.
        change: what changed from that year (the rules.md table's text).
        source: statute, bill, rule and bulletin the change rests on.
        short: the source as the one-line label names it.
        pk_special_ed_counted: 3- and 4-year-olds receiving special education from the
            district (grade PK, enrollment ``specialEd``) are counted on their aggregate
            hours: ANB-21 does not flag them and ANB-24 runs (HB 168, 2025).
    """

    end_year: int
    change: str
    source: str
    short: str
    pk_special_ed_counted: bool

    @property
    def label(self) -> str:
        """``'law of 2025-26: HB 168'``: the school year of the row and its short source."""
        return f"law of {school_year_text(self.end_year)}: {self.short}"


#: The law table, oldest first (spec/rules.md). Add a row when the legislature changes a rule.
LAWS: tuple[Law, ...] = (
    Law(2025, "the rules of spec/rules.md as written for 2024-25",
        "MCA 20-9-311 (2023), ARM 10.20.102, OPI bulletin Feb 2025",
        "MCA 20-9-311 (2023), ARM 10.20.102", pk_special_ed_counted=False),
    Law(2026, "3- and 4-year-old children with disabilities receiving special education "
        "services from the district (grade PK, enrollment specialEd) are counted on their "
        "aggregate hours like other pupils (same bands, same 1.0 cap); ANB-21 does not flag "
        "them; ANB-24 checks that they are not excluded or left without hours",
        "HB 168 (2025), effective July 1 2025 (MCA 20-9-311(7)(a)(ii)), applies to counts in "
        "school fiscal years beginning on or after that date", "HB 168",
        pk_special_ed_counted=True),
)


def law_for(school_year: int) -> Law:
    """The row of :data:`LAWS` that applies to ``school_year`` (IC endYear).

    The newest row at or below the year; a year before the first row uses the first row.

    Example:
        >>> [law_for(y).end_year for y in (2020, 2025, 2026, 2030)]
        [2025, 2025, 2026, 2026]
    """
    applies = [law for law in LAWS if law.end_year <= school_year]
    return applies[-1] if applies else LAWS[0]


def law_applied(school_year: int) -> str:
    """The one line the Summary, the notebook and ``mtcollect run`` show ("Law applied").

    Says which year's law was applied and, when it is not the school year's own row, why.

    Example:
        >>> law_applied(2026)
        'law of 2025-26: HB 168'
        >>> law_applied(2027)
        'law of 2025-26: HB 168 (no later change known for 2026-27)'
        >>> law_applied(2024).split(" (")[-1]
        'the earliest year known; 2023-24 is checked by it)'
    """
    law = law_for(school_year)
    if school_year > law.end_year:
        return f"{law.label} (no later change known for {school_year_text(school_year)})"
    if school_year < law.end_year:
        return (f"{law.label} (the earliest year known; {school_year_text(school_year)} is "
                "checked by it)")
    return law.label

"""The district-wide views of the explorer: findings filtered, one school, count moves.

Each widget callback of :mod:`mtcollect_nb.explore.widgets` only calls a plain function (these,
one student's in :mod:`mtcollect_nb.explore.student` and :mod:`mtcollect_nb.explore.days`) and
shows the result, so everything an analyst sees is testable without a browser. All of them
read a :class:`~mtcollect_nb.checks.run.DistrictRun` (masked or not: labels then show
pseudonyms).

Example:
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> from mtcollect_nb.checks.run import run_from_analysis
    >>> run = run_from_analysis(tiny_analysis())
    >>> list(school_options(run).values())
    ['0001']
    >>> school_anb(run, "0001")["springCountValidated"].tolist()
    [1.0, 1.0, 2.0]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import pandas as pd

from mtcollect_nb.columns import COLLECTIONS, SEVERITIES

if TYPE_CHECKING:
    from mtcollect_nb.checks.run import DistrictRun

#: Findings columns a filter can select on, by the name of the filter.
FILTERS: dict[str, str] = {"school": "schoolNumber", "rule": "ruleId", "severity": "severity",
                           "collection": "collection"}
SCHOOL_ANB_COLUMNS: tuple[str, ...] = (
    "grade", "budgetUnit", "enrolled", "excludedReported", "excludedValidated", "fallCount",
    "springCountReported", "springCountValidated", "difference",
)
COUNT_MOVE_COLUMNS: tuple[str, ...] = (
    "schoolNumber", "schoolName", "fallCount", "springCountReported", "springCountValidated",
    "changeReported", "changeReportedPct", "changeValidated",
)
TOTAL = "Total"


def _selected(value: str | Iterable[str] | None) -> list[str]:
    if value is None or isinstance(value, str):
        return [value] if value else []
    return [v for v in value if v]


def filter_findings(findings: pd.DataFrame, school: str | Iterable[str] | None = None,
                    rule: str | Iterable[str] | None = None,
                    severity: str | Iterable[str] | None = None,
                    collection: str | Iterable[str] | None = None) -> pd.DataFrame:
    """The findings matching every given filter (None or "" = any; a list = any of them).

    Example:
        >>> f = pd.DataFrame({"schoolNumber": ["0001", "0002"], "ruleId": ["ANB-01", "ANB-01"],
        ...                   "severity": "error", "collection": "Spring ANB"})
        >>> filter_findings(f, school="0002")["schoolNumber"].tolist()
        ['0002']
    """
    keep = pd.Series(True, index=findings.index)
    for name, value in (("school", school), ("rule", rule), ("severity", severity),
                        ("collection", collection)):
        chosen = _selected(value)
        if chosen:
            keep &= findings[FILTERS[name]].isin(chosen)
    return findings.loc[keep].reset_index(drop=True)


def filter_options(findings: pd.DataFrame) -> dict[str, list[str]]:
    """The values each filter offers: those present in ``findings`` (blank left out).

    Severities and collections keep the catalog's order; schools and rules are sorted.

    Example:
        >>> f = pd.DataFrame({"schoolNumber": ["0002", ""], "ruleId": ["TCH-01", "ANB-01"],
        ...                   "severity": ["warning", "error"], "collection": "Spring ANB"})
        >>> filter_options(f)["severity"], filter_options(f)["school"]
        (['error', 'warning'], ['0002'])
    """
    order = {"severity": SEVERITIES, "collection": COLLECTIONS}
    out: dict[str, list[str]] = {}
    for name, col in FILTERS.items():
        present = set(findings[col].fillna("").astype(str)) - {""}
        known = order.get(name)
        out[name] = ([v for v in known if v in present] + sorted(present - set(known))
                     if known else sorted(present))
    return out


def school_options(run: DistrictRun) -> dict[str, str]:
    """School picker entries, ``"number name"`` -> schoolNumber, sorted by number.

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> school_options(run_from_analysis(tiny_analysis()))
        {'0001 Test School': '0001'}
    """
    s = run.analysis.table("schools").sort_values("schoolNumber", kind="mergesort")
    s = s.drop_duplicates("schoolNumber")
    label = (s["schoolNumber"] + " " + s["name"].fillna("")).str.strip()
    return dict(zip(label, s["schoolNumber"], strict=True))


def school_anb(run: DistrictRun, school_number: str, total: bool = True) -> pd.DataFrame:
    """ANB reported vs validated by grade for one school, with a ``Total`` row at the end.

    Columns :data:`SCHOOL_ANB_COLUMNS` (from the ANB sheet); counts are student FTE. A fall
    run's are the fall count reported and validated (no ``fallCount``: it is the fall count).

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> school_anb(run_from_analysis(tiny_analysis()), "0001")["grade"].tolist()
        ['06', '10', 'Total']
    """
    t = run.analysis.anb_table
    cols = [c for c in run.params.season.columns(SCHOOL_ANB_COLUMNS) if c in t.columns]
    t = t.loc[t["schoolNumber"] == school_number, cols]  # a fall run: the fall counts
    t = t.reset_index(drop=True)
    if total and len(t):
        sums = t.drop(columns=["grade", "budgetUnit"]).sum(numeric_only=True)
        row = pd.DataFrame([{**sums.to_dict(), "grade": TOTAL, "budgetUnit": ""}])
        t = pd.concat([t, row[t.columns].astype(t.dtypes.to_dict())], ignore_index=True)
        t["difference"] = t["difference"].round(4)
    return t


def count_moves(run: DistrictRun) -> pd.DataFrame:
    """Fall -> spring count change by school, the largest move first.

    ``changeReported`` = spring count reported - fall count (what the district is about to
    certify; ``changeReportedPct`` in percent of the fall count, blank when it is 0);
    ``changeValidated`` uses the validated spring count. Sorted by the size of
    ``changeReported`` (either direction), then schoolNumber. Empty in a fall run (the spring
    run shows the change).

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> count_moves(run_from_analysis(tiny_analysis()))[["schoolNumber", "changeReported"]
        ...     ].values.tolist()
        [['0001', 2.0]]
    """
    a = run.analysis
    if not run.params.season.reads_fall_count:  # a fall run is the fall count: no change
        return pd.DataFrame(columns=list(COUNT_MOVE_COLUMNS))
    t = a.anb_table.groupby("schoolNumber", as_index=False)[
        ["fallCount", "springCountReported", "springCountValidated"]].sum()
    names = a.table("schools").drop_duplicates("schoolNumber").set_index("schoolNumber")["name"]
    t["schoolName"] = t["schoolNumber"].map(names).fillna("")
    t["changeReported"] = (t["springCountReported"] - t["fallCount"]).round(4)
    t["changeValidated"] = (t["springCountValidated"] - t["fallCount"]).round(4)
    fall = t["fallCount"].where(t["fallCount"] != 0)
    t["changeReportedPct"] = (100.0 * t["changeReported"] / fall).round(1)
    t = t.assign(_size=t["changeReported"].abs()).sort_values(
        ["_size", "schoolNumber"], ascending=[False, True], kind="mergesort")
    return t[list(COUNT_MOVE_COLUMNS)].reset_index(drop=True)


def biggest_move(run: DistrictRun) -> str:
    """One sentence answering "which school's count moved most?" ("" without schools).

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> biggest_move(run_from_analysis(tiny_analysis()))
        'School 0001 Test School moved most: fall count 0 -> spring count reported 2 (+2).'
    """
    m = count_moves(run)
    if m.empty:
        return ""
    top = m.iloc[0]
    pct = "" if pd.isna(top["changeReportedPct"]) else f", {top['changeReportedPct']:+g}%"
    return (f"School {top['schoolNumber']} {top['schoolName']}".rstrip()
            + f" moved most: fall count {top['fallCount']:g} -> spring count reported "
            f"{top['springCountReported']:g} ({top['changeReported']:+g}{pct}).")



def filter_call_list(calls: pd.DataFrame, school: str | Iterable[str] | None = None
                     ) -> pd.DataFrame:
    """A forecast run's call list (in its order) for one school or several (None: all).

    Example:
        >>> c = pd.DataFrame({"schoolNumber": ["0001", "0002", "0001"], "enrollmentID": [1, 2, 3]})
        >>> filter_call_list(c, "0001")["enrollmentID"].tolist()
        [1, 3]
    """
    picked = _selected(school)
    keep = calls["schoolNumber"].isin(picked) if picked else pd.Series(True, index=calls.index)
    return calls.loc[keep].reset_index(drop=True)

"""Ready to certify? Per collection: errors open, warnings not reviewed, rules that did not run.

The verdict the Summary shows, ``summary.json`` carries (``ready``; read back with
:func:`mtcollect_nb.outputs.read_summary`) and ``mtcollect run`` prints
(:func:`verdict_line`). A collection is **ready** when it has no error (a reviewed error
still counts: it must be fixed in Infinite Campus) and every warning is reviewed. Rules that did
not run do not block: the verdict names them with the registry's reason
(:func:`mtcollect_nb.checks.registry.not_run_reason`: the season, a forecast, a parameter such
as ESA, the law's year, a missing file or column), the same words as the Summary's "Rules that
did not run", the report and ``check-extracts``, so the district decides whether it matters.
Data-quality findings (rejected rows) count for the collection of the file they were rejected
from (courses, sections, section staff, rosters and staff: Teacher-Class; every other file:
Spring ANB). Findings of no certified collection ("Other reminders") are counted apart
(:func:`outside_certification`) and explained wherever they are counted (:data:`REMINDERS_NOTE`).

Example:
    >>> f = pd.DataFrame({"ruleId": ["ANB-02"], "severity": ["warning"],
    ...                   "collection": ["Spring ANB"], "field": [""], "status": ["reviewed"]})
    >>> r = readiness(f, pd.DataFrame(columns=["ruleId", "reason"]))
    >>> r[["collection", "ready", "verdict"]].values.tolist()[0]
    ['Spring ANB', True, 'Ready to certify']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.columns import (
    DATA_QUALITY,
    ERROR,
    READY_COLUMNS,
    REMINDERS,
    STATUS,
    STATUS_REVIEWED,
    WARNING,
)
from mtcollect_nb.load.contract import TABLES
from mtcollect_nb.season import SPRING, Season

_FILE = r"^([A-Za-z_]+)\.(?:csv|xlsx)\b"
_TEACHER_CLASS_TABLES = {n: t.extra.get("group") == "teacher_class" for n, t in TABLES.items()}


def certify_collection(findings: pd.DataFrame, season: Season = SPRING) -> pd.Series:
    """The collection each finding counts for (data quality: by the file's table group).

    A data-quality finding counts for ``season``'s ANB or Teacher-Class collection.
    """
    coll = findings["collection"].astype(object)
    dq = (coll == DATA_QUALITY).to_numpy()
    if dq.any():
        table = findings.loc[dq, "field"].astype(str).str.extract(_FILE, expand=False)
        tc = table.map(_TEACHER_CLASS_TABLES)
        coll = coll.copy()
        coll[dq] = np.where(tc.fillna(False).astype(bool), season.teacher_class, season.anb)
    return coll


#: The verdict of a collection that is ready (what follows in brackets: rules that did not run).
READY = "Ready to certify"


def not_run_text(rules: Sequence[tuple[str, str]], shown: int = 2) -> str:
    """The rules that did not run and why, in a few words: the registry's reasons, grouped.

    Example:
        >>> not_run_text([("ANB-24", "did not run: not in the law of 2024-25"),
        ...               ("GFT-01", "optional file not provided: gifted.csv"),
        ...               ("GFT-02", "optional file not provided: gifted.csv")])
        '3 rules did not run: ANB-24, not in the law of 2024-25; GFT-01, GFT-02, optional file not provided: gifted.csv'
    """  # noqa: E501
    by_reason: dict[str, list[str]] = {}
    for rule, why in rules:
        by_reason.setdefault(str(why).removeprefix("did not run: "), []).append(str(rule))
    groups = list(by_reason.items())
    parts = [f"{', '.join(ids)}, {why}" for why, ids in groups[:shown]]
    rest = sum(len(ids) for _, ids in groups[shown:])
    if rest:
        parts.append(f"{rest} more (the Summary's Rules that did not run)")
    n = len(rules)
    return f"{n} {'rule' if n == 1 else 'rules'} did not run: " + "; ".join(parts)


def verdict(errors: int, warnings: int, not_run: int,
            reasons: Sequence[tuple[str, str]] = ()) -> str:
    """The plain verdict of one collection.

    ``reasons``: (ruleId, reason) of the rules that did not run, as the registry gives them;
    without them only their number is said.

    Example:
        >>> verdict(2, 1, 0)
        'Not ready: 2 errors open, 1 warning not reviewed'
        >>> verdict(0, 0, 1, [("ANB-24", "did not run: not in the law of 2024-25")])
        'Ready to certify (1 rule did not run: ANB-24, not in the law of 2024-25)'
    """
    def n(k: int, one: str, many: str) -> str:
        return f"{k} {one if k == 1 else many}"

    skipped = (not_run_text(reasons) if reasons else
               n(not_run, "rule did not run", "rules did not run") if not_run else "")
    if errors or warnings:
        parts = [n(errors, "error open", "errors open")] if errors else []
        parts += [n(warnings, "warning not reviewed", "warnings not reviewed")] if warnings else []
        return "Not ready: " + ", ".join([*parts, *([skipped] if skipped else [])])
    return f"{READY} ({skipped})" if skipped else READY


def readiness(findings: pd.DataFrame, not_run: pd.DataFrame,
              season: Season = SPRING) -> pd.DataFrame:
    """Per certified collection of ``season`` (Spring ANB, Spring Teacher-Class): READY_COLUMNS.

    ``findings`` needs ``status`` (the rerun columns); without it no warning counts as
    reviewed. A fall run's verdicts name Fall ANB and Fall Teacher-Class; a rule that is not
    part of the season's collections (ANB-17..19 in the fall) is not a rule that did not run.
    """
    coll = (certify_collection(findings, season) if len(findings)
            else pd.Series([], dtype=object))
    sev = findings["severity"] if len(findings) else pd.Series([], dtype=object)
    status = (findings[STATUS] if STATUS in findings.columns
              else pd.Series("", index=findings.index, dtype=object))
    rules = all_rules(season)
    skipped = pd.Series([rules[r].collection if r in rules and season.name in rules[r].seasons
                         else "" for r in not_run["ruleId"]], dtype=object)
    rows = []
    for c in season.certified:  # two collections
        errors = int(((coll == c) & (sev == ERROR)).sum())
        warnings = int(((coll == c) & (sev == WARNING) & (status != STATUS_REVIEWED)).sum())
        mine = (skipped == c).to_numpy()
        reasons = list(zip(not_run["ruleId"].to_numpy()[mine], not_run["reason"].to_numpy()[mine],
                           strict=True))
        rows.append((c, errors, warnings, len(reasons), not (errors or warnings),
                     verdict(errors, warnings, len(reasons), reasons)))
    return pd.DataFrame(rows, columns=list(READY_COLUMNS))


#: What "Other reminders" are, wherever they are counted (the Summary, the report, the terminal).
REMINDERS_NOTE = (
    f"{REMINDERS} are the bulletin's other items (the 9th-grade date of the graduation cohort, "
    "student photo opt-in, gifted and talented records): they count toward neither "
    "collection and do not block certifying it; fix them in Infinite Campus all the same, "
    "before the End of Year collections.")


def outside_certification(findings: pd.DataFrame,
                          season: Season = SPRING) -> tuple[int, int]:
    """(errors, warnings) of the findings that count toward none of ``season``'s collections.

    Example:
        >>> f = pd.DataFrame({"severity": ["error", "warning", "error"], "field": "",
        ...     "collection": ["Other reminders", "Other reminders", "Spring ANB"]})
        >>> outside_certification(f)
        (1, 1)
    """
    if not len(findings):
        return 0, 0
    outside = ~certify_collection(findings, season).isin(season.certified).to_numpy()
    sev = findings["severity"].to_numpy()
    return int((outside & (sev == ERROR)).sum()), int((outside & (sev == WARNING)).sum())


def outside_line(errors: int, warnings: int = 0) -> str:
    """The terminal's words for findings outside the certification ("" when there are none).

    Example:
        >>> outside_line(4)
        '4 reminder errors to fix before the End of Year collections (Other reminders: not part of this certification)'
    """  # noqa: E501
    if not (errors or warnings):
        return ""
    words = [f"{errors} reminder {'error' if errors == 1 else 'errors'}"] if errors else []
    words += [f"{warnings} reminder {'warning' if warnings == 1 else 'warnings'}"] if (
        warnings) else []
    return (f"{' and '.join(words)} to fix before the End of Year collections "
            f"({REMINDERS}: not part of this certification)")


def closing_line(verdicts: dict[str, str], errors_outside: int | None) -> str:
    """The terminal's last words on certifying: each collection ready or not, then the rest.

    The errors outside the certification come on their own, after the collections, so
    "errors" and "ready" never share a claim.

    Example:
        >>> closing_line({"Spring ANB": "Ready to certify", "Spring Teacher-Class":
        ...               "Not ready: 1 error open"}, 4)[:76]
        'Spring ANB: ready to certify; Spring Teacher-Class: not ready; 4 reminder er'
    """
    parts = [f"{c}: {'ready to certify' if v.startswith(READY) else 'not ready'}"
             for c, v in verdicts.items()]
    if errors_outside:
        parts.append(outside_line(errors_outside))
    return "; ".join(parts)


def ready_json(ready: pd.DataFrame) -> dict[str, Any]:
    """``summary.json``'s ``certify`` (per collection) and ``ready`` (all collections ready).

    Example:
        >>> f = pd.DataFrame(columns=["ruleId", "severity", "collection", "field", "status"])
        >>> ready_json(readiness(f, pd.DataFrame(columns=["ruleId", "reason"])))["ready"]
        True
    """
    per = {str(r["collection"]): {k: (bool(v) if k == "ready" else v if k == "verdict"
                                      else int(v)) for k, v in r.items() if k != "collection"}
           for r in ready.to_dict("records")}
    return {"certify": per, "ready": bool(ready["ready"].all()) if len(ready) else True}


def verdict_line(ready: pd.DataFrame) -> str:
    """One line for ``mtcollect run``: ``Spring ANB: Ready to certify; Spring Teacher-Class: …``.

    Example:
        >>> f = pd.DataFrame(columns=["ruleId", "severity", "collection", "field", "status"])
        >>> verdict_line(readiness(f, pd.DataFrame(columns=["ruleId", "reason"])))[:28]
        'Spring ANB: Ready to certify'
    """
    return "; ".join(f"{c}: {v}" for c, v in zip(ready["collection"], ready["verdict"],
                                                  strict=True))


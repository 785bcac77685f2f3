"""Ready to certify? Per collection: errors open, warnings not reviewed, rules that did not run.

The verdict the Summary shows, ``summary.json`` carries (``ready``; read back with
:func:`mtcollect_nb.outputs.read_summary`) and ``mtcollect run`` prints
(:func:`verdict_line`). A collection is **ready** when it has no error (a reviewed error
still counts: it must be fixed in Infinite Campus) and every warning is reviewed. Rules that did
not run (an optional file not provided) do not block: the verdict names them, so the district
decides whether the file matters. Data-quality findings (rejected rows) count for the
collection of the file they were rejected from (courses, sections, section staff, rosters and
staff: Teacher-Class; every other file: Spring ANB).

Example:
    >>> f = pd.DataFrame({"ruleId": ["ANB-02"], "severity": ["warning"],
    ...                   "collection": ["Spring ANB"], "field": [""], "status": ["reviewed"]})
    >>> r = readiness(f, pd.DataFrame(columns=["ruleId", "reason"]))
    >>> r[["collection", "ready", "verdict"]].values.tolist()[0]
    ['Spring ANB', True, 'Ready to certify']
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.columns import (
    DATA_QUALITY,
    ERROR,
    READY_COLUMNS,
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


def verdict(errors: int, warnings: int, not_run: int) -> str:
    """The plain verdict of one collection.

    Example:
        >>> verdict(2, 1, 0)
        'Not ready: 2 errors open, 1 warning not reviewed'
        >>> verdict(0, 0, 3)
        'Ready to certify (3 rules did not run: optional file not provided)'
    """
    def n(k: int, one: str, many: str) -> str:
        return f"{k} {one if k == 1 else many}"

    if errors or warnings:
        parts = [n(errors, "error open", "errors open")] if errors else []
        parts += [n(warnings, "warning not reviewed", "warnings not reviewed")] if warnings else []
        if not_run:
            parts.append(n(not_run, "rule did not run", "rules did not run"))
        return "Not ready: " + ", ".join(parts)
    if not_run:
        return (f"Ready to certify ({n(not_run, 'rule did not run', 'rules did not run')}: "
                "optional file not provided)")
    return "Ready to certify"


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
        missed = int((skipped == c).sum())
        rows.append((c, errors, warnings, missed, not (errors or warnings),
                     verdict(errors, warnings, missed)))
    return pd.DataFrame(rows, columns=list(READY_COLUMNS))


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


"""Run every applicable rule over one district and collect all findings into one table.

Example:
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> result = run_rules(tiny_analysis())
    >>> list(result.findings.columns[:3])
    ['ruleId', 'severity', 'collection']
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from mtcollect_nb.columns import FINDINGS_COLUMNS, NOT_RUN_COLUMNS, PERSON_ID, SEVERITIES
from mtcollect_nb.rules import Rule, all_rules

if TYPE_CHECKING:
    from mtcollect_nb.analysis import Analysis

#: Columns of the findings frame: the sheet's columns, then internal keys for the views.
FINDINGS_FRAME_COLUMNS: tuple[str, ...] = (*FINDINGS_COLUMNS, PERSON_ID)
_SEVERITY_ORDER = {s: i for i, s in enumerate(SEVERITIES)}


@dataclass
class RuleResults:
    """What one engine run produced.

    Attributes:
        findings: one row per finding, columns :data:`FINDINGS_FRAME_COLUMNS`, all text
            (``personID`` is an int or <NA>), sorted as spec/outputs.md says.
        not_run: rules that did not run (ruleId, reason).
        ran: ids of the rules that ran.
    """

    findings: pd.DataFrame
    not_run: pd.DataFrame
    ran: tuple[str, ...]


def run_rules(analysis: Analysis, rules: Iterable[Rule] | None = None) -> RuleResults:
    """Run ``rules`` (default: the whole catalog) and return every finding.

    A rule whose optional table was not provided is listed in ``not_run`` with the reason.
    """
    selected = list(all_rules().values()) if rules is None else list(rules)
    frames: list[pd.DataFrame] = []
    not_run: list[tuple[str, str]] = []
    ran: list[str] = []
    for r in selected:
        missing = [t for t in r.tables if not analysis.has(t)]
        if missing:
            files = ", ".join(f"{t}.csv" for t in missing)
            not_run.append((r.id, f"optional file not provided: {files}"))
            continue
        out = r.fn(analysis)
        ran.append(r.id)
        if len(out):
            frames.append(_normalize(out, r, analysis))
    findings = (pd.concat(frames, ignore_index=True) if frames
                else pd.DataFrame(columns=list(FINDINGS_FRAME_COLUMNS)))
    return RuleResults(sort_findings(findings),
                       pd.DataFrame(not_run, columns=list(NOT_RUN_COLUMNS)), tuple(ran))


def sort_findings(findings: pd.DataFrame) -> pd.DataFrame:
    """Sort by severity (error, warning, info), ruleId, schoolNumber, stateID, then keys."""
    if findings.empty:
        return findings.reset_index(drop=True)
    keys = pd.DataFrame({
        "sev": findings["severity"].map(_SEVERITY_ORDER),
        "rule": findings["ruleId"], "school": findings["schoolNumber"],
        "state": findings["stateID"],
        "enr": pd.to_numeric(findings["enrollmentID"], errors="coerce"),
        "sec": pd.to_numeric(findings["sectionID"], errors="coerce"),
        "rest": findings["field"] + "\x00" + findings["value"] + "\x00" + findings["message"],
    })
    order = keys.sort_values(list(keys.columns), kind="mergesort", na_position="first").index
    return findings.loc[order].reset_index(drop=True)


def to_text(s: pd.Series) -> pd.Series:
    """Render a column as text: ISO dates, whole numbers without ``.0``, Yes/No, blank for NA.

    Example:
        >>> to_text(pd.Series([180.0, 12.5, None])).tolist()
        ['180', '12.5', '']
    """
    if pd.api.types.is_datetime64_any_dtype(s):
        return s.dt.strftime("%Y-%m-%d").fillna("").astype(object)
    if pd.api.types.is_bool_dtype(s):
        return s.map({True: "Yes", False: "No"}).fillna("").astype(object)
    if pd.api.types.is_numeric_dtype(s):
        f = pd.to_numeric(s, errors="coerce").astype("float64")
        whole = np.isfinite(f) & (np.floor(f) == f)
        txt = f.map(lambda v: "" if v != v else f"{v:.4f}".rstrip("0").rstrip("."))
        txt[whole] = f[whole].astype("int64").astype(str)
        return txt.astype(object)
    return s.map(_scalar_text).astype(object)


def _scalar_text(v: object) -> str:
    if v is None or v is pd.NaT or (isinstance(v, float) and v != v) or v is pd.NA:
        return ""
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, bool):
        return "Yes" if v else "No"
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _normalize(out: pd.DataFrame, r: Rule, analysis: Analysis) -> pd.DataFrame:
    df = _enrich(out.reset_index(drop=True).copy(), analysis)
    n = len(df)
    cols: dict[str, object] = {
        col: (to_text(df[col]).to_numpy(dtype=object) if col in df.columns
              else np.full(n, "", dtype=object))
        for col in FINDINGS_COLUMNS
    }
    for col, value in (("ruleId", r.id), ("severity", r.severity),
                       ("collection", r.collection), ("remedy", r.remedy)):
        cols[col] = np.full(n, value, dtype=object)
    msg = np.asarray(cols["message"], dtype=object)
    cols["message"] = np.where(msg == "", r.title, msg).astype(object)
    person = df[PERSON_ID] if PERSON_ID in df.columns else pd.Series(pd.NA, index=df.index)
    cols[PERSON_ID] = pd.array(person, dtype="Int64")
    return pd.DataFrame(cols, index=df.index)


def _fill(df: pd.DataFrame, right: pd.DataFrame, key: str, cols: list[str]) -> pd.DataFrame:
    """Fill blank/missing ``cols`` of ``df`` from ``right`` (indexed by ``key``)."""
    if key not in df.columns or right.empty:
        return df
    keys = pd.to_numeric(df[key], errors="coerce")
    for col in cols:
        if col not in right.columns:
            continue
        found = keys.map(right[col])
        if col not in df.columns:
            df[col] = found
        else:
            blank = df[col].isna() | (df[col].astype(str) == "")
            df.loc[blank, col] = found[blank]
    return df


_LOOKUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("section_info", "sectionID", ("courseNumber", "schoolNumber")),
    ("enrollments", "enrollmentID", ("schoolNumber", PERSON_ID)),
    ("students", PERSON_ID, ("stateID", "studentNumber", "studentName")),
    ("staff", "staffPersonID", ("staffStateID",)),
)


def _indexed(analysis: Analysis, frame: str, key: str) -> pd.DataFrame:
    return getattr(analysis, frame).drop_duplicates(key).set_index(key)


def _enrich(df: pd.DataFrame, analysis: Analysis) -> pd.DataFrame:
    """Fill school, course and student identity columns from the keys a rule returned.

    Each lookup table is de-duplicated and indexed once per analysis, not once per rule.
    """
    for frame, key, cols in _LOOKUPS:
        if key not in df.columns:
            continue
        right = analysis.memo(f"engine.lookup.{frame}", partial(_indexed, analysis, frame, key))
        df = _fill(df, right, key, list(cols))
    return df

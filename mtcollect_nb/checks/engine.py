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
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.checks.registry import Rule, not_run_reason
from mtcollect_nb.checks.text import text_values
from mtcollect_nb.columns import FINDINGS_COLUMNS, NOT_RUN_COLUMNS, PERSON_ID, SEVERITIES

if TYPE_CHECKING:
    from mtcollect_nb.compute.analysis import Analysis

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

    A rule whose optional table was not provided, whose parameter is off, that the law of
    the school year does not have or that is not part of the season's collection is listed in
    ``not_run`` with the reason (:func:`~mtcollect_nb.checks.registry.not_run_reason`). Each
    rule is named for the run's season (:meth:`~mtcollect_nb.checks.registry.Rule.for_season`:
    collection "Fall ANB", title and remedy naming the fall fields).
    Each rule's rows become text columns at once (:func:`_columns`); the findings frame is
    built once from the concatenated columns.
    """
    selected = list(all_rules().values()) if rules is None else list(rules)
    parts: list[dict[str, Any]] = []
    not_run: list[tuple[str, str]] = []
    ran: list[str] = []
    for r in (rule.for_season(analysis.season) for rule in selected):
        reason = not_run_reason(r, analysis)
        if reason is not None:
            not_run.append((r.id, reason))
            continue
        out = r.fn(analysis)
        ran.append(r.id)
        if len(out):
            parts.append(_columns(out, r, analysis))
    if parts:
        cols: dict[str, Any] = {c: np.concatenate([p[c] for p in parts])
                                for c in FINDINGS_COLUMNS}
        person = [p[PERSON_ID] for p in parts]
        cols[PERSON_ID] = type(person[0])._concat_same_type(person)
        findings = pd.DataFrame(cols)
    else:
        findings = pd.DataFrame(columns=list(FINDINGS_FRAME_COLUMNS))
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


def _normalize(out: pd.DataFrame, r: Rule, analysis: Analysis) -> pd.DataFrame:
    """One rule's findings as a frame of :data:`FINDINGS_FRAME_COLUMNS`."""
    return pd.DataFrame(_columns(out, r, analysis))


def _columns(out: pd.DataFrame, r: Rule, analysis: Analysis) -> dict[str, Any]:
    """One rule's findings as columns: text (object arrays) and ``personID`` (Int64).

    Blank school, course and identity columns are filled from the keys the rule returned
    (:data:`_LOOKUPS`), in that order: ``personID`` found through ``enrollmentID`` then
    finds the student's identity.
    """
    n = len(out)
    text: dict[str, np.ndarray] = {c: text_values(out[c]) for c in FINDINGS_COLUMNS
                                   if c in out.columns}
    person = out[PERSON_ID] if PERSON_ID in out.columns else None
    for frame, key, fills in _LOOKUPS:
        if key == PERSON_ID:
            if person is None:
                continue
            keys = person
        elif key in out.columns:
            keys = out[key]
        else:
            continue
        look: _Lookup = analysis.memo(f"engine.text.{frame}",
                                      partial(_lookup, analysis, frame, key, fills))
        if look.empty:
            continue
        pos = look.index.get_indexer(pd.to_numeric(keys, errors="coerce"))
        hit = pos >= 0
        for col, values in look.text.items():
            found = np.where(hit, values[pos], "")
            text[col] = found if col not in text else np.where(text[col] == "", found, text[col])
        if look.person is not None:
            person = _fill_person(person, look.person, pos, hit)
    cols: dict[str, Any] = {c: text[c] if c in text else np.full(n, "", dtype=object)
                            for c in FINDINGS_COLUMNS}
    for col, value in (("ruleId", r.id), ("severity", r.severity),
                       ("collection", r.collection), ("remedy", r.remedy)):
        cols[col] = np.full(n, value, dtype=object)
    msg = cols["message"]
    cols["message"] = np.where(msg == "", r.title, msg).astype(object)
    cols[PERSON_ID] = (pd.array(person, dtype="Int64") if person is not None
                       else pd.array([pd.NA] * n, dtype="Int64"))
    return cols


def _fill_person(person: pd.Series | None, values: np.ndarray, pos: np.ndarray,
                 hit: np.ndarray) -> pd.Series:
    """``person`` with its blanks taken from ``values[pos]`` (NaN where no key matched)."""
    found = values[pos] if hit.all() else np.where(hit, values[pos].astype("float64"), np.nan)
    if person is None:
        return pd.Series(found)
    if pd.api.types.is_numeric_dtype(person.dtype):  # a number is never "" as text
        blank = person.isna().to_numpy()
    else:
        blank = (person.isna() | (person.astype(str) == "")).to_numpy()
    if not blank.any():
        return person
    filled = person.to_numpy(dtype=object, copy=True)
    filled[blank] = found[blank]
    return pd.Series(filled)


@dataclass(frozen=True)
class _Lookup:
    """One lookup table, de-duplicated on its key.

    Holds the key index and, per filled column, its values as text (``personID``, a key
    itself, as numbers).
    """

    index: pd.Index
    text: dict[str, np.ndarray]
    person: np.ndarray | None

    @property
    def empty(self) -> bool:
        return len(self.index) == 0


_LOOKUPS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("section_info", "sectionID", ("courseNumber", "schoolNumber")),
    ("enrollments", "enrollmentID", ("schoolNumber", PERSON_ID)),
    ("students", PERSON_ID, ("stateID", "studentNumber", "studentName")),
    ("staff", "staffPersonID", ("staffStateID",)),
)


def _lookup(analysis: Analysis, frame: str, key: str, fills: tuple[str, ...]) -> _Lookup:
    """Built once per analysis for every rule's findings."""
    right = getattr(analysis, frame)
    right = right[[key, *(c for c in fills if c in right.columns)]]
    right = right.drop_duplicates(key).set_index(key)
    text = {c: text_values(right[c]) for c in fills if c in right.columns and c != PERSON_ID}
    person = right[PERSON_ID].to_numpy() if PERSON_ID in fills and PERSON_ID in right else None
    return _Lookup(right.index, text, person)

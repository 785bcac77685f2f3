"""Carrying the district's notes forward: status, firstSeen, reviewed and note, what changed.

Each run of a district's output folder knows the previous one (spec/outputs.md "Reruns in the
collection window"): :func:`carry_forward` carries ``reviewed`` and ``note`` from the previous
``findings.xlsx``, and firstSeen from the last run of ``output_dir/history/``, by
``findingKey``; :func:`changes_since` lists what is fixed, new and still open;
:func:`count_changes` sets the spring counts beside the previous run's.
(:func:`mtcollect_nb.window.finished.finish` reads the previous run and calls them.) Statuses:

- ``new``: not found by the previous run (on the first run, every finding);
- ``reviewed``: a warning or info the district marked reviewed (it stays listed);
- ``open``: anything else, including a reviewed **error**: it still counts as an error.

``reviewed`` is whatever the district typed (``x``, ``yes``, ``TRUE``, a date, initials): any
text but blank, ``no``, ``n``, ``false``, ``0`` or ``-`` means reviewed. Notes are text: a note
typed as ``=SUM(A1)`` comes back as that text, never as a formula.

Example:
    >>> is_reviewed(pd.Series(["x", "", "No", "TRUE", "2025-02-10"])).tolist()
    [True, False, False, True, True]
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pandas as pd

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.columns import (
    CALL_KEY,
    CALL_LIST_SHEET_COLUMNS,
    CHANGE,
    CHANGE_FIXED,
    CHANGE_NEW,
    CHANGE_STILL_OPEN,
    ERROR,
    FINDING_KEY,
    FIRST_SEEN,
    NOTE,
    REVIEWED,
    SINCE_COUNT_COLUMNS,
    SINCE_FINDINGS_COLUMNS,
    STATUS,
    STATUS_NEW,
    STATUS_OPEN,
    STATUS_REVIEWED,
)
from mtcollect_nb.privacy.pseudonyms import TEXT_ID_COLUMNS, pseudonyms
from mtcollect_nb.season import SPRING, Season
from mtcollect_nb.window import history

#: What typed into ``reviewed`` means "not reviewed" (compared lower case, stripped).
NOT_REVIEWED: frozenset[str] = frozenset({"", "no", "n", "false", "0", "-"})
_PSEUDONYM = r"^[SLT]-[0-9A-F]{12}$"


def is_reviewed(typed: pd.Series) -> pd.Series:
    """Whether what the district typed into ``reviewed`` marks the finding reviewed."""
    return ~typed.fillna("").astype(str).str.strip().str.lower().isin(NOT_REVIEWED)


def carry_forward(findings: pd.DataFrame, previous: pd.DataFrame, today: dt.date,
                  seen: pd.DataFrame | None = None,
                  remembered: pd.DataFrame | None = None) -> pd.DataFrame:
    """``findings`` (with ``findingKey``) plus status, firstSeen, reviewed and note.

    Args:
        findings: this run's findings.
        previous: the previous workbook's findings (key, firstSeen, reviewed, note, and the
            district's own columns, carried as they are).
        today: this run's date (firstSeen of a new finding).
        seen: keys and firstSeen of the previous run from the history (more reliable than
            the workbook's firstSeen cells, which the district may edit); None when absent.
        remembered: what earlier runs' records kept of each key (:func:`remembered`): a
            finding that was fixed and comes back gets its note, reviewed, own columns and
            firstSeen again (it is still ``new`` since the previous run).

    Example:
        >>> f = pd.DataFrame({"findingKey": ["A", "B"], "severity": ["warning", "error"]})
        >>> p = pd.DataFrame({"findingKey": ["A", "B"], "firstSeen": [pd.NaT, pd.NaT],
        ...                   "reviewed": ["x", "x"], "note": ["ok", "=1+1"]})
        >>> carry_forward(f, p, dt.date(2025, 2, 7))[["status", "note"]].values.tolist()
        [['reviewed', 'ok'], ['open', '=1+1']]
    """
    prev = previous.drop_duplicates(FINDING_KEY).set_index(FINDING_KEY)
    keys = findings[FINDING_KEY]
    known = keys.isin(prev.index)
    first = keys.map(prev[FIRST_SEEN]) if len(prev) else pd.Series(pd.NaT, index=keys.index)
    if seen is not None and len(seen):
        s = seen.drop_duplicates(FINDING_KEY).set_index(FINDING_KEY)
        known = known | keys.isin(s.index)
        first = keys.map(pd.to_datetime(s[FIRST_SEEN], errors="coerce")).fillna(first)
    typed = prev
    if remembered is not None and len(remembered):
        back = remembered.drop_duplicates(FINDING_KEY, keep="last").set_index(FINDING_KEY)
        back = back.loc[~back.index.isin(prev.index)]
        first = first.fillna(keys.map(pd.to_datetime(back[FIRST_SEEN], errors="coerce")))
        known_first = known | keys.isin(back.index)
        typed = pd.concat([prev, back.reindex(columns=prev.columns)])
    else:
        known_first = known
    first = pd.to_datetime(first, errors="coerce").where(known_first).fillna(
        pd.Timestamp(today))
    extra = [c for c in typed.columns if c not in (FINDING_KEY, FIRST_SEEN, STATUS)
             and c not in findings.columns and c not in (REVIEWED, NOTE)]
    carried = {c: keys.map(typed[c]).fillna("").astype(object) if len(typed) else ""
               for c in (REVIEWED, NOTE, *extra)}
    out = pd.concat([findings.drop(columns=[c for c in carried if c in findings.columns]),
                     pd.DataFrame(carried, index=findings.index)], axis=1)  # many own columns
    done = is_reviewed(out[REVIEWED]) & (out["severity"] != ERROR)
    out[STATUS] = np.where(~known, STATUS_NEW, np.where(done, STATUS_REVIEWED, STATUS_OPEN))
    out[FIRST_SEEN] = first.dt.normalize().astype("datetime64[ns]")
    return out


def remembered(records: list[dict[str, Any]] | tuple[dict[str, Any], ...]) -> pd.DataFrame:
    """What the earlier runs kept of each key: its last note, reviewed, own columns, firstSeen.

    One row per key (the latest record holding it), for the keys whose note, reviewed or own
    columns hold text. Example:
        >>> r = [{"findings": [{"findingKey": "A", "note": "called", "reviewed": "",
        ...                     "firstSeen": "2025-02-03"}]}, {"findings": []}]
        >>> remembered(r)[["findingKey", "note"]].values.tolist()
        [['A', 'called']]
    """
    parts = []
    for rec in records:
        since = rec.get("since")
        rows = since.get("findings") if isinstance(since, dict) else None
        fixed = [r for r in rows if isinstance(r, dict) and r.get(CHANGE) == CHANGE_FIXED
                 ] if isinstance(rows, list) else []
        if not fixed and not rec.get("own") and _nothing_kept(rec):
            continue  # (most runs: no note, no review) its rows would all be left out below
        f = history.record_findings(rec)
        if fixed:  # (most records have none: one frame fewer to build per record)
            f = pd.concat([history.record_findings({"findings": fixed}), f], ignore_index=True)
        own = rec.get("own") if isinstance(rec.get("own"), dict) else {}
        if own:
            extra = pd.DataFrame.from_dict(
                {k: v for k, v in own.items() if isinstance(v, dict)}, orient="index")
            extra = extra.astype(object).where(extra.notna(), "")
            f = f.join(extra, on=FINDING_KEY)
        parts.append(f)
    if not parts:
        return history.record_findings(None)
    out = pd.concat(parts, ignore_index=True)
    text = out.drop(columns=[FIRST_SEEN]).fillna("").astype(str)
    has = (text.drop(columns=[c for c in text.columns if c in history.RECORD_FINDING_COLUMNS
                              and c not in (NOTE, REVIEWED)]) != "").any(axis=1)
    out = out.loc[has].drop_duplicates(FINDING_KEY, keep="last")
    return out.reset_index(drop=True)


_PLAIN_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _nothing_kept(record: dict[str, Any]) -> bool:
    """Whether none of a record's findings has a note or reviewed (nor an odd firstSeen).

    Such a record adds no row to :func:`remembered` and, its firstSeen being plain dates or
    blank, no other column type either: it need not be framed.

    Example:
        >>> _nothing_kept({"findings": [{"note": "", "reviewed": None,
        ...                              "firstSeen": "2025-02-03"}]})
        True
        >>> _nothing_kept({"findings": [{"note": "called"}]})
        False
    """
    rows = record.get("findings") or []
    if not isinstance(rows, list):
        return False
    for row in rows:
        if not isinstance(row, dict):
            return False
        for c in (NOTE, REVIEWED):
            v = row.get(c)
            if not (v is None or v == "" and isinstance(v, str)):
                return False
        day = row.get(FIRST_SEEN)
        if not (day is None or isinstance(day, str) and _PLAIN_DAY.fullmatch(day)):
            return False
    return True


def changes_since(findings: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """The *Since last run* findings: fixed (previous keys gone, with notes), new, still open.

    ``findings`` has the rerun columns (:func:`carry_forward`); ``previous`` is the previous
    run's findings (the workbook's rows, or the history record's when the workbook is unusable).
    """
    fixed = previous.loc[~previous[FINDING_KEY].isin(findings[FINDING_KEY])]
    parts = [fixed.assign(**{CHANGE: CHANGE_FIXED}),
             findings.loc[findings[STATUS] == STATUS_NEW].assign(**{CHANGE: CHANGE_NEW}),
             findings.loc[findings[STATUS] != STATUS_NEW].assign(**{CHANGE: CHANGE_STILL_OPEN})]
    cols = list(SINCE_FINDINGS_COLUMNS)
    out = pd.concat([p.reindex(columns=cols) for p in parts], ignore_index=True)
    text = [c for c in cols if c != FIRST_SEEN]
    out[text] = out[text].fillna("").astype(object)
    out[FIRST_SEEN] = pd.to_datetime(out[FIRST_SEEN], errors="coerce").astype("datetime64[ns]")
    return out


def count_changes(budget_units: pd.DataFrame, previous_run: dict[str, Any] | None,
                  season: Season = SPRING) -> pd.DataFrame:
    """The season's count reported and validated per budget unit: previous run, this run.

    ``previous_run`` is the previous run of the same season (a fall count is never compared
    with a spring count); the columns are the season's (``fallCountReportedPrevious``...).
    """
    now = budget_units.reindex(columns=list(season.columns(history.COUNT_COLUMNS)))
    now = now.astype({"budgetUnit": object})
    before = history.record_counts(previous_run, season)
    out = now.merge(before, on="budgetUnit", how="outer", suffixes=("", "Previous"))
    return out.reindex(columns=list(season.columns(SINCE_COUNT_COLUMNS))).sort_values(
        "budgetUnit", kind="mergesort").reset_index(drop=True)


def masked_previous(rows: pd.DataFrame) -> pd.DataFrame:
    """Previous rows shown in a masked run: pseudonymous IDs, no names, no free text.

    A previous run that was not masked (or did not say so) may show real IDs and names;
    its fixed findings are shown with pseudonyms, the rule's title as message, and their note.
    """
    out = rows.copy()
    for col in out.columns.intersection(list(TEXT_ID_COLUMNS)):
        text = out[col].fillna("").astype(str)
        real = ~text.str.fullmatch(_PSEUDONYM) & (text != "")
        out[col] = text.where(~real, pseudonyms(text[real], col).reindex(text.index))
    titles = {rid: r.title for rid, r in all_rules().items()}
    out["studentName"] = ""
    out["value"] = ""
    out["message"] = out["ruleId"].map(titles).fillna("")
    return out


def carry_call_notes(calls: pd.DataFrame, previous: pd.DataFrame) -> pd.DataFrame:
    """The Call list sheet: ``calls`` plus the previous ``reviewed`` and ``note`` by callKey.

    Columns CALL_LIST_SHEET_COLUMNS; ``calls`` has its ``callKey`` (window/keys.call_keys).

    "called the family on 1/22" stays on the student's row run after run while the enrollment
    is on the list, wherever the district sorted it; a key no longer listed (the student came
    back) leaves the list with its note. A note is text: ``=1+1`` stays that text.

    Example:
        >>> c = pd.DataFrame({"enrollmentID": ["10", "11"], "callKey": ["CALL:A", "CALL:B"]})
        >>> p = pd.DataFrame({"callKey": ["CALL:B", "CALL:Z"], "reviewed": ["x", "x"],
        ...                   "note": ["called the family on 1/22", "gone"]})
        >>> carry_call_notes(c, p)[["enrollmentID", "note"]].values.tolist()
        [['10', ''], ['11', 'called the family on 1/22']]
    """
    prev = previous.drop_duplicates(CALL_KEY).set_index(CALL_KEY)
    keys = calls[CALL_KEY]
    typed = {c: (keys.map(prev[c]) if len(prev) else pd.Series("", index=calls.index))
             .fillna("").astype(object) for c in (REVIEWED, NOTE)}
    return calls.assign(**typed).reindex(columns=list(CALL_LIST_SHEET_COLUMNS))

"""``output_dir/history/``: one small JSON file per run, the district's collection window.

Each record holds when the run ran, its counts per budget unit, its totals (errors open,
warnings not reviewed, new, fixed, ...), the readiness per collection, its findings (key, rule,
severity, collection, status, firstSeen and the few columns that say what it is) and the
*Since last run* tables. The next run reads the last record (keys and firstSeen); the notebook
draws the counts and open errors run by run from all of them. Written atomically, after the
workbook: a run that crashes before leaves the history as it was.

Example:
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = write_record(d, {"started": "2025-02-07T08:00:00", "counts": [], "totals": {}})
    >>> [r["started"] for r in load_records(d)]
    ['2025-02-07T08:00:00']
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from mtcollect_nb.checks.text import text_values
from mtcollect_nb.columns import (
    CHANGE,
    CHANGE_STILL_OPEN,
    FINDING_KEY,
    FIRST_SEEN,
    READY_COLUMNS,
    REVIEWED,
    SINCE_COUNT_COLUMNS,
    SINCE_FINDINGS_COLUMNS,
    STATUS,
)
from mtcollect_nb.files import atomic_path
from mtcollect_nb.outputs import HISTORY_DIR

#: The columns of each finding kept in a record.
RECORD_FINDING_COLUMNS: tuple[str, ...] = (
    FINDING_KEY, "ruleId", "severity", "collection", "schoolNumber", "stateID", "enrollmentID",
    "sectionID", "field", "message", STATUS, FIRST_SEEN, "reviewed", "note",
)
COUNT_COLUMNS: tuple[str, ...] = ("budgetUnit", "springCountReported", "springCountValidated")
#: One row per run (:func:`runs_table`).
RUN_COLUMNS: tuple[str, ...] = (
    "started", "errors", "warnings", "warningsNotReviewed", "new", "fixed", "stillOpen",
    "springCountReported", "springCountValidated",
)


def history_dir(out_dir: Path | str) -> Path:
    """``out_dir/history``."""
    return Path(out_dir) / HISTORY_DIR


def records_frame(df: pd.DataFrame, cols: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows of ``df`` as JSON-ready records of text (numbers kept as numbers)."""
    out = pd.DataFrame(index=df.index)
    for c in cols:
        if c not in df.columns:
            out[c] = ""
        elif pd.api.types.is_bool_dtype(df[c]):
            out[c] = df[c].astype(bool)
        elif pd.api.types.is_numeric_dtype(df[c]):
            out[c] = df[c].astype("float64")
        else:
            out[c] = text_values(df[c])
    out = out.astype(object).where(out.notna(), None)
    return list(out.to_dict("records"))


def write_record(out_dir: Path, record: dict[str, Any]) -> Path:
    """Write one run's record as ``history/run-<started>.json`` (a new name if taken)."""
    folder = history_dir(out_dir)
    folder.mkdir(parents=True, exist_ok=True)
    stem = "run-" + str(record["started"]).replace(":", "").replace("-", "").replace("T", "-")
    path, n = folder / f"{stem}.json", 1
    while path.exists():
        path, n = folder / f"{stem}-{n}.json", n + 1
    text = json.dumps(record, indent=1, sort_keys=True, allow_nan=False, default=str)
    with atomic_path(path) as tmp:
        tmp.write_text(text + "\n", encoding="utf-8")
    return path


def load_records(out_dir: Path | str) -> list[dict[str, Any]]:
    """Every readable record, oldest first (a damaged file is skipped, not fatal)."""
    folder = history_dir(out_dir)
    records = []
    for p in sorted(folder.glob("run-*.json"), key=_order) if folder.is_dir() else []:
        try:
            rec = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(rec, dict) and "started" in rec:
            records.append(rec)
    return sorted(records, key=lambda r: str(r["started"]))


def _order(path: Path) -> tuple[str, int]:
    """Files in the order they were written: ``run-T.json``, then ``run-T-1.json``, ...

    Two runs started in the same second share T; a plain name sort would put ``-1`` first.

    Example:
        >>> sorted([Path("run-1-1.json"), Path("run-1.json"), Path("run-1-2.json")], key=_order)
        [PosixPath('run-1.json'), PosixPath('run-1-1.json'), PosixPath('run-1-2.json')]
    """
    stem, _, n = path.stem.rpartition("-")
    if stem.count("-") >= 1 and n.isdigit() and len(n) < 4:  # "-N" added by write_record
        return stem, int(n)
    return path.stem, 0


def last_record(out_dir: Path | str) -> dict[str, Any] | None:
    """The latest record, or None before the first run."""
    records = load_records(out_dir)
    return records[-1] if records else None


def record_findings(record: dict[str, Any] | None) -> pd.DataFrame:
    """A record's findings (RECORD_FINDING_COLUMNS; firstSeen as dates)."""
    rows = (record or {}).get("findings") or []
    df = pd.DataFrame(rows).reindex(columns=list(RECORD_FINDING_COLUMNS))
    text = [c for c in RECORD_FINDING_COLUMNS if c != FIRST_SEEN]
    df[text] = df[text].fillna("").astype(object)
    df[FIRST_SEEN] = pd.to_datetime(df[FIRST_SEEN], errors="coerce")
    return df


def record_counts(record: dict[str, Any] | None) -> pd.DataFrame:
    """A record's spring counts per budget unit (COUNT_COLUMNS)."""
    df = pd.DataFrame((record or {}).get("counts") or []).reindex(columns=list(COUNT_COLUMNS))
    df["budgetUnit"] = df["budgetUnit"].fillna("").astype(object)
    return df.astype({c: "float64" for c in COUNT_COLUMNS[1:]})


def runs_table(out_dir: Path | str) -> pd.DataFrame:
    """One row per run, oldest first: totals and district spring counts (RUN_COLUMNS).

    Example:
        >>> import tempfile
        >>> runs_table(Path(tempfile.mkdtemp())).empty
        True
    """
    rows = []
    for rec in load_records(out_dir):
        counts = record_counts(rec)
        totals = rec.get("totals") or {}
        rows.append({"started": pd.Timestamp(rec["started"]),
                     **{c: totals.get(c, 0) for c in RUN_COLUMNS[1:7]},
                     "springCountReported": float(counts["springCountReported"].sum()),
                     "springCountValidated": float(counts["springCountValidated"].sum())})
    return pd.DataFrame(rows, columns=list(RUN_COLUMNS))


@dataclass(frozen=True)
class SinceLastRun:
    """The last run's *Since last run* tables, as the notebook shows them.

    Attributes:
        ready: ready to certify per collection (READY_COLUMNS).
        counts: spring counts per budget unit, previous run and this one.
        findings: fixed, new and still open findings (SINCE_FINDINGS_COLUMNS).
    """

    ready: pd.DataFrame
    counts: pd.DataFrame
    findings: pd.DataFrame

    @property
    def changed(self) -> pd.DataFrame:
        """The findings fixed or new since the previous run."""
        return self.findings.loc[self.findings[CHANGE] != CHANGE_STILL_OPEN].reset_index(
            drop=True)

    @property
    def reviewed(self) -> pd.DataFrame:
        """The findings the district marked reviewed (fixed ones included)."""
        return self.findings.loc[self.findings[REVIEWED] != ""].reset_index(drop=True)


def since_last_run(out_dir: Path | str) -> SinceLastRun:
    """The last run's *Since last run* tables (the same as the workbook's sheet)."""
    rec = last_record(out_dir) or {}
    since = rec.get("since") or {}
    findings = pd.DataFrame(since.get("findings") or []).reindex(
        columns=list(SINCE_FINDINGS_COLUMNS))
    counts = pd.DataFrame(since.get("counts") or []).reindex(columns=list(SINCE_COUNT_COLUMNS))
    ready = pd.DataFrame(rec.get("ready") or []).reindex(columns=list(READY_COLUMNS))
    return SinceLastRun(ready=ready, counts=counts, findings=findings.fillna(""))

"""``output_dir/history/``: one small JSON file per run, the district's collection window.

Each record holds when the run ran, its counts per budget unit, its totals (errors open,
warnings not reviewed, new, fixed, ...), the readiness per collection, its findings (key, rule,
severity, collection, status, firstSeen and the few columns that say what it is) and the
*Since last run* tables. The next run reads them once
(:func:`mtcollect_nb.window.finished.finish`): the last record's keys and firstSeen, and every
record for the counts and open errors run by run. Written atomically, after the workbook: a
run that crashes before leaves the history as it was.

Example:
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = write_record(d, {"started": "2025-02-07T08:00:00", "counts": [], "totals": {}})
    >>> [r["started"] for r in load_records(d)]
    ['2025-02-07T08:00:00']
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from mtcollect_nb.checks.text import text_values
from mtcollect_nb.columns import FINDING_KEY, FIRST_SEEN, STATUS
from mtcollect_nb.files import atomic_path
from mtcollect_nb.outputs import HISTORY_DIR
from mtcollect_nb.season import SPRING, Season

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


def record_findings(record: dict[str, Any] | None) -> pd.DataFrame:
    """A record's findings (RECORD_FINDING_COLUMNS; firstSeen as dates)."""
    rows = (record or {}).get("findings") or []
    df = pd.DataFrame(rows).reindex(columns=list(RECORD_FINDING_COLUMNS))
    text = [c for c in RECORD_FINDING_COLUMNS if c != FIRST_SEEN]
    df[text] = df[text].fillna("").astype(object)
    df[FIRST_SEEN] = pd.to_datetime(df[FIRST_SEEN], errors="coerce")
    return df


def record_season(record: dict[str, Any] | None) -> str:
    """The season of a record (``season``; a record written before seasons: spring).

    Example:
        >>> record_season({"season": "fall"}), record_season({})
        ('fall', 'spring')
    """
    season = (record or {}).get("season")
    return season if isinstance(season, str) and season else SPRING.name


def season_records(records: Iterable[dict[str, Any]], season: Season) -> list[dict[str, Any]]:
    """The records of ``season``'s runs, in their order (counts compare within one season).

    Example:
        >>> [r["started"] for r in season_records([{"started": "a", "season": "fall"},
        ...                                        {"started": "b"}], SPRING)]
        ['b']
    """
    return [r for r in records if record_season(r) == season.name]


def record_counts(record: dict[str, Any] | None, season: Season = SPRING) -> pd.DataFrame:
    """A record's counts per budget unit (COUNT_COLUMNS as ``season`` names them)."""
    cols = season.columns(COUNT_COLUMNS)
    df = pd.DataFrame((record or {}).get("counts") or []).reindex(columns=list(cols))
    df["budgetUnit"] = df["budgetUnit"].fillna("").astype(object)
    return df.astype({c: "float64" for c in cols[1:]})


def runs_table(records: Iterable[dict[str, Any]], season: Season = SPRING) -> pd.DataFrame:
    """One row per run record, in their order: totals and district counts (RUN_COLUMNS).

    The counts are the season's (``fallCountReported``... in a fall run).

    Example:
        >>> runs_table([]).empty
        True
    """
    rows = []
    cols = season.columns(RUN_COLUMNS)
    for rec in records:
        counts = record_counts(rec, season)
        totals = rec.get("totals") or {}
        rows.append({"started": pd.Timestamp(rec["started"]),
                     **{c: totals.get(c, 0) for c in RUN_COLUMNS[1:7]},
                     **{c: float(counts[c].sum()) for c in cols[7:]}})
    return pd.DataFrame(rows, columns=list(cols))

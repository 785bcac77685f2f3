"""``output_dir/history/``: one small JSON file per run, the district's collection window.

Each record holds when the run ran, its counts per budget unit, its totals (errors open,
warnings not reviewed, new, fixed, ...), the readiness per collection, its findings (key, rule,
severity, collection, status, firstSeen and the few columns that say what it is) and the
*Since last run* tables. The next run reads them once
(:func:`mtcollect_nb.window.finished.finish`): the last record's keys and firstSeen, and every
record for the counts and open errors run by run. Written atomically, after the workbook: a
run that crashes before leaves the history as it was.

Runs are ordered by ``seq``, the run's number in this folder (one more than the highest
before it), never by a clock: an earlier run dated later (a clock ahead, UTC against local
time, the hour repeated when daylight saving time ends) or a record dated in the future is
not "the previous run". Records are our own files, but read as anyone's: only regular files
(no link, FIFO or device), at most :data:`MAX_RECORD_BYTES` each, validated (pydantic); a bad
one is skipped and named in one line (:func:`read_records`).

Example:
    >>> import tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> _ = write_record(d, {"started": "2025-02-07T08:00:00", "counts": [], "totals": {}})
    >>> [r["started"] for r in load_records(d)]
    ['2025-02-07T08:00:00']
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from mtcollect_nb.checks.text import text_values
from mtcollect_nb.columns import FINDING_KEY, FIRST_SEEN, STATUS
from mtcollect_nb.files import atomic_path
from mtcollect_nb.outputs import HISTORY_DIR
from mtcollect_nb.season import SPRING, Season
from mtcollect_nb.window.own_files import read_limited, regular_file

#: The largest record read (a record of a very large district is a few MB).
MAX_RECORD_BYTES = 64 << 20
#: At most this many records, and this many bytes of them, are read (the newest by name).
MAX_RECORDS = 2_000
MAX_HISTORY_BYTES = 512 << 20

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


def _not_a_folder(folder: Path) -> str | None:
    """Why ``history`` (present) is not a plain folder of ours, or None."""
    why = regular_file(folder)
    if why == "a folder, not a file":
        return None
    if why is None and (folder.exists() or folder.is_symlink()):
        return "a file, not a folder"
    return why


def write_record(out_dir: Path, record: dict[str, Any]) -> Path | None:
    """Write one run's record as ``history/run-<started>.json`` (a new name if taken).

    Nothing is written (None) when ``history`` is not a plain folder (a file, a link): the
    run's window says so (:func:`read_records`), the workbook is already written.
    """
    folder = history_dir(out_dir)
    if _not_a_folder(folder) is not None:
        return None
    folder.mkdir(parents=True, exist_ok=True)
    stem = "run-" + str(record["started"]).replace(":", "").replace("-", "").replace("T", "-")
    path, n = folder / f"{stem}.json", 1
    while path.exists():
        path, n = folder / f"{stem}-{n}.json", n + 1
    text = json.dumps(record, indent=1, sort_keys=True, allow_nan=False, default=str)
    with atomic_path(path) as tmp:
        tmp.write_text(text + "\n", encoding="utf-8")
    return path


Scalar = str | float | int | bool | None


class _Record(BaseModel):
    """What a record must hold to be read (other keys are kept as they are)."""

    model_config = ConfigDict(extra="allow")
    started: dt.datetime
    seq: int | None = Field(default=None, ge=1)
    masked: bool | None = None
    totals: dict[str, int | float] = Field(default_factory=dict)
    counts: list[dict[str, Scalar]] = Field(default_factory=list)
    findings: list[dict[str, Scalar]] = Field(default_factory=list)


@dataclass(frozen=True)
class History:
    """The records of ``history/`` in run order, and one line per file that was skipped."""

    records: tuple[dict[str, Any], ...] = ()
    skipped: tuple[str, ...] = ()

    @property
    def next_seq(self) -> int:
        """The number of the next run (one more than the highest so far)."""
        return max((int(r.get("seq") or 0) for r in self.records), default=0) + 1


def read_records(out_dir: Path | str) -> History:
    """Every valid record in run order (``seq``; records without one first, by file name).

    A file that is not a regular file, too large, not JSON or not a record is skipped, and
    named in :attr:`History.skipped` (one line each); nothing here raises.
    """
    folder = history_dir(out_dir)
    why = _not_a_folder(folder)
    if why is not None:
        return History(skipped=(f"{folder}: {why}; no earlier run is read and this run's "
                                "record is not kept (move it away)",))
    if not folder.is_dir():
        return History()
    paths = sorted(folder.glob("run-*.json"), key=_order)
    skipped: list[str] = []
    keep = _newest_within(paths)
    if keep < len(paths):
        skipped.append(f"{HISTORY_DIR}: the {len(paths) - keep} oldest record(s) not read (at "
                       f"most {MAX_RECORDS:,} records and {MAX_HISTORY_BYTES:,} bytes are read)")
        paths = paths[len(paths) - keep:]
    records: list[tuple[int, int, dict[str, Any]]] = []
    for n, p in enumerate(paths):
        rec, problem = _read_one(p)
        if rec is None:
            skipped.append(f"{HISTORY_DIR}/{p.name}: {problem}; skipped")
            continue
        records.append((int(rec.get("seq") or 0), n, rec))
    records.sort(key=lambda t: (t[0], t[1]))
    return History(tuple(r for *_, r in records), tuple(skipped))


def _newest_within(paths: list[Path]) -> int:
    """How many of the newest ``paths`` fit the bounds (sizes from ``lstat``: nothing opened)."""
    total, n = 0, 0
    for p in reversed(paths[-MAX_RECORDS:]):
        try:
            total += min(p.lstat().st_size, MAX_RECORD_BYTES + 1)
        except OSError:
            pass
        if total > MAX_HISTORY_BYTES:
            break
        n += 1
    return n


def _read_one(path: Path) -> tuple[dict[str, Any] | None, str]:
    why = regular_file(path)
    if why is not None:
        return None, why
    try:
        data = json.loads(read_limited(path, MAX_RECORD_BYTES).decode("utf-8"))
        model = _Record.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"]) or "record"
        return None, f"not a run record ({where}: {err['msg']})"
    except (OSError, ValueError, RecursionError) as exc:
        return None, f"not readable ({type(exc).__name__}: {' '.join(str(exc).split())[:120]})"
    rec = dict(data)
    started = model.started
    if started.tzinfo is not None:  # one kind of time in the window: local, naive
        started = started.astimezone().replace(tzinfo=None)
    rec["started"] = started.isoformat()
    return rec, ""


def load_records(out_dir: Path | str) -> list[dict[str, Any]]:
    """Every valid record, in run order (:func:`read_records` without the skipped lines)."""
    return list(read_records(out_dir).records)


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

"""A finished run: the district run with its collection window, read once and handed on.

:func:`finish` reads what the earlier runs left in the output folder, once: the previous
``findings.xlsx`` (what the district typed into it) and ``history/`` (every earlier run). It
carries ``reviewed`` and ``note`` forward by ``findingKey``, says what changed since the last
run and whether each collection is ready to certify. The :class:`FinishedRun` it returns is
what the workbook, the machine-readable tables, the history record, the HTML report's verdict
and the notebook read, so they all say the same thing and nothing reads the previous run twice.

Example:
    >>> import tempfile
    >>> from mtcollect_nb.checks.run import run_from_analysis
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> from mtcollect_nb.window.keys import with_keys
    >>> done = finish(with_keys(run_from_analysis(tiny_analysis())), tempfile.mkdtemp())
    >>> done.window.previous_run is None, done.window.totals()["new"], len(done.runs())
    (True, 0, 1)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from mtcollect_nb.checks.run import DistrictRun
from mtcollect_nb.columns import (
    CALL_KEY,
    CALL_LIST_SHEET_COLUMNS,
    CHANGE,
    CHANGE_FIXED,
    CHANGE_NEW,
    CHANGE_STILL_OPEN,
    ERROR,
    FINDING_KEY,
    FINDINGS_SHEET_COLUMNS,
    NOTE,
    READY_COLUMNS,
    REVIEWED,
    SINCE_COUNT_COLUMNS,
    SINCE_FINDINGS_COLUMNS,
    STATUS,
    STATUS_REVIEWED,
    WARNING,
)
from mtcollect_nb.outputs import FINDINGS_XLSX
from mtcollect_nb.params import Params
from mtcollect_nb.privacy.masking import scrub_typed
from mtcollect_nb.window import history
from mtcollect_nb.window.carry import (
    carry_call_notes,
    carry_forward,
    changes_since,
    count_changes,
    masked_previous,
    remembered,
)
from mtcollect_nb.window.certify import readiness
from mtcollect_nb.window.keys import OTHER_KEY, call_keys
from mtcollect_nb.window.notes import whole_notes
from mtcollect_nb.window.previous import OwnSheet, Previous, read_previous
from mtcollect_nb.window.typed import (
    Typed,
    key_translation,
    previous_lines,
    renamed,
    salt_fingerprint,
    salt_lines,
    scrubbed,
    unmasked_files,
)


@dataclass(frozen=True)
class Window:
    """What this run knows of the earlier runs in its output folder.

    Attributes:
        findings: the run's findings with the rerun columns (FINDINGS_SHEET_COLUMNS + personID).
        since: the *Since last run* findings: fixed, new and still open.
        counts: the season's counts per budget unit, the previous run's beside this run's.
        ready: ready to certify, per collection (READY_COLUMNS; reviewed warnings count).
        previous: the previous workbook as read (or why it could not be).
        records: the history records of the earlier runs of the same season, oldest first.
        calls: the Call list sheet (CALL_LIST_SHEET_COLUMNS): the run's call list with its
            ``callKey`` and the previous run's ``reviewed`` and ``note`` carried by it (empty
            outside a forecast run).
        kept: where the previous workbook was copied (set when the outputs are written;
            None when not needed).
        seq: this run's number in the output folder (run order, never a clock).
        lines: what could not be carried or read, or what the folder holds that a masked run
            should not (one line each: the terminal and the Summary show them).
        own_columns: the district's own columns of Findings, carried after ``note``.
        own_sheets: the district's own sheets, carried as they were (scrubbed when masked).
        other_keys: this run's keys of the other kind (see :mod:`mtcollect_nb.window.keys`).
    """

    findings: pd.DataFrame
    since: pd.DataFrame
    counts: pd.DataFrame
    ready: pd.DataFrame
    previous: Previous
    records: tuple[dict[str, Any], ...] = ()
    kept: Path | None = None
    calls: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(CALL_LIST_SHEET_COLUMNS)))
    seq: int = 1
    lines: tuple[str, ...] = ()
    own_columns: tuple[str, ...] = ()
    own_sheets: tuple[OwnSheet, ...] = ()
    other_keys: dict[str, str] = dataclasses.field(default_factory=dict)
    own_fixed: dict[str, dict[str, str]] = dataclasses.field(default_factory=dict)

    @property
    def previous_run(self) -> dict[str, Any] | None:
        """The last history record (None on a first run)."""
        return self.records[-1] if self.records else None

    @property
    def changed(self) -> pd.DataFrame:
        """The findings fixed (with their notes) or new since the previous run."""
        return self.since.loc[self.since[CHANGE] != CHANGE_STILL_OPEN].reset_index(drop=True)

    @property
    def reviewed(self) -> pd.DataFrame:
        """The findings the district marked reviewed (fixed ones included)."""
        return self.since.loc[self.since[REVIEWED] != ""].reset_index(drop=True)

    @property
    def notes_carried(self) -> int:
        """This run's findings that carry a note."""
        return int((self.findings[NOTE] != "").sum())

    def totals(self) -> dict[str, int]:
        """Findings fixed, new and still open since the previous run, and reviewed."""
        change = self.since[CHANGE].value_counts()
        status = self.findings[STATUS].value_counts()
        return {"fixed": int(change.get(CHANGE_FIXED, 0)), "new": int(change.get(CHANGE_NEW, 0)),
                "stillOpen": int(change.get(CHANGE_STILL_OPEN, 0)),
                "reviewed": int(status.get(STATUS_REVIEWED, 0))}


@dataclass(frozen=True)
class FinishedRun:
    """A district run and its collection window: what every output of the run reads.

    Attributes:
        run: the district run (keyed; masked when its parameters ask).
        window: what the earlier runs in ``out_dir`` tell about it.
        out_dir: the output folder the window was read from.
    """

    run: DistrictRun
    window: Window
    out_dir: Path

    @property
    def params(self) -> Params:
        """The run's parameters."""
        return self.run.params

    def with_kept(self, kept: Path | None) -> FinishedRun:
        """This run, noting where its unreadable previous workbook was copied."""
        return dataclasses.replace(self, window=dataclasses.replace(self.window, kept=kept))

    def record(self) -> dict[str, Any]:
        """This run's ``history/`` record (see :mod:`mtcollect_nb.window.history`)."""
        run, w = self.run, self.window
        f = w.findings
        sev = f["severity"].value_counts()
        unreviewed = int(((f["severity"] == WARNING) & (f[STATUS] != STATUS_REVIEWED)).sum())
        season = run.params.season
        own = f.reindex(columns=[FINDING_KEY, *w.own_columns]).set_index(FINDING_KEY)
        return {
            "started": run.started.isoformat(), "version": run.version, "seq": w.seq,
            "masked": run.masked, "keySalt": salt_fingerprint() if run.masked else None,
            "district_number": run.params.district_number, "season": season.name,
            "otherKeys": w.other_keys,
            "own": {**w.own_fixed, **own_cells(own)},
            "counts": history.records_frame(run.analysis.budget_units,
                                            season.budget_unit_columns),
            "totals": {"errors": int(sev.get(ERROR, 0)), "warnings": int(sev.get(WARNING, 0)),
                       "warningsNotReviewed": unreviewed, **w.totals()},
            "ready": history.records_frame(w.ready, READY_COLUMNS),
            "findings": history.records_frame(f, history.RECORD_FINDING_COLUMNS),
            "since": {"findings": history.records_frame(w.since, SINCE_FINDINGS_COLUMNS),
                      "counts": history.records_frame(w.counts,
                                                      season.columns(SINCE_COUNT_COLUMNS))},
        }

    def runs(self) -> pd.DataFrame:
        """Every run of the window so far, this one last (:func:`history.runs_table`)."""
        return history.runs_table([*self.window.records, self.record()], self.params.season)


def own_cells(frame: pd.DataFrame) -> dict[str, dict[str, str]]:
    """FindingKey (the index) -> the district's non-blank own cells, for rows that have one.

    Example:
        >>> own_cells(pd.DataFrame({"my comments": ["called", ""]}, index=["K1", "K2"]))
        {'K1': {'my comments': 'called'}}
    """
    if frame.columns.empty:  # (to_dict gives no records then)
        return {}
    rows = ((str(k), {c: str(v) for c, v in row.items() if v != ""})
            for k, row in zip(frame.index, frame.to_dict("records"), strict=True))
    return {k: cells for k, cells in rows if cells}


def finish(run: DistrictRun, out_dir: Path | str | None = None) -> FinishedRun:
    """Read the earlier runs of ``out_dir`` (default: the season's output folder) once.

    The season's folder is ``output_dir`` (spring) or ``output_dir/fall`` (a fall run): a
    fall finding never meets a spring note, and each season's history is its own.

    Nothing is written: call it before the new workbook replaces the previous one.

    Raises:
        ValueError: the run has no ``findingKey`` (runs come keyed from
            :func:`mtcollect_nb.report.pipeline.analyze_district`), or its parameters ask for
            masking and it is not masked.
    """
    if FINDING_KEY not in run.findings.columns:
        raise ValueError("the run has no findingKey column: key it first "
                         "(report.pipeline.analyze_district or key_and_mask)")
    if run.params.mask_pii and not run.masked:
        raise ValueError("mask_pii is on but the run is not masked: mask it first "
                         "(report.pipeline.analyze_district or key_and_mask)")
    out = Path(run.params.season.out_dir(run.params) if out_dir is None else out_dir)
    previous = read_previous(out / FINDINGS_XLSX)
    season = run.params.season  # the runs of the same season only (its own folder anyway)
    hist = history.read_records(out)
    records = tuple(history.season_records(hist.records, season))
    last = records[-1] if records else None
    rename = key_translation(run, records)
    prev = renamed(previous.findings, rename)
    seen = renamed(history.record_findings(last), rename)
    back = renamed(remembered(records), rename)
    findings = carry_forward(run.findings, prev, run.started.date(), seen, back)
    findings = findings.assign(**{NOTE: whole_notes(findings[NOTE], findings[FINDING_KEY], back)})
    own_columns = tuple(c for c in findings.columns
                        if c not in run.findings.columns and c not in FINDINGS_SHEET_COLUMNS)
    before = prev if previous.usable else seen.reindex(columns=list(FINDINGS_SHEET_COLUMNS))
    source_masked = previous.masked if previous.usable else (last or {}).get("masked")
    salt = salt_lines(run, last, previous)
    if salt and previous.found:  # its notes cannot be matched: keep the old workbook
        previous, salt = dataclasses.replace(previous, lost=(*previous.lost, *salt)), []
    lines = [*previous_lines(previous), *hist.skipped, *salt]
    gone = prev.loc[~prev[FINDING_KEY].isin(findings[FINDING_KEY])]
    gone = gone.reindex(columns=[FINDING_KEY, *previous.own_columns]).set_index(FINDING_KEY)
    typed = Typed(findings, before, own_columns, previous.own_sheets,
                  own_cells(gone))
    if run.masked:
        if source_masked is not True:
            typed = dataclasses.replace(typed, before=masked_previous(before))
        typed = scrubbed(run, typed)
        lines = scrub_typed(run, pd.Series(lines, dtype=object), ids=False).tolist()
        if typed.changed:
            lines.append(f"{typed.changed} note(s) or cell(s) you typed had names or IDs "
                         "masked (a masked run shows no real name or ID)")
        lines.extend(unmasked_files(out, records, previous))
    other = {}
    if OTHER_KEY in run.findings.columns:
        pairs = run.findings[[FINDING_KEY, OTHER_KEY]]
        other = dict(zip(pairs[FINDING_KEY], pairs[OTHER_KEY], strict=True))
        other = {k: v for k, v in other.items() if v}
    findings = typed.findings.drop(columns=[OTHER_KEY], errors="ignore")
    before = typed.before
    window = Window(findings=findings, since=changes_since(findings, before),
                    counts=count_changes(run.analysis.budget_units, last, season),
                    ready=readiness(findings, run.not_run, season), previous=previous,
                    records=records, calls=call_sheet(run, previous),
                    seq=hist.next_seq, lines=tuple(lines), own_columns=typed.own_columns,
                    own_sheets=typed.own_sheets, other_keys=other, own_fixed=typed.own_fixed)
    return FinishedRun(run, window, out)


def call_sheet(run: DistrictRun, previous: Previous | None = None) -> pd.DataFrame:
    """The run's call list keyed (``callKey``) with the previous Call list's notes carried.

    Without ``previous``, ``reviewed`` and ``note`` are blank.
    """
    p = run.params
    calls = run.analysis.call_list
    calls = calls.assign(**{CALL_KEY: call_keys(calls, p.collection_season, p.school_year)})
    calls = carry_call_notes(calls, (previous or Previous(Path())).calls)
    if run.masked:  # a note typed on the call list is free text: no real name or ID shown
        calls = calls.assign(**{NOTE: scrub_typed(run, calls[NOTE])})
    return calls

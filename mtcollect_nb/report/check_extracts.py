"""``mtcollect check-extracts DIR|PARAMS.yaml``: read a folder and say what a run would make of it.

Reads every file as the run does (no notebook, no rules run) and reports the files found and
missing, how each header was read (exact / normalised / alias / negated / district / extra),
rows read, used and rejected per file with the first rejected lines of each and why, loader
notes, and the rules that will not run and why.
Given a parameters file, the folder is its ``extracts_dir`` and the run's parameters apply:
the district's ``columns:``/``values:`` maps, the right district and year, and every reason a
rule does not run (season, law, parameter, file). When a required column is missing, the
``columns:`` lines to paste into the parameters file are printed, each with the closest header
of the file (:mod:`mtcollect_nb.load.suggest`).

Example:
    >>> import tempfile, pathlib
    >>> from mtcollect_nb.load.loader import write_bundle
    >>> from mtcollect_nb.testing import make_bundle
    >>> d = pathlib.Path(tempfile.mkdtemp()); write_bundle(make_bundle(), d)
    >>> result = check_extracts(d)
    >>> result.error is None, result.bundle.accounting["file"].tolist()[0]
    (True, 'schools.csv')
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.checks.registry import not_run_reason
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.errors import ExtractError, MtcollectError
from mtcollect_nb.load import contract
from mtcollect_nb.load.bundle import Bundle
from mtcollect_nb.load.headers import printable
from mtcollect_nb.load.loader import load_bundle
from mtcollect_nb.load.suggest import suggest_columns
from mtcollect_nb.params import Params, load_params
from mtcollect_nb.privacy.scrub import scrubbed_errors


@dataclass
class ExtractCheck:
    """What ``check-extracts`` found.

    Attributes:
        folder: the folder read.
        bundle: the loaded bundle, or None when the run could not go on.
        error: the one-line reason the run cannot go on, or None.
        not_run: (ruleId, reason) of the rules that will not run.
        seconds: how long the check took.
        params: the parameters applied (None: a folder given alone).
        suggestions: per file lacking a required column, (closest header, column) pairs.
    """

    folder: Path
    bundle: Bundle | None
    error: str | None
    not_run: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    params: Params | None = None
    suggestions: dict[str, list[tuple[str | None, str]]] = field(default_factory=dict)


def rules_not_run(bundle: Bundle, params: Params | None = None) -> list[tuple[str, str]]:
    """(ruleId, reason) of every rule that will not run, as the engine decides.

    Without parameters only the files decide: a missing optional file, or a column the rules
    need that the file lacks.
    """
    if params is not None:
        analysis = Analysis(bundle, params)
        reasons = ((r.id, not_run_reason(r, analysis)) for r in all_rules().values())
        return [(rule, why) for rule, why in reasons if why is not None]
    out = []
    for r in all_rules().values():
        missing = [t for t in r.tables if not bundle.has(t)]
        lacking = [f"{bundle.files.get(t, t + '.csv')} has no {', '.join(bundle.lacking[t])} "
                   "column" for t in r.tables if t in bundle.lacking]
        if missing:
            out.append((r.id, "optional file not provided: "
                        + ", ".join(f"{t}.csv" for t in missing)))
        elif lacking:
            out.append((r.id, "did not run: " + "; ".join(lacking)))
    return out


def check_extracts(target: Path) -> ExtractCheck:
    """Load a folder (or a parameters file's ``extracts_dir``) as a run would.

    An ExtractError or ParameterError of the folder becomes :attr:`ExtractCheck.error`;
    a parameters file that cannot be read raises its ParameterError.
    """
    start = time.perf_counter()
    target = Path(target)
    params = load_params(target) if target.is_file() else None
    folder = Path(params.extracts_dir) if params is not None else target
    try:
        with scrubbed_errors(params is not None and params.mask_pii):  # as a masked run does
            bundle = load_bundle(folder, params)
    except MtcollectError as err:
        hints = suggest_columns(folder, params) if isinstance(err, ExtractError) and (
            folder.is_dir()) else {}
        return ExtractCheck(folder, None, str(err), [], time.perf_counter() - start, params,
                            hints)
    return ExtractCheck(folder, bundle, None, rules_not_run(bundle, params),
                        time.perf_counter() - start, params)


def columns_lines(suggestions: dict[str, list[tuple[str | None, str]]]) -> list[str]:
    """The ``columns:`` lines to paste into the parameters file (YAML), one per file.

    Example:
        >>> for line in columns_lines({"schools": [("sch_no", "schoolNumber"), (None, "name")]}):
        ...     print(line)
        columns:
          schools: {sch_no: schoolNumber}
          # schools.csv: no unread header is left for name; add the column to the export
    """
    if not suggestions:
        return []
    out = ["columns:"]
    for table, pairs in suggestions.items():
        found = {h: c for h, c in pairs if h is not None}
        if found:
            text = yaml.safe_dump({table: found}, default_flow_style=None, sort_keys=False,
                                  allow_unicode=True, width=10_000).strip()
            out.append("  " + text)
        out += [f"  # {table}.csv: no unread header is left for {c}; add the column to the "
                "export" for h, c in pairs if h is None]
    return out


#: Rejected lines shown per file (the run's *Rejected rows* sheet has them all).
SHOWN_REJECTED = 5


def rejected_lines(bundle: Bundle, file: str, masked: bool = False) -> list[str]:
    """The first :data:`SHOWN_REJECTED` rejected lines of ``file``: line, column, reason.

    The value read is shown (escaped, cut at 40 characters) unless the run masks PII.

    Example:
        >>> import pandas as pd
        >>> from mtcollect_nb.testing import make_bundle
        >>> b = make_bundle()
        >>> b.rejected = pd.DataFrame({"file": ["students.csv"] * 7, "line": range(2, 9),
        ...     "column": "birthdate", "value": "13/45/2010", "reason": "not a date"})
        >>> rejected_lines(b, "students.csv")[0], rejected_lines(b, "students.csv")[-1]
        ("    line 2, birthdate '13/45/2010': not a date", '    ... and 2 more rejected lines')
    """
    rej = bundle.rejected
    if rej is None or not len(rej):
        return []
    mine = rej.loc[rej["file"] == file]
    out = []
    for line, column, value, reason in zip(
            mine["line"].head(SHOWN_REJECTED), mine["column"].head(SHOWN_REJECTED),
            mine["value"].head(SHOWN_REJECTED), mine["reason"].head(SHOWN_REJECTED),
            strict=True):
        where = f"line {line}" if str(line) not in ("", "nan", "<NA>") else "a line"
        col = f", {printable(str(column), 40)}" if str(column) not in ("", "nan") else ""
        shown = "" if masked or str(value) in ("", "nan", "<NA>") else (
            f" {printable(str(value), 40)!r}")
        out.append(f"    {where}{col}{shown}: {printable(str(reason), 200)}")
    if len(mine) > SHOWN_REJECTED:
        out.append(f"    ... and {len(mine) - SHOWN_REJECTED:,} more rejected lines")
    return out


#: How a header was read -> the line's label (exact ones are only counted).
_HOW = {"district": "read by the parameters' columns: map", "alias": "read by alias name",
        "normalised": "read by normalised name",
        "negated": "read as the opposite (IC's Non-Instructional checkbox)",
        "extra": "kept as extra columns"}


def format_check(check: ExtractCheck) -> list[str]:
    """The report's lines (text only; every value from a file is escaped for the terminal)."""
    out = [f"extracts folder: {printable(str(check.folder), 200)}"]
    if check.params is not None:
        p = check.params
        out.append(f"parameters: district {p.district_number}, school year {p.school_year} "
                   f"(endYear), {p.collection_season} count date {p.count_date.isoformat()}")
    if check.bundle is None:
        out.append(f"cannot run: {printable(check.error or '', 400)}")
        lines = columns_lines(check.suggestions)
        if lines:
            out.append("a required column was not found; if the file has it under another "
                       "name, add to the parameters file (each header below is the closest "
                       "in its file: check it):")
            out += [printable(line, 400) for line in lines]
        return out
    b = check.bundle
    missing = [f"{t}.csv" for t in contract.LOAD_ORDER if not b.has(t)]
    out.append(f"files found: {len(b.files)}; optional files not found: "
               f"{', '.join(missing) or 'none'}")
    acc = b.accounting.set_index("file")
    for file in acc.index:
        row = acc.loc[file]
        out.append(f"  {file}: read {int(row['read'])}, used {int(row['used'])}, "
                   f"rejected {int(row['rejected'])}")
        heads = b.headers.loc[b.headers["file"] == file]
        for how, label in _HOW.items():
            part = heads.loc[heads["how"] == how]
            if len(part):
                shown = ", ".join(printable(h, 40) + ("" if how == "extra" else f" -> {c}")
                                  for h, c in zip(part["header"], part["column"], strict=True))
                out.append(f"    {label}: {shown}")
        exact = int((heads["how"] == "exact").sum())
        out.append(f"    {exact} header(s) exact")
        out += rejected_lines(b, file, check.params is not None and check.params.mask_pii)
    for note in b.notes.itertuples(index=False):
        out.append(f"note: {note.file}: {printable(str(note.note), 300)}")
    out.append(f"rules that will not run: {len(check.not_run)}")
    out += [f"  {rule}: {why}" for rule, why in check.not_run]
    if check.params is None:
        out.append("  (files only: give the parameters file for the reasons of the school "
                   "year's law, the season and parameters such as ESA)")
    out.append(f"ready to run (checked in {check.seconds:.1f} s)")
    return out

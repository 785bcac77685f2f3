"""``mtcollect check-extracts DIR``: read a folder and say what a run would make of it.

Reads every file as the run does (no notebook, no rules run) and reports the files found and
missing, how each header was read (exact / normalised / alias / extra), rows read, used and
rejected per file, loader notes, and the rules that will not run and why.

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

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load import contract
from mtcollect_nb.load.bundle import Bundle
from mtcollect_nb.load.headers import printable
from mtcollect_nb.load.loader import load_bundle


@dataclass
class ExtractCheck:
    """What ``check-extracts`` found.

    Attributes:
        folder: the folder read.
        bundle: the loaded bundle, or None when the run could not go on.
        error: the one-line reason the run cannot go on, or None.
        not_run: (ruleId, reason) of the rules that will not run.
        seconds: how long the check took.
    """

    folder: Path
    bundle: Bundle | None
    error: str | None
    not_run: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0


def rules_not_run(bundle: Bundle) -> list[tuple[str, str]]:
    """(ruleId, reason) of every rule whose optional file is missing (as the engine decides)."""
    out = []
    for r in all_rules().values():
        missing = [t for t in r.tables if not bundle.has(t)]
        if missing:
            out.append((r.id, "optional file not provided: "
                        + ", ".join(f"{t}.csv" for t in missing)))
    return out


def check_extracts(folder: Path) -> ExtractCheck:
    """Load ``folder`` as a run would; an ExtractError becomes :attr:`ExtractCheck.error`."""
    start = time.perf_counter()
    try:
        bundle = load_bundle(Path(folder))
    except ExtractError as err:
        return ExtractCheck(Path(folder), None, str(err), [], time.perf_counter() - start)
    return ExtractCheck(Path(folder), bundle, None, rules_not_run(bundle),
                        time.perf_counter() - start)


def format_check(check: ExtractCheck) -> list[str]:
    """The report's lines (text only; every value from a file is escaped for the terminal)."""
    out = [f"extracts folder: {printable(str(check.folder), 200)}"]
    if check.bundle is None:
        out.append(f"cannot run: {printable(check.error or '', 400)}")
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
        for how in ("alias", "normalised", "extra"):
            part = heads.loc[heads["how"] == how]
            if len(part):
                shown = ", ".join(printable(h, 40) + ("" if how == "extra" else f" -> {c}")
                                  for h, c in zip(part["header"], part["column"], strict=True))
                label = "kept as extra columns" if how == "extra" else f"read by {how} name"
                out.append(f"    {label}: {shown}")
        exact = int((heads["how"] == "exact").sum())
        out.append(f"    {exact} header(s) exact")
    for note in b.notes.itertuples(index=False):
        out.append(f"note: {note.file}: {printable(str(note.note), 300)}")
    out.append(f"rules that will not run: {len(check.not_run)}")
    out += [f"  {rule}: {why}" for rule, why in check.not_run]
    out.append(f"ready to run (checked in {check.seconds:.1f} s)")
    return out

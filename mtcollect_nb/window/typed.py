"""What the district typed, across runs: keys of the other kind, scrubbing, the lines to tell.

Helpers of :func:`mtcollect_nb.window.finished.finish`: :func:`key_translation` maps earlier
keys of the other kind (masked <-> unmasked, one salt) to this run's; :func:`scrubbed` passes
every typed text of a masked run through the run's scrubber; :func:`previous_lines`,
:func:`salt_lines` and :func:`unmasked_files` are the one-line reports of what could not be
carried, or what a masked folder holds that it should not.

Example:
    >>> renamed(pd.DataFrame({"findingKey": ["A", "B"]}), {"A": "Z"})["findingKey"].tolist()
    ['Z', 'B']
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from mtcollect_nb.checks.run import DistrictRun
from mtcollect_nb.columns import FINDING_KEY, NOTE, REVIEWED
from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.outputs import HISTORY_DIR
from mtcollect_nb.privacy.masking import salt_key, scrub_typed
from mtcollect_nb.privacy.scrub import MASKED_WORD
from mtcollect_nb.window.keys import OTHER_KEY
from mtcollect_nb.window.own_files import regular_file
from mtcollect_nb.window.previous import OUR_SHEETS, OwnSheet, Previous


def salt_fingerprint() -> str | None:
    """A short fingerprint of this machine's salt (it cannot give the salt back), or None.

    Two masked runs with different fingerprints have different keys and pseudonyms.
    """
    try:
        key = salt_key()
    except MtcollectError:
        return None
    return hashlib.sha256(f"mtcollect fingerprint:{key}".encode()).hexdigest()[:12]


def key_translation(run: DistrictRun, records: tuple[dict[str, Any], ...]) -> dict[str, str]:
    """Earlier keys of the other kind -> this run's keys (masked <-> unmasked, one salt)."""
    f = run.findings
    rename: dict[str, str] = {}
    if run.masked:  # an unmasked run's record pairs its public keys with masked ones
        for rec in records:
            pairs = rec.get("otherKeys")
            if isinstance(pairs, dict):
                rename.update({str(k): str(v) for k, v in pairs.items()})
    elif OTHER_KEY in f.columns:
        rename.update({o: k for o, k in zip(f[OTHER_KEY], f[FINDING_KEY], strict=True) if o})
    return rename


def renamed(df: pd.DataFrame, rename: dict[str, str]) -> pd.DataFrame:
    """``df`` with its findingKeys renamed where ``rename`` knows them."""
    if not rename or df.empty:
        return df
    keys = df[FINDING_KEY]
    return df.assign(**{FINDING_KEY: keys.map(rename).fillna(keys)})


def previous_lines(previous: Previous) -> list[str]:
    """One line per thing of the previous workbook that could not be read or carried."""
    name = previous.path.name
    copied = previous.path.is_symlink() or regular_file(previous.path) is None
    kept = " (a copy is kept)" if copied else ""
    if previous.problem:
        return [f"{previous.problem}; nothing typed in it carried forward{kept}"]
    return [f"{name}: {line}{kept}" for line in previous.lost]


def salt_lines(run: DistrictRun, last: dict[str, Any] | None, previous: Previous) -> list[str]:
    """One line when the previous run was masked under another salt (keys cannot match)."""
    if not last or last.get("masked") is not True or not last.get("keySalt"):
        return []
    if last.get("keySalt") == salt_fingerprint():
        return []
    return ["the previous run was masked under another salt (another PC or user): its "
            "findings cannot be matched to this run's, so fixed/new compare nothing and its "
            "notes are not carried; set the same salt (MTCOLLECT_SALT_FILE) to carry them"]


@dataclass(frozen=True)
class Typed:
    """What the district typed that a run carries: findings' columns, own columns and sheets."""

    findings: pd.DataFrame
    before: pd.DataFrame
    own_columns: tuple[str, ...]
    own_sheets: tuple[OwnSheet, ...]
    own_fixed: dict[str, dict[str, str]]
    changed: int = 0


def scrubbed(run: DistrictRun, typed: Typed) -> Typed:
    """Everything typed by the district, through the run's scrubber (a masked run).

    Notes, ``reviewed``, the own columns (values and headers) and the own sheets (cells and
    names) of this run, of the fixed findings kept in the record and of *Since last run*.
    """
    changed = 0

    def clean(values: list[str]) -> list[str]:
        nonlocal changed
        out = scrub_typed(run, pd.Series(values, dtype=object)).tolist() if values else []
        changed += sum(a != b for a, b in zip(out, values, strict=True))
        return [str(v) for v in out]

    findings, before = typed.findings.copy(), typed.before.copy()
    for frame, cols in ((findings, (REVIEWED, NOTE, *typed.own_columns)),
                        (before, (REVIEWED, NOTE))):
        for c in cols:
            if c in frame.columns:
                frame[c] = pd.Series(clean(frame[c].fillna("").astype(str).tolist()),
                                     index=frame.index, dtype=object)
    heads = _unique(clean(list(typed.own_columns)), set(findings.columns) - set(
        typed.own_columns))
    rename = dict(zip(typed.own_columns, heads, strict=True))
    findings = findings.rename(columns=rename)
    fixed = {k: dict(zip((rename.get(c, c) for c in v), clean(list(v.values())), strict=True))
             for k, v in typed.own_fixed.items()}
    names = _unique([n.replace(MASKED_WORD, "masked")[:31]
                     for n in clean([s.name for s in typed.own_sheets])], set(OUR_SHEETS))
    sheets = []
    for sheet, name in zip(typed.own_sheets, names, strict=True):
        cells = clean([v for r in sheet.rows for v in r if isinstance(v, str)])
        it = iter(cells)
        rows = tuple(tuple(next(it) if isinstance(v, str) else v for v in r) for r in sheet.rows)
        sheets.append(OwnSheet(name, rows))
    return Typed(findings, before, tuple(heads), tuple(sheets), fixed, changed)


def _unique(names: list[str], taken: set[str]) -> list[str]:
    """``names`` made unique (case-insensitively, among themselves and ``taken``): ``-2``..."""
    seen = {t.casefold() for t in taken}
    out = []
    for name in names:
        new, n = name, 2
        while new.casefold() in seen:
            new, n = f"{name[:28]}-{n}", n + 1
        seen.add(new.casefold())
        out.append(new)
    return out


def unmasked_files(out: Path, records: tuple[dict[str, Any], ...], previous: Previous
                    ) -> list[str]:
    """One line naming what in a masked run's folder may hold real names or IDs."""
    what = []
    plain = [r for r in records if r.get("masked") is not True]
    if plain:
        what.append(f"{len(plain)} record(s) of unmasked runs in {out / HISTORY_DIR}")
    copies = sorted(p.name for p in out.glob(f"{previous.path.stem}.previous-*"))
    if copies or previous.keep:
        what.append(f"{len(copies) + previous.keep} kept cop(ies) of earlier workbooks "
                    f"({previous.path.stem}.previous-*{previous.path.suffix}) that may hold "
                    "unmasked notes")
    if not what:
        return []
    return ["this masked run's output folder also holds " + " and ".join(what)
            + ": move them out before sharing the folder"]

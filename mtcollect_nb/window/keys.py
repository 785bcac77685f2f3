"""``findingKey``: the same problem on the same record gets the same key on every run.

A key is the rule id and a keyed hash (:func:`mtcollect_nb.privacy.masking.salt_key`) of the
finding's identifying fields, never of a row number or a message text:

- ``schoolNumber``, the student (``personID``, IC's permanent ID, else ``stateID``),
  ``enrollmentID``, ``courseNumber``, ``sectionID``, ``staffStateID`` and ``field``;
- a data-quality finding (a rejected row) has no record but its file, column and value:
  its ``field`` names file, line and column, and the line is dropped (an added row shifts
  every line below it), its ``value`` is part of the key;
- the season (:attr:`mtcollect_nb.season.Season.key_part`): a fall run's finding never has
  the key of the same problem found in the spring, so it never carries a spring note; a
  spring run's keys are those they always were;
- only when two other findings still share all of that (one rule, one record, one field), their
  ``value`` tells them apart, then their order. Such a pair's keys change when one of them goes
  away (a rule reports a record and field once, so this is rare).

The IDs are hashed in their masked form (the pseudonyms of :mod:`mtcollect_nb.privacy.masking`),
so a masked and an unmasked run of the same data give the same keys whether the key is taken
before or after masking, and a key cannot be turned back into a state ID without the salt.
Keep ``MTCOLLECT_MASK_SALT`` unchanged over the collection window: another salt, other keys.

Example:
    >>> f = pd.DataFrame({"ruleId": ["DQ-03"], "field": ["days.csv line 9: date"],
    ...                   "value": ["2025-02-30"]})
    >>> identity(f).str.split(_SEP).tolist()
    [['DQ-03', '', '', '', '', '', '', 'days.csv: date']]
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd

from mtcollect_nb.checks.run import DistrictRun
from mtcollect_nb.columns import CALL_KEY, DATA_QUALITY, FINDING_KEY, PERSON_ID
from mtcollect_nb.privacy.masking import Scrubber, mask_frame, salt_key

#: The identifying fields, in key order (the student is personID, else stateID).
IDENTITY_COLUMNS: tuple[str, ...] = (
    "ruleId", "schoolNumber", "student", "enrollmentID", "courseNumber", "sectionID",
    "staffStateID", "field",
)
_SEP = "\x1f"
_LINE = r" line \d+:"
_HEX = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)


def identity(findings: pd.DataFrame) -> pd.Series:
    """The identifying text of each finding (IDs as given: masked or not, see the module)."""
    f = findings
    n = len(f)

    def col(name: str) -> pd.Series:
        if name not in f.columns:
            return pd.Series([""] * n, index=f.index, dtype=object)
        return f[name].fillna("").astype(str)

    person = (f[PERSON_ID].astype("string").fillna("") if PERSON_ID in f.columns
              else col("stateID"))
    student = person.where(person != "", col("stateID")).astype(object)
    parts = {c: col(c) for c in IDENTITY_COLUMNS if c != "student"}
    parts["student"] = student
    parts["field"] = parts["field"].str.replace(_LINE, ":", regex=True)
    text = parts["ruleId"]
    for c in IDENTITY_COLUMNS[1:]:
        text = text + _SEP + parts[c]
    return text


def _hex16(h: np.ndarray) -> np.ndarray:
    """Each uint64 as 16 upper-case hex digits (vectorized)."""
    b = h.astype(">u8").view(np.uint8).reshape(-1, 8)
    chars = np.stack([_HEX[b >> 4], _HEX[b & 15]], axis=2).reshape(-1, 16)
    return np.ascontiguousarray(chars).view("S16").ravel().astype(str)


def finding_keys(run: DistrictRun) -> pd.Series:
    """The ``findingKey`` of every finding of ``run`` (``RULE:16 hex digits``), index aligned.

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> finding_keys(run_from_analysis(tiny_analysis())).tolist()
        []
    """
    f = run.findings
    if f.empty:
        return pd.Series([], index=f.index, dtype=object, name=FINDING_KEY)
    masked = run.masked
    ids = [c for c in ("stateID", "staffStateID", PERSON_ID) if c in f.columns]
    view = f if masked else f.assign(**mask_frame(f[ids]))
    text = identity(view)
    if run.params.season.key_part:  # a fall finding: never a spring finding's key
        text = run.params.season.key_part + _SEP + text
    dup = (text.duplicated(keep=False) | (f["collection"] == DATA_QUALITY)).to_numpy()
    if dup.any():  # the (masked) value tells them apart
        part = f.loc[dup, ["field", "value"]]
        values = (part["value"] if masked
                  else mask_frame(part, Scrubber.from_bundle(run.analysis.bundle))["value"])
        text = text.copy()
        text[dup] = text[dup] + _SEP + values.fillna("").astype(str)
        again = text.duplicated(keep=False)
        if again.any():
            order = text[again].groupby(text[again]).cumcount().astype(str)
            text[again] = text[again] + _SEP + order
    h = pd.util.hash_array(text.to_numpy(dtype=object), hash_key=salt_key(), categorize=True)
    keys = f["ruleId"].astype(str).to_numpy(dtype=object) + ":" + _hex16(h).astype(object)
    return pd.Series(keys, index=f.index, dtype=object, name=FINDING_KEY)


def with_keys(run: DistrictRun) -> DistrictRun:
    """``run`` with a ``findingKey`` column in its findings (unchanged if it has one)."""
    if FINDING_KEY in run.findings.columns:
        return run
    findings = run.findings.assign(**{FINDING_KEY: finding_keys(run)})
    return dataclasses.replace(run, results=dataclasses.replace(run.results, findings=findings))


def call_keys(call_list: pd.DataFrame, season: str, school_year: int) -> pd.Series:
    """The ``callKey`` of each call-list row: ``CALL:`` + a keyed hash of its enrollment.

    The hash is of enrollmentID, season and school year (the student's enrollment in this
    count, whatever its streak today).

    Hashed as :func:`finding_keys` hashes (the installation's salt), so the same enrollment
    gets the same key on every run, masked or not (enrollmentID is not masked), and the
    notes the district typed on the Call list follow it (:func:`mtcollect_nb.window.carry.
    carry_call_notes`).

    Example:
        >>> c = pd.DataFrame({"enrollmentID": ["10", "11", "10"]})
        >>> k = call_keys(c, "spring", 2025)
        >>> k[0] == k[2] != k[1], k[0].startswith("CALL:"), len(k[0])
        (True, True, 21)
        >>> call_keys(c, "fall", 2025)[0] != k[0] != call_keys(c, "spring", 2026)[0]
        True
    """
    if call_list.empty:
        return pd.Series([], index=call_list.index, dtype=object, name=CALL_KEY)
    ids = call_list["enrollmentID"].astype("string").fillna("").astype(object)
    text = ids + f"{_SEP}{season}{_SEP}{int(school_year)}"
    h = pd.util.hash_array(text.to_numpy(dtype=object), hash_key=salt_key(), categorize=True)
    keys = "CALL:" + _hex16(h).astype(object)
    return pd.Series(keys, index=call_list.index, dtype=object, name=CALL_KEY)

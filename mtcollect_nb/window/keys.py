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

Two kinds of key (issue 20 item 3: notes survive another PC):

- an **unmasked** run's keys hash the real IDs with a fixed, public key (:data:`PUBLIC_KEY`):
  they do not depend on the machine's salt, so the same district rerun by a colleague, on a
  re-imaged PC or as another Windows user keeps its notes. Its workbook shows the real IDs
  anyway, so the key hides nothing more;
- a **masked** run's keys hash the pseudonyms (:mod:`mtcollect_nb.privacy.masking`) with the
  salt, so a key cannot be turned back into a state ID without the salt (a public key over
  real IDs could be reversed by hashing the 10^9 possible state IDs), and a masked run keyed
  before or after masking gets the same keys. Under another salt they differ: the window says
  so in one line (:mod:`mtcollect_nb.window.finished`).

An unmasked run also holds, in the internal column :data:`OTHER_KEY`, each finding's masked
(salted) key, and its history record keeps the pairs: so a masked run after an unmasked one
(or the reverse) in one folder, under one salt, still carries its notes. A masked run never
holds a public key (it would be a reversible hash of a real ID).

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
from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.privacy.masking import Scrubber, mask_frame, salt_key

#: The identifying fields, in key order (the student is personID, else stateID).
IDENTITY_COLUMNS: tuple[str, ...] = (
    "ruleId", "schoolNumber", "student", "enrollmentID", "courseNumber", "sectionID",
    "staffStateID", "field",
)
#: The SipHash key of an unmasked run's keys: public on purpose (keys of real IDs that the
#: workbook shows anyway), the same on every machine.
PUBLIC_KEY = "mtcollect-nb-key"
#: Internal column: each finding's key of the other kind (masked <-> unmasked), or blank.
OTHER_KEY = "_otherFindingKey"
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


def finding_keys(run: DistrictRun, public: bool | None = None) -> pd.Series:
    """The ``findingKey`` of every finding of ``run`` (``RULE:16 hex digits``), index aligned.

    ``public``: hash the real IDs with :data:`PUBLIC_KEY` (an unmasked run) rather than the
    pseudonyms with the salt; None: public unless the run is masked or its parameters ask
    for masking.

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> finding_keys(run_from_analysis(tiny_analysis())).tolist()
        []
    """
    if public is None:
        public = not (run.masked or run.params.mask_pii)
    return _keys(run, public)


def _keys(run: DistrictRun, public: bool) -> pd.Series:
    f = run.findings
    if f.empty:
        return pd.Series([], index=f.index, dtype=object, name=FINDING_KEY)
    if public and run.masked:
        raise ValueError("a masked run has no real IDs to take public keys from")
    masked = run.masked
    ids = [c for c in ("stateID", "staffStateID", PERSON_ID) if c in f.columns]
    view = f if (masked or public) else f.assign(**mask_frame(f[ids]))
    text = identity(view)
    if run.params.season.key_part:  # a fall finding: never a spring finding's key
        text = run.params.season.key_part + _SEP + text
    dup = (text.duplicated(keep=False) | (f["collection"] == DATA_QUALITY)).to_numpy()
    if dup.any():  # the value (masked, unless public) tells them apart
        part = f.loc[dup, ["field", "value"]]
        if masked or public:
            values = part["value"]
        else:  # the names and IDs of these values only, not of every student
            scrub = Scrubber.from_bundle(run.analysis.bundle, lazy=True)
            values = mask_frame(part, scrub)["value"]
        text = text.copy()
        text[dup] = text[dup] + _SEP + values.fillna("").astype(str)
        again = text.duplicated(keep=False)
        if again.any():
            order = text[again].groupby(text[again]).cumcount().astype(str)
            text[again] = text[again] + _SEP + order
    key = PUBLIC_KEY if public else salt_key()
    h = pd.util.hash_array(text.to_numpy(dtype=object), hash_key=key, categorize=True)
    keys = f["ruleId"].astype(str).to_numpy(dtype=object) + ":" + _hex16(h).astype(object)
    return pd.Series(keys, index=f.index, dtype=object, name=FINDING_KEY)


def with_keys(run: DistrictRun, public: bool | None = None) -> DistrictRun:
    """``run`` with a ``findingKey`` column in its findings (unchanged if it has one).

    ``public`` as :func:`finding_keys`. A public-keyed run also gets its masked keys in
    :data:`OTHER_KEY` (blank when this machine has no usable salt).
    """
    if FINDING_KEY in run.findings.columns:
        return run
    if public is None:
        public = not (run.masked or run.params.mask_pii)
    keys = finding_keys(run, public)
    added = {FINDING_KEY: keys}
    if public:
        try:
            added = {OTHER_KEY: _keys(run, public=False), **added}
        except MtcollectError:  # no salt on this machine: an unmasked run does not need one
            pass
    findings = run.findings.assign(**added)
    return dataclasses.replace(run, results=dataclasses.replace(run.results, findings=findings))


def call_keys(call_list: pd.DataFrame, season: str, school_year: int) -> pd.Series:
    """The ``callKey`` of each call-list row: ``CALL:`` + a keyed hash of its enrollment.

    The hash is of enrollmentID, season and school year (the student's enrollment in this
    count, whatever its streak today).

    Hashed with the public :data:`PUBLIC_KEY` (enrollmentID is shown unmasked on the Call list
    anyway, so a salt would hide nothing), so the same enrollment gets the same key on every
    run and every machine, masked or not, and the notes the district typed on the Call list
    follow it (:func:`mtcollect_nb.window.carry.carry_call_notes`).

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
    h = pd.util.hash_array(text.to_numpy(dtype=object), hash_key=PUBLIC_KEY, categorize=True)
    keys = "CALL:" + _hex16(h).astype(object)
    return pd.Series(keys, index=call_list.index, dtype=object, name=CALL_KEY)

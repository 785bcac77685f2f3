"""PII masking: names blanked, student and staff IDs replaced by stable pseudonyms.

Used when ``params.mask_pii`` is true and by ``mtcollect demo`` (webinars, sharing a workbook
outside the district). A pseudonym is a keyed hash (SipHash through
:func:`pandas.util.hash_array`) of the real ID with a fixed project salt, so the same student
gets the same pseudonym in every sheet, every run and every district file:

=================  ====================================================================
column             masked as
=================  ====================================================================
``stateID``        ``S-`` + 12 hex digits
``studentNumber``  ``L-`` + 12 hex digits
``staffStateID``   ``T-`` + 12 hex digits (``teacherOfRecord`` too, same key)
``personID``       a 52-bit whole number (stays an integer, so every join still works;
                   ``staffPersonID`` is a personID too)
names              blank (``lastName``, ``firstName``, ``studentName``, ``staffName``,
                   and the free-text ``comments``)
=================  ====================================================================

Findings and rejected rows also carry IDs in ``value``: it is masked by the kind of its
``field``/``column`` (a personID there becomes the pseudonymous number as text), and free
text (``message``, ``value``, ``expected``, ``reason``) is scrubbed of any word that is a real
name or ID of the district (digit-only IDs from 5 digits; a name word from 2 letters, so a
student called "Day" also masks the word "Day" in a message).
Set ``MTCOLLECT_MASK_SALT`` to use a private salt instead of the project's.

Example:
    >>> df = pd.DataFrame({"stateID": ["900000001", ""], "studentName": ["Doe, Jo", "X, Y"]})
    >>> out = mask_frame(df)
    >>> out["stateID"].tolist()[1], out["studentName"].tolist()
    ('', ['', ''])
    >>> out["stateID"][0] == mask_frame(df)["stateID"][0] != "900000001"
    True
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
from collections.abc import Iterable
from functools import cached_property

import numpy as np
import pandas as pd

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.checks.run import DistrictRun
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.load.bundle import Bundle

PROJECT_SALT = "mtcollect-nb/pii-pseudonyms/v1"
SALT_ENV = "MTCOLLECT_MASK_SALT"
#: text ID column -> (pseudonym prefix, hashing namespace)
TEXT_ID_COLUMNS: dict[str, tuple[str, str]] = {
    "stateID": ("S-", "stateID"),
    "studentNumber": ("L-", "studentNumber"),
    "staffStateID": ("T-", "staffStateID"),
    "teacherOfRecord": ("T-", "staffStateID"),
}
INT_ID_COLUMNS: tuple[str, ...] = ("personID", "staffPersonID")
NAME_COLUMNS: tuple[str, ...] = ("lastName", "firstName", "studentName", "staffName", "comments")
#: columns of findings / rejected rows that may hold an ID or a name in free text
FREE_TEXT_COLUMNS: tuple[str, ...] = ("message", "value", "expected", "reason")
MASKED_WORD = "[masked]"
HEX_DIGITS = 12
_MASKED_FLAG = "_pii_masked"
_TOKEN = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?")


def salt_key() -> str:
    """The 16-character hash key: from ``MTCOLLECT_MASK_SALT`` if set, else the project salt."""
    salt = os.environ.get(SALT_ENV) or PROJECT_SALT
    return hashlib.sha256(salt.encode("utf-8")).hexdigest()[:16]


def _digest(values: pd.Series, namespace: str) -> np.ndarray:
    """uint64 keyed hashes of ``namespace:value`` (vectorized); raises on a collision."""
    text = (namespace + ":" + values.astype(str)).to_numpy(dtype=object)
    h = pd.util.hash_array(text, hash_key=salt_key(), categorize=True)
    if len(text) and len(pd.unique(h)) != len(pd.unique(text)):
        raise MtcollectError(f"masking: two {namespace} values share a pseudonym; "
                             f"set {SALT_ENV} to another salt and run again")
    return h


def _hex(h: np.ndarray, n: int = HEX_DIGITS) -> np.ndarray:
    """The top ``n`` hex digits of each uint64, upper case (vectorized)."""
    shifts = (np.arange(n - 1, -1, -1, dtype=np.uint64) * np.uint64(4)
              + np.uint64(64 - 4 * n))
    nibbles = ((h.astype(np.uint64)[:, None] >> shifts) & np.uint64(0xF)).astype(np.uint8)
    chars = np.frombuffer(b"0123456789ABCDEF", dtype=np.uint8)[nibbles]
    return np.ascontiguousarray(chars).view(f"S{n}").ravel().astype(str)


def pseudonyms(values: pd.Series, column: str) -> pd.Series:
    """Stable pseudonyms of the text IDs in ``values`` (blank stays blank).

    Example:
        >>> p = pseudonyms(pd.Series(["900000001", ""]), "stateID")
        >>> p[0][:2], len(p[0]), p[1]
        ('S-', 14, '')
    """
    prefix, namespace = TEXT_ID_COLUMNS[column]
    text = values.fillna("").astype(str).str.strip()
    out = pd.Series("", index=values.index, dtype=object)
    real = text != ""
    if real.any():
        hexes = _hex(_digest(text[real], namespace))
        out[real] = prefix + pd.Series(hexes, index=text[real].index)
    return out


def pseudo_person_ids(values: pd.Series) -> pd.Series:
    """Stable pseudonymous personIDs (52-bit integers; dtype kept, missing stays missing).

    Example:
        >>> a = pseudo_person_ids(pd.Series([7, 8]))
        >>> a.dtype, bool((a == pseudo_person_ids(pd.Series([7, 8]))).all()), bool(a[0] != 7)
        (dtype('int64'), True, True)
    """
    num = pd.to_numeric(values, errors="coerce")
    valid = num.notna()
    keys = num[valid].astype("int64").astype(str)
    hashed = pd.Series((_digest(keys, "personID") >> np.uint64(12)).astype("int64"),
                       index=keys.index)
    if pd.api.types.is_integer_dtype(values.dtype) and values.dtype == "int64":
        return hashed.reindex(values.index)
    out = pd.Series(pd.NA, index=values.index, dtype="Int64")
    out[valid] = hashed
    return out.astype("float64") if pd.api.types.is_float_dtype(values.dtype) else out


def _mask_by_kind(values: pd.Series, kinds: pd.Series) -> pd.Series:
    """Mask text ``values`` whose ``kinds`` (field / column name) is an ID or name column."""
    out = values.copy()
    for col in TEXT_ID_COLUMNS:
        hit = kinds == col
        if hit.any():
            out[hit] = pseudonyms(values[hit], col)
    hit = kinds.isin(INT_ID_COLUMNS)
    if hit.any():
        ids = pseudo_person_ids(values[hit])
        out[hit] = ids.astype("string").fillna(MASKED_WORD).astype(object)
    out[kinds.isin(NAME_COLUMNS)] = ""
    return out


def mask_frame(df: pd.DataFrame, scrub: Scrubber | None = None) -> pd.DataFrame:
    """A copy of ``df`` with every name/ID column masked (see the module table).

    Frames with ``field``/``column`` and ``value`` (findings, rejected rows) get ``value``
    masked by the kind of that field; ``scrub`` also cleans their free-text columns.
    """
    out = df.copy()
    for col in out.columns.intersection(list(TEXT_ID_COLUMNS)):
        out[col] = pseudonyms(out[col], col)
    for col in out.columns.intersection(list(INT_ID_COLUMNS)):
        out[col] = pseudo_person_ids(out[col])
    for col in out.columns.intersection(list(NAME_COLUMNS)):
        out[col] = ""
    kind_col = "field" if "field" in out.columns else "column" if "column" in out.columns else None
    if kind_col is not None:
        kinds = out[kind_col].fillna("").astype(str)
        if "value" in out.columns:
            out["value"] = _mask_by_kind(out["value"].fillna("").astype(str), kinds)
    if scrub is not None:
        for col in out.columns.intersection(list(FREE_TEXT_COLUMNS)):
            out[col] = scrub(out[col])
    return out


class Scrubber:
    """Replaces any word of a text column that is a real name or ID of the district."""

    def __init__(self, replacements: dict[str, str]) -> None:
        self.replacements = replacements

    @classmethod
    def from_bundle(cls, bundle: Bundle) -> Scrubber:
        """The names and IDs of the bundle's students, staff, fall count and ESA lists."""
        repl: dict[str, str] = {}
        name_words: list[str] = []
        for name in ("staff", "students"):  # students last: their IDs win a tie
            t = bundle.table(name)
            for col in t.columns.intersection(["lastName", "firstName"]):
                name_words.extend(_words(t[col]))
        vocab = catalog_words()
        repl.update(dict.fromkeys(
            (w for w in name_words if len(w) >= 2 and w.lower() not in vocab), MASKED_WORD))
        for name in ("staff", "esa_participants", "fall_count", "students"):
            t = bundle.table(name)
            for col in t.columns.intersection(["personID"]):
                ids = t[col].drop_duplicates()
                repl.update(zip(ids.astype(str), pseudo_person_ids(ids).astype(str), strict=True))
            for col in t.columns.intersection(list(TEXT_ID_COLUMNS)):
                ids = t[col].fillna("").astype(str).str.strip().drop_duplicates()
                repl.update(zip(ids, pseudonyms(ids, col), strict=True))
        return cls({k: v for k, v in repl.items() if _scrubbable(k)})

    def __call__(self, text: pd.Series) -> pd.Series:
        """``text`` with every real name/ID word replaced."""
        if not self.replacements or text.empty:
            return text
        get = self.replacements.get
        s = text.fillna("").astype(str)
        return s.str.replace(_TOKEN, lambda m: get(m.group(0), m.group(0)), regex=True)


def catalog_words() -> frozenset[str]:
    """Lower-case words of every rule's title and remedy: our template words, never PII.

    A student called "In" or "Day" must not turn "Opt In" into "Opt [masked]": messages are
    built from these words, and no rule writes a student's name into a message.

    Example:
        >>> "opt" in catalog_words() and "in" in catalog_words()
        True
    """
    text = " ".join(f"{r.title} {r.remedy}" for r in all_rules().values())
    return frozenset(w.lower() for w in _TOKEN.findall(text))


def _words(s: pd.Series) -> Iterable[str]:
    """Distinct name words: whole names and their space/hyphen parts."""
    whole = s.fillna("").astype(str).str.strip()
    parts = whole.str.split(r"[\s,-]+", regex=True).explode()
    return pd.unique(pd.concat([whole, parts.fillna("")], ignore_index=True))


def _scrubbable(token: str) -> bool:
    """A word worth scrubbing: one whole token, not a short number (5+ digits for IDs)."""
    return bool(token) and _TOKEN.fullmatch(token) is not None and (
        not token.isdigit() or len(token) >= 5)


def mask_bundle(bundle: Bundle, scrub: Scrubber | None = None) -> Bundle:
    """A copy of ``bundle`` with every table and the rejected rows masked.

    Masking the input keeps every join (same ID -> same pseudonym), so an analysis of the
    masked bundle gives the same counts and findings as the real one, without PII.
    """
    scrub = scrub or Scrubber.from_bundle(bundle)
    tables = {name: mask_frame(df) for name, df in bundle.tables.items()}
    return dataclasses.replace(bundle, tables=tables,
                               rejected=mask_frame(bundle.rejected, scrub))


def is_masked(run: DistrictRun) -> bool:
    """Whether ``run`` came from :func:`mask_run`."""
    return bool(getattr(run.analysis, _MASKED_FLAG, False))


def mask_run(run: DistrictRun) -> DistrictRun:
    """A masked copy of ``run``: masked tables, derived frames and findings (no recomputation).

    Derived frames already computed are masked and carried over; the others are computed from
    the masked bundle when first read, so they match. Already-masked runs come back as is.

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> masked = mask_run(run_from_analysis(tiny_analysis()))
        >>> is_masked(masked), masked.analysis.students["lastName"].tolist()
        (True, ['', ''])
    """
    if is_masked(run):
        return run
    old = run.analysis
    scrub = Scrubber.from_bundle(old.bundle)
    new = Analysis(mask_bundle(old.bundle, scrub), old.params)
    for name, attr in vars(Analysis).items():
        if isinstance(attr, cached_property) and name in old.__dict__:
            value = old.__dict__[name]
            new.__dict__[name] = (mask_frame(value, scrub) if isinstance(value, pd.DataFrame)
                                  else value)
    setattr(new, _MASKED_FLAG, True)
    results = dataclasses.replace(run.results, findings=mask_frame(run.findings, scrub))
    return DistrictRun(analysis=new, results=results, started=run.started, version=run.version)

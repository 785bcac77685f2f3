"""PII masking: names blanked, student and staff IDs replaced by stable pseudonyms.

Used when ``params.mask_pii`` is true and by ``mtcollect demo`` (webinars, sharing a workbook
outside the district). A pseudonym is a keyed hash (SipHash through
:func:`pandas.util.hash_array`) of the real ID, keyed by the installation's secret salt
(:mod:`mtcollect_nb.privacy.salt`; none is in the source), so the same student gets the same
pseudonym in every sheet, every run and every district file made with that salt:

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
student called "Day" also masks the word "Day" in a message). A rejected row's raw line
(a row that did not split into fields) and a DQ finding's value are masked too: by the kind of
their column, or word by word (:func:`mtcollect_nb.privacy.scrub.scrub_raw`) when it is not an
ID or name column (a rejected date may be a shifted state ID).

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
import re
import weakref
from collections.abc import Callable, Collection, Iterable
from functools import cached_property

import numpy as np
import pandas as pd

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.checks.run import DistrictRun
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.load.bundle import Bundle
from mtcollect_nb.privacy.pseudonyms import (
    INT_ID_COLUMNS,
    TEXT_ID_COLUMNS,
    pseudo_person_ids,
    pseudonyms,
    salt_key,
)
from mtcollect_nb.privacy.salt import SALT_ENV
from mtcollect_nb.privacy.scrub import MASKED_WORD, TOKEN, scrub_message, scrub_raw

__all__ = ["INT_ID_COLUMNS", "SALT_ENV", "TEXT_ID_COLUMNS", "Scrubber", "mask_bundle",
           "mask_frame", "mask_run", "pseudo_person_ids", "pseudonyms", "salt_key", "scrub_typed"]
NAME_COLUMNS: tuple[str, ...] = ("lastName", "firstName", "studentName", "staffName", "comments")
#: columns of findings / rejected rows that may hold an ID or a name in free text
FREE_TEXT_COLUMNS: tuple[str, ...] = ("message", "value", "expected", "reason")
_TOKEN = TOKEN
#: a DQ finding's field, ``FILE line N: COLUMN`` (COLUMN blank for a row that did not split)
_LINE_FIELD = re.compile(r" line \d+: (.*)$")
_KEY_JOIN, _VALUE_JOIN = " + ", ", "
_NAME_SEP = re.compile(r"[\s,-]+")  # between the words of a name
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")  # a DQ-01 key's columns and values (load/loader.py)


def _mask_by_kind(values: pd.Series, kinds: pd.Series) -> pd.Series:
    """Mask text ``values`` whose ``kinds`` (field / column name) is an ID or name column.

    A compound key kind (``personID + date``, DQ-01) masks each of its ``, ``-joined parts.
    """
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
    for kind in pd.unique(kinds[kinds.str.contains(_KEY_JOIN, regex=False)]):
        hit = kinds == kind
        cols = kind.split(_KEY_JOIN)
        parts = values[hit].str.split(_VALUE_JOIN, regex=False, expand=True)
        if parts.shape[1] != len(cols):
            out[hit] = scrub_raw(values[hit])
            continue
        masked = [_mask_by_kind(parts[i].fillna(""), pd.Series(c, index=parts.index))
                  for i, c in enumerate(cols)]
        out[hit] = pd.concat(masked, axis=1).agg(_VALUE_JOIN.join, axis=1)
    return out


def _value_kinds(df: pd.DataFrame) -> tuple[pd.Series, pd.Series] | None:
    """What each ``value`` is (its column) and which values a rejected row holds, or None.

    Findings name it in ``field`` (a DQ finding: ``FILE line N: COLUMN``); rejected rows in
    ``column`` (blank: the raw text of a row that did not split into fields).
    """
    if "value" not in df.columns:
        return None
    if "field" in df.columns:
        field = df["field"].fillna("").astype(str)
        column = field.str.extract(_LINE_FIELD, expand=False)
        return column.fillna(field), column.notna()
    if "column" in df.columns:
        kinds = df["column"].fillna("").astype(str)
        return kinds, pd.Series("file" in df.columns, index=df.index)
    return None


def _by_kind(kinds: pd.Series) -> pd.Series:
    """Which kinds :func:`_mask_by_kind` masks (an ID or name column, or a compound key)."""
    known = [*TEXT_ID_COLUMNS, *INT_ID_COLUMNS, *NAME_COLUMNS]
    return kinds.isin(known) | kinds.str.contains(_KEY_JOIN, regex=False)


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
    found = _value_kinds(out)
    if found is not None:
        kinds, rejected = found
        values = out["value"].fillna("").astype(str)
        out["value"] = _mask_by_kind(values, kinds)
        # a rejected value of any other column (a date, a code) or a raw line may hold
        # anything, e.g. a state ID shifted into birthdate: masked word by word
        loose = rejected & ~_by_kind(kinds)
        if loose.any():
            repl = scrub.replacements_for(values[loose]) if scrub is not None else {}
            out.loc[loose, "value"] = scrub_raw(values[loose], repl)
    if scrub is not None:
        for col in out.columns.intersection(list(FREE_TEXT_COLUMNS)):
            out[col] = scrub(out[col])
    return out


class Scrubber:
    """Replaces any word of a text column that is a real name or ID of the district.

    A scrubber made with ``words`` (:meth:`from_bundle`) knows only the replacements of the
    words it has been asked about: each text it scrubs adds its own words first, so it scrubs
    exactly as the full one would, at the cost of the words seen rather than of every ID.
    """

    def __init__(self, replacements: dict[str, str],
                 more: Callable[[set[str]], dict[str, str]] | None = None) -> None:
        self.replacements = replacements
        self._more = more
        self._seen: set[str] = set()

    @classmethod
    def from_bundle(cls, bundle: Bundle, lazy: bool = False) -> Scrubber:
        """The names and IDs of the bundle's students, staff, fall count and ESA lists.

        ``lazy``: look up only the words of the texts it scrubs (a few findings of a large
        district), not every name and ID of the bundle.
        """
        if not lazy:
            return cls(_replacements(bundle))
        return cls({}, _BundleWords(bundle).replacements)

    def replacements_for(self, text: pd.Series) -> dict[str, str]:
        """The replacements of every word of ``text`` (all of them unless lazy)."""
        if self._more is not None:
            words = {w for t in text.fillna("").astype(str) for w in _TOKEN.findall(t)}
            new = words - self._seen
            if new:
                self._seen |= new
                self.replacements.update(self._more(new))
        return self.replacements

    def __call__(self, text: pd.Series) -> pd.Series:
        """``text`` with every real name/ID word replaced."""
        if text.empty:
            return text
        repl = self.replacements_for(text)
        if not repl:
            return text
        get = repl.get
        s = text.fillna("").astype(str)
        return s.str.replace(_TOKEN, lambda m: get(m.group(0), m.group(0)), regex=True)


def _replacements(bundle: Bundle, words: Collection[str] | None = None) -> dict[str, str]:
    """Real name/ID word -> replacement (:class:`Scrubber`); only ``words`` when given."""
    return _BundleWords(bundle).replacements(words)


class _BundleWords:
    """The names and IDs of a bundle, read once, looked up as often as a lazy scrubber asks."""

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle

    @cached_property
    def names(self) -> list[str]:
        """Name words worth masking (2+ letters, not a word of our own templates), in order."""
        name_words: list[str] = []
        for name in ("staff", "students"):
            t = self.bundle.table(name)
            for col in t.columns.intersection(["lastName", "firstName"]):
                name_words.extend(_words(t[col]))
        vocab = catalog_words()
        return [w for w in name_words if len(w) >= 2 and w.lower() not in vocab]

    @cached_property
    def name_set(self) -> frozenset[str]:
        return frozenset(self.names)

    @cached_property
    def ids(self) -> list[tuple[str, pd.Series, np.ndarray | None]]:
        """(column, IDs as text, which may need a strip) per ID column; students last."""
        out: list[tuple[str, pd.Series, np.ndarray | None]] = []
        for name in ("staff", "esa_participants", "fall_count", "students"):
            t = self.bundle.table(name)
            for col in t.columns.intersection(["personID"]):
                out.append((col, t[col].drop_duplicates(), None))
            for col in t.columns.intersection(list(TEXT_ID_COLUMNS)):
                text = t[col].fillna("").astype(str)
                out.append((col, text, _edge_space(text)))
        return out

    def replacements(self, words: Collection[str] | None = None) -> dict[str, str]:
        """Word -> replacement, of every name and ID (``words``: of those words only)."""
        names = self.names if words is None else [w for w in words if w in self.name_set]
        repl: dict[str, str] = dict.fromkeys(names, MASKED_WORD)
        for col, ids, edge in self.ids:  # students last: their IDs win a tie
            if edge is None:  # personIDs: whole numbers
                text = ids.astype(str)
                if words is not None:
                    hit = text.isin(words)
                    ids, text = ids[hit], text[hit]
                repl.update(zip(text, pseudo_person_ids(ids).astype(str), strict=True))
                continue
            if words is not None:  # strip only what may be one of the words
                ids = ids[ids.isin(words) | edge].str.strip()
                ids = ids[ids.isin(words)]
            ids = ids.str.strip().drop_duplicates()
            repl.update(zip(ids, pseudonyms(ids, col), strict=True))
        return {k: v for k, v in repl.items() if _scrubbable(k)}


def _edge_space(text: pd.Series) -> np.ndarray:
    r"""Whether each text may start or end with whitespace (never False when it does).

    Example:
        >>> _edge_space(pd.Series(["12", " 12", "12\t", "", "1 2"])).tolist()
        [False, True, True, False, False]
    """
    if text.empty:
        return np.zeros(0, dtype=bool)
    chars = np.asarray(text.to_numpy(dtype=object), dtype=str)
    codes = chars.view(np.uint32).reshape(len(chars), -1)
    size = np.char.str_len(chars)
    last = codes[np.arange(len(chars)), np.maximum(size - 1, 0)]
    seen = np.unique(np.concatenate([codes[:, 0], last]))
    space = seen[[chr(c).isspace() for c in seen.tolist()]]
    return (size > 0) & (np.isin(codes[:, 0], space) | np.isin(last, space))


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
    whole = pd.Series(pd.unique(s.fillna("").astype(str)), dtype=object).str.strip()
    # the parts of every name at once: a newline is a separator too, so splitting the joined
    # names gives each name's parts in order (but no empty part: never a word anyway)
    parts = pd.Series(_NAME_SEP.split("\n".join(whole)), dtype=object)
    return pd.unique(pd.concat([whole, parts], ignore_index=True))


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


def mask_run(run: DistrictRun) -> DistrictRun:
    """A masked copy of ``run``: masked tables, derived frames and findings (no recomputation).

    Derived frames already computed are masked and carried over; the others are computed from
    the masked bundle when first read, so they match. Already-masked runs come back as is.
    The copy says so: ``masked`` is True.

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> masked = mask_run(run_from_analysis(tiny_analysis()))
        >>> masked.masked, masked.analysis.students["lastName"].tolist()
        (True, ['', ''])
    """
    if run.masked:
        return run
    old = run.analysis
    scrub = Scrubber.from_bundle(old.bundle)
    new = Analysis(mask_bundle(old.bundle, scrub), old.params)
    for name, attr in vars(Analysis).items():
        if isinstance(attr, cached_property) and name in old.__dict__:
            value = old.__dict__[name]
            new.__dict__[name] = (mask_frame(value, scrub) if isinstance(value, pd.DataFrame)
                                  else value)
    results = dataclasses.replace(run.results, findings=mask_frame(run.findings, scrub))
    _SCRUBBERS[new] = scrub
    return dataclasses.replace(run, analysis=new, results=results, masked=True)


#: The scrubber of the real names and IDs of each masked run (for text typed afterwards).
_SCRUBBERS: weakref.WeakKeyDictionary[Analysis, Scrubber] = weakref.WeakKeyDictionary()


def scrub_typed(run: DistrictRun, text: pd.Series, ids: bool = True) -> pd.Series:
    """Text the district typed (notes, its own columns), as a masked run may show it.

    Unchanged when the run is not masked. In a masked run, every word that is a real name of
    the district's students or staff (whatever its case) becomes ``[masked]``, a real ID its
    pseudonym, and any other word of 5 or more digits (not a date) ``[masked]``: "spoke to
    Maria Pena (012345678) family" becomes "spoke to [masked] [masked] ([masked]) family",
    while "TRUE", "Called Mom on Monday" or "=SUM(A1)" stay as typed. A run masked in another
    process (no names known here) falls back to the scrubber of our own messages. ``ids``
    false: other 5-digit words stay (our own lines, which name files such as
    ``run-20250204-080000.json``).

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> run = mask_run(run_from_analysis(tiny_analysis()))
        >>> scrub_typed(run, pd.Series(["Called about 987650000 on 2025-02-03", ""])).tolist()
        ['Called about [masked] on 2025-02-03', '']
    """
    if not run.masked or text.empty:
        return text
    scrub = _SCRUBBERS.get(run.analysis)
    plain = text.fillna("").astype(str)
    if scrub is None:
        return plain.map(lambda t: scrub_message(t) if t else t).astype(object)
    repl = scrub.replacements
    names = {w.lower() for w, v in repl.items() if v == MASKED_WORD}

    def word(m: re.Match[str]) -> str:
        w = m.group(0)
        if w in repl:
            return repl[w]
        if w.lower() in names or (ids and sum(ch.isdigit() for ch in w) >= 5
                                  and not _DATE.fullmatch(w)):
            return MASKED_WORD
        return w

    return plain.str.replace(_TOKEN, word, regex=True).astype(object)

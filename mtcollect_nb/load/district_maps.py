"""The district's own labels: the parameters' ``columns:`` and ``values:`` maps (spec/extracts.md).

A district whose reports use its own headers (``sch_no``) or codes (``ESA-MT``) maps them in
its parameters file; the maps are that district's, and the alias table
(:mod:`mtcollect_nb.load.aliases`) stays the one place for IC's own names::

    columns:                 # per file: the district's header -> the contract's column
      schools: {sch_no: schoolNumber}
    values:                  # per file and column: the district's code -> the contract's code
      programs: {program: {"ESA-MT": ESA, "YCHAL": MYC}}

Headers are compared as the alias table compares them (case, spaces, punctuation ignored);
codes ignoring case and surrounding spaces. Both maps are applied before the alias table.

Example:
    >>> from mtcollect_nb.testing import params
    >>> p = params(columns={"schools": {"sch_no": "schoolNumber"}})
    >>> header_map(p, "schools")
    {'schno': 'schoolNumber'}
    >>> check_maps(params(columns={"school": {"sch_no": "schoolNumber"}}))
    Traceback (most recent call last):
    ...
    mtcollect_nb.errors.ParameterError: columns: 'school' is not an extract file (did you \
mean 'schools'?)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

import numpy as np
import pyarrow as pa

from mtcollect_nb.errors import ParameterError
from mtcollect_nb.load.contract import TABLES
from mtcollect_nb.load.header_names import normalize
from mtcollect_nb.params import Params


def _hint(name: str, known: Iterable[str]) -> str:
    near = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f" (did you mean {near[0]!r}?)" if near else f" (known: {', '.join(known)})"


def _check_file(key: str, file: str) -> None:
    if file not in TABLES:
        raise ParameterError(f"{key}: {file!r} is not an extract file{_hint(file, TABLES)}")


def _check_column(key: str, file: str, column: str) -> None:
    names = TABLES[file].column_names
    if column not in names:
        raise ParameterError(f"{key}: {file}: {column!r} is not a column of {file}.csv"
                             f"{_hint(column, names)}")


def check_maps(params: Params | None) -> None:
    """ParameterError (one line) when ``columns:`` or ``values:`` names an unknown file/column."""
    if params is None:
        return
    for file, headers in params.columns.items():
        _check_file("columns", file)
        for column in headers.values():
            _check_column("columns", file, column)
    for file, columns in params.values.items():
        _check_file("values", file)
        for column in columns:
            _check_column("values", file, column)


def header_map(params: Params | None, table: str) -> dict[str, str]:
    """The ``columns:`` map of ``table``: normalised district header -> contract column."""
    if params is None:
        return {}
    return {normalize(h): c for h, c in params.columns.get(table, {}).items()}


def headers_not_found(params: Params | None, table: str, header: list[str]) -> list[str]:
    """Loader notes for ``columns:`` entries of ``table`` whose header the file does not have.

    Example:
        >>> from mtcollect_nb.testing import params
        >>> headers_not_found(params(columns={"schools": {"sch_no": "schoolNumber"}}),
        ...                   "schools", ["schoolID", "number"])
        ["the parameters' columns: map names 'sch_no' (schoolNumber), which is not in the header"]
    """
    have = {normalize(h) for h in header}
    return [f"the parameters' columns: map names {h!r} ({c}), which is not in the header"
            for h, c in (params.columns.get(table, {}).items() if params else ())
            if normalize(h) not in have]


def apply_values(params: Params | None, table: str,
                 text: dict[str, pa.Array]) -> tuple[dict[str, pa.Array], list[str]]:
    """``text`` with the ``values:`` map of ``table`` applied, and a loader note per column.

    A cell whose stripped text equals a district code (ignoring case) becomes the contract's
    code; other cells are left as they are.

    Example:
        >>> from mtcollect_nb.testing import params
        >>> p = params(values={"programs": {"program": {"ESA-MT": "ESA"}}})
        >>> out, notes = apply_values(p, "programs", {"program": pa.array([" esa-mt", "MYC"])})
        >>> out["program"].to_pylist(), notes[0][-26:]
        (['ESA', 'MYC'], 'values: (ESA-MT -> ESA: 1)')
    """
    maps = params.values.get(table, {}) if params is not None else {}
    notes = []
    out = dict(text)
    for column, codes in maps.items():
        if column not in out or not codes:
            continue
        wanted = {k.strip().casefold(): (k, v) for k, v in codes.items()}
        enc = out[column].dictionary_encode()
        distinct = enc.dictionary.to_pylist()
        hits = [wanted.get((v or "").strip().casefold()) for v in distinct]
        if not any(hits):
            continue
        new_dict = pa.array([h[1] if h else v for v, h in zip(distinct, hits, strict=True)],
                            pa.string())
        idx = enc.indices.to_numpy(zero_copy_only=False)
        out[column] = new_dict.take(enc.indices)
        counts = np.bincount(idx, minlength=len(distinct))
        done: dict[str, int] = {}
        for i, h in enumerate(hits):
            if h:
                label = f"{h[0]} -> {h[1]}"
                done[label] = done.get(label, 0) + int(counts[i])
        total = sum(done.values())
        shown = ", ".join(f"{k}: {n}" for k, n in done.items())
        notes.append(f"{column}: {total} value(s) mapped by the parameters' values: ({shown})")
    return out, notes

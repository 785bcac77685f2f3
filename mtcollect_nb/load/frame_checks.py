"""The guard of a loaded table: each typed frame checked against its contract (pandera).

The schemas are built from :data:`mtcollect_nb.load.contract.TABLES`. The loader validates
every frame it returns against them. A failure is a bug in the loader (the frame breaks the
dtype contract the rest of the system relies on), never a data problem: data problems are
rejected rows.

How deep the guard looks is set by the ``MTCOLLECT_CONTRACT_DEPTH`` environment variable
(read at each call, see :func:`contract_depth`):

* ``schema`` (default, production runs): every column of the pandera schema is present with
  exactly its dtype. Reads only the frame's metadata, so it costs microseconds per table.
* ``full`` (the test suite): pandera's full validation (``lazy=True``), adding the data-level
  checks: nulls, code values, exact dtypes. It scans every value, so it is kept out of the
  timed production path; the tests run every loader path at this depth.

Example:
    >>> from mtcollect_nb.load import typed
    >>> df = typed.frame_from_records("schools", [{"schoolID": 1, "schoolNumber": "12"}])
    >>> check_frame("schools", df) is df
    True
"""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING

import pandas as pd

from mtcollect_nb.columns import GRADES, LINE, TEACHER_ROLES
from mtcollect_nb.load.contract import TABLES, Column
from mtcollect_nb.load.typed import dtype_of

if TYPE_CHECKING:  # pandera is imported only where a schema is built (~0.2 s at start-up)
    import pandera.pandas as pa


#: Environment variable naming the guard's depth, and its values (first = default).
DEPTH_ENV = "MTCOLLECT_CONTRACT_DEPTH"
DEPTHS: tuple[str, ...] = ("schema", "full")


class ContractError(RuntimeError):
    """A loaded frame breaks its dtype contract: a programming error in the loader."""


@cache
def _code_checks() -> dict[str, pa.Check]:
    import pandera.pandas as pa

    return {
        "grade": pa.Check.isin(["", *GRADES]),
        "role": pa.Check.isin(["", *TEACHER_ROLES]),
        "code4": pa.Check.str_matches(r"^(\d{4})?$"),
    }


def _column(col: Column) -> pa.Column:
    import pandera.pandas as pa

    dtype = dtype_of(col)
    # text is never null (blank is ""); int64/bool cannot hold nulls; others nullable unless
    # the column is required (a blank required value is a rejected row, never a null).
    nullable = dtype not in ("object", "int64", "bool") and not col.required
    checks = [_exact_dtype(dtype)]
    if col.type in _code_checks():
        checks.append(_code_checks()[col.type])
    return pa.Column(dtype, checks=checks, nullable=nullable, required=True)


def _exact_dtype(dtype: str) -> pa.Check:
    """Pandera accepts ``Int64`` for ``int64``; the contract does not (keys are never null)."""
    import pandera.pandas as pa

    return pa.Check(lambda s: str(s.dtype) == dtype, name=f"dtype is exactly {dtype}")


@cache
def schema_of(table: str) -> pa.DataFrameSchema:
    """The pandera schema of ``table``'s typed frame (extra columns allowed).

    Example:
        >>> schema_of("days").columns["date"].dtype
        DataType(datetime64[ns])
    """
    import pandera.pandas as pa

    cols = {c.name: _column(c) for c in TABLES[table].columns}
    cols[LINE] = pa.Column("int64", nullable=False)
    return pa.DataFrameSchema(cols, strict=False, name=table)


def contract_depth() -> str:
    """The guard's depth: ``$MTCOLLECT_CONTRACT_DEPTH``, ``schema`` (default) or ``full``.

    Example:
        >>> contract_depth() in DEPTHS
        True
    """
    depth = os.environ.get(DEPTH_ENV, DEPTHS[0]).strip().lower() or DEPTHS[0]
    if depth not in DEPTHS:
        raise ValueError(f"{DEPTH_ENV}={depth!r}: use one of {', '.join(DEPTHS)}")
    return depth


def check_frame(table: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Validate ``frame`` against :func:`schema_of` ``(table)``; ContractError if it breaks it.

    At :func:`contract_depth` ``schema`` only column presence and exact dtypes are checked;
    at ``full`` pandera validates every value too.

    Example:
        >>> from mtcollect_nb.load import typed
        >>> bad = typed.empty_frame("days").astype({"minutes": "float64"})
        >>> try:
        ...     check_frame("days", bad)
        ... except ContractError as err:
        ...     print(str(err)[:40])
        loaded days frame breaks its contract (l
    """
    if contract_depth() == "schema":
        problems = schema_problems(table, frame)
        if problems:
            raise ContractError(f"loaded {table} frame breaks its contract "
                                f"(loader bug): {'; '.join(problems)[:2000]}")
        return frame
    import pandera.pandas as pa

    try:
        schema_of(table).validate(frame, lazy=True, inplace=True)
    except (pa.errors.SchemaError, pa.errors.SchemaErrors) as err:
        raise ContractError(f"loaded {table} frame breaks its contract "
                            f"(loader bug): {str(err)[:2000]}") from err
    return frame


def schema_problems(table: str, frame: pd.DataFrame) -> list[str]:
    """Schema-level breaks of ``frame``: a column of :func:`schema_of` missing or of another dtype.

    Dtypes must match exactly (``Int64`` is not ``int64``). Values are not looked at.

    Example:
        >>> from mtcollect_nb.load import typed
        >>> schema_problems("days", typed.empty_frame("days").drop(columns=["date"]))
        ["column 'date' not in dataframe"]
    """
    problems = []
    dtypes = frame.dtypes
    for name, dtype in schema_dtypes(table).items():
        if name not in dtypes.index:
            problems.append(f"column {name!r} not in dataframe")
        elif str(dtypes[name]) != dtype:
            problems.append(f"column {name!r}: dtype {dtypes[name]}, expected {dtype}")
    return problems


@cache
def schema_dtypes(table: str) -> dict[str, str]:
    """Column -> dtype of ``table``'s contract, from :data:`~mtcollect_nb.load.contract.TABLES`.

    The same columns and dtypes as :func:`schema_of` (a test checks it), without importing
    pandera: what the ``schema`` depth checks.

    Example:
        >>> schema_dtypes("days")["date"]
        'datetime64[ns]'
    """
    dtypes = {c.name: dtype_of(c) for c in TABLES[table].columns}
    dtypes[LINE] = "int64"
    return dtypes

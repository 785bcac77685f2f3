"""Pseudonyms: keyed hashes of real IDs, stable for one secret salt.

``stateID``, ``studentNumber`` and ``staffStateID`` become ``S-``/``L-``/``T-`` + 12 hex
digits; personIDs become 52-bit whole numbers (joins keep working). The SipHash key comes from
the installation's secret salt (:mod:`mtcollect_nb.privacy.salt`): without the salt nobody can
hash the 10^9 possible state IDs to reverse a pseudonym.

Example:
    >>> p = pseudonyms(pd.Series(["900000001", "900000001"]), "stateID")
    >>> p[0] == p[1] != "900000001", len(salt_key())
    (True, 16)
"""

from __future__ import annotations

import base64
import hashlib

import numpy as np
import pandas as pd

from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.privacy.salt import SALT_ENV, salt_text

#: text ID column -> (pseudonym prefix, hashing namespace)
TEXT_ID_COLUMNS: dict[str, tuple[str, str]] = {
    "stateID": ("S-", "stateID"),
    "studentNumber": ("L-", "studentNumber"),
    "staffStateID": ("T-", "staffStateID"),
    "teacherOfRecord": ("T-", "staffStateID"),
}
INT_ID_COLUMNS: tuple[str, ...] = ("personID", "staffPersonID")
HEX_DIGITS = 12


def salt_key() -> str:
    """The 16-character SipHash key (96 bits) derived from the secret salt.

    Raises:
        MtcollectError: no usable salt (:func:`mtcollect_nb.privacy.salt.salt_text`).
    """
    digest = hashlib.sha256(salt_text().encode("utf-8")).digest()
    return base64.urlsafe_b64encode(digest)[:16].decode("ascii")


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

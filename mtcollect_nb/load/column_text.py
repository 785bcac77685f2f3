"""A column's text read as a whole before parsing: term numbers in dates, negated checkboxes.

Nothing is silently read as something else (spec/extracts.md): a date column holding IC's term
numbers (``Term Start``/``Term End`` are 1, 2, ...) stops the run instead of becoming 1900
dates, and IC's Non-Instructional checkbox is turned into ``instructional`` by flipping its
yes/no text.

Example:
    >>> looks_like_term_numbers(pa.array(["1", "2", "", "2"]))
    True
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from mtcollect_nb.load.parse import FALSE_WORDS, TRUE_WORDS, stripped_text

#: Whole numbers below 1000 (``0`` .. ``999``): a term number, never a date.
_TERM_RE = r"[0-9]{1,3}"


def looks_like_term_numbers(text: pa.Array) -> bool:
    """Whether a date column's values are term numbers (IC's ``Term Start``/``Term End``).

    Most (more than half) of the non-blank values are whole numbers below 1000 (``1``, ``2``).

    Excel serial dates are never read from text (only ``.xlsx`` cells typed as dates are
    dates), so such a column would otherwise be rejected row by row, or worse.

    Example:
        >>> looks_like_term_numbers(pa.array(["1", "2", "", "2"]))
        True
        >>> looks_like_term_numbers(pa.array(["2025-01-17", "2025-06-06", "3"]))
        False
    """
    enc = text.dictionary_encode()
    uniq = stripped_text(enc.dictionary)
    small = uniq.str.fullmatch(_TERM_RE).to_numpy(dtype=bool)
    if not small.any():
        return False
    counts = np.bincount(enc.indices.to_numpy(zero_copy_only=False).astype("int64"),
                         minlength=len(uniq))
    filled = counts[(uniq != "").to_numpy()].sum()
    return bool(counts[small].sum() * 2 > filled)


def negate_yes_no(text: pa.Array) -> pa.Array:
    """Yes/no text with the opposite meaning (IC's Non-Instructional for ``instructional``).

    A yes becomes ``0``, a no or blank ``1``; anything else is left to be rejected.

    Example:
        >>> negate_yes_no(pa.array(["1", "", "X", "n", "maybe"])).to_pylist()
        ['0', '1', '0', '1', 'maybe']
    """
    enc = text.dictionary_encode()
    up = [v.strip().upper() for v in enc.dictionary.to_pylist()]
    flipped = pa.array(["0" if u in TRUE_WORDS else "1" if u in FALSE_WORDS else v
                        for u, v in zip(up, enc.dictionary.to_pylist(), strict=True)],
                       pa.string())
    return flipped.take(enc.indices)

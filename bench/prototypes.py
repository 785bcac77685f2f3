"""Measured prototypes of hot-spot fixes in modules the benchmark does not own.

Each prototype keeps the original's behaviour and is applied only by monkeypatching, inside a
benchmark process (``python bench/breakdown.py PARAMS --prototypes``), to measure the gain
before its owner adopts it. Nothing here is imported by mtcollect_nb.
"""

from __future__ import annotations


def apply() -> list[str]:
    """Monkeypatch the prototypes in (this process only); return what was patched.

    Adopted already (now in the package, so no longer here): the grid streak engine
    (absence -> streak_grid), built-in groupby sums in hours._scheduled_minutes, the pyarrow
    cast of all-digit int columns in extract_parse, and the engine's lookups indexed once per
    analysis with the findings frame built from one dict of columns.
    """
    return []

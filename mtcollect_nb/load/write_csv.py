"""Write a bundle's tables as CSV files the loader reads back (tests, examples, synthetic data).

Example:
    >>> import tempfile, pathlib
    >>> from mtcollect_nb.testing import make_bundle
    >>> d = pathlib.Path(tempfile.mkdtemp()); write_bundle(make_bundle(), d)
    >>> sorted(p.name for p in d.iterdir())[:2]
    ['attendance.csv', 'calendars.csv']
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from mtcollect_nb.columns import LINE
from mtcollect_nb.load.bundle import Bundle
from mtcollect_nb.load.contract import IC_LAYOUT_ONLY
from mtcollect_nb.load.periods import is_period_form


def write_bundle(bundle: Bundle, folder: Path) -> None:
    """Write ``bundle``'s tables as ``NAME.csv`` files the loader reads back (tests, examples).

    Dates are written ``YYYY-MM-DD``, booleans ``1``/``0``, nulls blank. Columns only IC's own
    layout has (:data:`contract.IC_LAYOUT_ONLY`) are left out when blank on every row.

    Example:
        >>> import tempfile, pathlib
        >>> from mtcollect_nb.testing import make_bundle
        >>> d = pathlib.Path(tempfile.mkdtemp()); write_bundle(make_bundle(), d)
        >>> (d / "schools.csv").read_text().splitlines()[1]
        '1,0001,0001,Test School,1'
    """
    folder.mkdir(parents=True, exist_ok=True)
    for name, df in bundle.tables.items():
        out = df.drop(columns=[LINE], errors="ignore").copy()
        if not is_period_form(out):  # the daily form's header has no periodID
            out = out.drop(columns=["periodID"], errors="ignore")
        out = out.drop(columns=[c for c in IC_LAYOUT_ONLY.get(name, ())
                                if c in out and _blank(out[c])])
        for col in out.columns:
            s = out[col]
            if pd.api.types.is_datetime64_any_dtype(s):
                out[col] = s.dt.strftime("%Y-%m-%d").fillna("")
            elif pd.api.types.is_bool_dtype(s):
                out[col] = s.astype(int)
        out.to_csv(folder / f"{name}.csv", index=False)


def _blank(s: pd.Series) -> bool:
    """Whether every value of ``s`` is missing or empty text."""
    return bool((s.isna() | s.astype(str).str.strip().eq("")).all())

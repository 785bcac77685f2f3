"""Reconciliation with Infinite Campus: REC-01 and the *Reconcile* table (spec/outputs.md).

The optional ``ic_counts`` file is the district's export of IC's ANB Student Counts validation
report of the season (Spring ANB, or Fall ANB in a fall run): one row per school x grade with
the count IC will certify. We compare exactly the rows that report lists (a district often
exports one school at a time, so a school x grade missing from the file is not compared; one
that IC lists but our extract lacks is compared with 0). A difference between IC and our
*reported* count means the extract, or our reading of it, differs from what IC will certify
(REC-01); the difference between IC and our *validated* count is what the rules would change.

Example:
    >>> from mtcollect_nb.testing import make_analysis
    >>> a = make_analysis()
    >>> a.has("ic_counts")
    False
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from mtcollect_nb.checks.registry import rule
from mtcollect_nb.checks.text import to_text
from mtcollect_nb.columns import IC_COUNT, WARNING
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.season import ANB_COLLECTION

#: Counts closer than this are equal (our counts are FTE sums rounded to 4 decimals).
TOLERANCE = 0.005


def reconcile_table(analysis: Analysis) -> pd.DataFrame:
    """Per school x grade of the IC file: IC count, our reported and validated counts.

    Sorted by the size of IC - reported (largest first, either sign), then of IC - validated,
    then school and grade. Empty (with the columns) when the file was not provided. Our counts
    are the season's (``Season.reconcile_columns``: fallCountReported in a fall run).

    Example:
        >>> from mtcollect_nb.columns import RECONCILE_COLUMNS
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> list(reconcile_table(tiny_analysis()).columns) == list(RECONCILE_COLUMNS)
        True
    """
    season = analysis.season
    columns = list(season.reconcile_columns)
    if not analysis.has("ic_counts"):
        return pd.DataFrame(columns=columns)
    reported, validated = season.count_reported, season.count_validated
    ic = analysis.table("ic_counts")[["schoolNumber", "grade", "count"]]
    ours = analysis.anb_table[["schoolNumber", "grade", reported, validated]]
    t = ic.rename(columns={"count": IC_COUNT}).merge(ours, on=["schoolNumber", "grade"],
                                                     how="left", validate="one_to_one")
    for col in (reported, validated):
        t[col] = t[col].astype("float64").fillna(0.0)
    t[IC_COUNT] = t[IC_COUNT].astype("float64")
    t["icMinusReported"] = (t[IC_COUNT] - t[reported]).round(4)
    t["icMinusValidated"] = (t[IC_COUNT] - t[validated]).round(4)
    order = pd.DataFrame({"r": -t["icMinusReported"].abs(), "v": -t["icMinusValidated"].abs(),
                          "s": t["schoolNumber"], "g": t["grade"]})
    t = t.loc[order.sort_values(list(order.columns), kind="mergesort").index]
    return t[columns].reset_index(drop=True)


@rule("REC-01", WARNING, ANB_COLLECTION,
      title="School x grade whose Infinite Campus count differs from our reported {season} count",
      remedy="Compare the extract with IC's {anb} Student Counts report (Reports > "
             "Montana State Reporting): a missing or extra enrollment, calendar or exclusion "
             "flag in the extract; export again with the same filters as the report.",
      tables=("ic_counts",))
def rec01_ic_count_differs(analysis: Analysis) -> pd.DataFrame:
    """One finding per school x grade where IC's count and our reported count differ."""
    season = analysis.season
    t = reconcile_table(analysis)
    t = t.loc[t["icMinusReported"].abs().to_numpy() >= TOLERANCE]
    ic, rep = to_text(t[IC_COUNT]), to_text(t[season.count_reported])
    val = to_text(t[season.count_validated])
    more = np.where(t["icMinusReported"] > 0, "more", "fewer")
    return pd.DataFrame({
        "schoolNumber": t["schoolNumber"], "field": "grade " + t["grade"].astype(str),
        "value": ic, "expected": rep,
        "message": ("Infinite Campus counts " + ic + " (" + more + " than the extract), our "
                    "reported " + season.name + " count is " + rep + " and validated " + val
                    + ": the extract or its reading differs from IC"),
    })

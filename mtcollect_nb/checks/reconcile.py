"""Reconciliation with Infinite Campus: REC-01 and the *Reconcile* table (spec/outputs.md).

The optional ``ic_counts`` file is the district's export of IC's Spring ANB Student Counts
validation report: one row per school x grade with the count IC will certify. We compare
exactly the rows that report lists (a district often exports one school at a time, so a
school x grade missing from the file is not compared; one that IC lists but our extract lacks
is compared with 0). A difference between IC and our *reported* count means the extract, or our
reading of it, differs from what IC will certify (REC-01); the difference between IC and our
*validated* count is what the rules would change.

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
from mtcollect_nb.columns import IC_COUNT, RECONCILE_COLUMNS, SPRING_ANB, WARNING
from mtcollect_nb.compute.analysis import Analysis

#: Counts closer than this are equal (our counts are FTE sums rounded to 4 decimals).
TOLERANCE = 0.005


def reconcile_table(analysis: Analysis) -> pd.DataFrame:
    """Per school x grade of the IC file: IC count, our reported and validated counts.

    Sorted by the size of IC - reported (largest first, either sign), then of IC - validated,
    then school and grade. Empty (with the columns) when the file was not provided.

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> list(reconcile_table(tiny_analysis()).columns) == list(RECONCILE_COLUMNS)
        True
    """
    if not analysis.has("ic_counts"):
        return pd.DataFrame(columns=list(RECONCILE_COLUMNS))
    ic = analysis.table("ic_counts")[["schoolNumber", "grade", "count"]]
    ours = analysis.anb_table[["schoolNumber", "grade", "springCountReported",
                               "springCountValidated"]]
    t = ic.rename(columns={"count": IC_COUNT}).merge(ours, on=["schoolNumber", "grade"],
                                                     how="left", validate="one_to_one")
    for col in ("springCountReported", "springCountValidated"):
        t[col] = t[col].astype("float64").fillna(0.0)
    t[IC_COUNT] = t[IC_COUNT].astype("float64")
    t["icMinusReported"] = (t[IC_COUNT] - t["springCountReported"]).round(4)
    t["icMinusValidated"] = (t[IC_COUNT] - t["springCountValidated"]).round(4)
    order = pd.DataFrame({"r": -t["icMinusReported"].abs(), "v": -t["icMinusValidated"].abs(),
                          "s": t["schoolNumber"], "g": t["grade"]})
    t = t.loc[order.sort_values(list(order.columns), kind="mergesort").index]
    return t[list(RECONCILE_COLUMNS)].reset_index(drop=True)


@rule("REC-01", WARNING, SPRING_ANB,
      title="School x grade whose Infinite Campus count differs from our reported spring count",
      remedy="Compare the extract with IC's Spring ANB Student Counts report (Reports > "
             "Montana State Reporting): a missing or extra enrollment, calendar or exclusion "
             "flag in the extract; export again with the same filters as the report.",
      tables=("ic_counts",))
def rec01_ic_count_differs(analysis: Analysis) -> pd.DataFrame:
    """One finding per school x grade where IC's count and our reported count differ."""
    t = reconcile_table(analysis)
    t = t.loc[t["icMinusReported"].abs().to_numpy() >= TOLERANCE]
    ic, rep = to_text(t[IC_COUNT]), to_text(t["springCountReported"])
    val = to_text(t["springCountValidated"])
    more = np.where(t["icMinusReported"] > 0, "more", "fewer")
    return pd.DataFrame({
        "schoolNumber": t["schoolNumber"], "field": "grade " + t["grade"].astype(str),
        "value": ic, "expected": rep,
        "message": ("Infinite Campus counts " + ic + " (" + more + " than the extract), our "
                    "reported spring count is " + rep + " and validated " + val
                    + ": the extract or its reading differs from IC"),
    })

"""The rule catalog: importing it imports every rule module, so every rule is registered.

Example:
    >>> rules_table().loc[lambda t: t.ruleId == "ANB-01", "severity"].item()
    'error'
"""

from __future__ import annotations

import pandas as pd

from mtcollect_nb.checks import (  # noqa: F401  (importing a rule module registers its rules)
    anb_counts,
    anb_exclusions,
    anb_programs,
    data_quality,
    reconcile,
    reminders,
    teacher_class,
)
from mtcollect_nb.checks.registry import RULES, Rule


def all_rules() -> dict[str, Rule]:
    """Every declared rule, by id, after importing the rule modules.

    Example:
        >>> "ANB-01" in all_rules() and "DQ-03" in all_rules()
        True
    """
    return dict(sorted(RULES.items()))


def rules_table() -> pd.DataFrame:
    """The catalog as a frame: id, severity, collection, title, remedy, tables."""
    rows = [
        {"ruleId": r.id, "severity": r.severity, "collection": r.collection, "title": r.title,
         "remedy": r.remedy, "tables": ", ".join(r.tables)}
        for r in all_rules().values()
    ]
    return pd.DataFrame(rows)

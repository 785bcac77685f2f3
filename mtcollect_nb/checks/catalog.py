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
from mtcollect_nb.season import SPRING, Season


def all_rules(season: Season = SPRING) -> dict[str, Rule]:
    """Every declared rule, by id, named for ``season`` (default: the spring collections).

    Example:
        >>> from mtcollect_nb.season import FALL
        >>> all_rules()["ANB-01"].collection, all_rules(FALL)["ANB-01"].collection
        ('Spring ANB', 'Fall ANB')
    """
    return {rid: RULES[rid].for_season(season) for rid in sorted(RULES)}


def rules_table(season: Season = SPRING) -> pd.DataFrame:
    """The catalog named for ``season``: id, severity, collection, title, remedy, tables."""
    rows = [
        {"ruleId": r.id, "severity": r.severity, "collection": r.collection, "title": r.title,
         "remedy": r.remedy, "tables": ", ".join(r.tables)}
        for r in all_rules(season).values()
    ]
    return pd.DataFrame(rows)

"""mtcollect-nb: check a Montana district's Infinite Campus data before Spring ANB certification.

The package follows the data, one stage per folder (docs/architecture.md):
``load`` (files -> Bundle) -> ``compute`` (Analysis) -> ``checks`` (findings) -> ``report``
(workbook, figures, notebook) -> ``explore`` / ``state`` -> ``cli``.

Example:
    >>> from mtcollect_nb import Params
    >>> Params(district_number="0123", district_name="X", school_year=2025,
    ...        extracts_dir="e", output_dir="o").pir_days
    0
"""

import mtcollect_nb.startup  # noqa: F401  (first: defers a 1 s import of jsonschema's)
from mtcollect_nb.checks.catalog import all_rules, rules_table
from mtcollect_nb.checks.engine import RuleResults, run_rules
from mtcollect_nb.checks.registry import RULES, Rule
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.errors import ExtractError, MtcollectError, ParameterError
from mtcollect_nb.load.bundle import Bundle
from mtcollect_nb.params import Params, load_params
from mtcollect_nb.version import __version__

__all__ = [
    "RULES",
    "Analysis",
    "Bundle",
    "ExtractError",
    "MtcollectError",
    "ParameterError",
    "Params",
    "Rule",
    "RuleResults",
    "__version__",
    "all_rules",
    "load_params",
    "rules_table",
    "run_rules",
]

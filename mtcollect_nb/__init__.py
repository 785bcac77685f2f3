"""mtcollect-nb: check a Montana district's Infinite Campus data before Spring ANB certification.

The package follows the data, one stage per folder (docs/architecture.md): ``load`` (files ->
Bundle) -> ``compute`` (Analysis) -> ``checks`` (findings: DistrictRun) -> ``privacy``
(masking) -> ``window`` (keys, the previous run: FinishedRun) -> ``report`` (workbook,
figures, notebook) -> ``explore`` / ``state`` -> ``cli``.

The names below are what the notebooks use. Those of the upper stages (report, explore,
state: plotly, nbconvert, ipywidgets) are imported when first used, so importing a module of
the package stays light.

Example:
    >>> from mtcollect_nb import Params
    >>> Params(district_number="0123", district_name="X", school_year=2025,
    ...        extracts_dir="e", output_dir="o").pir_days
    0
    >>> import mtcollect_nb
    >>> mtcollect_nb.analyze_district.__module__
    'mtcollect_nb.report.pipeline'
"""

import importlib
from typing import TYPE_CHECKING, Any

import mtcollect_nb.startup  # noqa: F401  (first: defers a 1 s import of jsonschema's)
from mtcollect_nb.checks.catalog import all_rules, rules_table
from mtcollect_nb.checks.engine import RuleResults, run_rules
from mtcollect_nb.checks.registry import RULES, Rule
from mtcollect_nb.checks.run import DistrictRun
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.errors import ExtractError, MtcollectError, ParameterError
from mtcollect_nb.load.bundle import Bundle
from mtcollect_nb.params import Params, load_params
from mtcollect_nb.version import __version__

if TYPE_CHECKING:
    from mtcollect_nb.explore.widgets import explorer
    from mtcollect_nb.report.notebook import notebook_params, run_notebook
    from mtcollect_nb.report.pipeline import analyze_district, finish, write_outputs
    from mtcollect_nb.report.plotting import offline_plotly
    from mtcollect_nb.state.batch_io import write_demo_batch
    from mtcollect_nb.synthetic import planted_cases, write_demo
    from mtcollect_nb.window.finished import FinishedRun

#: Name -> the module that defines it, for the names imported when first used.
_LAZY: dict[str, str] = {
    "FinishedRun": "mtcollect_nb.window.finished",
    "analyze_district": "mtcollect_nb.report.pipeline",
    "explorer": "mtcollect_nb.explore.widgets",
    "finish": "mtcollect_nb.report.pipeline",
    "notebook_params": "mtcollect_nb.report.notebook",
    "offline_plotly": "mtcollect_nb.report.plotting",
    "planted_cases": "mtcollect_nb.synthetic",
    "run_notebook": "mtcollect_nb.report.notebook",
    "write_demo": "mtcollect_nb.synthetic",
    "write_demo_batch": "mtcollect_nb.state.batch_io",
    "write_outputs": "mtcollect_nb.report.pipeline",
}

__all__ = [
    "RULES",
    "Analysis",
    "Bundle",
    "DistrictRun",
    "ExtractError",
    "FinishedRun",
    "MtcollectError",
    "ParameterError",
    "Params",
    "Rule",
    "RuleResults",
    "__version__",
    "all_rules",
    "analyze_district",
    "explorer",
    "finish",
    "load_params",
    "notebook_params",
    "offline_plotly",
    "planted_cases",
    "rules_table",
    "run_notebook",
    "run_rules",
    "write_demo",
    "write_demo_batch",
    "write_outputs",
]


def __getattr__(name: str) -> Any:
    """Import a name of :data:`_LAZY` the first time it is used."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_LAZY[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))

"""One district, end to end without the notebook: load -> analyse -> rules -> workbook.

The notebook calls :func:`analyze_district` and :func:`write_outputs`; the benchmarks and the
batch rollup call them too, so every view reads the same :class:`DistrictRun`.

Example:
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> run = run_from_analysis(tiny_analysis())
    >>> run.findings.empty
    True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from mtcollect_nb import __version__
from mtcollect_nb.analysis import Analysis
from mtcollect_nb.engine import RuleResults, run_rules
from mtcollect_nb.params import Params


@dataclass
class DistrictRun:
    """Everything one district run produced; the single source of every view.

    Attributes:
        analysis: tables, parameters and derived frames.
        results: findings table, rules not run, rules run.
        started: when the run started (local time, seconds).
        version: the package version that produced it.
    """

    analysis: Analysis
    results: RuleResults
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    version: str = __version__

    @property
    def params(self) -> Params:
        """The run's parameters."""
        return self.analysis.params

    @property
    def findings(self) -> pd.DataFrame:
        """The findings table (see :mod:`mtcollect_nb.engine`)."""
        return self.results.findings

    @property
    def not_run(self) -> pd.DataFrame:
        """Rules that did not run, with the reason."""
        return self.results.not_run


def run_from_analysis(analysis: Analysis) -> DistrictRun:
    """Run every rule over an already-built analysis."""
    return DistrictRun(analysis=analysis, results=run_rules(analysis))


def analyze_district(params: Params) -> DistrictRun:
    """Load the district's extracts and run every rule; masked when ``params.mask_pii``.

    Every view (notebook, figures, workbook, parquet) reads the returned run, so with
    ``mask_pii`` on no view can see a real name or ID.

    Raises:
        ExtractError: a required file or column is missing, or a file cannot be read.
    """
    from mtcollect_nb.extracts import load_bundle
    from mtcollect_nb.masking import mask_run

    bundle = load_bundle(Path(params.extracts_dir))
    run = run_from_analysis(Analysis(bundle, params))
    return mask_run(run) if params.mask_pii else run


def write_outputs(run: DistrictRun) -> Path:
    """Write ``findings.xlsx`` and the machine-readable tables into the output folder.

    The tables (findings/anb/budget_units parquet, summary.json) feed the statewide rollup.
    Returns the workbook's path.
    """
    from mtcollect_nb.workbook import write_tables, write_workbook

    out = Path(run.params.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    workbook = write_workbook(run, out / "findings.xlsx")
    write_tables(run, out)
    return workbook

"""A district run: the analysis and its findings, the single source of every view.

Example:
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> run = run_from_analysis(tiny_analysis())
    >>> run.findings.empty
    True
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from mtcollect_nb.checks.engine import RuleResults, run_rules
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.params import Params
from mtcollect_nb.version import __version__


@dataclass
class DistrictRun:
    """Everything one district run produced; the single source of every view.

    Attributes:
        analysis: tables, parameters and derived frames.
        results: findings table, rules not run, rules run.
        started: when the run started (local time, seconds).
        version: the package version that produced it.
        masked: names blanked and IDs pseudonymous in every table and finding (set only by
            :func:`mtcollect_nb.privacy.masking.mask_run`); the one answer to "is it masked?".
    """

    analysis: Analysis
    results: RuleResults
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now().replace(microsecond=0))
    version: str = __version__
    masked: bool = False

    @property
    def params(self) -> Params:
        """The run's parameters."""
        return self.analysis.params

    @property
    def findings(self) -> pd.DataFrame:
        """The findings table (see :mod:`mtcollect_nb.checks.engine`)."""
        return self.results.findings

    @property
    def not_run(self) -> pd.DataFrame:
        """Rules that did not run, with the reason."""
        return self.results.not_run


def run_from_analysis(analysis: Analysis) -> DistrictRun:
    """Run every rule over an already-built analysis."""
    return DistrictRun(analysis=analysis, results=run_rules(analysis))

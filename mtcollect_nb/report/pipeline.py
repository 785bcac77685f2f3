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

from pathlib import Path

from mtcollect_nb.checks.run import DistrictRun, run_from_analysis
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.load.loader import load_bundle
from mtcollect_nb.outputs import FINDINGS_XLSX
from mtcollect_nb.params import Params
from mtcollect_nb.privacy.masking import mask_run
from mtcollect_nb.privacy.scrub import scrubbed_errors
from mtcollect_nb.report.summary import ready_table
from mtcollect_nb.report.workbook import write_tables, write_workbook
from mtcollect_nb.window import history
from mtcollect_nb.window.carry import prepare, run_record
from mtcollect_nb.window.keys import with_keys

__all__ = ["DistrictRun", "analyze_district", "run_from_analysis", "write_outputs"]


def analyze_district(params: Params) -> DistrictRun:
    """Load the district's extracts and run every rule; masked when ``params.mask_pii``.

    Every view (notebook, figures, workbook, parquet) reads the returned run, so with
    ``mask_pii`` on no view can see a real name or ID.

    Raises:
        ExtractError: a required file or column is missing, or a file cannot be read.
    """
    with scrubbed_errors(params.mask_pii):  # a message quoting the data is masked too
        bundle = load_bundle(Path(params.extracts_dir))
    run = with_keys(run_from_analysis(Analysis(bundle, params)))  # keys before masking
    return mask_run(run) if params.mask_pii else run


def write_outputs(run: DistrictRun) -> Path:
    """Write ``findings.xlsx``, the machine-readable tables and this run's history record.

    In this order, each file atomically: the previous workbook is read (its ``reviewed`` and
    ``note`` carried forward; an unreadable one is copied beside it, reported in one line on the
    Summary), then the new workbook replaces it, then the tables (findings/anb/budget_units
    parquet, summary.json, for the rollup), then ``history/run-<started>.json``. A crash at any
    point loses no note: until the new workbook is in place, the old one is untouched.
    Returns the workbook's path.
    """
    out = Path(run.params.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    run = with_keys(run)
    run = mask_run(run) if run.params.mask_pii else run
    reruns = prepare(run, out / FINDINGS_XLSX)
    workbook = write_workbook(run, out / FINDINGS_XLSX, reruns)
    write_tables(run, out, reruns)
    history.write_record(out, run_record(run, reruns, ready_table(run, reruns)))
    return workbook

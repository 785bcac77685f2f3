"""One district, end to end without the notebook: load -> analyse -> rules -> window -> workbook.

The notebook calls :func:`analyze_district`, :func:`finish` and :func:`write_outputs`; the
benchmarks, the batch rollup and the training tour call them too, so every view reads the same
run. The stages, in order:

1. :func:`analyze_district`: load the extracts, analyse, run every rule, then
   :func:`key_and_mask`: the ``findingKey`` of every finding is taken (the one place keys are
   added) and the run is masked when it should be (the one place a run is masked).
2. :func:`finish` (:mod:`mtcollect_nb.window.finished`): the previous run is read, once.
3. :func:`write_outputs`: the workbook, the tables and this run's history record.

Example:
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> run = key_and_mask(run_from_analysis(tiny_analysis()), mask=True)
    >>> run.masked, list(run.findings.columns)[-1]
    (True, 'findingKey')
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
from mtcollect_nb.report.fall_count import write_fall_count
from mtcollect_nb.report.workbook import write_tables, write_workbook
from mtcollect_nb.window import history
from mtcollect_nb.window.finished import FinishedRun, finish
from mtcollect_nb.window.keys import with_keys
from mtcollect_nb.window.previous import keep_copy

__all__ = ["DistrictRun", "FinishedRun", "analyze_district", "finish", "key_and_mask",
           "run_from_analysis", "write_outputs"]


def key_and_mask(run: DistrictRun, *, mask: bool | None = None) -> DistrictRun:
    """``run`` with a ``findingKey`` per finding, then masked when ``mask`` says so.

    ``mask`` None: as the run's ``params.mask_pii`` says. Keys are taken before masking: a
    masked run's hash the pseudonyms with the salt, an unmasked run's the real IDs with a
    public key (the same on every PC); each also gets the other kind, so notes carry across
    a change of ``mask_pii`` (:mod:`mtcollect_nb.window.keys`).
    """
    masked = run.params.mask_pii if mask is None else mask
    run = with_keys(run, public=not masked)  # an unmasked run's keys need no salt
    return mask_run(run) if masked else run


def analyze_district(params: Params, *, mask: bool | None = None) -> DistrictRun:
    """Load the district's extracts and run every rule; keyed, and masked when asked.

    ``mask``: mask the run (None: ``params.mask_pii``; the training tour always masks). Every
    view (notebook, figures, workbook, parquet) reads the returned run, so with masking on no
    view can see a real name or ID.

    Raises:
        ExtractError: a required file or column is missing, or a file cannot be read.
    """
    masked = params.mask_pii if mask is None else mask
    with scrubbed_errors(masked):  # a message quoting the data is masked too
        bundle = load_bundle(Path(params.extracts_dir), params)
    return key_and_mask(run_from_analysis(Analysis(bundle, params)), mask=masked)


def write_outputs(run: DistrictRun | FinishedRun) -> Path:
    """Write ``findings.xlsx``, the machine-readable tables and this run's history record.

    A :class:`DistrictRun` is finished first (:func:`finish`: the previous run read); a
    :class:`FinishedRun` is written as it is. In this order, each file atomically: an
    unreadable previous workbook is copied beside it (reported in one line on the Summary),
    then the new workbook replaces it, then the tables (findings/anb/budget_units parquet,
    summary.json, for the rollup), a fall run's ``fall_count.csv`` (the spring run's input:
    :mod:`mtcollect_nb.report.fall_count`), then ``history/run-<started>.json``. A crash at
    any point loses no note: until the new workbook is in place, the old one is untouched.
    Returns the workbook's path.
    """
    finished = run if isinstance(run, FinishedRun) else finish(run)
    out = finished.out_dir
    out.mkdir(parents=True, exist_ok=True)
    finished = finished.with_kept(keep_copy(finished.window.previous, finished.run.started))
    workbook = write_workbook(finished, out / FINDINGS_XLSX)
    write_tables(finished, out)
    write_fall_count(finished.run, out)
    history.write_record(out, finished.record())
    return workbook

"""The notebooks of ``notebooks/``: one registry, one runner, their parameters and stored outputs.

:data:`NOTEBOOKS` names every notebook and what it takes: a district's parameters (the
district notebook, the explorer, the training tour) or a batch's output folder (the statewide
rollup). :func:`run_notebook` is the one way a notebook runs (``mtcollect run``/``demo``, each
district of a batch, the rollup, the tests): its parameters checked before any kernel starts,
executed with papermill into the output folder with a kernel of *this* Python
(:mod:`mtcollect_nb.report.papermill_engine`), then exported to an offline HTML page next to
it (the district notebook's page is the district's report, without code). The notebooks call
:func:`notebook_params` in their first cells.

Example:
    >>> sorted(NOTEBOOKS) == sorted(p.stem for p in notebooks_dir().glob("*.ipynb"))
    True
    >>> notebook_params(district_number="0123", district_name="X", school_year=2025,
    ...                 extracts_dir="/data/0123", output_dir="/out/0123",
    ...                 spring_count_date="2025-02-04", as_of="").spring
    datetime.date(2025, 2, 4)
"""

from __future__ import annotations

import atexit
import datetime as dt
import shutil
import sys
import tempfile
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from mtcollect_nb.errors import ExtractError, MtcollectError
from mtcollect_nb.files import atomic_write_text
from mtcollect_nb.outputs import (
    DISTRICT_NOTEBOOK,
    EXPLORE_NOTEBOOK,
    ROLLUP_NOTEBOOK,
    TOUR_NOTEBOOK,
    notebook_files,
)
from mtcollect_nb.params import Params, load_params, params_from_mapping, with_overrides
from mtcollect_nb.report.html_export import export_html
from mtcollect_nb.report.papermill_engine import execute_notebook

#: Extra notebook parameter (besides the :class:`Params` fields): the parameters file used.
PARAMS_PATH = "params_path"
#: The parameter of a batch notebook: the batch's output root.
BATCH_DIR = "batch_dir"
CHECK_OUTPUT = "# NBVAL_CHECK_OUTPUT"
_DATE_KEYS = frozenset(k for k, f in Params.model_fields.items()
                       if dt.date in typing.get_args(f.annotation))


@dataclass(frozen=True)
class Notebook:
    """One notebook of ``notebooks/``.

    Attributes:
        name: its file's stem (the executed copy and its page are named after it).
        takes: ``"district"``: the parameters of a district (those it declares), from a
            parameters file; ``"batch"``: a batch's output root (:data:`BATCH_DIR`).
        report: its HTML page is the district's report (no code, no analyst-only cells).
        about: what it is for.
    """

    name: str
    takes: Literal["district", "batch"]
    report: bool
    about: str


NOTEBOOKS: dict[str, Notebook] = {nb.name: nb for nb in (
    Notebook(DISTRICT_NOTEBOOK, "district", True,
             "one district: findings, counts, figures, the workbook and the district's report"),
    Notebook(EXPLORE_NOTEBOOK, "district", False,
             "the explorer: findings, one student, one school, count moves (JupyterLab)"),
    Notebook(TOUR_NOTEBOOK, "district", False,
             "the training tour: every check on a case planted in the synthetic demo"),
    Notebook(ROLLUP_NOTEBOOK, "batch", False,
             "every district of a batch: statewide counts, rankings, rule frequency"),
)}


#: The notebooks ``mtcollect notebooks DIR`` copies for JupyterLab (the rollup is the batch's).
LAB_NOTEBOOKS: tuple[str, ...] = (EXPLORE_NOTEBOOK, TOUR_NOTEBOOK, DISTRICT_NOTEBOOK)


def notebooks_dir() -> Path:
    """The notebooks: inside the installed package, or the checkout's top-level ``notebooks/``.

    The repository keeps one copy, at its top (the design card); building the wheel puts it
    in the package as ``mtcollect_nb/notebooks`` (``pyproject.toml``, force-include).

    Example:
        >>> (notebooks_dir() / "district_validation.ipynb").is_file()
        True
    """
    package = Path(__file__).resolve().parents[1]  # mtcollect_nb/report/ -> mtcollect_nb/
    shipped = package / "notebooks"  # installed from a wheel
    return shipped if shipped.is_dir() else package.parent / "notebooks"  # a checkout


def copy_notebooks(folder: Path, *, force: bool = False) -> list[tuple[Path, bool]]:
    """Copy the :data:`LAB_NOTEBOOKS` into ``folder``: (path, copied) per notebook.

    A notebook already there is kept (it may hold the analyst's own work) unless ``force``.
    Each copy is written whole or not at all.

    Example:
        >>> import tempfile
        >>> [(p.name, done) for p, done in copy_notebooks(Path(tempfile.mkdtemp()))][0]
        ('explore_findings.ipynb', True)
    """
    if folder.exists() and not folder.is_dir():
        raise MtcollectError(f"{folder}: the notebooks folder is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise MtcollectError(f"{folder}: the notebooks folder cannot be made "
                             f"({err.strerror})") from None
    done = []
    for name in LAB_NOTEBOOKS:
        file = notebook_files(name)[0]
        target = folder / file
        copy = force or not target.exists()
        if copy:
            atomic_write_text(target, (notebooks_dir() / file).read_text(encoding="utf-8"))
        done.append((target, copy))
    return done


def notebook_params(*, params_path: str = "", **values: Any) -> Params:
    """The run's :class:`Params` from the notebook's parameters cell.

    Dates arrive as ISO strings (``""`` = the default of spec/rules.md; for ``as_of``: no
    forecast). Relative folders resolve against the parameters file's folder when
    ``params_path`` is given. An empty ``extracts_dir`` means the synthetic demo district: it
    is written under ``output_dir`` (a new temporary folder, removed when the process exits,
    when that is empty too) and its own parameters file is used.

    Raises:
        ParameterError: a value is missing or wrong (names the parameter).
    """
    if not values.get("extracts_dir"):
        from mtcollect_nb.synthetic import write_demo

        out = values.get("output_dir")
        if not out:  # the notebook's default run: its folder goes when the kernel exits
            out = tempfile.mkdtemp(prefix="mtcollect-demo-")
            atexit.register(shutil.rmtree, out, True)
        return load_params(write_demo(Path(out)))
    data = {k: (None if v == "" and k in _DATE_KEYS else v) for k, v in values.items()}
    source = params_path or "notebook parameters"
    params = params_from_mapping(data, source)
    if not params_path:
        return params
    base = Path(params_path).resolve().parent
    return params.model_copy(update={
        "extracts_dir": str(base / params.extracts_dir),
        "output_dir": str(base / params.output_dir),
    })


def papermill_parameters(params: Params, params_path: str | Path) -> dict[str, Any]:
    """The values papermill injects: every :class:`Params` field (dates as ISO text).

    Example:
        >>> p = Params(district_number="0123", district_name="X", school_year=2025,
        ...            extracts_dir="e", output_dir="o")
        >>> papermill_parameters(p, "p.yaml")["spring_count_date"]
        '2025-02-03'
    """
    values = params.model_dump(mode="json")
    values[PARAMS_PATH] = str(Path(params_path).resolve())
    return values


def _parameters(nb: Notebook, params_path: str | Path | None, batch_dir: str | Path | None,
                source: Path, overrides: dict[str, Any] | None = None,
                ) -> tuple[dict[str, Any], Path]:
    """The values to inject into ``nb`` and its default output folder (before any kernel).

    ``overrides``: parameters set for this run only (``mtcollect run --season fall``), over
    the file's; the default output folder is the season's (``output_dir/fall`` for fall).
    """
    if nb.takes == "batch":
        if batch_dir is None:
            raise MtcollectError(f"{nb.name}: needs the batch's output folder")
        return {BATCH_DIR: str(Path(batch_dir).resolve())}, Path(batch_dir)
    if params_path is None:
        raise MtcollectError(f"{nb.name}: needs a district's parameters file")
    from papermill import inspect_notebook

    params = with_overrides(load_params(params_path), params_path, **(overrides or {}))
    extracts = Path(params.extracts_dir)
    if not extracts.is_dir():
        raise ExtractError(f"{params_path}: extracts_dir not found: {extracts}")
    declared = inspect_notebook(str(source))
    values = {k: v for k, v in papermill_parameters(params, params_path).items()
              if k in declared}
    return values, params.season.out_dir(params)


def run_notebook(name: str, params_path: str | Path | None = None, *,
                 batch_dir: str | Path | None = None, out_dir: str | Path | None = None,
                 timeout: float | None = None, progress: bool = False, km: Any = None,
                 reset_code: str | None = None, plotly_js: Path | None = None,
                 overrides: dict[str, Any] | None = None) -> Path:
    """Execute a notebook of :data:`NOTEBOOKS` and export its offline HTML page.

    Writes ``<out_dir>/<name>.ipynb`` (kept, with the traceback, when a cell fails) and
    ``<out_dir>/<name>.html`` (a previous page is removed first, so a stale page never sits
    next to a failed run). ``out_dir`` defaults to the district's ``output_dir`` or the batch
    folder.

    Args:
        name: the notebook (a key of :data:`NOTEBOOKS`).
        params_path: the district's parameters file (a district notebook).
        batch_dir: the batch's output root (the rollup).
        out_dir: where the executed notebook and its page go.
        timeout: seconds any one cell may run (None: no limit).
        progress: show papermill's progress bar (on stderr).
        km: the manager of a running kernel to use and leave running (a batch worker's warm
            kernel); None: a new kernel, shut down after the run.
        reset_code: code run silently in the kernel before the first cell.
        plotly_js: a shared plotly.js file for the page (``html_export.write_shared_plotly``);
            None: plotly.js embedded in the page.
        overrides: a district's parameters set for this run over its file's
            (``{"collection_season": "fall"}``).

    Returns:
        The executed notebook's path.

    Raises:
        ParameterError: the parameters file is bad (before any kernel starts).
        ExtractError: the extracts folder does not exist.
        MtcollectError: an unknown notebook, or the notebook failed (the failing cell's
            exception, one line).
    """
    if name not in NOTEBOOKS:
        raise MtcollectError(f"unknown notebook {name!r}: one of {', '.join(NOTEBOOKS)}")
    nb = NOTEBOOKS[name]
    source = notebooks_dir() / notebook_files(name)[0]
    if not source.is_file():
        raise MtcollectError(f"notebook not found: {source} (the installation is incomplete: "
                             f"pip install --force-reinstall mtcollect-nb)")
    values, default_out = _parameters(nb, params_path, batch_dir, source, overrides)
    out = Path(out_dir) if out_dir is not None else default_out
    out.mkdir(parents=True, exist_ok=True)
    executed, page = (out / f for f in notebook_files(name))
    page.unlink(missing_ok=True)
    execute_notebook(source, executed, values, timeout, progress, km=km, reset_code=reset_code)
    export_html(executed, page, plotly_js, report=nb.report)
    return executed


def run_district_notebook(params_path: str | Path, *, timeout: float | None = None,
                          progress: bool = False, km: Any = None, reset_code: str | None = None,
                          plotly_js: Path | None = None,
                          overrides: dict[str, Any] | None = None) -> Path:
    """:func:`run_notebook` of the district notebook (``mtcollect run``, the batch's districts).

    The notebook itself writes ``findings.xlsx``, the tables and the history record (into
    the season's folder: ``output_dir``, or ``output_dir/fall`` for a fall run).
    """
    return run_notebook(DISTRICT_NOTEBOOK, params_path, timeout=timeout, progress=progress,
                        km=km, reset_code=reset_code, plotly_js=plotly_js, overrides=overrides)


def store_checked_outputs(name: str) -> Path:
    """Re-execute a notebook with its defaults and store nbval's reference outputs in it.

    Only the printed text of cells marked ``# NBVAL_CHECK_OUTPUT`` is kept (what the tests
    compare: nbval for the rollup, ``tests/report/test_notebook_cells.py`` for the notebooks the
    suite executes itself); every other output and execution count is cleared, so no figure
    or table goes into git. Run it after a deliberate change of the demo data or of a checked
    number: ``python -m mtcollect_nb.report.notebook [NAME ...]`` (default: every notebook).
    """
    import nbformat

    path = notebooks_dir() / notebook_files(NOTEBOOKS[name].name)[0]
    with tempfile.TemporaryDirectory() as tmp:
        executed = Path(tmp) / path.name
        execute_notebook(path, executed, {}, None, True)
        ran = nbformat.read(executed, as_version=4)
    nb = nbformat.read(path, as_version=4)
    done = [c for c in ran.cells if "injected-parameters" not in c.metadata.get("tags", [])]
    for cell, result in zip(nb.cells, done, strict=True):
        if cell.cell_type != "code":
            continue
        checked = cell.source.startswith(CHECK_OUTPUT)
        cell.outputs = [o for o in result.outputs if checked and o.output_type == "stream"]
        # nbval skips a cell with outputs but no execution count ("unrun reference cell")
        cell.execution_count = result.execution_count if cell.outputs else None
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
    atomic_write_text(path, nbformat.writes(nb) + "\n")
    return path


if __name__ == "__main__":  # pragma: no cover - maintainer tool
    for _name in sys.argv[1:] or list(NOTEBOOKS):
        print(f"stored the checked outputs of {store_checked_outputs(_name)}")

"""Run the district notebook with papermill and export it to an offline HTML page.

:func:`run_district_notebook` is what ``mtcollect run``, ``mtcollect demo`` and the batch call:
validate the parameters file, execute ``notebooks/district_validation.ipynb`` into the district's
output folder with a kernel of *this* Python, then write ``district_validation.html`` with
plotly.js embedded once (no network needed to open it). The notebook itself calls
:func:`offline_plotly` and :func:`notebook_params`.

Example:
    >>> notebook_params(district_number="0123", district_name="X", school_year=2025,
    ...                 extracts_dir="/data/0123", output_dir="/out/0123",
    ...                 spring_count_date="2025-02-04").spring
    datetime.date(2025, 2, 4)
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from mtcollect_nb.errors import ExtractError, MtcollectError
from mtcollect_nb.files import atomic_path, atomic_write_text
from mtcollect_nb.outputs import DISTRICT_NOTEBOOK
from mtcollect_nb.params import Params, load_params, params_from_mapping
from mtcollect_nb.report.html_export import export_html

NOTEBOOK = DISTRICT_NOTEBOOK
#: Extra notebook parameter (besides the :class:`Params` fields): the parameters file used.
PARAMS_PATH = "params_path"
CHECK_OUTPUT = "# NBVAL_CHECK_OUTPUT"
_RENDERER = "mtcollect_offline"
def notebooks_dir() -> Path:
    """The repository's ``notebooks/`` folder (the package is installed editable).

    Example:
        >>> (notebooks_dir() / "district_validation.ipynb").is_file()
        True
    """
    return Path(__file__).resolve().parents[2] / "notebooks"  # mtcollect_nb/report/ -> root


def notebook_params(*, params_path: str = "", **values: Any) -> Params:
    """The run's :class:`Params` from the notebook's parameters cell.

    Dates arrive as ISO strings (``""`` = the default of spec/rules.md). Relative folders
    resolve against the parameters file's folder when ``params_path`` is given. An empty
    ``extracts_dir`` means the synthetic demo district: it is written under ``output_dir``
    (a new temporary folder, removed when the process exits, when that is empty too) and its
    own parameters file is used.

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
    data = {k: (None if v == "" and k.endswith("_date") else v) for k, v in values.items()}
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


def offline_plotly() -> None:
    """Make Plotly figures render in the notebook *and* in its offline HTML export.

    Registers a renderer that draws every figure as HTML calling the page's ``Plotly`` (no
    CDN script), plus the Plotly MIME bundle that JupyterLab renders. plotly.js itself is not
    put into the notebook (4.7 MB that papermill would rewrite after every cell): the HTML
    export adds it once (:func:`export_html`). Call it in the notebook's first code cell.
    """
    import plotly.io as pio
    from plotly.io._base_renderers import NotebookRenderer

    class _OfflineRenderer(NotebookRenderer):
        def to_mimebundle(self, fig_dict: dict[str, Any]) -> dict[str, Any]:
            html = pio.to_html(fig_dict, config=self.config, include_plotlyjs=False,
                               include_mathjax=False, full_html=False,
                               default_width="100%", default_height=525, validate=False)
            return {"text/html": html}

        def activate(self) -> None:  # no plotly.js in the notebook: export_html adds it
            return None

    pio.renderers[_RENDERER] = _OfflineRenderer()
    pio.renderers.default = f"plotly_mimetype+{_RENDERER}"
    pio.renderers._activate_pending_renderers()


def kernel_manager() -> Any:
    """A kernel manager whose ``python3`` kernel is this interpreter, whatever is registered.

    A ``python3`` kernelspec in the user's Jupyter folder may point at another Python; the
    notebook must run where mtcollect_nb is installed.
    """
    from ipykernel.kernelspec import RESOURCES, get_kernel_dict
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager

    class _ThisPython(KernelSpecManager):
        def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
            return KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())

    return AsyncKernelManager(kernel_name="python3", kernel_spec_manager=_ThisPython())


_kernel_manager = kernel_manager  # the earlier name (benchmarks, tests)
#: Command-line arguments of every notebook kernel.
KERNEL_ARGUMENTS = ("--IPKernelApp.log_level=ERROR",)


def _braces(path: Path) -> str:
    """Papermill formats paths with the parameters (``{x}``); escape literal braces."""
    return str(path).replace("{", "{{").replace("}", "}}")


def _first_line(text: str) -> str:
    lines = [ln.strip() for ln in re.sub(r"\x1b\[[0-9;]*m", "", text).splitlines()]
    return next((ln for ln in lines if ln), "")


def run_district_notebook(params_path: str | Path, *, timeout: float | None = None,
                          progress: bool = False, km: Any = None, reset_code: str | None = None,
                          plotly_js: Path | None = None) -> Path:
    """Execute the district notebook for one parameters file; export its HTML.

    Writes ``<output_dir>/district_validation.ipynb`` (kept, with the traceback, when a cell
    fails) and ``<output_dir>/district_validation.html``; the notebook itself writes
    ``findings.xlsx``.

    Args:
        params_path: the district's parameters YAML file.
        timeout: seconds any one cell may run (None: no limit).
        progress: show papermill's progress bar (on stderr).
        km: the manager of a running kernel to use and leave running (a batch worker's warm
            kernel); None: a new kernel, shut down after the run.
        reset_code: code run silently in the kernel before the first cell.
        plotly_js: a shared plotly.js file for the page (``html_export.write_shared_plotly``);
            None: plotly.js embedded in the page.

    Returns:
        The executed notebook's path.

    Raises:
        ParameterError: the parameters file is bad (before any kernel starts).
        ExtractError: the extracts folder does not exist.
        MtcollectError: the notebook failed; the message is the failing cell's exception.
    """
    params = load_params(params_path)
    extracts = Path(params.extracts_dir)
    if not extracts.is_dir():
        raise ExtractError(f"{params_path}: extracts_dir not found: {extracts}")
    source = notebooks_dir() / f"{NOTEBOOK}.ipynb"
    if not source.is_file():
        raise MtcollectError(f"notebook not found: {source} (install with pip install -e .)")
    out = Path(params.output_dir)
    out.mkdir(parents=True, exist_ok=True)
    executed, html = out / f"{NOTEBOOK}.ipynb", out / f"{NOTEBOOK}.html"
    html.unlink(missing_ok=True)  # never leave a previous run's page next to a failed run
    parameters = papermill_parameters(params, params_path)
    execute_notebook(source, executed, parameters, timeout, progress, km=km,
                     reset_code=reset_code)
    # the district's report: no code (the executed .ipynb keeps it for analysts)
    export_html(executed, html, plotly_js, report=True)
    return executed


def store_checked_outputs(path: Path | None = None) -> Path:
    """Re-execute a repository notebook with its defaults and store nbval's reference outputs.

    Only the printed text of cells marked ``# NBVAL_CHECK_OUTPUT`` is kept (what
    ``pytest --nbval-lax`` compares); every other output and execution count is cleared, so
    no figure or table goes into git. Run it after a deliberate change of the demo district
    or of a checked number: ``python -m mtcollect_nb.report.notebook``.
    """
    import nbformat

    path = path or notebooks_dir() / f"{NOTEBOOK}.ipynb"
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


def execute_notebook(source: Path, executed: Path, parameters: dict[str, Any],
                     timeout: float | None, progress: bool, *, km: Any = None,
                     reset_code: str | None = None) -> None:
    """Run papermill; any failure becomes one :class:`MtcollectError` line.

    ``km``: a running kernel to use (and leave running), else a new kernel of this Python;
    ``reset_code`` runs silently in the kernel before the first cell.
    """
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    from mtcollect_nb.report.papermill_engine import register

    failed: PapermillExecutionError | None = None
    try:
        # written beside the target and renamed onto it at the end (a full disk never leaves
        # a truncated notebook); a notebook whose cell failed is kept, with its traceback
        with atomic_path(Path(executed), suffix=".ipynb") as tmp:
            try:
                pm.execute_notebook(
                    _braces(source), _braces(tmp), parameters=parameters,
                    kernel_name="python3", engine_name=register(),
                    km=kernel_manager() if km is None else km, progress_bar=progress,
                    execution_timeout=timeout, start_timeout=120,
                    extra_arguments=list(KERNEL_ARGUMENTS), reset_code=reset_code,
                )
            except PapermillExecutionError as exc:
                failed = exc
    except MtcollectError:
        raise
    except Exception as exc:  # kernel died, cell timeout, kernel did not start ...
        reason = _first_line(str(exc)) or type(exc).__name__
        raise MtcollectError(f"{executed}: {type(exc).__name__}: {reason}") from None
    if failed is not None:
        reason = (_first_line(f"{failed.ename}: {failed.evalue}") if failed.evalue
                  else failed.ename)
        raise MtcollectError(f"{executed}: cell [{failed.exec_count}] failed: {reason}")


if __name__ == "__main__":  # pragma: no cover - maintainer tool
    print(f"stored the checked outputs of {store_checked_outputs()}")

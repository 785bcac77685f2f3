"""An executed notebook as one offline HTML page; plotly.js embedded or shared by a batch.

:func:`export_html` is how every notebook run ends (``mtcollect run``, the batch, the explorer
and the rollup). plotly.js (~4.6 MB) goes into the page's head, so the page opens with no
network; a batch may instead write it once under its output root
(:func:`write_shared_plotly`) and give every district page a relative ``<script src>`` to it:
still offline, as long as the file keeps its place relative to the pages.

Example:
    >>> import nbformat, tempfile
    >>> d = Path(tempfile.mkdtemp())
    >>> nbformat.write(nbformat.v4.new_notebook(), d / "n.ipynb")
    >>> "<script src=" in export_html(d / "n.ipynb", d / "n.html").read_text()
    False
    >>> page = export_html(d / "n.ipynb", d / "0001" / "n.html", write_shared_plotly(d))
    >>> f'src="../plotly-{plotly_version()}.min.js"' in page.read_text()
    True
"""

from __future__ import annotations

import functools
import os
from html import escape
from pathlib import Path
from typing import Any

from mtcollect_nb.files import atomic_path
from mtcollect_nb.outputs import plotly_js_name

# nbconvert's lab template without the CDN scripts (require.js, MathJax, mermaid): the page
# only needs plotly.js, which export_html adds.
_OFFLINE_TEMPLATE = (
    "{%- extends 'index.html.j2' -%}\n"
    "{%- block html_head_js_requirejs -%}{%- endblock html_head_js_requirejs -%}\n"
    "{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}\n"
    "{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}\n"
)
#: Cells with this tag are for analysts only (left out of the district's HTML report).
ANALYST_TAG = "analyst-only"
#: Tags of the parameters cells (the notebook's and the one papermill injects).
PARAMETER_TAGS = frozenset({"parameters", "injected-parameters"})
_PLOTLY_CONFIG = ('<script type="text/javascript">window.PlotlyConfig = '
                  '{MathJaxConfig: "local"};</script>\n')


def export_html(notebook_path: Path, html_path: Path, plotly_js: Path | None = None,
                report: bool = False) -> Path:
    """Write the executed notebook as one HTML page that needs no network; atomic.

    ``report``: the district's report (:func:`report_notebook`: no
    code, no prompts, no parameters or analyst-only cells); else the whole notebook.

    plotly.js is embedded once in the page's head (the figures' scripts call it), or, with
    ``plotly_js`` (a file from :func:`write_shared_plotly`), loaded from that file by a
    relative ``<script src>``. Saved widget state is dropped first: nbconvert would add a
    script loading the widget renderer from a CDN (widgets show as their text; figures and
    tables as they are).

    Example:
        >>> import nbformat, tempfile
        >>> d = Path(tempfile.mkdtemp())
        >>> shown = nbformat.v4.new_output("stream", name="stdout", text="mt_output_marker")
        >>> cell = nbformat.v4.new_code_cell("print(mt_code_marker)", outputs=[shown])
        >>> nbformat.write(nbformat.v4.new_notebook(cells=[cell]), d / "n.ipynb")
        >>> js = d / "plotly.min.js"  # pages that load a shared plotly.js (quicker to write)
        >>> report = export_html(d / "n.ipynb", d / "r.html", js, report=True).read_text()
        >>> analyst = export_html(d / "n.ipynb", d / "a.html", js).read_text()
        >>> [("mt_code_marker" in p, "mt_output_marker" in p) for p in (report, analyst)]
        [(False, True), (True, True)]
    """
    import nbformat

    nb = nbformat.read(notebook_path, as_version=4)
    if report:
        nb = report_notebook(nb)
    nb.metadata.pop("widgets", None)
    body, _ = _exporter(report).from_notebook_node(nb)
    body = body.replace("</head>", _plotly_script(html_path, plotly_js) + "</head>", 1)
    html_path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(html_path) as tmp:
        tmp.write_text(body, encoding="utf-8")
    return html_path


def report_notebook(nb: Any) -> Any:
    """A copy of the executed notebook as the district sees it (what ``report=True`` drops).

    Example:
        >>> import nbformat
        >>> nb = nbformat.v4.new_notebook(cells=[
        ...     nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_markdown_cell("# Hi")])
        >>> [c.cell_type for c in report_notebook(nb).cells]
        ['markdown']
    """
    import copy

    nb = copy.deepcopy(nb)
    nb.metadata.pop("widgets", None)  # nbconvert would load the widget renderer from a CDN
    keep = []
    for cell in nb.cells:
        tags = set(cell.get("metadata", {}).get("tags", []))
        if tags & (PARAMETER_TAGS | {ANALYST_TAG}):
            continue
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", []) if not (
                o.get("output_type") == "stream" and o.get("name") == "stderr")]
            if not cell.outputs:
                continue
        keep.append(cell)
    nb.cells = keep
    return nb



@functools.cache
def _exporter(report: bool) -> Any:
    """The HTML exporter (nbconvert, lab template without CDN scripts), built once per process.

    ``report``: inputs and prompts left out (nbconvert's own no-input export).
    """
    import jinja2
    from nbconvert import HTMLExporter
    from nbconvert.filters import clean_html

    exporter = HTMLExporter(
        template_name="lab", exclude_input=report, exclude_input_prompt=report,
        exclude_output_prompt=report,
        extra_loaders=[jinja2.DictLoader({"mtcollect_offline.html.j2": _OFFLINE_TEMPLATE})],
        template_file="mtcollect_offline.html.j2",
    )
    # bleach-cleaning the highlighted code of every cell is a third of a page's templating;
    # the cells' code is the same page after page (a pure function of its text): cache it
    exporter.register_filter("clean_html", functools.lru_cache(maxsize=1024)(clean_html))
    return exporter


def _plotly_script(html_path: Path, plotly_js: Path | None) -> str:
    """plotly.js inline, as Plotly's own offline HTML embeds it, or a relative script src."""
    if plotly_js is not None:
        src = Path(os.path.relpath(Path(plotly_js).resolve(), html_path.resolve().parent))
        return (f'{_PLOTLY_CONFIG}<script type="text/javascript" charset="utf-8" '
                f'src="{escape(src.as_posix())}"></script>\n')
    from plotly.offline import get_plotlyjs

    return f'{_PLOTLY_CONFIG}<script type="text/javascript">{get_plotlyjs()}</script>\n'


def plotly_version() -> str:
    """The installed plotly's version (names the shared plotly.js file)."""
    import plotly

    return str(plotly.__version__)


def write_shared_plotly(root: Path) -> Path:
    """``root/plotly-<version>.min.js`` for pages exported with ``plotly_js``; returns it.

    Written (atomically) only when missing or not this plotly's script, so pages of earlier
    batches and batches running at the same time always find a complete file.
    """
    from plotly.offline import get_plotlyjs

    path = Path(root) / plotly_js_name(plotly_version())
    script = get_plotlyjs().encode("utf-8")
    if not path.is_file() or path.stat().st_size != len(script):
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path) as tmp:
            tmp.write_bytes(script)
    return path

"""What every Plotly figure of the package shares: the template, the palette, the empty figure.

The three figure modules (:mod:`mtcollect_nb.report.figures` for the district notebook,
:mod:`mtcollect_nb.explore.figures` for the explorer, :mod:`mtcollect_nb.state.figures` for
the statewide rollup) and the window figure draw with :data:`TEMPLATE` and the colours here, and
say "nothing to draw" with :func:`empty_figure`, so a figure looks the same wherever it is
shown. :func:`offline_plotly` makes the figures render in a notebook and in its offline HTML
page (each notebook calls it in its first cell).

Example:
    >>> fig = empty_figure("Findings per rule", "No findings")
    >>> fig.layout.template.layout.paper_bgcolor, fig.layout.annotations[0].text
    ('white', 'No findings')
"""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from mtcollect_nb.columns import SEVERITIES

TEMPLATE = "plotly_white"
#: Good, at risk, bad, neutral: counted / used, close to a threshold, excluded / rejected.
GOOD, RISK, BAD, NORMAL = "#27ae60", "#e67e22", "#c0392b", "#7f8c8d"
#: Information (and exempt days).
INFO = "#2e86c1"
#: One colour per severity, in SEVERITIES order (error, warning, info).
SEVERITY_COLORS: dict[str, str] = dict(zip(SEVERITIES, (BAD, RISK, INFO), strict=True))
_RENDERER = "mtcollect_offline"


def empty_figure(title: str, note: str) -> go.Figure:
    """A figure with nothing to draw: its title and, in the middle, why (no axes)."""
    fig = go.Figure()
    fig.add_annotation(text=note, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_layout(title=title, template=TEMPLATE, xaxis_visible=False, yaxis_visible=False)
    return fig


def offline_plotly() -> None:
    """Make Plotly figures render in the notebook *and* in its offline HTML export.

    Registers a renderer that draws every figure as HTML calling the page's ``Plotly`` (no
    CDN script), plus the Plotly MIME bundle that JupyterLab renders. plotly.js itself is not
    put into the notebook (4.7 MB that papermill would rewrite after every cell): the HTML
    export adds it once (:func:`mtcollect_nb.report.html_export.export_html`). Call it in the
    notebook's first code cell.
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

"""The collection window run by run: the season's counts and open errors (from ``history/``).

Example:
    >>> from mtcollect_nb.window.history import runs_table
    >>> fig = window_figure(runs_table([]))
    >>> fig.layout.annotations[0].text
    'No runs recorded yet in this output folder'
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from mtcollect_nb.report.plotting import TEMPLATE, empty_figure
from mtcollect_nb.season import SEASONS, SPRING

TITLE = "The collection window, run by run"
#: (column, legend name, colour, panel row)
SERIES: tuple[tuple[str, str, str, int], ...] = (
    ("springCountReported", "spring count reported", "#8EA9DB", 1),
    ("springCountValidated", "spring count validated", "#375623", 1),
    ("errors", "errors open", "#C00000", 2),
    ("warningsNotReviewed", "warnings not reviewed", "#BF8F00", 2),
)


def window_figure(runs: pd.DataFrame) -> go.Figure:
    """Two panels over the runs: spring counts; errors open and warnings not reviewed.

    ``runs`` is :func:`~mtcollect_nb.window.history.runs_table` (a finished run's ``runs()``).
    Each run is one point (its time on the x axis), so ten days of reruns read left to right.
    """
    if runs.empty:
        return empty_figure(TITLE, "No runs recorded yet in this output folder")
    season = next((s for s in SEASONS.values() if s.count_reported in runs.columns), SPRING)
    fig = make_subplots(rows=2, cols=1, shared_xaxes=True, vertical_spacing=0.08,
                        subplot_titles=(f"{season.title} count (district)", "Open problems"))
    when = runs["started"].tolist()
    for spring_col, spring_name, colour, row in SERIES:  # the counts of the runs' season
        col = season.column(spring_col)
        name = spring_name.replace(SPRING.name, season.name, 1)
        fig.add_trace(go.Scatter(x=when, y=runs[col].tolist(), name=name, mode="lines+markers",
                                 line={"color": colour}), row=row, col=1)
    fig.update_layout(title=TITLE, template=TEMPLATE, height=520, hovermode="x unified")
    fig.update_yaxes(rangemode="tozero", row=2, col=1)
    return fig


"""Plotly figures of the statewide rollup, built only from published (suppressed) numbers.

A figure embeds its data in the notebook, so every figure here reads
:attr:`Publication.numbers <mtcollect_nb.state.rollup.Publication>` where suppressed cells are NaN:
a hidden count never reaches a chart.

Example:
    >>> from mtcollect_nb.state.rollup import State, publish
    >>> e = State(pd.DataFrame({"status": []}), pd.DataFrame(columns=["district", "budgetUnit",
    ...     "fallCount", "springCountReported", "springCountValidated", "anbReported",
    ...     "anbValidated"]), pd.DataFrame(columns=["district", "ruleId", "severity",
    ...     "collection", "findings"]), pd.Series(dtype=object))
    >>> len(budget_units_figure(publish(e)).data)
    2
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from mtcollect_nb.columns import ELEMENTARY, HIGH_SCHOOL, SEVERITIES
from mtcollect_nb.report.plotting import SEVERITY_COLORS, TEMPLATE
from mtcollect_nb.state.rollup import EFFECT, TOTAL, Publication, ranked

_TITLES = {EFFECT: "Funding effect (ANB validated - reported)", "errors": "Errors",
           "warnings": "Warnings"}


def budget_units_figure(pub: Publication) -> go.Figure:
    """Statewide ANB reported vs validated, per budget unit (grouped bars)."""
    t = pub.numbers["budget_units"].loc[[ELEMENTARY, HIGH_SCHOOL]]
    fig = go.Figure([
        go.Bar(name="ANB reported", x=list(t.index), y=t["anbReported"].tolist()),
        go.Bar(name="ANB validated", x=list(t.index), y=t["anbValidated"].tolist()),
    ])
    fig.update_layout(barmode="group", title="Statewide ANB by budget unit",
                      yaxis_title="ANB", template=TEMPLATE)
    return fig


def ranking_figure(pub: Publication, column: str, top: int = 20) -> go.Figure:
    """The ``top`` districts by ``column`` whose value is published (horizontal bars)."""
    r = ranked(pub, column)
    r = r[r["rank"].notna()].head(top).iloc[::-1]
    values = pub.numbers["districts"].loc[r["district"], column]
    labels = (r["district"] + " " + r["name"].astype(str)).tolist()
    fig = go.Figure(go.Bar(x=values.tolist(), y=labels, orientation="h"))
    fig.update_layout(title=f"Districts ranked by {_TITLES.get(column, column).lower()}"
                            f" (top {top}, suppressed values not shown)",
                      xaxis_title=_TITLES.get(column, column), template=TEMPLATE,
                      height=max(300, 22 * len(labels) + 120))
    return fig


def rules_figure(pub: Publication) -> go.Figure:
    """Number of districts with at least one finding of each rule, coloured by severity."""
    t = pub.rules[~pub.rules.index.str.startswith(TOTAL)]
    fig = go.Figure()
    for sev in SEVERITIES:
        part = t[t["severity"] == sev]
        if part.empty:
            continue
        findings = pd.Series(part["findings"]).astype(str)
        fig.add_bar(name=sev, x=list(part.index), y=part["districts"].tolist(),
                    marker_color=SEVERITY_COLORS[sev], customdata=findings.tolist(),
                    hovertemplate="%{x}: %{y} districts, %{customdata} findings<extra></extra>")
    fig.update_layout(title="Rule frequency across districts", yaxis_title="districts",
                      template=TEMPLATE)
    return fig

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
from mtcollect_nb.state.rollup import EFFECT, TOTAL, Publication, effect_pair, ranked

_TITLES = {EFFECT: "Funding effect (ANB validated - reported)", "errors": "Errors",
           "warnings": "Warnings"}


def budget_units_figure(pub: Publication) -> go.Figure:
    """Statewide ANB reported vs validated, per budget unit (grouped bars)."""
    t = pub.numbers["budget_units"].loc[[ELEMENTARY, HIGH_SCHOOL]]
    reported, validated = effect_pair(pub.season)  # a fall batch: the fall count
    what = "ANB" if reported == "anbReported" else f"{pub.season.title} count"
    fig = go.Figure([
        go.Bar(name=f"{what} reported", x=list(t.index), y=t[reported].tolist()),
        go.Bar(name=f"{what} validated", x=list(t.index), y=t[validated].tolist()),
    ])
    fig.update_layout(barmode="group", title=f"Statewide {what} by budget unit",
                      yaxis_title=what, template=TEMPLATE)
    return fig


def ranking_figure(pub: Publication, column: str, top: int = 20) -> go.Figure:
    """The ``top`` districts by ``column`` whose value is published (horizontal bars)."""
    r = ranked(pub, column)
    r = r[r["rank"].notna()].head(top).iloc[::-1]
    values = pub.numbers["districts"].loc[r["district"], column]
    labels = (r["district"] + " " + r["name"].astype(str)).tolist()
    fig = go.Figure(go.Bar(x=values.tolist(), y=labels, orientation="h"))
    title = _TITLES.get(column, column)
    if column == EFFECT and effect_pair(pub.season)[0] != "anbReported":  # a fall batch
        title = f"Funding effect ({pub.season.name} count validated - reported)"
    fig.update_layout(title=f"Districts ranked by {title.lower()}"
                            f" (top {top}, suppressed values not shown)",
                      xaxis_title=title, template=TEMPLATE,
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

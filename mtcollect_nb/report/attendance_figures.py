"""Attendance figures: the call list's days left against streak; chronic absence rates.

Chronic absence is shown by school and grade; both are the district notebook's and its HTML
report's. Like :mod:`mtcollect_nb.report.figures` (the count date's figures), builders
read only the run (a masked run gives masked figures), never show a figure and are
deterministic.

Decisions (spec open), kept here:
    * Days left against streak: one point per enrollment on the call list (streak at ``as_of``
      across, instructional days left up; a point per school colour), with the line
      streak + days left = 11: on or above it the absence, if it goes on, reaches 11 by the
      count date. Points of one (streak, days left) are drawn once with their count, so a
      school with several students on one day shows how many.
    * The attendance-rate figure shows, per school and grade, the share of students enrolled
      10 days or more who are chronically absent (rules.md), in every run.

Example:
    >>> from mtcollect_nb.checks.run import run_from_analysis
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> days_left_figure(run_from_analysis(tiny_analysis())).layout.annotations[0].text
    'Not a forecast run: set as_of (mtcollect run --as-of DATE) for the call list'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import plotly.graph_objects as go

from mtcollect_nb.columns import (
    CHRONICALLY_ABSENT,
    DAYS_LEFT,
    FTE_AT_RISK,
    SCHOOL_NUMBER,
    STREAK_AS_OF,
)
from mtcollect_nb.compute.absence import EXCLUDE_STREAK
from mtcollect_nb.report.plotting import BAD, TEMPLATE, empty_figure
from mtcollect_nb.report.sheets import school_labels

if TYPE_CHECKING:
    from mtcollect_nb.checks.run import DistrictRun

CALL_LIST_TITLE = "Call list: days left against the streak"
ATTENDANCE_TITLE = "Chronic absence by school and grade"


def days_left_figure(run: DistrictRun) -> go.Figure:
    """The call list: streak at ``as_of`` (x) against instructional days left (y), by school."""
    p = run.params
    if p.as_of is None:
        return empty_figure(CALL_LIST_TITLE, "Not a forecast run: set as_of (mtcollect run "
                                             "--as-of DATE) for the call list")
    calls = run.analysis.call_list
    if calls.empty:
        return empty_figure(CALL_LIST_TITLE, f"No student on the call list as of "
                                             f"{p.as_of.isoformat()}")
    labels = school_labels(run)
    points = (calls.assign(school=calls[SCHOOL_NUMBER].map(labels).fillna(calls[SCHOOL_NUMBER]))
              .groupby(["school", STREAK_AS_OF, DAYS_LEFT], as_index=False, sort=True)
              .agg(students=(STREAK_AS_OF, "size"), fte=(FTE_AT_RISK, "sum")))
    fig = go.Figure()
    for school, part in points.groupby("school", sort=True):  # one trace per school
        fig.add_scatter(name=str(school), x=part[STREAK_AS_OF], y=part[DAYS_LEFT],
                        mode="markers", marker={"size": 10 + 4 * (part["students"] - 1)},
                        customdata=part[["students", "fte"]].to_numpy(),
                        hovertemplate="streak %{x}, %{y} days left: %{customdata[0]} "
                                      "student(s), %{customdata[1]:.2f} FTE<extra></extra>")
    top = int(max(points[STREAK_AS_OF].max(), EXCLUDE_STREAK)) + 1
    fig.add_scatter(name=f"streak + days left = {EXCLUDE_STREAK}", x=[0, top],
                    y=[EXCLUDE_STREAK, EXCLUDE_STREAK - top], mode="lines",
                    line={"color": BAD, "dash": "dash"}, hoverinfo="skip")
    fig.update_layout(
        title=f"{CALL_LIST_TITLE}: {len(calls)} students, "
              f"{float(calls[FTE_AT_RISK].sum()):.2f} FTE at risk by {p.count_date.isoformat()}",
        xaxis_title=f"consecutive whole-day absences as of {p.as_of.isoformat()}",
        yaxis_title="instructional days left to the count date",
        xaxis={"dtick": 1, "range": [0, top]},
        yaxis={"rangemode": "tozero"}, template=TEMPLATE)
    return fig


def attendance_rate_figure(run: DistrictRun) -> go.Figure:
    """Chronic absence rate per school and grade (students enrolled 10+ days)."""
    t = run.analysis.attendance_table
    t = t.loc[t["students"] > 0]
    if t.empty:
        return empty_figure(ATTENDANCE_TITLE, "No student enrolled 10 days or more")
    labels = school_labels(run)
    t = t.assign(school=t[SCHOOL_NUMBER].map(labels).fillna(t[SCHOOL_NUMBER]))
    fig = go.Figure()
    for school, part in t.groupby("school", sort=True):
        fig.add_bar(name=str(school), x=part["grade"], y=part["chronicAbsenceRate"],
                    customdata=part[[CHRONICALLY_ABSENT, "students"]].to_numpy(),
                    hovertemplate="grade %{x}: %{y:.1%} (%{customdata[0]} of "
                                  "%{customdata[1]})<extra></extra>")
    total = int(t[CHRONICALLY_ABSENT].sum())
    fig.update_layout(
        title=f"{ATTENDANCE_TITLE}: {total} of {int(t['students'].sum())} students "
              "chronically absent (10%+ of days enrolled)",
        xaxis_title="grade", xaxis_type="category", yaxis_title="chronically absent",
        yaxis_tickformat=".0%", barmode="group", template=TEMPLATE)
    return fig

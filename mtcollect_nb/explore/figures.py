"""Plotly figures of the exploration views: one student's calendar and hours, one school's ANB.

Each builder takes the frame an explore function returned (:mod:`~mtcollect_nb.explore.views`,
:mod:`~mtcollect_nb.explore.student`, :mod:`~mtcollect_nb.explore.days`) (so a
masked run gives masked figures), returns a Figure and never shows it.

Example:
    >>> from mtcollect_nb.testing import make_analysis, student, enrollment, absences
    >>> from mtcollect_nb.checks.run import run_from_analysis
    >>> from mtcollect_nb.explore.days import student_calendar
    >>> a = make_analysis(students=[student(1)], enrollments=[enrollment(10, 1)],
    ...                   attendance=absences(1, ["2025-02-03"]))
    >>> fig = calendar_figure(student_calendar(run_from_analysis(a), 1))
    >>> [t.name for t in fig.data]
    ['present', 'whole-day absent', 'streak day', 'count date']
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from mtcollect_nb.compute.absence import EXCLUDE_STREAK
from mtcollect_nb.compute.hours import BAND_EDGES
from mtcollect_nb.explore.days import (
    ABSENT,
    DAY_LEFT,
    DAY_STATUSES,
    EXEMPT_DAY,
    IN_STREAK,
    IS_COUNT_DATE,
    NOT_ENROLLED,
    PARTIAL,
    PRESENT,
    STREAK_DAY,
    TO_COME,
)
from mtcollect_nb.report.plotting import BAD, GOOD, INFO, NORMAL, RISK, TEMPLATE, empty_figure

STATUS_COLORS: dict[str, str] = {PRESENT: GOOD, PARTIAL: RISK, ABSENT: BAD,
                                 EXEMPT_DAY: INFO, NOT_ENROLLED: "#d5d8dc", TO_COME: "#fdebd0"}
WEEKDAYS: tuple[str, ...] = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
COUNT_DATE_COLOR = "#d4ac0d"


def absences_text(n: int) -> str:
    """``n`` consecutive whole-day absences, in English.

    Example:
        >>> absences_text(1), absences_text(11)
        ('1 consecutive whole-day absence', '11 consecutive whole-day absences')
    """
    return f"{n} consecutive whole-day absence" + ("" if n == 1 else "s")


def calendar_figure(calendar: pd.DataFrame, title: str = "") -> go.Figure:
    """One student's days around the count date: a week-by-weekday grid coloured by status.

    Streak days carry their number (1 = first day of the streak; the count date shows the
    streak length, so the 11 is visible) and a black outline; the count date has a gold frame
    around it (nothing covers its number).

    Args:
        calendar: :func:`mtcollect_nb.explore.days.student_calendar`.
        title: figure title (default: the streak and count date).
    """
    if calendar.empty:
        return empty_figure(title or "Absence calendar", "No enrollment to show")
    c = calendar.assign(week=calendar["date"] - pd.to_timedelta(calendar["date"].dt.weekday,
                                                                unit="D"))
    many = c["calendarID"].nunique() > 1
    c["row"] = (("calendar " + c["calendarID"].astype(str) + " ") if many else "") + c["weekday"]
    rows = (c.drop_duplicates("row").assign(o=c["weekday"].map(WEEKDAYS.index))
            .sort_values(["calendarID", "o"])["row"].tolist())
    fig = go.Figure()
    for status in DAY_STATUSES:
        part = c.loc[c["status"] == status]
        if part.empty:
            continue
        fig.add_scatter(name=status, x=part["week"], y=part["row"], mode="markers",
                        marker={"symbol": "square", "size": 26, "color": STATUS_COLORS[status]},
                        customdata=part["date"].dt.strftime("%Y-%m-%d"),
                        hovertemplate="%{customdata}: " + status + "<extra></extra>")
    streak = c.loc[c[IN_STREAK]]
    if len(streak):
        fig.add_scatter(name="streak day", x=streak["week"], y=streak["row"],
                        mode="markers+text", text=streak[STREAK_DAY].astype(str),
                        textfont={"color": "white"},
                        marker={"symbol": "square-open", "size": 30, "color": "black",
                                "line": {"width": 2}},
                        customdata=streak["date"].dt.strftime("%Y-%m-%d"),
                        hovertemplate="%{customdata}: streak day %{text}<extra></extra>")
    left = c.loc[c[DAY_LEFT]] if DAY_LEFT in c.columns else c.iloc[:0]
    if len(left):  # a forecast: the school days left to the count date, counted down
        down = left.groupby("calendarID").cumcount(ascending=False) + 1
        fig.add_scatter(name="day left", x=left["week"], y=left["row"], mode="markers+text",
                        text=down.astype(str), textfont={"color": "black"},
                        marker={"symbol": "square-open", "size": 30, "color": RISK,
                                "line": {"width": 2}},
                        customdata=left["date"].dt.strftime("%Y-%m-%d"),
                        hovertemplate="%{customdata}: %{text} school day(s) left to the count "
                                      "date<extra></extra>")
    count = c.loc[c[IS_COUNT_DATE]]
    if len(count):  # a gold frame around the day: nothing covers the streak number
        fig.add_scatter(name="count date", x=count["week"], y=count["row"], mode="markers",
                        marker={"symbol": "square-open", "size": 36, "color": COUNT_DATE_COLOR,
                                "line": {"width": 3}},
                        hoverinfo="skip")
    n = int(streak.groupby("calendarID").size().max()) if len(streak) else 0
    day = count["date"].min().date().isoformat() if len(count) else "?"
    fig.update_layout(
        title=title or f"{absences_text(n)} at the count date {day}"
                       + (f" ({EXCLUDE_STREAK}+: excluded)" if n >= EXCLUDE_STREAK else ""),
        template=TEMPLATE, xaxis_title="week of", height=160 + 40 * len(rows),
        yaxis={"categoryorder": "array", "categoryarray": rows[::-1], "title": ""})
    return fig


def hours_figure(enrollments: pd.DataFrame) -> go.Figure:
    """Reported vs computed aggregate hours of the enrollments on the count date, with bands.

    Args:
        enrollments: :func:`mtcollect_nb.explore.student.student_enrollments`.
    """
    e = enrollments.loc[enrollments["onCountDate"]]
    if e.empty:
        return empty_figure("Aggregate hours", "No enrollment on the count date")
    hours = next(c for c in e.columns if c.endswith("AggregateHours"))  # the season's
    y = ("enrollment " + e["enrollmentID"].astype(str) + " (" + e["schoolNumber"] + " "
         + e["grade"] + ")").tolist()
    fig = go.Figure([
        go.Bar(name="reported", y=y, x=e[hours].tolist(), orientation="h",
               marker_color=NORMAL, text=e["bandReported"].map("FTE {:g}".format).tolist()),
        go.Bar(name="computed", y=y, x=e["computedHours"].tolist(), orientation="h",
               marker_color=GOOD, text=e["bandComputed"].map("FTE {:g}".format).tolist()),
    ])
    for edge, fte in BAND_EDGES[:-1]:
        fig.add_vline(x=edge, line_dash="dot", line_color=BAD,
                      annotation_text=f"{edge:g} h = {fte:g}", annotation_position="top")
    fig.update_layout(barmode="group", template=TEMPLATE, xaxis_title="aggregate hours",
                      title="Aggregate hours and their FTE band", height=220 + 60 * len(y))
    return fig


def school_anb_figure(table: pd.DataFrame, school_number: str = "") -> go.Figure:
    """One school's count reported vs validated by grade (spring: with the fall count).

    Args:
        table: :func:`mtcollect_nb.explore.views.school_anb` (its Total row is left out).
        school_number: for the title.
    """
    t = table.loc[table["grade"] != "Total"]
    reported = next(c for c in t.columns if c.endswith("CountReported"))  # the season's
    validated, season = reported.replace("Reported", "Validated"), reported[:-len("CountReported")]
    title = (f"School {school_number}: " if school_number else "") + f"{season} count by grade"
    if t.empty:
        return empty_figure(title, "No enrollment on the count date")
    grades = t["grade"].tolist()
    bars: list[go.Bar | go.Scatter] = [
        go.Bar(name="reported", x=grades, y=t[reported].tolist(), marker_color=NORMAL),
        go.Bar(name="validated", x=grades, y=t[validated].tolist(), marker_color=GOOD)]
    if "fallCount" in t.columns:  # a spring run: the fall count beside it
        bars.append(go.Scatter(name="fall count", x=grades, y=t["fallCount"].tolist(),
                               mode="markers",
                               marker={"symbol": "line-ew-open", "size": 24, "color": "black"}))
    fig = go.Figure(bars)
    fig.update_layout(barmode="group", template=TEMPLATE, xaxis_type="category",
                      yaxis_title="FTE students",
                      title=f"{title} (reported {t[reported].sum():g}, "
                            f"validated {t[validated].sum():g})")
    return fig


def count_moves_figure(moves: pd.DataFrame) -> go.Figure:
    """Fall -> spring change of each school (reported), largest move on top.

    Args:
        moves: :func:`mtcollect_nb.explore.views.count_moves`.
    """
    if moves.empty:
        return empty_figure("Fall to spring count change by school", "No counts")
    m = moves.iloc[::-1]
    labels = (m["schoolNumber"] + " " + m["schoolName"]).str.strip().tolist()
    down = (m["changeReported"] < 0).to_numpy()
    fig = go.Figure([  # one trace per colour: the legend shows both
        go.Bar(name=name, y=np.array(labels, dtype=object)[mask].tolist(),
               x=m["changeReported"][mask].tolist(), orientation="h", marker_color=colour)
        for name, mask, colour in (("reported: up", ~down, GOOD), ("reported: down", down, BAD))
        if mask.any()
    ] + [go.Scatter(name="validated", y=labels, x=m["changeValidated"].tolist(),
                    mode="markers", marker={"symbol": "diamond", "color": "black"})])
    fig.update_layout(barmode="overlay", yaxis={"categoryorder": "array",
                                               "categoryarray": labels})
    fig.update_layout(template=TEMPLATE, xaxis_title="spring count - fall count (FTE)",
                      title="Fall to spring count change by school (largest move on top)",
                      height=200 + 30 * len(labels))
    return fig

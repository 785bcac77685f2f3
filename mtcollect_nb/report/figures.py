"""Plotly figures of one district run (notebook and HTML report); each builder returns a Figure.

Builders never show or write a figure, read only the :class:`DistrictRun` (or a frame of it), so a
masked run gives masked figures, and are deterministic (sorted categories, no randomness).

Decisions:
    * Outliers are the modified z-score rule (Iglewicz and Hoaglin): |0.6745 (x - median) / MAD|
      > 3.5; where the MAD is 0 the mean absolute deviation (x 1.2533) stands in, and where that
      is 0 too nothing is an outlier. A value must also be more than 20 % of |median| away from
      the median, so a 55 among many 50s is not flagged (:func:`robust_outliers`).
    * The fall -> spring change is spring count *reported* (what IC would certify) minus the
      fall count; outliers are judged on that change as plotted (so a larger move is never
      left unflagged while a smaller one is flagged), and a move under one FTE student
      (:data:`MIN_MOVE`) is never an outlier. The relative change shows on hover.
    * Schools are named "number name" on every axis and legend (:func:`school_labels`).
    * The absence heat map covers each school's instructional days up to the latest effective
      count date (later days have no attendance yet and would all look "not taken").

Example:
    >>> robust_outliers(pd.Series([10, 11, 9, 10, 50])).tolist()
    [False, False, False, False, True]
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from mtcollect_nb.columns import SEVERITIES, STREAK
from mtcollect_nb.compute.absence import EXCLUDE_STREAK, whole_day_absence_rows
from mtcollect_nb.compute.thresholds import day_attendance
from mtcollect_nb.report.plotting import (
    BAD,
    GOOD,
    NORMAL,
    RISK,
    SEVERITY_COLORS,
    TEMPLATE,
    empty_figure,
)
from mtcollect_nb.report.sheets import school_labels

if TYPE_CHECKING:
    from mtcollect_nb.checks.run import DistrictRun

OUTLIER_Z = 3.5
OUTLIER_MIN_RELATIVE = 0.2
MIN_MOVE = 1.0  # FTE students: a smaller fall -> spring move is never an outlier
AT_RISK = (8, 10)  # streak lengths one school week from exclusion
DISTRICT_LEVEL = "(district)"


def robust_outliers(values: pd.Series, threshold: float = OUTLIER_Z,
                    min_relative: float = OUTLIER_MIN_RELATIVE,
                    min_absolute: float = 0.0) -> pd.Series:
    """Whether each value is an outlier by the modified z-score (NaN is never one).

    Every condition grows with the distance from the median, so a value at least as far from
    it as an outlier is an outlier too. ``min_absolute``: the least distance that counts.

    Example:
        >>> bool(robust_outliers(pd.Series([1.0, 1.0, 1.0])).any())
        False
    """
    x = pd.to_numeric(values, errors="coerce").astype("float64")
    dev = x - x.median()
    mad = dev.abs().median()
    scale = mad / 0.6745 if mad > 0 else 1.2533 * dev.abs().mean()
    if not scale or not np.isfinite(scale):
        return pd.Series(False, index=values.index)
    far = (dev.abs() > min_relative * abs(x.median())) & (dev.abs() >= min_absolute)
    return ((dev.abs() / scale > threshold) & far).fillna(False)


def _named(numbers: pd.Series, labels: pd.Series | None) -> pd.Series:
    """School numbers as their labels (unknown numbers stay as they are)."""
    text = numbers.fillna("").astype(str)
    return text if labels is None else text.map(labels).fillna(text)


def _school_grade(df: pd.DataFrame, labels: pd.Series | None = None) -> list[list[str]]:
    """A two-level (school, grade) category axis."""
    return [_named(df["schoolNumber"], labels).tolist(), df["grade"].astype(str).tolist()]


def accounting_figure(run: DistrictRun) -> go.Figure:
    """Rows used and rejected per input file (stacked bars; the stack is rows read)."""
    acc = run.analysis.bundle.accounting.sort_values("file", kind="mergesort")
    if acc.empty:
        return empty_figure("Input accounting", "No input files")
    fig = go.Figure([
        go.Bar(name="used", x=acc["file"].tolist(), y=acc["used"].tolist(), marker_color=GOOD),
        go.Bar(name="rejected", x=acc["file"].tolist(), y=acc["rejected"].tolist(),
               marker_color=BAD),
    ])
    fig.update_layout(barmode="stack", title="Input accounting: rows read = used + rejected",
                      yaxis_title="rows", template=TEMPLATE)
    return fig


def findings_by_rule_figure(findings: pd.DataFrame) -> go.Figure:
    """Number of findings per rule, coloured by severity."""
    if findings.empty:
        return empty_figure("Findings per rule", "No findings")
    counts = findings.groupby(["severity", "ruleId"]).size().rename("n").reset_index()
    fig = go.Figure()
    for sev in SEVERITIES:
        part = counts[counts["severity"] == sev].sort_values("ruleId")
        if len(part):
            fig.add_bar(name=sev, x=part["ruleId"].tolist(), y=part["n"].tolist(),
                        marker_color=SEVERITY_COLORS[sev])
    fig.update_layout(title=f"Findings per rule ({len(findings)} in all)", yaxis_title="findings",
                      xaxis={"categoryorder": "category ascending"}, template=TEMPLATE)
    return fig


def findings_by_school_figure(findings: pd.DataFrame,
                              labels: pd.Series | None = None) -> go.Figure:
    """Findings per school, stacked by severity (district-level findings on their own bar).

    ``labels``: :func:`school_labels`, to name the schools (numbers alone without it).
    """
    if findings.empty:
        return empty_figure("Findings per school", "No findings")
    school = _named(findings["schoolNumber"], labels).replace("", DISTRICT_LEVEL)
    counts = findings.assign(school=school).groupby(["severity", "school"]).size()
    fig = go.Figure()
    for sev in SEVERITIES:
        if sev in counts.index.get_level_values(0):
            part = counts[sev].sort_index()
            fig.add_bar(name=sev, x=part.index.tolist(), y=part.tolist(),
                        marker_color=SEVERITY_COLORS[sev])
    fig.update_layout(barmode="stack", title="Findings per school", xaxis_title="school",
                      xaxis={"type": "category", "categoryorder": "category ascending"},
                      yaxis_title="findings", template=TEMPLATE)
    return fig


def anb_figure(run: DistrictRun) -> go.Figure:
    """The season's count reported vs validated per school and grade (grouped bars)."""
    t, season = run.analysis.anb_table, run.params.season
    what = f"{season.title} count"  # the season's count (a fall run: the fall count)
    if t.empty:
        return empty_figure(what, "No enrollment on the count date")
    reported, validated = t[season.count_reported], t[season.count_validated]
    x = _school_grade(t, school_labels(run))
    fig = go.Figure([
        go.Bar(name="reported", x=x, y=reported.tolist(), marker_color=NORMAL),
        go.Bar(name="validated", x=x, y=validated.tolist(), marker_color=GOOD),
    ])
    fig.update_layout(barmode="group", template=TEMPLATE, yaxis_title="FTE students",
                      title=f"{what} per school and grade: reported "
                            f"{reported.sum():g}, validated {validated.sum():g}")
    return fig


def funding_effect_figure(run: DistrictRun) -> go.Figure:
    """The season's count validated - reported per school: what the findings do to the count."""
    t, season = run.analysis.anb_table, run.params.season
    if t.empty:
        return empty_figure("Funding effect", "No enrollment on the count date")
    effect = (t[season.count_validated] - t[season.count_reported]).groupby(
        t["schoolNumber"]).sum().round(4).sort_index()
    effect.index = _named(effect.index.to_series(), school_labels(run)).to_numpy()
    colors = np.where(effect < 0, BAD, GOOD).tolist()
    fig = go.Figure(go.Bar(x=effect.index.tolist(), y=effect.tolist(), marker_color=colors))
    fig.update_layout(title=f"Funding effect: {season.name} count validated - reported "
                            f"(district {effect.sum():+g})", xaxis_title="school",
                      xaxis_type="category", yaxis_title="FTE students", template=TEMPLATE)
    return fig


def count_change_figure(run: DistrictRun) -> go.Figure:
    """Fall -> spring count change per school and grade; outliers in red.

    A fall run has no such change: it *is* the fall count (the spring run shows it).
    """
    t = run.analysis.anb_table
    if not run.params.season.reads_fall_count:
        return empty_figure("Fall to spring count change",
                            "A fall run is the fall count: the spring run shows the change")
    if not run.analysis.has("fall_count"):
        return empty_figure("Fall to spring count change", "fall_count.csv was not provided")
    t = t.loc[(t["fallCount"] != 0) | (t["springCountReported"] != 0)]
    if t.empty:
        return empty_figure("Fall to spring count change", "No counts")
    change = t["springCountReported"] - t["fallCount"]
    relative = change / t["fallCount"].clip(lower=1.0)
    out = robust_outliers(change, min_absolute=MIN_MOVE)
    fig = go.Figure()
    for name, mask, color in (("change", ~out, NORMAL), ("outlier", out, BAD)):
        part = t.loc[mask]
        if part.empty:
            continue
        custom = np.column_stack([part["fallCount"], part["springCountReported"],
                                  (relative[mask] * 100).round(1)])
        fig.add_bar(name=name, x=_school_grade(part, school_labels(run)), y=change[mask].tolist(),
                    marker_color=color, customdata=custom,
                    hovertemplate="fall %{customdata[0]} -> spring %{customdata[1]}: "
                                  "%{y:+} (%{customdata[2]}%)<extra></extra>")
    fig.update_layout(title=f"Fall to spring count change ({int(out.sum())} outliers)",
                      yaxis_title="spring reported - fall", template=TEMPLATE, barmode="overlay")
    return fig


def streak_distribution_figure(run: DistrictRun) -> go.Figure:
    """Consecutive whole-day absences at the count date, with the 11-day line and 8-10 band."""
    s = run.analysis.streaks[STREAK]
    title = "Absence streaks at the count date"
    if s.empty:
        return empty_figure(title, "No enrollment on the count date")
    top = int(max(s.max(), EXCLUDE_STREAK + 1))
    counts = s[s > 0].value_counts().reindex(range(1, top + 1), fill_value=0)
    days = counts.index.to_numpy()
    colors = np.select([days >= EXCLUDE_STREAK, days >= AT_RISK[0]], [BAD, RISK], NORMAL)
    fig = go.Figure(go.Bar(x=days.tolist(), y=counts.tolist(), marker_color=colors.tolist(),
                           hovertemplate="streak %{x}: %{y} enrollments<extra></extra>"))
    fig.add_vrect(x0=AT_RISK[0] - 0.5, x1=AT_RISK[1] + 0.5, fillcolor=RISK, opacity=0.15,
                  line_width=0, annotation_text="at risk of exclusion next week",
                  annotation_position="top left")
    fig.add_vline(x=EXCLUDE_STREAK - 0.5, line_color=BAD, line_dash="dash",
                  annotation_text=f"{EXCLUDE_STREAK}+ days: excluded",
                  annotation_position="top right")
    fig.update_layout(
        title=f"{title}: {int((s >= EXCLUDE_STREAK).sum())} at {EXCLUDE_STREAK}+, "
              f"{int(s.between(*AT_RISK).sum())} at {AT_RISK[0]}-{AT_RISK[1]}, "
              f"{int((s == 0).sum())} of {len(s)} present on the count date",
        xaxis_title="consecutive whole-day absences", yaxis_title="enrollments",
        xaxis={"dtick": 1}, template=TEMPLATE)
    return fig


def absence_rates(run: DistrictRun) -> pd.DataFrame:
    """Per school and instructional day: enrolled, absent (whole day), rate.

    Days up to the latest effective count date; a day with enrolled students and no absence
    has rate 0 (attendance perhaps not taken).
    """
    a = run.analysis
    cal = a.calendars[["calendarID", "schoolNumber", "effectiveCountDate"]]
    last = cal["effectiveCountDate"].max()
    last = a.spring if pd.isna(last) else last
    days = a.instructional_days[["calendarID", "date"]]
    days = days.loc[days["date"] <= last].merge(cal[["calendarID", "schoolNumber"]],
                                                on="calendarID")
    e = a.table("enrollments")
    e = e.loc[~e["noShow"], ["calendarID", "startDate", "endDate"]]
    events = pd.concat([
        pd.DataFrame({"calendarID": e["calendarID"], "date": e["startDate"], "d": 1}),
        pd.DataFrame({"calendarID": e["calendarID"], "date": e["endDate"] + pd.Timedelta(days=1),
                      "d": -1}).dropna(subset=["date"]),
    ]).groupby(["calendarID", "date"], as_index=False)["d"].sum()
    events = events.sort_values(["date", "calendarID"], kind="mergesort")
    events["enrolled"] = events.groupby("calendarID")["d"].cumsum()
    days = pd.merge_asof(days.sort_values(["date", "calendarID"], kind="mergesort"),
                         events[["calendarID", "date", "enrolled"]], on="date", by="calendarID")
    att = day_attendance(a)  # with the resolved whole-day threshold of each row
    absent = att.loc[whole_day_absence_rows(att, a.instructional_days, a.calendars),
                     ["personID", "calendarID", "date"]].drop_duplicates()
    absent = absent.groupby(["calendarID", "date"]).size().rename("absent").reset_index()
    days = days.merge(absent, on=["calendarID", "date"], how="left")
    out = days.fillna({"enrolled": 0, "absent": 0}).groupby(
        ["schoolNumber", "date"], as_index=False)[["enrolled", "absent"]].sum()
    out = out.loc[out["enrolled"] > 0].astype({"enrolled": "int64", "absent": "int64"})
    out["rate"] = out["absent"] / out["enrolled"]
    return out.sort_values(["schoolNumber", "date"], kind="mergesort").reset_index(drop=True)


def absence_heatmap_figure(run: DistrictRun) -> go.Figure:
    """Daily whole-day absence rate per school; days with no absence at all are marked."""
    r = absence_rates(run)
    title = "Daily whole-day absence rate per school"
    if r.empty:
        return empty_figure(title, "No instructional day with enrolled students")
    r["schoolNumber"] = _named(r["schoolNumber"], school_labels(run))
    z = r.pivot(index="schoolNumber", columns="date", values="rate")
    absent = r.pivot(index="schoolNumber", columns="date", values="absent").reindex_like(z)
    enrolled = r.pivot(index="schoolNumber", columns="date", values="enrolled").reindex_like(z)
    custom = np.dstack([absent.to_numpy(), enrolled.to_numpy()])
    fig = go.Figure(go.Heatmap(
        z=(z * 100).round(1).to_numpy(), x=list(z.columns), y=z.index.tolist(),
        customdata=custom, colorscale="Reds", zmin=0, colorbar_title="% absent",
        hovertemplate="%{y} %{x|%Y-%m-%d}: %{z}% (%{customdata[0]} of "
                      "%{customdata[1]})<extra></extra>"))
    zero = r.loc[r["absent"] == 0]
    fig.add_scatter(x=zero["date"].tolist(), y=zero["schoolNumber"].tolist(), mode="markers",
                    marker={"symbol": "x", "color": "#2c3e50", "size": 6},
                    name="no absence recorded (attendance not taken?)")
    fig.update_layout(title=f"{title} ({len(zero)} school-days with no absence at all)",
                      yaxis={"type": "category", "title": "school"}, template=TEMPLATE,
                      legend={"orientation": "h", "y": -0.2})
    return fig


def cte_figure(cte_sheet: pd.DataFrame) -> go.Figure:
    """Roster count vs minutes per day of each CTE section; outliers and blanks in red."""
    title = "CTE sections: roster count vs minutes per day"
    if cte_sheet.empty:
        return empty_figure(title, "No spring CTE section")
    minutes = pd.to_numeric(cte_sheet["minutesPerDay"], errors="coerce").astype("float64")
    roster = pd.to_numeric(cte_sheet["rosterCountWindow"], errors="coerce").astype("float64")
    odd = ((minutes.fillna(0) == 0) | (roster.fillna(0) == 0) | robust_outliers(minutes)
           | robust_outliers(roster))
    label = (cte_sheet["schoolNumber"].astype(str) + " " + cte_sheet["courseNumber"].astype(str)
             + " " + cte_sheet["courseName"].astype(str) + ", section "
             + cte_sheet["sectionID"].astype(str) + np.where(
                 cte_sheet["findings"].astype(str) != "", " [" + cte_sheet["findings"].astype(
                     str) + "]", ""))
    fig = go.Figure()
    for name, mask, color, size in (("section", ~odd, NORMAL, 8), ("outlier", odd, BAD, 12)):
        if mask.any():
            fig.add_scatter(x=minutes[mask].fillna(0).tolist(), y=roster[mask].tolist(),
                            mode="markers", name=name, text=label[mask].tolist(),
                            marker={"color": color, "size": size},
                            hovertemplate="%{text}<br>%{x} min/day, %{y} students<extra></extra>")
    fig.update_layout(title=f"{title} ({int(odd.sum())} outliers)", template=TEMPLATE,
                      xaxis_title="minutes per day (blank shown as 0)",
                      yaxis_title="students on the roster (fall to spring count date)")
    return fig

"""The ipywidgets explorer over one district run: findings, one student, one school, moves.

Every callback is a plain function of the run and the picked value that returns a dict of
outputs (frames, figures, text) built by :mod:`~mtcollect_nb.explore.views`,
:mod:`~mtcollect_nb.explore.student`, :mod:`~mtcollect_nb.explore.days` and
:mod:`~mtcollect_nb.explore.figures`; :func:`explorer` only wires widgets to them and shows
the outputs, so the callbacks are tested without a browser.

Example:
    >>> from mtcollect_nb.testing import tiny_analysis
    >>> from mtcollect_nb.checks.run import run_from_analysis
    >>> run = run_from_analysis(tiny_analysis())
    >>> on_filter_change(run)["summary"]
    '0 of 0 findings'
    >>> explorer(run).titles
    ('Findings', 'Student', 'School', 'Count moves')
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import pandas as pd
from IPython import get_ipython
from IPython.display import display

from mtcollect_nb.columns import FINDINGS_COLUMNS
from mtcollect_nb.explore import days, grid
from mtcollect_nb.explore import figures as xf
from mtcollect_nb.explore import student as one_student
from mtcollect_nb.explore import views as explore
from mtcollect_nb.report.sheets import school_names, with_school_name

if TYPE_CHECKING:
    from mtcollect_nb.checks.run import DistrictRun

ANY = "(any)"
#: Rows shown in the findings table (the workbook has them all).
MAX_ROWS = 500
TABS: tuple[str, ...] = ("Findings", "Student", "School", "Count moves")
#: A forecast run's first tab.
CALL_LIST_TAB = "Call list"


# ---- callbacks: plain functions ------------------------------------------------------------
def on_filter_change(run: DistrictRun, school: str | None = None, rule: str | None = None,
                     severity: str | None = None,
                     collection: str | None = None) -> dict[str, Any]:
    """The findings table for the chosen filters (None, "" or ``(any)`` = any).

    Returns:
        ``table`` (findings columns, first :data:`MAX_ROWS` rows), ``matching`` (row count)
        and ``summary`` ("n of N findings").
    """
    picked = {k: (None if v in (None, "", ANY) else v) for k, v in
              {"school": school, "rule": rule, "severity": severity,
               "collection": collection}.items()}
    t = explore.filter_findings(run.findings, **picked)
    shown = f" (first {MAX_ROWS} shown)" if len(t) > MAX_ROWS else ""
    return {"table": t[list(FINDINGS_COLUMNS)].head(MAX_ROWS), "matching": len(t),
            "summary": f"{len(t)} of {len(run.findings)} findings{shown}"}


def on_student_change(run: DistrictRun, person_id: int | None) -> dict[str, Any]:
    """Everything the student view shows for one personID (None: nothing picked).

    Returns:
        ``enrollments``, ``calendar`` (frames), ``calendar_figure``, ``hours_figure``,
        ``reasons`` (list of text), ``verdict`` (one line) and ``findings`` (with remedies).
    """
    if person_id is None:
        return {"enrollments": pd.DataFrame(), "calendar": pd.DataFrame(),
                "calendar_figure": None, "hours_figure": None, "reasons": [],
                "verdict": "Pick a student.", "findings": pd.DataFrame()}
    enr = one_student.student_enrollments(run, person_id)
    cal = days.forecast_calendar(run, person_id)  # the count date's calendar outside a forecast
    reasons = one_student.why_excluded(run, person_id)
    counted = enr.loc[enr["onCountDate"], "fteValidated"].sum()
    verdict = (f"Counted in full: FTE validated {counted:g}." if not reasons else
               f"FTE validated {counted:g}: {len(reasons)} reason(s) below.")
    return {"enrollments": enr, "calendar": cal,
            "calendar_figure": xf.calendar_figure(cal, forecast_title(run, cal)),
            "hours_figure": xf.hours_figure(enr), "reasons": reasons, "verdict": verdict,
            "findings": one_student.student_findings(run, person_id)}


def forecast_title(run: DistrictRun, calendar: pd.DataFrame) -> str:
    """A forecast calendar's title: the streak as of ``as_of`` and the days left ("": none).

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> forecast_title(run_from_analysis(tiny_analysis()), pd.DataFrame())
        ''
    """
    p = run.params
    if p.as_of is None or calendar.empty:
        return ""
    streak = calendar.loc[calendar[days.IN_STREAK]].groupby("calendarID").size()
    left = int(calendar.groupby("calendarID")[days.DAY_LEFT].sum().max())
    return (f"{xf.absences_text(int(streak.max()) if len(streak) else 0)} as of "
            f"{p.as_of.isoformat()}; {left} school days left to the count date "
            f"{p.count_date.isoformat()}")


def on_call_list_change(run: DistrictRun, school: str | None = None) -> dict[str, Any]:
    """A forecast run's call list for one school (None, "" or ``(any)``: every school).

    Returns:
        ``table`` (the Call list sheet's columns, in its order) and ``summary``.

    Example:
        >>> from mtcollect_nb.testing import tiny_analysis
        >>> from mtcollect_nb.checks.run import run_from_analysis
        >>> on_call_list_change(run_from_analysis(tiny_analysis()))["summary"]
        '0 of 0 students on the call list'
    """
    picked = None if school in (None, "", ANY) else school
    calls = run.analysis.call_list
    t = explore.filter_call_list(calls, picked)
    fte = float(t["fteAtRisk"].sum()) if len(t) else 0.0
    return {"table": t, "summary": f"{len(t)} of {len(calls)} students on the call list"
                                   + (f", {fte:.2f} FTE at risk" if len(t) else "")}


def on_school_change(run: DistrictRun, school_number: str | None) -> dict[str, Any]:
    """ANB reported vs validated by grade for one school: ``table`` and ``figure``."""
    if not school_number:
        return {"table": pd.DataFrame(), "figure": None}
    t = explore.school_anb(run, school_number)
    return {"table": t, "figure": xf.school_anb_figure(t, school_number)}


def count_moves_view(run: DistrictRun) -> dict[str, Any]:
    """Fall -> spring change by school: ``answer`` (one sentence), ``table``, ``figure``."""
    m = explore.count_moves(run)
    return {"answer": explore.biggest_move(run), "table": m, "figure": xf.count_moves_figure(m)}


# ---- rendering --------------------------------------------------------------------------
def table_html(df: pd.DataFrame, empty: str = "None.") -> str:
    """A frame as an HTML table (escaped; blank cells for missing values).

    Example:
        >>> "<td>x&lt;y</td>" in table_html(pd.DataFrame({"a": ["x<y"]}))
        True
        >>> "NaT" in table_html(pd.DataFrame({"end": pd.to_datetime(["2025-01-02", None])}))
        False
    """
    if df.empty:
        return f"<p><i>{html.escape(empty)}</i></p>"
    dates = {c: df[c].dt.strftime("%Y-%m-%d").fillna("") for c in df.columns
             if pd.api.types.is_datetime64_any_dtype(df[c])}  # an open end date is blank
    return df.assign(**dates).to_html(index=False, na_rep="", escape=True, border=0,
                                      classes="mtcollect-table")


def reasons_html(verdict: str, reasons: list[str]) -> str:
    """The verdict line and the reasons as a bullet list (escaped).

    Example:
        >>> reasons_html("FTE 0", ["a<b"])
        '<p><b>FTE 0</b></p><ul><li>a&lt;b</li></ul>'
    """
    items = "".join(f"<li>{html.escape(r)}</li>" for r in reasons)
    return f"<p><b>{html.escape(verdict)}</b></p>" + (f"<ul>{items}</ul>" if items else "")


def _show(out: widgets.Output, *things: Any) -> None:
    """Show ``things`` in ``out`` (only inside a kernel: elsewhere display would print)."""
    if get_ipython() is None:
        return
    out.clear_output(wait=True)
    with out:
        for thing in things:
            if thing is not None:
                display(thing)


def _dropdown(label: str, options: list[str],
              labels: dict[str, str] | None = None) -> widgets.Dropdown:
    """A filter: ``(any)`` then each option, shown by its label when given."""
    if not labels:
        return widgets.Dropdown(description=label, options=[ANY, *options], value=ANY)
    named = [(labels.get(o, o), o) for o in options]
    return widgets.Dropdown(description=label, options=[(ANY, ANY), *named], value=ANY)


def findings_tab(run: DistrictRun) -> widgets.VBox:
    """Filters over a findings grid (chosen columns), and the picked finding in full below."""
    opts = explore.filter_options(run.findings)
    names = {"school": {v: k for k, v in explore.school_options(run).items()}}
    boxes = {name: _dropdown(name, opts[name], names.get(name)) for name in explore.FILTERS}
    summary, table, record = widgets.HTML(), widgets.HTML(), widgets.HTML()
    school = school_names(run)
    all_columns = grid.grid_columns(with_school_name(run.findings[list(FINDINGS_COLUMNS)],
                                                     school))
    columns = widgets.SelectMultiple(description="columns", options=all_columns, rows=5,
                                     value=[c for c in grid.DEFAULT_COLUMNS if c in all_columns])
    picker = widgets.Dropdown(description="finding", options=[("(pick one)", None)])
    shown: dict[str, pd.DataFrame] = {}

    def show_record(_: Any = None) -> None:
        t, at = shown["table"], picker.value
        table.value = grid.grid_html(t, columns.value, at)
        record.value = ("<h4>Selected finding</h4>" + grid.record_html(t.iloc[at])
                        if at is not None else "<p><i>Pick a finding to see it in full.</i></p>")

    def refresh(_: Any = None) -> None:
        out = on_filter_change(run, **{k: b.value for k, b in boxes.items()})
        summary.value = f"<b>{html.escape(out['summary'])}</b>"
        shown["table"] = grid.grid_columns_frame(with_school_name(out["table"], school))
        picker.options = [("(pick one)", None), *grid.pick_options(shown["table"])]
        picker.value = None
        show_record()

    for b in boxes.values():
        b.observe(refresh, names="value")
    columns.observe(show_record, names="value")
    picker.observe(show_record, names="value")
    refresh()
    return widgets.VBox([widgets.HBox(list(boxes.values())), summary, table,
                         widgets.HBox([picker, columns]), record])


def call_list_tab(run: DistrictRun) -> widgets.VBox:
    """A forecast run's call list, filtered by school.

    Pick a student in the Student tab for their calendar up to ``as_of`` with the days left.
    """
    calls = run.analysis.call_list
    names = {v: k for k, v in explore.school_options(run).items()}
    box = _dropdown("school", sorted(calls["schoolNumber"].unique()), names)
    summary, table = widgets.HTML(), widgets.HTML()

    def refresh(_: Any = None) -> None:
        out = on_call_list_change(run, box.value)
        summary.value = f"<b>{html.escape(out['summary'])}</b>"
        table.value = table_html(out["table"], "No student on the call list.")

    box.observe(refresh, names="value")
    refresh()
    return widgets.VBox([box, summary, table])


def student_tab(run: DistrictRun) -> widgets.VBox:
    """Student picker: enrollments, calendar, hours, reasons, findings with remedies."""
    only = widgets.Checkbox(description="only students with findings", value=False)
    picker = widgets.Dropdown(description="student", options=[("(pick one)", None)])
    verdict, enr, found = widgets.HTML(), widgets.HTML(), widgets.HTML()
    figs = widgets.Output()

    def refill(_: Any = None) -> None:
        picker.options = [("(pick one)", None),
                          *one_student.student_options(run, with_findings=only.value).items()]

    def refresh(_: Any = None) -> None:
        out = on_student_change(run, picker.value)
        verdict.value = reasons_html(out["verdict"], out["reasons"])
        enr.value = "<h4>Enrollments</h4>" + table_html(out["enrollments"])
        found.value = "<h4>Findings and remedies</h4>" + table_html(out["findings"])
        _show(figs, out["calendar_figure"], out["hours_figure"])

    only.observe(refill, names="value")
    picker.observe(refresh, names="value")
    refill()
    refresh()
    return widgets.VBox([widgets.HBox([picker, only]), verdict, enr, figs, found])


def school_tab(run: DistrictRun) -> widgets.VBox:
    """School picker: ANB reported vs validated by grade (figure and table)."""
    picker = widgets.Dropdown(description="school",
                              options=[("(pick one)", ""), *explore.school_options(run).items()])
    table, fig = widgets.HTML(), widgets.Output()

    def refresh(_: Any = None) -> None:
        out = on_school_change(run, picker.value)
        table.value = table_html(out["table"], "Pick a school.")
        _show(fig, out["figure"])

    picker.observe(refresh, names="value")
    refresh()
    return widgets.VBox([picker, fig, table])


def moves_tab(run: DistrictRun) -> widgets.VBox:
    """Which school's count moved most: the answer, the figure and the table."""
    out = count_moves_view(run)
    fig = widgets.Output()
    _show(fig, out["figure"])
    return widgets.VBox([widgets.HTML(f"<p><b>{html.escape(out['answer'])}</b></p>"), fig,
                         widgets.HTML(table_html(out["table"]))])


class Explorer(widgets.Tab):
    """The explorer's tabs; outside a live kernel (HTML export) it shows one line of text."""

    def __repr__(self) -> str:
        return ("Explorer (tabs: " + ", ".join(TABS) + "): interactive, open the notebook in "
                "JupyterLab and run it")


def explorer(run: DistrictRun) -> Explorer:
    """The whole explorer: tabs Findings, Student, School and Count moves.

    A forecast run (``as_of``) has the Call list first.
    """
    tabs = [findings_tab(run), student_tab(run), school_tab(run), moves_tab(run)]
    titles = TABS
    if run.params.forecast:
        tabs, titles = [call_list_tab(run), *tabs], (CALL_LIST_TAB, *TABS)
    tab = Explorer(children=tabs)
    tab.titles = titles
    return tab


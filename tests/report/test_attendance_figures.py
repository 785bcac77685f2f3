"""The call list's figure (days left against streak) and the chronic absence figure; the
call list in the HTML report."""

from __future__ import annotations

import tempfile

import pandas as pd
import pytest

from mtcollect_nb.checks.run import run_from_analysis
from mtcollect_nb.report import attendance_figures as af
from mtcollect_nb.report.html import call_list_html
from mtcollect_nb.report.pipeline import key_and_mask
from mtcollect_nb.testing import absences, enrollment, make_analysis, params, student
from mtcollect_nb.window.finished import finish


def _run(as_of: str | None = "2025-01-24"):
    att = (absences(1, pd.bdate_range("2025-01-20", "2025-01-24"))
           + absences(2, pd.bdate_range("2025-01-13", "2025-01-24"))
           + absences(3, pd.bdate_range("2025-01-23", "2025-01-24")))
    a = make_analysis(params(as_of=as_of), students=[student(p) for p in (1, 2, 3)],
                      enrollments=[enrollment(10 + p, p) for p in (1, 2, 3)], attendance=att)
    return run_from_analysis(a)


@pytest.mark.slow
def test_days_left_figure_plots_the_call_list_and_the_11_line() -> None:
    fig = af.days_left_figure(_run())
    points = [t for t in fig.data if t.mode == "markers"]
    assert sorted(zip(points[0].x, points[0].y, strict=True)) == [(5, 6), (10, 6)]
    line = next(t for t in fig.data if t.mode == "lines")
    assert list(line.x) == [0, 12] and list(line.y) == [11, -1]  # streak + days left = 11
    assert "2 students, 2.00 FTE at risk by 2025-02-03" in fig.layout.title.text


def test_days_left_figure_outside_a_forecast_says_so() -> None:
    fig = af.days_left_figure(_run(as_of=None))
    assert not fig.data and "Not a forecast run" in fig.layout.annotations[0].text


@pytest.mark.slow
def test_attendance_rate_figure_by_school_and_grade() -> None:
    run = _run(as_of=None)
    fig = af.attendance_rate_figure(run)
    t = run.analysis.attendance_table
    assert len(fig.data) == 1
    assert list(fig.data[0].y) == pytest.approx(t["chronicAbsenceRate"].tolist())
    assert fig.layout.yaxis.tickformat == ".0%"


@pytest.mark.slow
def test_the_report_opens_with_the_call_list() -> None:
    run = key_and_mask(_run())
    page = call_list_html(finish(run, tempfile.mkdtemp()))
    assert "Call list as of 2025-01-24: who would be lost on 2025-02-03" in page
    assert "call list: 2 students, 2.00 FTE (1.00 ANB) at risk by 2025-02-03" in page
    assert page.count("<tr>") == 2 + 2  # data rows: 2 budget units, 2 students
    # since when, fewest spare days first: student 1 (since Jan 20) before 2 (since Jan 13)
    assert 0 < page.index("2025-01-20") < page.index("2025-01-13")
    normal = key_and_mask(_run(as_of=None))
    assert call_list_html(finish(normal, tempfile.mkdtemp())) == ""

"""The district's HTML report: parsed, not screenshotted (issue 14)."""

from __future__ import annotations

from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from mtcollect_nb.checks.engine import FINDINGS_FRAME_COLUMNS, RuleResults
from mtcollect_nb.checks.run import run_from_analysis
from mtcollect_nb.columns import FINDINGS_COLUMNS
from mtcollect_nb.report import html as report_html
from mtcollect_nb.report.html_export import export_html
from mtcollect_nb.testing import enrollment, make_analysis, student
from mtcollect_nb.window.finished import finish
from mtcollect_nb.window.keys import with_keys


class Page(HTMLParser):
    """Text, the class of every element, and code-cell inputs of an nbconvert page."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.classes: list[str] = []
        self.text: list[str] = []
        self._skip = 0
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.classes.append(dict(attrs).get("class") or "")
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.text.append(data.strip())

    @property
    def words(self) -> str:
        return " ".join(self.text)


def finding(**kw: object) -> dict[str, object]:
    row: dict[str, object] = dict.fromkeys(FINDINGS_COLUMNS, "")
    row.update(ruleId="ANB-04", severity="error", collection="Spring ANB", message="too young",
               remedy="Enrollments: fix it", personID=pd.NA)
    row.update(kw)
    return row


def run_with_findings():
    a = make_analysis(students=[student(1)], enrollments=[enrollment(10, 1)])
    run = run_from_analysis(a)
    rows = [finding(schoolNumber="0001", stateID="S1", studentName="Doe, Jo", enrollmentID="10"),
            finding(schoolNumber="0001", stateID="S2", enrollmentID="11", message="<b>x</b>"),
            finding(ruleId="TCH-04", severity="info", collection="Spring Teacher-Class",
                    schoolNumber="0001", courseNumber="120", sectionID="7", message="empty",
                    remedy="Section: remove it")]
    df = pd.DataFrame(rows, columns=list(FINDINGS_FRAME_COLUMNS))
    df["personID"] = pd.array(df["personID"], dtype="Int64")
    run.results = RuleResults(df, pd.DataFrame(columns=["ruleId", "reason"]), ("ANB-04",))
    return run


@pytest.mark.slow
def test_findings_listed_per_rule_with_school_names_and_remedy() -> None:
    page = Page(report_html.findings_html(run_with_findings()))
    words = page.words
    assert words.index("ANB-04") < words.index("TCH-04")  # errors first
    assert "(error, 2 findings)" in words and "(info, 1 finding)" in words
    assert "Enrollments: fix it" in words and "Section: remove it" in words
    assert words.count("0001 Test School") == 3
    assert "S1 Doe, Jo" in words and "enrollment 10" in words
    assert "course 120; section 7" in words
    assert "<b>x</b>" in words  # escaped: shown as text, not markup
    assert "staffStateID" not in words and "staff" not in page.text  # blank columns left out


@pytest.mark.slow
def test_many_findings_point_to_the_workbook() -> None:
    run = run_with_findings()
    text = report_html.findings_html(run, max_rows=1)
    assert "and 1 more: see the Findings sheet of findings.xlsx" in text


@pytest.mark.slow
def test_header_names_district_year_dates_law_and_time() -> None:
    run = run_with_findings()
    ran = datetime(2025, 2, 7, 9, 30, tzinfo=timezone.utc)
    words = Page(report_html.header_html(run, law="MCA 20-9-311 (2025)", ran=ran)).words
    for text in ("District 0001 Test District", "2024-25", "2024-10-07", "2025-02-03",
                 "MCA 20-9-311 (2025)", "2025-02-07 09:30 UTC"):
        assert text in words, text
    assert "law of 2024-25: MCA 20-9-311 (2023)" in report_html.header_html(run)  # compute.law


def executed_notebook(path: Path) -> Path:
    v4 = nbformat.v4
    stream = v4.new_output("stream", name="stdout", text="District 0999 checked\n")
    cells = [
        v4.new_markdown_cell("# Report title"),
        v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint('/home/analyst/secret')",
                         metadata={"tags": ["analyst-only"]},
                         outputs=[v4.new_output("stream", name="stdout", text="/home/x\n")]),
        v4.new_code_cell("extracts_dir = '/data/0999'", metadata={"tags": ["parameters"]}),
        v4.new_code_cell("extracts_dir = '/data/0999'",
                         metadata={"tags": ["injected-parameters"]}),
        v4.new_code_cell("x = 1", execution_count=6),  # shows nothing: no empty Out[6]
        v4.new_code_cell("import warnings", outputs=[
            v4.new_output("stream", name="stderr", text="/usr/lib/python3/x.py: Warning\n")]),
        v4.new_code_cell("print('checked')", execution_count=7, outputs=[stream]),
        v4.new_code_cell("df", execution_count=8, outputs=[v4.new_output(
            "execute_result", data={"text/html": "<table><tr><td>cell</td></tr></table>"},
            execution_count=8)]),
    ]
    nbformat.write(v4.new_notebook(cells=cells), path)
    return path


@pytest.mark.slow
def test_report_has_no_code_no_markers_no_paths_no_empty_prompts(tmp_path: Path) -> None:
    out = export_html(executed_notebook(tmp_path / "n.ipynb"), tmp_path / "n.html", report=True)
    text = out.read_text(encoding="utf-8")
    page = Page(text)
    assert "Report title" in page.words and "District 0999 checked" in page.words
    assert "cell" in page.text
    for gone in ("NBVAL", "print(", "/home/", "/data/", "/usr/lib", "x = 1", "Out[", "In ["):
        assert gone not in page.words, gone
    assert not any("jp-InputPrompt" in c or "jp-OutputPrompt" in c for c in page.classes)
    assert sum("jp-CodeCell" in c for c in page.classes) == 2  # the two with outputs
    assert text.count("* plotly.js v") == 1 and "<script src=" not in text


@pytest.mark.slow
def test_report_leaves_the_executed_notebook_unchanged(tmp_path: Path) -> None:
    nb_path = executed_notebook(tmp_path / "n.ipynb")
    before = nb_path.read_bytes()
    export_html(nb_path, tmp_path / "n.html", report=True)
    assert nb_path.read_bytes() == before


@pytest.mark.notebooks
def test_demo_report_is_for_the_district(demo: Path) -> None:
    text = (demo / "district_validation.html").read_text(encoding="utf-8")
    page = Page(text)
    words = page.words
    assert "District 0999 Synthetic Public Schools" in words and "Law applied" in words
    for gone in ("NBVAL", "notebook_params(", "pipeline.", str(demo.parent), "/tmp/",
                 "In [", "Out["):
        assert gone not in words, gone
    assert "Lincoln Elementary" in words and "Synthetic High School" in words
    assert "ANB-04" in words and "Remedy:" in words
    assert "Plotly.newPlot(" in text and text.count("* plotly.js v") == 1
    assert "Lincoln Elementary" in text.split("Plotly.newPlot(", 1)[1]  # figures name schools
    executed = nbformat.read(demo / "district_validation.ipynb", as_version=4)
    assert any("analyze_district(params)" in c.source for c in executed.cells)  # code kept


@pytest.mark.slow
def test_verdict_says_per_collection_whether_it_is_ready(tmp_path: Path) -> None:
    """Two ANB errors: Spring ANB not ready; Teacher-Class has only an info: ready."""
    run = with_keys(run_with_findings())
    words = Page(report_html.verdict_html(finish(run, tmp_path))).words
    assert "Ready to certify?" in words
    assert "Spring ANB Not ready: 2 errors open" in words
    assert "Spring Teacher-Class Ready to certify" in words

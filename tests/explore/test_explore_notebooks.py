"""The exploration notebooks run with papermill on the session's demo district, and export to
offline HTML (conftest: one demo and one run of each notebook per session)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.explore import student as one_student
from mtcollect_nb.explore import tour as explore_tour
from mtcollect_nb.explore import views as explore
from mtcollect_nb.outputs import EXPLORE_NOTEBOOK, TOUR_NOTEBOOK
from mtcollect_nb.params import load_params
from mtcollect_nb.report.html_export import export_html
from mtcollect_nb.report.notebook import run_notebook
from mtcollect_nb.report.pipeline import analyze_district

NOTEBOOKS = (EXPLORE_NOTEBOOK, TOUR_NOTEBOOK)


@pytest.fixture(scope="module")
def executed(run_on_demo) -> dict[str, Path]:
    """The explorer and the tour, executed once per session on the demo (conftest)."""
    return {name: run_on_demo(name) for name in NOTEBOOKS}


@pytest.fixture(scope="module")
def masked_demo(demo_run):
    """The demo district analysed here, masked as the notebooks do (demo: mask_pii true)."""
    params = load_params(demo_run.params_path)
    assert params.mask_pii
    return analyze_district(params, mask=True)


def text_outputs(path: Path, skip_first_code_cell: bool = True) -> str:
    """Every text output of the executed notebook (the first code cell embeds plotly.js)."""
    nb = nbformat.read(path, as_version=4)
    cells = [c for c in nb.cells if c.cell_type == "code"][int(skip_first_code_cell):]
    parts = []
    for c in cells:
        for o in c.outputs:
            parts.append(o.get("text", ""))
            parts.extend(str(v) for k, v in o.get("data", {}).items() if k.startswith("text/"))
    return "\n".join(parts)


def test_notebooks_run_without_errors_with_the_demo_parameters(executed, demo_run) -> None:
    for path in executed.values():
        nb = nbformat.read(path, as_version=4)
        errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
                  if o.output_type == "error"]
        assert not errors, path.name
        assert nb.metadata.papermill.parameters["params_path"] == str(
            demo_run.params_path.resolve())


def test_explore_findings_prints_the_answers(executed, masked_demo) -> None:
    out = text_outputs(executed["explore_findings"])
    with_findings = len(one_student.student_options(masked_demo, with_findings=True))
    assert f"{len(masked_demo.findings)} findings; {with_findings} students with findings" in out
    assert explore.biggest_move(masked_demo) in out
    assert "PII masked: True" in out
    assert "Explorer (tabs: Findings, Student, School, Count moves)" in out
    assert "Dropdown(" not in out  # the widget's long text form stays out of the page


def test_training_tour_shows_one_planted_example_per_group(executed, masked_demo) -> None:
    out = text_outputs(executed["training_tour"])
    from mtcollect_nb.synthetic import planted_cases

    cases = planted_cases()
    for group in explore_tour.CHECK_GROUPS.values():
        card = explore_tour.example(masked_demo, cases, group.example)
        assert card["item"].tolist()[-1] == "remedy", group.example
        remedy = card["value"].iloc[-1]
        assert remedy in html.unescape(out), group.example
    student = explore_tour.planted_person(masked_demo, cases, "ANB-01")
    assert "\n".join(one_student.why_excluded(masked_demo, student)) in out
    assert "consecutive whole-day absences ending on the count date" in out
    groups = explore_tour.check_groups(masked_demo)
    assert groups.to_string(index=False) in out
    assert (groups["findings"] > 0).all()


def real_values(demo_run) -> list[str]:
    """The demo's real state IDs and "Last, First" names (from its unmasked extracts)."""
    params = load_params(demo_run.params_path)
    students = pd.read_csv(Path(params.extracts_dir) / "students.csv", dtype=str,
                           encoding="cp1252").fillna("")
    names = students["lastName"] + ", " + students["firstName"]
    return [v for v in pd.concat([students["stateID"], names]) if v]


def test_no_real_student_name_or_id_in_the_tour(executed, demo_run) -> None:
    real = real_values(demo_run)
    for name in ("training_tour", "explore_findings"):
        text = text_outputs(executed[name])
        page = executed[name].with_suffix(".html").read_text(encoding="utf-8")
        found = [v for v in real if v in text or v in page]
        assert not found, (name, found[:3])


def test_the_name_scan_finds_them_in_an_unmasked_view(demo_run) -> None:
    """The scan above can fail: an unmasked run's findings show the real values."""
    run = analyze_district(load_params(demo_run.params_path), mask=False)
    text = run.findings.to_string() + run.analysis.students.to_string()
    assert len([v for v in real_values(demo_run) if v in text]) > 100


def offline_problems(page: str) -> list[str]:
    """What would make a page load something from the network (plotly.js itself aside)."""
    out = [m.group(0) for m in re.finditer(r"<script[^>]+src=[\"']?https?:[^>]*>", page)]
    out += [w for w in ("html-manager", "unpkg.com") if w in page]
    rest = re.sub(r"<script[^>]*>(?:(?!</script>).)*?\* plotly\.js v\d.*?</script>", "",
                  page, count=1, flags=re.DOTALL)
    return out + re.findall(r"cdn\.|unpkg|jsdelivr", rest)


def test_the_offline_check_finds_a_cdn_script() -> None:
    page = ('<html><head><script src="https://cdn.jsdelivr.net/npm/x.js"></script>'
            '<script>/*! * plotly.js v2 */ cdn.plot.ly</script></head></html>')
    assert offline_problems(page) == ['<script src="https://cdn.jsdelivr.net/npm/x.js">',
                                      "cdn.", "jsdelivr"]
    assert offline_problems("<script>/*! * plotly.js v2 cdn.plot.ly */</script>") == []


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_html_export_renders_offline(executed, name: str) -> None:
    nb = nbformat.read(executed[name], as_version=4)
    assert "widgets" in nb.metadata  # papermill kept the widget state ...
    page = executed[name].with_suffix(".html").read_text(encoding="utf-8")
    assert len(re.findall(r"\* plotly\.js v\d", page)) == 1 and len(page) > 1_000_000
    # ... the page does not load the widget state; outside the embedded plotly.js (which
    # names CDNs for map tiles and icons) no CDN at all
    assert offline_problems(page) == []
    figure_cells = [c for c in nb.cells if c.cell_type == "code"
                    and re.search(r"figures?\.\w+_figure\(", c.source)]
    assert figure_cells and page.count("Plotly.newPlot(") >= len(figure_cells)


@pytest.mark.slow
def test_export_html_drops_widget_state(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {
        "state": {}, "version_major": 2, "version_minor": 0}}
    nbformat.write(nb, tmp_path / "w.ipynb")
    page = export_html(tmp_path / "w.ipynb", tmp_path / "w.html").read_text()
    assert "html-manager" not in page
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.html", "w.ipynb"]


def test_unknown_notebook_is_one_line(tmp_path: Path) -> None:
    with pytest.raises(MtcollectError, match="unknown notebook 'nope': one of district_val"):
        run_notebook("nope", tmp_path / "p.yaml")

"""The district notebook run with papermill on the demo district, and its outputs."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.params import PARAM_KEYS
from mtcollect_nb.report import notebook, papermill_engine


def test_kernel_is_this_python_whatever_is_registered(tmp_path: Path, monkeypatch) -> None:
    """A python3 kernelspec of another interpreter (first on the Jupyter path) is not used."""
    import json

    from jupyter_client.kernelspec import KernelSpecManager

    bogus = tmp_path / "kernels" / "python3"
    bogus.mkdir(parents=True)
    (bogus / "kernel.json").write_text(json.dumps({
        "argv": ["/nowhere/python", "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Other Python", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    assert KernelSpecManager().get_kernel_spec("python3").argv[0] == "/nowhere/python"
    spec = papermill_engine.kernel_manager().kernel_spec
    assert spec.argv[0] == sys.executable and spec.language == "python"


def test_papermill_parameters_are_plain_text_and_numbers(tmp_path: Path) -> None:
    from mtcollect_nb.testing import params

    values = notebook.papermill_parameters(params(pir_days=3), tmp_path / "p.yaml")
    assert set(values) == {*PARAM_KEYS, notebook.PARAMS_PATH}
    assert values["fall_count_date"] == "2024-10-07" and values["pir_days"] == 3
    # what papermill can write into a cell: text, numbers, booleans, None and mappings
    plain = str | int | bool | dict | None
    assert all(isinstance(v, plain) for v in values.values()), values
    assert values["columns"] == {} and values["collection_season"] == "spring"
    assert values["as_of"] is None


def test_notebook_parameters_match_the_parameters_file() -> None:
    """The notebook's parameters cell declares exactly what papermill passes."""
    import papermill

    path = notebook.notebooks_dir() / "district_validation.ipynb"
    names = set(papermill.inspect_notebook(str(path)))
    assert names == {*PARAM_KEYS, notebook.PARAMS_PATH}


def test_notebook_params_resolve_relative_folders(tmp_path: Path) -> None:
    p = notebook.notebook_params(
        district_number="0123", district_name="X", school_year=2025, extracts_dir="ex",
        output_dir="out", fall_count_date="", spring_count_date="2025-02-04",
        kindergarten_age_date="", pir_days=0, mask_pii=False,
        params_path=str(tmp_path / "p.yaml"))
    assert p.extracts_dir == str(tmp_path / "ex") and p.output_dir == str(tmp_path / "out")
    assert str(p.spring) == "2025-02-04" and str(p.fall) == "2024-10-07"


@pytest.mark.slow
def test_html_export_needs_no_network(tmp_path: Path) -> None:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("$x^2$")])
    nbformat.write(nb, tmp_path / "n.ipynb")
    html = notebook.export_html(tmp_path / "n.ipynb", tmp_path / "n.html").read_text()
    assert not re.search(r"<script[^>]+src=", html)
    assert not list(tmp_path.glob(".*.tmp"))


# ---- the demo district, executed once per session (conftest.demo_run) ------------------------
pytestmark_nb = pytest.mark.notebooks


@pytestmark_nb
def test_outputs_exist(demo: Path) -> None:
    for name in ("findings.xlsx", "district_validation.ipynb", "district_validation.html"):
        assert (demo / name).is_file(), name


@pytestmark_nb
def test_executed_notebook_records_the_parameters_and_has_no_errors(demo_run) -> None:
    nb = nbformat.read(demo_run.output_dir / "district_validation.ipynb", as_version=4)
    recorded = nb.metadata.papermill.parameters
    assert recorded["params_path"] == str(demo_run.params_path.resolve())
    assert recorded["output_dir"] == str(demo_run.output_dir)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", recorded["spring_count_date"])
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert nb.metadata.kernelspec.name == "python3"


@pytestmark_nb
def test_every_rule_has_a_finding_in_the_demo(demo: Path) -> None:
    findings = pd.read_excel(demo / "findings.xlsx", sheet_name="Findings", dtype=str)
    later_law = {r.id for r in all_rules().values() if r.law is not None}  # ANB-24: 2025-26
    missing = sorted(set(all_rules()) - later_law - set(findings["ruleId"]))
    assert not missing, f"rules without a finding in the demo: {missing}"


@pytestmark_nb
def test_html_shows_every_figure_offline(demo: Path) -> None:
    html = (demo / "district_validation.html").read_text(encoding="utf-8")
    nb = nbformat.read(demo / "district_validation.ipynb", as_version=4)
    figure_cells = [c for c in nb.cells if c.cell_type == "code" and "figures." in c.source
                    and "if params.forecast" not in c.source]  # the demo is not a forecast
    assert figure_cells
    assert html.count("Plotly.newPlot(") >= len(figure_cells)
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"import\s*[\"']https?:", html)  # no CDN module imports either
    # plotly.js itself is embedded exactly once
    assert len(re.findall(r"\* plotly\.js v\d", html)) == 1


@pytestmark_nb
def test_failed_notebook_is_one_line_and_kept(tmp_path: Path) -> None:
    (tmp_path / "extracts").mkdir()  # exists, but holds no extract files
    params = tmp_path / "p.yaml"
    params.write_text('district_number: "0123"\ndistrict_name: Empty\nschool_year: 2025\n'
                      "extracts_dir: extracts\noutput_dir: out\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "district_validation.html").write_text("stale")
    with pytest.raises(MtcollectError) as exc:
        notebook.run_district_notebook(params)
    message = str(exc.value)
    assert "\n" not in message and "ExtractError" in message
    kept = nbformat.read(tmp_path / "out" / "district_validation.ipynb", as_version=4)
    assert any(o.output_type == "error" for c in kept.cells if c.cell_type == "code"
               for o in c.outputs)
    assert not (tmp_path / "out" / "district_validation.html").exists()

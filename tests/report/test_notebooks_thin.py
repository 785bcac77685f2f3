"""Every notebook stays thin: the work lives in mtcollect_nb, cells only call it.

Each check is a function listing what a notebook breaks; the tests run it on every notebook of
``notebooks/`` (nothing may be found) and on a notebook built to break it (it must be found).
"""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))
MAX_LINES = 15
CHECK, IGNORE = "# NBVAL_CHECK_OUTPUT", "# NBVAL_IGNORE_OUTPUT"
MAX_BYTES = 100_000


def code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code"]


def is_parameters(cell: nbformat.NotebookNode) -> bool:
    return "parameters" in cell.get("metadata", {}).get("tags", [])


def parameters_problems(nb: nbformat.NotebookNode) -> list[str]:
    """One parameters cell of plain annotated assignments (what papermill can inject after)."""
    tagged = [c for c in nb.cells if is_parameters(c)]
    if len(tagged) != 1:
        return [f"{len(tagged)} parameters cells"]
    tree = ast.parse(tagged[0].source)
    return [f"not an annotated assignment: {ast.unparse(n)}" for n in tree.body
            if not isinstance(n, ast.AnnAssign)]


def definition_problems(nb: nbformat.NotebookNode) -> list[str]:
    """No def/class/lambda, and no cell over MAX_LINES lines (imports and parameters aside)."""
    out = []
    for cell in code_cells(nb):
        tree = ast.parse(cell.source)
        out += [f"definition: {type(n).__name__}" for n in ast.walk(tree)
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                              | ast.Lambda)]
        lines = [ln for ln in cell.source.splitlines() if ln.strip()]
        imports = any(isinstance(n, ast.Import | ast.ImportFrom) for n in tree.body)
        if not is_parameters(cell) and not imports and len(lines) > MAX_LINES:
            out.append(f"cell of {len(lines)} lines")
    return out


def column_problems(nb: nbformat.NotebookNode) -> list[str]:
    """Selecting columns by name (df["x"]) or looping belongs in the package."""
    out = []
    for cell in code_cells(nb):
        for node in ast.walk(ast.parse(cell.source)):
            if isinstance(node, ast.For | ast.While | ast.comprehension):
                out.append(f"loop: {type(node).__name__}")
            if isinstance(node, ast.Subscript):
                keys = node.slice.elts if isinstance(node.slice, ast.List) else [node.slice]
                out += [f"column name: {k.value}" for k in keys
                        if isinstance(k, ast.Constant) and isinstance(k.value, str)]
    return out


def output_problems(nb: nbformat.NotebookNode) -> list[str]:
    """No figure or table in git: only checked cells keep their printed text (and a count)."""
    out = []
    for cell in code_cells(nb):
        if CHECK not in cell.source and cell.outputs:
            out.append("stored output in an unchecked cell")
        out += [f"stored {o.output_type} output" for o in cell.outputs
                if o.output_type != "stream"]
        if (cell.execution_count is None) != (cell.outputs == []):
            out.append("an execution count without outputs, or outputs without one")
    return out


def figure_problems(nb: nbformat.NotebookNode) -> list[str]:
    """A figure cell is not compared by nbval (its HTML differs from run to run)."""
    return [cell.source.splitlines()[0] for cell in code_cells(nb)
            if ("figures." in cell.source or "offline_plotly()" in cell.source)
            and not cell.source.startswith(IGNORE)]


CHECKS = (parameters_problems, definition_problems, column_problems, output_problems,
          figure_problems)


def test_there_is_a_notebook() -> None:
    assert "district_validation.ipynb" in [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_valid_small_and_runs_on_this_python(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    assert path.stat().st_size < MAX_BYTES


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_thin(path: Path, check) -> None:
    assert check(nbformat.read(path, as_version=4)) == []


def bad_notebook() -> nbformat.NotebookNode:
    """A notebook breaking every rule above once."""
    v4 = nbformat.v4
    figure = v4.new_output("display_data", data={"text/html": "<div>plot</div>"})
    return v4.new_notebook(cells=[
        v4.new_code_cell("x: int = 1\ny = 2", metadata={"tags": ["parameters"]}),
        v4.new_code_cell("def f():\n    return 1"),
        v4.new_code_cell("\n".join(f"a{i} = {i}" for i in range(MAX_LINES + 1))),
        v4.new_code_cell('run.findings["ruleId"]'),
        v4.new_code_cell("for r in rows:\n    print(r)"),
        v4.new_code_cell("figures.anb_figure(run)", outputs=[figure], execution_count=4),
    ])


@pytest.mark.parametrize("check", CHECKS, ids=lambda f: f.__name__)
def test_each_check_finds_what_it_is_for(check) -> None:
    assert check(bad_notebook())


def test_the_checks_say_what_they_found() -> None:
    nb = bad_notebook()
    assert parameters_problems(nb) == ["not an annotated assignment: y = 2"]
    assert definition_problems(nb) == ["definition: FunctionDef", f"cell of {MAX_LINES + 1} lines"]
    assert column_problems(nb) == ["column name: ruleId", "loop: For"]
    assert output_problems(nb) == ["stored output in an unchecked cell",
                                   "stored display_data output"]
    assert figure_problems(nb) == ["figures.anb_figure(run)"]

"""Every notebook stays thin: the work lives in mtcollect_nb, cells only call it."""

from __future__ import annotations

import ast
from pathlib import Path

import nbformat
import pytest

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))
MAX_LINES = 15
CHECK, IGNORE = "# NBVAL_CHECK_OUTPUT", "# NBVAL_IGNORE_OUTPUT"


def code_cells(path: Path) -> list[nbformat.NotebookNode]:
    nb = nbformat.read(path, as_version=4)
    return [c for c in nb.cells if c.cell_type == "code"]


def is_imports(tree: ast.Module) -> bool:
    return any(isinstance(n, ast.Import | ast.ImportFrom) for n in tree.body)


def test_there_is_a_notebook() -> None:
    assert "district_validation.ipynb" in [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_valid_and_has_one_parameters_cell(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    tagged = [c for c in nb.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1
    assert nb.metadata.kernelspec.name == "python3"
    # papermill injects only plain assignments: the parameters cell holds nothing else
    tree = ast.parse(tagged[0].source)
    assert all(isinstance(n, (ast.Assign, ast.AnnAssign)) for n in tree.body)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_definitions_and_short_cells(path: Path) -> None:
    for cell in code_cells(path):
        tree = ast.parse(cell.source)
        defs = [n for n in ast.walk(tree)
                if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef
                              | ast.Lambda)]
        assert not defs, f"definition in a notebook cell:\n{cell.source}"
        lines = [ln for ln in cell.source.splitlines() if ln.strip()]
        is_parameters = "parameters" in cell.metadata.get("tags", [])
        if is_parameters:  # declarations only: one annotated assignment per parameter
            assert all(isinstance(n, ast.AnnAssign) for n in tree.body), cell.source
        elif not is_imports(tree):
            assert len(lines) <= MAX_LINES, f"cell longer than {MAX_LINES} lines:\n{cell.source}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_no_column_names_or_loops_in_cells(path: Path) -> None:
    """Selecting columns by name (df["x"]) or looping over rows belongs in the package."""
    for cell in code_cells(path):
        for node in ast.walk(ast.parse(cell.source)):
            assert not isinstance(node, ast.For | ast.While | ast.comprehension), cell.source
            if isinstance(node, ast.Subscript):
                keys = node.slice.elts if isinstance(node.slice, ast.List) else [node.slice]
                assert not any(isinstance(k, ast.Constant) and isinstance(k.value, str)
                               for k in keys), f"column name in a cell:\n{cell.source}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_only_checked_cells_keep_small_text_outputs(path: Path) -> None:
    """No figures or tables stored in git; nbval's checked cells keep their printed text."""
    assert path.stat().st_size < 100_000
    for cell in code_cells(path):
        if CHECK not in cell.source:
            assert cell.outputs == [], f"stored output in an unchecked cell:\n{cell.source}"
        assert all(o.output_type == "stream" for o in cell.outputs), cell.source
        assert (cell.execution_count is None) == (cell.outputs == []), cell.source


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_figure_cells_are_ignored_by_nbval(path: Path) -> None:
    for cell in code_cells(path):
        if "figures." in cell.source or "offline_plotly()" in cell.source:
            assert cell.source.startswith(IGNORE), cell.source

"""The notebooks the suite runs itself, checked cell by cell against their stored outputs.

nbval (``--nbval-lax``) would execute these notebooks a second time with their stored
defaults, on the same synthetic demo district the suite already runs them on (conftest:
``mtcollect demo`` for the district notebook, one run each of the explorer and the tour).
So conftest leaves them out of nbval and this module checks, from that one run, what nbval
checks: every code cell ran without an error, and every ``# NBVAL_CHECK_OUTPUT`` cell printed
exactly its stored output (refreshed with ``python -m mtcollect_nb.report.notebook``). The
statewide rollup, which the suite runs on no demo batch of its own, stays with nbval.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from mtcollect_nb.outputs import DISTRICT_NOTEBOOK, EXPLORE_NOTEBOOK, TOUR_NOTEBOOK
from mtcollect_nb.report.notebook import CHECK_OUTPUT, notebooks_dir

SUITE_RUNS = (DISTRICT_NOTEBOOK, EXPLORE_NOTEBOOK, TOUR_NOTEBOOK)


def code_cells(path: Path) -> list[nbformat.NotebookNode]:
    """The code cells of a notebook, without the cell papermill injects."""
    nb = nbformat.read(path, as_version=4)
    return [c for c in nb.cells if c.cell_type == "code"
            and "injected-parameters" not in c.metadata.get("tags", [])]


def printed(cell: nbformat.NotebookNode) -> str:
    """What a cell printed (its stream outputs), as nbval compares it."""
    return "".join(o.text for o in cell.outputs if o.output_type == "stream")


def cell_problem(stored: nbformat.NotebookNode, ran: nbformat.NotebookNode) -> str | None:
    """Why ``ran`` (a cell of the executed notebook) fails its ``stored`` cell, or None."""
    if ran.source != stored.source:
        return "the executed notebook is not this notebook"
    errors = [o for o in ran.outputs if o.output_type == "error"]
    if errors:
        return f"the cell failed: {errors[0].ename}: {errors[0].evalue}"
    if stored.source.startswith(CHECK_OUTPUT):
        if not printed(stored):
            return "a checked cell without a stored output: nothing is compared"
        if printed(ran) != printed(stored):
            return f"printed:\n{printed(ran)}\nstored:\n{printed(stored)}"
    return None


CELLS = [pytest.param(name, i, id=f"{name}-cell {i}") for name in SUITE_RUNS
         for i in range(len(code_cells(notebooks_dir() / f"{name}.ipynb")))]


@pytest.mark.parametrize(("name", "index"), CELLS)
def test_notebook_cell(run_on_demo, name: str, index: int) -> None:
    stored = code_cells(notebooks_dir() / f"{name}.ipynb")[index]
    ran = code_cells(run_on_demo(name))
    assert len(ran) == len(code_cells(notebooks_dir() / f"{name}.ipynb"))
    problem = cell_problem(stored, ran[index])
    assert problem is None, problem


def test_every_suite_run_notebook_has_checked_cells() -> None:
    for name in SUITE_RUNS:
        cells = code_cells(notebooks_dir() / f"{name}.ipynb")
        assert [c for c in cells if c.source.startswith(CHECK_OUTPUT) and printed(c)], name


def test_the_cell_check_catches_an_error_a_changed_output_and_an_unrun_reference() -> None:
    v4 = nbformat.v4
    out = v4.new_output("stream", name="stdout", text="52 findings\n")
    stored = v4.new_code_cell(f"{CHECK_OUTPUT}\nprint(n)", outputs=[out], execution_count=3)
    assert cell_problem(stored, stored) is None
    other = v4.new_output("stream", name="stdout", text="53 findings\n")
    assert "printed" in cell_problem(stored, v4.new_code_cell(stored.source, outputs=[other]))
    failed = v4.new_output("error", ename="KeyError", evalue="'x'", traceback=[])
    assert "KeyError" in cell_problem(stored, v4.new_code_cell(stored.source, outputs=[failed]))
    unrun = v4.new_code_cell(stored.source)
    assert "nothing is compared" in cell_problem(unrun, stored)
    assert "not this notebook" in cell_problem(stored, v4.new_code_cell("print(m)"))

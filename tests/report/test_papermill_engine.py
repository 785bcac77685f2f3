"""The throttled papermill engine: same executed notebook, far fewer intermediate writes."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.report import papermill_engine

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"), pytest.mark.slow]


def small_notebook(path: Path, cells: int, fail_at: int | None = None) -> Path:
    params = new_code_cell("n = 1", metadata={"tags": ["parameters"]})
    body = []
    for i in range(cells):
        body.append(new_markdown_cell(f"## step {i}"))
        body.append(new_code_cell("1 / 0" if i == fail_at else f"print({i} * n)"))
    kernel = {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
              "language_info": {"name": "python"}}
    nbformat.write(new_notebook(cells=[params, *body], metadata=kernel), path)
    return path


def count_writes(monkeypatch) -> list[str]:
    """Every write of the output notebook: the engine's saves and papermill's final one."""
    import papermill.engines as engines
    import papermill.execute as execute

    writes: list[str] = []
    real = engines.write_ipynb
    for module in (engines, execute):
        monkeypatch.setattr(module, "write_ipynb",
                            lambda nb, path: (writes.append(path), real(nb, path)))
    return writes


def test_every_cell_runs_and_is_saved_with_few_writes(tmp_path: Path, monkeypatch) -> None:
    writes = count_writes(monkeypatch)
    source = small_notebook(tmp_path / "in.ipynb", cells=12)
    executed = tmp_path / "out.ipynb"
    papermill_engine.execute_notebook(source, executed, {"n": 3}, timeout=60, progress=False)
    ran = nbformat.read(executed, as_version=4)
    printed = [o.text.strip() for c in ran.cells if c.cell_type == "code" for o in c.outputs]
    assert printed == [str(3 * i) for i in range(12)]
    assert all(c.metadata.papermill.status == "completed" for c in ran.cells)
    # papermill's own engine writes twice per cell (50 times here); ours at start, end and
    # at most once a second in between
    assert 2 <= len(writes) < 12


def test_a_failing_cell_is_still_written_with_its_error(tmp_path: Path) -> None:
    source = small_notebook(tmp_path / "in.ipynb", cells=4, fail_at=2)
    executed = tmp_path / "out.ipynb"
    with pytest.raises(MtcollectError, match="ZeroDivisionError"):
        papermill_engine.execute_notebook(source, executed, {}, timeout=60, progress=False)
    kept = nbformat.read(executed, as_version=4)
    assert any(o.output_type == "error" for c in kept.cells if c.cell_type == "code"
               for o in c.outputs)


def test_saves_are_throttled_but_first_and_last_always_happen(tmp_path: Path,
                                                              monkeypatch) -> None:
    writes = count_writes(monkeypatch)
    nb = new_notebook(cells=[new_code_cell("1")], metadata={"papermill": {}})
    man = papermill_engine.ThrottledExecutionManager(nb, output_path=str(tmp_path / "o.ipynb"),
                                                     progress_bar=False)
    man.notebook_start()
    for _ in range(5):
        man.save()
    assert len(writes) == 1
    man.last_save_time = man.last_save_time.replace(year=2000)
    man.save()
    assert len(writes) == 2
    man.notebook_complete()
    assert len(writes) == 3


def test_a_kernel_started_for_a_notebook_is_shut_down_after_it(tmp_path: Path) -> None:
    """nbclient leaves a kernel it did not make running: the one made here is shut down."""
    import psutil

    def kernels() -> set[int]:
        return {p.pid for p in psutil.Process().children(recursive=True)
                if p.status() != psutil.STATUS_ZOMBIE}

    before = kernels()
    source = small_notebook(tmp_path / "in.ipynb", cells=1)
    papermill_engine.execute_notebook(source, tmp_path / "out.ipynb", {}, timeout=60)
    assert kernels() - before == set()

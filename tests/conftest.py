"""Shared fixtures and the lanes of the suite.

* The synthetic demo district is generated and its notebooks run once per session
  (:func:`demo_run`, :func:`run_on_demo`).
* Markers: every nbval item (a cell of ``notebooks/*.ipynb``) and every test that needs a
  notebook run (the fixtures above) is marked ``notebooks``, so the fast lane
  ``pytest -m "not notebooks and not slow"`` starts no kernel.
* No notebook runs twice: a notebook the suite executes itself on the demo district (its cells
  compared in ``tests/report/test_notebook_cells.py``) is left out of nbval.
* Hypothesis: profile ``ci`` when ``CI=true`` (what ``.ci/run`` sets), else ``dev``
  (``HYPOTHESIS_PROFILE`` picks another).
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# The test suite checks every value against the pandera contract (production runs check
# columns and dtypes only; see mtcollect_nb.load.frame_checks). Set before any test runs, so
# notebook kernels and CLI subprocesses started by tests inherit it.
os.environ.setdefault("MTCOLLECT_CONTRACT_DEPTH", "full")
# A fixed masking salt keeps pseudonyms deterministic; a real installation makes its own secret.
os.environ.setdefault("MTCOLLECT_SALT", "mtcollect-nb test suite salt, not a secret")

# CI: the same examples on every run (a failure reproduces), no deadline on a busy 2-core
# machine. dev: fewer examples where a test does not set its own number.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=10, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE")
                      or ("ci" if os.environ.get("CI", "").lower() == "true" else "dev"))

#: Seconds a cell of a notebook the tests run may take (the demo's take a few): a kernel that
#: never answers (two suites starting kernels at once can race for a port) fails the test
#: instead of hanging the suite.
CELL_TIMEOUT = "600"
#: Fixtures that run a notebook: a test that uses one (directly or not) is a notebooks test.
NOTEBOOK_FIXTURES = frozenset({"demo_run", "run_on_demo"})
#: The test function that compares the suite's own run of a notebook with its stored outputs.
CELL_TEST = "test_notebook_cell"


def _notebook_compared_by(item: pytest.Item) -> str | None:
    """The notebook whose cell ``item`` compares (tests/report/test_notebook_cells.py)."""
    callspec = getattr(item, "callspec", None)
    if getattr(item, "originalname", None) != CELL_TEST or callspec is None:
        return None
    return str(callspec.params["name"])


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark notebook items; leave out of nbval what the suite compares from its own run."""
    compared = {name for item in items if (name := _notebook_compared_by(item))}
    keep, dropped = [], []
    for item in items:
        from_notebook = item.path.suffix == ".ipynb"
        if from_notebook or NOTEBOOK_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.notebooks)
        (dropped if from_notebook and item.path.stem in compared else keep).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@dataclass(frozen=True)
class Demo:
    """What ``mtcollect demo --out ROOT`` produced."""

    root: Path
    params_path: Path
    output_dir: Path
    stdout: str


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """``mtcollect demo`` into a temporary folder: one demo generation and one notebook run
    per session, shared by the CLI, notebook and output tests."""
    from mtcollect_nb import cli
    from mtcollect_nb.params import load_params

    root = tmp_path_factory.mktemp("demo")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = cli.main(["demo", "--out", str(root), "--timeout", CELL_TIMEOUT])
    assert status == 0, out.getvalue()
    line = next(ln for ln in out.getvalue().splitlines() if ln.startswith("demo district written"))
    params_path = Path(line.split(":", 1)[1].strip())
    return Demo(root, params_path, Path(load_params(params_path).output_dir), out.getvalue())


@pytest.fixture(scope="session")
def run_on_demo(demo_run: Demo,
                tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """name -> that notebook executed on the session's demo district, once per session.

    The district notebook is the run of ``mtcollect demo`` (:func:`demo_run`); the others run
    on first use into a folder of their own.
    """
    from mtcollect_nb.outputs import DISTRICT_NOTEBOOK, notebook_files
    from mtcollect_nb.report.notebook import run_notebook

    runs = {DISTRICT_NOTEBOOK: demo_run.output_dir / notebook_files(DISTRICT_NOTEBOOK)[0]}
    out = tmp_path_factory.mktemp("notebooks")

    def executed(name: str) -> Path:
        if name not in runs:
            runs[name] = run_notebook(name, demo_run.params_path, out_dir=out,
                                      timeout=float(CELL_TIMEOUT))
        return runs[name]

    return executed


@pytest.fixture()
def demo(demo_run: Demo) -> Path:
    """The demo's output folder."""
    return demo_run.output_dir


@pytest.fixture()
def demo_stdout(demo_run: Demo) -> str:
    """What ``mtcollect demo`` printed."""
    return demo_run.stdout

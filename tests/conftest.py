"""Shared fixtures: the synthetic demo district, generated and run once per test session."""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

# The test suite checks every value against the pandera contract (production runs check
# columns and dtypes only; see mtcollect_nb.load.frame_checks). Set before any test runs, so
# notebook kernels and CLI subprocesses started by tests inherit it.
os.environ.setdefault("MTCOLLECT_CONTRACT_DEPTH", "full")
# A fixed masking salt keeps pseudonyms deterministic; a real installation makes its own secret.
os.environ.setdefault("MTCOLLECT_SALT", "mtcollect-nb test suite salt, not a secret")


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
        status = cli.main(["demo", "--out", str(root)])
    assert status == 0, out.getvalue()
    line = next(ln for ln in out.getvalue().splitlines() if ln.startswith("demo district written"))
    params_path = Path(line.split(":", 1)[1].strip())
    return Demo(root, params_path, Path(load_params(params_path).output_dir), out.getvalue())


@pytest.fixture()
def demo(demo_run: Demo) -> Path:
    """The demo's output folder."""
    return demo_run.output_dir


@pytest.fixture()
def demo_stdout(demo_run: Demo) -> str:
    """What ``mtcollect demo`` printed."""
    return demo_run.stdout

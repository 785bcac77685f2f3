"""The notebooks' default runs (the demo district in a temporary folder) leave nothing behind."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

CODE = """
from mtcollect_nb.report.notebook import notebook_params
p = notebook_params(district_number="0999", district_name="X", school_year=2025,
                    extracts_dir="", output_dir="")
import os
print(p.extracts_dir, os.path.isdir(p.extracts_dir))
"""


def test_default_demo_folder_is_removed_at_exit(tmp_path: Path) -> None:
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True,
                         timeout=120, check=True).stdout.split()
    assert out[1] == "True" and out[0].startswith(str(tmp_path))  # it was there while running
    assert not list(tmp_path.glob("mtcollect-demo-*"))


def test_a_given_output_folder_is_kept(tmp_path: Path) -> None:
    code = CODE.replace('output_dir=""', f"output_dir={str(tmp_path / 'out')!r}")
    subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                   check=True)
    assert (tmp_path / "out").is_dir() and any((tmp_path / "out").iterdir())

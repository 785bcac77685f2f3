"""A batch (warm kernels, shared plotly.js) writes what single ``mtcollect run`` runs write."""

from __future__ import annotations

import json
import re
import shutil
import threading
from pathlib import Path

import nbformat
import openpyxl
import pandas as pd
import psutil
import pytest

from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.report import html_export
from mtcollect_nb.report.notebook import run_district_notebook
from mtcollect_nb.state import batch, warm_kernel
from mtcollect_nb.state.batch_io import plan

pytestmark = [pytest.mark.notebooks, pytest.mark.slow,
              pytest.mark.filterwarnings("ignore::DeprecationWarning")]

#: What two runs of the same district may differ in (two single runs too): the run's time,
#: Plotly's random figure ids, pandas Styler's random table ids and the random id of
#: papermill's injected-parameters cell.
STAMP = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?")  # also "Ran" HH:MM
STYLER_ID = re.compile(r"\bT_[0-9a-f]{5}")
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
INLINE_JS = re.compile(r'<script type="text/javascript">/\*\*.*?</script>', re.S)
SHARED_JS = re.compile(r'<script type="text/javascript" charset="utf-8" src="[^"]*"></script>')


@pytest.fixture(scope="module")
def state(tmp_path_factory):
    """Three small districts: batch outputs (one worker, 2 districts per kernel), then the
    same districts' single runs into the same folders (so no path differs)."""
    from mtcollect_nb.synthetic import write_state

    base = tmp_path_factory.mktemp("state")
    params_dir = write_state(base, districts=3, seed=5, scale=0.15)
    s = batch.run_batch(params_dir, workers=1, progress=False, rollup=False, kernel_reuse=2)
    assert s.rows["status"].tolist() == ["ok"] * 3, s.rows["message"].tolist()
    root = s.path_csv.parent
    shutil.copytree(root, base / "batch")
    for d in plan(params_dir):
        shutil.rmtree(d.output_dir)  # a first run too (no previous workbook, no history)
        run_district_notebook(d.params_file)
    return base, root, plan(params_dir)


def pages(folder: Path) -> str:
    """The page with plotly.js, times, Plotly's ids and papermill's new cell's id blanked."""
    text = (folder / "district_validation.html").read_text(encoding="utf-8")
    nb = nbformat.read(folder / "district_validation.ipynb", as_version=4)
    for c in nb.cells:
        if "injected-parameters" in c.metadata.get("tags", []):
            text = text.replace(c.id, "<injected>")
    text = SHARED_JS.sub("<plotly.js>", INLINE_JS.sub("<plotly.js>", text))
    return STYLER_ID.sub("T_<id>", UUID.sub("<uuid>", STAMP.sub("<time>", text)))


def cells(path: Path) -> dict[str, list[list[object]]]:
    wb = openpyxl.load_workbook(path)
    return {ws.title: [[STAMP.sub("<time>", v) if isinstance(v, str) else v for v in row]
                       for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_batch_outputs_equal_single_runs(state):
    base, root, ds = state
    for d in ds:
        ours, single = base / "batch" / d.output_dir.name, d.output_dir
        tables = sorted(p.name for p in single.glob("*.parquet"))
        assert tables and tables == sorted(p.name for p in ours.glob("*.parquet"))
        for name in tables:
            pd.testing.assert_frame_equal(pd.read_parquet(ours / name),
                                          pd.read_parquet(single / name), obj=name)
        a, b = (json.loads((f / "summary.json").read_text()) for f in (ours, single))
        assert a.pop("started") and b.pop("started") and a == b
        assert cells(ours / "findings.xlsx") == cells(single / "findings.xlsx")
        # the same cells, numbered from 1 as in a fresh kernel, with the same outputs
        nb_a, nb_b = (nbformat.read(f / "district_validation.ipynb", as_version=4)
                      for f in (ours, single))
        assert ([c.get("execution_count") for c in nb_a.cells]
                == [c.get("execution_count") for c in nb_b.cells])
        assert pages(ours) == pages(single), d.district


def test_batch_pages_share_one_plotly_js_and_single_runs_embed_it(state):
    base, root, ds = state
    js = base / "batch" / f"plotly-{html_export.plotly_version()}.min.js"
    assert js.stat().st_size > 3_000_000
    for d in ds:
        ours = (base / "batch" / d.output_dir.name / "district_validation.html").read_text()
        single = (d.output_dir / "district_validation.html").read_text()
        assert f'src="../{js.name}"' in ours and len(INLINE_JS.findall(ours)) == 0
        assert "<script src=" not in single and len(INLINE_JS.findall(single)) == 1
        assert len(single) - len(ours) > 3_000_000
    assert not list((base / "batch").glob("*/plotly*.js"))


def test_warm_kernel_is_reused_and_replaced_after_n_and_after_a_death(state):
    _, _, ds = state
    kernel = warm_kernel.WarmKernel(max_districts=2)
    try:
        kernel.run(ds[0].params_file)
        first = kernel.pid
        kernel.run(ds[1].params_file)
        assert kernel.pid == first and kernel.starts == 1  # the same kernel, reset
        kernel.run(ds[2].params_file)
        second = kernel.pid
        assert second != first and kernel.starts == 2  # a fresh one after 2 districts
        psutil.Process(second).kill()  # the kernel dies between districts
        psutil.Process(second).wait(10)
        kernel.manager()  # what the next district gets
        third = kernel.pid
        assert third not in (first, second) and kernel.starts == 3
        # the kernel dies during a district (say the OOM killer): that district fails, the
        # kernel is replaced, the next district runs
        threading.Timer(1.0, lambda: psutil.Process(third).kill()).start()
        with pytest.raises(MtcollectError, match="[Kk]ernel"):
            kernel.run(ds[0].params_file)
        assert kernel.km is None
        kernel.run(ds[1].params_file)
        assert kernel.pid != third and kernel.starts == 4
    finally:
        kernel.stop()
    assert kernel.pid is None

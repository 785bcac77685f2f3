"""Training mode: no real name or ID of the input appears in any file a masked run writes."""

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from plotly.offline import get_plotlyjs

from mtcollect_nb.load.loader import load_bundle
from mtcollect_nb.params import load_params

pytestmark = pytest.mark.notebooks
TOKEN = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?")


def _real_values(demo_run) -> tuple[set[str], set[str]]:
    """(full names, IDs) of the demo's students and staff, read from its extracts."""
    bundle = load_bundle(Path(load_params(demo_run.params_path).extracts_dir))
    names, ids = set(), set()
    for table, id_cols in (("students", ("stateID", "studentNumber")),
                           ("staff", ("staffStateID",))):
        t = bundle.table(table)
        full = t["lastName"].str.strip() + ", " + t["firstName"].str.strip()
        names |= set(full[(t["lastName"] != "") & (t["firstName"] != "")])
        names |= set((t["firstName"] + " " + t["lastName"]).str.strip())
        for col in id_cols:
            ids |= {v for v in t[col] if len(v) >= 5}
    return names, ids


def _texts(path: Path) -> list[str]:
    if path.suffix == ".xlsx":
        book = openpyxl.load_workbook(path, read_only=True)
        return [str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                for v in row if v is not None]
    if path.suffix == ".parquet":
        df = pd.read_parquet(path)
        return [str(v) for col in df.columns for v in df[col].tolist()]
    text = path.read_text(encoding="utf-8", errors="replace")
    # the embedded plotly.js library holds numbers of its own; the figures' data is still scanned
    return [text.replace(get_plotlyjs(), "")]


def test_masked_demo_outputs_hold_no_real_name_or_id(demo_run) -> None:
    assert load_params(demo_run.params_path).mask_pii
    names, ids = _real_values(demo_run)
    assert len(ids) > 500 and len(names) > 500  # the scan has something to find
    files = sorted(p for p in demo_run.output_dir.rglob("*") if p.is_file())
    assert {p.suffix for p in files} >= {".xlsx", ".html", ".ipynb", ".parquet", ".json"}
    for path in files:
        for text in _texts(path):
            leaked = set(TOKEN.findall(text)) & ids
            assert not leaked, (path.name, sorted(leaked)[:3])
            hit = next((n for n in names if n in text), None)
            assert hit is None, (path.name, hit)


def test_the_scan_can_fail(demo_run, tmp_path) -> None:
    """The same scan finds the real values in the (unmasked) input files."""
    names, ids = _real_values(demo_run)
    students = Path(load_params(demo_run.params_path).extracts_dir) / "students.csv"
    text = students.read_text(encoding="cp1252")
    assert set(TOKEN.findall(text)) & ids
    assert any(n.split(", ")[0] in text for n in list(names)[:50])


def test_masked_forecast_outputs_hold_no_real_name_or_id(demo_run) -> None:
    """A January run of the demo (the Call list sheet, summary.json's forecast, the tables):
    the same scan, with the call list non-empty so it has something to hide."""
    from mtcollect_nb.report.pipeline import analyze_district, write_outputs
    from mtcollect_nb.synthetic.write import FORECAST_PARAMS

    params = load_params(demo_run.params_path.with_name(FORECAST_PARAMS))
    assert params.mask_pii and params.forecast
    run = analyze_district(params)
    assert len(run.analysis.call_list) >= 4
    write_outputs(run)
    names, ids = _real_values(demo_run)
    files = sorted(p for p in Path(params.output_dir).rglob("*") if p.is_file())
    book = openpyxl.load_workbook(Path(params.output_dir) / "findings.xlsx", read_only=True)
    assert "Call list" in book.sheetnames
    for path in files:
        for text in _texts(path):
            leaked = set(TOKEN.findall(text)) & ids
            assert not leaked, (path.name, sorted(leaked)[:3])
            hit = next((n for n in names if n in text), None)
            assert hit is None, (path.name, hit)


def _typed_rerun(demo_run, tmp_path: Path) -> tuple[Path, Path, set[str], set[str]]:
    """A copy of the demo's output folder with real names and IDs typed into its workbook."""
    import shutil

    names, ids = _real_values(demo_run)
    out = tmp_path / "out"
    shutil.copytree(demo_run.output_dir, out)
    book = openpyxl.load_workbook(out / "findings.xlsx")
    ws = book["Findings"]
    head = [c.value for c in ws[1]]
    ws.cell(1, len(head) + 1).value = "my comments"
    for r, (name, sid) in enumerate(zip(sorted(names)[:20], sorted(ids)[:20], strict=True), 2):
        ws.cell(r, head.index("note") + 1).value = f"spoke to {name} ({sid}) family"
        ws.cell(r, len(head) + 1).value = f"{name.lower()} called back"
    book.create_sheet("My call log").append(["who", sorted(names)[0], sorted(ids)[0]])
    book.save(out / "findings.xlsx")
    return out, out / "findings.xlsx", names, ids


def test_a_masked_rerun_with_typed_notes_holds_no_real_name_or_id(demo_run, tmp_path) -> None:
    """Notes, the district's own columns and sheets, and history/ are scanned too (issue 24)."""
    from mtcollect_nb.report.pipeline import analyze_district, write_outputs

    out, _, names, ids = _typed_rerun(demo_run, tmp_path)
    params = load_params(demo_run.params_path).model_copy(update={"output_dir": str(out)})
    write_outputs(analyze_district(params))
    assert len(list((out / "history").glob("*.json"))) == 2
    assert not list(out.glob("findings.previous-*"))
    files = sorted(p for p in out.rglob("*") if p.is_file() and p.suffix != ".ipynb"
                   and p.suffix != ".html")  # the copied notebook and page are the demo's
    scanned = " ".join(t for p in files for t in _texts(p))
    assert "spoke to [masked]" in scanned and "called back" in scanned
    lowered = {n.lower() for n in names}
    for path in files:
        for text in _texts(path):
            assert not set(TOKEN.findall(text)) & ids, path.name
            assert next((n for n in names | lowered if n in text), None) is None, path.name


def test_the_typed_notes_scan_can_fail(demo_run, tmp_path) -> None:
    """The twin: the same scan finds the typed names and IDs in the typed workbook."""
    _, book, names, ids = _typed_rerun(demo_run, tmp_path)
    text = " ".join(_texts(book))
    assert set(TOKEN.findall(text)) & ids and any(n in text for n in names)

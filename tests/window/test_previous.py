"""The previous workbook: corrupt, foreign, re-saved with styles, a crash mid-run."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from mtcollect_nb.params import load_params
from mtcollect_nb.report import workbook
from mtcollect_nb.report.pipeline import analyze_district, write_outputs
from mtcollect_nb.synthetic.write import write_demo
from mtcollect_nb.window.carry import is_reviewed
from mtcollect_nb.window.previous import cell_text, read_previous


@pytest.fixture(scope="module")
def demo_params(tmp_path_factory: pytest.TempPathFactory):
    return load_params(write_demo(tmp_path_factory.mktemp("prev")))


@pytest.fixture
def fresh(demo_params, tmp_path: Path):
    """A run whose output folder is new for each test."""
    p = demo_params.model_copy(update={"output_dir": tmp_path / "out"})
    return analyze_district(p)


def note_first_warning(book: Path, note: str) -> str:
    wb = openpyxl.load_workbook(book)
    ws = wb["Findings"]
    head = [c.value for c in ws[1]]
    r = next(i for i in range(2, ws.max_row + 1) if ws.cell(i, 2).value == "warning")
    ws.cell(r, head.index("reviewed") + 1).value = True
    ws.cell(r, head.index("note") + 1).value = note
    wb.save(book)
    return str(ws.cell(r, head.index("findingKey") + 1).value)


def notes(book: Path) -> dict[str, str]:
    f = pd.read_excel(book, sheet_name="Findings", dtype=str).fillna("")
    return dict(zip(f["findingKey"], f["note"], strict=True))


@pytest.mark.slow
@pytest.mark.parametrize("content", [b"PK\x03\x04 truncated zip", b"just text, not a workbook"])
def test_corrupt_previous_is_reported_kept_and_the_run_goes_on(fresh, content: bytes) -> None:
    out = Path(fresh.params.output_dir)
    out.mkdir(parents=True)
    (out / "findings.xlsx").write_bytes(content)
    book = write_outputs(fresh)
    kept = list(out.glob("findings.previous-*.xlsx"))
    assert len(kept) == 1 and kept[0].read_bytes() == content
    since = openpyxl.load_workbook(book)["Since last run"]
    grid = [[c.value for c in r] for r in since.iter_rows()]
    problem = next(r[1] for r in grid if r[0] == "Previous findings.xlsx")
    assert "could not be read" in problem and kept[0].name in problem and "\n" not in problem
    assert set(pd.read_excel(book, sheet_name="Findings")["status"]) == {"new"}


@pytest.mark.slow
def test_foreign_workbook_is_not_read_but_kept(fresh, tmp_path: Path) -> None:
    out = Path(fresh.params.output_dir)
    out.mkdir(parents=True)
    wb = openpyxl.Workbook()
    wb.active.title = "Findings"
    wb.active.append(["ruleId", "note"])
    wb.active.append(["ANB-01", "someone else's file"])
    wb.save(out / "findings.xlsx")
    prev = read_previous(out / "findings.xlsx")
    assert prev.found and not prev.usable and "findingKey" in (prev.problem or "")
    write_outputs(fresh)
    assert len(list(out.glob("findings.previous-*.xlsx"))) == 1


@pytest.mark.slow
def test_crash_mid_run_loses_no_note(fresh, monkeypatch: pytest.MonkeyPatch) -> None:
    book = write_outputs(fresh)
    key = note_first_warning(book, "typed on day 2")
    before = book.read_bytes()

    def crash(*_a, **_k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(workbook, "_write_sheet", crash)
    with pytest.raises(RuntimeError):
        write_outputs(fresh)
    assert book.read_bytes() == before  # the old workbook, notes and all
    monkeypatch.undo()
    write_outputs(fresh)
    assert notes(book)[key] == "typed on day 2"
    assert not list(book.parent.glob("findings.previous-*"))


@pytest.mark.slow
def test_styled_resave_with_openpyxl_keeps_notes(fresh) -> None:
    book = write_outputs(fresh)
    key = note_first_warning(book, "ok per registrar")
    wb = openpyxl.load_workbook(book)  # a second save, as a district's Excel would
    wb["Findings"].insert_rows(1)  # a title row above the header
    wb["Findings"].cell(1, 1).value = "Findings reviewed by the registrar"
    wb["Findings"].sheet_properties.tabColor = "1072BA"
    wb.save(book)
    write_outputs(fresh)
    f = pd.read_excel(book, sheet_name="Findings", dtype=str).fillna("").set_index("findingKey")
    assert f.at[key, "note"] == "ok per registrar"
    assert f.at[key, "reviewed"] == "TRUE" and f.at[key, "status"] == "reviewed"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice not installed")
def test_libreoffice_resave_keeps_notes(fresh, tmp_path: Path) -> None:
    book = write_outputs(fresh)
    key = note_first_warning(book, "saved by LibreOffice")
    conv = tmp_path / "conv"
    subprocess.run(["soffice", "--headless", "--convert-to", "xlsx", "--outdir", str(conv),
                    str(book)], check=True, timeout=300, capture_output=True)
    shutil.copy(conv / "findings.xlsx", book)
    write_outputs(fresh)
    assert notes(book)[key] == "saved by LibreOffice"


def test_reviewed_means_anything_but_no() -> None:
    typed = pd.Series(["x", "X ", "yes", "TRUE", "2025-02-10", "JD", "", " ", "no", "N",
                       "FALSE", "0", "-", None])
    assert is_reviewed(typed).tolist() == [True] * 6 + [False] * 8


def test_cell_text_of_excel_values() -> None:
    import datetime as dt

    assert [cell_text(v) for v in (1, 1.5, False, dt.date(2025, 2, 3),
                                   dt.datetime(2025, 2, 3, 9, 30), "=A1")] == [
        "1", "1.5", "FALSE", "2025-02-03", "2025-02-03 09:30:00", "=A1"]


def test_missing_previous_is_a_first_run(tmp_path: Path) -> None:
    prev = read_previous(tmp_path / "findings.xlsx")
    assert not prev.found and prev.problem is None and prev.findings.empty

"""Issue 24 (the rerun window under fire) and issue 20 item 3 (notes survive another PC).

Each test is a case of the hostile-input campaign, seen as the district sees it: the workbook
through openpyxl, the history records and summary.json as files, the terminal's closing lines.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import re
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from mtcollect_nb import cli
from mtcollect_nb.load.loader import write_bundle
from mtcollect_nb.outputs import FINDINGS_XLSX, HISTORY_DIR, read_summary
from mtcollect_nb.report.pipeline import analyze_district, finish, write_outputs
from mtcollect_nb.report.summary import WINDOW_BLOCK
from mtcollect_nb.testing import absences, enrollment, make_bundle, params, student
from mtcollect_nb.window import previous as previous_mod
from mtcollect_nb.window.notes import EXCEL_CELL_CHARS, NOTE_MARKER

pytestmark = pytest.mark.slow

DAY1, DAY2, DAY3 = (dt.datetime(2025, 2, d, 8, 0) for d in (4, 5, 6))
NAME, SURNAME, STATE_ID = "Maria", "Pena", "900000001"


def write_district(base: Path, *, absent: bool = True) -> None:
    """Student 1 (Maria Pena) absent 11 days in a row (ANB-01) unless ``absent`` is false."""
    days = pd.bdate_range("2025-01-20", "2025-02-03")
    bundle = make_bundle(students=[student(1, lastName=SURNAME, firstName=NAME), student(2)],
                         enrollments=[enrollment(10, 1), enrollment(11, 2)],
                         attendance=absences(1, days) if absent else [])
    write_bundle(bundle, base / "extracts")


def district(base: Path, mask: bool = False, **kw: bool):
    write_district(base, **kw)
    return params(extracts_dir=str(base / "extracts"), output_dir=str(base / "out"),
                  mask_pii=mask)


def run_on(p, when: dt.datetime) -> Path:
    """One run of the district as the notebook does it, started at ``when``; the workbook."""
    run = dataclasses.replace(analyze_district(p), started=when)
    return write_outputs(finish(run))


def header(ws) -> list[str]:
    return [str(c.value) if c.value is not None else "" for c in ws[1]]


def type_in(book: Path, rule: str, **cells: object) -> str:
    """Type into the first row of ``rule`` on Findings (column by header); its findingKey."""
    wb = openpyxl.load_workbook(book)
    ws = wb["Findings"]
    head = header(ws)
    r = next(i for i in range(2, ws.max_row + 1) if ws.cell(i, 1).value == rule)
    for col, value in cells.items():
        ws.cell(r, head.index(col) + 1).value = value
    key = str(ws.cell(r, head.index("findingKey") + 1).value)
    wb.save(book)
    return key


def sheet_rows(book: Path, sheet: str = "Findings") -> list[dict[str, object]]:
    ws = openpyxl.load_workbook(book, read_only=True)[sheet]
    rows = list(ws.iter_rows(values_only=True))
    head = [str(h) for h in rows[0]]
    return [dict(zip(head, r, strict=False)) for r in rows[1:]]


def replace_in_zip(book: Path, old: str, new: str) -> None:
    """Replace text inside a workbook's XML parts (what a writer other than openpyxl saves)."""
    with zipfile.ZipFile(book) as z:
        parts = {i: z.read(i.filename) for i in z.infolist()}
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts.items():
            z.writestr(info, data.replace(old.encode(), new.encode()))


def note_of(book: Path, key: str, col: str = "note") -> object:
    return next(r[col] for r in sheet_rows(book) if r["findingKey"] == key)


def summary_lines(book: Path) -> list[str]:
    """The Summary's block of lines about what the previous run left uncarried."""
    grid = [[c for c in r] for r in
            openpyxl.load_workbook(book, read_only=True)["Summary"].iter_rows(values_only=True)]
    at = next((i for i, r in enumerate(grid) if r[0] == WINDOW_BLOCK), None)
    if at is None:
        return []
    out = []
    for r in grid[at + 2:]:
        if not r or r[0] in (None, ""):
            break
        out.append(str(r[0]))
    return out


def closing(out: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The terminal's closing lines of ``mtcollect run`` for this output folder."""
    capsys.readouterr()
    cli.report_outputs(out / "district_validation.ipynb")
    return capsys.readouterr().out.splitlines()


# ---- 1. the previous workbook read by what it is -------------------------------------------

def test_a_copy_of_findings_before_it_is_ignored_and_the_old_workbook_kept(tmp_path) -> None:
    p = district(tmp_path)
    book = run_on(p, DAY1)
    key = type_in(book, "ANB-01", note="called the family on 2/4", reviewed="x")
    wb = openpyxl.load_workbook(book)
    old = wb.copy_worksheet(wb["Findings"])  # Excel's Move or Copy > Create a copy
    old.title = "Findings (2)"
    head = header(old)
    for r in range(2, old.max_row + 1):
        old.cell(r, head.index("note") + 1).value = "an older note"
    wb.move_sheet(old, offset=-(len(wb.sheetnames) - 2))  # before Findings
    wb.save(book)
    assert wb.sheetnames.index("Findings (2)") < wb.sheetnames.index("Findings")
    book = run_on(p, DAY2)
    assert note_of(book, key) == "called the family on 2/4"
    assert len(list((tmp_path / "out").glob("findings.previous-*.xlsx"))) == 1
    assert any("'Findings (2)'" in line for line in summary_lines(book))


@pytest.mark.parametrize("note_header,reviewed_header", [("Note", "Reviewed?"),
                                                         ("Notes", " reviewed ")])
def test_retitled_note_and_reviewed_headers_keep_every_note(tmp_path, note_header: str,
                                                            reviewed_header: str) -> None:
    p = district(tmp_path)
    book = run_on(p, DAY1)
    key = type_in(book, "ANB-01", note="secretary checked", reviewed="yes")
    wb = openpyxl.load_workbook(book)
    ws = wb["Findings"]
    head = header(ws)
    ws.cell(1, head.index("note") + 1).value = note_header
    ws.cell(1, head.index("reviewed") + 1).value = reviewed_header
    wb.save(book)
    book = run_on(p, DAY2)
    assert note_of(book, key) == "secretary checked"
    assert note_of(book, key, "reviewed") == "yes"
    assert summary_lines(book) == []


def test_the_districts_own_columns_and_sheets_are_carried(tmp_path) -> None:
    p = district(tmp_path)
    book = run_on(p, DAY1)
    wb = openpyxl.load_workbook(book)
    ws = wb["Findings"]
    ws.cell(1, ws.max_column + 1).value = "my comments"
    key_col = header(ws).index("findingKey") + 1
    key = str(ws.cell(2, key_col).value)
    ws.cell(2, ws.max_column).value = "=ask Jan (not a formula)"
    log = wb.create_sheet("My call log")
    log.append(["date", "who", "calls"])
    log.append([dt.datetime(2025, 2, 4), "front office", 3])
    wb.save(book)
    book = run_on(p, DAY2)
    assert note_of(book, key, "my comments") == "=ask Jan (not a formula)"
    rows = list(openpyxl.load_workbook(book)["My call log"].iter_rows(values_only=True))
    assert rows == [("date", "who", "calls"), (dt.datetime(2025, 2, 4), "front office", 3)]
    book = run_on(p, DAY3)  # and again on the next run
    assert note_of(book, key, "my comments") == "=ask Jan (not a formula)"
    assert "My call log" in openpyxl.load_workbook(book, read_only=True).sheetnames


def test_a_note_column_that_is_gone_keeps_the_old_workbook_and_says_so(tmp_path,
                                                                       capsys) -> None:
    p = district(tmp_path)
    book = run_on(p, DAY1)
    type_in(book, "ANB-01", note="typed before the column was deleted")
    wb = openpyxl.load_workbook(book)
    ws = wb["Findings"]
    ws.delete_cols(header(ws).index("note") + 1)
    wb.save(book)
    book = run_on(p, DAY2)
    kept = list((tmp_path / "out").glob("findings.previous-*.xlsx"))
    assert len(kept) == 1
    lines = summary_lines(book)
    assert len(lines) == 1 and "no 'note' column" in lines[0] and "copy is kept" in lines[0]
    said = [ln for ln in closing(tmp_path / "out", capsys) if ln.startswith("previous run:")]
    assert said == [f"previous run:      {lines[0]}"]


def test_size_caps_are_checked_before_unzipping(tmp_path, monkeypatch) -> None:
    p = district(tmp_path)
    book = run_on(p, DAY1)
    type_in(book, "ANB-01", note="x" * 5_000)
    typed = book.read_bytes()
    monkeypatch.setattr(previous_mod, "MAX_PART", 4_000)  # a sheet with a 5,000-byte cell
    opened = []
    monkeypatch.setattr(openpyxl, "load_workbook",
                        lambda *a, **k: opened.append(a) or pytest.fail("parsed"))
    prev = previous_mod.read_previous(book)
    assert prev.problem and "in one part" in prev.problem and not opened
    monkeypatch.undo()
    monkeypatch.setattr(previous_mod, "MAX_PART", 4_000)
    run_on(p, DAY2)  # the run goes on; the old workbook is kept before it is replaced
    kept = list((tmp_path / "out").glob("findings.previous-*.xlsx"))
    assert len(kept) == 1 and kept[0].read_bytes() == typed


def test_an_edited_unmasked_workbook_does_not_leak_into_a_masked_run(tmp_path) -> None:
    p = district(tmp_path)
    book = run_on(p, DAY1)
    wb = openpyxl.load_workbook(book)
    summary = wb["Summary"]
    for row in summary.iter_rows(max_col=2):
        if row[0].value == "PII masked":
            row[1].value = "Yes"  # but its cells hold real IDs and names
    wb.save(book)
    assert previous_mod.read_previous(book).masked is False
    write_district(tmp_path, absent=False)  # ANB-01 fixed: shown from the previous workbook
    book = run_on(p.model_copy(update={"mask_pii": True}), DAY2)
    since = [str(v) for r in openpyxl.load_workbook(book, read_only=True)["Since last run"]
             .iter_rows(values_only=True) for v in r if v is not None]
    assert any(v == "fixed" for v in since)
    assert not any(STATE_ID in v or SURNAME in v for v in since)


# ---- 2. notes live as long as the key ------------------------------------------------------

def test_a_note_on_a_fixed_finding_comes_back_with_it(tmp_path) -> None:
    p = district(tmp_path)
    book = run_on(p, DAY1)
    key = type_in(book, "ANB-01", note="fixed the withdrawal date", reviewed="JD")
    write_district(tmp_path, absent=False)
    book = run_on(p, DAY2)
    assert key not in {r["findingKey"] for r in sheet_rows(book)}
    write_district(tmp_path, absent=True)  # the fix was reverted
    book = run_on(p, DAY3)
    row = next(r for r in sheet_rows(book) if r["findingKey"] == key)
    assert row["note"] == "fixed the withdrawal date" and row["reviewed"] == "JD"
    assert row["status"] == "new" and row["firstSeen"] == dt.datetime(2025, 2, 4)


def test_a_note_over_excels_cell_limit_is_kept_whole(tmp_path) -> None:
    p = district(tmp_path)
    book = run_on(p, DAY1)
    long = "; ".join(f"call {i}" for i in range(6_000))  # 50,000+ characters
    key = type_in(book, "ANB-01", note="PLACEHOLDER")
    # openpyxl cuts a cell at Excel's limit; LibreOffice and other writers do not
    replace_in_zip(book, "PLACEHOLDER", long)
    assert len(previous_mod.read_previous(book).findings.set_index("findingKey").at[key, "note"]
               ) == len(long)
    for when in (DAY2, DAY3):
        book = run_on(p, when)
        cell = str(note_of(book, key))
        assert len(cell) == EXCEL_CELL_CHARS and cell.endswith(NOTE_MARKER)
        record = json.loads(sorted((tmp_path / "out" / HISTORY_DIR).glob("*.json"))[-1]
                            .read_text())
        assert next(f["note"] for f in record["findings"] if f["findingKey"] == key) == long
    table = pd.read_parquet(tmp_path / "out" / "findings.parquet").set_index("findingKey")
    assert table.at[key, "note"] == long


def test_excel_escapes_round_trip(tmp_path) -> None:
    p = district(tmp_path)
    book = run_on(p, DAY1)
    # what Excel writes for a CR pasted from Windows text, and for a literal "_x0041_"
    key = type_in(book, "ANB-01", note="line one_x000D_\nline two _x005F_x0041_")
    for when in (DAY2, DAY3):
        book = run_on(p, when)
        table = pd.read_parquet(tmp_path / "out" / "findings.parquet").set_index("findingKey")
        assert table.at[key, "note"] == "line one\r\nline two _x0041_"
    assert "_x000D_" not in str(previous_mod.read_previous(book).findings["note"].tolist())


# ---- 3. masking covers free text -----------------------------------------------------------

def _every_text(out: Path) -> str:
    """Every byte of text the output folder holds (workbooks unzipped, parquet as text)."""
    parts = []
    for f in out.rglob("*"):
        if f.suffix == ".xlsx":
            with zipfile.ZipFile(f) as z:
                parts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
        elif f.suffix == ".parquet":
            parts.append(pd.read_parquet(f).astype(str).to_csv())
        elif f.is_file():
            parts.append(f.read_text("utf-8", "replace"))
    return "\n".join(parts)


def test_a_masked_run_scrubs_notes_everywhere(tmp_path, capsys) -> None:
    p = district(tmp_path, mask=True)
    book = run_on(p, DAY1)
    key = type_in(book, "ANB-01", note=f"spoke to {NAME} {SURNAME.lower()} ({STATE_ID}) family",
                  reviewed="TRUE")
    type_in(book, "ANB-01", reviewed="TRUE")
    wb = openpyxl.load_workbook(book)  # names typed in a header, a sheet name and its cells
    ws = wb["Findings"]
    ws.cell(1, ws.max_column + 1).value = f"{SURNAME} family notes"
    ws.cell(2, ws.max_column).value = f"{NAME} called back"
    wb.create_sheet(f"{NAME} calls").append(["who", f"{NAME} {SURNAME}", STATE_ID])
    wb.save(book)
    book = run_on(p, DAY2)
    names = openpyxl.load_workbook(book, read_only=True).sheetnames
    assert "masked calls" in names and "[masked] family notes" in header(
        openpyxl.load_workbook(book)["Findings"])
    assert re.fullmatch(r"spoke to \[masked\] \[masked\] \(S-[0-9A-F]{12}\) family",
                        str(note_of(book, key)))  # a real ID becomes its pseudonym
    assert note_of(book, key, "reviewed") == "TRUE"
    text = _every_text(tmp_path / "out")
    assert "spoke to [masked]" in text  # the scan reads notes and history
    for secret in (NAME, SURNAME, SURNAME.lower(), STATE_ID):
        assert secret not in text
    assert any("had names or IDs masked" in ln for ln in closing(tmp_path / "out", capsys))


def test_privacy_scan_twin_finds_an_unmasked_note(tmp_path) -> None:
    """The twin of the scan above: unmasked, the same note is found by it."""
    p = district(tmp_path)
    book = run_on(p, DAY1)
    type_in(book, "ANB-01", note=f"spoke to {NAME} {SURNAME} ({STATE_ID}) family")
    run_on(p, DAY2)
    assert STATE_ID in _every_text(tmp_path / "out" / HISTORY_DIR)


def test_since_last_run_uses_run_order_not_a_clock(tmp_path) -> None:
    p = district(tmp_path)
    run_on(p, DAY1)
    hist = tmp_path / "out" / HISTORY_DIR
    # an earlier unmasked run dated later (a clock ahead) and a forged future record
    first = json.loads(next(hist.glob("*.json")).read_text())
    for name, started in (("run-20990101-000000.json", "2099-01-01T00:00:00"),
                          ("run-20250301-000000.json", "2025-03-01T00:00:00")):
        forged = {**first, "started": started}
        forged.pop("seq")
        (hist / name).write_text(json.dumps(forged))
    done = finish(dataclasses.replace(analyze_district(p.model_copy(update={"mask_pii": True})),
                                      started=DAY2))
    assert done.window.previous_run["started"] == DAY1.isoformat()
    assert done.window.seq == 2
    line = next(ln for ln in done.window.lines if "masked run's output folder" in ln)
    assert "3 record(s) of unmasked runs" in line and str(hist) in line


# ---- 4. our own files cannot stop us -------------------------------------------------------

def test_a_bad_history_record_is_skipped_and_named(tmp_path, capsys) -> None:
    p = district(tmp_path)
    run_on(p, DAY1)
    bad = tmp_path / "out" / HISTORY_DIR / "run-20250204-090000.json"
    bad.write_text(json.dumps({"started": "garbage", "totals": "x"}))
    book = run_on(p, DAY2)
    lines = summary_lines(book)
    assert len(lines) == 1 and bad.name in lines[0] and "skipped" in lines[0]
    assert read_summary(tmp_path / "out").fixed_findings == 0  # compared with DAY1's run
    assert f"previous run:      {lines[0]}" in closing(tmp_path / "out", capsys)


@pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/zero are POSIX")
def test_fifo_device_link_and_linked_workbook_are_never_followed(tmp_path) -> None:
    other = district(tmp_path / "other")  # another district's workbook, with a note
    other_book = run_on(other, DAY1)
    type_in(other_book, "ANB-01", note="another district's note")
    p = district(tmp_path)
    run_on(p, DAY1)
    out = tmp_path / "out"
    os.mkfifo(out / HISTORY_DIR / "run-20250204-100000.json")
    (out / HISTORY_DIR / "run-20250204-110000.json").symlink_to("/dev/zero")
    (out / FINDINGS_XLSX).unlink()
    (out / FINDINGS_XLSX).symlink_to(other_book)
    book = run_on(p, DAY2)  # returns: nothing hangs or reads /dev/zero
    assert not book.is_symlink()
    assert "another district's note" not in {r["note"] for r in sheet_rows(book)}
    assert other_book.is_file()  # the target is untouched
    copies = list(out.glob("findings.previous-*.xlsx"))
    assert all(c.is_symlink() for c in copies)  # the link itself kept, its target not copied
    lines = summary_lines(book)
    assert sum("symbolic link" in ln for ln in lines) == 2
    assert any("not a regular file" in ln for ln in lines)


def test_history_as_a_plain_file_does_not_stop_the_run(tmp_path) -> None:
    p = district(tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / HISTORY_DIR).write_text("not a folder")
    book = run_on(p, DAY1)
    assert book.is_file()
    assert any("a file, not a folder" in ln for ln in summary_lines(book))


# ---- 5. one run per output folder ----------------------------------------------------------

def test_a_second_run_into_one_folder_stops_and_names_the_first(tmp_path, capsys) -> None:
    from mtcollect_nb.state.lock import output_lock
    from mtcollect_nb.synthetic.write import write_params

    p = district(tmp_path)
    params_file = write_params(tmp_path / "0001.yaml", {
        k: str(getattr(p, k)) for k in ("district_number", "district_name", "extracts_dir",
                                        "output_dir")} | {"school_year": p.school_year})
    with output_lock(tmp_path / "out", "mtcollect run"):
        code = cli.main(["run", str(params_file)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1
    assert "another mtcollect run (process" in err[0] and str(tmp_path / "out") in err[0]


# ---- 6. notes survive another PC (issue 20 item 3) -----------------------------------------

def test_two_salts_keep_an_unmasked_note(tmp_path, monkeypatch, capsys) -> None:
    p = district(tmp_path)
    monkeypatch.setenv("MTCOLLECT_SALT", "the first PC's own secret salt")
    book = run_on(p, DAY1)
    key = type_in(book, "ANB-01", note="kept on any PC")
    monkeypatch.setenv("MTCOLLECT_SALT", "a re-imaged PC's other secret salt")
    book = run_on(p, DAY2)
    assert note_of(book, key) == "kept on any PC"
    assert summary_lines(book) == []
    assert "notes carried 1, fixed 0, new 0" in closing(tmp_path / "out", capsys)


def test_masked_under_another_salt_says_so(tmp_path, monkeypatch, capsys) -> None:
    p = district(tmp_path, mask=True)
    monkeypatch.setenv("MTCOLLECT_SALT", "the first PC's own secret salt")
    book = run_on(p, DAY1)
    type_in(book, "ANB-01", note="typed on the first PC")
    monkeypatch.setenv("MTCOLLECT_SALT", "a re-imaged PC's other secret salt")
    book = run_on(p, DAY2)
    lines = summary_lines(book)
    assert any("masked under another salt" in ln for ln in lines)
    said = closing(tmp_path / "out", capsys)
    assert any("masked under another salt" in ln for ln in said)
    assert len(list((tmp_path / "out").glob("findings.previous-*.xlsx"))) == 1


@pytest.mark.parametrize("first,second", [(False, True), (True, False)])
def test_a_note_survives_switching_mask_pii(tmp_path, first: bool, second: bool) -> None:
    p = district(tmp_path, mask=first)
    book = run_on(p, DAY1)
    key_rows = sheet_rows(book)
    type_in(book, "ANB-01", note="checked with the school")
    book = run_on(p.model_copy(update={"mask_pii": second}), DAY2)
    row = next(r for r in sheet_rows(book) if r["ruleId"] == "ANB-01")
    assert row["note"] == "checked with the school" and row["status"] != "new"
    assert len(key_rows) == len(sheet_rows(book))


def test_a_note_too_long_to_carry_keeps_the_old_workbook(tmp_path, monkeypatch) -> None:
    p = district(tmp_path)
    book = run_on(p, DAY1)
    key = type_in(book, "ANB-01", note="PLACEHOLDER")
    replace_in_zip(book, "PLACEHOLDER", "y" * 50_000)
    monkeypatch.setattr(previous_mod, "MAX_NOTE_CHARS", 40_000)
    book = run_on(p, DAY2)
    table = pd.read_parquet(tmp_path / "out" / "findings.parquet").set_index("findingKey")
    assert table.at[key, "note"] == "y" * 40_000
    assert len(list((tmp_path / "out").glob("findings.previous-*.xlsx"))) == 1
    assert any("longer than 40,000 characters" in ln for ln in summary_lines(book))


def test_history_reads_are_bounded_newest_first(tmp_path, monkeypatch) -> None:
    from mtcollect_nb.window import history

    for n in range(5):
        history.write_record(tmp_path, {"started": f"2025-02-0{n + 1}T08:00:00", "seq": n + 1})
    size = next((tmp_path / HISTORY_DIR).glob("*.json")).stat().st_size
    monkeypatch.setattr(history, "MAX_HISTORY_BYTES", 3 * size)
    read = history.read_records(tmp_path)
    assert [r["seq"] for r in read.records] == [3, 4, 5]
    assert len(read.skipped) == 1 and "2 oldest record(s) not read" in read.skipped[0]
    assert read.next_seq == 6


def test_an_understated_dimension_loses_no_note(tmp_path) -> None:
    p = district(tmp_path)
    book = run_on(p, DAY1)
    key = type_in(book, "ANB-01", note="below the declared size")
    with zipfile.ZipFile(book) as z:
        parts = {i: z.read(i.filename) for i in z.infolist()}
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts.items():  # a writer that declares only the header row
            z.writestr(info, re.sub(rb'<dimension ref="[A-Z0-9:]+"', b'<dimension ref="A1:A1"',
                                    data))
    book = run_on(p, DAY2)
    assert note_of(book, key) == "below the declared size"


@pytest.mark.skipif(os.name != "posix", reason="FIFOs are POSIX")
def test_a_fifo_named_findings_xlsx_is_never_opened_nor_said_kept(tmp_path) -> None:
    p = district(tmp_path)
    (tmp_path / "out").mkdir()
    os.mkfifo(tmp_path / "out" / FINDINGS_XLSX)
    book = run_on(p, DAY1)  # returns: the FIFO is never opened
    assert book.is_file() and not list((tmp_path / "out").glob("findings.previous-*"))
    lines = summary_lines(book)
    assert len(lines) == 1 and "not a regular file" in lines[0] and "copy" not in lines[0]

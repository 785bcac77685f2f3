"""Fuzzing the previous workbook and history/ (issue 24 item 6): no traceback, no note lost.

Each example takes one output folder after a first run with a note typed in its workbook,
damages it the way people and programs do (headers retitled, sheets copied or added, title
rows, own columns, a Summary that lies, bytes cut off or replaced; history records of any
JSON, of bytes, folders, links and FIFOs), then runs the district again. Invariants: the run
finishes and writes its workbook; every problem is one line; the note typed is either carried
or the old workbook is kept beside the new one, holding it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import string
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from mtcollect_nb.load.loader import write_bundle
from mtcollect_nb.outputs import FINDINGS_XLSX, HISTORY_DIR
from mtcollect_nb.report.pipeline import analyze_district, finish, write_outputs
from mtcollect_nb.testing import absences, enrollment, make_bundle, params, student

pytestmark = pytest.mark.slow

NOTE = "called the family on 2/4; see the call log"
DAY1, DAY2 = dt.datetime(2025, 2, 4, 8, 0), dt.datetime(2025, 2, 5, 8, 0)
KNOWN_NOTE_HEADERS = ("note", "Note", "NOTES", " note ", "Note?")
SHEET_NAME = st.text(string.ascii_letters + string.digits + " ()-", min_size=1, max_size=31)
CELL = st.one_of(st.none(), st.integers(-10**9, 10**9), st.booleans(),
                 st.text(max_size=60).map(lambda t: ILLEGAL_CHARACTERS_RE.sub("", t)))
JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=20),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.sampled_from(["started", "seq", "totals", "counts",
                                                       "findings", "since", "own", "masked",
                                                       "otherKeys", "x"]), inner, max_size=5),
                    max_leaves=12)


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory):
    base = tmp_path_factory.mktemp("fuzz")
    days = pd.bdate_range("2025-01-20", "2025-02-03")
    write_bundle(make_bundle(students=[student(1), student(2)],
                             enrollments=[enrollment(10, 1), enrollment(11, 2)],
                             attendance=absences(1, days)), base / "extracts")
    p = params(extracts_dir=str(base / "extracts"), output_dir=str(base / "out"))
    book = write_outputs(finish(dataclasses.replace(analyze_district(p), started=DAY1)))
    wb = openpyxl.load_workbook(book)
    ws = wb["Findings"]
    head = [c.value for c in ws[1]]
    ws.cell(2, head.index("note") + 1).value = NOTE
    wb.save(book)
    run = dataclasses.replace(analyze_district(p), started=DAY2)
    return base / "out", run


workbook_change = st.one_of(
    st.tuples(st.just("note header"), st.sampled_from(KNOWN_NOTE_HEADERS + ("my note", "N"))),
    st.tuples(st.just("copy sheet"), st.sampled_from(["Findings (2)", "Findings (old)",
                                                      "findings copy"])),
    st.tuples(st.just("own sheet"), SHEET_NAME, st.lists(st.lists(CELL, max_size=4),
                                                          max_size=4)),
    st.tuples(st.just("own column"), SHEET_NAME, CELL),
    st.tuples(st.just("title rows"), st.integers(1, 25)),
    st.tuples(st.just("summary lies"), st.just("Yes")),
    st.tuples(st.just("cut bytes"), st.integers(0, 4000)),
    st.tuples(st.just("random bytes"), st.binary(max_size=200)),
)
history_change = st.one_of(
    st.tuples(st.just("json"), JSON),
    st.tuples(st.just("bytes"), st.binary(max_size=100)),
    st.tuples(st.just("folder"), st.none()),
    st.tuples(st.just("fifo"), st.none()),
    st.tuples(st.just("link"), st.sampled_from(["/dev/zero", "/nonexistent", "../findings.xlsx"])),
    st.tuples(st.just("cut record"), st.integers(0, 200)),
)


def damage_workbook(book: Path, change: tuple) -> bool:
    """Apply one change; whether the note can still be carried from the workbook."""
    kind, *args = change
    if kind in ("cut bytes", "random bytes"):
        data = book.read_bytes()
        book.write_bytes(data[:args[0]] if kind == "cut bytes" else args[0])
        return False
    wb = openpyxl.load_workbook(book)
    ws = wb["Findings"]
    names = {n.casefold() for n in wb.sheetnames}
    carried = True
    top = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "ruleId")
    if kind == "note header":
        ws.cell(top, [c.value for c in ws[top]].index("note") + 1).value = args[0]
        carried = args[0] in KNOWN_NOTE_HEADERS
    elif kind == "copy sheet" and args[0].casefold() not in names:
        wb.copy_worksheet(ws).title = args[0]
    elif kind == "own sheet" and args[0].casefold() not in names:
        sheet = wb.create_sheet(args[0])
        for row in args[1]:
            sheet.append(row)
    elif kind == "own column":
        ws.cell(top, ws.max_column + 1).value = args[0]
        ws.cell(top + 1, ws.max_column).value = args[1]
    elif kind == "title rows":
        ws.insert_rows(1, args[0])
        carried = top + args[0] <= 20  # the header is looked for in the first 20 rows
    elif kind == "summary lies":
        for row in wb["Summary"].iter_rows(max_col=2):
            if row[0].value == "PII masked":
                row[1].value = args[0]
    wb.save(book)
    return carried


def damage_history(folder: Path, n: int, change: tuple) -> None:
    kind, arg = change
    path = folder / f"run-20250204-{n:06d}.json"
    if kind == "json":
        path.write_text(json.dumps(arg))
    elif kind == "bytes":
        path.write_bytes(arg)
    elif kind == "folder":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "link":
        path.symlink_to(arg)
    else:
        first = sorted(folder.glob("run-2025020[4]-080000*.json"))[0]
        path.write_bytes(first.read_bytes()[:arg])


@pytest.mark.skipif(os.name != "posix", reason="FIFOs and /dev/zero are POSIX")
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(wb_changes=st.lists(workbook_change, max_size=3),
       hist_changes=st.lists(history_change, max_size=3))
def test_no_traceback_no_note_lost(first_run, tmp_path_factory, wb_changes, hist_changes
                                   ) -> None:
    template, run = first_run
    out = tmp_path_factory.mktemp("example") / "out"
    shutil.copytree(template, out, symlinks=True)
    book = out / FINDINGS_XLSX
    carriable = True
    for change in wb_changes:
        if not book.is_file() or not carriable and change[0] not in ("cut bytes", "random bytes"):
            continue
        try:
            carriable = damage_workbook(book, change) and carriable
        except Exception:  # openpyxl could not open what an earlier change left
            carriable = False
    for n, change in enumerate(hist_changes):
        damage_history(out / HISTORY_DIR, 90000 + n, change)
    typed = book.read_bytes()

    done = finish(run, out)
    written = write_outputs(done)

    assert written.is_file()
    lines = done.window.lines
    assert all(line and "\n" not in line and "Traceback" not in line for line in lines)
    notes = set(done.window.findings["note"])
    kept = sorted(out.glob("findings.previous-*.xlsx"))
    if carriable:
        assert NOTE in notes, (wb_changes, lines)
    elif NOTE not in notes:  # not carried: the old workbook is kept beside the new one
        assert kept and kept[0].read_bytes() == typed, (wb_changes, lines)

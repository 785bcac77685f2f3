"""Fuzz: random byte edits of a small synthetic district, run end to end (load, rules, workbook).

Seeded and bounded in time (``PIPELINE_FUZZ_SECONDS``, default 30 s). Each mutated district
either stops with one :class:`ExtractError` line (naming a file) or runs; then per file
read = used + rejected, no workbook cell is a formula, and in a masked run no raw name or
state ID of the original district is anywhere in the workbook or in findings.parquet.
"""

from __future__ import annotations

import os
import random
import shutil
import time
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from mtcollect_nb.errors import ExtractError
from mtcollect_nb.report.pipeline import analyze_district, write_outputs
from mtcollect_nb.synthetic import write_district
from mtcollect_nb.testing import params

pytestmark = pytest.mark.slow

SECONDS = float(os.environ.get("PIPELINE_FUZZ_SECONDS", "30"))
SEED = int(os.environ.get("PIPELINE_FUZZ_SEED", "20270201"))
PAYLOADS = [b'"', b'""', b",", b"\n", b"\r", b"\t", b"=HYPERLINK(\"http://x\")", b"=1+1",
            b"+SUM(A1)", b"@x", b"-2+3", b"\xe9", b"\xc3\xb1", b"\xff\xfe",
            b"99999999999999999999", b"2025-02-30", b"1.2E+08", b"\x1b[2J", b"", b"0", b"-1"]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return write_district(tmp_path_factory.mktemp("fuzz-template") / "x", students=40, seed=9)


@pytest.fixture(scope="module")
def raw_pii(template) -> tuple[set[str], set[str]]:
    """(state IDs, names) of the original district: none may appear in a masked run."""
    students = pd.read_csv(template / "students.csv", dtype=str, encoding="utf-8",
                           encoding_errors="replace", keep_default_na=False)
    ids = {v for v in students["stateID"] if len(v) >= 6}
    pairs = list(zip(students["lastName"], students["firstName"], strict=True))
    names = {f"{ln}{sep}{fn}" for ln, fn in pairs for sep in (", ", ",", ";", "\t")}
    names |= {f"{fn} {ln}" for ln, fn in pairs}
    names |= {v for v in students["lastName"] if len(v) >= 4}
    return ids, names


def mutate(folder: Path, rng: random.Random) -> list[str]:
    """1-3 random edits (insert, delete, overwrite, payload) to random files; returns what."""
    done = []
    files = sorted(folder.glob("*.csv"))
    for _ in range(rng.randint(1, 3)):
        path = rng.choice(files)
        data = bytearray(path.read_bytes())
        pos = rng.randrange(len(data) + 1)
        op = rng.choice(["insert", "delete", "overwrite", "payload", "payload"])
        if op == "insert":
            data[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
        elif op == "delete":
            del data[pos:pos + rng.randint(1, 40)]
        elif op == "overwrite":
            data[pos:pos + 1] = bytes([rng.randrange(256)])
        else:
            data[pos:pos] = rng.choice(PAYLOADS)
        path.write_bytes(bytes(data))
        done.append(f"{op} {path.name}@{pos}")
    return done


def _workbook_texts(path: Path) -> list[str]:
    book = openpyxl.load_workbook(path)  # not data_only: formulas stay formulas
    texts = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {sheet.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
    return texts


def _leaks(texts: list[str], ids: set[str], names: set[str]) -> list[str]:
    return [t for t in texts if t in names or any(i in t for i in ids)
            or any(n in t for n in names if not n.isalpha())]


def _one_example(template, tmp_path, rng, masked):
    folder = tmp_path / f"d{rng.random():.12f}"
    shutil.copytree(template, folder)
    what = mutate(folder, rng)
    p = params(district_number="0999", extracts_dir=str(folder),
               output_dir=str(folder / "out"), mask_pii=masked)
    try:
        run = analyze_district(p)
    except ExtractError as err:
        msg = str(err)
        assert "\n" not in msg and ".csv" in msg, (what, msg)
        return what, None
    acc = run.analysis.bundle.accounting
    assert (acc["read"] == acc["used"] + acc["rejected"]).all(), (what, acc)
    return what, (run, write_outputs(run))


def _examples(template, tmp_path, masked):
    rng = random.Random(SEED + masked)
    end, n = time.monotonic() + SECONDS / 2, 0
    while n < 3 or time.monotonic() < end:
        n += 1
        yield _one_example(template, tmp_path, rng, masked)


def test_mutated_districts_stop_cleanly_or_run_with_accounting_and_no_formula(template,
                                                                              tmp_path,
                                                                              raw_pii):
    ran, seen = 0, 0
    for _, result in _examples(template, tmp_path, masked=False):
        if result is not None:
            ran += 1
            texts = _workbook_texts(result[1])  # asserts no formula cell
            seen += bool(_leaks(texts, *raw_pii))
    assert ran >= 1
    assert seen  # unmasked, the names are there: the leak check of the masked test can fail


def test_masked_mutated_runs_show_no_raw_name_or_state_id(template, tmp_path, raw_pii):
    ids, names = raw_pii
    for what, result in _examples(template, tmp_path, masked=True):
        if result is None:
            continue
        run, workbook = result
        texts = _workbook_texts(workbook)
        table = pd.read_parquet(workbook.parent / "findings.parquet")
        texts += [str(v) for c in table.columns if table[c].dtype == object for v in table[c]]
        assert not _leaks(texts, ids, names), (what, _leaks(texts, ids, names)[:3])


def test_masked_run_with_a_broken_student_row_shows_no_raw_text(template, tmp_path, raw_pii):
    folder = tmp_path / "broken"
    shutil.copytree(template, folder)
    lines = (folder / "students.csv").read_bytes().split(b"\n")
    lines[2] = lines[2] + b",extra,fields"  # a ragged row: rejected with its whole text
    (folder / "students.csv").write_bytes(b"\n".join(lines))
    p = params(district_number="0999", extracts_dir=str(folder),
               output_dir=str(folder / "out"), mask_pii=True)
    workbook = write_outputs(analyze_district(p))
    texts = _workbook_texts(workbook)
    table = pd.read_parquet(workbook.parent / "findings.parquet")
    texts += [str(v) for c in table.columns if table[c].dtype == object for v in table[c]]
    assert not _leaks(texts, *raw_pii)

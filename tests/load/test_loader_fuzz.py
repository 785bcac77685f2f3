"""Fuzz: random mutations of a small valid bundle never crash the loader.

The outcome is either an ExtractError (cannot run: one line naming the file) or a bundle whose
accounting holds (read = used + rejected per file), whose frames keep the contract dtypes and
whose used rows are possible (issue 24: thresholds, period minutes, counts, day minutes and
absences in range). The mutations include issue 24's
hostile files: absurdly wide headers, rows of the wrong width, zeros after the first lines, an
``.xlsx`` copy whose ``<dimension>`` is missing or wrong, and the values out of range.
"""

from __future__ import annotations

import os
import re
import shutil
import zipfile
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loader_fixtures import write_small

from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load import contract, typed
from mtcollect_nb.load.limits import MAX_COLUMNS
from mtcollect_nb.load.loader import load_bundle

pytestmark = pytest.mark.slow

FILES = ["schools", "calendars", "days", "students", "enrollments", "attendance", "gifted",
         "periods", "grade_levels", "ic_counts", "esa_participants", "fall_count"]
TRICKY = st.sampled_from([
    "", " ", "0", "-1", "1441", "12.0", "12.5", "1e9", "99999999999999999999", "2025-02-30",
    "02/30/2025", "45691", "13", "KG", "x", "Y", "TRUE", '"', '""', "a,b", '"a,b"', "\t", ";",
    "Peña", "Ó'Neil", "\u00a0", "NaN", "None", "null", "\n", '"\n"', "\r",
    "-60", "100000", "1440", "1", "2.5", "-5", "25:00", "10:00", "08:30", "12", "21", "2",
])
#: Extra files of the template (issue 24's tables): periods, grade levels, IC's counts.
EXTRA_FILES = {
    "periods": "calendarID,periodScheduleID,periodID,name,minutes,startTime,endTime,"
               "instructional\n1,1,11,P1,180,,,1\n1,1,12,P2,,11:00,14:00,1\n",
    "grade_levels": "calendarID,grade,wholeDayAbsence,stateExclude\n1,06,240,0\n1,KG,120,0\n",
    "ic_counts": "schoolNumber,grade,count\n0001,06,1\n0001,KG,1\n",
    "esa_participants": "stateID,startDate\n900000001,2024-08-26\n",
    "fall_count": "stateID,schoolNumber,grade,fallAggregateHours,excluded\n"
                  "900000001,0001,06,1080,0\n",
}
FIELD = st.one_of(TRICKY, st.text(max_size=8))


@st.composite
def mutation(draw):
    return (draw(st.sampled_from(FILES)),
            draw(st.sampled_from(["field", "drop_line", "dup_line", "cut", "bytes", "header",
                                  "encoding", "wide_header", "ragged", "zeros", "xlsx"])),
            draw(st.integers(min_value=0, max_value=10_000)),
            draw(FIELD),
            draw(st.binary(max_size=6)))


def apply(folder: Path, mut) -> None:
    name, op, pos, text, blob = mut
    path = folder / f"{name}.csv"
    data = path.read_bytes()
    lines = data.decode("utf-8", errors="surrogateescape").split("\n")
    i = pos % len(lines)
    if op == "field":
        fields = lines[i].split(",")
        fields[pos % len(fields)] = text
        lines[i] = ",".join(fields)
    elif op == "drop_line":
        del lines[i]
    elif op == "dup_line":
        lines.insert(i, lines[i])
    elif op == "header":
        fields = lines[0].split(",")
        fields[pos % len(fields)] = text
        lines[0] = ",".join(fields)
    elif op == "wide_header":  # around the bound of header columns
        lines[0] += "," * (MAX_COLUMNS - 10 + pos % 30)
    elif op == "ragged":  # rows of the wrong width
        lines[i:i] = ["7"] * (pos % 1500)
    if op == "cut":
        path.write_bytes(data[: pos % (len(data) + 1)])
    elif op == "zeros":  # a file of zeros after its first lines
        path.write_bytes(data[: pos % (len(data) + 1)] + b"\x00" * (1 + pos % 70_000))
    elif op == "xlsx":
        _as_xlsx(path, pos)
    elif op == "bytes":
        k = pos % (len(data) + 1)
        path.write_bytes(data[:k] + blob + data[k:])
    elif op == "encoding":
        text = "\n".join(lines).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        path.write_bytes(text.encode(["cp1252", "utf-16", "utf-8-sig"][pos % 3], "replace"))
    else:
        path.write_bytes("\n".join(lines).encode("utf-8", errors="surrogateescape"))


def _as_xlsx(path: Path, pos: int) -> None:
    """``path`` saved as ``.xlsx`` (text cells); its ``<dimension>`` kept, dropped or too small."""
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except Exception:  # a CSV the mutations broke already: left as it is
        return
    wb = openpyxl.Workbook()
    wb.active.append(list(df.columns))
    for row in df.itertuples(index=False):
        wb.active.append(list(row))
    target = path.with_suffix(".xlsx")
    wb.save(target)
    path.unlink()
    if pos % 3:
        tmp = target.with_suffix(".tmp")
        dim = b"" if pos % 3 == 1 else b'<dimension ref="A1:B2"/>'
        with zipfile.ZipFile(target) as zin, zipfile.ZipFile(tmp, "w") as zout:
            for item in zin.infolist():
                body = zin.read(item.filename)
                if item.filename == "xl/worksheets/sheet1.xml":
                    body = re.sub(rb"<dimension[^>]*/>", dim, body)
                zout.writestr(item, body)
        tmp.replace(target)


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = write_small(tmp_path_factory.mktemp("template"))
    for name, text in EXTRA_FILES.items():
        (folder / f"{name}.csv").write_text(text)
    return folder


def _possible(b) -> None:
    """Every used row is possible (issue 24's ranges; the period of the row's calendar)."""
    t = b.tables
    for name in ("calendars", "grade_levels"):
        v = t[name]["wholeDayAbsence"].dropna() if name in t else pd.Series([], dtype=int)
        assert ((v >= 1) & (v <= 1440)).all(), name
    if "periods" in t:
        m = t["periods"]["minutes"].dropna()
        assert ((m >= 1) & (m <= 1440)).all()
    if "ic_counts" in t:
        c = t["ic_counts"]["count"]
        assert ((c >= 0) & (np.mod(c, 1) == 0)).all()
    e = t["enrollments"]
    for col in ("mtFallAbsent", "mtSpringAbsent"):
        assert (e[col].dropna() >= 0).all(), col
    d = t["days"]["minutes"].dropna()
    assert ((d >= 0) & (d <= 1440)).all()


@settings(max_examples=int(os.environ.get("LOADER_FUZZ_EXAMPLES", "80")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(muts=st.lists(mutation(), min_size=1, max_size=3))
def test_mutated_bundle_loads_or_fails_cleanly(template, tmp_path_factory, muts):
    folder = tmp_path_factory.mktemp("fuzz")
    for p in template.iterdir():
        shutil.copy(p, folder / p.name)
    for mut in muts:
        if (folder / f"{mut[0]}.csv").exists():
            apply(folder, mut)
    try:
        b = load_bundle(folder)
    except ExtractError as err:
        assert str(err).startswith(str(folder)) and "\n" not in str(err)
        return
    _possible(b)
    acc = b.accounting
    assert (acc["read"] == acc["used"] + acc["rejected"]).all()
    per_file = b.rejected.groupby("file").size()
    for row in acc.itertuples():
        assert row.rejected == per_file.get(row.file, 0)
    assert set(b.rejected["ruleId"]) <= {"DQ-01", "DQ-02", "DQ-03"}
    for name, df in b.tables.items():
        for col in contract.TABLES[name].columns:
            assert str(df[col.name].dtype) == typed.dtype_of(col), (name, col.name)

"""Fuzz: random mutations of a small valid bundle never crash the loader.

The outcome is either an ExtractError (cannot run) or a bundle whose accounting holds
(read = used + rejected per file) and whose frames keep the contract dtypes.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from loader_fixtures import write_small

from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load import schemas
from mtcollect_nb.load.loader import load_bundle

pytestmark = pytest.mark.slow

FILES = ["schools", "calendars", "days", "students", "enrollments", "attendance", "gifted"]
TRICKY = st.sampled_from([
    "", " ", "0", "-1", "1441", "12.0", "12.5", "1e9", "99999999999999999999", "2025-02-30",
    "02/30/2025", "45691", "13", "KG", "x", "Y", "TRUE", '"', '""', "a,b", '"a,b"', "\t", ";",
    "Peña", "Ó'Neil", "\u00a0", "NaN", "None", "null", "\n", '"\n"', "\r",
])
FIELD = st.one_of(TRICKY, st.text(max_size=8))


@st.composite
def mutation(draw):
    return (draw(st.sampled_from(FILES)),
            draw(st.sampled_from(["field", "drop_line", "dup_line", "cut", "bytes", "header",
                                  "encoding"])),
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
    if op == "cut":
        path.write_bytes(data[: pos % (len(data) + 1)])
    elif op == "bytes":
        k = pos % (len(data) + 1)
        path.write_bytes(data[:k] + blob + data[k:])
    elif op == "encoding":
        text = "\n".join(lines).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        path.write_bytes(text.encode(["cp1252", "utf-16", "utf-8-sig"][pos % 3], "replace"))
    else:
        path.write_bytes("\n".join(lines).encode("utf-8", errors="surrogateescape"))


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return write_small(tmp_path_factory.mktemp("template"))


@settings(max_examples=int(os.environ.get("LOADER_FUZZ_EXAMPLES", "80")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(muts=st.lists(mutation(), min_size=1, max_size=3))
def test_mutated_bundle_loads_or_fails_cleanly(template, tmp_path_factory, muts):
    folder = tmp_path_factory.mktemp("fuzz")
    for p in template.iterdir():
        shutil.copy(p, folder / p.name)
    for mut in muts:
        apply(folder, mut)
    try:
        b = load_bundle(folder)
    except ExtractError as err:
        assert str(err).startswith(str(folder))
        return
    acc = b.accounting
    assert (acc["read"] == acc["used"] + acc["rejected"]).all()
    per_file = b.rejected.groupby("file").size()
    for row in acc.itertuples():
        assert row.rejected == per_file.get(row.file, 0)
    assert set(b.rejected["ruleId"]) <= {"DQ-01", "DQ-02", "DQ-03"}
    for name, df in b.tables.items():
        for col in schemas.TABLES[name].columns:
            assert str(df[col.name].dtype) == schemas.dtype_of(col), (name, col.name)

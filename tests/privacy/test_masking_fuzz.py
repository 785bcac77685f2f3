"""Fuzz (issue 15 "done when"): random edits of a small district's files never put a raw name
or ID into a masked run's rejected rows, DQ findings or stopping error message."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtcollect_nb.checks.data_quality import dq_rows
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.load.loader import load_bundle, write_bundle
from mtcollect_nb.privacy.masking import Scrubber, mask_bundle, mask_frame
from mtcollect_nb.privacy.scrub import scrubbed_errors
from mtcollect_nb.testing import absences, enrollment, make_bundle, params, school_days, student

pytestmark = pytest.mark.slow

PEOPLE = [(70001, "912345671", "LOC91001", "Quixote", "Zebulon"),
          (70002, "912345672", "LOC91002", "Penaflor", "Minerva"),
          (70003, "912345673", "LOC91003", "Okonkwo", "Thaddeus")]
RAW = {str(v) for person in PEOPLE for v in person}
FILES = ["students", "enrollments", "attendance"]
WORD = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?")


def base_district(folder: Path) -> None:
    bundle = make_bundle(
        students=[student(p, stateID=s, studentNumber=n, lastName=last, firstName=first)
                  for p, s, n, last, first in PEOPLE],
        enrollments=[enrollment(10 + i, p[0]) for i, p in enumerate(PEOPLE)],
        days=school_days(),
        attendance=[row for p in PEOPLE for row in absences(p[0], ["2025-01-06", "2025-01-07"])])
    write_bundle(bundle, folder)


@st.composite
def edits(draw):
    return draw(st.lists(st.tuples(
        st.sampled_from(FILES),
        st.sampled_from(["swap", "drop_comma", "add_comma", "quote", "dup", "cut", "header"]),
        st.integers(0, 10_000), st.integers(0, 10_000)), min_size=1, max_size=4))


def apply(folder: Path, edit: tuple[str, str, int, int]) -> None:
    name, op, a, b = edit
    path = folder / f"{name}.csv"
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 1 + a % (len(lines) - 1) if op != "header" and len(lines) > 1 else 0
    fields = lines[i].split(",")
    j, k = a % len(fields), b % len(fields)
    if op in ("swap", "header"):  # a value lands in another column (or in the header)
        fields[j], fields[k] = fields[k], fields[j]
        lines[i] = ",".join(fields)
    elif op == "drop_comma":
        lines[i] = ",".join(fields[:j]) + "".join(fields[j:j + 2]) + (
            "," + ",".join(fields[j + 2:]) if fields[j + 2:] else "")
    elif op == "add_comma":
        fields.insert(j, fields[j][: b % (len(fields[j]) + 1)])
        lines[i] = ",".join(fields)
    elif op == "quote":
        lines[i] = lines[i][: b % (len(lines[i]) + 1)] + '"' + lines[i][b % (len(lines[i]) + 1):]
    elif op == "dup":
        lines.insert(i, lines[i])
    elif op == "cut":
        text = "\n".join(lines)
        path.write_text(text[: len(text) // 2 + b % (len(text) // 2 + 1)], encoding="utf-8")
        return
    path.write_text("\n".join(lines), encoding="utf-8")


def raw_words(texts: list[str]) -> set[str]:
    return {w for t in texts for w in WORD.findall(t)} & RAW


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(edits())
def test_no_raw_value_in_a_masked_run(tmp_path_factory, changes) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    base_district(folder)
    for change in changes:
        apply(folder, change)
    try:
        with scrubbed_errors(True):
            bundle = load_bundle(folder)
    except MtcollectError as err:
        assert not raw_words([str(err)]), str(err)
        return
    # what mask_run does to the rejected rows and the DQ findings (without the other rules)
    analysis = Analysis(bundle, params(mask_pii=True))
    scrub = Scrubber.from_bundle(bundle)
    rejected = mask_bundle(bundle, scrub).rejected
    dq = mask_frame(pd.concat([dq_rows(analysis, r) for r in ("DQ-01", "DQ-02", "DQ-03")]),
                    scrub)
    texts = [str(v) for v in pd.concat([rejected, dq]).astype(str).to_numpy().ravel()]
    assert not raw_words(texts), (changes, raw_words(texts))
    shutil.rmtree(folder)

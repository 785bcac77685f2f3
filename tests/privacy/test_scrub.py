"""Issue 15 item 15: a one-line error message that quotes the data shows no raw name or ID
when masking is on (stderr, the kept notebook, the batch summary, the rollup)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import mtcollect_nb
from mtcollect_nb.errors import ExtractError, MtcollectError
from mtcollect_nb.load.loader import write_bundle
from mtcollect_nb.privacy.scrub import MASKED_WORD, scrub_message, scrub_raw, scrubbed_errors
from mtcollect_nb.report.pipeline import analyze_district
from mtcollect_nb.testing import enrollment, make_bundle, params, school_days, student

HEADER_LINE = ("/data/0001/students.csv: missing required column(s) personID, stateID; "
               "found: 100001, 987650000, LOC77123, Zqxw, pena, 2012-05-01, Opt Out")


def test_header_listing_is_masked() -> None:
    out = scrub_message(HEADER_LINE)
    for raw in ("100001", "987650000", "LOC77123", "Zqxw", "pena"):
        assert raw not in out
    assert out.startswith("/data/0001/students.csv: missing required column(s) personID, "
                          "stateID; found: [masked], [masked], [masked], [masked], [masked], ")
    assert out.endswith("2012-05-01, Opt [masked]")
    assert scrub_message(HEADER_LINE, enabled=False) == HEADER_LINE


@pytest.mark.parametrize(("text", "expected"), [
    ("x.csv line 123456: Peña (987650000) on 2025-02-07",
     "x.csv line 123456: [masked] ([masked]) on 2025-02-07"),
    ("C:\\Users\\clerk\\0001\\students.xlsx: column 'Zqxw' appears twice (also as 'ZQXW')",
     "C:\\Users\\clerk\\0001\\students.xlsx: column '[masked]' appears twice (also as "
     "'[masked]')"),
    ("unexpected UnicodeDecodeError: field larger than 131072 bytes in /tmp/pytest-12345/a.csv",
     "unexpected UnicodeDecodeError: field larger than 131072 bytes in /tmp/pytest-12345/a.csv"),
    ("CSV parse error: expected 9 columns, got 11: 70002,Quixote-Ramírez,O'Neil",
     "CSV parse error: expected 9 columns, got 11: [masked],[masked],[masked]"),
    ("students.csv: not valid UTF-8 text; Excel", "students.csv: not valid UTF-8 text; Excel"),
])
def test_message_words(text: str, expected: str) -> None:
    assert scrub_message(text) == expected


def raised_texts(root: Path = Path(mtcollect_nb.__file__).parent) -> list[str]:
    """The constant text of every error raised in the modules under ``root`` (our package)."""
    out = []
    for path in sorted(root.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Raise) and node.exc is not None:
                out.extend(c.value for c in ast.walk(node.exc)
                           if isinstance(c, ast.Constant) and isinstance(c.value, str))
    return out


@pytest.mark.slow
def test_our_own_message_text_is_never_masked() -> None:
    texts = raised_texts()
    assert len(texts) > 50
    changed = [t for t in texts if scrub_message(t) != t]
    assert changed == []


def test_the_message_scan_finds_a_raised_text_the_scrubber_would_mask(tmp_path: Path) -> None:
    (tmp_path / "m.py").write_text('def f():\n    raise ValueError(f"{x}: student Zqxwvut")\n')
    texts = raised_texts(tmp_path)
    assert texts == [": student Zqxwvut"] and scrub_message(texts[0]) != texts[0]


@pytest.mark.slow
@given(st.lists(st.tuples(st.integers(10_000, 999_999_999),
                          st.from_regex(r"[A-Z][a-zà-ÿ'-]{1,12}[a-z]", fullmatch=True)),
                min_size=1, max_size=6))
def test_no_raw_id_or_name_survives(people: list[tuple[int, str]]) -> None:
    listed = ", ".join(f"{pid}, {name}" for pid, name in people)
    message = f"/d/0001/students.csv: missing required column(s) personID; found: {listed}"
    lenient = f"/d/0001/students.csv line 7: {' '.join(f'{n} ({p})' for p, n in people)}"
    for out in (scrub_message(message), scrub_message(lenient),
                scrub_raw(pd.Series([listed])).iloc[0]):
        words = set(re.findall(r"[\w'-]+", out))
        for pid, name in people:
            assert str(pid) not in words and name not in words, out


def test_scrubbed_errors_keep_the_type_and_drop_the_raw_original() -> None:
    with pytest.raises(ExtractError) as info, scrubbed_errors(True):
        raise ExtractError(HEADER_LINE)
    assert str(info.value) == scrub_message(HEADER_LINE)
    assert info.value.__suppress_context__ and info.value.__cause__ is None
    with pytest.raises(KeyError) as other, scrubbed_errors(False):
        raise KeyError("Zqxw")
    assert "Zqxw" in str(other.value)
    with pytest.raises(RuntimeError, match=r"^KeyError: '\[masked\]'$"), scrubbed_errors(True):
        raise KeyError("Zqxw")
    clean = MtcollectError("nothing to hide")
    with pytest.raises(MtcollectError) as same, scrubbed_errors(True):
        raise clean
    assert same.value is clean


@pytest.mark.slow
@pytest.mark.parametrize("mask", [True, False])
def test_a_masked_run_masks_a_load_error(tmp_path: Path, mask: bool) -> None:
    """students.csv whose header is damaged after its first name: the loader quotes the line."""
    bundle = make_bundle(students=[student(70001, stateID="987650000", lastName="Zqxwvut")],
                         enrollments=[enrollment(10, 70001)], days=school_days())
    write_bundle(bundle, tmp_path)
    students = tmp_path / "students.csv"
    lines = students.read_text().splitlines(keepends=True)
    students.write_text("personID," + lines[1].split(",", 1)[1] + "".join(lines[1:]))
    with pytest.raises(ExtractError) as info:
        analyze_district(params(mask_pii=mask, extracts_dir=str(tmp_path)))
    text = str(info.value)
    assert "students.csv" in text and "found:" in text
    assert ("987650000" in text and "Zqxwvut" in text) is not mask
    assert (MASKED_WORD in text) is mask

"""Issue 20 item 6: state IDs after Excel. A students.csv saved by Excel lost the leading zero of
every state ID that had one; caught across files, read with the zeros back, and said in a note,
so false ANB-11 (ESA list) and ANB-19 (fall count) are not the clerk's first sight.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from mtcollect_nb.checks.engine import run_rules
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.load.loader import load_bundle, write_bundle
from mtcollect_nb.testing import enrollment, make_bundle, params, student

IDS = {1: "012345678", 2: "001234567", 3: "023456789", 4: "T-0004"}
FALSE_FINDINGS = {"ANB-11", "ANB-19"}


def _district(folder: Path) -> Path:
    """An ESA student (1), a December graduate counted in grade 12 in the fall (3)."""
    grad = enrollment(12, 3, grade="12", endDate="2024-12-20", endStatus="400",
                      diplomaDate="2024-12-20", mtFallAggregateHours=1080.0)
    write_bundle(make_bundle(
        students=[student(p, stateID=i) for p, i in IDS.items()],
        enrollments=[enrollment(10, 1), enrollment(11, 2), grad, enrollment(13, 4)],
        programs=[{"personID": 1, "program": "ESA", "startDate": "2024-08-26"}],
        esa_participants=[{"stateID": IDS[1], "startDate": "2024-08-26"}],
        fall_count=[{"stateID": i, "schoolNumber": "0001", "grade": g,
                     "fallAggregateHours": 1080.0, "excluded": False}
                    for i, g in ((IDS[1], "06"), (IDS[2], "06"), (IDS[3], "12"))],
    ), folder)
    return folder


def _excel(folder: Path, name: str, column: str = "stateID") -> None:
    """What Excel does to a CSV it opens and saves: numbers lose their leading zeros."""
    path = folder / f"{name}.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    digits = df[column].str.fullmatch(r"[0-9]+")
    df.loc[digits, column] = df.loc[digits, column].str.lstrip("0")
    df.to_csv(path, index=False)


def _rules(bundle) -> set[str]:
    return set(run_rules(Analysis(bundle, params())).findings["ruleId"])


def _notes(bundle, file: str) -> list[str]:
    return bundle.notes.loc[bundle.notes["file"] == file, "note"].tolist()


@pytest.mark.slow
def test_the_clean_district_has_no_anb11_or_anb19(tmp_path):
    b = load_bundle(_district(tmp_path))
    assert not _rules(b) & FALSE_FINDINGS
    assert not b.notes["note"].str.contains("leading zeros").any()


@pytest.mark.slow
def test_the_clean_district_twin_excel_ids_without_restoring_give_the_false_findings(
        tmp_path, monkeypatch):
    # what the clerk saw before: the same files, IDs compared as they are
    from mtcollect_nb.load import loader

    monkeypatch.setattr(loader, "restore_zeros", lambda tables, files: (
        tables, pd.DataFrame(columns=["file", "column", "note"])))
    folder = _district(tmp_path)
    _excel(folder, "students")
    assert _rules(load_bundle(folder)) >= FALSE_FINDINGS


@pytest.mark.slow
def test_students_saved_by_excel_are_read_with_their_zeros_and_a_note_says_so(tmp_path):
    folder = _district(tmp_path)
    _excel(folder, "students")
    b = load_bundle(folder)
    assert b.tables["students"]["stateID"].tolist() == list(IDS.values())
    assert not _rules(b) & FALSE_FINDINGS
    (note,) = _notes(b, "students.csv")
    assert note.startswith("3 state ID(s) lost their leading zeros (they match "
                           "esa_participants.csv, fall_count.csv only with the zeros back)")
    assert "line 2, 3, 4." in note and "Data > From Text/CSV" in note
    assert "export students.csv again from Infinite Campus" in note
    assert not any(i in note for i in IDS.values())  # lines, never IDs


@pytest.mark.slow
def test_a_fall_count_saved_by_excel_is_read_with_the_students_zeros(tmp_path):
    folder = _district(tmp_path)
    _excel(folder, "fall_count")
    b = load_bundle(folder)
    assert b.tables["fall_count"]["stateID"].tolist() == [IDS[1], IDS[2], IDS[3]]
    assert "ANB-19" not in _rules(b)
    (note,) = _notes(b, "fall_count.csv")
    assert note.startswith("3 state ID(s) lost their leading zeros (they match students.csv")


@pytest.mark.slow
def test_by_person_an_enrollments_export_with_the_state_id_shows_the_loss(tmp_path):
    folder = _district(tmp_path)
    for name in ("esa_participants", "fall_count", "programs"):
        (folder / f"{name}.csv").unlink()
    e = pd.read_csv(folder / "enrollments.csv", dtype=str, keep_default_na=False)
    e["student.stateID"] = e["personID"].astype(int).map(IDS)
    e.to_csv(folder / "enrollments.csv", index=False)
    _excel(folder, "students")
    b = load_bundle(folder)
    assert b.tables["students"]["stateID"].tolist() == list(IDS.values())
    (note,) = _notes(b, "students.csv")
    assert "(they match enrollments.csv only with the zeros back)" in note


@pytest.mark.slow
def test_ids_of_two_students_that_differ_only_by_zeros_are_left_as_they_are(tmp_path):
    folder = _district(tmp_path)
    s = pd.read_csv(folder / "students.csv", dtype=str, keep_default_na=False)
    s.loc[1, "stateID"] = "12345678"  # person 2 has person 1's ID without its zero
    s.to_csv(folder / "students.csv", index=False)
    b = load_bundle(folder)
    assert b.tables["students"]["stateID"].tolist()[:2] == [IDS[1], "12345678"]
    assert not any("lost their leading zeros (they" in n for n in _notes(b, "students.csv"))


@pytest.mark.slow
@pytest.mark.parametrize("other", ["esa_participants", "fall_count"])
def test_only_digit_ids_are_compared(tmp_path, other):
    folder = _district(tmp_path)
    path = folder / f"{other}.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[0, "stateID"] = "0T-0004"  # not a number: Excel leaves it alone
    df.to_csv(path, index=False)
    b = load_bundle(folder)
    assert "T-0004" in b.tables["students"]["stateID"].tolist()
    assert not any("lost their leading zeros (they" in n for n in b.notes["note"])


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from mtcollect_nb.load.lost_zeros import _digits, _pairs_by_value  # noqa: E402


def _plain_digits(values: pd.Series) -> pd.Series:
    text = values.astype(str).str.strip()
    return text[text.str.fullmatch(r"[0-9]+") & (text.str.lstrip("0") != "")]


ID_TEXT = st.text(alphabet="0019 \t\x1cx\u0663\ud800", max_size=6)


@settings(max_examples=200, deadline=None)
@given(st.lists(ID_TEXT, max_size=12))
def test_digit_ids_by_pyarrow_equal_python_str_methods(values):
    s = pd.Series(values, dtype=object)
    pd.testing.assert_series_equal(_digits(s), _plain_digits(s))


def _plain_pairs(students: pd.Series, other: pd.Series) -> pd.DataFrame:
    """The plain comparison the loader had (every ID of one side framed)."""
    s, o = set(_plain_digits(students)), set(_plain_digits(other))
    rows = [(t, True) for t in s - o] + [(t, False) for t in o - s]
    df = pd.DataFrame(rows, columns=["text", "student"])
    df["key"], df["n"] = df["text"].str.lstrip("0"), df["text"].str.len()
    g = df.groupby("key")["student"]
    df = df[(g.transform("size") == 2) & (g.transform("nunique") == 2)]
    df = df.sort_values(["key", "n"], kind="mergesort")
    short, full = df.iloc[0::2], df.iloc[1::2]
    return pd.DataFrame({"short": short["text"].to_numpy(), "full": full["text"].to_numpy(),
                         "in_students": short["student"].to_numpy(dtype=bool)})


@settings(max_examples=300, deadline=None)
@given(st.lists(ID_TEXT, max_size=10), st.lists(ID_TEXT, max_size=10))
def test_pairs_by_value_equal_the_plain_comparison(students, other):
    s, o = pd.Series(students, dtype=object), pd.Series(other, dtype=object)
    expected = _plain_pairs(s, o)
    pd.testing.assert_frame_equal(_pairs_by_value(s, o), expected)
    pd.testing.assert_frame_equal(_pairs_by_value(set(_digits(s)), o), expected)

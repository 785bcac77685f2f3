import pandas as pd
import pytest

from mtcollect_nb.load.id_notes import short_id_notes
from mtcollect_nb.load.loader import load_bundle, write_bundle
from mtcollect_nb.testing import make_bundle, student


def _students(ids):
    return pd.DataFrame({"stateID": ids, "_line": range(2, len(ids) + 2)})


def test_shortened_state_ids_are_noted_by_line_not_value():
    ids = [f"0{i:08d}" for i in range(1, 10)] + ["12345678"]
    notes = short_id_notes({"students": _students(ids)}, {"students": "students.csv"})
    assert notes[["file", "column"]].values.tolist() == [["students.csv", "stateID"]]
    assert "usual 9" in notes["note"][0] and "line 11" in notes["note"][0]
    assert "12345678" not in notes["note"][0]


def test_no_note_for_consistent_or_local_ids():
    same = [f"{i:09d}" for i in range(1, 10)]
    assert short_id_notes({"students": _students(same)}, {}).empty
    local = ["12", "345", "6789", "1"]  # short local numbers: no usual width to compare with
    assert short_id_notes({"students": _students(local)}, {}).empty
    mixed = ["123456789", "12345", "1234567", "123456"]  # no dominant width
    assert short_id_notes({"students": _students(mixed)}, {}).empty


@pytest.mark.slow
def test_load_bundle_carries_the_notes(tmp_path):
    students = [student(i, stateID=f"0{i:08d}") for i in range(1, 9)]
    students.append(student(9, stateID="12345678"))
    write_bundle(make_bundle(students=students), tmp_path)
    bundle = load_bundle(tmp_path)
    assert bundle.notes["column"].tolist() == ["stateID"]
    assert bundle.accounting.set_index("file").loc["students.csv", "rejected"] == 0


@pytest.mark.slow
def test_notes_reach_the_summary_sheet(tmp_path):
    import openpyxl

    from mtcollect_nb.report.pipeline import analyze_district, write_outputs
    from mtcollect_nb.testing import params

    students = [student(i, stateID=f"0{i:08d}") for i in range(1, 9)]
    students.append(student(9, stateID="12345678"))
    write_bundle(make_bundle(students=students), tmp_path / "x")
    run = analyze_district(params(extracts_dir=str(tmp_path / "x"),
                                  output_dir=str(tmp_path / "out")))
    ws = openpyxl.load_workbook(write_outputs(run))["Summary"]
    text = [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]
    assert any(t.startswith("Loader notes") for t in text)
    assert any("fewer digits than the usual 9" in t for t in text)


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from mtcollect_nb.load.id_notes import _digits_and_lengths  # noqa: E402


@pytest.mark.slow
@settings(max_examples=200, deadline=None)
@given(st.lists(st.text(alphabet="0123456789 \t\x1cT-\u00a0\u0663é", max_size=10), max_size=12))
def test_fast_digit_lengths_equal_python_str_methods(values):
    text = pd.Series(values, dtype=object).astype(str).str.strip()
    digits, length = _digits_and_lengths(pd.Series(values, dtype=object))
    assert digits.tolist() == text.str.fullmatch(r"\d+").astype(bool).tolist()
    assert length.tolist() == text.str.len().tolist()


def test_state_id_in_scientific_notation_gets_a_note():
    df = pd.DataFrame({"stateID": ["123456789", "1.2E+08", "2e8", "223456789"],
                       "_line": [2, 3, 4, 5]})
    notes = short_id_notes({"students": df}, {"students": "students.csv"})
    assert notes["column"].tolist() == ["stateID"]
    assert "scientific notation" in notes["note"][0] and notes["note"][0].endswith("line 3, 4")


def test_ordinary_ids_get_no_scientific_note():
    df = pd.DataFrame({"stateID": ["123456789", "E12345678", "1E"], "_line": [2, 3, 4]})
    assert short_id_notes({"students": df}, {"students": "s.csv"}).empty


from mtcollect_nb.load.id_notes import _SCIENTIFIC, scientific_notes  # noqa: E402


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(alphabet="12.eE+ x\u00a0\ud800", max_size=9)),
                max_size=10))
def test_scientific_notes_see_what_the_plain_regex_sees(values):
    """Only values with an e are matched (pyarrow picks them): the same lines as matching all."""
    df = pd.DataFrame({"stateID": pd.Series(values, dtype=object),
                       "_line": range(2, 2 + len(values))})
    plain = df["stateID"].astype("string").str.fullmatch(_SCIENTIFIC).fillna(False)
    notes = scientific_notes(df, "stateID", "students.csv")
    assert len(notes) == int(plain.any())
    if notes:
        assert notes[0][2].startswith(f"{int(plain.sum())} value(s)")
        lines = df["_line"][plain.to_numpy(dtype=bool)].astype(str).tolist()[:10]
        assert notes[0][2].split("line ")[-1].startswith(", ".join(lines))

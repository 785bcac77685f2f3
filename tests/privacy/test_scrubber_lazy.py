"""The lazy scrubber of an unmasked run's other keys (window/keys.py) scrubs exactly as the
full one: the same text out, whatever names, IDs and words the text holds."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from mtcollect_nb.privacy.masking import Scrubber, _edge_space, mask_frame
from mtcollect_nb.testing import make_bundle, student

PEOPLE = [(70001, "012345671", "LOC91001", "Quixote", "Mary Ann"),
          (70002, "912345672", "LOC91002", "Pena-Flor", "Day"),
          (70003, " 912345673 ", "LOC91003", "O'Neil", "Zeb")]
BUNDLE = make_bundle(
    students=[student(p, stateID=s, studentNumber=n, lastName=last, firstName=first)
              for p, s, n, last, first in PEOPLE],
    staff=[{"personID": 90001, "staffStateID": "T123456", "lastName": "Quill",
            "firstName": "Ann"}])
FULL = Scrubber.from_bundle(BUNDLE)
WORDS = sorted({*FULL.replacements, "Opt", "In", "day", "12345", "2025-02-03", "Mary", "x"})


def _text(words: list[str], seps: list[str]) -> str:
    return "".join(w + s for w, s in zip(words, seps, strict=False))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(WORDS), max_size=6), max_size=5),
       st.lists(st.sampled_from([" ", ", ", "-", "(", ")", "/", "'"]), min_size=6,
                max_size=6))
def test_lazy_scrubber_scrubs_as_the_full_one(texts, seps):
    s = pd.Series([_text(t, seps) for t in texts], dtype=object)
    lazy = Scrubber.from_bundle(BUNDLE, lazy=True)
    assert lazy(s).tolist() == FULL(s).tolist()


def test_lazy_scrubber_knows_only_the_words_it_saw():
    lazy = Scrubber.from_bundle(BUNDLE, lazy=True)
    out = lazy(pd.Series(["called Quixote about 912345672", "Opt In"]))
    assert out.tolist() == FULL(pd.Series(["called Quixote about 912345672", "Opt In"])).tolist()
    assert out[0] != "called Quixote about 912345672"
    assert set(lazy.replacements) == {"Quixote", "912345672"}  # not every name and ID


def test_lazy_scrubber_masks_a_rejected_row_as_the_full_one():
    rejected = pd.DataFrame({
        "file": ["students.csv"] * 3, "column": ["", "birthdate", "stateID"],
        "value": ["70002,912345672,Pena-Flor,Day,2010-01-01", "012345671", "912345672"],
        "reason": ["wrong number of fields", "not a date", "repeated key"]})
    lazy = mask_frame(rejected, Scrubber.from_bundle(BUNDLE, lazy=True))
    pd.testing.assert_frame_equal(lazy, mask_frame(rejected, FULL))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="1a \t\x1c\x00\u3000\xa0é", max_size=5), max_size=8))
def test_edge_space_never_misses_a_text_strip_would_change(texts):
    flagged = _edge_space(pd.Series(texts, dtype=object))
    assert all(flagged[i] for i, t in enumerate(texts) if t != t.strip())


def test_a_padded_id_is_scrubbed_by_the_lazy_scrubber_as_by_the_full_one():
    b = BUNDLE
    students = b.tables["students"].assign(stateID=["\u3000912345671 ", "912345672", "\t7"])
    padded = type(b).from_tables({**b.tables, "students": students})
    text = pd.Series(["912345671 and 912345672"])
    full = Scrubber.from_bundle(padded)
    assert Scrubber.from_bundle(padded, lazy=True)(text).tolist() == full(text).tolist()
    assert "912345671" not in full(text)[0]

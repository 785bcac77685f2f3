"""Row heights of wrapped cells: the fast count equals the line-by-line count."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from mtcollect_nb.report.layout import CHARS_PER_UNIT, wrapped_lines


def _plain_lines(text: np.ndarray, width: int) -> np.ndarray:
    """Each text split at its newlines, each line wrapped on its own (the plain count)."""
    per_line = max(int((width - 2) * CHARS_PER_UNIT), 1)
    return np.array([sum(max(-(-len(line) // per_line), 1) for line in str(t).split("\n"))
                     for t in text], dtype="int64")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="ab \n\u00e9", max_size=60), max_size=8),
       st.integers(min_value=1, max_value=40))
def test_wrapped_lines_count_each_line_of_a_text(texts, width):
    text = np.array(texts, dtype=object)
    got = wrapped_lines(text, width)
    assert got.dtype == np.dtype("int64")
    assert got.tolist() == _plain_lines(text, width).tolist()


def test_a_blank_or_missing_cell_takes_one_line():
    text = pd.Series(["", None, "x" * 100], dtype=object).to_numpy()
    assert wrapped_lines(text, 12)[:2].tolist() == [1, 1]
    assert wrapped_lines(text, 12)[2] > 1

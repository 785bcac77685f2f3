"""What the earlier runs kept, read only from the records that kept something: the same frame
as reading every record (history grows by one record a run)."""

from __future__ import annotations

import warnings

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from mtcollect_nb.columns import CHANGE, CHANGE_FIXED, FINDING_KEY, FIRST_SEEN, NOTE, REVIEWED
from mtcollect_nb.window import history
from mtcollect_nb.window.carry import remembered


def _every_record(records: list[dict]) -> pd.DataFrame:
    """The plain reading: every record framed, then the rows that hold something."""
    parts = []
    for rec in records:
        rows = (rec.get("since") or {}).get("findings") or []
        fixed = [r for r in rows if r.get(CHANGE) == CHANGE_FIXED]
        f = pd.concat([history.record_findings({"findings": fixed}),
                       history.record_findings(rec)], ignore_index=True)
        if rec.get("own"):
            extra = pd.DataFrame.from_dict(rec["own"], orient="index")
            f = f.join(extra.astype(object).where(extra.notna(), ""), on=FINDING_KEY)
        parts.append(f)
    if not parts:
        return history.record_findings(None)
    out = pd.concat(parts, ignore_index=True)
    text = out.drop(columns=[FIRST_SEEN]).fillna("").astype(str)
    has = (text.drop(columns=[c for c in text.columns if c in history.RECORD_FINDING_COLUMNS
                              and c not in (NOTE, REVIEWED)]) != "").any(axis=1)
    return out.loc[has].drop_duplicates(FINDING_KEY, keep="last").reset_index(drop=True)


ROW = st.fixed_dictionaries({
    FINDING_KEY: st.sampled_from(["A:1", "B:2", "C:3"]),
    NOTE: st.sampled_from(["", None, "called", 0]),
    REVIEWED: st.sampled_from(["", None, "yes", False]),
    FIRST_SEEN: st.sampled_from([None, "2025-02-03", "2025-02-04", "bad"]),
})
RECORD = st.fixed_dictionaries(
    {"findings": st.lists(ROW, max_size=3)},
    optional={"own": st.dictionaries(st.sampled_from(["A:1", "C:3"]),
                                     st.fixed_dictionaries({"mine": st.sampled_from(["", "x"])}),
                                     max_size=1),
              "since": st.fixed_dictionaries({"findings": st.lists(
                  ROW.map(lambda r: {**r, CHANGE: CHANGE_FIXED}), max_size=1)})})


@settings(max_examples=150, deadline=None)
@given(st.lists(RECORD, max_size=5))
def test_remembered_equals_reading_every_record(records):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas' notices on empty and all-NA frames
        expected = _every_record(records)
        got = remembered(records)
    pd.testing.assert_frame_equal(got, expected, check_index_type=True, check_column_type=True)


def test_a_run_with_no_note_adds_nothing_and_a_later_note_wins():
    plain = {"findings": [{FINDING_KEY: "A:1", NOTE: "", FIRST_SEEN: "2025-02-03"}]}
    noted = {"findings": [{FINDING_KEY: "A:1", NOTE: "called", FIRST_SEEN: "2025-02-03"}]}
    assert remembered([plain, plain]).empty
    assert remembered([noted, plain, plain])[NOTE].tolist() == ["called"]

from __future__ import annotations

import pandas as pd

from mtcollect_nb.explore import grid


def findings(n: int = 3) -> pd.DataFrame:
    return pd.DataFrame({
        "collection": ["Spring ANB"] * n,
        "message": [f"message {i} " + "x" * 300 for i in range(n)],
        "ruleId": [f"ANB-0{i}" for i in range(n)], "severity": "error",
        "schoolNumber": "0001", "stateID": [f"S{i}" for i in range(n)], "studentName": "",
        "endDate": pd.to_datetime(["2025-01-02"] + [None] * (n - 1)),
    })


def test_columns_that_matter_come_first() -> None:
    cols = grid.grid_columns(findings())
    assert cols[:5] == ["ruleId", "severity", "schoolNumber", "stateID", "studentName"]
    assert cols.index("message") < cols.index("collection")


def test_rows_have_a_fixed_height_and_the_grid_scrolls() -> None:
    g = grid.grid_html(findings(), ["ruleId", "message"])
    assert g.count(f"height:{grid.ROW_HEIGHT_PX}px") >= 3 * 3  # every cell of every row
    assert "white-space:nowrap" in g and "text-overflow:ellipsis" in g
    assert f"max-height:{grid.GRID_HEIGHT_PX}px;overflow:auto" in g
    assert "position:sticky" in g
    assert "Spring ANB" not in g  # only the chosen columns


def test_selected_row_is_highlighted_and_shown_in_full() -> None:
    f = findings()
    g = grid.grid_html(f, ["ruleId"], selected=2)
    assert g.count("background:#fff3c4") == 1
    rec = grid.record_html(f.iloc[2])
    assert "message 2 " + "x" * 300 in rec and "Spring ANB" in rec
    assert "studentName" not in rec  # blank fields left out
    assert "NaT" not in grid.record_html(f.iloc[1]) and "2025-01-02" in grid.record_html(f.iloc[0])


def test_pick_options_name_the_student_or_the_school() -> None:
    f = findings(2).assign(stateID=["S0", ""])
    assert grid.pick_options(f) == [("1 ANB-00 S0", 0), ("2 ANB-01 school 0001", 1)]
    assert grid.pick_options(f.iloc[:0]) == []


def test_empty_grid_says_so() -> None:
    assert "No finding matches." in grid.grid_html(findings().iloc[:0], ["ruleId"])

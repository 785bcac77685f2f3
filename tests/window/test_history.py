"""history/: one small file per run; a damaged file is skipped; the window figure."""

from __future__ import annotations

from pathlib import Path

from mtcollect_nb.report.history_figures import window_figure
from mtcollect_nb.window.history import load_records, runs_table, write_record


def record(started: str, errors: int, reported: float) -> dict:
    return {"started": started, "totals": {"errors": errors, "warnings": 1,
                                           "warningsNotReviewed": 1, "new": 0, "fixed": 2,
                                           "stillOpen": 3},
            "counts": [{"budgetUnit": "Elementary", "springCountReported": reported,
                        "springCountValidated": reported - 1}]}


def test_one_file_per_run_even_in_the_same_second(tmp_path: Path) -> None:
    a = write_record(tmp_path, record("2025-02-04T08:00:00", 3, 100.0))
    b = write_record(tmp_path, record("2025-02-04T08:00:00", 2, 101.0))
    assert a != b and a.parent == b.parent == tmp_path / "history"
    assert len(load_records(tmp_path)) == 2


def test_records_in_time_order_and_damaged_file_skipped(tmp_path: Path) -> None:
    write_record(tmp_path, record("2025-02-06T08:00:00", 1, 102.0))
    write_record(tmp_path, record("2025-02-04T08:00:00", 3, 100.0))
    (tmp_path / "history" / "run-20250205-000000.json").write_text("{not json")
    runs = runs_table(load_records(tmp_path))
    assert runs["errors"].tolist() == [3, 1]
    assert runs["springCountReported"].tolist() == [100.0, 102.0]
    assert load_records(tmp_path)[-1]["started"] == "2025-02-06T08:00:00"


def test_window_figure_draws_counts_and_open_errors(tmp_path: Path) -> None:
    for day, errors in ((4, 5), (5, 3), (6, 0)):
        write_record(tmp_path, record(f"2025-02-0{day}T08:00:00", errors, 100.0 + day))
    fig = window_figure(runs_table(load_records(tmp_path)))
    by_name = {t.name: list(t.y) for t in fig.data}
    assert by_name["errors open"] == [5, 3, 0]
    assert by_name["spring count reported"] == [104.0, 105.0, 106.0]
    assert len(fig.data) == 4


def test_no_history_no_runs(tmp_path: Path) -> None:
    assert runs_table(load_records(tmp_path)).empty and load_records(tmp_path) == []
    assert window_figure(runs_table([])).data == ()


def test_two_runs_in_the_same_second_keep_their_order(tmp_path: Path) -> None:
    """The second record of a second is run-T-1.json; it is the last run, not the first."""
    for n in range(3):
        write_record(tmp_path, {"started": "2025-02-07T08:00:00", "n": n})
    assert [r["n"] for r in load_records(tmp_path)] == [0, 1, 2]
    assert load_records(tmp_path)[-1]["n"] == 2

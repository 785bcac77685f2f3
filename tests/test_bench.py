"""The benchmark's pieces are correct (no timing assertions here: see bench/README.md)."""

import sys
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import harness, run  # noqa: E402
from mtcollect_nb.testing import (  # noqa: E402
    absences,
    enrollment,
    make_analysis,
    school_days,
    student,
)


def _cal(cid, **kw):
    r = {"calendarID": cid, "schoolID": 1, "name": f"cal {cid}", "endYear": 2025,
         "startDate": "2024-08-26", "endDate": "2025-06-06"}
    r.update(kw)
    return r


def _weekdays(start, end):
    return list(pd.bdate_range(start, end))


def edge_case_district():
    """Streak edge cases (count date Monday 2025-02-03) with the expected streak and start.

    Calendar 1: plain weekdays. Calendar 2: wholeDayAbsence 240 of 360 minutes.
    Calendar 3: holidays on 2025-01-27 and on the count date (effective count date 2025-02-04).
    """
    days = (school_days(1) + school_days(2)
            + school_days(3, holidays=["2025-01-27", "2025-02-03"]))
    for d in days:  # an early-release day in calendar 2: 180 minutes, under its threshold
        if d["calendarID"] == 2 and d["date"] == pd.Timestamp("2025-01-29"):
            d["minutes"] = 180
    att = []
    expected = {}
    # 1: eleven whole-day absences ending on the count date
    att += absences(1, _weekdays("2025-01-20", "2025-02-03"))
    expected[10] = (11, "2025-01-20")
    # 2: holidays neither add nor break; a row on a holiday is ignored; Jan 23 present
    att += absences(2, [*_weekdays("2025-01-24", "2025-01-31"), "2025-02-04"], calendar_id=3)
    expected[20] = (6, "2025-01-24")
    # 3: a present day (Jan 30) ends the walk
    att += absences(3, ["2025-01-29", "2025-01-31", "2025-02-03"])
    expected[30] = (2, "2025-01-31")
    # 4: present on the count date -> 0 whatever came before
    att += absences(4, _weekdays("2025-01-20", "2025-01-31"))
    expected[40] = (0, None)
    # 5: exempt (X) does not count; excused (E) does
    att += absences(5, ["2025-01-30"], excuse="E") + absences(5, ["2025-01-31"], excuse="X")
    att += absences(5, ["2025-02-03"], excuse="E")
    expected[50] = (1, "2025-02-03")
    # 6: partial day on a calendar without wholeDayAbsence (IC default 240): 239 minutes absent
    att += absences(6, ["2025-02-03"], present_minutes=121)
    expected[60] = (0, None)
    # 7: calendar 2 threshold 240: 260 minutes absent is whole-day, 121 present is not
    att += absences(7, ["2025-01-30"], calendar_id=2, present_minutes=121)
    att += absences(7, ["2025-01-31", "2025-02-03"], calendar_id=2, present_minutes=100)
    expected[70] = (2, "2025-01-31")
    # 8: grade change (enrollment 80 ends Fri Jan 24, 81 starts Mon Jan 27) does not break
    att += absences(8, _weekdays("2025-01-21", "2025-02-03"))
    expected[81] = (10, "2025-01-21")
    # 9: enrolled from Jan 29: days before enrollment do not count
    att += absences(9, _weekdays("2025-01-20", "2025-02-03"))
    expected[90] = (4, "2025-01-29")
    # 11: absent in another calendar only: the walk is per calendar
    att += absences(11, ["2025-02-03"], calendar_id=2)
    expected[110] = (0, None)
    # 12: a noShow enrollment's days are not enrolled days
    att += absences(12, _weekdays("2025-01-28", "2025-02-03"))
    expected[120] = (2, "2025-01-31")
    # 13: early-release day: missing all of its 180 minutes is whole-day (threshold 240)
    att += absences(13, _weekdays("2025-01-29", "2025-02-03"), calendar_id=2)
    expected[130] = (4, "2025-01-29")
    enr = [enrollment(10, 1), enrollment(20, 2, calendarID=3), enrollment(30, 3),
           enrollment(40, 4), enrollment(50, 5), enrollment(60, 6),
           enrollment(70, 7, calendarID=2),
           enrollment(80, 8, grade="05", endDate="2025-01-24"),
           enrollment(81, 8, startDate="2025-01-27"),
           enrollment(90, 9, startDate="2025-01-29"), enrollment(110, 11),
           enrollment(120, 12, startDate="2025-01-31"),
           enrollment(121, 12, endDate="2025-01-30", noShow=True),
           enrollment(130, 13, calendarID=2)]
    a = make_analysis(students=[student(i) for i in (1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 13)],
                      calendars=[_cal(1), _cal(2, wholeDayAbsence=240), _cal(3)],
                      days=days, enrollments=enr, attendance=att)
    return a, expected


try:  # the bench extra (pip install -e ".[bench]"); without it only the DuckDB tests skip
    import duckdb  # noqa: F401

    from bench.streaks_duckdb import duckdb_streaks
except ImportError:  # pragma: no cover - depends on the environment
    duckdb_streaks = None
needs_duckdb = pytest.mark.skipif(duckdb_streaks is None,
                                  reason="DuckDB not installed (pip install -e '.[bench]')")


def _inputs(a):
    return {"instructional_days": a.instructional_days, "attendance": a.table("attendance"),
            "enrollments": a.enrollments, "calendars": a.calendars}


def _as_expected(df):
    return {int(r.enrollmentID): (int(r.streak), None if pd.isna(r.streakStart)
                                  else r.streakStart.strftime("%Y-%m-%d"))
            for r in df[run.STREAK_COLUMNS].itertuples()}


@pytest.mark.slow
@needs_duckdb
def test_duckdb_streaks_edge_cases():
    a, expected = edge_case_district()
    got = _as_expected(duckdb_streaks(**_inputs(a)))
    assert got == expected


@pytest.mark.slow
@needs_duckdb
def test_duckdb_streaks_only_enrollments_on_count_date():
    a = make_analysis(students=[student(1)],
                      enrollments=[enrollment(10, 1, endDate="2025-01-31"),
                                   enrollment(11, 1, startDate="2025-02-03")],
                      attendance=absences(1, ["2025-01-31", "2025-02-03"]))
    got = _as_expected(duckdb_streaks(**_inputs(a)))
    assert got == {11: (2, "2025-01-31")}


@pytest.mark.slow
@needs_duckdb
def test_three_implementations_agree_on_edge_cases():
    a, expected = edge_case_district()
    results = run.check_streaks_agree(_inputs(a))
    assert set(results) == {"engine", "loop", "duckdb"}
    assert _as_expected(results["engine"]) == expected


@pytest.mark.slow
def test_engine_and_loop_agree_on_edge_cases():
    from mtcollect_nb.compute.absence import compute_streaks, streaks_reference

    a, expected = edge_case_district()
    engine = run.normalize_streaks(compute_streaks(**_inputs(a)))
    loop = run.normalize_streaks(streaks_reference(**_inputs(a)))
    pd.testing.assert_frame_equal(engine, loop)
    assert _as_expected(engine) == expected


def test_render_table_aligns_columns():
    rows = [run.Row("a", "1 s", "b", "2 s", "2x", "<= 4x", "yes")]
    text = run.render(rows).splitlines()
    assert text[0].startswith("measure") and set(text[1]) <= {"-", " "}
    assert text[2].split() == ["a", "1", "s", "b", "2", "s", "2x", "<=", "4x", "yes"]


def test_time_it_budget_stops_early():
    t, result = harness.time_it("x", lambda: 7, repeat=5, budget_s=-1.0)
    assert (t.n, result) == (1, 7)
    t, _ = harness.time_it("x", lambda: None, repeat=3)
    assert t.n == 3 and t.median == sorted(t.runs)[1]  # the middle of the three runs
    t.runs = [3.0, 1.0, 2.0, 10.0]
    assert t.median == 2.5 and harness.Timing("y").median != harness.Timing("y").median


@pytest.mark.slow
def test_child_peak_rss_is_measured():
    info, peak = harness.run_child("import json; x = bytearray(200 * 2**20); "
                                   "print(json.dumps({'n': len(x)}))")
    assert info == {"n": 200 * 2**20}
    assert peak > 200 * 2**20


def test_empty_notebook_is_parameterised(tmp_path):
    import nbformat

    nb = nbformat.read(harness.empty_notebook(tmp_path / "e.ipynb"), as_version=4)
    assert [c.metadata.get("tags") for c in nb.cells] == [["parameters"]]


@pytest.mark.slow
def test_concatenated_bundle_keeps_every_row_and_reference(tmp_path):
    from mtcollect_nb.load.loader import load_bundle
    from mtcollect_nb.synthetic.write import write_district

    parts = [write_district(tmp_path / f"p{i}", students=60, seed=7 + i,
                            district_number=f"{901 + i:04d}") for i in range(2)]
    harness._concat_bundles(parts, tmp_path / "all")
    loaded = [load_bundle(p) for p in parts]
    whole = load_bundle(tmp_path / "all")
    acc = whole.accounting.set_index("file")
    for col in ("read", "used", "rejected"):
        expected = sum(b.accounting.set_index("file")[col] for b in loaded)
        assert acc[col].to_dict() == expected.to_dict(), col
    students = whole.table("students")
    assert students["personID"].is_unique and len(students) == 120


@needs_duckdb
@pytest.mark.slow
def test_quick_run_end_to_end(tmp_path, capsys):
    assert run.main(["--quick", "--skip-notebook", "--data-dir", str(tmp_path),
                     "--json", str(tmp_path / "figures.json")]) == 0
    out = capsys.readouterr().out
    assert "streaks agree: yes" in out
    for measure in ("engine vs per-student loop", "engine vs DuckDB SQL",
                    "district analysis 300", "forecast run 300", "peak RSS, analysis 300",
                    "peak RSS, statewide analysis"):
        assert measure in out, measure
    import json

    figures = json.loads((tmp_path / "figures.json").read_text())
    assert set(figures["peak_rss"]) == {"300", "600"}
    assert all(v > 50 * 2**20 for v in figures["peak_rss"].values())


@pytest.mark.slow
def test_forecast_bench_times_both_runs_of_one_district(tmp_path):
    from bench import forecast

    district = harness.ensure_district(300, data_dir=tmp_path, log=lambda m: None)
    got = forecast.bench_forecast(district, forecast.AS_OF, repeat=1)
    assert got["normal"].n == got["forecast"].n == 1 and got["ratio"] > 0
    assert got["line"].startswith("call list: ") and got["line"].endswith("by 2025-02-03")
    normal, fc = forecast.both_params(district, forecast.AS_OF, tmp_path)
    assert (normal.as_of, fc.as_of, normal.output_dir != fc.output_dir) == (
        None, forecast.AS_OF, True)

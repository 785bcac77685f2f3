"""The same synthetic district in the daily and in the period form of attendance: same results."""

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from mtcollect_nb.checks.run import run_from_analysis
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.load.loader import load_bundle
from mtcollect_nb.synthetic.periods import to_period_form
from mtcollect_nb.synthetic.write import write_district
from mtcollect_nb.testing import params

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    root = tmp_path_factory.mktemp("forms")
    daily = write_district(root / "daily", students=500, seed=11)
    period = to_period_form(Path(shutil.copytree(daily, root / "period")), seed=3)
    p = params(pir_days=1)
    return [run_from_analysis(Analysis(load_bundle(d), p)) for d in (daily, period)]


def _findings(run):
    f = run.findings.drop(columns=["personID"]).copy()
    # a rejected attendance row has another line number in the other form, and a rejected day
    # (unknown student) is one rejected row per period in the period form
    f["field"] = f["field"].map(lambda s: re.sub(r"^attendance\.csv line \d+", "attendance", s))
    f = f.drop_duplicates()
    return f.sort_values(list(f.columns), kind="mergesort").reset_index(drop=True)


def test_period_file_really_is_in_period_form(both, tmp_path):
    daily, period = both
    acc = {r.analysis.bundle.accounting.set_index("file").at["attendance.csv", "read"]
           for r in both}
    assert len(acc) == 2  # more period rows than days
    assert period.analysis.bundle.has("periods")
    assert len(daily.analysis.table("attendance")) == len(period.analysis.table("attendance"))


def test_every_finding_is_the_same_in_both_forms(both):
    daily, period = both
    assert len(daily.findings) > 40 and {"ANB-01", "ANB-02", "ANB-03"} <= set(
        daily.findings["ruleId"])
    assert len(_findings(daily)) == len(daily.findings)  # nothing dropped in the daily form
    pd.testing.assert_frame_equal(_findings(daily), _findings(period))


def test_every_count_is_the_same_in_both_forms(both):
    daily, period = both
    for frame in ("streaks", "fte", "anb_table", "budget_units", "absences_table"):
        pd.testing.assert_frame_equal(getattr(daily.analysis, frame),
                                      getattr(period.analysis, frame), obj=frame)
    assert (daily.analysis.streaks["streak"] >= 11).any()
    att = [r.analysis.table("attendance").drop(columns=["_line"]).reset_index(drop=True)
           for r in both]
    pd.testing.assert_frame_equal(*att)


def test_accounting_holds_in_period_rows(both):
    for run in both:
        acc = run.analysis.bundle.accounting
        assert (acc["read"] == acc["used"] + acc["rejected"]).all()
    rej = both[1].analysis.bundle.rejected
    assert set(rej.loc[rej["file"] == "attendance.csv", "ruleId"]) == {"DQ-02", "DQ-03"}

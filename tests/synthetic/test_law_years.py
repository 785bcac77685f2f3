"""The same synthetic district run under the law of 2024-25 and of 2025-26 (HB 168).

The count dates are given explicitly (the district's calendar is 2024-25), so the only thing
that changes is the law table's row: exactly the differences rules.md predicts must appear.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from mtcollect_nb.checks.engine import run_rules
from mtcollect_nb.checks.run import run_from_analysis
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.compute.law import law_for
from mtcollect_nb.load.loader import load_bundle
from mtcollect_nb.report.summary import run_info
from mtcollect_nb.synthetic import PLANTED, write_district
from mtcollect_nb.testing import params

pytestmark = pytest.mark.slow

KEY = ["ruleId", "enrollmentID", "stateID", "sectionID", "courseNumber", "field", "value",
       "expected", "message"]


def _params(year: int):
    return params(district_number="0999", pir_days=1, school_year=year,
                  fall_count_date=dt.date(2024, 10, 7), spring_count_date=dt.date(2025, 2, 3),
                  kindergarten_age_date=dt.date(2024, 9, 10))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Analysis]:
    folder = write_district(tmp_path_factory.mktemp("law"), students=600, seed=1)
    bundle = load_bundle(Path(folder))
    return {year: Analysis(bundle, _params(year)) for year in (2025, 2026)}


def _rows(f: pd.DataFrame) -> set[tuple[str, ...]]:
    return set(map(tuple, f[KEY].astype(str).to_numpy()))


def test_findings_differ_exactly_as_the_law_table_predicts(runs):
    res = {y: run_rules(a) for y, a in runs.items()}
    assert not law_for(2025).pk_special_ed_counted and law_for(2026).pk_special_ed_counted
    e = runs[2025].on_count_date
    pk_sped = set(e.loc[(e["grade"] == "PK") & e["specialEd"], "enrollmentID"].astype(str))
    assert len(pk_sped) >= 2  # the planted ANB-21 (2024-25) and ANB-24 (2025-26) cases
    only_2025 = _rows(res[2025].findings) - _rows(res[2026].findings)
    only_2026 = _rows(res[2026].findings) - _rows(res[2025].findings)
    # 2024-25: a counted PK special-education child without EL_CLASSROOM is ANB-21
    assert only_2025 and {r[0] for r in only_2025} == {"ANB-21"}
    assert {r[1] for r in only_2025} <= pk_sped
    # 2025-26: ANB-24 runs (only then) and finds the excluded PK special-education child
    assert only_2026 and {r[0] for r in only_2026} == {"ANB-24"}
    assert {r[1] for r in only_2026} <= pk_sped
    assert "ANB-24" in set(res[2025].not_run["ruleId"]) - set(res[2026].not_run["ruleId"])
    assert "ANB-24" in PLANTED and "2025-26" in PLANTED["ANB-24"]
    # ANB-21 still flags PK children who are not in special education in 2025-26
    assert "ANB-21" in set(res[2026].findings["ruleId"])


def test_counts_are_the_same_and_pk_special_ed_is_counted_on_hours(runs):
    # rules.md: PK eligibility is a warning, never a computed exclusion, so both years count
    # the PK special-education child on aggregate hours; the ANB sheet does not change.
    pd.testing.assert_frame_equal(runs[2025].anb_table, runs[2026].anb_table)
    f = runs[2026].fte
    e = runs[2026].on_count_date
    counted = e.loc[(e["grade"] == "PK") & e["specialEd"] & e["counted"], "enrollmentID"]
    assert len(counted) and (f.set_index("enrollmentID").loc[counted, "fteValidated"] > 0).all()


def test_summary_names_the_law_applied(runs):
    texts = {y: run_info(run_from_analysis(a)).set_index("item").at["Law applied", "value"]
             for y, a in runs.items()}
    assert texts == {2025: "law of 2024-25: MCA 20-9-311 (2023), ARM 10.20.102",
                     2026: "law of 2025-26: HB 168"}

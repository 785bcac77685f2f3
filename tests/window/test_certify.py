"""Ready to certify: errors open, warnings not reviewed, rules that did not run."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from mtcollect_nb.outputs import read_summary
from mtcollect_nb.window.certify import (
    certify_collection,
    readiness,
    ready_json,
    verdict,
    verdict_line,
)

NONE_RUN = pd.DataFrame(columns=["ruleId", "reason"])


def f(*rows: tuple[str, str, str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["ruleId", "severity", "collection", "field", "status"])


def by_collection(findings: pd.DataFrame, not_run: pd.DataFrame = NONE_RUN) -> dict:
    return readiness(findings, not_run).set_index("collection").to_dict("index")


def test_clean_district_is_ready() -> None:
    r = by_collection(f())
    assert r["Spring ANB"]["ready"] and r["Spring Teacher-Class"]["verdict"] == "Ready to certify"


def test_reviewed_warning_does_not_block_a_reviewed_error_does() -> None:
    r = by_collection(f(("ANB-02", "warning", "Spring ANB", "", "reviewed"),
                        ("ANB-01", "error", "Spring ANB", "", "open")))
    assert (r["Spring ANB"]["errorsOpen"], r["Spring ANB"]["warningsNotReviewed"]) == (1, 0)
    assert not r["Spring ANB"]["ready"]
    ok = by_collection(f(("ANB-02", "warning", "Spring ANB", "", "reviewed")))
    assert ok["Spring ANB"]["ready"]


def test_unreviewed_warning_blocks_only_its_collection() -> None:
    r = by_collection(f(("TCH-04", "warning", "Spring Teacher-Class", "", "open"),
                        ("GRD-01", "error", "Other reminders", "", "new")))
    assert not r["Spring Teacher-Class"]["ready"] and r["Spring ANB"]["ready"]
    assert r["Spring Teacher-Class"]["verdict"] == "Not ready: 1 warning not reviewed"


def test_data_quality_counts_for_the_collection_of_its_file() -> None:
    rows = f(("DQ-03", "error", "Data quality", "rosters.csv line 4: startDate", "new"),
             ("DQ-01", "error", "Data quality", "enrollments.csv line 9: enrollmentID", "new"),
             ("DQ-02", "error", "Data quality", "ic_counts.xlsx line 2: grade", "new"))
    assert certify_collection(rows).tolist() == [
        "Spring Teacher-Class", "Spring ANB", "Spring ANB"]
    r = by_collection(rows)
    assert r["Spring ANB"]["errorsOpen"] == 2 and r["Spring Teacher-Class"]["errorsOpen"] == 1


def test_rules_not_run_are_named_but_do_not_block() -> None:
    not_run = pd.DataFrame([("ANB-17", "optional file not provided: fall_count.csv"),
                            ("GFT-01", "optional file not provided: gifted.csv")],
                           columns=["ruleId", "reason"])
    r = by_collection(f(), not_run)
    assert r["Spring ANB"]["rulesNotRun"] == 1 and r["Spring ANB"]["ready"]
    assert r["Spring ANB"]["verdict"] == (  # the registry's reason, not a guess (issue 20.4)
        "Ready to certify (1 rule did not run: ANB-17, optional file not provided: "
        "fall_count.csv)")
    assert r["Spring Teacher-Class"]["rulesNotRun"] == 0


def test_verdict_wording() -> None:
    assert verdict(1, 2, 1) == ("Not ready: 1 error open, 2 warnings not reviewed, "
                                "1 rule did not run")
    assert verdict(0, 0, 0) == "Ready to certify"


def test_json_and_line_agree(tmp_path: Path) -> None:
    ready = readiness(f(("ANB-01", "error", "Spring ANB", "", "open")), NONE_RUN)
    j = ready_json(ready)
    assert j["ready"] is False and j["certify"]["Spring ANB"]["errorsOpen"] == 1
    assert j["certify"]["Spring Teacher-Class"]["ready"] is True
    (tmp_path / "summary.json").write_text(json.dumps(j))
    s = read_summary(tmp_path)
    assert (s.ready, s.verdict_line) == (False, verdict_line(ready))
    assert verdict_line(ready).startswith("Spring ANB: Not ready: 1 error open; ")

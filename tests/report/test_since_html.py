"""Issue 20 item 5: the report's *Since the last run* as real tables in plain words: no index,
no 12.0 for a count, the district's reviewed and note shown in full, and a reviewed finding
still in the data never called "still open"."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest

from mtcollect_nb.checks.run import run_from_analysis
from mtcollect_nb.report import since as report_since
from mtcollect_nb.testing import tiny_analysis
from mtcollect_nb.window.carry import carry_forward, changes_since
from mtcollect_nb.window.finished import FinishedRun, finish
from mtcollect_nb.window.keys import with_keys

LONG_NOTE = ("Called the family on 2/3; the student moved to Billings on 1/20, withdrawal "
             "entered in IC by the registrar; nothing else to do for this one")


class Tables(HTMLParser):
    """The page's tables as lists of rows of cell texts."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: object) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def second_run(tmp_path: Path) -> FinishedRun:
    """A rerun: one finding fixed (with its note), one new, one reviewed, one still open."""
    done = finish(with_keys(run_from_analysis(tiny_analysis())), tmp_path)
    now = pd.DataFrame({"findingKey": ["ANB-02:A", "ANB-03:D", "ANB-01:B"],
                        "severity": ["warning", "warning", "error"],
                        "ruleId": ["ANB-02", "ANB-03", "ANB-01"],
                        "stateID": ["S1", "S4", "S2"], "message": ["m2", "m3", "m1"]})
    before = pd.DataFrame({"findingKey": ["ANB-02:A", "DQ-01:E", "ANB-01:B"],
                           "firstSeen": pd.to_datetime(["2025-02-04"] * 3),
                           "reviewed": ["checked with the school", "", ""],
                           "note": ["ok per principal", LONG_NOTE, ""],
                           "ruleId": ["ANB-02", "DQ-01", "ANB-01"],
                           "stateID": ["S1", "S5", "S2"], "message": ["m2", "m5", "m1"]})
    findings = carry_forward(now, before, dt.date(2025, 2, 10))
    counts = pd.DataFrame({"budgetUnit": ["Elementary", "High School"],
                           "springCountReportedPrevious": [120.0, 80.5],
                           "springCountReported": [119.0, 80.5],
                           "springCountValidatedPrevious": [118.0, 80.0],
                           "springCountValidated": [118.0, 80.0]})
    window = dataclasses.replace(done.window, since=changes_since(findings, before),
                                 counts=counts, records=({"started": "2025-02-04T08:15:00"},))
    return dataclasses.replace(done, window=window)


@pytest.mark.slow
def test_since_the_last_run_is_real_tables_in_plain_words(tmp_path: Path) -> None:
    page = report_since.since_html(second_run(tmp_path))
    parser = Tables()
    parser.feed(page)
    counts, findings = parser.tables
    assert counts[0] == ["Budget unit", "Spring count reported, previous run",
                         "Spring count reported, this run",
                         "Spring count validated, previous run",
                         "Spring count validated, this run"]
    assert counts[1] == ["Elementary", "120", "119", "118", "118"]  # not 120.0, no index
    assert counts[2] == ["High School", "80.5", "80.5", "80", "80"]
    head = findings[0]
    assert head[:2] == ["what happened", "rule"] and head[-2:] == ["reviewed", "note"]
    rows = {r[head.index("rule")]: dict(zip(head, r, strict=True)) for r in findings[1:]}
    assert rows["DQ-01"]["what happened"] == "fixed since the previous run"
    assert rows["DQ-01"]["note"] == LONG_NOTE  # in full
    assert rows["ANB-03"]["what happened"] == "new in this run"
    assert rows["ANB-02"]["what happened"] == "still in the data, reviewed"
    assert rows["ANB-02"]["reviewed"] == "checked with the school"
    assert rows["ANB-02"]["note"] == "ok per principal"
    assert "ANB-01" not in rows  # still open and unchanged: counted, not listed
    assert "still open" not in " ".join(" ".join(r) for r in findings)
    assert "Previous run: 2025-02-04 08:15. Since then: 1 fixed, 1 new, 2 still in the data" in (
        page)
    assert not re.search(r"<td[^>]*>\s*\d+\.0\s*</td>", page)


@pytest.mark.slow
def test_a_first_run_says_there_is_nothing_to_compare(tmp_path: Path) -> None:
    done = finish(with_keys(run_from_analysis(tiny_analysis())), tmp_path)
    page = report_since.since_html(done)
    assert "First run in this output folder: nothing to compare yet" in page
    assert "<h3>Findings fixed" not in page

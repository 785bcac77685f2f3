"""The Summary's Run block says which year's law was applied; rules not run are listed."""

from __future__ import annotations

import pytest

from mtcollect_nb.checks.run import run_from_analysis
from mtcollect_nb.compute.law import law_applied
from mtcollect_nb.report.summary import NOT_RUN_BLOCK, run_info, summary_blocks
from mtcollect_nb.testing import enrollment, make_analysis, params, student
from mtcollect_nb.window.finished import finish
from mtcollect_nb.window.keys import with_keys


def _run(**kw):
    return run_from_analysis(make_analysis(params(**kw), students=[student(1)],
                                           enrollments=[enrollment(10, 1)]))


@pytest.mark.slow
@pytest.mark.parametrize(("year", "text"), [(2025, "law of 2024-25: MCA 20-9-311 (2023), "
                                                   "ARM 10.20.102"),
                                            (2026, "law of 2025-26: HB 168")])
def test_law_applied_row(year, text):
    info = run_info(_run(school_year=year)).set_index("item")["value"]
    assert info["Law applied"] == text == law_applied(year)
    assert list(info.index).index("Law applied") == list(info.index).index("School year") + 1


@pytest.mark.slow
def test_not_run_block_lists_the_esa_rules_when_off(tmp_path):
    done = finish(with_keys(_run(esa_program=False)), tmp_path)
    blocks = {b.title: b.frame for b in summary_blocks(done)}
    reasons = blocks[NOT_RUN_BLOCK].set_index("ruleId")["reason"]
    assert reasons["ANB-11"] == "did not run: ESA program not active"
    assert reasons["ANB-12"] == "did not run: ESA program not active"
    assert reasons["ANB-24"].startswith("did not run: not in the law of 2024-25")

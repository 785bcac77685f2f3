"""A finished run: the previous run read once, keys taken once, masking decided one way."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from mtcollect_nb.checks.run import run_from_analysis
from mtcollect_nb.load.loader import write_bundle
from mtcollect_nb.report import html as report_html
from mtcollect_nb.report import summary
from mtcollect_nb.report.pipeline import analyze_district, finish, write_outputs
from mtcollect_nb.testing import absences, enrollment, make_analysis, make_bundle, params, student
from mtcollect_nb.window import history, keys
from mtcollect_nb.window.keys import with_keys

pytestmark = pytest.mark.slow


def district(tmp_path: Path, mask: bool = False):
    days = pd.bdate_range("2025-01-20", "2025-02-03")  # 11 school days: ANB-01
    bundle = make_bundle(students=[student(1), student(2)],
                         enrollments=[enrollment(10, 1), enrollment(11, 2)],
                         attendance=absences(1, days))
    write_bundle(bundle, tmp_path / "extracts")
    return params(extracts_dir=str(tmp_path / "extracts"), output_dir=str(tmp_path / "out"),
                  mask_pii=mask)


class Calls:
    """Counts the calls of a wrapped function."""

    def __init__(self, fn):
        self.fn, self.n = fn, 0

    def __call__(self, *args, **kwargs):
        self.n += 1
        return self.fn(*args, **kwargs)


def test_the_previous_run_is_read_once_and_keys_are_taken_once(tmp_path, monkeypatch) -> None:
    p = district(tmp_path)
    write_outputs(analyze_district(p))  # day 1: a workbook and a history record to read
    opened = Calls(openpyxl.load_workbook)
    records = Calls(history.read_records)
    keyed = Calls(keys.finding_keys)
    monkeypatch.setattr(openpyxl, "load_workbook", opened)
    monkeypatch.setattr(history, "read_records", records)
    monkeypatch.setattr(keys, "finding_keys", keyed)
    run = analyze_district(p)  # day 2, as the notebook does it
    done = finish(run)
    page = report_html.verdict_html(done)
    book = write_outputs(done)
    assert (opened.n, records.n, keyed.n) == (1, 1, 1)
    assert "Not ready: 1 error open" in page
    assert done.window.previous_run is not None and book.is_file()


def test_finish_refuses_a_run_without_keys_or_unmasked_against_its_parameters(tmp_path) -> None:
    run = run_from_analysis(make_analysis(params(output_dir=str(tmp_path))))
    with pytest.raises(ValueError, match="no findingKey"):
        finish(run)
    masked_params = params(output_dir=str(tmp_path), mask_pii=True)
    unmasked = with_keys(run_from_analysis(make_analysis(masked_params)))
    with pytest.raises(ValueError, match="mask_pii is on but the run is not masked"):
        finish(unmasked)


def test_a_run_masked_against_its_parameters_says_masked_everywhere(tmp_path) -> None:
    """The training tour masks a run whose parameters do not ask: run.masked is the answer."""
    p = district(tmp_path, mask=False)
    run = analyze_district(p, mask=True)
    assert run.masked and not p.mask_pii
    done = finish(run)
    info = summary.run_info(run).set_index("item")["value"]
    assert info["PII masked"] == "Yes" and summary.summary_json(done)["pii_masked"] is True
    assert "<th>Names and IDs</th><td>masked</td>" in report_html.header_html(run)
    plain = analyze_district(p)
    assert not plain.masked and summary.run_info(plain).set_index("item").at[
        "PII masked", "value"] == "No"
    assert "as in Infinite Campus" in report_html.header_html(plain)

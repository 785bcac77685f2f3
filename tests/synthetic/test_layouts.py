"""One synthetic district in every layout a real export may have: the same findings and counts.

Layouts: the contract's own (``contract``); days given by their period schedule instead of
minutes (``schedules``); attendance in IC's period form with minutes (``period``); Ad Hoc dotted
headers (``adhoc``) and report labels (``labels``); and IC's own layout (``ic``: days with
period schedules and no minutes, periods with start and end times, period attendance with codes
and no minutes on absent periods, attendance_codes.csv, IC's names and view dumps).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from mtcollect_nb.checks.run import run_from_analysis
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.load.contract import TABLES
from mtcollect_nb.load.loader import load_bundle
from mtcollect_nb.synthetic.adhoc import rewrite_headers
from mtcollect_nb.synthetic.ic_layout import schedule_layout
from mtcollect_nb.synthetic.periods import to_period_form
from mtcollect_nb.synthetic.write import write_district
from mtcollect_nb.testing import params

LAYOUTS = ("schedules", "period", "adhoc", "labels", "ic")
COUNTS = ("streaks", "fte", "anb_table", "budget_units", "absences_table", "computed_hours",
          "instructional_days", "enrollments")
STUDENTS, SEED = 500, 11


def _write(layout: str, root: Path) -> Path:
    if layout == "ic":
        return write_district(root / layout, students=STUDENTS, seed=SEED, layout="ic")
    folder = Path(shutil.copytree(root / "contract", root / layout))
    if layout == "period":
        return to_period_form(folder, seed=3)
    if layout == "schedules":  # only the days: periodScheduleID instead of minutes
        days, periods, _, _ = schedule_layout(folder)
        days.to_csv(folder / "days.csv", index=False, lineterminator="\n")
        periods.to_csv(folder / "periods.csv", index=False, lineterminator="\n")
        return folder
    if layout in ("adhoc", "labels"):
        rewrite_headers(folder, layout)
    return folder


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("layouts")
    write_district(root / "contract", students=STUDENTS, seed=SEED)
    p = params(district_number="0999", pir_days=1)
    return {layout: run_from_analysis(Analysis(load_bundle(
        root / layout if layout == "contract" else _write(layout, root), p), p))
        for layout in ("contract", *LAYOUTS)}


def _findings(run):
    f = run.findings.drop(columns=["personID"]).copy()
    # a rejected attendance row has another line number in the period forms, and a rejected
    # day (an unknown student) is one rejected row per period there
    f["field"] = f["field"].map(lambda s: re.sub(r"^attendance\.csv line \d+", "attendance", s))
    f = f.drop_duplicates()
    return f.sort_values(list(f.columns), kind="mergesort").reset_index(drop=True)


@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_finding_is_the_same_in_every_layout(runs, layout):
    base = runs["contract"]
    assert len(base.findings) > 40 and {"ANB-01", "ANB-02", "ANB-03", "GRD-01", "DQ-02"} <= set(
        base.findings["ruleId"])
    assert len(_findings(base)) == len(base.findings)  # nothing dropped in the contract layout
    pd.testing.assert_frame_equal(_findings(base), _findings(runs[layout]))
    pd.testing.assert_frame_equal(base.not_run, runs[layout].not_run)


@pytest.mark.slow
@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_count_is_the_same_in_every_layout(runs, layout):
    base, other = runs["contract"].analysis, runs[layout].analysis
    for frame in COUNTS:
        pd.testing.assert_frame_equal(getattr(base, frame), getattr(other, frame), obj=frame)
    assert (base.streaks["streak"] >= 11).any()
    cols = [c for c in TABLES["attendance"].column_names if c != "code"]
    att = [r.table("attendance")[cols].reset_index(drop=True) for r in (base, other)]
    pd.testing.assert_frame_equal(*att)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_accounting_holds_and_only_the_period_forms_count_more_rows(runs, layout):
    acc = runs[layout].analysis.bundle.accounting.set_index("file")
    assert (acc["read"] == acc["used"] + acc["rejected"]).all()
    base = runs["contract"].analysis.bundle.accounting.set_index("file")
    period = layout in ("period", "ic")
    assert (acc.at["attendance.csv", "read"] > base.at["attendance.csv", "read"]) == period
    rej = runs[layout].analysis.bundle.rejected
    assert set(rej.loc[rej["file"] == "attendance.csv", "ruleId"]) == {"DQ-02", "DQ-03"}


@pytest.mark.parametrize("layout", ["adhoc", "labels", "ic"])
def test_the_headers_really_differ(runs, layout):
    headers = runs[layout].analysis.bundle.headers
    assert (headers["how"] != "exact").sum() > (10 if layout == "ic" else 50)


def test_the_ic_layout_really_is_ics(runs):
    bundle = runs["ic"].analysis.bundle
    how = bundle.headers.set_index(["file", "header"])["how"]
    assert how[("schools.csv", "number")] == "alias"
    assert how[("periods.csv", "nonInstructional")] == "negated"
    assert how[("students.csv", "legalLastName")] == "extra"
    assert "minutes" not in set(bundle.headers.loc[bundle.headers["file"] == "days.csv",
                                                   "header"])
    notes = " ".join(bundle.notes["note"])
    assert "took their minutes from their period schedule" in notes
    assert "took their status or excuse from their attendance code" in notes
    assert "absent row(s) (status A) have no minutes" in notes
    assert "'legalFirstName' is kept as an extra column" in notes
    att = (bundle.source_dir / "attendance.csv").read_text().splitlines()
    head = att[0].split(",")
    blank = sum(1 for line in att[1:] if line.split(",")[head.index("presentMinutes")] == "")
    assert blank > len(att) / 2  # absent periods carry no minutes
    assert bundle.tables["schools"]["districtNumber"].eq("0999").all()


@pytest.mark.slow
def test_synth_writes_the_ic_layout_and_check_extracts_reads_it(tmp_path, capsys):
    from mtcollect_nb import cli

    out = tmp_path / "extracts"
    assert cli.main(["synth", "--out", str(out), "--students", "60", "--layout", "ic"]) == 0
    assert (out / "attendance_codes.csv").is_file()
    assert "minutes" not in (out / "days.csv").read_text().splitlines()[0].split(",")
    (tmp_path / "p.yaml").write_text('district_number: "0999"\ndistrict_name: S\n'
                                     "school_year: 2025\nextracts_dir: extracts\n"
                                     "output_dir: output\npir_days: 1\n")
    capsys.readouterr()
    assert cli.main(["check-extracts", str(tmp_path / "p.yaml")]) == 0
    text = capsys.readouterr().out
    assert "read as the opposite (IC's Non-Instructional checkbox): nonInstructional -> " \
           "instructional" in text
    assert "ready to run" in text


@pytest.mark.slow
def test_the_ic_layout_example_parameters_read_a_district_in_ics_layout(tmp_path, capsys):
    import yaml

    from mtcollect_nb import cli

    example = Path(__file__).resolve().parents[2] / "parameters" / "ic-layout.yaml"
    values = yaml.safe_load(example.read_text(encoding="utf-8"))
    write_district(tmp_path / "extracts", students=60, seed=2, layout="ic")
    values.update(extracts_dir="extracts", output_dir="output")
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(values), encoding="utf-8")
    assert cli.main(["check-extracts", str(tmp_path / "p.yaml")]) == 0
    out = capsys.readouterr().out
    assert "read by the parameters' columns: map: stateGrade -> grade" in out

"""outputs: the output file names in one place and the one reader of summary.json."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from mtcollect_nb import outputs
from mtcollect_nb.outputs import RunSummary, read_summary

PACKAGE = Path(outputs.__file__).parent
#: Every output file name, as a literal that must appear only in outputs.py.
NAMES = ("findings.xlsx", "summary.json", "findings.parquet", "anb.parquet",
         "budget_units.parquet", "batch_summary", "batch_logs", "district_validation",
         "statewide_rollup", "explore_findings", "training_tour")


def literals_naming_an_output(source: str) -> list[str]:
    """String constants of ``source`` (docstrings left out) that name an output file."""
    tree = ast.parse(source)
    docs = {id(n.body[0].value) for n in ast.walk(tree)
            if isinstance(n, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
            and n.body and isinstance(n.body[0], ast.Expr)
            and isinstance(n.body[0].value, ast.Constant)}
    return [n.value for n in ast.walk(tree)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and id(n) not in docs
            and any(name in n.value for name in NAMES)]


@pytest.mark.slow
def test_output_file_names_are_written_only_in_outputs() -> None:
    found = {str(p.relative_to(PACKAGE)): hits for p in sorted(PACKAGE.rglob("*.py"))
             if p.name != "outputs.py"
             and (hits := literals_naming_an_output(p.read_text(encoding="utf-8")))}
    assert not found


def test_the_name_scan_finds_a_file_name_in_code_but_not_in_a_docstring() -> None:
    source = '"""Writes findings.xlsx."""\nPATH = out / "findings.xlsx"\n'
    assert literals_naming_an_output(source) == ["findings.xlsx"]


def test_summary_fields_are_read_with_their_types(tmp_path: Path) -> None:
    (tmp_path / outputs.SUMMARY_JSON).write_text(json.dumps({
        "district_number": "0123", "law": "law of 2024-25", "pii_masked": True,
        "status": {"errors": 3, "warnings": 4, "info": 0}, "springCountReported": 120,
        "springCountValidated": 118.5, "ready": True,
        "certify": {"Spring ANB": {"verdict": "Ready to certify"},
                    "Spring Teacher-Class": {"verdict": "Ready to certify"}},
        "reruns": {"new": 2, "fixed": 5}}))
    s = read_summary(tmp_path)
    assert s == RunSummary(district_number="0123", law="law of 2024-25", pii_masked=True,
                           errors=3, warnings=4, info=0, spring_count_reported=120.0,
                           spring_count_validated=118.5, ready=True,
                           verdicts={"Spring ANB": "Ready to certify",
                                     "Spring Teacher-Class": "Ready to certify"},
                           new_findings=2, fixed_findings=5)
    assert s.verdict_line == ("Spring ANB: Ready to certify; "
                              "Spring Teacher-Class: Ready to certify")


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", "", "\udcff"])
def test_an_unreadable_summary_is_none(tmp_path: Path, text: str) -> None:
    (tmp_path / outputs.SUMMARY_JSON).write_text(text, errors="surrogateescape")
    assert read_summary(tmp_path) is None
    assert read_summary(tmp_path / "missing") is None


def test_a_mistyped_value_is_none_never_a_wrong_number() -> None:
    s = RunSummary.from_json({"status": {"errors": "3", "warnings": True}, "ready": "yes",
                              "springCountReported": "12", "certify": {"X": "ready"},
                              "reruns": [1], "district_number": 123})
    assert (s.errors, s.warnings, s.ready, s.spring_count_reported) == (None, None, None, None)
    assert s.verdicts == {} and s.new_findings is None and s.district_number == ""


@pytest.mark.slow
def test_what_the_run_writes_is_what_the_reader_reads(tmp_path: Path) -> None:
    from mtcollect_nb.checks.run import run_from_analysis
    from mtcollect_nb.report.workbook import write_tables
    from mtcollect_nb.testing import tiny_analysis
    from mtcollect_nb.window.finished import finish
    from mtcollect_nb.window.keys import with_keys

    done = finish(with_keys(run_from_analysis(tiny_analysis())), tmp_path)
    data = json.loads(write_tables(done, tmp_path)["summary"].read_text(encoding="utf-8"))
    s = read_summary(tmp_path)
    assert (s.district_number, s.district_name, s.law) == (
        data["district_number"], data["district_name"], data["law"])
    assert {"errors": s.errors, "warnings": s.warnings, "info": s.info} == data["status"]
    assert (s.spring_count_reported, s.spring_count_validated) == (
        data["springCountReported"], data["springCountValidated"])
    assert s.ready is data["ready"] is True and s.pii_masked is False
    assert s.verdicts == {c: v["verdict"] for c, v in data["certify"].items()}
    assert (s.new_findings, s.fixed_findings) == (0, 0)

"""``--season`` on the command line (issue 22): rules, run, demo."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from mtcollect_nb.checks.catalog import all_rules
from mtcollect_nb.cli import main


def _rules(capsys, *args: str) -> dict[str, str]:
    assert main(["rules", *args]) == 0
    return {ln.split()[0]: ln for ln in capsys.readouterr().out.splitlines()}


def test_rules_season_fall_names_the_fall_collections_and_marks_spring_only(capsys) -> None:
    lines = _rules(capsys, "--season", "fall")
    assert sorted(lines) == sorted(all_rules())
    assert "Fall ANB" in lines["ANB-01"] and "Spring" not in lines["ANB-01"]
    assert "Fall Teacher-Class" in lines["TCH-01"]
    for rid in ("ANB-17", "ANB-18", "ANB-19"):
        assert "[spring only: not part of the fall collection]" in lines[rid]
    assert not [r for r, ln in lines.items() if "only:" in ln and r not in
                ("ANB-17", "ANB-18", "ANB-19")]


def test_rules_default_is_the_spring_catalog_unmarked(capsys) -> None:
    # the twin: without --season (or with spring) the names are spring's and nothing is marked
    for args in ((), ("--season", "spring")):
        lines = _rules(capsys, *args)
        assert "Spring ANB" in lines["ANB-01"] and "Spring ANB" in lines["ANB-17"]
        assert not [ln for ln in lines.values() if "only:" in ln]
    assert main(["rules", "--season", "fall", "--collection", "fall teacher"]) == 0
    out = capsys.readouterr().out
    assert "TCH-01" in out and "ANB-01" not in out


@pytest.mark.slow
def test_run_season_must_be_a_season(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "mtcollect_nb.cli", "run", "x.yaml",
                           "--season", "summer"], capture_output=True, text=True)
    assert done.returncode == 2 and "invalid choice: 'summer'" in done.stderr


@pytest.mark.slow
@pytest.mark.notebooks
def test_demo_season_fall_end_to_end(tmp_path: Path) -> None:
    """``mtcollect demo --season fall`` as a user runs it: the fall collections' outputs in
    output/fall, named for the fall; the spring folder untouched."""
    done = subprocess.run([sys.executable, "-m", "mtcollect_nb.cli", "demo", "--season", "fall",
                           "--out", str(tmp_path)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    out = tmp_path / "output" / "fall"
    assert "collections:       Fall ANB and Fall Teacher-Class on the fall count date " \
           "2024-10-07" in done.stdout
    assert "ready to certify:  Fall ANB: Not ready" in done.stdout
    assert "fall count (CSV):  not written: mask_pii is on" in done.stdout  # the masked demo
    assert (out / "findings.xlsx").is_file()
    assert not (tmp_path / "output" / "findings.xlsx").exists()
    wb = load_workbook(out / "findings.xlsx", read_only=True)
    anb_header = next(wb["ANB"].iter_rows(max_row=1, values_only=True))
    assert "fallCountReported" in anb_header and "springCountReported" not in anb_header
    summary = [r for r in wb["Summary"].iter_rows(values_only=True) if r and r[0]]
    assert ("Collections checked", "Fall ANB and Fall Teacher-Class on the fall count date "
            "2024-10-07") in [tuple(r[:2]) for r in summary]
    page = (out / "district_validation.html").read_text(encoding="utf-8")
    assert "Fall ANB and Teacher-Class validation" in page

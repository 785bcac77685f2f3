"""Issue 20 item 4: verdicts that never contradict themselves.

The reason a rule did not run is the registry's (not_run_reason) and reads the same in
check-extracts, the Summary, the report and the terminal (the demo is a 2024-25 district:
ANB-24 does not run because of the law's year, not for a missing file); "Other reminders" are
explained where they are counted; the terminal's last line never says "errors ... ready".
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pytest

from mtcollect_nb import cli
from mtcollect_nb.outputs import SUMMARY_JSON
from mtcollect_nb.report import summary
from mtcollect_nb.window.certify import REMINDERS_NOTE


def summary_file(out: Path, errors: int, anb_errors: int, tc_errors: int) -> None:
    def verdict(n: int) -> dict[str, object]:
        return {"errorsOpen": n, "warningsNotReviewed": 0, "rulesNotRun": 0, "ready": n == 0,
                "verdict": f"Not ready: {n} errors open" if n else "Ready to certify"}

    out.mkdir(parents=True, exist_ok=True)
    (out / SUMMARY_JSON).write_text(json.dumps({
        "status": {"errors": errors, "warnings": 3, "info": 1},
        "ready": anb_errors == tc_errors == 0,
        "certify": {"Spring ANB": verdict(anb_errors),
                    "Spring Teacher-Class": verdict(tc_errors)}}), encoding="utf-8")


def printed(out: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    cli.report_outputs(out / "district_validation.ipynb")
    return capsys.readouterr().out.splitlines()


def test_ready_collections_and_reminder_errors_are_said_apart(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    summary_file(tmp_path, errors=4, anb_errors=0, tc_errors=0)
    lines = printed(tmp_path, capsys)
    done = lines[-1]
    assert done.startswith("done: Spring ANB: ready to certify; Spring Teacher-Class: ready to "
                           "certify; 4 reminder errors to fix before the End of Year collections")
    assert not re.search(r"\d+ errors?\b[^;]*;[^;]*\bready to certify", done)
    assert "findings:          4 errors, 3 warnings, 1 info" in lines


def test_not_ready_and_no_reminders(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    summary_file(tmp_path, errors=3, anb_errors=2, tc_errors=1)
    done = printed(tmp_path, capsys)[-1]
    assert done.startswith("done: Spring ANB: not ready; Spring Teacher-Class: not ready; "
                           "outputs in ")
    assert "reminder" not in done.split("; outputs in ")[0]


def _summary_blocks(book: Path) -> dict[str, list[list[object]]]:
    """The Summary sheet's blocks by title (the rows under each title, header first)."""
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(book)["Summary"].iter_rows()]
    blocks: dict[str, list[list[object]]] = {}
    title = summary.RUN_BLOCK
    for row in rows:
        values = [v for v in row if v is not None]
        if len(values) == 1 and isinstance(values[0], str) and row[0] == values[0] and (
                not blocks.get(title) or row[0] != blocks[title][0][0]) and (
                values[0][:1].isupper() and " " in values[0]):
            title = values[0]
            blocks[title] = []
        elif values:
            blocks.setdefault(title, []).append(row)
    return blocks


@pytest.mark.notebooks
def test_the_law_years_reason_is_the_same_everywhere(demo_run, capsys) -> None:
    out = demo_run.output_dir
    blocks = _summary_blocks(out / "findings.xlsx")
    not_run = {r[0]: r[1] for r in blocks[summary.NOT_RUN_BLOCK][1:]}
    reason = not_run["ANB-24"]
    assert reason.startswith("did not run: not in the law of 2024-25")
    said = reason.removeprefix("did not run: ")
    verdict = json.loads((out / SUMMARY_JSON).read_text())["certify"]["Spring ANB"]["verdict"]
    assert f"ANB-24, {said}" in verdict and "optional file not provided" not in verdict
    assert f"ANB-24, {said}" in demo_run.stdout  # the terminal's verdict line
    page = (out / "district_validation.html").read_text(encoding="utf-8")
    assert f"ANB-24, {said}".replace("&", "&amp;") in page
    assert cli.main(["check-extracts", str(demo_run.params_path)]) == 0
    assert f"  ANB-24: {reason}" in capsys.readouterr().out


@pytest.mark.notebooks
def test_other_reminders_are_explained_where_they_are_counted(demo_run) -> None:
    out = demo_run.output_dir
    blocks = _summary_blocks(out / "findings.xlsx")
    rows = {r[0]: r[1] for r in blocks[summary.REMINDERS_BLOCK][1:]}
    errors = int(rows["Errors"])
    assert errors > 0 and rows["What they are"] == REMINDERS_NOTE
    page = (out / "district_validation.html").read_text(encoding="utf-8")
    assert f"Not part of this certification: {errors} errors" in page
    done = demo_run.stdout.strip().splitlines()[-1]
    assert f"{errors} reminder errors to fix before the End of Year collections" in done
    assert not re.search(r"\d+ errors?\b[^;]*;[^;]*\bready to certify", done)

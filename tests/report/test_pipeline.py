from pathlib import Path

import pandas as pd
import pytest

from mtcollect_nb.errors import ExtractError
from mtcollect_nb.load.loader import write_bundle
from mtcollect_nb.report.pipeline import analyze_district, write_outputs
from mtcollect_nb.testing import absences, enrollment, make_bundle, params, student


def _folder(tmp_path: Path) -> Path:
    days = pd.bdate_range("2025-01-20", "2025-02-03")  # 11 school days ending on the count date
    assert len(days) == 11
    bundle = make_bundle(students=[student(1, lastName="Zebulonova"), student(2)],
                         enrollments=[enrollment(10, 1), enrollment(11, 2)],
                         attendance=absences(1, days))
    folder = tmp_path / "extracts"
    write_bundle(bundle, folder)
    return folder


@pytest.mark.slow
@pytest.mark.parametrize("mask", [False, True])
def test_analyze_and_write(tmp_path, mask):
    p = params(extracts_dir=str(_folder(tmp_path)), output_dir=str(tmp_path / "out"),
               mask_pii=mask)
    run = analyze_district(p)
    assert run.masked is mask
    assert run.findings["ruleId"].tolist() == ["ANB-01"]
    names = run.findings["studentName"].tolist()
    assert names == ([""] if mask else ["Zebulonova, First1"])
    out = write_outputs(run)
    assert out == tmp_path / "out" / "findings.xlsx" and out.exists()


def test_missing_extracts_is_one_clear_error(tmp_path):
    p = params(extracts_dir=str(tmp_path / "nope"), output_dir=str(tmp_path / "out"))
    with pytest.raises(ExtractError) as err:
        analyze_district(p)
    assert "\n" not in str(err.value)

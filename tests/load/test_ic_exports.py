"""The 27 real Infinite Campus layouts of issue 19 (tests/load/ic_cases.py): each is read as
stated, or refused with one line; none is silently read as something else."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ic_cases import CASES, Case

from mtcollect_nb.errors import MtcollectError
from mtcollect_nb.load.loader import load_bundle
from mtcollect_nb.synthetic import write_district
from mtcollect_nb.testing import params

BASE = {"district_number": "0999", "pir_days": 1}


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_district(tmp_path_factory.mktemp("ic") / "contract", students=120, seed=6,
                          plant=False)


@pytest.fixture(scope="module")
def base(district: Path):
    return load_bundle(district, params(**BASE))


def _folder(case: Case, district: Path, tmp_path: Path) -> tuple[Path, dict]:
    folder = Path(shutil.copytree(district, tmp_path / "x"))
    return folder, {**BASE, **case.params, **case.build(folder)}


@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_real_layout_is_read_or_refused_with_one_line(case, district, base, tmp_path):
    folder, p = _folder(case, district, tmp_path)
    if case.refused is not None:
        with pytest.raises(MtcollectError, match=case.refused) as err:
            load_bundle(folder, params(**p))
        assert "\n" not in str(err.value)
        return
    bundle = load_bundle(folder, params(**p))
    assert (bundle.accounting["read"] == bundle.accounting["used"]
            + bundle.accounting["rejected"]).all()
    assert case.check is not None
    case.check(bundle, base)


@pytest.mark.slow
def test_the_district_labels_case_is_read_with_the_columns_map(district, base, tmp_path):
    case = next(c for c in CASES if c.id == "schools/district_own_labels")
    folder, p = _folder(case, district, tmp_path)
    p["columns"] = {"schools": {"sch_no": "schoolNumber", "sch_na": "name"}}
    b = load_bundle(folder, params(**p))
    assert b.tables["schools"]["schoolNumber"].tolist() == base.tables["schools"][
        "schoolNumber"].tolist()


def test_the_cases_fail_without_what_they_test(district, tmp_path, monkeypatch):
    """A check is real: the State Format case is read as a plain file without its refusal."""
    from mtcollect_nb.load import headers

    monkeypatch.setattr(headers, "_refuse_state_format", lambda *a: None)
    case = next(c for c in CASES if c.id == "fall_count/state_format_AF")
    folder, p = _folder(case, district, tmp_path)
    with pytest.raises(MtcollectError) as err:
        load_bundle(folder, params(**p))
    assert "State Format" not in str(err.value)

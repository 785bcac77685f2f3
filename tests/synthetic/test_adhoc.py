"""The same synthetic district with contract headers and with real-export headers."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from mtcollect_nb.load import aliases
from mtcollect_nb.load.schemas import TABLES
from mtcollect_nb.report.pipeline import analyze_district
from mtcollect_nb.synthetic import write_district
from mtcollect_nb.synthetic.adhoc import STYLES, export_header, rewrite_headers
from mtcollect_nb.testing import params


@pytest.fixture(scope="module")
def contract(tmp_path_factory):
    return write_district(tmp_path_factory.mktemp("contract") / "x", students=90, seed=4)


def _run(folder, out):
    run = analyze_district(params(district_number="0999", extracts_dir=str(folder),
                                  output_dir=str(out)))
    return run


def _frame(df: pd.DataFrame) -> pd.DataFrame:
    return df.astype(str).sort_values(list(df.columns), kind="stable").reset_index(drop=True)


@pytest.mark.slow
@pytest.mark.parametrize("style", STYLES)
def test_every_finding_and_count_is_the_same_with_export_headers(contract, tmp_path, style):
    renamed = tmp_path / style
    shutil.copytree(contract, renamed)
    headers = rewrite_headers(renamed, style)
    changed = sum(h != c.name for t, hs in headers.items() for h, c in
                  zip(hs, TABLES[t].columns, strict=False))
    assert changed > 50  # the export's headers really differ from the contract's
    base, other = _run(contract, tmp_path / "o1"), _run(renamed, tmp_path / "o2")
    assert len(base.findings) > 0
    pd.testing.assert_frame_equal(_frame(base.findings), _frame(other.findings))
    bundle_a, bundle_b = base.analysis.bundle, other.analysis.bundle
    pd.testing.assert_frame_equal(bundle_a.accounting, bundle_b.accounting)
    pd.testing.assert_frame_equal(_frame(bundle_a.rejected), _frame(bundle_b.rejected))
    for name, table in bundle_a.tables.items():
        pd.testing.assert_frame_equal(table, bundle_b.tables[name], check_like=True)
    assert set(bundle_b.headers["how"]) - {"exact"}  # read through aliases, not exact names


@pytest.mark.parametrize("style", STYLES)
def test_export_headers_resolve_to_their_column(style):
    for table in aliases.ALIASES:
        if table not in TABLES:
            continue
        for col in TABLES[table].columns:
            if col.name in aliases.ALIASES[table]:
                assert aliases.resolve(table, export_header(table, col.name, style)) == col.name


def test_unknown_style_is_refused():
    with pytest.raises(ValueError, match="unknown header style"):
        export_header("students", "personID", "fancy")

"""findingKey: stable over reruns with unrelated rows changed, and in masked and unmasked runs."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mtcollect_nb.checks.run import run_from_analysis
from mtcollect_nb.compute.analysis import Analysis
from mtcollect_nb.load.loader import load_bundle
from mtcollect_nb.params import load_params
from mtcollect_nb.privacy.masking import mask_run
from mtcollect_nb.synthetic.write import write_demo
from mtcollect_nb.window.keys import OTHER_KEY, finding_keys, identity, with_keys

pytestmark = pytest.mark.slow

#: Files whose rows are shuffled and extended by the property test (no finding is about them).
SHUFFLED = ("attendance.csv", "enrollments.csv", "students.csv", "rosters.csv")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, object, pd.DataFrame]:
    base = tmp_path_factory.mktemp("keys")
    params = load_params(write_demo(base)).model_copy(update={"mask_pii": False})
    run = run_from_analysis(Analysis(load_bundle(Path(params.extracts_dir)), params))
    return Path(params.extracts_dir), params, run.findings.assign(key=finding_keys(run))


def keyed(extracts: Path, params: object) -> pd.DataFrame:
    p = params.model_copy(update={"extracts_dir": extracts})  # type: ignore[attr-defined]
    run = run_from_analysis(Analysis(load_bundle(extracts), p))
    return run.findings.assign(key=finding_keys(run))


def test_keys_unique_and_rule_prefixed(demo) -> None:
    _, _, f = demo
    assert f["key"].is_unique
    assert (f["key"].str.split(":").str[0] == f["ruleId"]).all()
    assert f["key"].str.fullmatch(r"[A-Z]{2,3}-\d\d:[0-9A-F]{16}").all()


def test_key_never_shows_an_id(demo) -> None:
    _, _, f = demo
    for sid in f.loc[f["stateID"] != "", "stateID"]:
        assert not f["key"].str.contains(sid, regex=False).any()


def test_masked_keys_agree_before_and_after_masking_and_pair_with_unmasked_keys(demo) -> None:
    extracts, params, f = demo
    run = run_from_analysis(Analysis(load_bundle(extracts), params))
    masked_after = finding_keys(mask_run(run))  # keys taken from the masked fields
    masked_before = mask_run(with_keys(run, public=False)).findings["findingKey"]
    assert masked_after.tolist() == masked_before.tolist()
    assert (mask_run(run).findings["stateID"] != run.findings["stateID"]).any()
    unmasked = with_keys(run).findings  # public keys, and the masked ones beside them
    assert unmasked["findingKey"].tolist() == f["key"].tolist()
    assert unmasked[OTHER_KEY].tolist() == masked_after.tolist()
    assert not set(f["key"]) & set(masked_after)
    assert OTHER_KEY not in mask_run(with_keys(run, public=False)).findings


@settings(max_examples=4, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 2**31 - 1), extra=st.integers(1, 5))
def test_rerun_with_unrelated_rows_changed_keeps_every_key(demo, tmp_path_factory, seed: int,
                                                            extra: int) -> None:
    """Rows reordered (every line number moves) and unrelated students added: same keys."""
    extracts, params, f = demo
    copy = tmp_path_factory.mktemp("rerun") / "extracts"
    shutil.copytree(extracts, copy)
    rng = np.random.default_rng(seed)
    for name in SHUFFLED:
        path = copy / name
        if not path.exists():
            continue
        enc = "cp1252" if name == "students.csv" else "utf-8"
        head, *body = path.read_text(encoding=enc).splitlines()
        order = rng.permutation(len(body))
        lines = [body[i] for i in order]
        if name == "students.csv":  # new students with no enrollment: nothing to find
            ncol = head.count(",")
            lines += [",".join([str(880000 + k), f"99{k:07d}"] + [""] * (ncol - 1))
                      for k in range(extra)]
        path.write_text("\n".join([head, *lines]) + "\n", encoding=enc)
    again = keyed(copy, params)
    assert sorted(again["key"]) == sorted(f["key"])
    pair = f.merge(again, on="key", suffixes=("", "_2"))
    assert (pair["ruleId"] == pair["ruleId_2"]).all()
    assert (pair["stateID"] == pair["stateID_2"]).all()


def test_identity_ignores_line_and_message() -> None:
    a = pd.DataFrame({"ruleId": ["DQ-03", "ANB-01"], "field": ["days.csv line 9: date", "x"],
                      "message": ["m1", "m2"], "stateID": ["", "1"]})
    b = a.assign(field=["days.csv line 4000: date", "x"], message=["other", "text"])
    assert identity(a).tolist() == identity(b).tolist()
    assert identity(a.assign(stateID=["", "2"])).tolist() != identity(a).tolist()


@settings(max_examples=15, deadline=None)
@given(st.lists(st.sampled_from(["0101", "0202"]), min_size=1, max_size=12),
       st.randoms(use_true_random=False))
def test_keys_do_not_depend_on_row_order(schools: list[str], rnd) -> None:
    """Plain reference: the key of a finding is a function of its own row only."""
    from mtcollect_nb.testing import tiny_analysis

    run = run_from_analysis(tiny_analysis())
    n = len(schools)
    f = pd.DataFrame({"ruleId": ["ANB-02"] * n, "severity": "warning",
                      "collection": "Spring ANB", "schoolNumber": schools,
                      "stateID": [f"9{i:08d}" for i in range(n)], "field": "f",
                      "value": "v", "enrollmentID": [str(i) for i in range(n)]})
    f["personID"] = pd.array([pd.NA] * n, dtype="Int64")
    run.results.findings = f
    keys = dict(zip(f["enrollmentID"], finding_keys(run), strict=True))
    order = list(range(n))
    rnd.shuffle(order)
    run.results.findings = f.iloc[order].reset_index(drop=True)
    shuffled = dict(zip(run.findings["enrollmentID"], finding_keys(run), strict=True))
    assert shuffled == keys
